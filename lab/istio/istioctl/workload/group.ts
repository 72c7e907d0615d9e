// `istioctl x workload group create`: the WorkloadGroup YAML exactly as the release prints it. The spec goes through
// the release's protobuf JSON marshaler (≤ 1.23 gogo jsonpb keeps empty maps as `{}`; later ones leave them out; zero
// scalars are always left out) and then Go's YAML encoder (keys sorted).
import type { ReleaseFacts } from "../../release/versions.js";
import { goYamlMarshal, type YamlValue } from "../yaml/go-yaml.js";

/** What the flags gave. */
export interface WorkloadGroupInput {
  name: string;
  namespace: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  ports: Record<string, number>;
  serviceAccount: string;
  network?: string;
  locality?: string;
  weight?: number;
}

/** A protobuf map field: kept empty (`{}`) by gogo jsonpb, dropped by the current marshaler. */
const mapField = (facts: ReleaseFacts, value: Record<string, string | number>): Record<string, string | number> | undefined =>
  Object.keys(value).length || facts.workloadGroupKeepsEmptyMaps ? value : undefined;

/** Drops undefined entries. */
const defined = (o: Record<string, YamlValue | undefined>): Record<string, YamlValue> => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Record<string, YamlValue>;

/** The WorkloadGroup object as istioctl builds it. */
export const workloadGroupObject = (facts: ReleaseFacts, input: WorkloadGroupInput): Record<string, YamlValue> => ({
  apiVersion: facts.workloadGroupApiVersion,
  kind: "WorkloadGroup",
  metadata: { name: input.name, namespace: input.namespace },
  spec: {
    metadata: defined({ annotations: mapField(facts, input.annotations), labels: mapField(facts, input.labels) }),
    template: defined({
      ports: mapField(facts, input.ports),
      serviceAccount: input.serviceAccount || undefined,
      network: input.network || undefined,
      locality: input.locality || undefined,
      weight: input.weight ? input.weight : undefined,
    }),
  },
});

/** The printed YAML. */
export const workloadGroupYaml = (facts: ReleaseFacts, input: WorkloadGroupInput): string => goYamlMarshal(workloadGroupObject(facts, input), { width: facts.yamlWidth });
