import test from "ava";
import { renderMeshSvg, type MeshPicture } from "../../../lib/display/mesh-svg.js";

const picture: MeshPicture = {
  title: "malha <teste> & VM",
  nodes: [
    { id: "a", label: "payment", kind: "service", group: "default" },
    { id: "b", label: "pegasus-pay", kind: "workloadentry", group: "legacy" },
    { id: "vm", label: "pegasus-pay", kind: "vm-app", group: "vm", status: "fail" },
    { id: "gw", label: "istio-eastwestgateway", kind: "gateway", group: "istio-system" },
  ],
  edges: [
    { from: "a", to: "b", label: "10 × 200", status: "ok" },
    { from: "b", to: "vm", label: "mTLS", status: "fail" },
    { from: "vm", to: "gw", dashed: true },
  ],
  groups: [
    { id: "default", label: "default", kind: "namespace" },
    { id: "legacy", label: "legacy", kind: "namespace" },
    { id: "istio-system", label: "istio-system", kind: "namespace" },
    { id: "vm", label: "VM", kind: "vm" },
  ],
  boundary: "firewall",
};

test("draws every node, labelled call and group, escaping text", (t) => {
  const svg = renderMeshSvg(picture);
  t.true(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"'));
  t.true(svg.endsWith("</svg>"));
  t.regex(svg, /malha &lt;teste&gt; &amp; VM/);
  for (const text of ["payment", "istio-eastwestgateway", "10 × 200", "mTLS", "firewall", "✘ pegasus-pay"]) t.true(svg.includes(text), text);
  t.is((svg.match(/<path d=/g) ?? []).length - 3, 3, "three arrows besides the three marker shapes");
  t.false(/<script|href=/.test(svg));
});

test("places callers left of callees and the VM right of the boundary", (t) => {
  const svg = renderMeshSvg(picture);
  const xOf = (label: string) => Number(new RegExp(`<rect x="(\\d+(?:\\.\\d+)?)"[^>]*/><text[^>]*>(?:✘ |✔ )?${label}<`).exec(svg)?.[1]);
  t.true(xOf("payment") < xOf("pegasus-pay"));
  const boundary = Number(/<line x1="([\d.]+)"/.exec(svg)?.[1]);
  t.true(boundary > xOf("pegasus-pay"));
});
