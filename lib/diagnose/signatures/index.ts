// The table of known failure signatures, by area.
import type { Signature } from "../types.js";
import { CERT_SIGNATURES } from "./certs.js";
import { DNS_SIGNATURES } from "./dns.js";
import { ISTIOD_SIGNATURES } from "./istiod.js";
import { KUBECTL_SIGNATURES } from "./kubectl.js";
import { MESH_TRAFFIC_SIGNATURES } from "./mesh-traffic.js";
import { NETWORK_SIGNATURES } from "./network.js";
import { SIDECAR_SIGNATURES } from "./sidecar.js";
import { SSH_SIGNATURES } from "./ssh.js";
import { STRUCTURED_SIGNATURES } from "./structured.js";
import { TOKEN_SIGNATURES } from "./token.js";

/** Every built-in signature. */
export const SIGNATURES: readonly Signature[] = [
  ...KUBECTL_SIGNATURES,
  ...SSH_SIGNATURES,
  ...SIDECAR_SIGNATURES,
  ...ISTIOD_SIGNATURES,
  ...TOKEN_SIGNATURES,
  ...CERT_SIGNATURES,
  ...MESH_TRAFFIC_SIGNATURES,
  ...DNS_SIGNATURES,
  ...NETWORK_SIGNATURES,
  ...STRUCTURED_SIGNATURES,
];
