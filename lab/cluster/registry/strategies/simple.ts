// Small strategies: secrets, config maps, service accounts, nodes, events, webhook configurations, leases.
import { fieldInvalid, type StatusCause } from "../../store/errors.js";
import type { Strategy } from "./types.js";

const dataKeyPattern = /^[-._a-zA-Z0-9]+$/;

const validateDataKeys = (data: Record<string, unknown> | undefined, field: string): StatusCause[] =>
  Object.keys(data ?? {})
    .filter((k) => !dataKeyPattern.test(k) || k.length > 253)
    .map((k) => fieldInvalid(`${field}`, k, "a valid config key must consist of alphanumeric characters, '-', '_' or '.' (e.g. 'key.name',  or 'KEY_NAME',  or 'key-name', regex used for validation is '[-._a-zA-Z0-9]+')"));

const base64Pattern = /^[A-Za-z0-9+/]*={0,2}$/;

/** The secret strategy: type Opaque by default, stringData folded into data, base64 checked. */
export const secretStrategy: Strategy = {
  defaults: (s) => {
    s["type"] ??= "Opaque";
    const stringData = s["stringData"] as Record<string, string> | undefined;
    if (stringData) {
      const data = (s["data"] ??= {}) as Record<string, string>;
      for (const [k, v] of Object.entries(stringData)) data[k] = Buffer.from(String(v), "utf8").toString("base64");
      delete s["stringData"];
    }
  },
  validate: (s) => [
    ...validateDataKeys(s["data"] as Record<string, unknown>, "data"),
    ...Object.entries((s["data"] as Record<string, unknown>) ?? {})
      .filter(([, v]) => typeof v !== "string" || !base64Pattern.test(v))
      .map(([k]) => fieldInvalid(`data[${k}]`, "<secret contents redacted>", "illegal base64 data")),
  ],
};

/** The configmap strategy. */
export const configMapStrategy: Strategy = {
  validate: (cm) => [...validateDataKeys(cm["data"] as Record<string, unknown>, "data"), ...validateDataKeys(cm["binaryData"] as Record<string, unknown>, "binaryData")],
};

/** The node strategy: status only through /status. */
export const nodeStrategy: Strategy = {
  prepareForUpdate: (n, old) => {
    n.status = old.status;
  },
};

/** Webhook configurations track generation. */
export const webhookConfigurationStrategy: Strategy = { tracksGeneration: true };
