// The lab's "cloud" load balancer controller: a LoadBalancer Service gets an external IP from the plan's
// loadBalancerCidr in status.loadBalancer.ingress (released when the Service goes or changes type).
import { cidrAddress, cidrRange } from "../registry/strategies/service.js";
import { keyOf, splitKey, WorkQueue } from "./queue.js";
import { types, type Controller, type ControllerContext } from "./types.js";

/** Creates the load balancer controller. */
export const loadBalancerController = (ctx: ControllerContext): Controller => {
  let stop: (() => void) | undefined;
  const queue = new WorkQueue(
    async (key) => {
      const { namespace, name } = splitKey(key);
      const svc = ctx.registry.store.get({ group: "", resource: "services" }, namespace, name);
      if (!svc) return;
      const ingress = (svc.status?.loadBalancer?.ingress as Array<{ ip?: string }> | undefined) ?? [];
      if (svc.spec?.type !== "LoadBalancer") {
        if (ingress.length) await ctx.api.updateStatus(types.services, { ...svc, status: { ...(svc.status ?? {}), loadBalancer: {} } });
        return;
      }
      if (ingress.length) return;
      const used = new Set<string>();
      for (const s of ctx.registry.store.list({ group: "", resource: "services" }).items) {
        for (const i of (s.status?.loadBalancer?.ingress as Array<{ ip?: string }> | undefined) ?? []) if (i.ip) used.add(i.ip);
      }
      const { first, last } = cidrRange(ctx.plan.loadBalancerCidr);
      let ip: string | undefined;
      const requested = svc.spec?.loadBalancerIP as string | undefined;
      if (requested && !used.has(requested)) ip = requested;
      for (let offset = 10; !ip && first + offset < last; offset++) {
        const candidate = cidrAddress(ctx.plan.loadBalancerCidr, offset);
        if (!used.has(candidate)) ip = candidate;
      }
      if (!ip) throw new Error(`no free address left in ${ctx.plan.loadBalancerCidr}`);
      await ctx.api.updateStatus(types.services, { ...svc, status: { ...(svc.status ?? {}), loadBalancer: { ingress: [{ ip, ipMode: "VIP" }] } } });
    },
    (key, error) => ctx.log(`loadbalancer ${key}: ${(error as Error).message}`),
  );
  return {
    name: "loadbalancer",
    start: async () => {
      stop = ctx.api.watch(types.services, {}, (e) => {
        if (e.type !== "DELETED") queue.add(keyOf(e.object));
      });
    },
    stop: async () => {
      stop?.();
      await queue.stop();
    },
    idle: () => queue.idle(),
  };
};
