// Validators for the runbook's parameters: addresses, Kubernetes names, key files, Istio versions.
import { statSync } from "node:fs";
import { isIP } from "node:net";

/** True for an IPv4/IPv6 literal. */
export const isIpAddress = (value: string): boolean => isIP(value) !== 0;

/** True for a DNS host name (RFC 1123 labels, at least one letter somewhere so that "300.1.1.1" is not a name). */
export const isDnsName = (value: string): boolean => {
  if (value.length === 0 || value.length > 253) return false;
  const labels = value.replace(/\.$/, "").split(".");
  if (!labels.every((l) => /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/i.test(l))) return false;
  // A name made only of digits and dots is a malformed IP, not a host name.
  return /[a-z]/i.test(labels.at(-1) ?? "");
};

/** True for an RFC 1123 label (namespace, service account, most Kubernetes names): lowercase, ≤ 63, alphanumeric and '-'. */
export const isRfc1123Label = (value: string): boolean => /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/.test(value);

/** True for an RFC 1123 subdomain (≤ 253, labels joined by '.'). */
export const isRfc1123Subdomain = (value: string): boolean =>
  value.length <= 253 && value.split(".").every((l) => isRfc1123Label(l));

/** A problem with a private key file, or undefined when it is usable by ssh. */
export const keyFileProblem = (path: string): { problem: string; fix: string } | undefined => {
  let stat;
  try {
    stat = statSync(path);
  } catch {
    return { problem: `o arquivo de chave "${path}" não existe`, fix: `copie a chave privada da VM para "${path}" ou corrija VM_PKEY_PATH` };
  }
  if (!stat.isFile()) return { problem: `"${path}" não é um arquivo`, fix: "aponte VM_PKEY_PATH para o arquivo da chave privada" };
  if ((stat.mode & 0o077) !== 0) {
    const mode = (stat.mode & 0o777).toString(8).padStart(4, "0");
    return {
      problem: `a chave "${path}" tem permissões ${mode}: legível pelo grupo ou por outros (o ssh recusa chaves assim)`,
      fix: `rode \`chmod 600 ${path}\``,
    };
  }
  return undefined;
};

/** A parsed Istio version. */
export interface IstioVersion {
  major: 1;
  minor: number;
  patch: number;
  /** "1.8.1" */
  text: string;
}

/** Oldest and newest Istio minor lines the runbook knows (the course's 1.8 and the current release line). */
export const ISTIO_MINOR_RANGE = { oldest: 8, newest: 30 } as const;

/** Parses "1.8.1" into an IstioVersion, or undefined when it is not a known Istio version line. */
export const parseIstioVersion = (value: string): IstioVersion | undefined => {
  const m = /^1\.(\d{1,2})\.(\d{1,2})$/.exec(value.trim());
  if (!m) return undefined;
  const minor = Number(m[1]);
  const patch = Number(m[2]);
  if (minor < ISTIO_MINOR_RANGE.oldest || minor > ISTIO_MINOR_RANGE.newest) return undefined;
  return { major: 1, minor, patch, text: `1.${minor}.${patch}` };
};

/** True for an http(s) URL. */
export const isHttpUrl = (value: string): boolean => {
  try {
    const u = new URL(value);
    return u.protocol === "http:" || u.protocol === "https:";
  } catch {
    return false;
  }
};
