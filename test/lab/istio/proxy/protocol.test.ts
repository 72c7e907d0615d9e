import test from "ava";
import { looksLikeHttp1, portHandling, portProtocol } from "../../../../lab/istio/proxy/protocol.js";

test("the port name prefix or appProtocol selects the protocol", (t) => {
  t.is(portProtocol({ name: "http-vm" }), "HTTP");
  t.is(portProtocol({ name: "http" }), "HTTP");
  t.is(portProtocol({ name: "tcp-echo" }), "TCP");
  t.is(portProtocol({ name: "grpc-web" }), "GRPC-Web");
  t.is(portProtocol({ name: "web", appProtocol: "http" }), "HTTP");
  t.is(portProtocol({ name: "" }), "UnsupportedProtocol");
  t.is(portHandling({ name: "http2" }), "tcp", "HTTP/2 is carried as bytes in the lab");
  t.is(portHandling({ name: "metrics" }), "sniff");
});

test("HTTP/1 detection of the first bytes", (t) => {
  t.true(looksLikeHttp1(Buffer.from("GET /healthz HTTP/1.1\r\nHost: x\r\n")));
  t.is(looksLikeHttp1(Buffer.from("GE")), undefined);
  t.false(looksLikeHttp1(Buffer.from([0x16, 0x03, 0x01])));
  t.false(looksLikeHttp1(Buffer.from("SSH-2.0-OpenSSH_9.2\r\n")));
});
