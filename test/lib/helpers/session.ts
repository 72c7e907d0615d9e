// A real Session over a temporary parameters file (the chapter's values), for tests of checks and diagnoses.
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { loadParams } from "../../../lib/params/load.js";
import { RunState } from "../../../lib/params/state.js";
import { EventLog } from "../../../lib/run/events.js";
import { Session, type SessionMode } from "../../../lib/run/session.js";

/** A session with the chapter's parameters (VM 198.18.0.10, namespace legacy…) and its own event sink. */
export const testSession = (options: { mode?: SessionMode; extra?: Record<string, string> } = {}): { session: Session; sink: EventLog; dir: string } => {
  const dir = mkdtempSync(path.join(tmpdir(), "check-session-"));
  const key = path.join(dir, "pegasus_key.pem");
  writeFileSync(key, "not a real key\n", { mode: 0o600 });
  const lines = {
    TARGET: "lab",
    VM_ADDRESS: "198.18.0.10",
    VM_PUB_ADDRESS: "198.18.3.10",
    VM_PKEY_PATH: key,
    ISTIO_VERSION: "1.8.1",
    ...options.extra,
  };
  const file = path.join(dir, "runbook.env");
  writeFileSync(file, Object.entries(lines).map(([k, v]) => `${k}=${v}`).join("\n") + "\n");
  const sink = new EventLog();
  const session = new Session({ params: loadParams({ file, env: {}, root: dir }), mode: options.mode ?? "run", sink, state: new RunState(path.join(dir, "state.json")) });
  return { session, sink, dir };
};
