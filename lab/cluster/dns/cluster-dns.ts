// The CoreDNS stand-in: answers the cluster zone from a ClusterIndex and forwards everything else upstream.
import type { ClusterIndex } from "./cluster-index.js";
import { answerClusterQuery } from "./cluster-resolver.js";
import { forwardQuery, type Upstream } from "./forward.js";
import { startDnsServer, type DnsServer } from "./server.js";
import { decodeMessage, encodeMessage } from "./wire.js";

/** Options of startClusterDns. */
export interface ClusterDnsOptions {
  index: ClusterIndex;
  /** Where to listen (0.0.0.0 inside the coredns pod). */
  address: string;
  port: number;
  /** Resolvers for names outside the cluster (the pod's /etc/resolv.conf: the lab's cloud DNS). */
  upstreams: Upstream[];
  /** Cluster domain (cluster.local). */
  domain?: string;
}

/** Starts the cluster DNS server (UDP and TCP). */
export const startClusterDns = ({ index, address, port, upstreams, domain = "cluster.local" }: ClusterDnsOptions): Promise<DnsServer> =>
  startDnsServer({
    address,
    port,
    handler: async (raw, transport) => {
      const answer = answerClusterQuery(index, decodeMessage(raw), { domain });
      if (answer !== "forward") return encodeMessage(answer);
      return forwardQuery(raw, { upstreams, tcp: transport === "tcp" });
    },
  });
