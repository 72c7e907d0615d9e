// `pilot-agent proxy [sidecar|router]`: start the data plane's bootstrap listeners and the status server, get the
// workload certificate from istiod's CA, keep the ADS stream to istiod, feed every push to the data plane, and stop
// cleanly on SIGTERM — logging like the release's pilot-agent on stdout.
import { existsSync } from "node:fs";
import path from "node:path";
import type { IstioLogger } from "../proxy/log.js";
import { inClusterConfig, KubeRest } from "../istiod/kube/rest.js";
import { loadAgentConfig, type AgentConfig } from "./config.js";
import { DataPlane } from "./dataplane.js";
import { runHealthChecks } from "./health.js";
import type { AgentProfile } from "./release.js";
import { loadRootCert, MissingRootCertError } from "./root-cert.js";
import { SecretManager } from "./secrets.js";
import { ReadinessProbe, startStatusServer, type AppProbers } from "./status.js";
import { fileTokenSource, preferFile, tokenRequestSource, type TokenSource } from "./token.js";
import { XdsClient } from "./xds.js";

/** Options of runProxyAgent. */
export interface ProxyAgentOptions {
  profile: AgentProfile;
  mode: "sidecar" | "router";
  env: NodeJS.ProcessEnv;
  log: IstioLogger;
  /** --domain flag (pods: $(POD_NAMESPACE).svc.cluster.local). */
  domain?: string;
  /** Explicit SO_ORIGINAL_DST addon (default: origdst.node next to the bundle, then the lab cache). */
  addonPath?: string;
  /** Resolves when the agent must stop (SIGTERM). */
  stopSignal: Promise<void>;
  accessLog?: boolean;
  /** Ports (tests run several agents in one namespace; production uses Istio's). */
  ports?: { status?: number[]; admin?: number; prometheus?: number };
}

/** Startup lines of the release. */
const logStartup = (profile: AgentProfile, config: AgentConfig, log: IstioLogger): void => {
  log.info("", profile.versionLine);
  const id = `${config.podName}.${config.namespace}`;
  if (profile.minor < 10) {
    log.info("", `Proxy role: &model.Proxy{Type:"${config.mode}", IPAddresses:[]string{${config.ips.map((ip) => `"${ip}"`).join(", ")}}, ID:"${id}", Locality:nil, DNSDomain:"${config.namespace}.svc.${config.domain}"}`);
    log.info("", "JWT policy is third-party-jwt");
    log.info("", `PilotSAN []string{"${config.discoveryAddress.replace(/:\d+$/, "")}"}`);
    log.info("", `sa.serverOptions.CAEndpoint == ${config.caAddress} Citadel`);
  } else {
    log.info("", `Proxy role\tips=[${config.ips.join(" ")}] type=${config.mode} id=${id} domain=${config.namespace}.svc.${config.domain}`);
    log.info("", `CA Endpoint ${config.caAddress}, provider Citadel`);
  }
};

/** Runs the agent until `stopSignal`; resolves with the exit status. */
export const runProxyAgent = async (o: ProxyAgentOptions): Promise<number> => {
  const { profile, log } = o;
  const config = loadAgentConfig({ istioVersion: profile.version, mode: o.mode, env: o.env, domainFlag: o.domain });
  logStartup(profile, config, log);
  let rest: KubeRest | undefined;
  if (config.kind === "pod") rest = new KubeRest(inClusterConfig(o.env));
  const abort = new AbortController();
  let rootPem: string;
  try {
    rootPem = await Promise.race([loadRootCert({ config, log, rest, signal: abort.signal }), o.stopSignal.then(() => undefined)]) as string;
    if (rootPem === undefined) return 0;
  } catch (error) {
    if (error instanceof MissingRootCertError) {
      log.log("error", "", error.message);
      return 1;
    }
    throw error;
  }
  const file = fileTokenSource(config.cwd, config.tokenPath);
  const tokens: TokenSource = rest ? preferFile(file, tokenRequestSource({ rest, namespace: config.namespace, serviceAccount: config.serviceAccount, podName: config.podName })) : file;
  const besideBundle = path.join(path.dirname(process.argv[1] ?? "."), "origdst.node");
  const dataPlane = await DataPlane.start({
    config,
    addonPath: o.addonPath ?? (existsSync(besideBundle) ? besideBundle : undefined),
    accessLog: o.accessLog,
    ports: { admin: o.ports?.admin, prometheus: o.ports?.prometheus },
  });
  const probe = new ReadinessProbe(profile, log, () => dataPlane.readiness());
  const quit = (() => {
    let fire: () => void = () => undefined;
    const p = new Promise<void>((resolve) => (fire = resolve));
    return { promise: p, fire };
  })();
  dataPlane.onQuit(quit.fire);
  const appProbers = o.env["ISTIO_KUBE_APP_PROBERS"] ? (JSON.parse(o.env["ISTIO_KUBE_APP_PROBERS"]) as AppProbers) : {};
  // 1.8 probes the app on localhost; current releases on the pod IP (REWRITE_PROBE_LEGACY_LOCALHOST_DESTINATION unset)
  const appHost = profile.minor < 10 ? "127.0.0.1" : config.ips[0]!;
  const status = await startStatusServer({ probe, quit: quit.fire, log, ports: o.ports?.status, prometheusPort: o.ports?.prometheus, appProbers, appHost });
  if (profile.minor < 10) log.info("sds", `SDS gRPC server for workload UDS starts, listening on "./etc/istio/proxy/SDS"`);
  else {
    log.info("", "Starting default Istio SDS Server");
    log.info("", `Pilot SAN: [${config.discoveryAddress.replace(/:\d+$/, "")}]`);
  }
  log.info("", "Starting proxy agent");
  if (profile.minor < 10) {
    log.info("", "Received new config, creating new Envoy epoch 0");
    log.info("", "Epoch 0 starting");
  }
  const dial = { timeoutMs: 5000 };
  const secrets = new SecretManager({ profile, config, log, tokens, rootPem, dial: { ...dial, address: config.caAddress }, onUpdate: (m) => void dataPlane.setTls(m) });
  let health: { healthy: boolean; message?: string } | undefined;
  const xds = new XdsClient({
    profile,
    config,
    log,
    rootPem,
    secrets,
    tokens,
    dial,
    handlers: {
      onSnapshot: (m) => dataPlane.setSnapshot(m.config),
      onNameTable: (m) => void dataPlane.setNameTable(m.table),
    },
    health: () => health,
  });
  secrets.start();
  xds.start();
  const healthLoop = config.readinessProbe
    ? runHealthChecks({
        spec: config.readinessProbe,
        host: config.kind === "vm" ? "127.0.0.1" : config.ips[0]!,
        signal: abort.signal,
        onChange: (r) => {
          health = r;
          xds.reportHealth(r);
        },
      })
    : Promise.resolve();
  await Promise.race([o.stopSignal, quit.promise]);
  abort.abort();
  await xds.stop();
  await secrets.stop();
  await healthLoop;
  await status.close();
  await dataPlane.stop();
  rest?.close();
  return 0;
};
