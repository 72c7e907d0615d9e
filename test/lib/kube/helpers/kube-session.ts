// A test session whose kubeconfig points at a MiniApi, with the real kubectl and a private discovery cache.
import { mkdtempSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { Session, SessionOptions } from "../../../../lib/run/session.js";
import type { EventLog } from "../../../../lib/run/events.js";
import { testSession } from "../../../helpers/params.js";
import type { MiniApi } from "./mini-api.js";

/** The real kubectl the project installs (npm ci). */
export const REAL_KUBECTL = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../../../../.tools/bin/kubectl");

// kubectl caches discovery per server for 6 h: give this test process its own cache.
process.env["KUBECACHEDIR"] ??= mkdtempSync(path.join(os.tmpdir(), "kube-cache-"));

/** A session talking to `api` (context "mini", namespace default unless given). */
export const kubeSession = ({
  api,
  namespace,
  lines = {},
  ...rest
}: { api: MiniApi; namespace?: string; lines?: Record<string, string> } & Partial<Omit<SessionOptions, "params">>): { session: Session; events: EventLog; root: string; kubeconfig: string } => {
  const dir = mkdtempSync(path.join(os.tmpdir(), "kubeconfig-"));
  const kubeconfig = path.join(dir, "config");
  writeFileSync(kubeconfig, api.kubeconfig({ ...(namespace ? { namespace } : {}) }), { mode: 0o600 });
  const { session, events, root } = testSession({ lines: { KUBECONFIG: kubeconfig, KUBECTL: REAL_KUBECTL, ...lines }, ...rest });
  return { session, events, root, kubeconfig };
};

/** Polls `predicate` until it holds (a bounded wait for something the server does asynchronously, not a timing claim). */
export const eventually = async (predicate: () => boolean, what: string, limitMs = 10_000): Promise<void> => {
  const start = Date.now();
  while (!predicate()) {
    if (Date.now() - start > limitMs) throw new Error(`never happened: ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
};
