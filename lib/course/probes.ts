// Probes the chapter's checks run: commands in a pod through `kubectl exec` (ping, curl, nslookup) and reads of
// objects as JSON — every one through the seam, so it is shown as the command a student would type.
import type { Kubectl } from "../kube/kubectl.js";
import { curlStatusArgv } from "../parse/curl.js";
import type { CommandResult } from "../run/result.js";

/** Runs commands inside the first container of a Service's pod, like the course's `kubectl exec svc/NAME -c NAME -- …`. */
export class PodProbe {
  constructor(
    private readonly kubectl: Kubectl,
    readonly service: string,
    readonly namespace = "default",
    readonly container = service,
  ) {}

  /** Runs `command` in the pod; never throws for a non-zero exit (the check reads the result). */
  exec(command: readonly string[], options: { timeoutMs?: number; quiet?: boolean } = {}): Promise<CommandResult> {
    return this.kubectl.exec({
      target: `svc/${this.service}`,
      container: this.container,
      ...(this.namespace !== "default" ? { namespace: this.namespace } : {}),
      command,
      nothrow: true,
      ...(options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {}),
      ...(options.quiet !== undefined ? { quiet: options.quiet } : {}),
    });
  }

  /** `ping -c COUNT HOST`. */
  ping(host: string, count = 5): Promise<CommandResult> {
    return this.exec(["ping", "-c", String(count), "-W", "2", host], { timeoutMs: (count * 2 + 20) * 1000 });
  }

  /** curl with the status on the last line (lib/parse/curl's convention). */
  curl(url: string, maxTimeSeconds = 10): Promise<CommandResult> {
    return this.exec(curlStatusArgv({ url, maxTimeSeconds }), { timeoutMs: (maxTimeSeconds + 30) * 1000 });
  }

  /** `nslookup NAME`. */
  nslookup(name: string): Promise<CommandResult> {
    return this.exec(["nslookup", name], { timeoutMs: 30_000 });
  }
}

/** The addresses `nslookup` printed for the name (after its "Name:" line); empty when the name did not resolve.
 * nslookup also asks for AAAA: an outside name may print its IPv4 address and still end with "server can't find …"
 * for the IPv6 query (Istio 1.8's DNS proxy answers NXDOMAIN when the upstream has no records) — the name resolved. */
export const nslookupAddresses = (output: string): string[] => {
  const answer = output.split(/^Name:/m).slice(1).join("\n");
  return [...answer.matchAll(/^Address(?:es)?:\s*([0-9a-fA-F.:]+)\s*$/gm)].map((m) => m[1]!);
};
