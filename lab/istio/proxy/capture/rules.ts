// Traffic capture rules as istio-iptables builds them, per release: the ordered IPv4 rule list, its iptables-restore
// text and its argv form. Rule order and text follow tools/istio-iptables (cmd/run.go at 1.8.1, capture/run.go at
// 1.20.0 for 1.9–1.24, capture/run.go at 1.30.0 for 1.25+); REDIRECT interception only (no TPROXY), IPv4 only.
import type { DataPlaneProfile } from "../release.js";

/** The four netfilter tables istio-iptables touches. */
export type CaptureTable = "nat" | "mangle" | "raw" | "filter";

/** One rule: table, the chain it lives in, and its iptables parameters (starting with -A/-I CHAIN). */
export interface CaptureRule {
  readonly table: CaptureTable;
  readonly chain: string;
  readonly params: readonly string[];
}

/** Built-in chains (never created or deleted) and targets. */
const BUILT_IN = new Set(["INPUT", "OUTPUT", "FORWARD", "PREROUTING", "POSTROUTING", "ACCEPT", "DROP", "RETURN", "REDIRECT", "DNAT", "SNAT", "CT", "MARK", "TPROXY"]);

/** Istio's chain names. */
export const ISTIO_CHAINS = {
  inbound: "ISTIO_INBOUND",
  inRedirect: "ISTIO_IN_REDIRECT",
  output: "ISTIO_OUTPUT",
  redirect: "ISTIO_REDIRECT",
  outputDns: "ISTIO_OUTPUT_DNS",
  divert: "ISTIO_DIVERT",
  tproxy: "ISTIO_TPROXY",
  drop: "ISTIO_DROP",
} as const;

/** Inputs of istio-iptables, named after its environment variables and flags. */
export interface CaptureOptions {
  /** UID(s) whose traffic is never captured: 1337 in pods, the istio-proxy user's uid on a VM (-u, comma list). */
  proxyUid: string;
  /** GID(s); istio-iptables defaults them to the UID value (-g). */
  proxyGid?: string;
  /** ISTIO_INBOUND_PORTS (-b): "*", a comma list, or "" for no inbound capture. */
  inboundPorts: string;
  /** ISTIO_LOCAL_EXCLUDE_PORTS (-d): inbound ports not captured when inboundPorts is "*". */
  localExcludePorts?: string;
  /** ISTIO_SERVICE_CIDR (-i): outbound ranges captured ("*" = all). */
  outboundIpRangesInclude?: string;
  /** ISTIO_SERVICE_EXCLUDE_CIDR (-x). */
  outboundIpRangesExclude?: string;
  /** ISTIO_OUTBOUND_PORTS (-q). */
  outboundPortsInclude?: string;
  /** ISTIO_LOCAL_OUTBOUND_PORTS_EXCLUDE (-o). */
  outboundPortsExclude?: string;
  /** ISTIO_META_DNS_CAPTURE / REDIRECT_DNS. */
  redirectDns?: boolean;
  /** CAPTURE_ALL_DNS (1.9+): capture port 53 to any server instead of the resolv.conf servers. */
  captureAllDns?: boolean;
  /** IPv4 nameservers of /etc/resolv.conf (1.9+ capture only these). */
  dnsServers?: readonly string[];
  /** ENVOY_PORT (-p), default 15001. */
  proxyPort?: number;
  /** INBOUND_CAPTURE_PORT (-z), default 15006. */
  inboundCapturePort?: number;
  /** INBOUND_TUNNEL_PORT (-e), default 15008. */
  inboundTunnelPort?: number;
}

/** Port of the agent's DNS proxy (constants.IstioAgentDNSListenerPort). */
export const AGENT_DNS_PORT = "15053";

const split = (s: string | undefined): string[] => (s ? s.split(",").map((p) => p.trim()).filter(Boolean) : []);

