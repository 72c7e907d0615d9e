// The agent's workload certificate (SDS "default") and trust root (SDS "ROOTCA"): a new RSA key and CSR for
// spiffe://<td>/ns/<ns>/sa/<sa>, signed by istiod's CA (istio-token as bearer on first issue, the current certificate
// once there is one), retried with the release's back-off and logged with the release's lines; rotated at half of
// its life; written to OUTPUT_CERTS when set (the VM's /etc/certs). 1.8 reuses certificate files it finds there.
import { existsSync } from "node:fs";
import { chmod, mkdir, readFile, rename, writeFile } from "node:fs/promises";
import path from "node:path";
import { X509Certificate } from "node:crypto";
import { setTimeout as sleep } from "node:timers/promises";
import type { TlsMaterial } from "../proxy/config.js";
import type { IstioLogger } from "../proxy/log.js";
import { generateRsaKeyPair, RSA_ALGORITHM, x509 } from "../istiod/ca/x509.js";
import type { AgentConfig } from "./config.js";
import type { DialOptions } from "./dial.js";
import { goDuration, type AgentProfile } from "./release.js";
import { createCertificate, RpcFailure } from "./rpc.js";
import type { TokenSource } from "./token.js";

/** Workload certificate lifetime the agent asks for (SECRET_TTL, 24 h). */
export const SECRET_TTL_SECONDS = 24 * 3600;

/** gRPC codes the 1.8 CSR loop retries (isRetryableErr). */
const RETRYABLE = new Set([1, 4, 8, 13, 14]);

/** A generated key and CSR. */
export const generateCsr = async (spiffe: string): Promise<{ csrPem: string; keyPem: string }> => {
  const { keys, privateKeyPem } = await generateRsaKeyPair();
  const csr = await x509.Pkcs10CertificateRequestGenerator.create({
    keys,
    signingAlgorithm: RSA_ALGORITHM,
    extensions: [new x509.SubjectAlternativeNameExtension([{ type: "url", value: spiffe }], true)],
  });
  return { csrPem: csr.toString("pem"), keyPem: privateKeyPem };
};

/** Options of the secret manager. */
export interface SecretManagerOptions {
  profile: AgentProfile;
  config: AgentConfig;
  log: IstioLogger;
  tokens: TokenSource;
  /** The mesh root used to verify istiod (also pushed as ROOTCA). */
  rootPem: string;
  dial: Omit<DialOptions, "rootPem" | "client">;
  onUpdate: (material: TlsMaterial) => void;
}

/** Obtains and rotates the workload certificate. */
export class SecretManager {
  private material?: TlsMaterial;
  private expiresAt = 0;
  private readonly abort = new AbortController();
  private loop?: Promise<void>;

  constructor(private readonly o: SecretManagerOptions) {}

  /** The current certificate material (undefined until the first success). */
  get current(): TlsMaterial | undefined {
    return this.material;
  }

  private get spiffe(): string {
    const c = this.o.config;
    return `spiffe://${c.trustDomain}/ns/${c.namespace}/sa/${c.serviceAccount}`;
  }

  /** Starts obtaining the certificate in the background (returns at once). */
  start(): void {
    this.loop ??= this.run().catch((error: Error) => this.o.log.error("cache", `secret manager stopped: ${error.message}`));
  }

  private get stopped(): boolean {
    return this.abort.signal.aborted;
  }

  private async wait(ms: number): Promise<void> {
    await sleep(ms, undefined, { signal: this.abort.signal }).catch(() => undefined);
  }

  private async run(): Promise<void> {
    const fromFiles = this.o.profile.certLogStyle === "1.8" ? await this.loadFileSecrets() : undefined;
    if (fromFiles) {
      this.install(fromFiles, false);
      return; // 1.8 serves file secrets as they are (no rotation), like a restarted VM sidecar
    }
    let envoyRetryMs = 1000;
    while (!this.stopped) {
      const ok = await this.obtain();
      if (this.stopped) return;
      if (ok) {
        envoyRetryMs = 1000;
        const lifeMs = this.expiresAt - Date.now();
        await this.wait(Math.max(1000, lifeMs / 2));
      } else {
        // Envoy asks for the secret again after a back-off (1.8); current agents retry the warm-up with back-off
        await this.wait(envoyRetryMs);
        envoyRetryMs = Math.min(envoyRetryMs * 2, 30_000);
      }
    }
  }

