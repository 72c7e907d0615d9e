// Watch over HTTP: newline-delimited `{type, object}` events flushed one by one (as Tables for `kubectl get -w`),
// BOOKMARK events when allowed, an ERROR event (410 Expired) for a too-old resourceVersion, and an end after
// timeoutSeconds.
import type { IncomingMessage, ServerResponse } from "node:http";
import { apiVersionOf, type ResourceDef } from "../../resources/catalog.js";
import type { StoreWatch } from "../../store/object-store.js";
import { toStatus } from "../../store/errors.js";
import { toTable, type IncludeObject } from "../tables/table.js";
import type { HandlerContext } from "./context.js";
import type { ApiQuery } from "./query.js";

/** Streams a watch until the client goes away, the timeout passes or the server shuts down. */
export const serveWatch = async (options: {
  context: HandlerContext;
  req: IncomingMessage;
  res: ServerResponse;
  def: ResourceDef;
  version: string;
  query: ApiQuery;
  asTable: boolean;
  /** Set for a single-object watch (`GET …/pods/x?watch=1`). */
  name?: string;
}): Promise<void> => {
  const { context, req, res, def, version, query, asTable } = options;
  const list = { ...query.list };
  if (options.name) list.fieldSelector = [list.fieldSelector, `metadata.name=${options.name}`].filter(Boolean).join(",");
  const includeObject: IncludeObject = query.includeObject;
  let sentColumns = false;
  res.writeHead(200, {
    "Content-Type": asTable ? "application/json;as=Table;v=v1;g=meta.k8s.io" : "application/json",
    "Cache-Control": "no-cache, private",
    "Transfer-Encoding": "chunked",
  });
  res.flushHeaders();
  const write = (line: unknown) => {
    if (!res.writableEnded) res.write(`${JSON.stringify(line)}\n`);
  };
  await new Promise<void>((resolve) => {
    let watch: StoreWatch | undefined;
    let bookmarkTimer: NodeJS.Timeout | undefined;
    let finished = false;
    const finish = () => {
      if (finished) return;
      finished = true;
      watch?.stop();
      if (bookmarkTimer) clearInterval(bookmarkTimer);
      clearTimeout(timeout);
      untrack();
      if (!res.writableEnded) res.end();
      resolve();
    };
    const untrack = context.trackStream(finish);
    const seconds = query.timeoutSeconds ?? context.defaultWatchSeconds;
    const timeout = setTimeout(finish, Math.max(0, seconds) * 1000);
    req.on("close", finish);
    res.on("close", finish);
    try {
      watch = context.registry.watch(def, version, list, (event) => {
        if (asTable) {
          write({ type: event.type, object: toTable({ def, version, objects: [event.object], includeObject, withColumns: !sentColumns, listMetadata: { resourceVersion: event.object.metadata.resourceVersion } }) });
          sentColumns = true;
        } else write({ type: event.type, object: event.object });
      });
    } catch (error) {
      write({ type: "ERROR", object: toStatus(error) });
      finish();
      return;
    }
    if (query.allowWatchBookmarks) {
      bookmarkTimer = setInterval(() => {
        const rv = String(context.registry.store.resourceVersion());
        const object = asTable
          ? { kind: "Table", apiVersion: "meta.k8s.io/v1", metadata: { resourceVersion: rv }, columnDefinitions: [], rows: [] }
          : { kind: def.kind, apiVersion: apiVersionOf(def.group, version), metadata: { resourceVersion: rv } };
        write({ type: "BOOKMARK", object });
      }, context.bookmarkIntervalMs);
    }
  });
};
