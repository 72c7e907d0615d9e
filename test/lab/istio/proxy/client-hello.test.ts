import test from "ava";
import net from "node:net";
import tls from "node:tls";
import { inspectFirstFlight, offersIstioAlpn, offersIstioHttpAlpn } from "../../../../lab/istio/proxy/client-hello.js";

/** The first bytes a real Node TLS client sends (a ClientHello). */
const captureClientHello = (options: tls.ConnectionOptions): Promise<Buffer> =>
  new Promise((resolve, reject) => {
    const server = net.createServer((socket) => {
      socket.once("data", (chunk: Buffer) => {
        resolve(chunk);
        socket.destroy();
        server.close();
      });
    });
    server.listen(0, "127.0.0.1", () => {
      const client = tls.connect({ ...options, host: "127.0.0.1", port: (server.address() as net.AddressInfo).port, rejectUnauthorized: false });
      client.on("error", () => undefined);
    });
    server.on("error", reject);
  });

test("reads SNI and ALPN from a real ClientHello, like Envoy's tls_inspector", async (t) => {
  const hello = await captureClientHello({ servername: "outbound_.8000_._.pegasus-pay.legacy.svc.cluster.local", ALPNProtocols: ["istio-http/1.1", "istio"] });
  const flight = inspectFirstFlight(hello);
  t.deepEqual(flight, { kind: "tls", sni: "outbound_.8000_._.pegasus-pay.legacy.svc.cluster.local", alpn: ["istio-http/1.1", "istio"] });
  t.true(offersIstioAlpn(["istio-peer-exchange", "istio"]));
  t.true(offersIstioHttpAlpn(["istio-http/1.1", "istio"]));
  t.false(offersIstioAlpn(["h2", "http/1.1"]));
});

test("asks for more bytes until the record is complete", async (t) => {
  const hello = await captureClientHello({ servername: "a.example" });
  t.deepEqual(inspectFirstFlight(hello.subarray(0, 3)), { kind: "need-more" });
  t.deepEqual(inspectFirstFlight(hello.subarray(0, hello.length - 1)), { kind: "need-more" });
});

test("plaintext HTTP is not TLS", (t) => {
  t.deepEqual(inspectFirstFlight(Buffer.from("GET / HTTP/1.1\r\n")), { kind: "plaintext" });
  t.deepEqual(inspectFirstFlight(Buffer.from([0x16, 0x09, 0x00, 0x00, 0x10])), { kind: "plaintext" });
});
