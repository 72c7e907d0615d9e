// Services: defaults, validation, and the synchronous ClusterIP / nodePort allocation the real API server does
// at create time (from the lab plan's service range; node ports 30000-32767).
import type { KubeObject } from "../../contracts.js";
import { fieldInvalid, fieldNotSupported, fieldRequired, invalid, type StatusCause } from "../../store/errors.js";
import type { Strategy, StrategyContext } from "./types.js";

type Obj = Record<string, any>;

const ipToInt = (ip: string): number => ip.split(".").reduce((acc, o) => acc * 256 + Number(o), 0);
const intToIp = (n: number): string => [24, 16, 8, 0].map((s) => Math.floor(n / 2 ** s) % 256).join(".");

/** Parses `a.b.c.d/n` into its first and last address as integers. */
export const cidrRange = (cidr: string): { first: number; last: number } => {
  const [ip, bits] = cidr.split("/");
  const size = 2 ** (32 - Number(bits));
  const first = Math.floor(ipToInt(ip!) / size) * size;
  return { first, last: first + size - 1 };
};

/** True when `ip` is a dotted IPv4 address inside `cidr`. */
export const inCidr = (ip: string, cidr: string): boolean => {
  if (!/^\d{1,3}(\.\d{1,3}){3}$/.test(ip) || ip.split(".").some((o) => Number(o) > 255)) return false;
  const { first, last } = cidrRange(cidr);
  const n = ipToInt(ip);
  return n >= first && n <= last;
};

/** The address at `offset` in `cidr` (`cidrAddress("198.19.0.0/20", 10)` = 198.19.0.10). */
export const cidrAddress = (cidr: string, offset: number): string => intToIp(cidrRange(cidr).first + offset);

const usedServiceValues = (context: StrategyContext) => {
  const ips = new Set<string>();
  const ports = new Set<number>();
  for (const s of context.store.list({ group: "", resource: "services" }).items) {
    for (const ip of (s.spec?.clusterIPs as string[] | undefined) ?? [s.spec?.clusterIP]) if (ip && ip !== "None") ips.add(ip);
    for (const p of (s.spec?.ports as Obj[] | undefined) ?? []) if (p["nodePort"]) ports.add(p["nodePort"]);
  }
  return { ips, ports };
};

const needsNodePorts = (spec: Obj): boolean =>
  spec["type"] === "NodePort" || (spec["type"] === "LoadBalancer" && spec["allocateLoadBalancerNodePorts"] !== false);

const allocateServiceValues = (svc: KubeObject, old: KubeObject | undefined, context: StrategyContext): void => {
  const spec = svc.spec as Obj;
  const { ips, ports } = usedServiceValues(context);
  if (old) for (const ip of (old.spec?.clusterIPs as string[] | undefined) ?? []) ips.delete(ip);
  if (old) for (const p of (old.spec?.ports as Obj[] | undefined) ?? []) ports.delete(p["nodePort"]);
  const causes: StatusCause[] = [];
  if (spec["type"] !== "ExternalName") {
    const requested = spec["clusterIP"] as string | undefined;
    if (requested === "None") {
      spec["clusterIPs"] = ["None"];
    } else if (requested) {
      if (!inCidr(requested, context.serviceCidr)) {
        causes.push(fieldInvalid("spec.clusterIPs", [requested], `failed to allocate IP ${requested}: the provided IP (${requested}) is not in the valid range. The range of valid IPs is ${context.serviceCidr}`));
      } else if (ips.has(requested) && old?.spec?.clusterIP !== requested) {
        causes.push(fieldInvalid("spec.clusterIPs", [requested], `failed to allocate IP ${requested}: provided IP is already allocated`));
      }
      spec["clusterIPs"] = [requested];
    } else {
      const { first, last } = cidrRange(context.serviceCidr);
      const reserved = new Set(context.reservedServiceIps);
      let chosen: string | undefined;
      for (let n = first + 16; n < last; n++) {
        const ip = intToIp(n);
        if (!ips.has(ip) && !reserved.has(ip)) {
          chosen = ip;
          break;
        }
      }
      if (!chosen) causes.push(fieldInvalid("spec.clusterIPs", [], "failed to allocate IP: range is full"));
      else {
        spec["clusterIP"] = chosen;
        spec["clusterIPs"] = [chosen];
      }
    }
  }
  if (needsNodePorts(spec)) {
    ((spec["ports"] as Obj[] | undefined) ?? []).forEach((p, i) => {
      if (p["nodePort"]) {
        const n = p["nodePort"];
        if (n < context.nodePortRange.min || n > context.nodePortRange.max) {
          causes.push(fieldInvalid(`spec.ports[${i}].nodePort`, n, `provided port is not in the valid range. The range of valid ports is ${context.nodePortRange.min}-${context.nodePortRange.max}`));
        } else if (ports.has(n)) causes.push(fieldInvalid(`spec.ports[${i}].nodePort`, n, "provided port is already allocated"));
        ports.add(n);
        return;
      }
      for (let n = context.nodePortRange.min; n <= context.nodePortRange.max; n++) {
        if (!ports.has(n)) {
          p["nodePort"] = n;
          ports.add(n);
          return;
        }
      }
    });
  }
  if (causes.length) throw invalid({ group: "", kind: "Service" }, svc.metadata.name, causes);
};

