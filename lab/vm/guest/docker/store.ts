// Containers as the daemon keeps them on disk (/var/lib/docker/containers/<id>/config.v2.json and <id>-json.log), so
// `docker ps -a`-like state and logs survive a daemon restart, and `--rm` containers are gone after one.
import { appendFileSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import type { PortMapping } from "./network.js";

/** Root of the daemon's state. */
export const DOCKER_ROOT = "/var/lib/docker";

/** A container record (field names follow Docker's inspect output). */
export interface Container {
  Id: string;
  /** With the leading slash, as Docker stores it. */
  Name: string;
  Image: string;
  ImageId: string;
  Created: string;
  Config: { Hostname: string; Env: string[]; Cmd: string[]; DisplayCommand: string };
  HostConfig: { AutoRemove: boolean; NetworkMode: "default" | "host"; PortBindings: PortMapping[] };
  State: { Status: "created" | "running" | "exited"; Running: boolean; Pid: number; ExitCode: number; StartedAt: string; FinishedAt: string };
  NetworkSettings: { IPAddress: string; Veth: string };
}

const dirOf = (id: string) => path.join(DOCKER_ROOT, "containers", id);
/** Path of the json-file log of a container. */
export const logPathOf = (id: string): string => path.join(dirOf(id), `${id}-json.log`);

/** Writes a container record. */
export const saveContainer = (c: Container): void => {
  mkdirSync(dirOf(c.Id), { recursive: true, mode: 0o710 });
  const file = path.join(dirOf(c.Id), "config.v2.json");
  writeFileSync(`${file}.tmp`, JSON.stringify(c));
  renameSync(`${file}.tmp`, file);
};

/** Reads every container record. */
export const loadContainers = (): Container[] => {
  let ids: string[] = [];
  try {
    ids = readdirSync(path.join(DOCKER_ROOT, "containers"));
  } catch {
    return [];
  }
  return ids.flatMap((id) => {
    try {
      return [JSON.parse(readFileSync(path.join(dirOf(id), "config.v2.json"), "utf8")) as Container];
    } catch {
      return [];
    }
  });
};

/** Deletes a container's record and logs. */
export const deleteContainer = (id: string): void => rmSync(dirOf(id), { recursive: true, force: true });

/** Appends one json-file log entry. */
export const appendLog = (id: string, stream: "stdout" | "stderr", line: string): void => {
  appendFileSync(logPathOf(id), `${JSON.stringify({ log: line, stream, time: new Date().toISOString() })}\n`);
};

/** One parsed log entry. */
export interface LogEntry {
  log: string;
  stream: "stdout" | "stderr";
  time: string;
}

/** Parses complete json-file lines from `text`; returns the entries and the unparsed remainder. */
export const parseLogChunk = (text: string): { entries: LogEntry[]; rest: string } => {
  const lines = text.split("\n");
  const rest = lines.pop() ?? "";
  const entries = lines.flatMap((l) => {
    try {
      return [JSON.parse(l) as LogEntry];
    } catch {
      return [];
    }
  });
  return { entries, rest };
};
