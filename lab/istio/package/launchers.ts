// /usr/local/bin/pilot-agent and /usr/local/bin/envoy of the lab's package. A real package installs Istio's Go binary
// and Envoy there; the lab installs small launchers that run the lab's programs on the VM's Node.js runtime
// (/opt/lab/bin/node, bind-mounted read-only by the VM's boot: the lab VM's "hardware", not part of its disk). The
// programs themselves ship in the package under LAB_PROGRAM_DIR, so `dpkg -r` takes them away with the launchers.
import type { SidecarPackageFacts } from "./facts.js";

/** Where the package puts the bundled programs on the VM. */
export const LAB_PROGRAM_DIR = "/usr/local/lib/istio-lab";

/** The VM's Node.js runtime (lab/vm/stage0.sh mounts it). */
export const VM_NODE = "/opt/lab/bin/node";

/** The capture step's bundle (lab/istio/package/guest/istio-iptables.ts). */
export const IPTABLES_BUNDLE = "istio-iptables.mjs";

/** How the launchers start the agent and the proxy: bundle file names under LAB_PROGRAM_DIR and fixed arguments. */
export interface LauncherTargets {
  /** `pilot-agent <args>` runs `node <dir>/<agent> <agentArgs…> <args>`. */
  agent: string;
  agentArgs?: readonly string[];
  /** `envoy <args>` runs `node <dir>/<envoy> <envoyArgs…> <args>`. */
  envoy: string;
  envoyArgs?: readonly string[];
  /** Extra environment both get (NAME → value). */
  env?: Readonly<Record<string, string>>;
}

/** Quotes a word for sh. */
const shq = (word: string): string => (/^[A-Za-z0-9_./:=@%+-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`);

const header = (name: string, f: SidecarPackageFacts): string[] => [
  "#!/bin/sh",
  `# ${name} of Istio ${f.version}, as installed by the offline lab's istio-sidecar package. A real package ships the`,
  "# release's binary here; the lab runs its stand-in on the VM's Node.js runtime at /opt/lab/bin/node (the lab VM's",
  `# "hardware", see lab/README.md, \"Istio: the VM sidecar package\"). The program lives in ${LAB_PROGRAM_DIR}.`,
];

const exports = (f: SidecarPackageFacts, t: LauncherTargets): string[] =>
  Object.entries({ LAB_ISTIO_VERSION: f.version, ...(t.env ?? {}) }).map(([k, v]) => `${k}=${shq(v)}; export ${k}`);

/** /usr/local/bin/pilot-agent: `istio-iptables`/`istio-clean-iptables` run the capture step, everything else the agent. */
export const pilotAgentLauncher = (f: SidecarPackageFacts, t: LauncherTargets): string =>
  [
    ...header("pilot-agent", f),
    ...exports(f, t),
    'case "${1-}" in',
    `  istio-iptables|istio-clean-iptables) exec ${VM_NODE} ${LAB_PROGRAM_DIR}/${IPTABLES_BUNDLE} "$@" ;;`,
    "esac",
    `exec ${VM_NODE} ${[`${LAB_PROGRAM_DIR}/${t.agent}`, ...(t.agentArgs ?? [])].map(shq).join(" ")} "$@"`,
    "",
  ].join("\n");

/** /usr/local/bin/envoy: the lab's data plane (lab/istio/proxy). */
export const envoyLauncher = (f: SidecarPackageFacts, t: LauncherTargets): string =>
  [...header("envoy", f), ...exports(f, t), `exec ${VM_NODE} ${[`${LAB_PROGRAM_DIR}/${t.envoy}`, ...(t.envoyArgs ?? [])].map(shq).join(" ")} "$@"`, ""].join("\n");
