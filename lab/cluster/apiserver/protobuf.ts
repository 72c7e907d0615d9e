// Decoding of Kubernetes protobuf request bodies (`application/vnd.kubernetes.protobuf`: "k8s\0" + runtime.Unknown),
// which kubectl's typed clients send for `kubectl create namespace|serviceaccount|configmap|secret|token`.
// Only the kinds below are understood; anything else is answered 415 so the client sees why.
import { ApiError } from "../contracts.js";

type FieldType = "string" | "bytes" | "int" | "bool" | "skip" | MessageSchema | MapSchema;
interface MapSchema {
  map: "string" | "bytes";
}
interface FieldSpec {
  name: string;
  type: FieldType;
  repeated?: boolean;
}
/** Field number → field, for one protobuf message type. */
export interface MessageSchema {
  name: string;
  fields: Record<number, FieldSpec>;
}

const msg = (name: string, fields: Record<number, FieldSpec>): MessageSchema => ({ name, fields });
const f = (name: string, type: FieldType, repeated = false): FieldSpec => ({ name, type, repeated });

const ownerReference = msg("OwnerReference", { 1: f("kind", "string"), 3: f("name", "string"), 4: f("uid", "string"), 5: f("apiVersion", "string"), 6: f("controller", "bool"), 7: f("blockOwnerDeletion", "bool") });
const objectMeta = msg("ObjectMeta", {
  1: f("name", "string"),
  2: f("generateName", "string"),
  3: f("namespace", "string"),
  4: f("selfLink", "skip"),
  5: f("uid", "string"),
  6: f("resourceVersion", "string"),
  7: f("generation", "int"),
  8: f("creationTimestamp", "skip"),
  9: f("deletionTimestamp", "skip"),
  10: f("deletionGracePeriodSeconds", "int"),
  11: f("labels", { map: "string" }),
  12: f("annotations", { map: "string" }),
  13: f("ownerReferences", ownerReference, true),
  14: f("finalizers", "string", true),
  17: f("managedFields", "skip", true),
});
const objectReference = msg("ObjectReference", { 1: f("kind", "string"), 2: f("namespace", "string"), 3: f("name", "string"), 4: f("uid", "string"), 5: f("apiVersion", "string"), 6: f("resourceVersion", "string"), 7: f("fieldPath", "string") });
const localObjectReference = msg("LocalObjectReference", { 1: f("name", "string") });

/** The kinds whose protobuf encoding the lab decodes. */
export const protobufKinds: Record<string, MessageSchema> = {
  Namespace: msg("Namespace", { 1: f("metadata", objectMeta), 2: f("spec", msg("NamespaceSpec", { 1: f("finalizers", "string", true) })), 3: f("status", "skip") }),
  ServiceAccount: msg("ServiceAccount", { 1: f("metadata", objectMeta), 2: f("secrets", objectReference, true), 3: f("imagePullSecrets", localObjectReference, true), 4: f("automountServiceAccountToken", "bool") }),
  ConfigMap: msg("ConfigMap", { 1: f("metadata", objectMeta), 2: f("data", { map: "string" }), 3: f("binaryData", { map: "bytes" }), 4: f("immutable", "bool") }),
  Secret: msg("Secret", { 1: f("metadata", objectMeta), 2: f("data", { map: "bytes" }), 3: f("type", "string"), 4: f("stringData", { map: "string" }), 5: f("immutable", "bool") }),
  TokenRequest: msg("TokenRequest", {
    1: f("metadata", objectMeta),
    2: f("spec", msg("TokenRequestSpec", { 1: f("audiences", "string", true), 3: f("boundObjectRef", msg("BoundObjectReference", { 1: f("kind", "string"), 2: f("apiVersion", "string"), 3: f("name", "string"), 4: f("uid", "string") })), 4: f("expirationSeconds", "int") })),
    3: f("status", "skip"),
  }),
};

