import { execFile } from "node:child_process";
import net from "node:net";
import type { AddressInfo } from "node:net";
import { promisify } from "node:util";
import test from "ava";
import { diagnose } from "../../../../lib/diagnose/diagnose.js";
import { CURL_NO_ROUTE, CURL_TIMEOUT, CURL_UNRESOLVED } from "../../fixtures/curl.js";
import { PING_HOST_UNREACHABLE, PING_NETWORK_UNREACHABLE, PING_NO_REPLY, PING_PARTIAL, PING_SENDMSG } from "../../fixtures/ping.js";

const context = { vmAddress: "198.18.0.10", vmPubAddress: "198.18.3.10", vmApp: "pegasus-pay" };
const ids = (text: string, extra = {}) => diagnose({ text, context: { ...context, ...extra } }).map((d) => d.id);

test("ping without any reply: the VM is off, the address is wrong or ICMP is blocked", (t) => {
  const [d] = diagnose({ text: PING_NO_REPLY.replaceAll("127.0.0.1", "198.18.0.10"), context });
  t.is(d!.id, "ping-sem-resposta");
  t.regex(d!.cause, /a VM \(198.18.0.10\) não respondeu ao ping: 5 pacotes ICMP enviados/);
  t.regex(d!.fix, /libere ICMP de entrada/);
  t.is(d!.evidence, "5 packets transmitted, 0 received, 100% packet loss, time 820ms");
});

test("partial loss is a weaker, separate diagnosis", (t) => {
  t.deepEqual(ids(PING_PARTIAL), ["ping-sem-resposta/parcial"]);
});

test("no route: Destination Host Unreachable and Network is unreachable", (t) => {
  t.deepEqual(ids(PING_HOST_UNREACHABLE), ["sem-rota"]);
  t.deepEqual(ids(PING_NETWORK_UNREACHABLE), ["sem-rota"]);
});

test("ICMP blocked where ping runs (sendmsg: Operation not permitted) outranks the plain 100% loss", (t) => {
  t.deepEqual(ids(`${PING_SENDMSG.stdout}${PING_SENDMSG.stderr}`), ["icmp-bloqueado-na-origem"]);
});

test("curl timeouts, unreachable hosts and unknown names (captured curl 7.88 texts)", (t) => {
  const [timeout] = diagnose({ text: CURL_TIMEOUT, context });
  t.is(timeout!.id, "curl-tempo-esgotado");
  t.regex(timeout!.cause, /127.0.0.2:8000 são descartados no caminho/);
  t.deepEqual(ids(CURL_NO_ROUTE), ["curl-conexao-recusada"]);
  t.deepEqual(ids(CURL_UNRESOLVED), ["curl-nome-nao-resolve"]);
});

test("curl to the VM's port 8000 refused: the app is not running or not published (real curl)", async (t) => {
  const server = net.createServer();
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const port = (server.address() as AddressInfo).port;
  await new Promise<void>((r) => server.close(() => r()));
  const stderr = await promisify(execFile)("curl", ["-sS", `http://127.0.0.1:${port}/`]).then(
    () => "",
    (e: { stderr: string }) => e.stderr,
  );
  const [d] = diagnose({ text: stderr, context: { ...context, vmAddress: "127.0.0.1" } });
  t.is(d!.id, "curl-conexao-recusada");
  t.regex(d!.cause, new RegExp(`nada aceita conexões em 127.0.0.1:${port}: o serviço da VM não está rodando`));
  t.regex(d!.fix, /docker ps.*pegasus-pay/);
});

test("curl's empty reply (52) and reset (56) point at mTLS expectations (real servers)", async (t) => {
  const closing = net.createServer((s) => s.on("error", () => undefined).once("data", () => s.end()));
  const resetting = net.createServer((s) => s.on("error", () => undefined).once("data", () => s.resetAndDestroy()));
  await Promise.all([closing, resetting].map((s) => new Promise<void>((r) => s.listen(0, "127.0.0.1", r))));
  t.teardown(() => {
    closing.close();
    resetting.close();
  });
  const curl = (server: net.Server) =>
    promisify(execFile)("curl", ["-sS", `http://127.0.0.1:${(server.address() as AddressInfo).port}/`]).then(
      () => "",
      (e: { stderr: string }) => e.stderr,
    );
  t.deepEqual(ids(await curl(closing)), ["curl-resposta-vazia"]);
  const [reset] = diagnose({ text: await curl(resetting) });
  t.is(reset!.id, "curl-conexao-reiniciada");
  t.regex(reset!.cause, /PeerAuthentication STRICT/);
});

test("the admin port and istiod's port are left to their own, more precise diagnoses", (t) => {
  t.false(ids("curl: (7) Failed to connect to localhost port 15000 after 0 ms: Couldn't connect to server").includes("curl-conexao-recusada"));
  t.false(ids("curl: (7) Failed to connect to 198.18.2.10 port 15012 after 0 ms: Couldn't connect to server").includes("curl-conexao-recusada"));
});
