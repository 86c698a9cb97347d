/**
 * Every request except execute_request is served as soon as it arrives (comm messages above
 * all, so a widget keeps working while a cell awaits): status busy, the handler its msg_type
 * names (inside `withParent`, so what it publishes is a child of the request), status idle. A
 * msg_type without a handler is logged and left unanswered, as Jupyter's own kernels do.
 */
import { Header, withParent } from "./channel";
import { kernelLog } from "./log";
import { WireMessage } from "./wire";

export type RequestHandler<S> = (socket: S, msg: WireMessage) => void | Promise<void>;

export class DispatchTable<S> {
  private readonly handlers: ReadonlyMap<string, RequestHandler<S>>;

  /** `status` publishes busy/idle on IOPub. */
  constructor(
    handlers: Readonly<Record<string, RequestHandler<S>>>,
    private readonly status: (state: "busy" | "idle", parent: Header) => void,
  ) {
    this.handlers = new Map(Object.entries(handlers));
  }

  /** Serves one request; never throws (a failing handler is logged, and idle still follows). */
  async serve(socket: S, msg: WireMessage): Promise<void> {
    const type = msg.header.msg_type;
    this.status("busy", msg.header);
    try {
      await withParent(msg.header, () => this.dispatch(socket, msg));
    } catch (e) {
      kernelLog(`${type} failed: ${(e as Error)?.stack ?? e}`);
    } finally {
      this.status("idle", msg.header);
    }
  }

  /** Whether `msgType` has a handler (names inherited from Object.prototype do not). */
  handles(msgType: string): boolean {
    return this.handlers.has(msgType);
  }

  private dispatch(socket: S, msg: WireMessage): void | Promise<void> {
    const handler = this.handlers.get(msg.header.msg_type);
    if (!handler) {
      kernelLog(`unsupported request ${msg.header.msg_type}; ignored`);
      return;
    }
    return handler(socket, msg);
  }
}

/** The content of a reply: `compute()`'s fields with status ok, or an error naming the problem if it throws. */
export function replyContent(compute: () => unknown): Record<string, unknown> {
  try {
    return { status: "ok", ...(compute() as Record<string, unknown>) };
  } catch (e) {
    const err = e as Error;
    return { status: "error", ename: err.name || "Error", evalue: err.message, traceback: [String(err.message)] };
  }
}

export function stringField(content: Record<string, unknown>, key: string): string {
  const value = content[key];
  if (typeof value !== "string") throw new TypeError(`${key} must be a string`);
  return value;
}

export function numberField(content: Record<string, unknown>, key: string): number {
  const value = content[key];
  if (typeof value !== "number" || !Number.isFinite(value)) throw new TypeError(`${key} must be a number`);
  return value;
}
