// The simul-shop data checked against the facts of /work/shared/reference/istio-vm-facts.md ("The course's simul-shop
// (chapter 4) runs 8 such services on port 8000 (Service port named `http`), labels app/version v1: front-end
// (schedules calls to itself at /s every 10 s and splits to login, catalogue, orders/s), orders (splits to shipping,
// cart, payment, accounts), login, catalogue, shipping, cart, payment, accounts") and chapter 14.
import test from "ava";
import { readConfig } from "../../../lab/apps/generic-service/config.js";
import { startGenericService, type GenericService } from "../../../lab/apps/generic-service/server.js";
import {
  callGraph,
  envValue,
  PEGASUS_PAY,
  SERVICES_YAML_ORDER,
  SIMUL_SHOP_SERVICES,
  type CallEdge,
} from "../../../lib/course/simul-shop.js";

const edges = (filter: Partial<CallEdge>): Array<[string, string]> =>
  callGraph()
    .filter((e) => Object.entries(filter).every(([key, value]) => e[key as keyof CallEdge] === value))
    .map((e) => [e.to, e.path]);

test("eight modules run kdop/generic-service:0.0.5 with app/version v1 labels and an `http` Service port 8000", (t) => {
  t.deepEqual(
    SIMUL_SHOP_SERVICES.map((s) => s.name).sort(),
    ["accounts", "cart", "catalogue", "front-end", "login", "orders", "payment", "shipping"],
  );
  t.deepEqual([...SERVICES_YAML_ORDER].sort(), SIMUL_SHOP_SERVICES.map((s) => s.name).sort());
  for (const s of SIMUL_SHOP_SERVICES) {
    t.is(s.image, "kdop/generic-service:0.0.5");
    t.deepEqual(s.labels, { app: s.name, version: "v1" });
    t.deepEqual(s.service.port, { name: "http", port: 8000, targetPort: 8000 });
    t.is(envValue(s.env, "APP"), s.name);
    t.is(envValue(s.env, "VERSION"), "v1");
    t.is(s.namespace, "default");
  }
});

test("front-end schedules calls to its own /s every 10 s and splits to login, catalogue and orders/s", (t) => {
  t.deepEqual(edges({ from: "front-end", kind: "schedule" }), [["front-end", "/s"]]);
  const frontEnd = SIMUL_SHOP_SERVICES.find((s) => s.name === "front-end");
  t.is(readConfig(Object.fromEntries((frontEnd?.env ?? []).map((v) => [v.name, v.value]))).schedCallIntervalSeconds, 10);
  t.deepEqual(edges({ from: "front-end", kind: "split" }), [["login", "/"], ["catalogue", "/"], ["orders", "/s"]]);
  t.is(frontEnd?.deploymentName, "front-end-v1");
});

test("orders splits to shipping, cart, payment and accounts; the other modules call nobody on their own", (t) => {
  t.deepEqual(edges({ from: "orders", kind: "split" }), [["shipping", "/"], ["cart", "/"], ["payment", "/"], ["accounts", "/"]]);
  for (const leaf of ["login", "catalogue", "shipping", "cart", "payment", "accounts"]) {
    t.deepEqual(callGraph().filter((e) => e.from === leaf && e.kind !== "manual"), [], leaf);
  }
});

test("pegasus-pay runs on the VM in namespace legacy as legacy-pegasus, checking its own /healthz every 300 s", (t) => {
  t.is(PEGASUS_PAY.namespace, "legacy");
  t.is(PEGASUS_PAY.serviceAccount, "legacy-pegasus");
  t.is(PEGASUS_PAY.docker.image, "kdop/generic-service:0.0.5");
  t.is(PEGASUS_PAY.docker.publish, "8000:8000");
  t.deepEqual(edges({ from: "pegasus-pay", kind: "schedule" }), [["pegasus-pay", "/healthz"]]);
  t.is(envValue(PEGASUS_PAY.docker.env, "SCHED_CALL_INTERVAL"), "300");
});

test("in chapter 14 payment calls pegasus-pay (kubectl exec), and the VM calls payment and front-end", (t) => {
  t.deepEqual(edges({ from: "payment", kind: "manual" }), [["pegasus-pay", "/"]]);
  t.deepEqual(edges({ from: "pegasus-pay", kind: "manual" }), [["payment", "/"], ["front-end", "/r?code=404&wait=1s"]]);
});

test("every call goes to a service that exists", (t) => {
  const names = new Set([...SIMUL_SHOP_SERVICES.map((s) => s.name), PEGASUS_PAY.name]);
  for (const edge of callGraph()) t.true(names.has(edge.to), `${edge.from} → ${edge.to}`);
});

test("run as real generic services, one front-end /s reaches every module through the configured splits", async (t) => {
  const started = new Map<string, GenericService>();
  const calls = new Map<string, string[]>();
  t.teardown(async () => {
    await Promise.all([...started.values()].map((s) => s.close()));
  });
  // Start leaves first so every split URL can be rewritten to a started instance.
  const order = ["login", "catalogue", "shipping", "cart", "payment", "accounts", "orders", "front-end"];
  for (const name of order) {
    const spec = SIMUL_SHOP_SERVICES.find((s) => s.name === name);
    if (!spec) throw new Error(name);
    const env = Object.fromEntries(
      spec.env.map((v) => [
        v.name,
        v.name === "SPLIT_CALL_URL_LST" ? v.value.replace(/http:\/\/([a-z-]+):8000/g, (_, host: string) => started.get(host)?.url ?? "missing") : v.value,
      ]),
    );
    delete env["SCHED_CALL_URL_LST"]; // the test triggers front-end's /s itself
    const service = await startGenericService({
      host: "127.0.0.1",
      port: 0,
      workers: 1,
      env,
      log: (text, stream) => {
        const request = stream === "stdout" ? /"GET (\S+) HTTP/.exec(text)?.[1] : undefined;
        if (request) calls.set(name, [...(calls.get(name) ?? []), request]);
      },
    });
    started.set(name, service);
  }
  const frontEnd = started.get("front-end");
  const reply = await fetch(`${frontEnd?.url}/s`);
  t.is(reply.status, 200);
  t.like(await reply.json(), { name: "split", app: "front-end", version: "v1" });
  t.deepEqual(Object.fromEntries([...calls.entries()].sort()), {
    accounts: ["/"],
    cart: ["/"],
    catalogue: ["/"],
    "front-end": ["/s"],
    login: ["/"],
    orders: ["/s"],
    payment: ["/"],
    shipping: ["/"],
  });
});
