/**
 * The activation-lab kernel: tslab's ZeroMQ server with the protocol gaps closed (comms,
 * comm_info, execute_input/execute_result/error, history, is_complete "invalid", interrupt by
 * signal or message, status for every request).
 *
 * Execute requests run one at a time, in order. Every other request — comm messages above all —
 * is served as soon as it arrives, so a widget keeps working while a cell awaits.
 */
import { randomUUID } from "crypto";
import * as zmq from "zeromq";
import { ZmqServer } from "tslab/dist/jupyter";
import { requestInterrupt, takeInterrupt } from "../src/live";
import { BinaryLike, Header, OutputChannel, PublishOptions, currentParent, setFallbackParent, setOutputChannel, withParent } from "./channel";
import { CommManager, setCommManager } from "./comm";
import { DisplayHandle, outputsOf, settleOutputs } from "./display";
import { ActivationLabHandler, CellError } from "./handler";
import { History, HistoryRequest } from "./history";
import { kernelLog } from "./log";
import { serveWidgetControl } from "./widget";
import { WireMessage, decodeMessage, encodeMessage, newHeader } from "./wire";

type Socket = zmq.Router | zmq.Publisher;

/** One send at a time per socket (zeromq.js refuses overlapping sends), in order. */
class SendQueue {
  private readonly queue: Buffer[][] = [];
  private flushing = false;
  constructor(private readonly socket: Socket) {}

  send(frames: Buffer[]): void {
    this.queue.push(frames);
    if (!this.flushing) void this.flush();
  }

  private async flush(): Promise<void> {
    this.flushing = true;
    try {
      while (this.queue.length > 0) {
        const frames = this.queue.shift()!;
        try {
          await this.socket.send(frames);
        } catch (e) {
          kernelLog(`send failed: ${(e as Error).message}`);
        }
      }
    } finally {
      this.flushing = false;
    }
  }
}

export interface KernelOptions {
  connectionFile: string;
  /** Where user `require`s resolve from (the notebook's folder). */
  rootDir: string;
  version: string;
  /** Runs once, before the first cell (the tfjs backend choice). */
  beforeFirstCell?: () => Promise<unknown>;
  /** Runs after every cell (re-asserting process-wide guards that user code may have changed). */
  afterEachCell?: () => void;
}

export class ActivationLabKernel extends ZmqServer implements OutputChannel {
  readonly comms = new CommManager();
  readonly history = new History();
  private readonly session = randomUUID();
  private readonly kernelHandler: ActivationLabHandler;
  private readonly queues = new Map<Socket, SendQueue>();
  private executionCount = 0;
  private executeChain: Promise<void> = Promise.resolve();
  private arrivals = 0;
  /** Execute requests that arrived up to this number are aborted (an earlier cell failed). */
  private abortThrough = 0;
  private pendingStream: { parent: Header; name: "stdout" | "stderr"; text: string } | undefined;
  private streamFlushScheduled = false;
  private firstCell: Promise<unknown> | undefined;
  private warmed = false;
  /** Interrupts received so far (a cell compares counts to see one that came while it ran). */
  private interrupts = 0;

  constructor(private readonly options: KernelOptions) {
    const handler = ActivationLabHandler.create(options.rootDir, options.version);
    super(handler, options.connectionFile);
    this.kernelHandler = handler;
    this.unlimitedIopubQueue();
  }

  /**
   * ZeroMQ's default high-water mark (1,000 messages) makes a PUB socket silently drop output
   * when a cell emits a burst faster than the client reads, idle status included, which leaves
   * the front end waiting forever. tslab creates and binds the sockets inside `init`, so the
   * option is set in its bind step (options apply to connections made after they are set).
   */
  private unlimitedIopubQueue(): void {
    const self = this as unknown as { bindSocket(sock: zmq.Socket, port: number): Promise<void> };
    const bind = self.bindSocket.bind(this);
    self.bindSocket = (sock, port) => {
      if (sock === this.iopub) this.iopub.sendHighWaterMark = 0;
      return bind(sock, port);
    };
  }