/** A parsed ISTIO_SERVICE_CIDR-like value. */
interface NetworkRange {
  wildcard: boolean;
  cidrs: string[];
  hasLoopback: boolean;
}

/** Splits a CIDR list like istio-iptables' separateV4V6 (IPv4 only; a bare address becomes /32 is NOT done: invalid
 * entries are ignored "for bug compatibility", as upstream does). */
const parseRanges = (value: string | undefined): NetworkRange => {
  if (value === "*") return { wildcard: true, cidrs: [], hasLoopback: false };
  const cidrs = split(value).filter((c) => /^\d{1,3}(\.\d{1,3}){3}\/\d{1,2}$/.test(c));
  return { wildcard: false, cidrs, hasLoopback: cidrs.some((c) => c.startsWith("127.")) };
};

class RuleList {
  readonly rules: CaptureRule[] = [];
  append(chain: string, table: CaptureTable, ...spec: string[]): void {
    this.rules.push({ table, chain, params: ["-A", chain, ...spec] });
  }
}

/** Builds the IPv4 rules istio-iptables would install for `profile` and `options`, in upstream order. */
export const buildCaptureRules = (profile: DataPlaneProfile, options: CaptureOptions): CaptureRule[] => {
  switch (profile.captureGeneration) {
    case "1.8":
      return rules18(options);
    case "1.9":
      return rules19(profile, options);
    case "1.25":
      return rules125(options);
  }
};

const ports = (o: CaptureOptions) => ({
  proxy: String(o.proxyPort ?? 15001),
  inbound: String(o.inboundCapturePort ?? 15006),
  tunnel: String(o.inboundTunnelPort ?? 15008),
});

const uids = (o: CaptureOptions) => split(o.proxyUid);
const gids = (o: CaptureOptions) => split(o.proxyGid ?? o.proxyUid);

/** Inbound capture (handleInboundPortsInclude, REDIRECT mode). */
const inboundRules = (r: RuleList, o: CaptureOptions, sshReturn: boolean): void => {
  if (o.inboundPorts === "") return;
  r.append("PREROUTING", "nat", "-p", "tcp", "-j", ISTIO_CHAINS.inbound);
  if (o.inboundPorts === "*") {
    if (sshReturn) r.append(ISTIO_CHAINS.inbound, "nat", "-p", "tcp", "--dport", "22", "-j", "RETURN");
    for (const port of split(o.localExcludePorts)) r.append(ISTIO_CHAINS.inbound, "nat", "-p", "tcp", "--dport", port, "-j", "RETURN");
    r.append(ISTIO_CHAINS.inbound, "nat", "-p", "tcp", "-j", ISTIO_CHAINS.inRedirect);
  } else {
    for (const port of split(o.inboundPorts)) r.append(ISTIO_CHAINS.inbound, "nat", "-p", "tcp", "--dport", port, "-j", ISTIO_CHAINS.inRedirect);
  }
};

