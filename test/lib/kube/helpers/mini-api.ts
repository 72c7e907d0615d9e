// A small Kubernetes API server for lib/kube's tests, on loopback: legacy discovery, GET/LIST/WATCH with
// resourceVersions and selectors, POST, server-side apply (merge), DELETE, and exec over WebSocket (v5 channels).
// Faults are injected per watch request (close after N events, 410 Gone, silence, HTTP errors), and every request is
// recorded in `actions`. It is a test fixture, not the lab's API server: no OpenAPI, no Tables, no validation.
import http from "node:http";
import type { AddressInfo } from "node:net";
import { WebSocketServer, type WebSocket } from "ws";

type Obj = { apiVersion: string; kind: string; metadata: { name: string; namespace?: string; resourceVersion?: string; labels?: Record<string, string>; [k: string]: unknown }; [k: string]: unknown };

interface TypeDef {
  group: string;
  version: string;
  plural: string;
  kind: string;
  namespaced: boolean;
  shortNames?: string[];
  singular: string;
}

const TYPES: TypeDef[] = [
  { group: "", version: "v1", plural: "namespaces", kind: "Namespace", namespaced: false, shortNames: ["ns"], singular: "namespace" },
  { group: "", version: "v1", plural: "pods", kind: "Pod", namespaced: true, shortNames: ["po"], singular: "pod" },
  { group: "", version: "v1", plural: "services", kind: "Service", namespaced: true, shortNames: ["svc"], singular: "service" },
  { group: "", version: "v1", plural: "serviceaccounts", kind: "ServiceAccount", namespaced: true, shortNames: ["sa"], singular: "serviceaccount" },
  { group: "", version: "v1", plural: "configmaps", kind: "ConfigMap", namespaced: true, shortNames: ["cm"], singular: "configmap" },
  { group: "apps", version: "v1", plural: "deployments", kind: "Deployment", namespaced: true, shortNames: ["deploy"], singular: "deployment" },
  { group: "apiextensions.k8s.io", version: "v1", plural: "customresourcedefinitions", kind: "CustomResourceDefinition", namespaced: false, shortNames: ["crd", "crds"], singular: "customresourcedefinition" },
  { group: "networking.istio.io", version: "v1", plural: "workloadentries", kind: "WorkloadEntry", namespaced: true, shortNames: ["we"], singular: "workloadentry" },
  { group: "networking.istio.io", version: "v1", plural: "workloadgroups", kind: "WorkloadGroup", namespaced: true, shortNames: ["wg"], singular: "workloadgroup" },
  { group: "security.istio.io", version: "v1", plural: "peerauthentications", kind: "PeerAuthentication", namespaced: true, shortNames: ["pa"], singular: "peerauthentication" },
];

/** A fault for the next watch request(s). */
export type WatchFault =
  | { kind: "close-after"; events: number }
  | { kind: "gone" }
  | { kind: "gone-http" }
  | { kind: "silent" }
  | { kind: "http-error"; status: number };

/** What an exec handler returns. */
export interface ExecReply {
  stdout?: string;
  stderr?: string;
  exitCode?: number;
  /** Close the socket without a status frame. */
  noStatus?: boolean;
  /** Hang (never answer). */
  hang?: boolean;
}

/** One exec request as the server saw it. */
export interface ExecRequest {
  namespace: string;
  pod: string;
  container: string | null;
  command: string[];
  stdin: string;
  protocol: string;
}

interface WatchClient {
  path: { type: TypeDef; namespace?: string };
  query: URLSearchParams;
  res: http.ServerResponse;
  sent: number;
  closeAfter?: number;
}

