// `pods/exec` over WebSocket (v5.channel.k8s.io, v4 and older): binary frames prefixed by the channel (0 stdin,
// 1 stdout, 2 stderr, 3 status, 4 resize, 255 close in v5), the exit status on channel 3 (`ExitCode` cause),
// then close 1000. Delegates the process to the kubelet's ExecBackend. SPDY is not spoken: kubectl uses
// WebSocket first.
import type { IncomingMessage } from "node:http";
import { constants } from "node:os";
import type { Duplex } from "node:stream";
import { WebSocketServer, type WebSocket } from "ws";
import type { ExecSession } from "../contracts.js";
import { ApiError } from "../contracts.js";
import { badRequest, toStatus, unauthorized } from "../store/errors.js";
import type { UserInfo } from "../registry/request.js";
import type { HandlerContext } from "./handlers/context.js";
import { pickContainer } from "./handlers/logs.js";
import { requestInfo } from "./request-info.js";

/** Subprotocols in the server's order of preference. */
export const execProtocols = ["v5.channel.k8s.io", "v4.channel.k8s.io", "v3.channel.k8s.io", "v2.channel.k8s.io", "channel.k8s.io"];

const STDIN = 0;
const STDOUT = 1;
const STDERR = 2;
const ERROR = 3;
const RESIZE = 4;
const CLOSE = 255;

const frame = (channel: number, data: Buffer | string): Buffer => Buffer.concat([Buffer.from([channel]), Buffer.isBuffer(data) ? data : Buffer.from(data)]);

/** Writes an HTTP error (a metav1.Status) on a socket that was not upgraded. */
const rejectUpgrade = (socket: Duplex, error: unknown): void => {
  const status = toStatus(error);
  const body = JSON.stringify(status);
  const code = Number(status["code"]) || 500;
  socket.end(`HTTP/1.1 ${code} ${codeText(code)}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`);
};

const codeText = (code: number): string =>
  ({ 400: "Bad Request", 401: "Unauthorized", 403: "Forbidden", 404: "Not Found", 500: "Internal Server Error", 503: "Service Unavailable" })[code] ?? "Error";

/** The exit status sent on channel 3 (v4+). */
export const exitStatus = (result: { exitCode: number | null; signal: string | null }, command: string[]): Record<string, unknown> => {
  const code = result.exitCode ?? (result.signal ? 128 + ((constants.signals as Record<string, number>)[result.signal] ?? 0) : 1);
  if (code === 0) return { metadata: {}, status: "Success" };
  return {
    metadata: {},
    status: "Failure",
    message: `command terminated with non-zero exit code: error executing command [${command.join(" ")}], exit code ${code}`,
    reason: "NonZeroExitCode",
    details: { causes: [{ reason: "ExitCode", message: String(code) }] },
  };
};

/** Serves WebSocket upgrades for pods/exec. */
export class ExecServer {
  private readonly wss = new WebSocketServer({ noServer: true, handleProtocols: (protocols) => execProtocols.find((p) => protocols.has(p)) ?? false });
  private readonly sessions = new Set<{ session: ExecSession; ws?: WebSocket }>();

  constructor(private readonly context: HandlerContext) {}