/** 1.8.x: tools/istio-iptables/pkg/cmd/run.go at 1.8.1. */
const rules18 = (o: CaptureOptions): CaptureRule[] => {
  const r = new RuleList();
  const p = ports(o);
  const include = parseRanges(o.outboundIpRangesInclude);
  const exclude = parseRanges(o.outboundIpRangesExclude);
  r.append(ISTIO_CHAINS.inbound, "nat", "-p", "tcp", "--dport", p.tunnel, "-j", "RETURN");
  if (o.redirectDns) r.append(ISTIO_CHAINS.redirect, "nat", "-p", "tcp", "--dport", "53", "-j", "REDIRECT", "--to-ports", AGENT_DNS_PORT);
  r.append(ISTIO_CHAINS.redirect, "nat", "-p", "tcp", "-j", "REDIRECT", "--to-ports", p.proxy);
  r.append(ISTIO_CHAINS.inRedirect, "nat", "-p", "tcp", "-j", "REDIRECT", "--to-ports", p.inbound);
  inboundRules(r, o, true);
  r.append("OUTPUT", "nat", "-p", "tcp", "-j", ISTIO_CHAINS.output);
  for (const port of split(o.outboundPortsExclude)) r.append(ISTIO_CHAINS.output, "nat", "-p", "tcp", "--dport", port, "-j", "RETURN");
  r.append(ISTIO_CHAINS.output, "nat", "-o", "lo", "-s", "127.0.0.6/32", "-j", "RETURN");
  for (const [flag, ids] of [["--uid-owner", uids(o)], ["--gid-owner", gids(o)]] as const) {
    for (const id of ids) {
      r.append(ISTIO_CHAINS.output, "nat", "-o", "lo", "!", "-d", "127.0.0.1/32", "-m", "owner", flag, id, "-j", ISTIO_CHAINS.inRedirect);
      if (!include.hasLoopback) r.append(ISTIO_CHAINS.output, "nat", "-o", "lo", "-m", "owner", "!", flag, id, "-j", "RETURN");
      r.append(ISTIO_CHAINS.output, "nat", "-m", "owner", flag, id, "-j", "RETURN");
    }
  }
  r.append(ISTIO_CHAINS.output, "nat", "-d", "127.0.0.1/32", "-j", "RETURN");
  for (const cidr of exclude.cidrs) r.append(ISTIO_CHAINS.output, "nat", "-d", cidr, "-j", "RETURN");
  for (const port of split(o.outboundPortsInclude)) r.append(ISTIO_CHAINS.output, "nat", "-p", "tcp", "--dport", port, "-j", ISTIO_CHAINS.redirect);
  if (include.wildcard) {
    r.append(ISTIO_CHAINS.output, "nat", "-j", ISTIO_CHAINS.redirect);
  } else if (include.cidrs.length > 0) {
    for (const cidr of include.cidrs) r.append(ISTIO_CHAINS.output, "nat", "-d", cidr, "-j", ISTIO_CHAINS.redirect);
    r.append(ISTIO_CHAINS.output, "nat", "-j", "RETURN");
  }
  if (o.redirectDns) {
    for (const id of uids(o)) r.append("OUTPUT", "nat", "-p", "udp", "--dport", "53", "-m", "owner", "--uid-owner", id, "-j", "RETURN");
    for (const id of gids(o)) r.append("OUTPUT", "nat", "-p", "udp", "--dport", "53", "-m", "owner", "--gid-owner", id, "-j", "RETURN");
    // Every other DNS query on udp/53, whatever its destination, goes to the agent (the 1.8 loop with local resolvers).
    r.append("OUTPUT", "nat", "-p", "udp", "--dport", "53", "-j", "DNAT", "--to-destination", `127.0.0.1:${AGENT_DNS_PORT}`);
    r.append("POSTROUTING", "nat", "-p", "udp", "--dport", AGENT_DNS_PORT, "-j", "SNAT", "--to-source", "127.0.0.1");
  }
  return r.rules;
};

