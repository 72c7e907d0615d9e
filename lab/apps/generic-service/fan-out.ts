// The original's invoke_ws_list: log the list, then call each non-empty URL in turn, logging the response's headers
// and body or the failure; a failure never stops the list and never reaches the caller's response.
import { requestsGet, type CallOutcome } from "./http-client.js";
import type { ServiceLog } from "./logging.js";
import { pyBytes, pyDict, pyList } from "./python-repr.js";
import type { HeaderList } from "./tracing.js";

/** What invokeUrlList needs. */
export interface FanOutOptions {
  urls: readonly string[];
  /** Headers sent with every call (the trace carrier for split calls, none for scheduled ones). */
  headers?: HeaderList;
  log: ServiceLog;
  /** Cancels the remaining calls when the service stops. */
  signal?: AbortSignal;
}

/** Calls each URL sequentially like the original and returns one outcome per non-empty URL. */
export const invokeUrlList = async ({ urls, headers = [], log, signal }: FanOutOptions): Promise<CallOutcome[]> => {
  log.app("INFO", `Calling: ${pyList(urls)}`);
  const outcomes: CallOutcome[] = [];
  for (const url of urls) {
    if (!url) continue;
    const outcome = await requestsGet({ url, headers, signal });
    if (outcome.ok) {
      log.app("INFO", `headers: ${pyDict(outcome.headers)}`);
      log.app("INFO", `body: ${pyBytes(outcome.body)}`);
    } else {
      log.app("ERROR", `Failed reaching ${url} - ${outcome.error}`);
    }
    outcomes.push(outcome);
  }
  return outcomes;
};
