// Envoy's admin interface (127.0.0.1:15000): /clusters, /ready, /stats, /stats/prometheus, /server_info,
// /config_dump, /listeners and /quitquitquit, as far as the course and its diagnostics use them.
import http from "node:http";
import { createHash } from "node:crypto";
import type { ProxyContext } from "./context.js";
import { clustersJson, clustersText } from "./clusters-admin.js";
import { HOST_GAUGES, HOST_STAT_NAMES } from "./stats.js";
import { nodeId } from "./telemetry.js";

/** What the admin needs besides the shared context. */
export interface AdminHooks {
  /** Epoch ms when the proxy started. */
  startedAt: number;
  /** Names of the active listeners (0.0.0.0_15001…). */
  listeners(): string[];
  /** Called by POST /quitquitquit. */
  quit(): void;
}

/** Envoy's server state names (/ready body, server.state gauge 0..3). */
export const serverState = (ctx: ProxyContext): "LIVE" | "INITIALIZING" => (ctx.state() ? "LIVE" : "INITIALIZING");

/** Envoy's build version string, e.g. "<sha>/1.16.1-dev/Clean/RELEASE/BoringSSL" (the sha is a lab build id). */
export const envoyBuildVersion = (ctx: ProxyContext): string =>
  `${createHash("sha1").update(`istio-em-vms-lab-envoy-${ctx.profile.istioVersion}`).digest("hex")}/${ctx.profile.envoyVersion}.0-dev/Clean/RELEASE/BoringSSL`;

/** Envoy-style cluster stats for /stats (cluster.<name>.<stat>: value). */
export const statsLines = (ctx: ProxyContext): string[] => {
  const lines: string[] = [];
  for (const c of ctx.clusters.list()) {
    const hosts = [...c.hosts.values()];
    const sum = (k: (typeof HOST_STAT_NAMES)[number]) => hosts.reduce((n, h) => n + h.stats[k], 0);
    const base = new Map<string, number>([
      ["upstream_cx_active", sum("cx_active")],
      ["upstream_cx_connect_fail", 0],
      ["upstream_cx_total", 0],
      ["upstream_rq_active", sum("rq_active")],
      ["upstream_rq_total", 0],
      ["upstream_rq_retry", 0],
      ["membership_total", c.hosts.size],
      ["membership_healthy", hosts.filter((h) => h.healthy).length],
    ]);
    for (const [k, v] of c.counters) base.set(k, v);
    for (const [k, v] of [...base.entries()].sort(([a], [b]) => a.localeCompare(b))) lines.push(`cluster.${c.spec.name}.${k}: ${v}`);
  }
  lines.push(`listener_manager.total_listeners_active: 0`);
  lines.push(`server.live: ${ctx.state() ? 1 : 0}`);
  lines.push(`server.state: ${ctx.state() ? 0 : 2}`);
  return lines.sort();
};

/** Prometheus text: Envoy cluster stats (tag-extracted like Envoy does) plus Istio's metrics. */
export const prometheusText = (ctx: ProxyContext): string => {
  let out = "";
  const series = new Map<string, string[]>();
  const add = (metric: string, labels: string, value: number) => {
    const list = series.get(metric) ?? [];
    list.push(`${metric}{${labels}} ${value}`);
    series.set(metric, list);
  };
  for (const c of ctx.clusters.list()) {
    const cluster = `cluster_name="${c.spec.name}"`;
    for (const [k, v] of c.counters) {
      const code = /^upstream_rq_(\d{3})$/.exec(k);
      const cls = /^upstream_rq_(\d)xx$/.exec(k);
      if (code) add("envoy_cluster_upstream_rq", `response_code="${code[1]}",${cluster}`, v);
      else if (cls) add("envoy_cluster_upstream_rq_xx", `response_code_class="${cls[1]}",${cluster}`, v);
      else add(`envoy_cluster_${k}`, cluster, v);
    }
    const hosts = [...c.hosts.values()];
    for (const g of HOST_GAUGES) add(`envoy_cluster_upstream_${g}`, cluster, hosts.reduce((n, h) => n + h.stats[g], 0));
  }
  for (const [metric, lines] of [...series.entries()].sort(([a], [b]) => a.localeCompare(b))) {
    const gauge = metric.endsWith("_active");
    out += `# TYPE ${metric} ${gauge ? "gauge" : "counter"}\n${lines.join("\n")}\n`;
  }
  return out + ctx.metrics.prometheusText();
};

