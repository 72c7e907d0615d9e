// The simul-shop manifests (Deployments and Services) generated from the topology data, shaped like the course's
// chapter 4 files, and the architecture picture of chapter 14 drawn from the same data.
import yaml from "js-yaml";
import { renderMeshSvg, type MeshEdge, type MeshNode } from "../display/mesh-svg.js";
import { PEGASUS_PAY, SERVICES_YAML_ORDER, SIMUL_SHOP_SERVICES, callGraph, type SimulShopService } from "./simul-shop.js";

const header = "# Gerado de lib/course/simul-shop.ts (npm run generate); não edite à mão.\n";

const deployment = (s: SimulShopService): Record<string, unknown> => ({
  apiVersion: "apps/v1",
  kind: "Deployment",
  metadata: { name: s.deploymentName, labels: { ...s.labels } },
  spec: {
    replicas: 1,
    selector: { matchLabels: { ...s.labels } },
    template: {
      metadata: { labels: { ...s.labels } },
      spec: {
        terminationGracePeriodSeconds: s.terminationGracePeriodSeconds,
        containers: [
          {
            name: s.name,
            image: s.image,
            imagePullPolicy: s.imagePullPolicy,
            ports: [{ containerPort: s.containerPort }],
            env: s.env.map((e) => ({ name: e.name, value: e.value })),
            resources: { requests: { ...s.resources.requests }, limits: { ...s.resources.limits } },
          },
        ],
      },
    },
  },
});

const service = (s: SimulShopService): Record<string, unknown> => ({
  apiVersion: "v1",
  kind: "Service",
  metadata: { name: s.name, labels: { app: s.name } },
  spec: { type: s.service.type, selector: { app: s.name }, ports: [{ ...s.service.port }] },
});

const documents = (docs: Record<string, unknown>[]): string => header + docs.map((d) => yaml.dump(d, { lineWidth: 120, noRefs: true })).join("---\n");

/** deployments.yaml: the eight Deployments, in the course's order. */
export const deploymentsYaml = (): string => documents(SIMUL_SHOP_SERVICES.map(deployment));

/** services.yaml: the eight Services, in the course's order. */
export const servicesYaml = (): string =>
  documents(SERVICES_YAML_ORDER.map((name) => service(SIMUL_SHOP_SERVICES.find((s) => s.name === name)!)));

/** The chapter's architecture picture: simul-shop, payment → pegasus-pay (WorkloadEntry), the network boundary, the VM. */
export const architectureSvg = (): string => {
  const nodes: MeshNode[] = SIMUL_SHOP_SERVICES.map((s) => ({ id: s.name, label: s.name, kind: "service", group: "default", detail: `Deployment · ${s.labels.version}` }));
  nodes.push(
    { id: "svc:pegasus-pay", label: PEGASUS_PAY.name, kind: "workloadentry", group: "legacy", detail: "Service + WorkloadEntry" },
    { id: "vm:pegasus-pay", label: PEGASUS_PAY.name, kind: "vm-app", group: "vm", detail: `docker -p ${PEGASUS_PAY.docker.publish} · sidecar` },
    { id: "eastwest", label: "istio-eastwestgateway", kind: "gateway", group: "istio-system", detail: "LoadBalancer 15012 · 15443" },
    { id: "istiod", label: "istiod", kind: "control-plane", group: "istio-system", detail: "CA · xDS" },
  );
  const edges: MeshEdge[] = [];
  for (const e of callGraph()) {
    if (e.kind === "manual" || e.from === PEGASUS_PAY.name) continue;
    if (!edges.some((x) => x.from === e.from && x.to === e.to)) edges.push({ from: e.from, to: e.to, ...(e.from === e.to ? { label: e.path } : {}) });
  }
  edges.push(
    { from: "payment", to: "svc:pegasus-pay", label: "HTTP :8000", status: "ok" },
    { from: "svc:pegasus-pay", to: "vm:pegasus-pay", label: "mTLS", status: "ok" },
    { from: "vm:pegasus-pay", to: "eastwest", label: "15012 (xDS, certificados)", dashed: true },
    { from: "eastwest", to: "istiod", dashed: true },
  );
  return renderMeshSvg({
    title: "simul-shop e o pegasus-pay na VM",
    nodes,
    edges,
    groups: [
      { id: "default", label: "namespace default (simul-shop, sidecars injetados)", kind: "namespace" },
      { id: "legacy", label: `namespace ${PEGASUS_PAY.namespace}`, kind: "namespace" },
      { id: "istio-system", label: "namespace istio-system", kind: "namespace" },
      { id: "vm", label: "VM (fora do cluster)", kind: "vm" },
    ],
    boundary: "rede / firewall: 22, 8000, ICMP",
  });
};

/** Every generated file, by path relative to the project folder. */
export const generatedFiles = (): Record<string, string> => ({
  "notebooks/exemplos/simul-shop/manifests/deployments.yaml": deploymentsYaml(),
  "notebooks/exemplos/simul-shop/manifests/services.yaml": servicesYaml(),
  "media/simul-shop-vms-arch.svg": architectureSvg() + "\n",
});
