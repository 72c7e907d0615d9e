// The default bridge network as Docker's daemon sets it up in the VM: docker0 (172.17.0.1/16), IP forwarding, the
// nat DOCKER chain jumped from PREROUTING and OUTPUT (`-m addrtype --dst-type LOCAL`), MASQUERADE for containers'
// outbound traffic, the filter FORWARD chains; and per container a veth on docker0 plus DNAT/ACCEPT rules for each
// published port. Rules are APPENDED at daemon start, so rules appended later (Istio's ISTIO_INBOUND) come after.
import { execFileSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";

/** The default bridge's name, gateway and subnet. */
export const BRIDGE = { name: "docker0", gateway: "172.17.0.1", prefix: 16, subnet: "172.17.0.0/16" } as const;

const PATH_ENV = { PATH: "/usr/sbin:/usr/bin:/sbin:/bin" };

/** Runs a command; returns true on success (stderr swallowed when `quiet`). */
const run = (argv: string[], { check = true }: { check?: boolean } = {}): boolean => {
  try {
    execFileSync(argv[0]!, argv.slice(1), { stdio: ["ignore", "pipe", "pipe"], env: PATH_ENV });
    return true;
  } catch (error) {
    if (check) throw new Error(`${argv.join(" ")}: ${String((error as { stderr?: Buffer }).stderr ?? error).trim()}`);
    return false;
  }
};

/** Appends an iptables rule unless it is already there (`-C`). */
const ensureRule = (table: string, chain: string, spec: string[]): void => {
  if (!run(["iptables", "-t", table, "-C", chain, ...spec], { check: false })) run(["iptables", "-t", table, "-A", chain, ...spec]);
};
const ensureChain = (table: string, chain: string): void => {
  run(["iptables", "-t", table, "-N", chain], { check: false });
};
const deleteRule = (table: string, chain: string, spec: string[]): void => {
  while (run(["iptables", "-t", table, "-D", chain, ...spec], { check: false })) {
    // delete every copy
  }
};

/** What dockerd does at start for the default bridge network. Idempotent. */
export const setUpBridgeNetwork = (): void => {
  if (!run(["ip", "link", "show", "dev", BRIDGE.name], { check: false })) {
    run(["ip", "link", "add", "name", BRIDGE.name, "type", "bridge"]);
  }
  if (!execFileSync("ip", ["-o", "-4", "addr", "show", "dev", BRIDGE.name], { encoding: "utf8", env: PATH_ENV }).includes(`${BRIDGE.gateway}/`)) {
    run(["ip", "addr", "add", `${BRIDGE.gateway}/${BRIDGE.prefix}`, "dev", BRIDGE.name]);
  }
  run(["ip", "link", "set", BRIDGE.name, "up"]);
  const forwarding = readFileSync("/proc/sys/net/ipv4/ip_forward", "utf8").trim();
  if (forwarding !== "1") {
    writeFileSync("/proc/sys/net/ipv4/ip_forward", "1\n");
    // Docker sets the FORWARD policy to DROP when it had to enable forwarding itself.
    run(["iptables", "-P", "FORWARD", "DROP"]);
  }
  ensureChain("nat", "DOCKER");
  ensureRule("nat", "PREROUTING", ["-m", "addrtype", "--dst-type", "LOCAL", "-j", "DOCKER"]);
  ensureRule("nat", "OUTPUT", ["!", "-d", "127.0.0.0/8", "-m", "addrtype", "--dst-type", "LOCAL", "-j", "DOCKER"]);
  ensureRule("nat", "POSTROUTING", ["-s", BRIDGE.subnet, "!", "-o", BRIDGE.name, "-j", "MASQUERADE"]);
  ensureRule("nat", "DOCKER", ["-i", BRIDGE.name, "-j", "RETURN"]);
  for (const chain of ["DOCKER", "DOCKER-ISOLATION-STAGE-1", "DOCKER-ISOLATION-STAGE-2", "DOCKER-USER"]) ensureChain("filter", chain);
  ensureRule("filter", "FORWARD", ["-j", "DOCKER-USER"]);
  ensureRule("filter", "FORWARD", ["-j", "DOCKER-ISOLATION-STAGE-1"]);
  ensureRule("filter", "FORWARD", ["-o", BRIDGE.name, "-m", "conntrack", "--ctstate", "RELATED,ESTABLISHED", "-j", "ACCEPT"]);
  ensureRule("filter", "FORWARD", ["-o", BRIDGE.name, "-j", "DOCKER"]);
  ensureRule("filter", "FORWARD", ["-i", BRIDGE.name, "!", "-o", BRIDGE.name, "-j", "ACCEPT"]);
  ensureRule("filter", "FORWARD", ["-i", BRIDGE.name, "-o", BRIDGE.name, "-j", "ACCEPT"]);
  ensureRule("filter", "DOCKER-ISOLATION-STAGE-1", ["-i", BRIDGE.name, "!", "-o", BRIDGE.name, "-j", "DOCKER-ISOLATION-STAGE-2"]);
  ensureRule("filter", "DOCKER-ISOLATION-STAGE-1", ["-j", "RETURN"]);
  ensureRule("filter", "DOCKER-ISOLATION-STAGE-2", ["-o", BRIDGE.name, "-j", "DROP"]);
  ensureRule("filter", "DOCKER-ISOLATION-STAGE-2", ["-j", "RETURN"]);
  ensureRule("filter", "DOCKER-USER", ["-j", "RETURN"]);
};

/** A published port (`-p 8000:8000`). */
export interface PortMapping {
  hostIp: string;
  hostPort: number;
  containerPort: number;
  protocol: "tcp" | "udp";
}

const portRules = (ip: string, p: PortMapping): Array<[string, string, string[]]> => {
  const dst = p.hostIp && p.hostIp !== "0.0.0.0" ? ["-d", `${p.hostIp}/32`] : [];
  return [
    ["nat", "POSTROUTING", ["-s", `${ip}/32`, "-d", `${ip}/32`, "-p", p.protocol, "-m", p.protocol, "--dport", String(p.containerPort), "-j", "MASQUERADE"]],
    ["nat", "DOCKER", [...dst, "!", "-i", BRIDGE.name, "-p", p.protocol, "-m", p.protocol, "--dport", String(p.hostPort), "-j", "DNAT", "--to-destination", `${ip}:${p.containerPort}`]],
    ["filter", "DOCKER", ["-d", `${ip}/32`, "!", "-i", BRIDGE.name, "-o", BRIDGE.name, "-p", p.protocol, "-m", p.protocol, "--dport", String(p.containerPort), "-j", "ACCEPT"]],
  ];
};

/** Adds the DNAT/MASQUERADE/ACCEPT rules of a published port. */
export const publishPort = (ip: string, mapping: PortMapping): void => {
  for (const [table, chain, spec] of portRules(ip, mapping)) ensureRule(table, chain, spec);
};

/** Removes them. */
export const unpublishPort = (ip: string, mapping: PortMapping): void => {
  for (const [table, chain, spec] of portRules(ip, mapping)) deleteRule(table, chain, spec);
};

/** The MAC Docker derives from a container's address (02:42 + the IPv4 bytes). */
export const macFor = (ip: string): string => `02:42:${ip.split(".").map((o) => Number(o).toString(16).padStart(2, "0")).join(":")}`;

/** Connects the network namespace of process `pid` to docker0 as eth0 with `ip`; returns the host-side veth name. */
export const attachContainer = (pid: number, ip: string, vethName: string): void => {
  run(["ip", "link", "add", vethName, "type", "veth", "peer", "name", "eth0", "netns", String(pid)]);
  run(["ip", "link", "set", vethName, "master", BRIDGE.name]);
  run(["ip", "link", "set", vethName, "up"]);
  const inside = (argv: string[]) => run(["nsenter", `--target=${pid}`, "--net", "--", ...argv]);
  inside(["ip", "link", "set", "lo", "up"]);
  inside(["ip", "link", "set", "eth0", "address", macFor(ip)]);
  inside(["ip", "addr", "add", `${ip}/${BRIDGE.prefix}`, "dev", "eth0"]);
  inside(["ip", "link", "set", "eth0", "up"]);
  inside(["ip", "route", "add", "default", "via", BRIDGE.gateway]);
};

/** Removes a container's veth (idempotent). */
export const detachContainer = (vethName: string): void => {
  run(["ip", "link", "del", vethName], { check: false });
};
