// Faults in the files the chapter copies to the VM: an expired istio-token (the files were generated more than
// --tokenDuration ago, 1 h by default, before the sidecar's first start) and a root-cert.pem from another CA. Each
// keeps the originals on the host (`<state>/faults/<name>/`, mode 0600) and puts them back on `fault clear`; when the
// sidecar is running it is restarted so the symptom shows at once. The token matters only while the agent has no
// certificate yet (istio-vm-facts §7), so token-expired also sets aside the key pair the agent wrote to /etc/certs
// (OUTPUT_CERTS): the next start is a first start.
import { readFile } from "node:fs/promises";
import path from "node:path";
import { createPrivateKey } from "node:crypto";
import type { LabContext } from "../../cli/context.js";
import type { LabFault } from "../../faults/fault.js";
import { signJwt } from "../../cluster/apiserver/tokens.js";
import { runningInit } from "../../vm/vm.js";
import { runInVm } from "../../vm/exec.js";
import { otherRootCertificate } from "./other-ca.js";
import { forget, readVmFile, recall, remember, vmFileOwnership, writeVmFile } from "./vm-files.js";

/** Where the chapter puts the token and the root certificate on the VM. */
export const VM_TOKEN_PATH = "/var/run/secrets/tokens/istio-token";
export const VM_ROOT_CERT_PATH = "/etc/certs/root-cert.pem";

/** A VM file the fault set aside, to put back. */
interface SavedFile {
  file: string;
  content: string;
  owner: string;
  mode: string;
}

/** What a credential fault remembers. */
interface CredentialRecord {
  file: string;
  original: string;
  owner: string;
  mode: string;
  /** The content the fault wrote (the fault is active while the file still has it). */
  injected: string;
  /** Files removed with the fault. */
  removed?: SavedFile[];
}

/** Restarts istio.service when it is running, so a replaced credential is read again. */
const restartSidecarIfRunning = async (ctx: LabContext): Promise<void> => {
  if ((await runInVm(ctx, ["systemctl", "is-active", "--quiet", "istio"], { allowFailure: true })).exitCode === 0) {
    await runInVm(ctx, ["systemctl", "restart", "istio"]);
  }
};

/** A fault that swaps one VM file for a bad version of it. */
const credentialFault = ({
  name,
  description,
  symptom,
  file,
  missing,
  bad,
  setAside = [],
}: {
  name: string;
  description: string;
  symptom: string;
  file: string;
  missing: string;
  bad: (ctx: LabContext, original: string) => Promise<string>;
  /** Files removed while the fault is active (when they exist). */
  setAside?: readonly string[];
}): LabFault => {
  const fault: LabFault = {
    name,
    description,
    symptom,
    async apply(ctx) {
      if (await fault.isActive(ctx)) return;
      const original = await readVmFile(ctx, file);
      const ownership = await vmFileOwnership(ctx, file);
      if (original === undefined || !ownership) throw new Error(missing);
      const injected = await bad(ctx, original);
      const removed: SavedFile[] = [];
      for (const extra of setAside) {
        const content = await readVmFile(ctx, extra);
        const meta = await vmFileOwnership(ctx, extra);
        if (content !== undefined && meta) removed.push({ file: extra, content, ...meta });
      }
      await remember(ctx, name, { file, original, injected, removed, ...ownership } satisfies CredentialRecord);
      if (removed.length) await runInVm(ctx, ["rm", "-f", "--", ...removed.map((r) => r.file)]);
      await writeVmFile(ctx, file, injected, { mode: ownership.mode, owner: ownership.owner });
      await restartSidecarIfRunning(ctx);
    },
    async clear(ctx) {
      const record = await recall<CredentialRecord>(ctx, name);
      if (!record) return;
      if (await runningInit(ctx)) {
        if ((await readVmFile(ctx, record.file)) === record.injected) {
          await writeVmFile(ctx, record.file, record.original, { mode: record.mode, owner: record.owner });
          for (const r of record.removed ?? []) {
            if ((await readVmFile(ctx, r.file)) === undefined) await writeVmFile(ctx, r.file, r.content, { mode: r.mode, owner: r.owner });
          }
          await restartSidecarIfRunning(ctx);
        }
      }
      await forget(ctx, name);
    },
    async isActive(ctx) {
      const record = await recall<CredentialRecord>(ctx, name);
      if (!record || !(await runningInit(ctx))) return false;
      return (await readVmFile(ctx, record.file)) === record.injected;
    },
  };
  return fault;
};

/** The claims of a JWT (no verification). */
const claimsOf = (jwt: string): Record<string, unknown> => {
  const payload = jwt.trim().split(".")[1];
  if (!payload) throw new Error(`${VM_TOKEN_PATH} na VM não é um JWT: gere os arquivos de novo com istioctl x workload entry configure`);
  return JSON.parse(Buffer.from(payload, "base64url").toString("utf8")) as Record<string, unknown>;
};

/** The same token, issued an hour and a half ago for one hour (what a token generated too early looks like), signed by
 * the cluster's ServiceAccount key (`<state>/cluster/pki/sa.key`), so only its expiry is wrong. */
const expiredToken = async (ctx: LabContext, original: string): Promise<string> => {
  const key = createPrivateKey(await readFile(path.join(ctx.paths.state, "cluster", "pki", "sa.key"), "utf8"));
  const claims = claimsOf(original);
  const iat = Math.floor(Date.now() / 1000) - 5400;
  return signJwt({ ...claims, iat, nbf: iat, exp: iat + 3600 }, key);
};

/** The VM's istio-token replaced by an expired one. */
export const tokenExpiredFault: LabFault = credentialFault({
  name: "token-expired",
  description: "o istio-token copiado para a VM expirou antes do primeiro início do sidecar (gerado há mais de --tokenDuration, 1 h por padrão)",
  symptom: "o sidecar não obtém o certificado: `Unauthenticated`/`request authenticate failure` no istio.log e `service account token has expired` no istiod",
  file: VM_TOKEN_PATH,
  setAside: ["/etc/certs/cert-chain.pem", "/etc/certs/key.pem"],
  missing: `o arquivo ${VM_TOKEN_PATH} não existe na VM: copie o istio-token (passo "Instalando o token") antes de aplicar a falha token-expired`,
  bad: expiredToken,
});

/** The VM's root-cert.pem replaced by a root of another CA. */
export const rootCertMismatchFault: LabFault = credentialFault({
  name: "root-cert-mismatch",
  description: "o root-cert.pem da VM é de outra CA (por exemplo, de uma instalação anterior do Istio)",
  symptom: "o agente não confia no istiod: `x509: certificate signed by unknown authority` ao pedir o certificado e `failed to connect to upstream …: context deadline exceeded` no xDS; Envoy nunca fica pronto",
  file: VM_ROOT_CERT_PATH,
  missing: `o arquivo ${VM_ROOT_CERT_PATH} não existe na VM: copie o root-cert.pem (passo "Instalando o certificado root") antes de aplicar a falha root-cert-mismatch`,
  bad: () => otherRootCertificate(),
});