/** The service strategy. */
export const serviceStrategy: Strategy = {
  defaults: (svc) => {
    const spec = (svc.spec ??= {}) as Obj;
    spec["type"] ??= "ClusterIP";
    if (spec["type"] === "ExternalName") return;
    spec["sessionAffinity"] ??= "None";
    spec["internalTrafficPolicy"] ??= "Cluster";
    spec["ipFamilies"] ??= ["IPv4"];
    spec["ipFamilyPolicy"] ??= "SingleStack";
    for (const p of (spec["ports"] as Obj[] | undefined) ?? []) {
      p["protocol"] ??= "TCP";
      p["targetPort"] ??= p["port"];
    }
    if (spec["type"] === "NodePort" || spec["type"] === "LoadBalancer") spec["externalTrafficPolicy"] ??= "Cluster";
    if (spec["type"] === "LoadBalancer") spec["allocateLoadBalancerNodePorts"] ??= true;
  },
  prepareForCreate: (svc) => {
    svc.status = { loadBalancer: {} };
  },
  prepareForUpdate: (svc, old) => {
    svc.status = old.status;
    const spec = svc.spec as Obj;
    // Like the apiserver: an update that leaves clusterIP empty keeps the allocated one.
    if (!spec["clusterIP"] && old.spec?.clusterIP && spec["type"] !== "ExternalName") {
      spec["clusterIP"] = old.spec.clusterIP;
      spec["clusterIPs"] = old.spec.clusterIPs;
    }
    if (needsNodePorts(spec)) {
      for (const p of (spec["ports"] as Obj[] | undefined) ?? []) {
        if (p["nodePort"]) continue;
        const prev = ((old.spec?.ports as Obj[] | undefined) ?? []).find((o) => o["port"] === p["port"] && (o["protocol"] ?? "TCP") === (p["protocol"] ?? "TCP"));
        if (prev?.["nodePort"]) p["nodePort"] = prev["nodePort"];
      }
    }
  },
  validate: (svc) => validateService(svc),
  validateUpdate: (svc, old) => {
    const causes = validateService(svc);
    const oldIp = old.spec?.clusterIP;
    if (oldIp && svc.spec?.clusterIP !== oldIp && old.spec?.type !== "ExternalName" && svc.spec?.type !== "ExternalName") {
      causes.push(fieldInvalid("spec.clusterIPs[0]", svc.spec?.clusterIP ?? "", "may not change once set"));
    }
    return causes;
  },
  allocate: (svc, old, context) => {
    if (!old || svc.spec?.clusterIP !== old.spec?.clusterIP || JSON.stringify(svc.spec?.ports) !== JSON.stringify(old.spec?.ports) || svc.spec?.type !== old.spec?.type) {
      allocateServiceValues(svc, old, context);
    }
  },
};

const validateService = (svc: KubeObject): StatusCause[] => {
  const causes: StatusCause[] = [];
  const spec = (svc.spec ?? {}) as Obj;
  const types = ["ClusterIP", "ExternalName", "LoadBalancer", "NodePort"];
  if (!types.includes(spec["type"])) causes.push(fieldNotSupported("spec.type", spec["type"], types));
  const ports = (spec["ports"] as Obj[] | undefined) ?? [];
  if (spec["type"] !== "ExternalName" && spec["clusterIP"] !== "None" && ports.length === 0) causes.push(fieldRequired("spec.ports"));
  if (spec["type"] === "ExternalName" && !spec["externalName"]) causes.push(fieldRequired("spec.externalName"));
  const names = new Set<string>();
  ports.forEach((p, i) => {
    if (ports.length > 1 && !p["name"]) causes.push(fieldRequired(`spec.ports[${i}].name`));
    if (p["name"]) {
      if (names.has(p["name"])) causes.push({ reason: "FieldValueDuplicate", field: `spec.ports[${i}].name`, message: `Duplicate value: "${p["name"]}"` });
      names.add(p["name"]);
    }
    if (!Number.isInteger(p["port"]) || p["port"] < 1 || p["port"] > 65535) causes.push(fieldInvalid(`spec.ports[${i}].port`, p["port"], "must be between 1 and 65535, inclusive"));
    if (!["TCP", "UDP", "SCTP"].includes(p["protocol"])) causes.push(fieldNotSupported(`spec.ports[${i}].protocol`, p["protocol"], ["SCTP", "TCP", "UDP"]));
  });
  return causes;
};
