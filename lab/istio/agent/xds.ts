// The agent's xDS proxy: the ADS stream to istiod (mesh certificate, or the istio-token until there is one), the node
// hello, snapshots and name tables handed to the data plane, ACK/NACK, health reports, and reconnection with back-off
// (what Envoy's ADS retry does through the agent), logged like pilot-agent's xdsproxy per release.
import { setTimeout as sleep } from "node:timers/promises";
import type { AgentMessage, IstiodMessage } from "../xds/protocol.js";
import { readJsonLines, writeJsonLine } from "../xds/json-lines.js";
import type { IstioLogger } from "../proxy/log.js";
import type { AgentConfig } from "./config.js";
import { nodeId } from "./config.js";
import type { DialOptions } from "./dial.js";
import type { AgentProfile } from "./release.js";
import { openAds, RpcFailure } from "./rpc.js";
import type { SecretManager } from "./secrets.js";
import type { TokenSource } from "./token.js";

/** What the xDS client delivers. */
export interface XdsHandlers {
  /** Applies a snapshot; throws to NACK it. */
  onSnapshot(message: Extract<IstiodMessage, { type: "snapshot" }>): Promise<void>;
  onNameTable(message: Extract<IstiodMessage, { type: "nameTable" }>): void;
}

/** Options of the xDS client. */
export interface XdsClientOptions {
  profile: AgentProfile;
  config: AgentConfig;
  log: IstioLogger;
  rootPem: string;
  secrets: SecretManager;
  tokens: TokenSource;
  dial: Omit<DialOptions, "rootPem" | "client" | "address">;
  handlers: XdsHandlers;
  /** Current health of the workload (readinessProbe), reported on the stream. */
  health?: () => { healthy: boolean; message?: string } | undefined;
}

/** Keeps an ADS stream to istiod. */
export class XdsClient {
  private readonly abort = new AbortController();
  private loop?: Promise<void>;
  private connections = 0;
  private current?: { write(m: AgentMessage | { type: "health"; healthy: boolean; message?: string }): Promise<void> };
  /** Times a connection to istiod was established (for tests and the status server). */
  connectedCount = 0;

  constructor(private readonly o: XdsClientOptions) {}

  /** Starts the loop (returns at once). */
  start(): void {
    this.loop ??= this.run();
  }

  /** Sends a health report on the current stream (dropped when disconnected). */
  reportHealth(report: { healthy: boolean; message?: string }): void {
    void this.current?.write({ type: "health", ...report }).catch(() => undefined);
  }

  private async run(): Promise<void> {
    const { log, profile, config } = this.o;
    const address = config.discoveryAddress;
    let backoff = 500;
    while (!this.abort.signal.aborted) {
      const id = ++this.connections;
      if (profile.xdsLogStyle === "1.8") log.info("xdsproxy", "Envoy ADS stream established");
      const started = Date.now();
      let failure: string | undefined;
      let connected = false;
      try {
        const cert = this.o.secrets.current;
        const token = cert ? undefined : await this.o.tokens.get();
        const ads = await openAds({
          profile,
          dial: { ...this.o.dial, address, rootPem: this.o.rootPem, client: cert ? { certPem: cert.certChainPem, keyPem: cert.privateKeyPem } : undefined },
          token: token && "token" in token ? token.token : undefined,
          clusterId: config.clusterId,
        });
        connected = true;
        this.connectedCount++;
        if (profile.xdsLogStyle === "1.8") log.info("xdsproxy", `connecting to upstream XDS server: ${address}`);
        else log.info("xdsproxy", `connected to upstream XDS server: ${address}\tid=${id}`);
        const streamStarted = Date.now();
        failure = await this.serve(ads.stream);
        if (Date.now() - streamStarted > 10_000) backoff = 500; // a stream refused at once keeps backing off
        ads.session.close();
      } catch (error) {
        failure = error instanceof RpcFailure ? error.message : (error as Error).message;
        if (!connected) {
          if (profile.xdsLogStyle === "1.8") {
            const text = "context deadline exceeded"; // grpc.DialContext(WithBlock) with the 5 s deadline hides the cause
            log.error("xdsproxy", `failed to connect to upstream ${address}: ${text}`);
          } else {
            log.log("warning", "envoy config", `StreamAggregatedResources gRPC config stream to xds-grpc closed since ${Math.max(0, Math.round((Date.now() - started) / 1000))}s ago: 14, ${failure.replace(/^rpc error: code = \w+ desc = /, "")}`);
          }
        }
      }
      this.current = undefined;
      if (connected) {
        if (failure) log.warn("xdsproxy", profile.xdsLogStyle === "1.8" ? `upstream terminated with unexpected error ${failure}` : `upstream terminated with unexpected error ${failure}\tid=${id}`);
        if (profile.xdsLogStyle === "1.8") log.info("xdsproxy", `disconnected from XDS server: ${address}`);
      }
      if (this.abort.signal.aborted) return;
      await sleep(backoff * (0.8 + Math.random() * 0.4), undefined, { signal: this.abort.signal }).catch(() => undefined);
      backoff = Math.min(backoff * 2, 15_000);
    }
  }

