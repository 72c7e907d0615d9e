// Test helpers: a throwaway project folder with a parameters file and a 0600 key, and a Session over it.
import { mkdtempSync, mkdirSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { loadParams } from "../../lib/params/load.js";
import { RunState } from "../../lib/params/state.js";
import { Session, type SessionOptions } from "../../lib/run/session.js";
import { EventLog } from "../../lib/run/events.js";

/** A temp project folder with `runbook.env` (given lines merged over sane defaults) and `bkp/pegasus_key.pem` (0600). */
export const tempProject = (lines: Record<string, string> = {}): { root: string; file: string } => {
  const root = mkdtempSync(path.join(os.tmpdir(), "runbook-test-"));
  mkdirSync(path.join(root, "bkp"), { recursive: true });
  writeFileSync(path.join(root, "bkp", "pegasus_key.pem"), "not a real key\n", { mode: 0o600 });
  const values = { VM_ADDRESS: "10.240.0.115", VM_PUB_ADDRESS: "pegasus.eastus.cloudapp.azure.com", ...lines };
  const file = path.join(root, "runbook.env");
  writeFileSync(file, Object.entries(values).map(([k, v]) => `${k}=${v}`).join("\n") + "\n");
  return { root, file };
};

/** A Session over a temp project, recording events in `events`. */
export const testSession = (
  options: { lines?: Record<string, string> } & Partial<Omit<SessionOptions, "params">> = {},
): { session: Session; events: EventLog; root: string } => {
  const { root, file } = tempProject(options.lines);
  const events = new EventLog();
  const session = new Session({
    params: loadParams({ file, env: {}, root }),
    sink: events,
    state: new RunState(path.join(root, ".state", "state.json")),
    ...options,
  });
  return { session, events, root };
};
