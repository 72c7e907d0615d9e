// The daemon's API: a subset of the Docker Engine HTTP API (paths, JSON fields and status codes as Docker's) on the
// unix socket /var/run/docker.sock, which only root and the docker group may open.

/** The daemon's socket. */
export const DOCKER_SOCKET = "/var/run/docker.sock";
/** API version the CLI asks for. */
export const API_VERSION = "v1.41";

/** Body of POST /containers/create. */
export interface CreateBody {
  Image: string;
  Hostname?: string;
  Env?: string[];
  HostConfig?: {
    AutoRemove?: boolean;
    NetworkMode?: string;
    PortBindings?: Record<string, Array<{ HostIp?: string; HostPort?: string }>>;
  };
}

/** Header of one frame of Docker's multiplexed log stream: stream type (1 stdout, 2 stderr), 3 zero bytes, big-endian size. */
export const frame = (stream: "stdout" | "stderr", payload: string): Buffer => {
  const body = Buffer.from(payload, "utf8");
  const header = Buffer.alloc(8);
  header[0] = stream === "stdout" ? 1 : 2;
  header.writeUInt32BE(body.length, 4);
  return Buffer.concat([header, body]);
};

/** Splits a multiplexed stream into frames; returns frames and the incomplete remainder. */
export const readFrames = (buffer: Buffer): { frames: Array<{ stream: "stdout" | "stderr"; payload: Buffer }>; rest: Buffer } => {
  const frames: Array<{ stream: "stdout" | "stderr"; payload: Buffer }> = [];
  let offset = 0;
  while (buffer.length - offset >= 8) {
    const size = buffer.readUInt32BE(offset + 4);
    if (buffer.length - offset - 8 < size) break;
    frames.push({ stream: buffer[offset] === 2 ? "stderr" : "stdout", payload: buffer.subarray(offset + 8, offset + 8 + size) });
    offset += 8 + size;
  }
  return { frames, rest: buffer.subarray(offset) };
};