  /** 1.8: certificate files under PROV_CERT/OUTPUT_CERTS (./etc/certs) are served as they are when valid. */
  private async loadFileSecrets(): Promise<TlsMaterial | undefined> {
    const dir = path.resolve(this.o.config.cwd, this.o.config.provCert ?? "./etc/certs");
    const files = ["cert-chain.pem", "key.pem", "root-cert.pem"].map((f) => path.join(dir, f));
    if (!files.every((f) => existsSync(f))) return undefined;
    const [chain, key, root] = await Promise.all(files.map((f) => readFile(f, "utf8")));
    try {
      const leaf = new X509Certificate(chain!);
      if (new Date(leaf.validTo).getTime() < Date.now()) return undefined;
      this.expiresAt = new Date(leaf.validTo).getTime();
    } catch {
      return undefined;
    }
    const log = this.o.log;
    log.info("cache", "GenerateSecret from file ROOTCA");
    log.info("sds", "resource:ROOTCA pushed root cert to proxy");
    log.info("sds", "resource:default new connection");
    log.info("sds", "Skipping waiting for gateway secret");
    log.info("cache", `adding watcher for file ./etc/certs/cert-chain.pem`);
    log.info("cache", "GenerateSecret from file default");
    log.info("sds", "resource:default pushed key/cert pair to proxy");
    return { certChainPem: chain!, privateKeyPem: key!, rootCertsPem: [root!] };
  }

  /** The client certificate to authenticate a CSR with (current certificate, or a valid one in PROV_CERT). */
  private async clientCertificate(): Promise<{ certPem: string; keyPem: string } | undefined> {
    if (this.material && Date.now() < this.expiresAt) return { certPem: this.material.certChainPem, keyPem: this.material.privateKeyPem };
    const dir = this.o.config.provCert ? path.resolve(this.o.config.cwd, this.o.config.provCert) : undefined;
    if (!dir) return undefined;
    const chainFile = path.join(dir, "cert-chain.pem");
    const keyFile = path.join(dir, "key.pem");
    if (!existsSync(chainFile) || !existsSync(keyFile)) {
      if (this.o.profile.certLogStyle === "1.8") this.o.log.warn("citadelclient", `cannot load key pair, using token instead : open ${chainFile}: no such file or directory`);
      return undefined;
    }
    const certPem = await readFile(chainFile, "utf8");
    try {
      if (new Date(new X509Certificate(certPem).validTo).getTime() < Date.now()) return undefined;
    } catch {
      return undefined;
    }
    return { certPem, keyPem: await readFile(keyFile, "utf8") };
  }

  /** One attempt at obtaining a certificate, with the release's inner retries; true on success. */
  private async obtain(): Promise<boolean> {
    const { log, profile } = this.o;
    const old = profile.certLogStyle === "1.8";
    const started = Date.now();
    if (old) {
      log.info("sds", "resource:default new connection");
      log.info("sds", "Skipping waiting for gateway secret");
    }
    let backoff = old ? 50 : 100;
    for (;;) {
      if (this.stopped) return false;
      const { csrPem, keyPem } = await generateCsr(this.spiffe);
      const client = await this.clientCertificate();
      const token = client ? undefined : await this.o.tokens.get();
      if (token && "error" in token) log.error("sds", `failed to get credential token: ${token.error}`);
      try {
        const chain = await createCertificate({
          profile,
          dial: { ...this.o.dial, rootPem: this.o.rootPem, client },
          token: token && "token" in token ? token.token : undefined,
          clusterId: this.o.config.clusterId,
          request: { csr: csrPem, validityDuration: SECRET_TTL_SECONDS },
        });
        const material: TlsMaterial = { certChainPem: chain.slice(0, -1).join("") || chain[0]!, privateKeyPem: keyPem, rootCertsPem: [chain[chain.length - 1]!] };
        this.expiresAt = new Date(new X509Certificate(material.certChainPem).validTo).getTime();
        this.install(material, true, Date.now() - started);
        return true;
      } catch (error) {
        const err = error instanceof RpcFailure ? error.message : `rpc error: code = Unknown desc = ${(error as Error).message}`;
        const code = error instanceof RpcFailure ? error.status.code : 2;
        if (old) {
          log.error("citadelclient", `Failed to create certificate: ${err}`);
          if (!RETRYABLE.has(code)) {
            log.error("cache", `resource:default CSR hit non-retryable error (HTTP code: 0). Error: ${err}`);
          } else if (Date.now() - started > 10_000) {
            log.error("cache", `resource:default CSR retrial timed out: ${err}`);
          } else {
            await this.wait(backoff);
            log.warn("cache", `resource:default CSR failed with error: ${err}, retry in ${backoff} millisec`);
            backoff *= 2;
            continue;
          }
          log.error("cache", `resource:default failed to generate secret for proxy: ${err}`);
          log.error("sds", `resource:default Close connection. Failed to get secret for proxy "${this.nodeIdText()}" from secret cache: ${err}`);
          return false;
        }
        log.error("citadelclient", `failed to sign CSR: create certificate: ${err}`);
        log.error("cache", `resource:default failed to sign: create certificate: ${err}`);
        log.warn("sds", `failed to warm certificate: failed to generate workload certificate: create certificate: ${err}`);
        await this.wait(backoff);
        backoff = Math.min(backoff * 2, 15_000);
        if (Date.now() - started > 30_000) return false;
      }
    }
  }

