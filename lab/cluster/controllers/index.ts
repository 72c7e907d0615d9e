// Starts and stops the cluster's controllers (namespace, CRD, deployment, replicaset, endpoints, load balancer,
// garbage collector) after bootstrapping the initial cluster content.
import { bootstrapCluster } from "./bootstrap.js";
import { crdController } from "./crd.js";
import { deploymentController } from "./deployment.js";
import { endpointsController } from "./endpoints.js";
import { garbageCollector } from "./garbage-collector.js";
import { loadBalancerController } from "./loadbalancer.js";
import { namespaceController } from "./namespace.js";
import { replicaSetController } from "./replicaset.js";
import type { Controller, ControllerContext } from "./types.js";

/** The running controllers. */
export interface RunningControllers {
  controllers: Controller[];
  /** Resolves when every controller's queue is empty (tests). */
  idle(): Promise<void>;
  stop(): Promise<void>;
}

/** Starts every controller (the CRD one first, so custom resources are served again after a restart), then bootstraps. */
export const startControllers = async (ctx: ControllerContext): Promise<RunningControllers> => {
  const controllers = [crdController(ctx), namespaceController(ctx), garbageCollector(ctx), deploymentController(ctx), replicaSetController(ctx), endpointsController(ctx), loadBalancerController(ctx)];
  for (const c of controllers) await c.start();
  await bootstrapCluster(ctx);
  const idle = async () => {
    for (let round = 0; round < 3; round++) for (const c of controllers) await c.idle();
  };
  return {
    controllers,
    idle,
    stop: async () => {
      for (const c of [...controllers].reverse()) await c.stop();
    },
  };
};

export type { Controller, ControllerContext } from "./types.js";
