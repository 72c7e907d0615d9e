import test from "ava";
import { InputError } from "../../../lib/errors.js";
import { vmSession } from "./fixture/session.js";
import { startSshd, type SshdFixture } from "./fixture/sshd.js";

let fixture: SshdFixture;
test.before(async () => {
  fixture = await startSshd();
});
test.after.always(async () => {
  await fixture?.stop();
});

test("ping from the VM reaches the host side and not an address nobody has", async (t) => {
  const { vm } = vmSession({ fixture });
  const gateway = fixture.address.replace(/\d+$/, (n) => String(Number(n) - 1));
  const up = await vm.ping({ host: gateway, count: 2 });
  t.true(up.reachable);
  t.deepEqual([up.transmitted, up.received], [2, 2]);
  const down = await vm.ping({ host: fixture.unroutedAddress, count: 1, timeoutSeconds: 1 });
  t.false(down.reachable);
  t.is(down.received, 0);
});

test("tcpProbe tells an open port from a refused, a silent and an unresolvable one", async (t) => {
  const { vm } = vmSession({ fixture });
  t.deepEqual(await vm.tcpProbe({ host: "127.0.0.1", port: 8000 }).then((p) => [p.open, p.reason]), [true, "open"]);
  t.deepEqual(await vm.tcpProbe({ host: "127.0.0.1", port: 9 }).then((p) => [p.open, p.reason]), [false, "refused"]);
  t.deepEqual(await vm.tcpProbe({ host: fixture.droppedAddress, port: 15012, timeoutSeconds: 1 }).then((p) => [p.open, p.reason]), [false, "timeout"]);
  t.deepEqual(await vm.tcpProbe({ host: "istiod.istio-system.svc", port: 15012, timeoutSeconds: 2 }).then((p) => [p.open, p.reason]), [false, "dns"]);
});

test("bad hosts and ports are refused before anything runs", async (t) => {
  const { vm, events } = vmSession({ fixture });
  await t.throwsAsync(vm.tcpProbe({ host: "-oProxyCommand=x", port: 22 }), { instanceOf: InputError });
  await t.throwsAsync(vm.tcpProbe({ host: "10.0.0.1", port: 70000 }), { instanceOf: InputError });
  await t.throwsAsync(vm.ping({ host: "300.1.1.1" }), { instanceOf: InputError });
  t.is(events.ofKind("command").length, 0);
});
