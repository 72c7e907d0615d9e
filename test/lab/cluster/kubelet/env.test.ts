import test from "ava";
import type { KubeObject } from "../../../../lab/cluster/contracts.js";
import { buildContainerEnv, ContainerConfigError, expandVars, resourceFieldValue, serviceLinkEnv, type EnvSources } from "../../../../lab/cluster/kubelet/env.js";

const pod = (spec: any = {}): KubeObject => ({
  apiVersion: "v1",
  kind: "Pod",
  metadata: { name: "payment-7f9", namespace: "default", uid: "u-1", labels: { app: "payment" }, annotations: { team: "pay" } },
  spec: { nodeName: "lab-node", serviceAccountName: "legacy", ...spec },
  status: { podIP: "198.18.81.7", hostIP: "198.18.80.1" },
});

const sources = (over: Partial<EnvSources> = {}): EnvSources => ({
  services: [],
  configMap: async (_ns, name) => (name === "settings" ? ({ apiVersion: "v1", kind: "ConfigMap", metadata: { name }, data: { LEVEL: "debug", MODE: "fast" } } as KubeObject) : undefined),
  secret: async (_ns, name) => (name === "creds" ? ({ apiVersion: "v1", kind: "Secret", metadata: { name }, data: { PASSWORD: Buffer.from("s3cret").toString("base64") } } as KubeObject) : undefined),
  node: { cpu: 2, memoryBytes: 8 * 1024 ** 3 },
  ...over,
});

test("$(VAR) references expand from earlier variables, $$ escapes, unknown ones stay as written", (t) => {
  const env = new Map([["A", "1"]]);
  t.is(expandVars("$(A)-$(B)-$$(A)", env), "1-$(B)-$(A)");
});

test("Service links follow the Docker-link naming of the kubelet", (t) => {
  const svc = { apiVersion: "v1", kind: "Service", metadata: { name: "front-end" }, spec: { clusterIP: "198.19.80.20", ports: [{ name: "http", port: 8000, protocol: "TCP" }] } } as KubeObject;
  t.deepEqual(Object.fromEntries(serviceLinkEnv(svc)), {
    FRONT_END_SERVICE_HOST: "198.19.80.20",
    FRONT_END_SERVICE_PORT: "8000",
    FRONT_END_SERVICE_PORT_HTTP: "8000",
    FRONT_END_PORT: "tcp://198.19.80.20:8000",
    FRONT_END_PORT_8000_TCP: "tcp://198.19.80.20:8000",
    FRONT_END_PORT_8000_TCP_PROTO: "tcp",
    FRONT_END_PORT_8000_TCP_PORT: "8000",
    FRONT_END_PORT_8000_TCP_ADDR: "198.19.80.20",
  });
  t.deepEqual(serviceLinkEnv({ ...svc, spec: { clusterIP: "None", ports: [{ port: 1 }] } }), []);
});

test("fieldRef, resourceFieldRef, configMapKeyRef, secretKeyRef and envFrom resolve like the kubelet", async (t) => {
  const container = {
    resources: { limits: { cpu: "500m", memory: "96Mi" } },
    envFrom: [{ configMapRef: { name: "settings" }, prefix: "CFG_" }],
    env: [
      { name: "POD_NAME", valueFrom: { fieldRef: { fieldPath: "metadata.name" } } },
      { name: "NS", valueFrom: { fieldRef: { fieldPath: "metadata.namespace" } } },
      { name: "SA", valueFrom: { fieldRef: { fieldPath: "spec.serviceAccountName" } } },
      { name: "IP", valueFrom: { fieldRef: { fieldPath: "status.podIP" } } },
      { name: "APP", valueFrom: { fieldRef: { fieldPath: "metadata.labels['app']" } } },
      { name: "CPU", valueFrom: { resourceFieldRef: { resource: "limits.cpu" } } },
      { name: "MEM_MI", valueFrom: { resourceFieldRef: { resource: "limits.memory", divisor: "1Mi" } } },
      { name: "LEVEL", valueFrom: { configMapKeyRef: { name: "settings", key: "LEVEL" } } },
      { name: "PASSWORD", valueFrom: { secretKeyRef: { name: "creds", key: "PASSWORD" } } },
      { name: "URL", value: "http://$(IP):8000" },
    ],
  };
  const env = await buildContainerEnv(pod(), container, sources());
  t.like(Object.fromEntries(env), { POD_NAME: "payment-7f9", NS: "default", SA: "legacy", IP: "198.18.81.7", APP: "payment", CPU: "1", MEM_MI: "96", LEVEL: "debug", PASSWORD: "s3cret", URL: "http://198.18.81.7:8000", CFG_MODE: "fast" });
});

test("a missing ConfigMap or key fails the container config with the kubelet's message, unless optional", async (t) => {
  await t.throwsAsync(buildContainerEnv(pod(), { env: [{ name: "X", valueFrom: { configMapKeyRef: { name: "nope", key: "k" } } }] }, sources()), { instanceOf: ContainerConfigError, message: 'configmap "nope" not found' });
  await t.throwsAsync(buildContainerEnv(pod(), { env: [{ name: "X", valueFrom: { configMapKeyRef: { name: "settings", key: "k" } } }] }, sources()), { message: "couldn't find key k in ConfigMap default/settings" });
  const env = await buildContainerEnv(pod(), { env: [{ name: "X", valueFrom: { secretKeyRef: { name: "nope", key: "k", optional: true } } }] }, sources());
  t.false(env.has("X"));
});

test("without a limit, resourceFieldRef limits report the node's allocatable", (t) => {
  t.is(resourceFieldValue({}, { resource: "limits.cpu" }, { cpu: 2, memoryBytes: 1024 }), "2");
  t.is(resourceFieldValue({}, { resource: "limits.memory" }, { cpu: 2, memoryBytes: 1024 }), "1024");
});

test("enableServiceLinks: false keeps only the kubernetes Service's variables", async (t) => {
  const svc = (name: string, ip: string) => ({ apiVersion: "v1", kind: "Service", metadata: { name }, spec: { clusterIP: ip, ports: [{ port: 443 }] } }) as KubeObject;
  const env = await buildContainerEnv(pod({ enableServiceLinks: false }), {}, sources({ services: [svc("payment", "198.19.80.9")], masterService: svc("kubernetes", "198.19.80.1") }));
  t.is(env.get("KUBERNETES_SERVICE_HOST"), "198.19.80.1");
  t.false(env.has("PAYMENT_SERVICE_HOST"));
});
