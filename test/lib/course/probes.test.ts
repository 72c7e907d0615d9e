import test from "ava";
import { nslookupAddresses } from "../../../lib/course/probes.js";

// Captured on the lab VM with Istio 1.8.1's DNS capture on: A answered, AAAA refused by the DNS proxy.
const RESOLVED_WITH_AAAA_NXDOMAIN = `Server:\t\t198.18.192.1
Address:\t198.18.192.1#53

Non-authoritative answer:
Name:\tazure.archive.ubuntu.com
Address: 198.18.192.1
** server can't find azure.archive.ubuntu.com: NXDOMAIN
`;

const NOT_RESOLVED = `;; communications error to 127.0.0.53#53: timed out
;; communications error to 127.0.0.53#53: timed out
;; no servers could be reached

`;

const NXDOMAIN = `Server:\t\t198.19.0.10
Address:\t198.19.0.10#53

** server can't find nope.example: NXDOMAIN
`;

test("an outside name whose IPv4 answer came back resolved, even if the AAAA query then failed", (t) => {
  t.deepEqual(nslookupAddresses(RESOLVED_WITH_AAAA_NXDOMAIN), ["198.18.192.1"]);
});

test("the server's own Address line is not an answer; timeouts and NXDOMAIN give none", (t) => {
  t.deepEqual(nslookupAddresses(NOT_RESOLVED), []);
  t.deepEqual(nslookupAddresses(NXDOMAIN), []);
});
