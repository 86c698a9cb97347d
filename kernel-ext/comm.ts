/**
 * Jupyter comms, kernel side: a registry of targets and the open comms, messages both ways.
 *
 * Front-end messages arrive through `CommManager.handle`; anything wrong with them (unknown
 * comm, missing fields, a handler that throws) is logged on stderr and otherwise ignored, so a
 * misbehaving front end can never take the kernel down.
 */
import { randomUUID } from "crypto";
import { BinaryLike, Header, publish } from "./channel";
import { kernelLog } from "./log";

/** A comm message as handed to handlers: the message's `data`, its buffers and headers. */
export interface CommMessage {
  commId: string;
  data: Record<string, unknown>;
  metadata: Record<string, unknown>;
  buffers: DataView[];
  header?: Header;
}

export type CommMessageHandler = (msg: CommMessage) => void | Promise<void>;
/** Called when a front end opens a comm on a registered target. */
export type CommTargetHandler = (comm: Comm, openMsg: CommMessage) => void | Promise<void>;

export interface CommOpenOptions {
  data?: Record<string, unknown>;
  metadata?: Record<string, unknown>;
  buffers?: BinaryLike[];
  /** Reuse a known id (tests, or restoring); a fresh UUID otherwise. */
  commId?: string;
}

/** Logs a problem with an incoming message without throwing. */
export function logCommError(message: string): void {
  kernelLog(`comm: ${message}`);
  commErrorCount++;
}
let commErrorCount = 0;
/** How many bad incoming messages were logged (tests check that junk is seen and dropped). */
export function commErrors(): number {
  return commErrorCount;
}

export class Comm {
  private readonly messageHandlers: CommMessageHandler[] = [];
  private readonly closeHandlers: CommMessageHandler[] = [];
  private closed = false;

  constructor(
    readonly id: string,
    readonly targetName: string,
    private readonly manager: CommManager,
  ) {}

  get isClosed(): boolean {
    return this.closed;
  }

  /** Sends `comm_msg` to the front end. */
  send(data: Record<string, unknown>, buffers: BinaryLike[] = [], metadata: Record<string, unknown> = {}): void {
    if (this.closed) throw new Error(`comm ${this.id} (${this.targetName}) is closed; it cannot send`);
    publish("comm_msg", { comm_id: this.id, data }, { buffers, metadata });
  }

  /** Closes the comm from the kernel side (sends `comm_close`). Closing twice is harmless. */
  close(data: Record<string, unknown> = {}): void {
    if (this.closed) return;
    this.closed = true;
    this.manager.forget(this.id);
    publish("comm_close", { comm_id: this.id, data });
  }

  onMessage(handler: CommMessageHandler): void {
    this.messageHandlers.push(handler);
  }

  onClose(handler: CommMessageHandler): void {
    this.closeHandlers.push(handler);
  }

  /** @internal the manager delivers front-end messages here. */
  async deliver(msg: CommMessage): Promise<void> {
    for (const handler of this.messageHandlers) await runHandler(handler, msg, `comm ${this.id} message handler`);
  }

  /** @internal a `comm_close` from the front end. */
  async closedByFrontEnd(msg: CommMessage): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.manager.forget(this.id);
    for (const handler of this.closeHandlers) await runHandler(handler, msg, `comm ${this.id} close handler`);
  }
}

async function runHandler(handler: CommMessageHandler, msg: CommMessage, what: string): Promise<void> {
  try {
    await handler(msg);
  } catch (e) {
    // A handler's error belongs to user code: show it on stderr (which goes to the
    // front end as output of this comm message), never crash the kernel.
    const err = e as Error;
    process.stderr.write(`${what} failed: ${err?.stack ?? String(e)}\n`);
  }
}

function isRecord(x: unknown): x is Record<string, unknown> {
  return typeof x === "object" && x !== null && !Array.isArray(x);
}

function toDataViews(buffers: readonly Buffer[]): DataView[] {
  return buffers.map((b) => new DataView(b.buffer, b.byteOffset, b.byteLength));
}

export class CommManager {
  private readonly comms = new Map<string, Comm>();
  private readonly targets = new Map<string, CommTargetHandler>();