class Reader {
  pos = 0;
  constructor(readonly buf: Buffer) {}
  done(): boolean {
    return this.pos >= this.buf.length;
  }
  varint(): bigint {
    let result = 0n;
    let shift = 0n;
    for (;;) {
      if (this.pos >= this.buf.length) throw new Error("truncated varint");
      const b = this.buf[this.pos++]!;
      result |= BigInt(b & 0x7f) << shift;
      if (!(b & 0x80)) return result;
      shift += 7n;
    }
  }
  bytes(): Buffer {
    const len = Number(this.varint());
    const out = this.buf.subarray(this.pos, this.pos + len);
    if (out.length !== len) throw new Error("truncated field");
    this.pos += len;
    return out;
  }
  skip(wire: number): void {
    if (wire === 0) this.varint();
    else if (wire === 1) this.pos += 8;
    else if (wire === 2) this.bytes();
    else if (wire === 5) this.pos += 4;
    else throw new Error(`unsupported wire type ${wire}`);
  }
}

const unsupported = (detail: string): ApiError =>
  new ApiError(415, "UnsupportedMediaType", `the lab's API server cannot decode this protobuf body (${detail}); send JSON instead (for example kubectl apply -f, or --output-version with -o json)`);

const decodeMessage = (buf: Buffer, schema: MessageSchema): Record<string, unknown> => {
  const r = new Reader(buf);
  const out: Record<string, unknown> = {};
  while (!r.done()) {
    const key = Number(r.varint());
    const field = key >> 3;
    const wire = key & 7;
    const spec = schema.fields[field];
    if (!spec) throw unsupported(`unknown field ${field} of ${schema.name}`);
    if (spec.type === "skip") {
      r.skip(wire);
      continue;
    }
    let value: unknown;
    if (spec.type === "string") value = r.bytes().toString("utf8");
    else if (spec.type === "bytes") value = r.bytes().toString("base64");
    else if (spec.type === "int") value = Number(BigInt.asIntN(64, r.varint()));
    else if (spec.type === "bool") value = r.varint() !== 0n;
    else if ("map" in spec.type) {
      const entry = new Reader(r.bytes());
      let k = "";
      let v = "";
      while (!entry.done()) {
        const ek = Number(entry.varint());
        if (ek >> 3 === 1) k = entry.bytes().toString("utf8");
        else if (ek >> 3 === 2) v = spec.type.map === "bytes" ? entry.bytes().toString("base64") : entry.bytes().toString("utf8");
        else entry.skip(ek & 7);
      }
      const m = (out[spec.name] ??= {}) as Record<string, string>;
      m[k] = v;
      continue;
    } else value = decodeMessage(r.bytes(), spec.type);
    if (spec.repeated) ((out[spec.name] ??= []) as unknown[]).push(value);
    else out[spec.name] = value;
  }
  return out;
};

/** Decodes a Kubernetes protobuf body into the JSON object it represents. */
export const decodeKubernetesProtobuf = (body: Buffer): Record<string, unknown> => {
  if (body.length < 4 || body.subarray(0, 4).toString("latin1") !== "k8s\u0000") throw unsupported("missing the k8s protobuf prefix");
  try {
    const envelope = new Reader(body.subarray(4));
    let apiVersion = "";
    let kind = "";
    let raw: Buffer | undefined;
    while (!envelope.done()) {
      const key = Number(envelope.varint());
      if (key >> 3 === 1) {
        const tm = new Reader(envelope.bytes());
        while (!tm.done()) {
          const k = Number(tm.varint());
          if (k >> 3 === 1) apiVersion = tm.bytes().toString("utf8");
          else if (k >> 3 === 2) kind = tm.bytes().toString("utf8");
          else tm.skip(k & 7);
        }
      } else if (key >> 3 === 2) raw = envelope.bytes();
      else envelope.skip(key & 7);
    }
    const schema = protobufKinds[kind];
    if (!schema) throw unsupported(`kind ${kind || "<none>"} is not supported in protobuf`);
    return { apiVersion, kind, ...decodeMessage(raw ?? Buffer.alloc(0), schema) };
  } catch (error) {
    if (error instanceof ApiError) throw error;
    throw unsupported((error as Error).message);
  }
};