/** The proxy-uid/gid part of ISTIO_OUTPUT shared by 1.9+ layouts. */
const ownerRules = (r: RuleList, o: CaptureOptions, include: NetworkRange, dns: boolean, excludeTunnel: boolean, tunnel: string): void => {
  for (const id of uids(o)) {
    if (!excludeTunnel) {
      r.append(ISTIO_CHAINS.output, "nat", "-o", "lo", "!", "-d", "127.0.0.1/32", "-m", "owner", "--uid-owner", id, "-j", ISTIO_CHAINS.inRedirect);
    } else if (dns) {
      r.append(ISTIO_CHAINS.output, "nat", "-o", "lo", "!", "-d", "127.0.0.1/32", "-p", "tcp", "-m", "multiport", "!", "--dports", `53,${tunnel}`, "-m", "owner", "--uid-owner", id, "-j", ISTIO_CHAINS.inRedirect);
    } else {
      r.append(ISTIO_CHAINS.output, "nat", "-o", "lo", "!", "-d", "127.0.0.1/32", "-p", "tcp", "!", "--dport", tunnel, "-m", "owner", "--uid-owner", id, "-j", ISTIO_CHAINS.inRedirect);
    }
    if (!include.hasLoopback) {
      if (dns) r.append(ISTIO_CHAINS.output, "nat", "-o", "lo", "-p", "tcp", "!", "--dport", "53", "-m", "owner", "!", "--uid-owner", id, "-j", "RETURN");
      else r.append(ISTIO_CHAINS.output, "nat", "-o", "lo", "-m", "owner", "!", "--uid-owner", id, "-j", "RETURN");
    }
    r.append(ISTIO_CHAINS.output, "nat", "-m", "owner", "--uid-owner", id, "-j", "RETURN");
  }
  for (const id of gids(o)) {
    if (!excludeTunnel) {
      r.append(ISTIO_CHAINS.output, "nat", "-o", "lo", "!", "-d", "127.0.0.1/32", "-m", "owner", "--gid-owner", id, "-j", ISTIO_CHAINS.inRedirect);
    } else {
      r.append(ISTIO_CHAINS.output, "nat", "-o", "lo", "!", "-d", "127.0.0.1/32", "-p", "tcp", "!", "--dport", tunnel, "-m", "owner", "--gid-owner", id, "-j", ISTIO_CHAINS.inRedirect);
    }
    if (!include.hasLoopback) {
      if (dns) r.append(ISTIO_CHAINS.output, "nat", "-o", "lo", "-p", "tcp", "!", "--dport", "53", "-m", "owner", "!", "--gid-owner", id, "-j", "RETURN");
      else r.append(ISTIO_CHAINS.output, "nat", "-o", "lo", "-m", "owner", "!", "--gid-owner", id, "-j", "RETURN");
    }
    r.append(ISTIO_CHAINS.output, "nat", "-m", "owner", "--gid-owner", id, "-j", "RETURN");
  }
};

const outboundTail = (r: RuleList, o: CaptureOptions, include: NetworkRange, exclude: NetworkRange): void => {
  r.append(ISTIO_CHAINS.output, "nat", "-d", "127.0.0.1/32", "-j", "RETURN");
  for (const cidr of exclude.cidrs) r.append(ISTIO_CHAINS.output, "nat", "-d", cidr, "-j", "RETURN");
  for (const port of split(o.outboundPortsInclude)) r.append(ISTIO_CHAINS.output, "nat", "-p", "tcp", "--dport", port, "-j", ISTIO_CHAINS.redirect);
  if (include.wildcard) r.append(ISTIO_CHAINS.output, "nat", "-j", ISTIO_CHAINS.redirect);
  else for (const cidr of include.cidrs) r.append(ISTIO_CHAINS.output, "nat", "-d", cidr, "-j", ISTIO_CHAINS.redirect);
};

const dnsActive = (o: CaptureOptions): boolean => Boolean(o.redirectDns) && (Boolean(o.captureAllDns) || (o.dnsServers ?? []).length > 0);

