/**
 * The Jupyter wire protocol (messaging 5.3): ZeroMQ frames ⇄ messages, HMAC-SHA256 signed.
 *
 *   [routing ids..., "<IDS|MSG>", signature, header, parent_header, metadata, content, buffers...]
 *
 * Binary buffers travel as raw frames after the content and are not part of the signature.
 */
import { createHmac, randomUUID, timingSafeEqual } from "crypto";
import { BinaryLike, Header } from "./channel";
import { bytesOf } from "./widget-buffers";

export const PROTOCOL_VERSION = "5.3";
const DELIMITER = Buffer.from("<IDS|MSG>");

export interface WireMessage {
  /** ZeroMQ routing prefix (who to answer on a ROUTER socket). */
  identities: Buffer[];
  header: Header;
  /** `{}` for messages without a parent. */
  parent_header: Header | Record<string, never>;
  metadata: Record<string, unknown>;
  content: Record<string, unknown>;
  buffers: Buffer[];
}

function sign(key: string, parts: readonly (Buffer | string)[]): string {
  if (key === "") return "";
  const hmac = createHmac("sha256", key);
  for (const part of parts) hmac.update(part);
  return hmac.digest("hex");
}

function parseJsonObject(frame: Buffer | undefined, what: string): Record<string, unknown> {
  if (frame === undefined) throw new Error(`message has no ${what} frame`);
  const value: unknown = JSON.parse(frame.toString("utf8"));
  if (typeof value !== "object" || value === null || Array.isArray(value)) throw new Error(`${what} is not a JSON object`);
  return value as Record<string, unknown>;
}

/** Parses and verifies a message; throws an Error saying what is wrong with it. */
export function decodeMessage(frames: readonly Buffer[], key: string): WireMessage {
  const delimiterAt = frames.findIndex((frame) => frame.equals(DELIMITER));
  if (delimiterAt < 0) throw new Error("message has no <IDS|MSG> delimiter");
  const signature = frames[delimiterAt + 1]?.toString("ascii") ?? "";
  const body = frames.slice(delimiterAt + 2, delimiterAt + 6);
  if (body.length < 4) throw new Error(`message has ${body.length} of the 4 JSON frames`);
  if (key !== "") {
    const expected = Buffer.from(sign(key, body));
    const got = Buffer.from(signature);
    if (expected.length !== got.length || !timingSafeEqual(expected, got)) throw new Error("message signature does not match");
  }
  const header = parseJsonObject(body[0], "header");
  if (typeof header.msg_type !== "string" || typeof header.msg_id !== "string") {
    throw new Error("header lacks msg_type or msg_id");
  }
  return {
    identities: frames.slice(0, delimiterAt),
    header: header as unknown as Header,
    parent_header: parseJsonObject(body[1], "parent_header") as WireMessage["parent_header"],
    metadata: parseJsonObject(body[2], "metadata"),
    content: parseJsonObject(body[3], "content"),
    buffers: frames.slice(delimiterAt + 6),
  };
}

export function newHeader(msgType: string, session: string): Header {
  return {
    msg_id: randomUUID(),
    session,
    username: "kernel",
    date: new Date().toISOString(),
    msg_type: msgType,
    version: PROTOCOL_VERSION,
  };
}

export interface OutgoingMessage {
  identities?: Buffer[];
  header: Header;
  parent_header?: Header | Record<string, never>;
  metadata?: Record<string, unknown>;
  content: Record<string, unknown>;
  buffers?: BinaryLike[];
}

/** Serialises and signs a message into ZeroMQ frames. */
export function encodeMessage(msg: OutgoingMessage, key: string): Buffer[] {
  const body = [
    Buffer.from(JSON.stringify(msg.header)),
    Buffer.from(JSON.stringify(msg.parent_header ?? {})),
    Buffer.from(JSON.stringify(msg.metadata ?? {})),
    Buffer.from(JSON.stringify(msg.content)),
  ];
  const buffers = (msg.buffers ?? []).map((b) => {
    const bytes = bytesOf(b);
    return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  });
  return [...(msg.identities ?? []), DELIMITER, Buffer.from(sign(key, body)), ...body, ...buffers];
}