  override async init(): Promise<void> {
    await super.init();
    setCommManager(this.comms);
    serveWidgetControl(this.comms);
    this.serveTslabDisplay();
    setOutputChannel(this);
    this.redirectStreams();
    process.on("SIGINT", () => this.interrupt());
    // Heavy start-up work waits until the front end has its kernel_info_reply (or 1 s).
    setTimeout(() => this.warm(), 1000).unref();
  }

  /** tslab's own `display.html(...)` API (import * as tslab from "tslab") publishes through us. */
  private serveTslabDisplay(): void {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const tslabJupyter = require("tslab/dist/jupyter") as { lastWriteDisplayData: unknown };
    tslabJupyter.lastWriteDisplayData = (data: Record<string, unknown>, update: boolean): void => {
      const transient = (data.transient ?? {}) as { display_id?: string };
      if (update && !transient.display_id) return;
      this.publish(update ? "update_display_data" : "display_data", { data: data.data, metadata: data.metadata ?? {}, transient });
    };
  }

  private warm(): void {
    if (this.warmed) return;
    this.warmed = true;
    setImmediate(() => {
      this.kernelHandler.warm();
      this.startBeforeFirstCell();
    });
  }

  private startBeforeFirstCell(): Promise<unknown> {
    if (!this.firstCell) {
      this.firstCell = this.options.beforeFirstCell?.() ?? Promise.resolve();
      this.firstCell.catch((e) => kernelLog(`start-up failed: ${(e as Error).message}`));
    }
    return this.firstCell;
  }

  interrupt(): void {
    this.interrupts++;
    requestInterrupt();
    this.kernelHandler.interrupt();
  }

  private queueFor(socket: Socket): SendQueue {
    let queue = this.queues.get(socket);
    if (!queue) this.queues.set(socket, (queue = new SendQueue(socket)));
    return queue;
  }

  /** OutputChannel: an IOPub message, child of the current request. */
  publish(msgType: string, content: Record<string, unknown>, options: PublishOptions = {}): void {
    const parent = options.parent ?? currentParent();
    if (msgType !== "stream") this.flushStreams();
    this.sendIopub(msgType, content, parent, options.buffers, options.metadata);
  }

  private sendIopub(msgType: string, content: Record<string, unknown>, parent?: Header, buffers?: BinaryLike[], metadata?: Record<string, unknown>): void {
    const frames = encodeMessage(
      { identities: [Buffer.from(`kernel.${msgType}`)], header: newHeader(msgType, this.session), parent_header: parent ?? {}, metadata, content, buffers },
      this.connInfo.key,
    );
    this.queueFor(this.iopub).send(frames);
  }

  private status(state: "busy" | "idle", parent: Header): void {
    this.flushStreams();
    this.sendIopub("status", { execution_state: state }, parent);
  }

  private reply(socket: zmq.Router, request: WireMessage, msgType: string, content: Record<string, unknown>): void {
    this.flushStreams();
    const frames = encodeMessage(
      { identities: request.identities, header: newHeader(msgType, this.session), parent_header: request.header, content },
      this.connInfo.key,
    );
    this.queueFor(socket).send(frames);
  }

  /** process.stdout/stderr → `stream` messages of the current request, batched per event-loop turn. */
  private redirectStreams(): void {
    const realStdout = process.stdout.write.bind(process.stdout);
    const realStderr = process.stderr.write.bind(process.stderr);
    const make = (name: "stdout" | "stderr", real: typeof realStdout) =>
      ((chunk: string | Uint8Array, encoding?: unknown, callback?: unknown) => {
        const parent = currentParent();
        const cb = typeof encoding === "function" ? encoding : callback;
        if (!parent) return real(chunk as string, encoding as BufferEncoding, cb as () => void);
        const text = typeof chunk === "string" ? chunk : Buffer.from(chunk).toString("utf8");
        this.appendStream(parent, name, text);
        if (typeof cb === "function") (cb as () => void)();
        return true;
      }) as typeof process.stdout.write;
    process.stdout.write = make("stdout", realStdout);
    process.stderr.write = make("stderr", realStderr);
  }

