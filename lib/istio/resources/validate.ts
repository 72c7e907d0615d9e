// Validation of Istio resources at build time: the typed models' schemas (@kubernetes-models/istio) with their errors
// told in Portuguese, plus the checks those schemas do not make (names, ports, addresses).
import { InputError } from "../../errors.js";
import { isDnsName, isIpAddress } from "../../params/validate.js";

/** A schema error as the models report it (ajv's ErrorObject). */
interface SchemaError {
  instancePath: string;
  keyword: string;
  params: Record<string, unknown>;
  message?: string;
}

/** Something with the models' validate(). */
interface Validatable {
  validate(): void;
}

/** Runs the model's schema validation; InputError (Portuguese, every problem listed) when it fails. */
export const validateModel = ({ model, what }: { model: Validatable; what: string }): void => {
  try {
    model.validate();
  } catch (error) {
    const errors = (error as { errors?: SchemaError[] }).errors;
    if (!Array.isArray(errors)) throw error;
    const problems = errors.map(describeSchemaError);
    throw new InputError(`${what} inválido: ${[...new Set(problems)].join("; ")}`, "corrija os valores indicados (veja a referência do recurso em istio.io/latest/docs/reference/config/)", what);
  }
};

/** One schema error in Portuguese. */
export const describeSchemaError = (error: SchemaError): string => {
  const where = error.instancePath ? error.instancePath.slice(1).replace(/\//g, ".") : "o objeto";
  const p = error.params;
  switch (error.keyword) {
    case "enum":
      return `${where} deve ser um destes valores: ${(p["allowedValues"] as unknown[]).join(", ")}`;
    case "required":
      return `${where === "o objeto" ? "" : `${where}: `}falta o campo obrigatório ${String(p["missingProperty"])}`;
    case "type":
      return `${where} deve ser do tipo ${typeName(String(p["type"]))}`;
    case "minimum":
    case "exclusiveMinimum":
      return `${where} deve ser no mínimo ${String(p["limit"])}`;
    case "maximum":
    case "exclusiveMaximum":
      return `${where} deve ser no máximo ${String(p["limit"])}`;
    case "maxLength":
      return `${where} deve ter no máximo ${String(p["limit"])} caracteres`;
    case "minLength":
      return `${where} não pode ser vazio`;
    case "maxItems":
      return `${where} deve ter no máximo ${String(p["limit"])} itens`;
    case "minItems":
      return `${where} deve ter pelo menos ${String(p["limit"])} item(ns)`;
    case "pattern":
      return `${where} não tem o formato esperado (${String(p["pattern"])})`;
    case "additionalProperties":
      return `${where} não aceita o campo ${String(p["additionalProperty"])}`;
    case "oneOf":
      return `${where} deve definir exatamente uma das alternativas`;
    case "not":
      return `${where} tem uma combinação de campos não permitida`;
    default:
      return `${where}: ${error.message ?? error.keyword}`;
  }
};

const typeName = (type: string): string =>
  ({ string: "texto", integer: "número inteiro", number: "número", boolean: "booleano (true/false)", object: "objeto", array: "lista" })[type] ?? type;

/** InputError unless `value` is an IPv4/IPv6 address or a DNS name. */
export const validateAddress = (value: string, what: string): void => {
  if (!isIpAddress(value) && !isDnsName(value)) {
    throw new InputError(`${what} "${value}" não é um endereço IP nem um nome DNS válido`, "use o IP da VM (por exemplo 10.240.0.115) ou um nome DNS que o cluster resolva", what);
  }
};

/** InputError unless `host` is a DNS name, optionally with a leading wildcard label ("*.example.com"). */
export const validateHost = (host: string, what: string): void => {
  const bare = host.startsWith("*.") ? host.slice(2) : host;
  if (host === "*" || !(isDnsName(bare) || /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/.test(bare))) {
    throw new InputError(`${what} "${host}" não é um nome de host válido`, "use um nome DNS como pegasus-pay.legacy ou pegasus-pay.legacy.svc.cluster.local (curinga só no começo: *.exemplo.com)", what);
  }
};

/** InputError unless `name` is a port name (DNS label, ≤ 63: lowercase letters, digits and '-'). */
export const validatePortName = (name: string, what = "nome da porta"): void => {
  if (!/^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/.test(name) || !/[a-z]/.test(name)) {
    throw new InputError(`${what} "${name}" não é válido`, "use minúsculas, dígitos e '-', com pelo menos uma letra; o prefixo diz o protocolo ao Istio (http-vm, tcp-db, grpc-api)", what);
  }
};

/** Protocols Istio accepts on ports (ServiceEntry, Gateway): compared case-insensitively. */
export const ISTIO_PROTOCOLS = ["HTTP", "HTTPS", "GRPC", "GRPC-WEB", "HTTP2", "MONGO", "REDIS", "MYSQL", "TCP", "TLS", "UDP"] as const;

/** The protocol in Istio's spelling (upper case); InputError for an unknown one. */
export const normalizeProtocol = (protocol: string, what = "protocolo"): string => {
  const upper = protocol.toUpperCase();
  if (!(ISTIO_PROTOCOLS as readonly string[]).includes(upper)) {
    throw new InputError(`${what} "${protocol}" não é um protocolo que o Istio conhece`, `use um destes: ${ISTIO_PROTOCOLS.join(", ")}`, what);
  }
  return upper;
};
