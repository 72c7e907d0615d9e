// The systemd-resolved stand-in the dns-capture-breaks-external fault installs on the VM (bundled to
// /usr/lib/systemd/systemd-resolved.mjs): a local stub on 127.0.0.53:53 (UDP and TCP) that forwards every question to
// the uplink DNS the network gave the VM (the lab's "DHCP lease", /opt/lab/boot/config.json), and writes
// /run/systemd/resolve/stub-resolv.conf (nameserver 127.0.0.53) and /run/systemd/resolve/resolv.conf (the uplink) as
// systemd-resolved does on an Ubuntu cloud VM. Like resolved, a question already being resolved joins that
// transaction instead of starting another; when the uplink does not answer the client gets SERVFAIL.
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { startDnsServer } from "../../../cluster/dns/server.js";
import { forwardQuery } from "../../../cluster/dns/forward.js";
import { decodeMessage, encodeMessage, Rcode, responseTo } from "../../../cluster/dns/wire.js";
import { BOOT_CONFIG_PATH, type BootConfig } from "../../../vm/guest/boot-config.js";

/** The stub's address (systemd-resolved's DNSStubListener). */
export const STUB_ADDRESS = "127.0.0.53";

const HEADER = (file: string) =>
  [
    `# This is ${file} managed by man:systemd-resolved(8).`,
    "# Do not edit.",
    "#",
    "# This file might be symlinked as /etc/resolv.conf. If you're looking at",
    "# /etc/resolv.conf and seeing this text, you have followed the symlink.",
    "#",
  ].join("\n");

/** /run/systemd/resolve/stub-resolv.conf. */
export const stubResolvConf = (): string =>
  `${HEADER("/run/systemd/resolve/stub-resolv.conf")}
# This is a dynamic resolv.conf file for connecting local clients to the
# internal DNS stub resolver of systemd-resolved. This file lists all
# configured search domains.
#
# Run "resolvectl status" to see details about the uplink DNS servers
# currently in use.
#
# Third party programs should typically not access this file directly, but only
# through the symlink at /etc/resolv.conf. To manage man:resolv.conf(5) in a
# different way, replace this symlink by a static file or a different symlink.
#
# See man:systemd-resolved.service(8) for details about the supported modes of
# operation for /etc/resolv.conf.

nameserver ${STUB_ADDRESS}
options edns0 trust-ad
search .
`;

/** /run/systemd/resolve/resolv.conf, listing the uplink servers. */
export const uplinkResolvConf = (servers: readonly string[]): string =>
  `${HEADER("/run/systemd/resolve/resolv.conf")}
# This is a dynamic resolv.conf file for connecting local clients directly to
# all known uplink DNS servers. This file lists all configured search domains.
#
# Third party programs should typically not access this file directly, but only
# through the symlink at /etc/resolv.conf. To manage man:resolv.conf(5) in a
# different way, replace this symlink by a static file or a different symlink.
#
# See man:systemd-resolved.service(8) for details about the supported modes of
# operation for /etc/resolv.conf.

${servers.map((s) => `nameserver ${s}`).join("\n")}
search .
`;

const main = async (): Promise<void> => {
  const lease = JSON.parse(readFileSync(BOOT_CONFIG_PATH, "utf8")) as BootConfig;
  const uplink = [lease.nameserver];
  mkdirSync("/run/systemd/resolve", { recursive: true });
  writeFileSync("/run/systemd/resolve/resolv.conf", uplinkResolvConf(uplink));
  writeFileSync("/run/systemd/resolve/stub-resolv.conf", stubResolvConf());
  const inFlight = new Map<string, Promise<Buffer>>();
  const server = await startDnsServer({
    address: STUB_ADDRESS,
    port: 53,
    handler: async (query, transport) => {
      const parsed = decodeMessage(query);
      const q = parsed.questions[0];
      const key = `${q?.name}/${q?.type}/${transport}`;
      let pending = inFlight.get(key);
      if (!pending) {
        pending = forwardQuery(query, { upstreams: uplink.map((host) => ({ host, port: 53 })), tcp: transport === "tcp", timeoutMs: 5000 }).finally(() => inFlight.delete(key));
        inFlight.set(key, pending);
      }
      try {
        const answer = Buffer.from(await pending);
        answer.writeUInt16BE(query.readUInt16BE(0), 0);
        return answer;
      } catch {
        return encodeMessage(responseTo(parsed, Rcode.SERVFAIL, false));
      }
    },
  });
  process.stdout.write(`Using system hostname '${lease.hostname}'.\n`);
  const stop = () => void server.close().then(() => process.exit(0));
  process.on("SIGTERM", stop);
  process.on("SIGINT", stop);
};

main().catch((error: unknown) => {
  process.stderr.write(`Failed to start: ${(error as Error).message}\n`);
  process.exit(1);
});