  registerTarget(targetName: string, handler: CommTargetHandler): void {
    this.targets.set(targetName, handler);
  }

  unregisterTarget(targetName: string): void {
    this.targets.delete(targetName);
  }

  /** Opens a comm from the kernel side (sends `comm_open`). */
  open(targetName: string, options: CommOpenOptions = {}): Comm {
    const comm = new Comm(options.commId ?? randomUUID().replace(/-/g, ""), targetName, this);
    this.comms.set(comm.id, comm);
    publish(
      "comm_open",
      { comm_id: comm.id, target_name: targetName, data: options.data ?? {} },
      { buffers: options.buffers ?? [], metadata: options.metadata ?? {} },
    );
    return comm;
  }

  get(commId: string): Comm | undefined {
    return this.comms.get(commId);
  }

  /** Open comms, optionally only those on one target: the content of `comm_info_reply`. */
  info(targetName?: string): Record<string, { target_name: string }> {
    const out: Record<string, { target_name: string }> = {};
    for (const comm of this.comms.values()) {
      if (targetName === undefined || targetName === "" || comm.targetName === targetName) {
        out[comm.id] = { target_name: comm.targetName };
      }
    }
    return out;
  }

  /** @internal */
  forget(commId: string): void {
    this.comms.delete(commId);
  }

  /**
   * Handles `comm_open`, `comm_msg` or `comm_close` from a front end. Never throws: problems
   * are logged and the message dropped.
   */
  async handle(msgType: string, content: unknown, buffers: readonly Buffer[] = [], header?: Header, metadata: unknown = {}): Promise<void> {
    if (!isRecord(content)) return logCommError(`${msgType} without a content object; dropped`);
    const commId = content.comm_id;
    if (typeof commId !== "string" || commId === "") {
      return logCommError(`${msgType} without a string comm_id; dropped`);
    }
    const data = content.data === undefined ? {} : content.data;
    if (!isRecord(data)) return logCommError(`${msgType} for comm ${commId}: data is not an object; dropped`);
    const msg: CommMessage = {
      commId,
      data,
      metadata: isRecord(metadata) ? metadata : {},
      buffers: toDataViews(buffers),
      header,
    };
    switch (msgType) {
      case "comm_open":
        return this.handleOpen(content, msg);
      case "comm_msg": {
        const comm = this.comms.get(commId);
        if (!comm) return logCommError(`comm_msg for unknown comm ${commId}; dropped`);
        return comm.deliver(msg);
      }
      case "comm_close": {
        const comm = this.comms.get(commId);
        if (!comm) return logCommError(`comm_close for unknown comm ${commId}; dropped`);
        return comm.closedByFrontEnd(msg);
      }
      default:
        return logCommError(`unexpected message type ${msgType}; dropped`);
    }
  }

  private async handleOpen(content: Record<string, unknown>, msg: CommMessage): Promise<void> {
    const targetName = content.target_name;
    if (typeof targetName !== "string") return logCommError(`comm_open ${msg.commId} without a target_name; dropped`);
    const target = this.targets.get(targetName);
    if (!target) {
      // As ipykernel does: tell the front end the comm is dead so it does not wait on it.
      logCommError(`comm_open for unknown target "${targetName}"; known: ${[...this.targets.keys()].join(", ") || "none"}`);
      publish("comm_close", { comm_id: msg.commId, data: {} });
      return;
    }
    if (this.comms.has(msg.commId)) return logCommError(`comm_open for comm ${msg.commId}, which is already open; dropped`);
    const comm = new Comm(msg.commId, targetName, this);
    this.comms.set(comm.id, comm);
    try {
      await target(comm, msg);
    } catch (e) {
      process.stderr.write(`comm target "${targetName}" failed to open ${msg.commId}: ${(e as Error)?.stack ?? e}\n`);
    }
  }
}

let manager = new CommManager();

/** The process-wide comm manager (the kernel's, or a detached one outside a kernel). */
export function commManager(): CommManager {
  return manager;
}

/** Replaces the process-wide manager (kernel start-up and tests). */
export function setCommManager(next: CommManager): void {
  manager = next;
}
