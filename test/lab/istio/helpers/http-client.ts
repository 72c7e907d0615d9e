// curl inside a namespace (the workload's own client, not the proxy's uid), parsed into status, headers and body.
import type { TestNode } from "./testnet.js";

/** One curl result. */
export interface CurlResult {
  /** 0 when curl got a response; curl's exit code otherwise (7 refused, 52 empty reply, 56 reset…). */
  exitCode: number;
  status: number;
  headers: Record<string, string>;
  body: string;
  stderr: string;
}

/** Runs `curl -sS -D -` for `url` in `node`'s namespace (as root, so its traffic is captured). */
export const curl = async (node: TestNode, url: string, { headers = {}, maxTimeSeconds = 20 }: { headers?: Record<string, string>; maxTimeSeconds?: number } = {}): Promise<CurlResult> => {
  const argv = ["curl", "-sS", "-D", "-", "--max-time", String(maxTimeSeconds)];
  for (const [k, v] of Object.entries(headers)) argv.push("-H", `${k}: ${v}`);
  argv.push(url);
  const r = await node.exec(argv, { allowFailure: true, timeoutMs: (maxTimeSeconds + 5) * 1000 });
  if (r.exitCode !== 0) return { exitCode: r.exitCode, status: 0, headers: {}, body: "", stderr: r.stderr };
  const split = r.stdout.indexOf("\r\n\r\n");
  const head = r.stdout.slice(0, split);
  const body = r.stdout.slice(split + 4);
  const [statusLine, ...headerLines] = head.split("\r\n");
  const out: Record<string, string> = {};
  for (const line of headerLines) {
    const i = line.indexOf(":");
    if (i > 0) out[line.slice(0, i).toLowerCase()] = line.slice(i + 1).trim();
  }
  return { exitCode: 0, status: Number(/^HTTP\/[\d.]+ (\d{3})/.exec(statusLine ?? "")?.[1] ?? 0), headers: out, body, stderr: r.stderr };
};

/** GETs a proxy admin path (127.0.0.1:15000) from inside the namespace. */
export const admin = async (node: TestNode, pathAndQuery: string): Promise<string> => {
  const r = await node.exec(["curl", "-sS", "--max-time", "10", `http://127.0.0.1:15000${pathAndQuery}`]);
  return r.stdout;
};
