// A private test LAN for one test file: a bridge `ilab8t<id>` (no address in the root namespace) and network
// namespaces `ilab8-t<id>-<name>` on 198.18.(136+id).0/24, inside lab instance 8's range. Each file uses its own id, so
// files run in parallel; leftovers of a crashed run with the same id are removed first.
import { host, inNetns, type HostCommandResult } from "../../../../lab/net/ip.js";
import { listNetns, removeNetns } from "../../../../lab/net/netns.js";
import { linkExists } from "../../../../lab/net/bridge.js";

/** One namespace on the test LAN. */
export interface TestNode {
  readonly name: string;
  readonly netns: string;
  readonly ip: string;
  /** Runs argv in the namespace (as root). */
  exec(argv: readonly string[], options?: { allowFailure?: boolean; input?: string; timeoutMs?: number }): Promise<HostCommandResult>;
}

/** The LAN and its nodes. */
export class TestLan {
  private readonly nodes: TestNode[] = [];
  private constructor(
    readonly id: number,
    readonly bridge: string,
    readonly prefix: string,
  ) {}

  /** The subnet's first three octets. */
  get net(): string {
    return `198.18.${136 + this.id}`;
  }

  /** A ClusterIP-like virtual address for service `n` (198.19.(128+id).n: never on the wire). */
  vip(n: number): string {
    return `198.19.${128 + this.id}.${n}`;
  }

  /** Creates the bridge (removing leftovers of an earlier run with the same id). */
  static async create(id: number): Promise<TestLan> {
    if (!Number.isInteger(id) || id < 1 || id > 7) throw new Error("test LAN id must be 1..7");
    const lan = new TestLan(id, `ilab8t${id}`, `ilab8-t${id}-`);
    await lan.cleanup();
    await host(["ip", "link", "add", "name", lan.bridge, "type", "bridge"]);
    await host(["ip", "link", "set", lan.bridge, "up"]);
    return lan;
  }

  /** Adds namespace `name` with eth0 = 198.18.(136+id).`hostNumber`/24, lo up, an on-link default route. */
  async addNode(name: string, hostNumber: number): Promise<TestNode> {
    const netns = `${this.prefix}${name}`;
    const ip = `${this.net}.${hostNumber}`;
    const veth = `ilab8t${this.id}v${hostNumber}`;
    await host(["ip", "netns", "add", netns]);
    await inNetns(netns, ["ip", "link", "set", "lo", "up"]);
    await host(["ip", "link", "add", veth, "type", "veth", "peer", "name", `${veth}p`]);
    await host(["ip", "link", "set", `${veth}p`, "netns", netns]);
    await inNetns(netns, ["ip", "link", "set", `${veth}p`, "name", "eth0"]);
    await host(["ip", "link", "set", veth, "master", this.bridge]);
    await host(["ip", "link", "set", veth, "up"]);
    await inNetns(netns, ["ip", "addr", "add", `${ip}/24`, "dev", "eth0"]);
    await inNetns(netns, ["ip", "link", "set", "eth0", "up"]);
    await inNetns(netns, ["ip", "route", "add", "default", "dev", "eth0"]);
    const node: TestNode = { name, netns, ip, exec: (argv, options) => inNetns(netns, argv, options) };
    this.nodes.push(node);
    return node;
  }

  /** Removes this LAN's namespaces (their veths go with them) and the bridge. */
  async cleanup(): Promise<void> {
    for (const ns of await listNetns()) if (ns.startsWith(this.prefix)) await removeNetns(ns);
    if (await linkExists(this.bridge)) await host(["ip", "link", "del", this.bridge]);
  }
}