  /** Handles an `upgrade` event of the HTTPS server. */
  async handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): Promise<void> {
    try {
      const user = this.authenticate(req);
      const url = new URL(req.url ?? "/", "https://lab");
      const info = requestInfo("GET", url.pathname, false);
      if (!info.isResourceRequest || info.resource !== "pods" || info.subresource !== "exec" || info.group !== "" || !info.namespace || !info.name) {
        throw new ApiError(404, "NotFound", "the server could not find the requested resource");
      }
      const offered = String(req.headers["sec-websocket-protocol"] ?? "").split(",").map((p) => p.trim());
      const protocol = execProtocols.find((p) => offered.includes(p));
      const command = url.searchParams.getAll("command");
      const stdin = url.searchParams.get("stdin") === "true" || url.searchParams.get("stdin") === "1";
      const tty = url.searchParams.get("tty") === "true" || url.searchParams.get("tty") === "1";
      const action = { verb: "create", group: "", version: info.version, resource: "pods", subresource: "exec", namespace: info.namespace, name: info.name, user: user.username, body: { command, container: url.searchParams.get("container") ?? undefined, stdin, tty } };
      const session = await this.context.registry.track(action, async () => {
        if (!command.length) throw badRequest("you must specify at least 1 command");
        const podsDef = this.context.registry.resolve({ group: "", version: "v1", resource: "pods" });
        const pod = await this.context.registry.get(podsDef, "v1", info.namespace, info.name!);
        const container = pickContainer(pod, url.searchParams.get("container"));
        const phase = pod.status?.phase;
        if (phase === "Succeeded" || phase === "Failed") throw badRequest(`cannot exec into a container in a completed pod; current phase is ${phase}`);
        const upgrade = String(req.headers.upgrade ?? "").toLowerCase();
        if (upgrade !== "websocket") {
          throw badRequest(`the lab's API server speaks exec over WebSocket (${execProtocols[0]}) only, not ${upgrade || "plain HTTP"}`);
        }
        if (!protocol) throw badRequest(`none of the WebSocket subprotocols offered (${offered.join(", ") || "none"}) is supported: ${execProtocols.join(", ")}`);
        const backend = this.context.exec();
        if (!backend) throw new ApiError(503, "ServiceUnavailable", `no kubelet is running in the lab cluster: cannot exec in container "${container}" of pod "${pod.metadata.name}"`);
        return backend.exec({ namespace: info.namespace!, pod: info.name!, container, command, stdin, tty });
      });
      const ws = await new Promise<WebSocket>((resolve) => this.wss.handleUpgrade(req, socket, head, resolve));
      await this.run(ws, session, protocol!, command, stdin);
    } catch (error) {
      if (socket.writable) rejectUpgrade(socket, error);
    }
  }

  private authenticate(req: IncomingMessage): UserInfo {
    const result = this.context.authenticator.authenticateHeader(req.headers.authorization);
    if (!result || !result.ok) throw unauthorized();
    return result.user;
  }

  /** Pumps one session between the WebSocket and the process until the process ends. */
  private async run(ws: WebSocket, session: ExecSession, protocol: string, command: string[], stdin: boolean): Promise<void> {
    const entry = { session, ws };
    this.sessions.add(entry);
    const v4 = protocol.startsWith("v4") || protocol.startsWith("v5");
    const send = (channel: number, data: Buffer | string) => {
      if (ws.readyState === ws.OPEN) ws.send(frame(channel, data), { binary: true });
    };
    session.onStdout((chunk) => send(STDOUT, chunk));
    session.onStderr((chunk) => send(STDERR, chunk));
    ws.on("message", (data: Buffer, isBinary: boolean) => {
      const buf = isBinary ? data : Buffer.from(data.toString(), "utf8");
      if (!buf.length) return;
      const channel = buf[0]!;
      const payload = buf.subarray(1);
      if (channel === STDIN && stdin) session.writeStdin(payload);
      else if (channel === RESIZE) {
        try {
          const size = JSON.parse(payload.toString("utf8")) as Record<string, number>;
          session.resize({ width: size["Width"] ?? size["width"] ?? 0, height: size["Height"] ?? size["height"] ?? 0 });
        } catch {
          // A malformed resize frame is ignored, like the kubelet does.
        }
      } else if (channel === CLOSE && payload[0] === STDIN) session.closeStdin();
    });
    ws.on("close", () => {
      this.sessions.delete(entry);
      session.kill();
    });
    try {
      const status = exitStatus(await session.exited, command);
      if (v4) send(ERROR, JSON.stringify(status));
      else if (status["status"] !== "Success") send(ERROR, String(status["message"]));
    } catch (error) {
      send(ERROR, v4 ? JSON.stringify(toStatus(error)) : String((error as Error).message));
    }
    if (ws.readyState === ws.OPEN) ws.close(1000);
  }

  /** Ends every open session (server shutdown). */
  closeAll(): void {
    for (const { session, ws } of this.sessions) {
      session.kill();
      ws?.close(1001);
    }
    this.sessions.clear();
  }
}