  private nodeIdText(): string {
    const c = this.o.config;
    return `${c.mode}~${c.ips[0]}~${c.podName}.${c.namespace}~${c.namespace}.svc.${c.domain}`;
  }

  private install(material: TlsMaterial, fresh: boolean, latencyMs = 0): void {
    const { log, profile } = this.o;
    const first = this.material === undefined;
    const rootChanged = this.material?.rootCertsPem[0] !== material.rootCertsPem[0];
    this.material = material;
    if (fresh) {
      if (profile.certLogStyle === "1.8") {
        if (rootChanged) log.info("cache", "Root cert has changed, start rotating root cert for SDS clients");
        log.info("cache", "GenerateSecret default");
        log.info("sds", "resource:default pushed key/cert pair to proxy");
        if (first) {
          log.info("sds", "resource:ROOTCA new connection");
          log.info("cache", "Loaded root cert from certificate ROOTCA");
          log.info("sds", "resource:ROOTCA pushed root cert to proxy");
        }
      } else {
        const ttl = goDuration(this.expiresAt - Date.now());
        log.info("cache", `generated new workload certificate\tresourceName=default latency=${goDuration(latencyMs)} ttl=${ttl}`);
        if (first) log.info("cache", `returned workload trust anchor from cache\tttl=${ttl}`);
        if (rootChanged && !first) log.info("cache", "Root cert has changed, start rotating root cert");
        const node = `${this.o.config.podName}.${this.o.config.namespace}`;
        log.info("ads", `SDS: PUSH request for node:${node} resources:1 size:${(material.certChainPem.length + material.privateKeyPem.length) > 999 ? `${((material.certChainPem.length + material.privateKeyPem.length) / 1000).toFixed(1)}kB` : `${material.certChainPem.length}B`} resource:default`);
        if (first) log.info("ads", `SDS: PUSH request for node:${node} resources:1 size:${(material.rootCertsPem[0]!.length / 1000).toFixed(1)}kB resource:ROOTCA`);
      }
      void this.writeOutputs(material);
    }
    this.o.onUpdate(material);
  }

  /** Writes cert-chain.pem, key.pem (0600) and root-cert.pem to OUTPUT_CERTS (atomically). */
  private async writeOutputs(material: TlsMaterial): Promise<void> {
    if (!this.o.config.outputCerts) return;
    const dir = path.resolve(this.o.config.cwd, this.o.config.outputCerts);
    try {
      await mkdir(dir, { recursive: true });
      const put = async (name: string, text: string, mode: number) => {
        const file = path.join(dir, name);
        await writeFile(`${file}.tmp`, text, { mode });
        await chmod(`${file}.tmp`, mode);
        await rename(`${file}.tmp`, file);
      };
      await put("cert-chain.pem", material.certChainPem, 0o644);
      await put("key.pem", material.privateKeyPem, 0o600);
      await put("root-cert.pem", material.rootCertsPem.join(""), 0o644);
    } catch (error) {
      this.o.log.error("cache", `(default) error when output the key and cert: ${(error as Error).message}`);
    }
  }

  /** Stops rotation. */
  async stop(): Promise<void> {
    this.abort.abort();
    await this.loop;
  }
}
