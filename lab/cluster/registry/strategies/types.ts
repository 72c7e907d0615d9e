// What a resource's strategy may do around the generic registry: defaults, preparation, validation, allocation.
import type { KubeObject } from "../../contracts.js";
import type { StatusCause } from "../../store/errors.js";
import type { ObjectStore } from "../../store/object-store.js";

/** Cluster facts strategies need. */
export interface StrategyContext {
  store: ObjectStore;
  /** Virtual ClusterIP range (CIDR). */
  serviceCidr: string;
  /** IPs reserved for well-known services (never handed out dynamically). */
  reservedServiceIps: string[];
  nodePortRange: { min: number; max: number };
  dryRun: boolean;
}

/** Per-resource behaviour plugged into the registry (all optional). */
export interface Strategy {
  /** Fills defaults the real API server sets at decode time (create and update). */
  defaults?(object: KubeObject): void;
  /** Create only: reset server-owned fields (status) and set initial state. */
  prepareForCreate?(object: KubeObject, context: StrategyContext): void;
  /** Update only: carry over what the client may not change. */
  prepareForUpdate?(object: KubeObject, old: KubeObject, context: StrategyContext): void;
  /** Field errors for a new object. */
  validate?(object: KubeObject, context: StrategyContext): StatusCause[];
  /** Field errors for a change. */
  validateUpdate?(object: KubeObject, old: KubeObject, context: StrategyContext): StatusCause[];
  /** Allocations made just before storing a new object (ClusterIPs, node ports); may throw Invalid. */
  allocate?(object: KubeObject, old: KubeObject | undefined, context: StrategyContext): void;
  /** Whether `metadata.generation` is tracked (bumped on spec changes). */
  tracksGeneration?: boolean;
}