/** 1.9–1.24: capture/run.go at 1.20.0 (DNS to resolv.conf servers, UDP in nat OUTPUT, conntrack zones from 1.10). */
const rules19 = (profile: DataPlaneProfile, o: CaptureOptions): CaptureRule[] => {
  const r = new RuleList();
  const p = ports(o);
  const include = parseRanges(o.outboundIpRangesInclude);
  const exclude = parseRanges(o.outboundIpRangesExclude);
  const dns = dnsActive(o);
  const servers = o.dnsServers ?? [];
  r.append(ISTIO_CHAINS.inbound, "nat", "-p", "tcp", "--dport", p.tunnel, "-j", "RETURN");
  r.append(ISTIO_CHAINS.redirect, "nat", "-p", "tcp", "-j", "REDIRECT", "--to-ports", p.proxy);
  r.append(ISTIO_CHAINS.inRedirect, "nat", "-p", "tcp", "-j", "REDIRECT", "--to-ports", p.inbound);
  inboundRules(r, o, profile.inboundSshReturn);
  r.append("OUTPUT", "nat", "-p", "tcp", "-j", ISTIO_CHAINS.output);
  for (const port of split(o.outboundPortsExclude)) r.append(ISTIO_CHAINS.output, "nat", "-p", "tcp", "--dport", port, "-j", "RETURN");
  r.append(ISTIO_CHAINS.output, "nat", "-o", "lo", "-s", "127.0.0.6/32", "-j", "RETURN");
  ownerRules(r, o, include, dns, profile.loopbackRedirectExcludesTunnelPort, p.tunnel);
  if (dns) {
    if (o.captureAllDns) r.append(ISTIO_CHAINS.output, "nat", "-p", "tcp", "--dport", "53", "-j", "REDIRECT", "--to-ports", AGENT_DNS_PORT);
    else for (const s of servers) r.append(ISTIO_CHAINS.output, "nat", "-p", "tcp", "--dport", "53", "-d", `${s}/32`, "-j", "REDIRECT", "--to-ports", AGENT_DNS_PORT);
  }
  outboundTail(r, o, include, exclude);
  if (dns) {
    for (const id of uids(o)) r.append("OUTPUT", "nat", "-p", "udp", "--dport", "53", "-m", "owner", "--uid-owner", id, "-j", "RETURN");
    for (const id of gids(o)) r.append("OUTPUT", "nat", "-p", "udp", "--dport", "53", "-m", "owner", "--gid-owner", id, "-j", "RETURN");
    if (o.captureAllDns) r.append("OUTPUT", "nat", "-p", "udp", "--dport", "53", "-j", "REDIRECT", "--to-port", AGENT_DNS_PORT);
    else for (const s of servers) r.append("OUTPUT", "nat", "-p", "udp", "--dport", "53", "-d", `${s}/32`, "-j", "REDIRECT", "--to-port", AGENT_DNS_PORT);
    if (profile.dnsConntrackZones) {
      for (const id of uids(o)) {
        r.append("OUTPUT", "raw", "-p", "udp", "--dport", "53", "-m", "owner", "--uid-owner", id, "-j", "CT", "--zone", "1");
        r.append("OUTPUT", "raw", "-p", "udp", "--sport", AGENT_DNS_PORT, "-m", "owner", "--uid-owner", id, "-j", "CT", "--zone", "2");
      }
      for (const id of gids(o)) {
        r.append("OUTPUT", "raw", "-p", "udp", "--dport", "53", "-m", "owner", "--gid-owner", id, "-j", "CT", "--zone", "1");
        r.append("OUTPUT", "raw", "-p", "udp", "--sport", AGENT_DNS_PORT, "-m", "owner", "--gid-owner", id, "-j", "CT", "--zone", "2");
      }
      if (o.captureAllDns) {
        r.append("OUTPUT", "raw", "-p", "udp", "--dport", "53", "-j", "CT", "--zone", "2");
        r.append("PREROUTING", "raw", "-p", "udp", "--sport", "53", "-j", "CT", "--zone", "1");
      } else {
        for (const s of servers) {
          r.append("OUTPUT", "raw", "-p", "udp", "--dport", "53", "-d", `${s}/32`, "-j", "CT", "--zone", "2");
          r.append("PREROUTING", "raw", "-p", "udp", "--sport", "53", "-s", `${s}/32`, "-j", "CT", "--zone", "1");
        }
      }
    }
  }
  return r.rules;
};

