import test from "ava";
import { readFileSync } from "node:fs";
import path from "node:path";
import yaml from "js-yaml";
import { deploymentsYaml, generatedFiles, servicesYaml, architectureSvg } from "../../../lib/course/manifests.js";
import { projectRoot } from "../../../lib/project.js";

test("the committed generated files are up to date (run `npm run generate` after changing the course data)", (t) => {
  for (const [rel, text] of Object.entries(generatedFiles())) {
    t.is(readFileSync(path.join(projectRoot(), rel), "utf8"), text, rel);
  }
});

test("deployments.yaml holds the eight generic-service Deployments with the course's env", (t) => {
  const docs = yaml.loadAll(deploymentsYaml()) as Array<{ kind: string; metadata: { name: string }; spec: { template: { spec: { containers: Array<{ image: string; env: Array<{ name: string; value: string }> }> } } } }>;
  t.deepEqual(docs.map((d) => d.metadata.name), ["front-end-v1", "login", "catalogue", "orders", "shipping", "cart", "payment", "accounts"]);
  t.true(docs.every((d) => d.kind === "Deployment" && d.spec.template.spec.containers[0]!.image === "kdop/generic-service:0.0.5"));
  const orders = docs.find((d) => d.metadata.name === "orders")!.spec.template.spec.containers[0]!.env;
  t.is(orders.find((e) => e.name === "SPLIT_CALL_URL_LST")!.value, "http://shipping:8000/,http://cart:8000/,http://payment:8000/,http://accounts:8000/");
});

test("services.yaml exposes each module on port 8000 named http", (t) => {
  const docs = yaml.loadAll(servicesYaml()) as Array<{ kind: string; spec: { ports: Array<{ name: string; port: number }>; selector: { app: string } } }>;
  t.is(docs.length, 8);
  t.true(docs.every((d) => d.kind === "Service" && d.spec.ports[0]!.name === "http" && d.spec.ports[0]!.port === 8000));
});

test("the architecture picture shows payment calling pegasus-pay on the VM beyond the firewall", (t) => {
  const svg = architectureSvg();
  for (const label of ["payment", "pegasus-pay", "istio-eastwestgateway", "istiod", "rede / firewall", "VM (fora do cluster)"]) t.true(svg.includes(label), label);
});
