// pilot-agent's status server: :15020 (and :15021, Envoy's readiness listener, which routes to it) answering
// /healthz/ready with the agent's probe — config received from istiod (CDS and LDS updates) and Envoy live — and
// logging "Envoy proxy is ready" / "Envoy proxy is NOT ready: …" as the real one does when probed; /quitquitquit stops
// the agent; /stats/prometheus relays the proxy's metrics.
import http from "node:http";
import type { IstioLogger } from "../proxy/log.js";
import { goDuration, type AgentProfile } from "./release.js";

/** What the probe reads from the data plane. */
export interface ReadinessSource {
  cds: { success: number; rejected: number };
  lds: { success: number; rejected: number };
  /** Envoy's server state: LIVE once the configuration (with its secrets) is active. */
  live: boolean;
  /** Workers started (listeners up). */
  workersStarted: boolean;
}

/** The readiness probe (pilot-agent status/ready.Probe). */
export class ReadinessProbe {
  private receivedFirstUpdate = false;
  private atLeastOnceReady = false;
  private lastSuccessful = false;
  private readonly startedAt = Date.now();

  constructor(
    private readonly profile: AgentProfile,
    private readonly log: IstioLogger,
    private readonly source: () => ReadinessSource,
  ) {}

  /** undefined when ready, else the reason. */
  check(): string | undefined {
    const s = this.source();
    if (!this.receivedFirstUpdate) {
      if (s.cds.success > 0 && s.lds.success > 0) this.receivedFirstUpdate = true;
      else return this.profile.notReadyNoConfig(`cds updates: ${s.cds.success} successful, ${s.cds.rejected} rejected; lds updates: ${s.lds.success} successful, ${s.lds.rejected} rejected`);
    }
    if (this.atLeastOnceReady) return undefined;
    if (!s.live) return "server is not live, current state is: INITIALIZING";
    if (!s.workersStarted) return "workers have not yet started";
    this.atLeastOnceReady = true;
    if (this.profile.logsReadinessDuration) this.log.info("", `Readiness succeeded in ${goDuration(Date.now() - this.startedAt)}`);
    return undefined;
  }

  /** Runs the probe for one HTTP request, logging like handleReadyProbe. */
  probe(): boolean {
    const error = this.check();
    if (error) {
      this.log.warn("", `Envoy proxy is NOT ready: ${error}`);
      this.lastSuccessful = false;
      return false;
    }
    if (!this.lastSuccessful) this.log.info("", "Envoy proxy is ready");
    this.lastSuccessful = true;
    return true;
  }
}

/** The application probes the injector rewrote (ISTIO_KUBE_APP_PROBERS: path → original httpGet). */
export type AppProbers = Record<string, { httpGet?: { path?: string; port: number; scheme?: string }; timeoutSeconds?: number }>;

/** Runs one rewritten application probe against the app (as the agent's uid: not captured). */
const runAppProbe = (prober: AppProbers[string], host: string, res: http.ServerResponse): void => {
  const g = prober.httpGet;
  if (!g) {
    res.writeHead(200).end();
    return;
  }
  const req = http.get({ host, port: g.port, path: g.path ?? "/", timeout: (prober.timeoutSeconds ?? 1) * 1000, headers: { "user-agent": "kube-probe/1.33" } }, (up) => {
    up.resume();
    res.writeHead(up.statusCode ?? 500).end();
  });
  req.once("timeout", () => req.destroy(new Error("timeout")));
  req.once("error", () => {
    if (!res.headersSent) res.writeHead(500).end();
  });
};

/** Starts the status listeners on `ports` (default 15020 and 15021). */
export const startStatusServer = async ({
  probe,
  quit,
  prometheusPort = 15090,
  ports = [15020, 15021],
  log,
  appProbers = {},
  appHost = "127.0.0.1",
}: {
  probe: ReadinessProbe;
  quit: () => void;
  prometheusPort?: number;
  ports?: number[];
  log: IstioLogger;
  appProbers?: AppProbers;
  appHost?: string;
}): Promise<{ close(): Promise<void> }> => {
  const handler = (req: http.IncomingMessage, res: http.ServerResponse) => {
    const path = (req.url ?? "/").split("?")[0] ?? "/";
    if (path.startsWith("/app-health/") && appProbers[path]) {
      runAppProbe(appProbers[path]!, appHost, res);
    } else if (path === "/healthz/ready") {
      res.writeHead(probe.probe() ? 200 : 503, { "content-length": "0" }).end();
    } else if (path === "/quitquitquit" && req.method === "POST") {
      res.writeHead(200).end();
      quit();
    } else if (path === "/stats/prometheus" || path === "/metrics") {
      http
        .get({ host: "127.0.0.1", port: prometheusPort, path: "/stats/prometheus" }, (up) => {
          res.writeHead(up.statusCode ?? 200, { "content-type": up.headers["content-type"] ?? "text/plain" });
          up.pipe(res);
        })
        .on("error", () => res.writeHead(503).end());
    } else {
      res.writeHead(404).end();
    }
  };
  const servers: http.Server[] = [];
  for (const port of ports) {
    const server = http.createServer(handler);
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(port, "0.0.0.0", () => {
        server.off("error", reject);
        resolve();
      });
    });
    servers.push(server);
  }
  log.info("", `Opening status port ${ports[0]}`);
  return {
    close: async () => {
      await Promise.all(servers.map((s) => new Promise<void>((resolve) => (s.closeAllConnections(), s.close(() => resolve())))));
    },
  };
};
