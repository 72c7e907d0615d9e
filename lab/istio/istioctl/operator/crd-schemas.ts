// Structural openAPIV3 schemas of Istio's resources for the lab's CRDs, written for the lab from the Istio API
// reference: full for the resources the chapter writes (Gateway, VirtualService, DestinationRule, ServiceEntry,
// WorkloadEntry, WorkloadGroup, PeerAuthentication), so the API server's strict field validation accepts exactly their
// fields and enums; other kinds keep their spec as free-form objects (x-kubernetes-preserve-unknown-fields).

/** A JSON schema node (apiextensions v1 JSONSchemaProps). */
export type Schema = Record<string, unknown>;

const str: Schema = { type: "string" };
const int: Schema = { type: "integer" };
const bool: Schema = { type: "boolean" };
const arr = (items: Schema): Schema => ({ type: "array", items });
const obj = (properties: Record<string, Schema>, extra: Schema = {}): Schema => ({ type: "object", properties, ...extra });
const map = (values: Schema): Schema => ({ type: "object", additionalProperties: values });
const oneOf = (...values: string[]): Schema => ({ type: "string", enum: values });
/** A free-form object. */
export const open: Schema = { type: "object", "x-kubernetes-preserve-unknown-fields": true };

const portSelector = obj({ number: int });
const destination = obj({ host: str, subset: str, port: portSelector });
const routeDestination = obj({ destination, weight: int });
const labels = map(str);

const clientTls = obj({
  mode: oneOf("DISABLE", "SIMPLE", "MUTUAL", "ISTIO_MUTUAL"),
  clientCertificate: str,
  privateKey: str,
  caCertificates: str,
  credentialName: str,
  subjectAltNames: arr(str),
  sni: str,
  insecureSkipVerify: { type: "boolean", nullable: true },
  caCrl: str,
});

const trafficPolicyBody = { loadBalancer: open, connectionPool: open, outlierDetection: open, tls: clientTls, tunnel: open, proxyProtocol: open, retryBudget: open };
const trafficPolicy = obj({ ...trafficPolicyBody, portLevelSettings: arr(obj({ port: portSelector, loadBalancer: open, connectionPool: open, outlierDetection: open, tls: clientTls })) });

const workloadEntrySpec = obj({ address: str, ports: map(int), labels, network: str, locality: str, weight: int, serviceAccount: str });

const serverTls = obj({
  httpsRedirect: bool,
  mode: oneOf("PASSTHROUGH", "SIMPLE", "MUTUAL", "AUTO_PASSTHROUGH", "ISTIO_MUTUAL", "OPTIONAL_MUTUAL"),
  serverCertificate: str,
  privateKey: str,
  caCertificates: str,
  caCrl: str,
  credentialName: str,
  credentialNames: arr(str),
  tlsCertificates: arr(open),
  subjectAltNames: arr(str),
  verifyCertificateSpki: arr(str),
  verifyCertificateHash: arr(str),
  minProtocolVersion: oneOf("TLS_AUTO", "TLSV1_0", "TLSV1_1", "TLSV1_2", "TLSV1_3"),
  maxProtocolVersion: oneOf("TLS_AUTO", "TLSV1_0", "TLSV1_1", "TLSV1_2", "TLSV1_3"),
  cipherSuites: arr(str),
});

const l4Match = { destinationSubnets: arr(str), port: int, sourceLabels: labels, gateways: arr(str), sourceNamespace: str };

const mtlsMode = oneOf("UNSET", "DISABLE", "PERMISSIVE", "STRICT");

/** Spec schemas by kind (kinds not listed get a free-form spec). */
export const SPEC_SCHEMAS: Readonly<Record<string, Schema>> = {
  Gateway: obj({
    selector: labels,
    servers: arr(obj({ port: obj({ number: int, protocol: str, name: str, targetPort: int }), bind: str, hosts: arr(str), tls: serverTls, defaultEndpoint: str, name: str })),
  }),
  VirtualService: obj({
    hosts: arr(str),
    gateways: arr(str),
    http: arr(open),
    tls: arr(obj({ match: arr(obj({ sniHosts: arr(str), ...l4Match })), route: arr(routeDestination) })),
    tcp: arr(obj({ match: arr(obj({ sourceSubnet: str, ...l4Match })), route: arr(routeDestination) })),
    exportTo: arr(str),
  }),
  DestinationRule: obj({
    host: str,
    trafficPolicy,
    subsets: arr(obj({ name: str, labels, trafficPolicy })),
    exportTo: arr(str),
    workloadSelector: obj({ matchLabels: labels }),
  }),
  ServiceEntry: obj({
    hosts: arr(str),
    addresses: arr(str),
    ports: arr(obj({ number: int, protocol: str, name: str, targetPort: int })),
    location: oneOf("MESH_EXTERNAL", "MESH_INTERNAL"),
    resolution: oneOf("NONE", "STATIC", "DNS", "DNS_ROUND_ROBIN", "DYNAMIC_DNS"),
    endpoints: arr(workloadEntrySpec),
    workloadSelector: obj({ labels }),
    exportTo: arr(str),
    subjectAltNames: arr(str),
    trafficDistribution: str,
  }),
  WorkloadEntry: workloadEntrySpec,
  WorkloadGroup: obj({ metadata: obj({ labels, annotations: map(str) }), template: workloadEntrySpec, probe: open }),
  PeerAuthentication: obj({ selector: obj({ matchLabels: labels }), targetRef: open, mtls: obj({ mode: mtlsMode }), portLevelMtls: map(obj({ mode: mtlsMode })) }),
};

/** The openAPIV3Schema of a kind: its spec, a free-form status. */
export const crdRootSchema = (kind: string): Schema => ({
  type: "object",
  properties: { spec: SPEC_SCHEMAS[kind] ?? open, status: open },
});
