// The lab's address plan: every address the lab uses, derived from one instance number.
//
// Everything lives in 198.18.0.0/15 (RFC 2544, reserved for network tests). Instance n (0..15) owns
// 198.18.(16n).0/20 on its bridge and 198.19.(16n).0/20 as its virtual service (ClusterIP) range, so
// several labs (a developer's, a test's) can run side by side on one machine.

/** Addresses, names and ranges of one lab instance. */
export interface LabNetPlan {
  readonly instance: number;
  /** Prefix for every kernel object the lab makes (netns, links): `ilab<n>`. */
  readonly prefix: string;
  /** Linux bridge in the root namespace that joins the VM, the pods and the host. */
  readonly bridge: string;
  /** Bridge CIDR (a /20): the lab LAN. */
  readonly lanCidr: string;
  readonly lanPrefixLength: 20;
  /** The host's address on the bridge: the student's workstation and the "node"; the API server listens here. */
  readonly gateway: string;
  /** Port of the Kubernetes API stand-in on `gateway`. */
  readonly apiServerPort: number;
  /** The cloud's DNS resolver stand-in (answers a fixed set of outside names), on `gateway`:53. */
  readonly cloudDns: string;
  /** The VM's private address (VM_ADDRESS; first address of its NIC). */
  readonly vmAddress: string;
  /** The VM's "public" address (VM_PUB_ADDRESS; a second address on its NIC). */
  readonly vmPublicAddress: string;
  /** The VM's network namespace. */
  readonly vmNetns: string;
  /** The VM's hostname. */
  readonly vmHostname: string;
  /** Pod addresses are allocated from this /24. */
  readonly podCidr: string;
  /** LoadBalancer external IPs are allocated from this /24. */
  readonly loadBalancerCidr: string;
  /** Virtual ClusterIP range (never on the wire: DNATed inside each pod's namespace). */
  readonly serviceCidr: string;
  /** kube-dns ClusterIP. */
  readonly clusterDnsIp: string;
  /** The kubernetes.default ClusterIP. */
  readonly kubernetesServiceIp: string;
}

/** Returns the address plan of lab instance `instance` (0..15). */
export const labNetPlan = (instance = 0): LabNetPlan => {
  if (!Number.isInteger(instance) || instance < 0 || instance > 15) {
    throw new Error(`lab instance must be an integer 0..15, got ${instance}`);
  }
  const b = 16 * instance;
  const prefix = `ilab${instance}`;
  return {
    instance,
    prefix,
    bridge: `${prefix}br`,
    lanCidr: `198.18.${b}.0/20`,
    lanPrefixLength: 20,
    gateway: `198.18.${b}.1`,
    apiServerPort: 6443,
    cloudDns: `198.18.${b}.1`,
    vmAddress: `198.18.${b}.10`,
    vmPublicAddress: `198.18.${b + 3}.10`,
    vmNetns: `${prefix}-vm`,
    vmHostname: "pegasus-vm",
    podCidr: `198.18.${b + 1}.0/24`,
    loadBalancerCidr: `198.18.${b + 2}.0/24`,
    serviceCidr: `198.19.${b}.0/20`,
    clusterDnsIp: `198.19.${b}.10`,
    kubernetesServiceIp: `198.19.${b}.1`,
  };
};
