// A one-shot TCP client inside a namespace: send a line, half-close, print what comes back (or the error code).
import type { TestNode } from "./testnet.js";

const SCRIPT = `
const net = require("net");
const [host, port, payload] = process.argv.slice(1);
const s = net.connect(Number(port), host);
let data = "";
s.on("connect", () => s.end(payload));
s.on("data", (c) => (data += c));
s.on("error", (e) => { process.stdout.write("ERROR " + e.code); process.exitCode = 3; });
s.on("close", () => { if (!process.exitCode) process.stdout.write("OK " + data); });
`;

/** Sends `payload` to host:port and returns "OK <reply>" or "ERROR <code>"; an empty reply is "OK ". */
export const tcpExchange = async (node: TestNode, host: string, port: number, payload: string): Promise<string> =>
  (await node.exec(["node", "-e", SCRIPT, host, String(port), payload], { allowFailure: true, timeoutMs: 20_000 })).stdout;
