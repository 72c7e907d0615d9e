// The names the lab's "cloud DNS" knows: the VM's public name and a fixed set of outside names the course's steps
// reach (package mirrors, release downloads). Outside names resolve to the lab's gateway, never to the internet.
import type { LabNetPlan } from "../../net/plan.js";

/** The VM's public DNS name, as a cloud gives one (the seed's VM_PUB_ADDRESS). */
export const VM_PUBLIC_NAME = "pegasus.eastus.cloudapp.azure.com";

/** Outside names the course's steps use; in the lab they all point at the gateway, where the lab's stand-ins for
 * the outside world listen when they exist (connections to a port nobody serves are refused at once). */
export const OUTSIDE_NAMES: readonly string[] = [
  "azure.archive.ubuntu.com",
  "archive.ubuntu.com",
  "security.ubuntu.com",
  "deb.debian.org",
  "security.debian.org",
  "storage.googleapis.com",
  "istio.io",
  "github.com",
  "objects.githubusercontent.com",
  "raw.githubusercontent.com",
  "download.docker.com",
  "registry-1.docker.io",
];

/** The cloud DNS table of instance `plan`: lower-case name → IPv4 addresses. */
export const cloudNames = (plan: LabNetPlan): Map<string, string[]> => {
  const table = new Map<string, string[]>();
  table.set(VM_PUBLIC_NAME, [plan.vmPublicAddress]);
  for (const name of OUTSIDE_NAMES) table.set(name, [plan.gateway]);
  return table;
};
