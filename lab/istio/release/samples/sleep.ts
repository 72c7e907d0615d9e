// samples/sleep/sleep.yaml of a lab release, generated for the lab: a client pod to run curl from inside the mesh —
// ServiceAccount, Service (port 80, name http) and Deployment `sleep` labelled app=sleep, one container running
// `/bin/sleep` in the release's curl image, with the optional secret sleep-secret mounted at /etc/sleep/tls. The lab's
// kubelet maps governmentpaas/curl-ssl and curlimages/curl to host programs.
import yaml from "js-yaml";
import type { ReleaseFacts } from "../versions.js";

const NAME = "sleep";
const labels = { app: NAME };

/** The three objects, in the order kubectl applies them. */
const objects = (facts: ReleaseFacts): Array<Record<string, unknown>> => [
  { apiVersion: "v1", kind: "ServiceAccount", metadata: { name: NAME } },
  {
    apiVersion: "v1",
    kind: "Service",
    metadata: { name: NAME, labels: { app: NAME, service: NAME } },
    spec: { ports: [{ port: 80, name: "http" }], selector: labels },
  },
  {
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: { name: NAME },
    spec: {
      replicas: 1,
      selector: { matchLabels: labels },
      template: {
        metadata: { labels },
        spec: {
          ...(facts.sleepZeroGrace ? { terminationGracePeriodSeconds: 0 } : {}),
          serviceAccountName: NAME,
          containers: [
            {
              name: NAME,
              image: facts.sleepImage,
              command: ["/bin/sleep", facts.sleepDuration],
              imagePullPolicy: "IfNotPresent",
              volumeMounts: [{ mountPath: "/etc/sleep/tls", name: "secret-volume" }],
            },
          ],
          volumes: [{ name: "secret-volume", secret: { secretName: "sleep-secret", optional: true } }],
        },
      },
    },
  },
];

/** The file's content for a release. */
export const sleepYaml = (facts: ReleaseFacts): string =>
  `# Istio ${facts.version.text} (offline lab): the sleep client — a pod that only waits, to run curl from inside the mesh.\n` +
  objects(facts)
    .map((o) => yaml.dump(o, { lineWidth: -1, noRefs: true }))
    .join("---\n");