const configDump = (ctx: ProxyContext, hooks: AdminHooks): unknown => {
  const state = ctx.state();
  return {
    configs: [
      {
        "@type": "type.googleapis.com/envoy.admin.v3.BootstrapConfigDump",
        bootstrap: {
          node: state
            ? {
                id: nodeId(state.config.workload),
                cluster: `${state.config.workload.labels["app"] ?? state.config.workload.name}.${state.config.workload.namespace}`,
                metadata: {
                  ISTIO_VERSION: ctx.profile.istioVersion,
                  NAMESPACE: state.config.workload.namespace,
                  SERVICE_ACCOUNT: state.config.workload.serviceAccount,
                  LABELS: state.config.workload.labels,
                  INSTANCE_IPS: state.config.workload.ips.join(","),
                  CLUSTER_ID: state.config.workload.clusterId ?? "Kubernetes",
                  NETWORK: state.config.workload.network ?? "",
                },
              }
            : {},
        },
      },
      {
        "@type": "type.googleapis.com/envoy.admin.v3.ClustersConfigDump",
        version_info: state?.config.version ?? "",
        static_clusters: ctx.clusters.list().filter((c) => !c.spec.addedViaApi).map((c) => ({ cluster: { name: c.spec.name } })),
        dynamic_active_clusters: ctx.clusters.list().filter((c) => c.spec.addedViaApi).map((c) => ({ version_info: state?.config.version ?? "", cluster: { name: c.spec.name } })),
      },
      {
        "@type": "type.googleapis.com/envoy.admin.v3.ListenersConfigDump",
        version_info: state?.config.version ?? "",
        dynamic_listeners: hooks.listeners().map((name) => ({ name })),
      },
    ],
  };
};

/** Starts the admin server. */
export const startAdmin = async ({ ctx, hooks, address = "127.0.0.1", port }: { ctx: ProxyContext; hooks: AdminHooks; address?: string; port: number }): Promise<http.Server> => {
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://admin");
    const send = (status: number, body: string, type = "text/plain; charset=UTF-8") => {
      res.writeHead(status, { "content-type": type, "cache-control": "no-cache, max-age=0", "x-content-type-options": "nosniff" });
      res.end(body);
    };
    switch (url.pathname) {
      case "/clusters":
        if (url.searchParams.get("format") === "json") send(200, clustersJson(ctx.clusters.list(), ctx.profile), "application/json");
        else send(200, clustersText(ctx.clusters.list(), ctx.profile));
        return;
      case "/ready":
        send(ctx.state() ? 200 : 503, `${serverState(ctx)}\n`);
        return;
      case "/stats": {
        const filter = url.searchParams.get("filter");
        const re = filter ? new RegExp(filter) : undefined;
        const lines = statsLines(ctx).filter((l) => !re || re.test(l.slice(0, l.indexOf(":"))));
        send(200, `${lines.join("\n")}\n`);
        return;
      }
      case "/stats/prometheus":
        send(200, prometheusText(ctx), "text/plain; version=0.0.4; charset=UTF-8");
        return;
      case "/server_info": {
        const uptime = `${Math.floor((Date.now() - hooks.startedAt) / 1000)}s`;
        send(
          200,
          JSON.stringify(
            {
              version: envoyBuildVersion(ctx),
              state: serverState(ctx),
              hot_restart_version: "disabled",
              command_line_options: { concurrency: 2, mode: "Serve", log_format: "%Y-%m-%dT%T.%fZ\t%l\tenvoy %n\t%v" },
              node: ctx.state() ? { id: nodeId(ctx.state()!.config.workload) } : {},
              uptime_current_epoch: uptime,
              uptime_all_epochs: uptime,
            },
            null,
            1,
          ),
          "application/json",
        );
        return;
      }
      case "/config_dump":
        send(200, JSON.stringify(configDump(ctx, hooks), null, 1), "application/json");
        return;
      case "/listeners":
        send(200, `${hooks.listeners().join("\n")}\n`);
        return;
      case "/quitquitquit":
        if (req.method !== "POST") {
          send(405, "Method Not Allowed\n");
          return;
        }
        send(200, "OK\n");
        hooks.quit();
        return;
      default:
        send(404, "invalid path. admin commands are:\n  /clusters\n  /config_dump\n  /listeners\n  /quitquitquit\n  /ready\n  /server_info\n  /stats\n  /stats/prometheus\n");
    }
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen({ host: address, port }, () => {
      server.off("error", reject);
      resolve();
    });
  });
  return server;
};
