/**
 * The activation-lab kernel, composed of parts with one job each: the ZeroMQ transport
 * (transport.ts, on tslab's server), IOPub ordering and stream batching (iopub.ts), the table of
 * request handlers (dispatch.ts) and the execute queue (execute-queue.ts); tslab compiles and
 * runs the cells (handler.ts). Beyond tslab it serves comms, comm_info, execute_input /
 * execute_result / error, history, is_complete "invalid", interrupt by signal or message, and
 * status for every request.
 *
 * Execute requests run one at a time, in order. Every other request — comm messages above all —
 * is served as soon as it arrives, so a widget keeps working while a cell awaits.
 */
import * as zmq from "zeromq";
import { requestInterrupt, takeInterrupt } from "../src/live";
import { OutputChannel, PublishOptions, currentParent, setFallbackParent, setOutputChannel, withParent } from "./channel";
import { CommManager, setCommManager } from "./comm";
import { DispatchTable, numberField, replyContent, stringField } from "./dispatch";
import { DisplayHandle, outputsOf, settleOutputs } from "./display";
import { ExecuteQueue } from "./execute-queue";
import { ActivationLabHandler, CellError } from "./handler";
import { History, HistoryRequest } from "./history";
import { IopubBatcher, captureProcessStreams } from "./iopub";
import { kernelLog } from "./log";
import { KernelTransport } from "./transport";
import { serveWidgetControl } from "./widget";
import { WireMessage } from "./wire";

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

export class ActivationLabKernel implements OutputChannel {
  readonly comms = new CommManager();
  readonly history = new History();
  private readonly cells: ActivationLabHandler;
  private readonly transport: KernelTransport;
  private readonly iopub: IopubBatcher;
  private readonly requests: DispatchTable<zmq.Router>;
  private readonly executeQueue = new ExecuteQueue();
  private executionCount = 0;
  private firstCell: Promise<unknown> | undefined;
  private warmed = false;

  constructor(private readonly options: KernelOptions) {
    this.cells = ActivationLabHandler.create(options.rootDir, options.version);
    this.transport = new KernelTransport(this.cells, options.connectionFile);
    this.iopub = new IopubBatcher((...message) => this.transport.sendIopub(...message));
    this.requests = new DispatchTable(this.requestHandlers(), (state, parent) => this.iopub.status(state, parent));
    this.transport.onRequest((socket, msg) =>
      msg.header.msg_type === "execute_request" ? this.executeQueue.enqueue((aborted) => this.execute(socket, msg, aborted)) : this.requests.serve(socket, msg),
    );
  }

  async init(): Promise<void> {
    await this.transport.init();
    setCommManager(this.comms);
    serveWidgetControl(this.comms);
    this.serveTslabDisplay();
    setOutputChannel(this);
    captureProcessStreams(this.iopub);
    process.on("SIGINT", () => this.interrupt());
    // Heavy start-up work waits until the front end has its kernel_info_reply (or 1 s).
    setTimeout(() => this.warm(), 1000).unref();
  }

  /** Closes the sockets (and tslab's compiler). */
  close(): void {
    this.transport.close();
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
      this.cells.warm();
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
    this.executeQueue.interrupt();
    requestInterrupt();
    this.cells.interrupt();
  }

  /** OutputChannel: an IOPub message, child of the current request. */
  publish(msgType: string, content: Record<string, unknown>, options: PublishOptions = {}): void {
    this.iopub.publish(msgType, content, options.parent ?? currentParent(), options.buffers, options.metadata);
  }

  /** A reply on shell or control, after the stream output the request caused. */
  private reply(socket: zmq.Router, request: WireMessage, msgType: string, content: Record<string, unknown>): void {
    this.iopub.flush();
    this.transport.reply(socket, request, msgType, content);
  }

  private requestHandlers(): Record<string, (socket: zmq.Router, msg: WireMessage) => void | Promise<void>> {
    const comm = (socket: zmq.Router, msg: WireMessage) => this.comms.handle(msg.header.msg_type, msg.content, msg.buffers, msg.header, msg.metadata);
    return {
      kernel_info_request: (socket, msg) => {
        this.reply(socket, msg, "kernel_info_reply", this.cells.handleKernel() as unknown as Record<string, unknown>);
        this.warm();
      },
      is_complete_request: (socket, msg) =>
        this.reply(socket, msg, "is_complete_reply", replyContent(() => this.cells.handleIsComplete({ code: stringField(msg.content, "code") }))),
      complete_request: (socket, msg) =>
        this.reply(
          socket,
          msg,
          "complete_reply",
          replyContent(() => this.cells.handleComplete({ code: stringField(msg.content, "code"), cursor_pos: numberField(msg.content, "cursor_pos") })),
        ),
      inspect_request: (socket, msg) =>
        this.reply(
          socket,
          msg,
          "inspect_reply",
          replyContent(() =>
            this.cells.handleInspect({ code: stringField(msg.content, "code"), cursor_pos: numberField(msg.content, "cursor_pos"), detail_level: 0 }),
          ),
        ),
      history_request: (socket, msg) =>
        this.reply(socket, msg, "history_reply", replyContent(() => ({ history: this.history.query(msg.content as HistoryRequest) }))),
      comm_info_request: (socket, msg) => {
        const target = typeof msg.content.target_name === "string" ? msg.content.target_name : undefined;
        this.reply(socket, msg, "comm_info_reply", { status: "ok", comms: this.comms.info(target) });
      },
      comm_open: comm,
      comm_msg: comm,
      comm_close: comm,
      interrupt_request: (socket, msg) => {
        this.interrupt();
        this.reply(socket, msg, "interrupt_reply", { status: "ok" });
      },
      shutdown_request: (socket, msg) => this.shutdown(socket, msg),
    };
  }

  private shutdown(socket: zmq.Router, msg: WireMessage): void {
    const restart = msg.content.restart === true;
    this.reply(socket, msg, "shutdown_reply", { status: "ok", restart });
    this.iopub.status("idle", msg.header);
    // Let the reply leave before the sockets close.
    setTimeout(() => {
      try {
        this.close();
      } finally {
        process.exit(0);
      }
    }, 50);
  }

  private async execute(socket: zmq.Router, msg: WireMessage, aborted: boolean): Promise<void> {
    this.iopub.status("busy", msg.header);
    try {
      await withParent(msg.header, () => this.executeInContext(socket, msg, aborted));
    } finally {
      this.iopub.status("idle", msg.header);
    }
  }

  private async executeInContext(socket: zmq.Router, msg: WireMessage, aborted: boolean): Promise<void> {
    const content = msg.content;
    if (aborted) {
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
    const interrupted = this.executeQueue.interruptedSince();
    let outcome = await this.firstCellReady().then(() => this.cells.run(code, interrupted));
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
    // Queued requests behind a failing cell are aborted, unless the request said stop_on_error=false.
    if (msg.content.stop_on_error !== false) this.executeQueue.abortQueued();
    this.reply(socket, msg, "execute_reply", { status: "error", execution_count: count, ...error });
  }
}
