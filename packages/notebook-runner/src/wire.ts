/**
 * Jupyter wire protocol (messaging spec 5.3): building, signing, parsing and verifying messages.
 * No sockets here, so the framing rules can be tested without a kernel.
 */
import { createHmac, randomBytes, randomUUID, timingSafeEqual } from "node:crypto";

export const PROTOCOL_VERSION = "5.3";

const DELIMITER = Buffer.from("<IDS|MSG>");

export type JsonObject = { [key: string]: unknown };

export function isObject(value: unknown): value is JsonObject {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

export interface MessageHeader {
  msg_id: string;
  msg_type: string;
  session: string;
  username: string;
  date: string;
  version: string;
}

export interface Message {
  header: MessageHeader;
  /** The header of the request this message answers; `{}` when there is none. */
  parent_header: Partial<MessageHeader>;
  metadata: JsonObject;
  content: JsonObject;
  buffers: Buffer[];
}

/** An HMAC key that is never empty: tslab rejects empty signatures even with an empty key. */
export function newKey(): string {
  return randomBytes(32).toString("hex");
}

export function sign(key: string, parts: readonly (Buffer | string)[]): string {
  const hmac = createHmac("sha256", key);
  for (const p of parts) hmac.update(p);
  return hmac.digest("hex");
}

export class Session {
  readonly id = randomUUID();

  constructor(private readonly key: string) {
    if (key === "") throw new Error("the signing key must not be empty");
  }

  newMessage(msgType: string, content: JsonObject): Message {
    return {
      header: {
        msg_id: randomUUID(),
        msg_type: msgType,
        session: this.id,
        username: "run-notebook",
        date: new Date().toISOString(),
        version: PROTOCOL_VERSION,
      },
      parent_header: {},
      metadata: {},
      content,
      buffers: [],
    };
  }

  /** Frames for a DEALER socket: the ROUTER on the kernel side adds our routing identity itself. */
  serialize(msg: Message): Buffer[] {
    const parts = [msg.header, msg.parent_header, msg.metadata, msg.content].map((p) => Buffer.from(JSON.stringify(p)));
    return [DELIMITER, Buffer.from(sign(this.key, parts)), ...parts, ...msg.buffers];
  }

  /**
   * Parses `[identities..., <IDS|MSG>, signature, header, parent, metadata, content, buffers...]`.
   * Throws on a missing delimiter, a bad signature or malformed JSON: the kernel we started is the
   * only legitimate sender, so anything else means the channel cannot be trusted.
   */
  deserialize(frames: readonly Buffer[]): Message {
    const at = frames.findIndex((f) => f.equals(DELIMITER));
    if (at < 0) throw new Error("kernel message without <IDS|MSG> delimiter");
    if (frames.length < at + 6) throw new Error(`kernel message with ${frames.length - at - 1} frames after the delimiter, want at least 5`);
    const signature = frames[at + 1];
    const parts = frames.slice(at + 2, at + 6);
    const expected = Buffer.from(sign(this.key, parts));
    if (signature.length !== expected.length || !timingSafeEqual(signature, expected)) {
      throw new Error("kernel message with an invalid HMAC signature");
    }
    const [header, parent, metadata, content] = parts.map((p, i) => {
      const value: unknown = JSON.parse(p.toString("utf8"));
      if (value === null || typeof value !== "object" || Array.isArray(value)) {
        throw new Error(`kernel message part ${i} is not a JSON object`);
      }
      return value as JsonObject;
    });
    if (typeof header.msg_type !== "string" || typeof header.msg_id !== "string") {
      throw new Error("kernel message header without msg_type/msg_id");
    }
    return {
      header: header as unknown as MessageHeader,
      parent_header: parent as Partial<MessageHeader>,
      metadata,
      content,
      buffers: frames.slice(at + 6),
    };
  }
}
