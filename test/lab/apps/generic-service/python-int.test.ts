import test from "ava";
import { hexZfill16, parsePythonInt } from "../../../../lab/apps/generic-service/python-int.js";

test("accepts what Python's int() accepts: whitespace, sign, leading zeros and underscores between digits", (t) => {
  t.is(parsePythonInt("10"), 10n);
  t.is(parsePythonInt("  10 \n"), 10n);
  t.is(parsePythonInt("+7"), 7n);
  t.is(parsePythonInt("-1"), -1n);
  t.is(parsePythonInt("007"), 7n);
  t.is(parsePythonInt("1_000"), 1000n);
  t.is(parsePythonInt("99999999999999999999999"), 99999999999999999999999n);
});

test("rejects what int() rejects: units, decimals, empty text, misplaced underscores", (t) => {
  for (const text of ["1s", "1.5", "", " ", "_1", "1_", "1__0", "0x10", "ten", "1e3"]) t.is(parsePythonInt(text), undefined, text);
});

test("base 16 accepts an optional 0x prefix and any case, as B3 ids are parsed", (t) => {
  t.is(parsePythonInt("5573be4183f426e8", 16), 0x5573be4183f426e8n);
  t.is(parsePythonInt("0xFF", 16), 255n);
  t.is(parsePythonInt("zz", 16), undefined);
});

test("hexZfill16 pads to 16 digits and keeps longer (128-bit) ids whole", (t) => {
  t.is(hexZfill16(0xabcn), "0000000000000abc");
  t.is(hexZfill16(0x5573be4183f426e828c7ecf9e7113264n), "5573be4183f426e828c7ecf9e7113264");
  t.is(hexZfill16(-5n), "-000000000000005"); // Python: format(-5, "x").zfill(16)
});