/** The fixture server. */
export class MiniApi {
  readonly actions: string[] = [];
  readonly execs: ExecRequest[] = [];
  readonly watchFaults: WatchFault[] = [];
  /** Events kept for watches (resourceVersion → event); older ones are "compacted" (410). */
  readonly history: Array<{ rv: number; type: "ADDED" | "MODIFIED" | "DELETED"; object: Obj; typeKey: string }> = [];
  compactedBefore = 0;
  execHandler: (req: ExecRequest) => ExecReply | Promise<ExecReply> = () => ({ stdout: "", exitCode: 0 });
  /** Namespaces are removed this many ms after DELETE (Terminating meanwhile). */
  namespaceDeleteDelayMs = 50;
  #rv = 100;
  readonly #objects = new Map<string, Obj>();
  readonly #watchers = new Set<WatchClient>();
  /** Watches that were accepted and never answered (a hung connection). */
  readonly #silent = new Set<WatchClient>();
  readonly #server: http.Server;
  readonly #wss: WebSocketServer;
  readonly #sockets = new Set<import("node:net").Socket>();
  readonly #timers = new Set<NodeJS.Timeout>();
  url = "";

  constructor() {
    this.#server = http.createServer((req, res) => void this.#handle(req, res));
    this.#server.on("connection", (s) => {
      this.#sockets.add(s);
      s.on("close", () => this.#sockets.delete(s));
    });
    this.#wss = new WebSocketServer({ noServer: true, handleProtocols: (protocols) => (protocols.has("v5.channel.k8s.io") ? "v5.channel.k8s.io" : protocols.has("v4.channel.k8s.io") ? "v4.channel.k8s.io" : false) });
    this.#server.on("upgrade", (req, socket, head) => {
      this.actions.push(`UPGRADE ${req.url}`);
      this.#wss.handleUpgrade(req, socket, head, (ws) => void this.#exec(req, ws));
    });
  }

  /** Starts listening on 127.0.0.1 (random port). */
  async start(): Promise<this> {
    await new Promise<void>((resolve) => this.#server.listen(0, "127.0.0.1", resolve));
    this.url = `http://127.0.0.1:${(this.#server.address() as AddressInfo).port}`;
    return this;
  }

  /** Stops the server and every open connection. */
  async stop(): Promise<void> {
    for (const t of this.#timers) clearTimeout(t);
    for (const w of this.#watchers) w.res.destroy();
    for (const ws of this.#wss.clients) ws.terminate();
    for (const s of this.#sockets) s.destroy();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }

  /** A kubeconfig (YAML text) for this server. */
  kubeconfig({ context = "mini", namespace }: { context?: string; namespace?: string } = {}): string {
    return [
      "apiVersion: v1",
      "kind: Config",
      "clusters:",
      `- name: ${context}-cluster`,
      "  cluster:",
      `    server: ${this.url}`,
      "    insecure-skip-tls-verify: true",
      "users:",
      `- name: ${context}-user`,
      "  user:",
      "    token: test-token-not-secret",
      "contexts:",
      `- name: ${context}`,
      "  context:",
      `    cluster: ${context}-cluster`,
      `    user: ${context}-user`,
      ...(namespace ? [`    namespace: ${namespace}`] : []),
      `current-context: ${context}`,
      "",
    ].join("\n");
  }

  /** Stores (creates or replaces) an object, notifying watchers. */
  put(object: Obj): Obj {
    const type = typeOfObject(object);
    const key = objKey(type, object.metadata.namespace, object.metadata.name);
    const existed = this.#objects.has(key);
    const stored = structuredClone(object);
    stored.metadata.resourceVersion = String(++this.#rv);
    stored.metadata["creationTimestamp"] ??= new Date().toISOString();
    this.#objects.set(key, stored);
    this.#notify(type, existed ? "MODIFIED" : "ADDED", stored);
    return structuredClone(stored);
  }

  /** Removes an object, notifying watchers. */
  remove({ kind, apiVersion, name, namespace }: { kind: string; apiVersion: string; name: string; namespace?: string }): void {
    const type = typeOfObject({ kind, apiVersion } as Obj);
    const key = objKey(type, namespace, name);
    const object = this.#objects.get(key);
    if (!object) return;
    this.#objects.delete(key);
    object.metadata.resourceVersion = String(++this.#rv);
    this.#notify(type, "DELETED", object);
  }

  /** The stored object, if any. */
  object({ kind, apiVersion, name, namespace }: { kind: string; apiVersion: string; name: string; namespace?: string }): Obj | undefined {
    const o = this.#objects.get(objKey(typeOfObject({ kind, apiVersion } as Obj), namespace, name));
    return o && structuredClone(o);
  }

  /** Current resourceVersion. */
  get resourceVersion(): number {
    return this.#rv;
  }

  /** Number of open watch connections. */
  get openWatches(): number {
    return this.#watchers.size;
  }

  /** Runs `fn` later (kept track of, cleared on stop). */
  later(ms: number, fn: () => void): void {
    const t = setTimeout(() => {
      this.#timers.delete(t);
      fn();
    }, ms);
    this.#timers.add(t);
  }

  #notify(type: TypeDef, event: "ADDED" | "MODIFIED" | "DELETED", object: Obj): void {
    const typeKey = `${type.group}/${type.plural}`;
    this.history.push({ rv: Number(object.metadata.resourceVersion), type: event, object: structuredClone(object), typeKey });
    for (const w of [...this.#watchers]) {
      if (`${w.path.type.group}/${w.path.type.plural}` !== typeKey) continue;
      if (matches(object, w.path.namespace, w.query)) this.#send(w, event, object);
    }
  }

  #send(w: WatchClient, type: string, object: unknown): void {
    w.res.write(JSON.stringify({ type, object }) + "\n");
    w.sent++;
    if (w.closeAfter !== undefined && w.sent >= w.closeAfter) {
      this.#watchers.delete(w);
      w.res.end();
    }
  }

  async #handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const url = new URL(req.url ?? "/", "http://x");
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const raw = Buffer.concat(chunks);
    // kubectl's typed clients (create namespace, create serviceaccount) send protobuf: decode the little they need.
    const body = (req.headers["content-type"] ?? "") === "application/vnd.kubernetes.protobuf" ? JSON.stringify(fromProtobuf(raw)) : raw.toString("utf8");
    if ((req.headers["content-type"] ?? "") === "application/vnd.kubernetes.protobuf") req.headers["content-type"] = "application/json";
    this.actions.push(`${req.method} ${url.pathname}${url.search}`);
    const json = (status: number, payload: unknown) => {
      res.writeHead(status, { "Content-Type": "application/json" });
      res.end(JSON.stringify(payload));
    };
    const status = (code: number, reason: string, message: string) => json(code, { kind: "Status", apiVersion: "v1", metadata: {}, status: "Failure", message, reason, code });

    const p = url.pathname;
    if (body && !(req.headers["content-type"] ?? "").includes("json") && !(req.headers["content-type"] ?? "").includes("yaml")) {
      return status(415, "UnsupportedMediaType", `the body of the request was in an unknown format - accepted media types include: application/json, application/yaml, application/apply-patch+yaml, application/merge-patch+json`);
    }
    if (p === "/version") return json(200, { major: "1", minor: "33", gitVersion: "v1.33.0-mini" });
    if (p === "/api") return json(200, { kind: "APIVersions", versions: ["v1"], serverAddressByClientCIDRs: [] });
    if (p === "/apis") {
      const groups = [...new Set(TYPES.filter((t) => t.group).map((t) => t.group))].map((g) => {
        const v = TYPES.find((t) => t.group === g)!.version;
        return { name: g, versions: [{ groupVersion: `${g}/${v}`, version: v }], preferredVersion: { groupVersion: `${g}/${v}`, version: v } };
      });
      return json(200, { kind: "APIGroupList", apiVersion: "v1", groups });
    }
    const disc = /^\/(?:api\/(v1)|apis\/([^/]+)\/([^/]+))$/.exec(p);
    if (disc) {
      const group = disc[2] ?? "";
      const version = disc[1] ?? disc[3]!;
      const types = TYPES.filter((t) => t.group === group && t.version === version);
      if (!types.length) return status(404, "NotFound", "the server could not find the requested resource");
      const resources = types.flatMap((t) => [
        { name: t.plural, singularName: t.singular, namespaced: t.namespaced, kind: t.kind, verbs: ["create", "delete", "get", "list", "patch", "update", "watch"], shortNames: t.shortNames ?? [] },
        ...(t.plural === "pods" ? [{ name: "pods/exec", singularName: "", namespaced: true, kind: "PodExecOptions", verbs: ["create", "get"] }] : []),
      ]);
      return json(200, { kind: "APIResourceList", apiVersion: "v1", groupVersion: group ? `${group}/${version}` : version, resources });
    }

    const m = /^\/(?:api\/v1|apis\/([^/]+)\/([^/]+))(?:\/namespaces\/([^/]+))?\/([^/]+)(?:\/([^/]+))?$/.exec(p);
    if (!m) return status(404, "NotFound", "the server could not find the requested resource");
    const group = m[1] ?? "";
    let namespace = m[3] ? decodeURIComponent(m[3]) : undefined;
    let plural = m[4]!;
    let name = m[5] ? decodeURIComponent(m[5]) : undefined;
    // /api/v1/namespaces/NAME is the namespace object itself.
    if (!group && plural !== "namespaces" && namespace === undefined && m[0].startsWith("/api/v1/namespaces/")) {
      name = plural;
      plural = "namespaces";
    }
    if (!group && namespace !== undefined && plural === "namespaces") {
      name = namespace;
      namespace = undefined;
    }
    const type = TYPES.find((t) => t.group === group && t.plural === plural);
    if (!type) return status(404, "NotFound", `the server could not find the requested resource (${plural})`);
    if (!type.namespaced) namespace = undefined;

    if (req.method === "GET" && !name && (url.searchParams.get("watch") === "true" || url.searchParams.get("watch") === "1")) return this.#watch(type, namespace, url.searchParams, res, status);
    if (req.method === "GET" && !name) {
      const items = [...this.#objects.values()].filter((o) => typeOfObject(o) === type && matches(o, namespace, url.searchParams));
      return json(200, { kind: `${type.kind}List`, apiVersion: type.group ? `${type.group}/${type.version}` : type.version, metadata: { resourceVersion: String(this.#rv) }, items });
    }
    if (req.method === "GET" && name) {
      const o = this.#objects.get(objKey(type, namespace, name));
      return o ? json(200, o) : status(404, "NotFound", `${type.plural}${type.group ? `.${type.group}` : ""} "${name}" not found`);
    }
    if (req.method === "POST" && !name) {
      const o = JSON.parse(body) as Obj;
      if (namespace) o.metadata.namespace = namespace;
      if (this.#objects.has(objKey(type, namespace, o.metadata.name))) return status(409, "AlreadyExists", `${type.plural} "${o.metadata.name}" already exists`);
      if (namespace && !this.#objects.has(objKey(TYPES[0]!, undefined, namespace))) return status(404, "NotFound", `namespaces "${namespace}" not found`);
      if (type.kind === "Namespace") o["status"] = { phase: "Active" };
      return json(201, this.put(o));
    }
    if (req.method === "PATCH" && name) {
      const contentType = req.headers["content-type"] ?? "";
      if (!contentType.startsWith("application/apply-patch")) return status(415, "UnsupportedMediaType", `unsupported patch type ${contentType}`);
      if (!url.searchParams.get("fieldManager")) return status(400, "BadRequest", "PatchOptions.meta.k8s.io \"\" is invalid: fieldManager: Required value");
      const patch = JSON.parse(body) as Obj;
      const existing = this.#objects.get(objKey(type, namespace, name));
      if (existing && existing.metadata["annotations"] && (existing.metadata["annotations"] as Record<string, string>)["conflict"] === "true" && url.searchParams.get("force") !== "true") {
        return status(409, "Conflict", `Apply failed with 1 conflict: conflict with "kubectl-client-side-apply": .spec`);
      }
      const merged = { ...(existing ?? {}), ...patch, metadata: { ...(existing?.metadata ?? {}), ...patch.metadata, namespace } } as Obj;
      if (!namespace) delete merged.metadata.namespace;
      const stored = this.put(merged);
      return json(existing ? 200 : 201, stored);
    }
    if (req.method === "DELETE" && name) {
      const key = objKey(type, namespace, name);
      const o = this.#objects.get(key);
      if (!o) return status(404, "NotFound", `${type.plural} "${name}" not found`);
      if (type.kind === "Namespace") {
        o.metadata["deletionTimestamp"] = new Date().toISOString();
        o["status"] = { phase: "Terminating" };
        const updated = this.put(o);
        const gone = name;
        this.later(this.namespaceDeleteDelayMs, () => this.remove({ kind: "Namespace", apiVersion: "v1", name: gone }));
        return json(200, updated);
      }
      this.remove({ kind: type.kind, apiVersion: type.group ? `${type.group}/${type.version}` : type.version, name, ...(namespace ? { namespace } : {}) });
      return json(200, { kind: "Status", apiVersion: "v1", metadata: {}, status: "Success" });
    }
    return status(405, "MethodNotAllowed", "method not allowed");
  }

  #watch(type: TypeDef, namespace: string | undefined, query: URLSearchParams, res: http.ServerResponse, status: (c: number, r: string, m: string) => void): void {
    const fault = this.watchFaults.shift();
    if (fault?.kind === "http-error") return status(fault.status, "InternalError", "injected failure");
    if (fault?.kind === "gone-http") return status(410, "Expired", "too old resource version (injected)");
    res.writeHead(200, { "Content-Type": "application/json", "Transfer-Encoding": "chunked" });
    res.flushHeaders();
    if (fault?.kind === "silent") {
      const w: WatchClient = { path: { type, ...(namespace ? { namespace } : {}) }, query, res, sent: 0 };
      // Registered only so stop() can end it: it never receives events.
      res.on("close", () => undefined);
      this.#silent.add(w);
      return;
    }
    const w: WatchClient = { path: { type, ...(namespace ? { namespace } : {}) }, query, res, sent: 0, ...(fault?.kind === "close-after" ? { closeAfter: fault.events } : {}) };
    const rv = Number(query.get("resourceVersion") ?? "0");
    if (fault?.kind === "gone" || (rv > 0 && rv < this.compactedBefore)) {
      res.end(JSON.stringify({ type: "ERROR", object: { kind: "Status", apiVersion: "v1", metadata: {}, status: "Failure", message: `too old resource version: ${rv}`, reason: "Expired", code: 410 } }) + "\n");
      return;
    }
    this.#watchers.add(w);
    res.on("close", () => this.#watchers.delete(w));
    const typeKey = `${type.group}/${type.plural}`;
    if (rv > 0) {
      for (const h of this.history) if (h.typeKey === typeKey && h.rv > rv && matches(h.object, namespace, query) && this.#watchers.has(w)) this.#send(w, h.type, h.object);
    } else {
      for (const o of this.#objects.values()) if (typeOfObject(o) === type && matches(o, namespace, query) && this.#watchers.has(w)) this.#send(w, "ADDED", o);
    }
    const seconds = Number(query.get("timeoutSeconds") ?? "0");
    if (seconds > 0) {
      this.later(seconds * 1000, () => {
        if (this.#watchers.delete(w)) w.res.end();
      });
    }
  }

  async #exec(req: http.IncomingMessage, ws: WebSocket): Promise<void> {
    const url = new URL(req.url ?? "/", "http://x");
    const m = /^\/api\/v1\/namespaces\/([^/]+)\/pods\/([^/]+)\/exec$/.exec(url.pathname);
    if (!m) return ws.close(1011, "not an exec path");
    const request: ExecRequest = { namespace: m[1]!, pod: m[2]!, container: url.searchParams.get("container"), command: url.searchParams.getAll("command"), stdin: "", protocol: ws.protocol };
    this.execs.push(request);
    const wantsStdin = url.searchParams.get("stdin") === "true";
    if (wantsStdin) {
      await new Promise<void>((resolve) => {
        ws.on("message", (data: Buffer) => {
          if (data[0] === 0) request.stdin += data.subarray(1).toString("utf8");
          if (data[0] === 255) resolve();
        });
        ws.on("close", () => resolve());
      });
    }
    const reply = await this.execHandler(request);
    if (reply.hang) return;
    const frame = (channel: number, text: string) => ws.send(Buffer.concat([Buffer.from([channel]), Buffer.from(text)]));
    if (reply.stdout) frame(1, reply.stdout);
    if (reply.stderr) frame(2, reply.stderr);
    if (!reply.noStatus) {
      const code = reply.exitCode ?? 0;
      frame(
        3,
        JSON.stringify(
          code === 0
            ? { metadata: {}, status: "Success" }
            : { metadata: {}, status: "Failure", message: `command terminated with non-zero exit code: exit status ${code}`, reason: "NonZeroExitCode", details: { causes: [{ reason: "ExitCode", message: String(code) }] } },
        ),
      );
    }
    ws.close(1000);
  }
}

const typeOfObject = (o: Pick<Obj, "apiVersion" | "kind">): TypeDef => {
  const group = o.apiVersion.includes("/") ? o.apiVersion.slice(0, o.apiVersion.indexOf("/")) : "";
  const t = TYPES.find((x) => x.group === group && x.kind === o.kind);
  if (!t) throw new Error(`mini-api: unknown type ${o.apiVersion} ${o.kind}`);
  return t;
};

const objKey = (t: TypeDef, namespace: string | undefined, name: string) => `${t.group}/${t.plural}/${t.namespaced ? (namespace ?? "") : ""}/${name}`;

const matches = (o: Obj, namespace: string | undefined, query: URLSearchParams): boolean => {
  if (namespace && o.metadata.namespace !== namespace) return false;
  for (const term of (query.get("labelSelector") ?? "").split(",").filter(Boolean)) {
    const [k, v] = term.split("=");
    if ((o.metadata.labels ?? {})[k!] !== v) return false;
  }
  for (const term of (query.get("fieldSelector") ?? "").split(",").filter(Boolean)) {
    const [k, v] = term.split("=");
    if (k === "metadata.name" && o.metadata.name !== v) return false;
    if (k === "metadata.namespace" && o.metadata.namespace !== v) return false;
  }
  return true;
};

/** Length-delimited fields of a protobuf message (field number → payloads); other wire types are skipped. */
const protoFields = (buf: Buffer): Map<number, Buffer[]> => {
  const fields = new Map<number, Buffer[]>();
  let i = 0;
  const varint = (): number => {
    let result = 0;
    let shift = 0;
    for (;;) {
      const b = buf[i++]!;
      result += (b & 0x7f) * 2 ** shift;
      if (b < 0x80) return result;
      shift += 7;
    }
  };
  while (i < buf.length) {
    const key = varint();
    const wire = key & 7;
    const field = Math.floor(key / 8);
    if (wire === 0) varint();
    else if (wire === 1) i += 8;
    else if (wire === 5) i += 4;
    else if (wire === 2) {
      const len = varint();
      fields.set(field, [...(fields.get(field) ?? []), buf.subarray(i, i + len)]);
      i += len;
    } else throw new Error(`mini-api: protobuf wire type ${wire}`);
  }
  return fields;
};

/** A Kubernetes protobuf envelope ("k8s\\0" + runtime.Unknown) → { apiVersion, kind, metadata: { name, namespace } }. */
const fromProtobuf = (raw: Buffer): Obj => {
  const unknown = protoFields(raw.subarray(4));
  const typeMeta = protoFields(unknown.get(1)![0]!);
  const object = protoFields(unknown.get(2)![0]!);
  const meta = protoFields(object.get(1)?.[0] ?? Buffer.alloc(0));
  const text = (b: Buffer[] | undefined) => b?.[0]?.toString("utf8");
  const namespace = text(meta.get(3));
  return { apiVersion: text(typeMeta.get(1)) ?? "v1", kind: text(typeMeta.get(2)) ?? "", metadata: { name: text(meta.get(1)) ?? "", ...(namespace ? { namespace } : {}) } };
};
