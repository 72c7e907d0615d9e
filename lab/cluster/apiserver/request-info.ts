// Parses a request path into what the apiserver calls RequestInfo: API group, version, namespace, resource, name,
// subresource and verb (`/api/v1/namespaces/legacy/pods/x/exec` → connect pods/exec).

/** What a resource request addresses. */
export interface RequestInfo {
  isResourceRequest: true;
  group: string;
  version: string;
  namespace?: string;
  resource: string;
  name?: string;
  subresource?: string;
  verb: string;
}

/** A request that is not for a resource (discovery, /version, /healthz…). */
export interface NonResourceInfo {
  isResourceRequest: false;
  path: string;
}

const namespaceSubresources = new Set(["status", "finalize"]);

/** Parses method + path (+ whether `?watch=` is set) into a RequestInfo. */
export const requestInfo = (method: string, pathname: string, watchParam: boolean): RequestInfo | NonResourceInfo => {
  const parts = pathname.split("/").filter(Boolean).map(decodeURIComponent);
  let rest: string[];
  let group = "";
  let version: string;
  if (parts[0] === "api" && parts.length >= 3) {
    version = parts[1]!;
    rest = parts.slice(2);
  } else if (parts[0] === "apis" && parts.length >= 4) {
    group = parts[1]!;
    version = parts[2]!;
    rest = parts.slice(3);
  } else {
    return { isResourceRequest: false, path: pathname };
  }
  let legacyWatch = false;
  if (rest[0] === "watch") {
    legacyWatch = true;
    rest = rest.slice(1);
  }
  let namespace: string | undefined;
  if (rest[0] === "namespaces" && rest.length > 1) {
    namespace = rest[1];
    if (rest.length > 2 && !namespaceSubresources.has(rest[2]!)) rest = rest.slice(2);
    else namespace = undefined;
  }
  const [resource, name, subresource, ...extra] = rest;
  if (!resource || extra.length) return { isResourceRequest: false, path: pathname };
  let verb: string;
  switch (method) {
    case "GET":
    case "HEAD":
      verb = name ? (legacyWatch || (watchParam && !subresource) ? "watch" : "get") : legacyWatch || watchParam ? "watch" : "list";
      break;
    case "POST":
      verb = "create";
      break;
    case "PUT":
      verb = "update";
      break;
    case "PATCH":
      verb = "patch";
      break;
    case "DELETE":
      verb = name ? "delete" : "deletecollection";
      break;
    default:
      verb = method.toLowerCase();
  }
  if (subresource === "exec" || subresource === "attach" || subresource === "portforward" || subresource === "proxy") verb = "connect";
  return { isResourceRequest: true, group, version, namespace, resource, name, subresource, verb };
};
