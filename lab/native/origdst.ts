// Loads the SO_ORIGINAL_DST addon and reads a redirected connection's original destination from a net.Socket.
import { createRequire } from "node:module";
import { readFileSync } from "node:fs";
import type net from "node:net";
import { origDstAddonPath, origDstSourcePath } from "./build.js";

/** The destination a connection was addressed to before iptables redirected it. */
export interface OriginalDestination {
  address: string;
  port: number;
  family: 4 | 6;
}

interface OrigDstAddon {
  originalDst(fd: number): OriginalDestination;
}

/** Thrown when the addon is not built (or cannot be loaded); the message says how to build it. */
export class OrigDstAddonMissingError extends Error {
  override name = "OrigDstAddonMissingError";
}

/** Environment variable naming an explicit addon file (used where the lab cache is not visible, e.g. inside the VM). */
export const ORIGDST_ADDON_ENV = "LAB_ORIGDST_ADDON";

const require = createRequire(import.meta.url);
let loaded: { path: string; addon: OrigDstAddon } | undefined;

/** Resolves which addon file to load: an explicit path, $LAB_ORIGDST_ADDON, or the cache entry for the current source. */
export const resolveOrigDstAddonPath = (explicitPath?: string, env: NodeJS.ProcessEnv = process.env): string => {
  if (explicitPath) return explicitPath;
  const fromEnv = env[ORIGDST_ADDON_ENV];
  if (fromEnv) return fromEnv;
  let source: string;
  try {
    source = readFileSync(origDstSourcePath(), "utf8");
  } catch (error) {
    throw new OrigDstAddonMissingError(
      `SO_ORIGINAL_DST addon: cannot read its source ${origDstSourcePath()} to locate the build (${String(error)}); set ${ORIGDST_ADDON_ENV} to the built .node file`,
    );
  }
  return origDstAddonPath(source);
};

/** Loads (once) the SO_ORIGINAL_DST addon; throws OrigDstAddonMissingError with the build command when it is missing. */
export const loadOrigDstAddon = (explicitPath?: string): OrigDstAddon => {
  const file = resolveOrigDstAddonPath(explicitPath);
  if (loaded?.path === file) return loaded.addon;
  try {
    const addon = require(file) as OrigDstAddon;
    if (typeof addon.originalDst !== "function") throw new Error("it does not export originalDst()");
    loaded = { path: file, addon };
    return addon;
  } catch (error) {
    throw new OrigDstAddonMissingError(
      `SO_ORIGINAL_DST addon not available at ${file}: ${(error as Error).message}. ` +
        "Build it with `node dist/lab/native/build-cli.js` (lab provisioning does this), or set " +
        `${ORIGDST_ADDON_ENV} to a built origdst .node file`,
    );
  }
};

/** The file descriptor behind an accepted net.Socket (Node keeps it on the internal handle). */
export const socketFd = (socket: net.Socket): number => {
  const fd = (socket as unknown as { _handle?: { fd?: number } })._handle?.fd;
  if (typeof fd !== "number" || fd < 0) throw new Error("socket has no file descriptor (already closed?)");
  return fd;
};

/** Original destination of an accepted, REDIRECTed connection (getsockopt SO_ORIGINAL_DST). */
export const originalDestination = (socket: net.Socket, addon: OrigDstAddon = loadOrigDstAddon()): OriginalDestination =>
  addon.originalDst(socketFd(socket));