  private appendStream(parent: Header, name: "stdout" | "stderr", text: string): void {
    const pending = this.pendingStream;
    if (pending && (pending.parent.msg_id !== parent.msg_id || pending.name !== name)) this.flushStreams();
    if (this.pendingStream) this.pendingStream.text += text;
    else this.pendingStream = { parent, name, text };
    if (!this.streamFlushScheduled) {
      this.streamFlushScheduled = true;
      setImmediate(() => {
        this.streamFlushScheduled = false;
        this.flushStreams();
      });
    }
  }

  private flushStreams(): void {
    const pending = this.pendingStream;
    if (!pending) return;
    this.pendingStream = undefined;
    this.sendIopub("stream", { name: pending.name, text: pending.text }, pending.parent);
  }

  override async handleShellMessage(socket: zmq.Router, ...frames: Buffer[]): Promise<void> {
    let msg: WireMessage;
    try {
      msg = decodeMessage(frames, this.connInfo.key);
    } catch (e) {
      kernelLog(`dropped an unreadable message: ${(e as Error).message}`);
      return;
    }
    const type = msg.header.msg_type;
    if (type === "execute_request") return this.enqueueExecute(socket, msg);
    this.status("busy", msg.header);
    try {
      await withParent(msg.header, () => this.dispatch(socket, msg));
    } catch (e) {
      kernelLog(`${type} failed: ${(e as Error)?.stack ?? e}`);
    } finally {
      this.status("idle", msg.header);
    }
  }

  private async dispatch(socket: zmq.Router, msg: WireMessage): Promise<void> {
    const content = msg.content;
    switch (msg.header.msg_type) {
      case "kernel_info_request":
        this.reply(socket, msg, "kernel_info_reply", this.kernelHandler.handleKernel() as unknown as Record<string, unknown>);
        this.warm();
        return;
      case "is_complete_request":
        return this.replyWith(socket, msg, "is_complete_reply", () => this.kernelHandler.handleIsComplete({ code: stringField(content, "code") }));
      case "complete_request":
        return this.replyWith(socket, msg, "complete_reply", () =>
          this.kernelHandler.handleComplete({ code: stringField(content, "code"), cursor_pos: numberField(content, "cursor_pos") }),
        );
      case "inspect_request":
        return this.replyWith(socket, msg, "inspect_reply", () =>
          this.kernelHandler.handleInspect({ code: stringField(content, "code"), cursor_pos: numberField(content, "cursor_pos"), detail_level: 0 }),
        );
      case "history_request":
        return this.replyWith(socket, msg, "history_reply", () => ({ status: "ok", history: this.history.query(content as HistoryRequest) }));
      case "comm_info_request": {
        const target = typeof content.target_name === "string" ? content.target_name : undefined;
        return this.reply(socket, msg, "comm_info_reply", { status: "ok", comms: this.comms.info(target) });
      }
      case "comm_open":
      case "comm_msg":
      case "comm_close":
        return this.comms.handle(msg.header.msg_type, content, msg.buffers, msg.header, msg.metadata);
      case "interrupt_request":
        this.interrupt();
        return this.reply(socket, msg, "interrupt_reply", { status: "ok" });
      case "shutdown_request":
        return this.shutdown(socket, msg);
      default:
        kernelLog(`unsupported request ${msg.header.msg_type}; ignored`);
    }
  }

  /** Replies with `compute()`, or with an error reply naming the problem if it throws. */
  private replyWith(socket: zmq.Router, msg: WireMessage, replyType: string, compute: () => unknown): void {
    let content: Record<string, unknown>;
    try {
      content = { status: "ok", ...(compute() as Record<string, unknown>) };
    } catch (e) {
      const err = e as Error;
      content = { status: "error", ename: err.name || "Error", evalue: err.message, traceback: [String(err.message)] };
    }
    this.reply(socket, msg, replyType, content);
  }

  private shutdown(socket: zmq.Router, msg: WireMessage): void {
    const restart = msg.content.restart === true;
    this.reply(socket, msg, "shutdown_reply", { status: "ok", restart });
    this.status("idle", msg.header);
    // Let the reply leave before the sockets close.
    setTimeout(() => {
      try {
        this.close();
      } finally {
        process.exit(0);
      }
    }, 50);
  }