/** 1.25+: capture/run.go at 1.30.0 (ISTIO_OUTPUT_DNS chains in nat and raw). */
const rules125 = (o: CaptureOptions): CaptureRule[] => {
  const r = new RuleList();
  const p = ports(o);
  const include = parseRanges(o.outboundIpRangesInclude);
  const exclude = parseRanges(o.outboundIpRangesExclude);
  const dns = dnsActive(o);
  const servers = o.dnsServers ?? [];
  r.append(ISTIO_CHAINS.inbound, "nat", "-p", "tcp", "--dport", p.tunnel, "-j", "RETURN");
  r.append(ISTIO_CHAINS.redirect, "nat", "-p", "tcp", "-j", "REDIRECT", "--to-ports", p.proxy);
  r.append(ISTIO_CHAINS.inRedirect, "nat", "-p", "tcp", "-j", "REDIRECT", "--to-ports", p.inbound);
  inboundRules(r, o, false);
  r.append("OUTPUT", "nat", "-j", ISTIO_CHAINS.output);
  for (const port of split(o.outboundPortsExclude)) {
    r.append(ISTIO_CHAINS.output, "nat", "-p", "tcp", "--dport", port, "-j", "RETURN");
    r.append(ISTIO_CHAINS.output, "nat", "-p", "udp", "--dport", port, "-j", "RETURN");
  }
  r.append(ISTIO_CHAINS.output, "nat", "-o", "lo", "-s", "127.0.0.6/32", "-j", "RETURN");
  ownerRules(r, o, include, dns, true, p.tunnel);
  if (dns) {
    const d = ISTIO_CHAINS.outputDns;
    r.append("OUTPUT", "raw", "-j", d);
    r.append(ISTIO_CHAINS.output, "nat", "-j", d);
    if (o.captureAllDns) {
      r.append(d, "nat", "-p", "tcp", "--dport", "53", "-j", "REDIRECT", "--to-ports", AGENT_DNS_PORT);
      r.append(d, "nat", "-p", "udp", "--dport", "53", "-j", "REDIRECT", "--to-port", AGENT_DNS_PORT);
    } else {
      for (const s of servers) r.append(d, "nat", "-p", "tcp", "--dport", "53", "-d", `${s}/32`, "-j", "REDIRECT", "--to-ports", AGENT_DNS_PORT);
      for (const s of servers) r.append(d, "nat", "-p", "udp", "--dport", "53", "-d", `${s}/32`, "-j", "REDIRECT", "--to-port", AGENT_DNS_PORT);
    }
    for (const [flag, ids] of [["--uid-owner", uids(o)], ["--gid-owner", gids(o)]] as const) {
      for (const id of ids) {
        r.append(d, "raw", "-p", "udp", "--dport", "53", "-m", "owner", flag, id, "-j", "CT", "--zone", "1");
        r.append(d, "raw", "-p", "udp", "--sport", AGENT_DNS_PORT, "-m", "owner", flag, id, "-j", "CT", "--zone", "2");
      }
    }
    r.append("PREROUTING", "raw", "-j", ISTIO_CHAINS.inbound);
    if (o.captureAllDns) {
      r.append(d, "raw", "-p", "udp", "--dport", "53", "-j", "CT", "--zone", "2");
      r.append(ISTIO_CHAINS.inbound, "raw", "-p", "udp", "--sport", "53", "-j", "CT", "--zone", "1");
    } else {
      for (const s of servers) {
        r.append(d, "raw", "-p", "udp", "--dport", "53", "-d", `${s}/32`, "-j", "CT", "--zone", "2");
        r.append(ISTIO_CHAINS.inbound, "raw", "-p", "udp", "--sport", "53", "-s", `${s}/32`, "-j", "CT", "--zone", "1");
      }
    }
  }
  outboundTail(r, o, include, exclude);
  return r.rules;
};

const isBuiltIn = (chain: string) => BUILT_IN.has(chain);

/** Custom chains of a rule list, per table, in the order istio-iptables declares them (chains with rules first, then
 * chains only jumped to). */
