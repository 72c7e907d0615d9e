// The cluster daemon's control socket (`<state>/run/cluster.sock`): one JSON request per line, one JSON answer per
// line. Operations: status, faults, fault-add, fault-clear, actions, shutdown — used by the lab CLI and tests.
import { createConnection, createServer, type Server } from "node:net";
import { rm } from "node:fs/promises";
import type { FaultSpec } from "./store/reactors.js";
import type { RunningCluster } from "./cluster.js";

/** A request to the control socket. */
export type ControlRequest =
  | { op: "status" }
  | { op: "faults" }
  | { op: "fault-add"; fault: FaultSpec }
  | { op: "fault-clear"; id?: number }
  | { op: "actions"; since?: number }
  | { op: "shutdown" };

/** Serves the control socket until closed. `shutdown` is called for the shutdown operation. */
export const serveControl = async (options: { socket: string; cluster: RunningCluster; components: string[]; shutdown: () => void }): Promise<Server> => {
  const { cluster } = options;
  await rm(options.socket, { force: true });
  const answer = (req: ControlRequest): unknown => {
    switch (req.op) {
      case "status": {
        const counts: Record<string, number> = {};
        for (const { gr } of cluster.store.all()) {
          const key = gr.group ? `${gr.resource}.${gr.group}` : gr.resource;
          counts[key] = (counts[key] ?? 0) + 1;
        }
        return { ok: true, urls: cluster.urls, kubeconfig: cluster.kubeconfigFile, resourceVersion: cluster.store.resourceVersion(), objects: counts, components: options.components, faults: cluster.reactors.faults() };
      }
      case "faults":
        return { ok: true, faults: cluster.reactors.faults() };
      case "fault-add":
        if (!req.fault || typeof req.fault.verb !== "string" || typeof req.fault.resource !== "string") return { ok: false, error: "fault needs verb and resource" };
        return { ok: true, id: cluster.reactors.addFault(req.fault) };
      case "fault-clear":
        if (req.id !== undefined) return { ok: cluster.reactors.remove(req.id) };
        cluster.reactors.clear();
        return { ok: true };
      case "actions":
        return { ok: true, actions: cluster.actions.since(req.since ?? 0).map((a) => ({ ...a, body: a.resource === "secrets" ? "<redacted>" : a.body })) };
      case "shutdown":
        setImmediate(options.shutdown);
        return { ok: true };
      default:
        return { ok: false, error: `unknown op ${(req as { op?: string }).op}` };
    }
  };
  const server = createServer((conn) => {
    let buffer = "";
    conn.on("data", (chunk) => {
      buffer += chunk.toString("utf8");
      let i: number;
      while ((i = buffer.indexOf("\n")) >= 0) {
        const line = buffer.slice(0, i);
        buffer = buffer.slice(i + 1);
        let reply: unknown;
        try {
          reply = answer(JSON.parse(line) as ControlRequest);
        } catch (error) {
          reply = { ok: false, error: (error as Error).message };
        }
        conn.write(`${JSON.stringify(reply)}\n`);
      }
    });
    conn.on("error", () => conn.destroy());
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.socket, () => resolve());
  });
  return server;
};

/** Sends one request to a daemon's control socket and returns its answer. */
export const controlRequest = async (socket: string, request: ControlRequest, timeoutMs = 10_000): Promise<Record<string, unknown>> =>
  new Promise((resolve, reject) => {
    const conn = createConnection(socket);
    let buffer = "";
    const timer = setTimeout(() => {
      conn.destroy();
      reject(new Error(`no answer from ${socket} in ${timeoutMs} ms`));
    }, timeoutMs);
    conn.on("connect", () => conn.write(`${JSON.stringify(request)}\n`));
    conn.on("data", (chunk) => {
      buffer += chunk.toString("utf8");
      const i = buffer.indexOf("\n");
      if (i >= 0) {
        clearTimeout(timer);
        conn.end();
        resolve(JSON.parse(buffer.slice(0, i)) as Record<string, unknown>);
      }
    });
    conn.on("error", (error) => {
      clearTimeout(timer);
      reject(error);
    });
  });
