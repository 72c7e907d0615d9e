// The program the kubelet runs for docker.io/istio/pilot:<version> (pilot-discovery):
//
//   node main.js --istio-version 1.8.1 discovery [--log_as_json] [--domain cluster.local] [other chart flags]
//
// In its pod it talks to the API server in-cluster (service-account token, KUBERNETES_SERVICE_HOST), runs the CA
// (istio-ca-secret, istio-ca-root-cert in every namespace), the discovery service on 15012/15010, WorkloadEntry
// auto-registration, and logs like istiod on stdout. SIGTERM stops it (exit 0).
import path from "node:path";
import { fileURLToPath } from "node:url";
import { DiscoveryServer } from "./ads/discovery.js";
import { WorkloadEntryController } from "./autoregistration.js";
import { reviewToken, TOKEN_AUDIENCES } from "./ca/authn.js";
import { CertificateAuthority } from "./ca/authority.js";
import { loadOrCreateRoot } from "./ca/ca-secret.js";
import { RootCertPublisher } from "./ca/root-publisher.js";
import { DiscoveryUsageError, istiodFeatures, parseDiscoveryArgs } from "./env.js";
import { inClusterConfig, KubeRest } from "./kube/rest.js";
import { IstiodLogger } from "./log.js";
import { istiodProfile } from "./release.js";
import { ConfigStore } from "./registry/store.js";
import { startIstiodServers, type IstiodServers } from "./server.js";

/** istiod's serving certificate lifetime (the DNS certificate istiod signs for itself). */
const SERVING_CERT_TTL_SECONDS = 90 * 24 * 3600;

/** Runs istiod until SIGTERM; resolves with the exit status. */
export const runIstiod = async (argv: readonly string[], env: NodeJS.ProcessEnv = process.env): Promise<number> => {
  const versionAt = argv.indexOf("--istio-version");
  const version = versionAt >= 0 ? argv[versionAt + 1] : undefined;
  if (!version) {
    process.stderr.write("--istio-version is required (the image tag)\n");
    return 2;
  }
  const rest0 = argv.filter((_, i) => i !== versionAt && i !== versionAt + 1);
  let args;
  try {
    args = parseDiscoveryArgs(rest0);
  } catch (error) {
    if (!(error instanceof DiscoveryUsageError)) throw error;
    process.stderr.write(`${error.message}\nRun 'pilot-discovery --help' for usage.\n`);
    return 255;
  }
  const profile = istiodProfile(version);
  const log = new IstiodLogger({ json: args.logAsJson });
  for (const [k, v] of args.flags) log.info("default", `FLAG: --${k}="${v}"`);
  const features = istiodFeatures(profile, env);
  const ns = features.podNamespace;
  const rest = new KubeRest(inClusterConfig(env));
  const trustDomain = args.domain;
  log.info("default", `initializing Istiod DNS certificates host: istiod.${ns}.svc, custom host: `);
  log.info("default", "initializing controllers");
  if (profile.minor === 8) log.info("default", `JWT policy is ${features.jwtPolicy}`);
  log.info("default", "creating CA and initializing public key");
  const root = await loadOrCreateRoot({ rest, namespace: ns, trustDomain, log });
  const ca = await CertificateAuthority.load(root);
  const serving = await ca.issueServingCertificate({ dnsNames: [`istiod.${ns}.svc`, `istiod-remote.${ns}.svc`, `istio-pilot.${ns}.svc`], ttlSeconds: SERVING_CERT_TTL_SECONDS });

  let discovery: DiscoveryServer | undefined;
  const store = new ConfigStore(rest, {
    istioNamespace: ns,
    minor: profile.minor,
    onChange: () => discovery?.onConfigChange(),
    log: (m) => log.warn("kube", m),
  });
  const workloadEntries = new WorkloadEntryController({
    rest,
    store,
    profile,
    autoRegistration: features.autoRegistration,
    healthChecks: features.healthChecks,
    gracePeriodMs: features.gracePeriodMs,
    instanceId: features.podName,
    log,
  });
  discovery = new DiscoveryServer({ profile, store, log, istioNamespace: ns, domain: args.domain, workloadEntries });
  const publisher = new RootCertPublisher({ rest, rootPem: ca.rootPem, skipped: profile.rootCertSkippedNamespaces, log });
  log.info("default", "initializing secure discovery service");
  log.info("default", "Starting IstioD CA");
  let ready = false;
  const servers: IstiodServers = await startIstiodServers({
    profile,
    log,
    ca,
    serving,
    discovery,
    trustDomain,
    clusterId: features.clusterId,
    review: (token) => reviewToken(rest, token, TOKEN_AUDIENCES),
    ready: () => ready,
    metrics: () => `# TYPE pilot_xds gauge\npilot_xds{version="${version}"} ${discovery?.connectedEndpoints ?? 0}\n`,
  });
  log.info("default", `Starting Istiod Server with primary cluster ${features.clusterId}`);
  await store.start();
  log.info("default", "Starting namespace controller");
  await publisher.start();
  log.info("default", "starting discovery service");
  ready = true;
  void store.allSynced().then(() => discovery?.onConfigChange());

  return new Promise<number>((resolve) => {
    let stopping = false;
    const stop = () => {
      if (stopping) return;
      stopping = true;
      void (async () => {
        await discovery?.stop();
        await workloadEntries.stop();
        await publisher.stop();
        await store.stop();
        await servers.close();
        rest.close();
        resolve(0);
      })();
    };
    process.once("SIGTERM", stop);
    process.once("SIGINT", stop);
  });
};

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  runIstiod(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (error: Error) => {
      process.stderr.write(`Error: ${error.stack ?? error.message}\n`);
      process.exit(1);
    },
  );
}
