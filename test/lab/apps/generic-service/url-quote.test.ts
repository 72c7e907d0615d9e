// Expected values are Python's urllib.parse outputs.
import test from "ava";
import { pyQuote, pyQuotePlus, pyUnquote, pyUnquotePlus } from "../../../../lab/apps/generic-service/url-quote.js";

test("quote keeps letters, digits, _.-~ and / and encodes the rest as UTF-8", (t) => {
  t.is(pyQuote("/healthz"), "/healthz");
  t.is(pyQuote("/a b/é"), "/a%20b/%C3%A9");
  t.is(pyQuote("/x?y"), "/x%3Fy");
});

test("quote_plus turns spaces into + and honours the safe set Starlette's redirects use", (t) => {
  t.is(pyQuotePlus("http://h:1/a b?x=1&y=2", ":/%#?&=@[]!$&'()*+,;"), "http://h:1/a+b?x=1&y=2");
});

test("unquote decodes UTF-8 runs and replaces invalid ones", (t) => {
  t.is(pyUnquote("/%68ealthz"), "/healthz");
  t.is(pyUnquote("/%C3%A9"), "/é");
  t.is(pyUnquote("/%FF"), "/\uFFFD");
  t.is(pyUnquote("/100%"), "/100%");
  t.is(pyUnquotePlus("a+b%2B"), "a b+");
});
