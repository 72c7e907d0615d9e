import test from "ava";
import { isGenericServiceError, isGenericServiceMessage, parseRequestedCode } from "../../../lib/parse/generic-service.js";

test("recognises the generic service's MessageOut and its /r error answer", (t) => {
  t.true(isGenericServiceMessage({ name: "greetings", description: "Hi there!", app: "pegasus-pay", version: "v1", when: "2020-12-26 14:48:26" }));
  t.true(isGenericServiceMessage({ name: "status", description: "health", app: null, version: null, when: "2020-12-26 14:48:26" }));
  t.false(isGenericServiceMessage({ detail: "x" }));
  t.false(isGenericServiceMessage({ name: 1 }));
  t.true(isGenericServiceError({ detail: "At 2020-12-26 14:48:26 this request asks for 404 and waits for 1s and now is 2020-12-26 14:48:27." }));
});

test("reads back the code and wait a /r request asked for", (t) => {
  t.deepEqual(parseRequestedCode("At 2020-12-26 14:48:26 this request asks for 404 and waits for 1s and now is 2020-12-26 14:48:27."), { code: 404, waitSeconds: 1 });
  t.is(parseRequestedCode("Hi there!"), undefined);
});
