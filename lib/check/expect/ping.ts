// Structured check over ping's output: replies came back and the loss stayed within a limit.
import { InputError } from "../../errors.js";
import { parsePing } from "../../parse/ping.js";
import type { Expectation, Verdict } from "../expectation.js";
import { textFrom } from "./received.js";

/** Expects ping to have succeeded: at least `minReceived` replies (default 1) and at most `maxLossPercent` loss (default 20). */
export const pingSucceeded = (options: { minReceived?: number; maxLossPercent?: number } = {}): Expectation<unknown> => {
  const minReceived = options.minReceived ?? 1;
  const maxLoss = options.maxLossPercent ?? 20;
  if (!Number.isInteger(minReceived) || minReceived < 1) throw new InputError(`pingSucceeded: minReceived inválido (${minReceived})`, "use um inteiro ≥ 1", "minReceived");
  if (!(maxLoss >= 0 && maxLoss <= 100)) throw new InputError(`pingSucceeded: maxLossPercent inválido (${maxLoss})`, "use um número entre 0 e 100", "maxLossPercent");
  const expected = `respostas ao ping: pelo menos ${minReceived}, com no máximo ${maxLoss}% de perda`;
  return {
    kind: "ping",
    expected,
    spec: { minReceived, maxLossPercent: maxLoss },
    evaluate: (received): Verdict => {
      const s = parsePing(textFrom(received));
      const lines = [
        s.complete ? `${s.transmitted} enviados, ${s.received} recebidos, ${s.lossPercent}% de perda${s.errors ? `, ${s.errors} erros` : ""}` : "o ping parou antes das estatísticas",
        ...(s.rtt ? [`rtt mín/méd/máx = ${s.rtt.minMs}/${s.rtt.avgMs}/${s.rtt.maxMs} ms`] : []),
        ...s.problems.slice(0, 3),
      ];
      const data = { target: s.target, address: s.address, transmitted: s.transmitted, received: s.received, lossPercent: s.lossPercent, errors: s.errors, rtt: s.rtt };
      const ok = s.complete && s.received >= minReceived && s.lossPercent <= maxLoss;
      const detail = ok ? undefined : !s.complete ? s.problems[0] ?? "sem estatísticas" : s.received < minReceived ? `${s.received} respostas, esperado pelo menos ${minReceived}` : `perda de ${s.lossPercent}%, acima de ${maxLoss}%`;
      return { ok, expected, received: lines.join("\n"), ...(detail !== undefined ? { detail } : {}), data };
    },
  };
};
