// Capture options from the places istio-iptables reads them: a VM's cluster.env/sidecar.env variables and
// /etc/resolv.conf, or the sidecar injector's istio-init arguments for pods.
import type { CaptureOptions } from "./rules.js";

/** The proxy uid of injected pods (istio-proxy container runs as 1337). */
export const POD_PROXY_UID = "1337";

/** Inbound ports the injector excludes for pods (`-d 15090,15021,15020`). */
export const POD_EXCLUDED_INBOUND_PORTS = "15090,15021,15020";

/** Options the sidecar injector passes to istio-init for a pod (capture everything, exclude the proxy's own ports). */
export const podCaptureOptions = ({ dnsCapture = false, dnsServers = [] }: { dnsCapture?: boolean; dnsServers?: string[] } = {}): CaptureOptions => ({
  proxyUid: POD_PROXY_UID,
  inboundPorts: "*",
  localExcludePorts: POD_EXCLUDED_INBOUND_PORTS,
  outboundIpRangesInclude: "*",
  outboundIpRangesExclude: "",
  redirectDns: dnsCapture,
  dnsServers,
});

/** IPv4 `nameserver` entries of a resolv.conf text (what istio-iptables captures from 1.9 on). */
export const resolvConfNameservers = (text: string): string[] =>
  text
    .split("\n")
    .map((line) => /^\s*nameserver\s+(\d{1,3}(?:\.\d{1,3}){3})\s*$/.exec(line)?.[1])
    .filter((s): s is string => Boolean(s));

/** Options istio-iptables derives on a VM from the environment istio-start.sh exports (sidecar.env, then cluster.env). */
export const vmCaptureOptions = ({
  env,
  proxyUid,
  resolvConf = "",
}: {
  /** KEY=value pairs of sidecar.env + cluster.env (cluster.env wins). */
  env: Readonly<Record<string, string | undefined>>;
  /** Numeric uid of the istio-proxy user (ENVOY_USER). */
  proxyUid: string;
  /** Text of the VM's /etc/resolv.conf. */
  resolvConf?: string;
}): CaptureOptions => ({
  proxyUid,
  inboundPorts: env["ISTIO_INBOUND_PORTS"] ?? "",
  localExcludePorts: env["ISTIO_LOCAL_EXCLUDE_PORTS"] ?? "",
  outboundIpRangesInclude: env["ISTIO_SERVICE_CIDR"] ?? "",
  outboundIpRangesExclude: env["ISTIO_SERVICE_EXCLUDE_CIDR"] ?? "",
  outboundPortsInclude: env["ISTIO_OUTBOUND_PORTS"] ?? "",
  outboundPortsExclude: env["ISTIO_LOCAL_OUTBOUND_PORTS_EXCLUDE"] ?? "",
  redirectDns: (env["ISTIO_META_DNS_CAPTURE"] ?? "").toLowerCase() === "true",
  captureAllDns: (env["CAPTURE_ALL_DNS"] ?? "").toLowerCase() === "true",
  dnsServers: resolvConfNameservers(resolvConf),
});
