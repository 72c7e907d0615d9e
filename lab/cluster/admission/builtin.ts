// Built-in admission plugins of a real API server that pods rely on: ServiceAccount (default account, existence
// check, the kube-api-access projected volume) and DefaultTolerationSeconds (not-ready/unreachable for 300 s).
import type { AdmissionPlugin } from "../contracts.js";
import { forbidden } from "../store/errors.js";
import type { ObjectStore } from "../store/object-store.js";
import { randomSuffix } from "../registry/names.js";

type Obj = Record<string, any>;

/** The ServiceAccount admission plugin. */
export const serviceAccountAdmission = (store: ObjectStore): AdmissionPlugin => ({
  name: "ServiceAccount",
  mutate: (request) => {
    if (request.operation !== "CREATE" || request.resource.resource !== "pods" || request.resource.group !== "" || request.subresource || !request.object) return;
    const pod = request.object;
    const spec = (pod.spec ??= {}) as Obj;
    const name = (spec["serviceAccountName"] as string | undefined) || (spec["serviceAccount"] as string | undefined) || "default";
    spec["serviceAccountName"] = name;
    spec["serviceAccount"] = name;
    const sa = store.get({ group: "", resource: "serviceaccounts" }, pod.metadata.namespace, name);
    if (!sa) {
      throw forbidden({ group: "", resource: "pods" }, pod.metadata.name || String(pod.metadata.generateName ?? ""), `error looking up service account ${pod.metadata.namespace}/${name}: serviceaccount "${name}" not found`);
    }
    const automount = spec["automountServiceAccountToken"] ?? sa["automountServiceAccountToken"] ?? true;
    if (!automount) return;
    const volumes = (spec["volumes"] ??= []) as Obj[];
    const mountPath = "/var/run/secrets/kubernetes.io/serviceaccount";
    const containers = [...((spec["containers"] as Obj[] | undefined) ?? []), ...((spec["initContainers"] as Obj[] | undefined) ?? [])];
    if (containers.some((c) => ((c["volumeMounts"] as Obj[] | undefined) ?? []).some((m) => m["mountPath"] === mountPath))) return;
    const volumeName = `kube-api-access-${randomSuffix(5)}`;
    volumes.push({
      name: volumeName,
      projected: {
        defaultMode: 420,
        sources: [
          { serviceAccountToken: { expirationSeconds: 3607, path: "token" } },
          { configMap: { name: "kube-root-ca.crt", items: [{ key: "ca.crt", path: "ca.crt" }] } },
          { downwardAPI: { items: [{ path: "namespace", fieldRef: { apiVersion: "v1", fieldPath: "metadata.namespace" } }] } },
        ],
      },
    });
    for (const c of containers) ((c["volumeMounts"] ??= []) as Obj[]).push({ name: volumeName, readOnly: true, mountPath });
  },
});

/** The DefaultTolerationSeconds admission plugin. */
export const defaultTolerationSecondsAdmission = (): AdmissionPlugin => ({
  name: "DefaultTolerationSeconds",
  mutate: (request) => {
    if (request.operation !== "CREATE" || request.resource.resource !== "pods" || request.resource.group !== "" || request.subresource || !request.object) return;
    const spec = (request.object.spec ??= {}) as Obj;
    const tolerations = (spec["tolerations"] ??= []) as Obj[];
    for (const key of ["node.kubernetes.io/not-ready", "node.kubernetes.io/unreachable"]) {
      if (!tolerations.some((t) => t["key"] === key || (t["operator"] === "Exists" && !t["key"]))) {
        tolerations.push({ key, operator: "Exists", effect: "NoExecute", tolerationSeconds: 300 });
      }
    }
  },
});