  /** Runs one stream until it ends; the failure text, if it ended with one. */
  private async serve(stream: import("node:http2").ClientHttp2Stream): Promise<string | undefined> {
    const { config, handlers } = this.o;
    const write = (m: unknown) => writeJsonLine(stream, m);
    this.current = { write };
    let failure: string | undefined;
    let status = 0;
    const done = new Promise<void>((resolve) => {
      stream.once("response", (headers) => {
        status = Number(headers[":status"] ?? 0);
      });
      stream.once("close", () => resolve());
      // istiod ended its side (a refused stream, a terminated connection): the call is over
      stream.once("end", () => stream.close());
      stream.once("error", (e: Error) => {
        failure ??= `rpc error: code = Unavailable desc = ${e.message}`;
        resolve();
      });
      const abort = () => stream.close();
      this.abort.signal.addEventListener("abort", abort, { once: true });
      stream.once("close", () => this.abort.signal.removeEventListener("abort", abort));
    });
    let queue = Promise.resolve();
    readJsonLines(stream, (message) => {
      const m = message as IstiodMessage;
      queue = queue.then(async () => {
        const raw = message as { type?: string; code?: unknown; message?: unknown };
        if (raw.type === undefined && typeof raw.code === "number") {
          failure = new RpcFailure({ code: raw.code, message: String(raw.message ?? "") }).message; // an error answer (HTTP 4xx)
          return;
        }
        if (m.type === "error") {
          failure = new RpcFailure({ code: m.code, message: m.message }).message;
          return;
        }
        if (m.type === "nameTable") {
          handlers.onNameTable(m);
          return;
        }
        if (m.type === "snapshot") {
          try {
            await handlers.onSnapshot(m);
            await write({ type: "ack", version: m.version } satisfies AgentMessage).catch(() => undefined);
          } catch (error) {
            await write({ type: "ack", version: m.version, error: (error as Error).message } satisfies AgentMessage).catch(() => undefined);
          }
        }
      });
    });
    await write({ type: "hello", node: { id: nodeId(config), metadata: config.metadata } } satisfies AgentMessage).catch(() => undefined);
    const health = this.o.health?.();
    if (health) await write({ type: "health", ...health }).catch(() => undefined);
    await done;
    await queue;
    if (!failure && status >= 400) failure = `rpc error: code = Unavailable desc = unexpected HTTP status code received from server: ${status}`;
    if (!failure && !this.abort.signal.aborted) failure = "rpc error: code = Unavailable desc = error reading from server: EOF";
    return this.abort.signal.aborted ? undefined : failure;
  }

  /** Closes the stream and stops reconnecting. */
  async stop(): Promise<void> {
    this.abort.abort();
    await this.loop;
  }
}
