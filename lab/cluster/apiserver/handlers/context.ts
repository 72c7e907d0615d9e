// What every API server handler needs: the registry and its parts, the authenticator, backends and settings.
import type { KeyObject } from "node:crypto";
import type { ExecBackend, LogBackend } from "../../contracts.js";
import type { Registry } from "../../registry/registry.js";
import type { Authenticator } from "../authn.js";
import type { OpenApiService } from "../openapi.js";

/** Shared state of the API server's handlers. */
export interface HandlerContext {
  registry: Registry;
  authenticator: Authenticator;
  openapi: OpenApiService;
  /** The kubelet's exec backend, when one is registered. */
  exec: () => ExecBackend | undefined;
  /** The kubelet's log backend, when one is registered. */
  logs: () => LogBackend | undefined;
  saKey: KeyObject;
  saPublicKey: KeyObject;
  issuer: string;
  /** `host:port` advertised by `/api`. */
  serverAddress: string;
  /** Interval of BOOKMARK events on watches that allow them. */
  bookmarkIntervalMs: number;
  /** Default watch duration when the client sets no timeoutSeconds. */
  defaultWatchSeconds: number;
  /** True while the server shuts down (readyz fails, watches end). */
  shuttingDown: () => boolean;
  /** Called with every open watch response so shutdown can end them. */
  trackStream: (end: () => void) => () => void;
}
