import test from "ava";
import {
  conditionOf,
  deploymentView,
  describeConditions,
  entriesForVm,
  formatServicePorts,
  itemsOf,
  pickPod,
  podView,
  serviceExternalAddress,
  servicePort,
  serviceView,
  workloadEntryView,
} from "../../../lib/kube/objects.js";

const eastwest = {
  apiVersion: "v1",
  kind: "Service",
  metadata: { name: "istio-eastwestgateway", namespace: "istio-system" },
  spec: {
    type: "LoadBalancer",
    clusterIP: "10.0.12.7",
    selector: { istio: "eastwestgateway" },
    ports: [
      { name: "status-port", port: 15021, targetPort: 15021, nodePort: 31021, protocol: "TCP" },
      { name: "tls", port: 15443, targetPort: 15443, nodePort: 31443 },
      { name: "tls-istiod", port: 15012, targetPort: 15012, nodePort: 31012, protocol: "TCP" },
    ],
  },
  status: { loadBalancer: { ingress: [{ ip: "52.150.37.127" }] } },
};

test("reads the east-west gateway's external IP and ports like kubectl get svc prints them", (t) => {
  t.is(serviceExternalAddress(eastwest), "52.150.37.127");
  t.deepEqual(servicePort(eastwest, "tls-istiod"), { name: "tls-istiod", port: 15012, targetPort: 15012, nodePort: 31012, protocol: "TCP" });
  t.is(servicePort(eastwest, 15443)!.protocol, "TCP", "protocol defaults to TCP");
  t.is(formatServicePorts(eastwest), "15021:31021/TCP,15443:31443/TCP,15012:31012/TCP");
  t.like(serviceView(eastwest), { type: "LoadBalancer", clusterIP: "10.0.12.7", selector: { istio: "eastwestgateway" } });
});

test("an external address may be a host name (cloud load balancers) or come from externalIPs; pending has none", (t) => {
  t.is(serviceExternalAddress({ ...eastwest, status: { loadBalancer: { ingress: [{ hostname: "a1.elb.amazonaws.com" }] } } }), "a1.elb.amazonaws.com");
  t.is(serviceExternalAddress({ ...eastwest, spec: { ...eastwest.spec, externalIPs: ["198.18.2.5"] }, status: {} }), "198.18.2.5");
  t.is(serviceExternalAddress({ ...eastwest, status: { loadBalancer: {} } }), undefined);
});

test("pod view: READY column, restarts, terminating", (t) => {
  const pod = {
    metadata: { name: "payment-1", namespace: "default", labels: { app: "payment" } },
    spec: { containers: [{ name: "payment" }, { name: "istio-proxy" }], nodeName: "n1" },
    status: { phase: "Running", podIP: "10.1.0.4", conditions: [{ type: "Ready", status: "False" }], containerStatuses: [{ name: "payment", ready: true, restartCount: 2 }, { name: "istio-proxy", ready: false, restartCount: 1 }] },
  };
  t.like(podView(pod), { readyText: "1/2", ready: false, restarts: 3, ip: "10.1.0.4", terminating: false, containers: ["payment", "istio-proxy"] });
});

test("pod view: a native sidecar (istio-proxy as an init container with restartPolicy Always, Istio 1.29+) counts in READY like kubectl", (t) => {
  const pod = {
    metadata: { name: "payment-1", namespace: "default" },
    spec: { initContainers: [{ name: "istio-init" }, { name: "istio-proxy", restartPolicy: "Always" }], containers: [{ name: "payment" }] },
    status: {
      phase: "Running",
      conditions: [{ type: "Ready", status: "True" }],
      initContainerStatuses: [{ name: "istio-init", ready: false, restartCount: 0 }, { name: "istio-proxy", ready: true, restartCount: 1 }],
      containerStatuses: [{ name: "payment", ready: true, restartCount: 0 }],
    },
  };
  t.like(podView(pod), { readyText: "2/2", ready: true, restarts: 1, containers: ["istio-proxy", "payment"] });
});

test("pickPod prefers Running+Ready pods, never finished or terminating ones", (t) => {
  const mk = (name: string, phase: string, ready: boolean, extra: Record<string, unknown> = {}) => ({
    metadata: { name, ...extra },
    spec: { containers: [{ name: "c" }], nodeName: "n" },
    status: { phase, conditions: [{ type: "Ready", status: ready ? "True" : "False" }], containerStatuses: [{ name: "c", ready }] },
  });
  t.is(pickPod([mk("a", "Pending", false), mk("b", "Running", true), mk("c", "Running", false)])?.metadata?.name, "b");
  t.is(pickPod([mk("a", "Succeeded", false), mk("b", "Failed", false)]), undefined);
  t.is(pickPod([mk("a", "Running", true, { deletionTimestamp: "2020-01-01T00:00:00Z" }), mk("b", "Running", false)])?.metadata?.name, "b");
});

test("conditions are found case-insensitively and described for messages", (t) => {
  const deployment = { metadata: { name: "istiod" }, spec: { replicas: 2 }, status: { readyReplicas: 1, conditions: [{ type: "Available", status: "False", reason: "MinimumReplicasUnavailable", message: "Deployment does not have minimum availability." }] } };
  t.is(conditionOf(deployment, "available")?.status, "False");
  t.is(describeConditions(deployment), "Available=False (MinimumReplicasUnavailable: Deployment does not have minimum availability.)");
  t.like(deploymentView(deployment), { readyText: "1/2", available: false });
});

test("workload entries: auto-registration, connection and health annotations", (t) => {
  const auto = {
    metadata: { name: "pegasus-pay-10.240.0.115", namespace: "legacy", annotations: { "istio.io/autoRegistrationGroup": "pegasus-pay", "istio.io/connectedAt": "2020-12-26T14:48:26Z" } },
    spec: { address: "10.240.0.115", labels: { app: "pegasus-pay" }, serviceAccount: "legacy-pegasus" },
    status: { conditions: [{ type: "Healthy", status: "True" }] },
  };
  const manual = { metadata: { name: "pegasus-pay", namespace: "legacy" }, spec: { address: "10.240.0.115" } };
  t.like(workloadEntryView(auto), { address: "10.240.0.115", autoRegisteredBy: "pegasus-pay", connectedAt: "2020-12-26T14:48:26Z", healthy: true, serviceAccount: "legacy-pegasus" });
  t.is(workloadEntryView(manual).healthy, undefined);
  const list = { kind: "List", items: [auto, manual, { metadata: { name: "x" }, spec: { address: "1.2.3.4" } }] };
  t.deepEqual(entriesForVm({ entries: itemsOf(list), group: "pegasus-pay" }).map((e) => e.name), ["pegasus-pay-10.240.0.115"]);
  t.deepEqual(entriesForVm({ entries: itemsOf(list), address: "10.240.0.115" }).map((e) => e.name), ["pegasus-pay-10.240.0.115", "pegasus-pay"]);
});

test("itemsOf accepts a List, a single object, or nothing", (t) => {
  t.is(itemsOf({ kind: "List", items: [{}, {}] }).length, 2);
  t.is(itemsOf({ kind: "Service", metadata: { name: "a" } }).length, 1);
  t.deepEqual(itemsOf(null), []);
});