export const customChains = (rules: readonly CaptureRule[]): { table: CaptureTable; chain: string }[] => {
  const seen = new Set<string>();
  const out: { table: CaptureTable; chain: string }[] = [];
  const add = (table: CaptureTable, chain: string) => {
    const key = `${table}:${chain}`;
    if (isBuiltIn(chain) || seen.has(key)) return;
    seen.add(key);
    out.push({ table, chain });
  };
  for (const r of rules) add(r.table, r.chain);
  for (const r of rules) {
    const j = r.params.indexOf("-j");
    if (j >= 0 && j === r.params.length - 2) add(r.table, r.params[j + 1]!);
  }
  return out;
};

const TABLE_ORDER: CaptureTable[] = ["filter", "mangle", "nat", "raw"];

/** The iptables-restore input istio-iptables feeds to `iptables-restore --noflush` (tables sorted, chains declared with -N). */
export const restoreText = (rules: readonly CaptureRule[]): string => {
  const chains = customChains(rules);
  let out = "";
  for (const table of TABLE_ORDER) {
    const tableRules = rules.filter((r) => r.table === table);
    const tableChains = chains.filter((c) => c.table === table);
    if (tableRules.length === 0 && tableChains.length === 0) continue;
    out += `* ${table}\n`;
    for (const c of tableChains) out += `-N ${c.chain}\n`;
    for (const r of tableRules) out += `${r.params.join(" ")}\n`;
    out += "COMMIT\n";
  }
  return out;
};

/** The same rules as `iptables` argv lists (chain creation first, then each rule), for display or step-by-step use. */
export const iptablesArgv = (rules: readonly CaptureRule[]): string[][] => [
  ...customChains(rules).map((c) => ["iptables", "-t", c.table, "-N", c.chain]),
  ...rules.map((r) => ["iptables", "-t", r.table, ...r.params]),
];

/** `pilot-agent istio-clean-iptables` at 1.8.1: removes the jumps and chains it knows, ignoring errors — and leaves the
 * DNS rules of OUTPUT/POSTROUTING in place (they pile up across restarts). */
export const cleanArgv18 = (): string[][] => {
  const out: string[][] = [];
  for (const cmd of ["iptables", "ip6tables"]) {
    for (const table of ["nat", "mangle"]) out.push([cmd, "-t", table, "-D", "PREROUTING", "-p", "tcp", "-j", ISTIO_CHAINS.inbound]);
    out.push([cmd, "-t", "nat", "-D", "OUTPUT", "-p", "tcp", "-j", ISTIO_CHAINS.output]);
    const flush = (table: string, chains: string[]) => {
      for (const chain of chains) out.push([cmd, "-t", table, "-F", chain], [cmd, "-t", table, "-X", chain]);
    };
    flush("nat", [ISTIO_CHAINS.output, ISTIO_CHAINS.inbound]);
    flush("mangle", [ISTIO_CHAINS.inbound, ISTIO_CHAINS.divert, ISTIO_CHAINS.tproxy]);
    flush("nat", [ISTIO_CHAINS.redirect, ISTIO_CHAINS.inRedirect]);
  }
  return out;
};

/** `istio-iptables --cleanup-only` (1.9+): deletes every rule the configuration added to built-in chains, then flushes
 * and deletes its chains (upstream undoes rules in reverse order; errors are ignored either way). */
export const cleanupOnlyArgv = (rules: readonly CaptureRule[]): string[][] => {
  const out: string[][] = [];
  for (const r of [...rules].reverse()) {
    if (!isBuiltIn(r.chain)) continue;
    out.push(["iptables", "-t", r.table, "-D", ...r.params.slice(1)]);
  }
  const chains = customChains(rules);
  for (const c of chains) out.push(["iptables", "-t", c.table, "-F", c.chain]);
  for (const c of chains) out.push(["iptables", "-t", c.table, "-X", c.chain]);
  return out;
};

/** The clean-up commands the release's start script runs before installing rules (and, 1.10+, on stop). */
export const cleanupArgv = (profile: DataPlaneProfile, rules: readonly CaptureRule[]): string[][] =>
  profile.cleanupCommand === "istio-clean-iptables" ? cleanArgv18() : cleanupOnlyArgv(rules);
