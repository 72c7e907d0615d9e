// Flags parse like spf13/pflag, with its error texts and Go's value errors.
import test from "ava";
import { parseFlags, type FlagDef } from "../../../../../lab/istio/istioctl/cli/flags.js";
import { formatGoDuration, parseCsvLine, parseGoDuration, parseGoInt } from "../../../../../lab/istio/istioctl/cli/go-values.js";

const defs = new Map<string, FlagDef>(
  [
    { name: "name", type: "string", usage: "" },
    { name: "namespace", shorthand: "n", type: "string", usage: "" },
    { name: "labels", shorthand: "l", type: "stringSlice", usage: "" },
    { name: "set", shorthand: "s", type: "stringArray", usage: "" },
    { name: "skip-confirmation", shorthand: "y", type: "bool", usage: "" },
    { name: "verbose", shorthand: "v", type: "bool", usage: "" },
    { name: "tokenDuration", type: "int64", default: 3600, usage: "" },
    { name: "weight", shorthand: "w", type: "uint32", usage: "" },
    { name: "readiness-timeout", type: "duration", default: 300_000, usage: "" },
  ].map((d) => [d.name, d as FlagDef]),
);

test("every spelling of a value: --f v, --f=v, -f v, -fv, -f=v", (t) => {
  const { flags, positional } = parseFlags(defs, ["--name", "a", "-n=b", "pos", "-lapp=x", "--labels=version=v1,tier=web", "-s", "x=1", "--set", "y=2"]);
  t.is(flags.string("name"), "a");
  t.is(flags.string("namespace"), "b");
  t.deepEqual(flags.list("labels"), ["app=x", "version=v1", "tier=web"]);
  t.deepEqual(flags.list("set"), ["x=1", "y=2"]);
  t.deepEqual(positional, ["pos"]);
});

test("boolean shorthands cluster and take =false", (t) => {
  const { flags } = parseFlags(defs, ["-yv", "--skip-confirmation=false"]);
  t.false(flags.bool("skip-confirmation"));
  t.true(flags.bool("verbose"));
  t.true(flags.changed("skip-confirmation"));
});

test("-- ends the flags", (t) => {
  t.deepEqual(parseFlags(defs, ["--", "--name", "x"]).positional, ["--name", "x"]);
});

test("pflag's errors", (t) => {
  t.throws(() => parseFlags(defs, ["--foo"]), { message: "unknown flag: --foo" });
  t.throws(() => parseFlags(defs, ["-yz"]), { message: "unknown shorthand flag: 'z' in -yz" });
  t.throws(() => parseFlags(defs, ["--name"]), { message: "flag needs an argument: --name" });
  t.throws(() => parseFlags(defs, ["-n"]), { message: "flag needs an argument: 'n' in -n" });
  t.throws(() => parseFlags(defs, ["--tokenDuration", "abc"]), { message: 'invalid argument "abc" for "--tokenDuration" flag: strconv.ParseInt: parsing "abc": invalid syntax' });
  t.throws(() => parseFlags(defs, ["-w", "-1"]), { message: 'invalid argument "-1" for "-w, --weight" flag: strconv.ParseUint: parsing "-1": invalid syntax' });
  t.throws(() => parseFlags(defs, ["--weight=4294967296"]), { message: 'invalid argument "4294967296" for "-w, --weight" flag: strconv.ParseUint: parsing "4294967296": value out of range' });
  t.throws(() => parseFlags(defs, ["--readiness-timeout", "5"]), { message: 'invalid argument "5" for "--readiness-timeout" flag: time: missing unit in duration "5"' });
  t.throws(() => parseFlags(defs, ["--skip-confirmation=maybe"]), { message: 'invalid argument "maybe" for "-y, --skip-confirmation" flag: strconv.ParseBool: parsing "maybe": invalid syntax' });
});

test("Go integers: base prefixes and underscores (base 0)", (t) => {
  t.deepEqual(["600", "0x258", "0o1130", "0b1001011000", "1_200"].map((s) => parseGoInt(s, { bits: 64, unsigned: false })), [600, 600, 600, 600, 1200]);
});

test("Go durations both ways", (t) => {
  t.is(parseGoDuration("1m30s"), 90_000);
  t.is(parseGoDuration("1.5h"), 5_400_000);
  t.deepEqual([300_000, 3_000, 20_000, 3_600_000, 250].map(formatGoDuration), ["5m0s", "3s", "20s", "1h0m0s", "250ms"]);
  t.throws(() => parseGoDuration("abc"), { message: 'time: invalid duration "abc"' });
});

test("string slices read a CSV line", (t) => {
  t.deepEqual(parseCsvLine('a=1,"b=2,3",c'), ["a=1", "b=2,3", "c"]);
  t.throws(() => parseCsvLine('a="x'), { message: 'parse error on line 1, column 3: bare " in non-quoted-field' });
});
