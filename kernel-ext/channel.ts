/**
 * The path from kernel-side objects (comms, widgets, `display`) to the Jupyter IOPub socket.
 *
 * Everything that publishes goes through one `OutputChannel`, installed by the kernel at
 * start-up. Outside a kernel (plain Node, unit tests) no channel is installed and publishing
 * is a no-op, so widgets still work as plain state holders there.
 *
 * Which request an output belongs to is tracked with AsyncLocalStorage: the kernel runs each
 * execute_request and each incoming comm message inside `withParent(header, ...)`, so output
 * caused by a comm handler that runs while a cell is awaiting goes to the comm message, not to
 * the cell.
 */
import { AsyncLocalStorage } from "async_hooks";

/** A Jupyter message header (messaging protocol 5.3). */
export interface Header {
  msg_id: string;
  session: string;
  username: string;
  date: string;
  msg_type: string;
  version: string;
}

/** Binary data that can travel as a message buffer. */
export type BinaryLike = ArrayBuffer | ArrayBufferView;

export interface PublishOptions {
  buffers?: BinaryLike[];
  metadata?: Record<string, unknown>;
  /** Defaults to the parent of the current async context. */
  parent?: Header;
}

export interface OutputChannel {
  publish(msgType: string, content: Record<string, unknown>, options?: PublishOptions): void;
}

let installed: OutputChannel | undefined;
const parentStore = new AsyncLocalStorage<Header>();
/**
 * The parent used when no async context carries one (output from callbacks Node runs outside
 * any request, such as process events): the latest cell, where a reader looks for it.
 */
let fallbackParent: Header | undefined;

export function setOutputChannel(channel: OutputChannel | undefined): void {
  installed = channel;
}

/** Runs `fn` with `header` as the parent of every message it (and its async continuations) publishes. */
export function withParent<T>(header: Header, fn: () => T): T {
  return parentStore.run(header, fn);
}

/** Makes `header` (an execute request) the parent for output that arrives outside any request. */
export function setFallbackParent(header: Header): void {
  fallbackParent = header;
}

export function currentParent(): Header | undefined {
  return parentStore.getStore() ?? fallbackParent;
}

/** Publishes on IOPub if a kernel is running; silently does nothing otherwise. */
export function publish(msgType: string, content: Record<string, unknown>, options: PublishOptions = {}): void {
  installed?.publish(msgType, content, options);
}
