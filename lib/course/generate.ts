// `npm run generate`: writes the files generated from the course data (simul-shop manifests, architecture picture).
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { projectRoot } from "../project.js";
import { generatedFiles } from "./manifests.js";

for (const [rel, text] of Object.entries(generatedFiles())) {
  const file = path.join(projectRoot(), rel);
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, text);
  console.log(`escrito ${rel}`);
}
