// Validation of the names a student passes to kubectl and the API (objects, namespaces, labels): InputError in
// Portuguese, before anything runs.
import { InputError } from "../errors.js";
import { isRfc1123Label, isRfc1123Subdomain } from "../params/validate.js";

/** Throws InputError unless `name` is a valid object name (RFC 1123 subdomain). */
export const validateName = (name: string, what = "nome do objeto"): void => {
  if (!isRfc1123Subdomain(name) || name === "") {
    throw new InputError(
      `${what} "${name}" não é um nome válido no Kubernetes`,
      "use só minúsculas, dígitos, '-' e '.', começando e terminando com letra ou dígito (RFC 1123), até 253 caracteres",
      what,
    );
  }
};

/** Throws InputError unless `namespace` is a valid namespace name (RFC 1123 label). */
export const validateNamespace = (namespace: string): void => {
  if (!isRfc1123Label(namespace)) {
    throw new InputError(
      `o namespace "${namespace}" não é um nome válido no Kubernetes`,
      "use só minúsculas, dígitos e '-', começando e terminando com letra ou dígito, até 63 caracteres (RFC 1123), por exemplo legacy",
      "namespace",
    );
  }
};

const LABEL_NAME = /^([A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?)$/;
const LABEL_VALUE = /^(([A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?)?)$/;

/** Throws InputError unless every label key and value is valid (prefix/name ≤ 63, values ≤ 63 alphanumeric with -_.). */
export const validateLabels = (labels: Record<string, string>, what = "rótulo"): void => {
  for (const [key, value] of Object.entries(labels)) {
    const slash = key.lastIndexOf("/");
    const prefix = slash >= 0 ? key.slice(0, slash) : "";
    const name = slash >= 0 ? key.slice(slash + 1) : key;
    if ((slash >= 0 && (!isRfc1123Subdomain(prefix) || prefix === "")) || !LABEL_NAME.test(name)) {
      throw new InputError(`a chave de ${what} "${key}" não é válida no Kubernetes`, "use letras, dígitos, '-', '_' e '.', até 63 caracteres, opcionalmente com um prefixo DNS e '/' (por exemplo app ou app.kubernetes.io/name)", what);
    }
    if (typeof value !== "string" || !LABEL_VALUE.test(value)) {
      throw new InputError(`o valor "${String(value)}" do ${what} "${key}" não é válido no Kubernetes`, "use até 63 letras, dígitos, '-', '_' ou '.', começando e terminando com letra ou dígito (por exemplo pegasus-pay)", what);
    }
  }
};

/** Throws InputError unless `port` is an integer TCP/UDP port (1–65535). */
export const validatePort = (port: number, what = "porta"): void => {
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    throw new InputError(`${what} ${String(port)} não é uma porta válida`, "use um número inteiro de 1 a 65535 (por exemplo 8000)", what);
  }
};
