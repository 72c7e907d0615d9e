// The bootstrap's two static listeners: :15021 /healthz/ready (readiness of the sidecar, 200 once configured, 503 before)
// and :15090 /stats/prometheus (what Prometheus scrapes).
import http from "node:http";
import type { ProxyContext } from "./context.js";
import { prometheusText } from "./admin.js";

const listen = async (server: http.Server, address: string, port: number): Promise<http.Server> => {
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen({ host: address, port }, () => {
      server.off("error", reject);
      resolve();
    });
  });
  return server;
};

/** :15021 — GET /healthz/ready answers 200 when the proxy has its configuration (and DNS is synced when captured). */
export const startHealthListener = (ctx: ProxyContext, ready: () => boolean, address = "0.0.0.0", port = 15021): Promise<http.Server> =>
  listen(
    http.createServer((req, res) => {
      const path = (req.url ?? "/").split("?")[0];
      if (path !== "/healthz/ready") {
        res.writeHead(404, { "content-length": "0", server: "envoy", date: new Date().toUTCString() });
        res.end();
        return;
      }
      res.writeHead(ready() ? 200 : 503, { "content-length": "0", server: "envoy", date: new Date().toUTCString() });
      res.end();
    }),
    address,
    port,
  );

/** :15090 — GET /stats/prometheus. */
export const startPrometheusListener = (ctx: ProxyContext, address = "0.0.0.0", port = 15090): Promise<http.Server> =>
  listen(
    http.createServer((req, res) => {
      if ((req.url ?? "/").split("?")[0] !== "/stats/prometheus") {
        res.writeHead(404, { "content-length": "0", server: "envoy" });
        res.end();
        return;
      }
      const body = prometheusText(ctx);
      res.writeHead(200, { "content-type": "text/plain; version=0.0.4; charset=UTF-8", server: "envoy" });
      res.end(body);
    }),
    address,
    port,
  );
