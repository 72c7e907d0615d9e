// The diagnosis context a session's parameters already know (addresses, names, paths, versions).
import type { RunbookParams } from "../params/schema.js";
import type { DiagnoseContext } from "./types.js";

/** Builds a DiagnoseContext from the runbook's parameters. */
export const contextFromParams = (params: Readonly<RunbookParams>): DiagnoseContext => {
  const set = (value: string | undefined): string | undefined => (value === undefined || value === "" ? undefined : value);
  const entries: Array<[keyof DiagnoseContext, string | undefined]> = [
    ["vmAddress", set(params.VM_ADDRESS)],
    ["vmPubAddress", set(params.VM_PUB_ADDRESS)],
    ["vmUser", set(params.VM_USER)],
    ["vmApp", set(params.VM_APP)],
    ["vmNamespace", set(params.VM_NAMESPACE)],
    ["serviceAccount", set(params.SERVICE_ACCOUNT)],
    ["pkeyPath", set(params.VM_PKEY_PATH)],
    ["knownHostsPath", set(params.SSH_KNOWN_HOSTS)],
    ["workDir", set(params.WORK_DIR)],
    ["istioVersion", set(params.ISTIO_VERSION)],
    ["kubeContext", set(params.KUBE_CONTEXT)],
    ["kubeconfig", set(params.KUBECONFIG)],
    ["sidecarUrl", params.ISTIO_SIDECAR_BASE_URL && params.ISTIO_VERSION ? `${params.ISTIO_SIDECAR_BASE_URL.replace(/\/$/, "")}/${params.ISTIO_VERSION}/deb/istio-sidecar.deb` : undefined],
  ];
  return Object.fromEntries(entries.filter(([, v]) => v !== undefined)) as DiagnoseContext;
};
