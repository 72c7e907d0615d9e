// Reads the output of `ping` (iputils, as on Debian/Ubuntu; BusyBox's summary too): replies, errors and the summary.
import { ParseError, excerptOf } from "./errors.js";
import { linesOf } from "./text.js";

/** One echo reply. */
export interface PingReply {
  from: string;
  seq: number;
  ttl?: number;
  timeMs?: number;
}

/** Round-trip times in milliseconds. */
export interface PingRtt {
  minMs: number;
  avgMs: number;
  maxMs: number;
  mdevMs?: number;
}

/** What a ping run reported. */
export interface PingSummary {
  /** The target as typed (name or address). */
  target?: string;
  /** The address the name resolved to. */
  address?: string;
  transmitted: number;
  received: number;
  /** ICMP errors reported by iputils ("+3 errors"), e.g. Destination Host Unreachable. */
  errors: number;
  duplicates: number;
  lossPercent: number;
  timeMs?: number;
  rtt?: PingRtt;
  replies: PingReply[];
  /** Lines that report a problem: "From … Destination Host Unreachable", "ping: sendmsg: …", "ping: x: Name or service not known". */
  problems: string[];
  /** False when ping stopped before printing its statistics (unknown host, network unreachable). */
  complete: boolean;
}

const HEADER = /^PING\s+(\S+?)\s*\(([^)]+)\)/;
const REPLY = /^\d+ bytes from (.+?): (?:icmp_)?seq=(\d+)(?: ttl=(\d+))?(?: time[=<]([\d.]+) ?ms)?/;
const STATS = /^(\d+) packets transmitted, (\d+)(?: packets)? received(?:, \+(\d+) duplicates)?(?:, \+(\d+) errors)?, ([\d.]+)% packet loss(?:, time (\d+)ms)?/;
const RTT = /^(?:rtt|round-trip) min\/avg\/max(?:\/(?:mdev|stddev))? = ([\d.]+)\/([\d.]+)\/([\d.]+)(?:\/([\d.]+))? ms/;
const PROBLEM = /^(?:From \S+.*(?:Unreachable|Exceeded|Redirect|Prohibited|Filtered)|ping: .+|Request timeout for icmp_seq \d+)/i;

/** Parses ping's output; throws ParseError when it holds neither statistics nor a recognisable error. */
export const parsePing = (text: string): PingSummary => {
  const summary: PingSummary = { transmitted: 0, received: 0, errors: 0, duplicates: 0, lossPercent: 100, replies: [], problems: [], complete: false };
  for (const raw of linesOf(text)) {
    const line = raw.trim();
    let m: RegExpExecArray | null;
    if ((m = HEADER.exec(line))) {
      summary.target = m[1]!;
      summary.address = m[2]!.trim();
    } else if ((m = REPLY.exec(line))) {
      const from = m[1]!.replace(/^.*\((.+)\)$/, "$1");
      summary.replies.push({ from, seq: Number(m[2]), ...(m[3] ? { ttl: Number(m[3]) } : {}), ...(m[4] ? { timeMs: Number(m[4]) } : {}) });
    } else if ((m = STATS.exec(line))) {
      summary.transmitted = Number(m[1]);
      summary.received = Number(m[2]);
      summary.duplicates = m[3] ? Number(m[3]) : 0;
      summary.errors = m[4] ? Number(m[4]) : 0;
      summary.lossPercent = Number(m[5]);
      if (m[6]) summary.timeMs = Number(m[6]);
      summary.complete = true;
    } else if ((m = RTT.exec(line))) {
      summary.rtt = { minMs: Number(m[1]), avgMs: Number(m[2]), maxMs: Number(m[3]), ...(m[4] ? { mdevMs: Number(m[4]) } : {}) };
    } else if (PROBLEM.test(line)) {
      summary.problems.push(line);
    }
  }
  if (!summary.complete && summary.problems.length === 0) {
    throw new ParseError("a saída do ping", "não há a linha de estatísticas (\"N packets transmitted, M received…\")", excerptOf(text));
  }
  return summary;
};
