// samples/multicluster/expose-istiod.yaml as each release ships it, byte for byte: 1.8.0–1.8.1 a plain TCP Gateway with
// a DestinationRule that turns TLS off; 1.8.2+ TLS PASSTHROUGH with sniHosts "*"; the namespace dropped in 1.10 (applied
// with -n istio-system); apiVersion v1 from 1.24. (The release files carry trailing spaces after PASSTHROUGH.)
import type { ReleaseFacts } from "../versions.js";

/** The 1.8.0/1.8.1 file. */
const tcpVariant = (apiVersion: string): string => `apiVersion: ${apiVersion}
kind: Gateway
metadata:
  name: istiod-gateway
  namespace: istio-system
spec:
  selector:
    istio: eastwestgateway
  servers:
    - port:
        name: tcp-istiod
        number: 15012
        protocol: TCP
      hosts:
        - "*"
    - port:
        name: tcp-istiodwebhook
        number: 15017
        protocol: TCP
      hosts:
        - "*"
---
apiVersion: ${apiVersion}
kind: VirtualService
metadata:
  name: istiod-vs
  namespace: istio-system
spec:
  hosts:
  - istiod.istio-system.svc.cluster.local
  gateways:
  - istiod-gateway
  tcp:
  - match:
    - port: 15012
    route:
    - destination:
        host: istiod.istio-system.svc.cluster.local
        port:
          number: 15012
  - match:
    - port: 15017
    route:
    - destination:
        host: istiod.istio-system.svc.cluster.local
        port:
          number: 443
---
apiVersion: ${apiVersion}
kind: DestinationRule
metadata:
  name: istiod-dr
  namespace: istio-system
spec:
  host: istiod.istio-system.svc.cluster.local
  trafficPolicy:
    portLevelSettings:
    - port:
        number: 15012
      tls:
        mode: DISABLE
    - port:
        number: 15017
      tls:
        mode: DISABLE
`;

/** The 1.8.2+ file (namespace lines only while the release names istio-system). */
const passthroughVariant = (apiVersion: string, namespaced: boolean): string => {
  const ns = namespaced ? "  namespace: istio-system\n" : "";
  return `apiVersion: ${apiVersion}
kind: Gateway
metadata:
  name: istiod-gateway
${ns}spec:
  selector:
    istio: eastwestgateway
  servers:
    - port:
        name: tls-istiod
        number: 15012
        protocol: tls
      tls:
        mode: PASSTHROUGH${" ".repeat(8)}
      hosts:
        - "*"
    - port:
        name: tls-istiodwebhook
        number: 15017
        protocol: tls
      tls:
        mode: PASSTHROUGH${" ".repeat(10)}
      hosts:
        - "*"
---
apiVersion: ${apiVersion}
kind: VirtualService
metadata:
  name: istiod-vs
${ns}spec:
  hosts:
  - "*"
  gateways:
  - istiod-gateway
  tls:
  - match:
    - port: 15012
      sniHosts:
      - "*"
    route:
    - destination:
        host: istiod.istio-system.svc.cluster.local
        port:
          number: 15012
  - match:
    - port: 15017
      sniHosts:
      - "*"
    route:
    - destination:
        host: istiod.istio-system.svc.cluster.local
        port:
          number: 443

`;
};

/** The file's content for a release. */
export const exposeIstiodYaml = (facts: ReleaseFacts): string =>
  facts.exposeIstiodMode === "tcp" ? tcpVariant(facts.exposeIstiodApiVersion) : passthroughVariant(facts.exposeIstiodApiVersion, facts.exposeIstiodNamespaced);
