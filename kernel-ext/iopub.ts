/**
 * What the kernel publishes on IOPub, in order: status around each request, and the cell's
 * stdout/stderr as `stream` messages. A cell that prints in a loop would otherwise send one
 * message per write; consecutive writes to the same stream of the same request are joined and
 * sent once per event-loop turn, or sooner when any other message (or a reply) must go out, so
 * that output never overtakes or trails what it was printed before.
 */
import { BinaryLike, Header, currentParent } from "./channel";

export type StreamName = "stdout" | "stderr";

/** Sends one IOPub message (the transport's `sendIopub`). */
export type IopubSend = (msgType: string, content: Record<string, unknown>, parent?: Header, buffers?: BinaryLike[], metadata?: Record<string, unknown>) => void;

export class IopubBatcher {
  private pending: { parent: Header; name: StreamName; text: string } | undefined;
  private flushScheduled = false;

  /** `schedule` runs the end-of-turn flush (setImmediate; tests pass their own). */
  constructor(
    private readonly send: IopubSend,
    private readonly schedule: (flush: () => void) => void = setImmediate,
  ) {}

  /** Sends a message after the stream output that came before it. */
  publish(msgType: string, content: Record<string, unknown>, parent?: Header, buffers?: BinaryLike[], metadata?: Record<string, unknown>): void {
    if (msgType !== "stream") this.flush();
    this.send(msgType, content, parent, buffers, metadata);
  }

  status(state: "busy" | "idle", parent: Header): void {
    this.flush();
    this.send("status", { execution_state: state }, parent);
  }

  /** Appends `text` to the pending stream message, first sending one of another request or stream. */
  write(parent: Header, name: StreamName, text: string): void {
    const pending = this.pending;
    if (pending && (pending.parent.msg_id !== parent.msg_id || pending.name !== name)) this.flush();
    if (this.pending) this.pending.text += text;
    else this.pending = { parent, name, text };
    if (!this.flushScheduled) {
      this.flushScheduled = true;
      this.schedule(() => {
        this.flushScheduled = false;
        this.flush();
      });
    }
  }

  /** Sends the pending stream message, if any. */
  flush(): void {
    const pending = this.pending;
    if (!pending) return;
    this.pending = undefined;
    this.send("stream", { name: pending.name, text: pending.text }, pending.parent);
  }
}

/**
 * process.stdout/stderr → `stream` messages of the current request. Writes made outside any
 * request (the kernel's own start-up) still reach the real streams.
 */
export function captureProcessStreams(batcher: IopubBatcher): void {
  const realStdout = process.stdout.write.bind(process.stdout);
  const realStderr = process.stderr.write.bind(process.stderr);
  const make = (name: StreamName, real: typeof realStdout) =>
    ((chunk: string | Uint8Array, encoding?: unknown, callback?: unknown) => {
      const parent = currentParent();
      const cb = typeof encoding === "function" ? encoding : callback;
      if (!parent) return real(chunk as string, encoding as BufferEncoding, cb as () => void);
      const text = typeof chunk === "string" ? chunk : Buffer.from(chunk).toString("utf8");
      batcher.write(parent, name, text);
      if (typeof cb === "function") (cb as () => void)();
      return true;
    }) as typeof process.stdout.write;
  process.stdout.write = make("stdout", realStdout);
  process.stderr.write = make("stderr", realStderr);
}