  private enqueueExecute(socket: zmq.Router, msg: WireMessage): void {
    const arrival = ++this.arrivals;
    this.executeChain = this.executeChain.then(() => this.execute(socket, msg, arrival)).catch((e) => kernelLog(`execute failed: ${(e as Error)?.stack ?? e}`));
  }

  private async execute(socket: zmq.Router, msg: WireMessage, arrival: number): Promise<void> {
    this.status("busy", msg.header);
    try {
      await withParent(msg.header, () => this.executeInContext(socket, msg, arrival));
    } finally {
      this.status("idle", msg.header);
    }
  }

  private async executeInContext(socket: zmq.Router, msg: WireMessage, arrival: number): Promise<void> {
    const content = msg.content;
    if (arrival <= this.abortThrough) {
      return this.reply(socket, msg, "execute_reply", { status: "aborted", execution_count: this.executionCount });
    }
    if (typeof content.code !== "string") {
      const error = { ename: "BadRequest", evalue: "execute_request content.code must be a string", traceback: [] as string[] };
      return this.reply(socket, msg, "execute_reply", { status: "error", execution_count: this.executionCount, ...error });
    }
    const code = content.code;
    setFallbackParent(msg.header);
    const silent = content.silent === true;
    const storeHistory = !silent && content.store_history !== false;
    if (storeHistory) this.executionCount++;
    const count = this.executionCount;
    if (!silent) this.publish("execute_input", { code, execution_count: count });
    if (storeHistory) this.history.add(count, code);
    takeInterrupt(); // an interrupt that arrived while idle must not stop this cell
    this.warm();
    const interruptsBefore = this.interrupts;
    let outcome = await this.firstCellReady().then(() => this.kernelHandler.run(code, () => this.interrupts > interruptsBefore));
    this.options.afterEachCell?.();
    // One event-loop turn: a rejection the cell left unhandled is reported now, in this cell.
    await new Promise((resolve) => setImmediate(resolve));
    await settleOutputs();
    if (outcome.ok && outcome.hasValue && !silent && !(outcome.value instanceof DisplayHandle)) {
      try {
        // A result with several outputs (a chart and its table): the last is the execute_result.
        const outputs = await outputsOf(outcome.value, true);
        for (const data of outputs.slice(0, -1)) this.publish("display_data", { data, metadata: {}, transient: {} });
        this.publish("execute_result", { execution_count: count, data: outputs[outputs.length - 1], metadata: {} });
        if (storeHistory) this.history.setOutput(count, outputs.map((data) => String(data["text/plain"] ?? "")).join("\n"));
      } catch (e) {
        outcome = { ok: false, error: { ename: "DisplayError", evalue: (e as Error).message, traceback: [(e as Error).message] } };
      }
    }
    if (!outcome.ok) return this.replyError(socket, msg, count, outcome.error);
    this.reply(socket, msg, "execute_reply", { status: "ok", execution_count: count, payload: [], user_expressions: {} });
  }

  private async firstCellReady(): Promise<void> {
    try {
      await this.startBeforeFirstCell();
    } catch {
      // Already logged; cells still run (they get the error again from the library if relevant).
    }
  }

  private replyError(socket: zmq.Router, msg: WireMessage, count: number, error: CellError): void {
    this.publish("error", { ...error });
    // Requests queued behind a failing cell are aborted, as in ipykernel (unless stop_on_error=false).
    if (msg.content.stop_on_error !== false) this.abortThrough = this.arrivals;
    this.reply(socket, msg, "execute_reply", { status: "error", execution_count: count, ...error });
  }
}

function stringField(content: Record<string, unknown>, key: string): string {
  const value = content[key];
  if (typeof value !== "string") throw new TypeError(`${key} must be a string`);
  return value;
}

function numberField(content: Record<string, unknown>, key: string): number {
  const value = content[key];
  if (typeof value !== "number" || !Number.isFinite(value)) throw new TypeError(`${key} must be a number`);
  return value;
}
