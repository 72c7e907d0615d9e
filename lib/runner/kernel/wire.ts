// The Jupyter messaging wire format (protocol 5.3): signed multipart frames, as kernels and clients exchange them.
import { createHmac, randomUUID } from "node:crypto";

/** A message header. */
export interface MessageHeader {
  msg_id: string;
  session: string;
  username: string;
  date: string;
  msg_type: string;
  version: string;
}

/** A decoded Jupyter message. */
export interface JupyterMessage<C = Record<string, unknown>> {
  identities: Buffer[];
  header: MessageHeader;
  parent_header: Partial<MessageHeader>;
  metadata: Record<string, unknown>;
  content: C;
  buffers: Buffer[];
}

const DELIMITER = "<IDS|MSG>";

/** Builds a new message header. */
export const newHeader = (msgType: string, session: string): MessageHeader => ({
  msg_id: randomUUID(),
  session,
  username: "runbook",
  date: new Date().toISOString(),
  msg_type: msgType,
  version: "5.3",
});

/** HMAC-SHA256 signature of the four JSON parts (empty key = unsigned). */
export const sign = (key: string, parts: readonly string[]): string => {
  if (!key) return "";
  const hmac = createHmac("sha256", key);
  for (const part of parts) hmac.update(part);
  return hmac.digest("hex");
};

/** Encodes a message into frames. */
export const encode = (key: string, msg: Omit<JupyterMessage, "identities" | "buffers"> & { identities?: Buffer[] }): Buffer[] => {
  const parts = [JSON.stringify(msg.header), JSON.stringify(msg.parent_header), JSON.stringify(msg.metadata), JSON.stringify(msg.content)];
  return [...(msg.identities ?? []), Buffer.from(DELIMITER), Buffer.from(sign(key, parts)), ...parts.map((p) => Buffer.from(p))];
};

/** Decodes frames into a message, verifying the signature; throws on a bad signature or shape. */
export const decode = (key: string, frames: readonly Buffer[]): JupyterMessage => {
  const at = frames.findIndex((f) => f.toString() === DELIMITER);
  if (at < 0 || frames.length < at + 6) throw new Error("mensagem Jupyter malformada");
  const [signature, header, parent, metadata, content] = frames.slice(at + 1, at + 6).map((f) => f.toString("utf8"));
  const expected = sign(key, [header!, parent!, metadata!, content!]);
  if (key && expected !== signature) throw new Error("assinatura inválida em mensagem do kernel");
  return {
    identities: frames.slice(0, at),
    header: JSON.parse(header!) as MessageHeader,
    parent_header: JSON.parse(parent!) as Partial<MessageHeader>,
    metadata: JSON.parse(metadata!) as Record<string, unknown>,
    content: JSON.parse(content!) as Record<string, unknown>,
    buffers: frames.slice(at + 6),
  };
};
