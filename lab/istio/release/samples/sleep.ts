// samples/sleep/sleep.yaml as each release ships it, byte for byte: ServiceAccount, Service and Deployment `sleep`, a
// curl image running `/bin/sleep` (the lab's kubelet maps governmentpaas/curl-ssl and curlimages/curl to host programs).
import type { ReleaseFacts } from "../versions.js";

/** The file's content for a release. */
export const sleepYaml = (facts: ReleaseFacts): string => `# Copyright Istio Authors
#
#   Licensed under the Apache License, Version 2.0 (the "License");
#   you may not use this file except in compliance with the License.
#   You may obtain a copy of the License at
#
#       http://www.apache.org/licenses/LICENSE-2.0
#
#   Unless required by applicable law or agreed to in writing, software
#   distributed under the License is distributed on an "AS IS" BASIS,
#   WITHOUT WARRANTIES OR CONDITIONS OF ANY KIND, either express or implied.
#   See the License for the specific language governing permissions and
#   limitations under the License.

##################################################################################################
# Sleep service
##################################################################################################
apiVersion: v1
kind: ServiceAccount
metadata:
  name: sleep
---
apiVersion: v1
kind: Service
metadata:
  name: sleep
  labels:
    app: sleep
    service: sleep
spec:
  ports:
  - port: 80
    name: http
  selector:
    app: sleep
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: sleep
spec:
  replicas: 1
  selector:
    matchLabels:
      app: sleep
  template:
    metadata:
      labels:
        app: sleep
    spec:
${facts.sleepZeroGrace ? "      terminationGracePeriodSeconds: 0\n" : ""}      serviceAccountName: sleep
      containers:
      - name: sleep
        image: ${facts.sleepImage}
        command: ["/bin/sleep", "${facts.sleepDuration}"]
        imagePullPolicy: IfNotPresent
        volumeMounts:
        - mountPath: /etc/sleep/tls
          name: secret-volume
      volumes:
      - name: secret-volume
        secret:
          secretName: sleep-secret
          optional: true
---
`;
