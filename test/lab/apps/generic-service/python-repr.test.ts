// Expected values are Python 3 repr() outputs.
import test from "ava";
import { pyBytes, pyDict, pyList, pyStr } from "../../../../lab/apps/generic-service/python-repr.js";

test("str repr picks single quotes unless the text has a single quote and no double quote", (t) => {
  t.is(pyStr("it's"), `"it's"`);
  t.is(pyStr('say "hi"'), `'say "hi"'`);
  t.is(pyStr(`both ' and "`), `'both \\' and "'`);
});

test("str repr escapes control and invisible characters and keeps printable non-ASCII", (t) => {
  t.is(pyStr("tab\there\nnl"), "'tab\\there\\nnl'");
  t.is(pyStr("\x07\x7f\u200b😀é"), "'\\x07\\x7f\\u200b😀é'");
  t.is(pyStr("a\\b"), "'a\\\\b'");
});

test("bytes repr escapes everything outside printable ASCII", (t) => {
  t.is(pyBytes(Buffer.from([0, 0x61, 0x62, 0x27, 0x63, 0xff])), `b"\\x00ab'c\\xff"`);
  t.is(pyBytes(Buffer.from('say "', "latin1")), `b'say "'`);
  t.is(pyBytes(Buffer.from('{"name":"greetings"}')), `b'{"name":"greetings"}'`);
});

test("lists and dicts of strings print like Python's", (t) => {
  t.is(pyList(["a", "b'"]), `['a', "b'"]`);
  t.is(pyList([""]), "['']");
  t.is(pyDict([["k", "v"]]), "{'k': 'v'}");
  t.is(pyDict([]), "{}");
});
