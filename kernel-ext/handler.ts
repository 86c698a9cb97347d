/**
 * Running cells with tslab's executor and converter, and the request handlers that need the
 * TypeScript compiler (kernel_info, is_complete, complete, inspect — the last two inherited).
 *
 * tslab's executor reports results through a console it is given: the last expression's value
 * through `log`, errors through `error`. We give it a sink that records them instead of
 * printing, so the kernel can send `execute_result` and a structured `error`.
 */
import * as path from "path";
import { inspect } from "util";
import { JupyterHandlerImpl } from "tslab/dist/jupyter";
import { createExecutor, ConverterSet, Executor } from "tslab/dist/executor";
import { createConverter, Converter, ConvertResult, Diagnostic } from "tslab/dist/converter";
import { getCodeMetadata } from "tslab/dist/metadata";

export interface CellError {
  ename: string;
  evalue: string;
  traceback: string[];
}

export type CellOutcome = { ok: true; hasValue: boolean; value?: unknown } | { ok: false; error: CellError };

interface Sink {
  hasValue: boolean;
  value?: unknown;
  thrown?: { value: unknown };
}

const tslabDir = path.dirname(require.resolve("tslab/package.json"));
// eslint-disable-next-line @typescript-eslint/no-require-imports
const ts = require(require.resolve("@tslab/typescript-for-tslab", { paths: [tslabDir] })) as typeof import("@tslab/typescript-for-tslab");

export const TYPESCRIPT_VERSION: string = ts.version;

/** Converters are created on first use (each takes a few hundred ms). */
class LazyConverters implements ConverterSet {
  private nodeConverter?: Converter;
  private browserConverter?: Converter;
  /** A conversion done ahead of the executor's own call (see `prepare`). */
  private prepared?: { prevDecl: string; src: string; result: ConvertResult };
  /** Diagnostics of the last conversion, with their TypeScript codes (tslab prints only text). */
  lastDiagnostics: Diagnostic[] = [];
  /** The executor's last conversion: its source and result. */
  lastCall?: { src: string; result: ConvertResult };

  get node(): Converter {
    if (!this.nodeConverter) {
      const real = createConverter({ isJS: false, isBrowser: false });
      this.nodeConverter = {
        ...real,
        convert: (prevDecl, src) => {
          const ahead = this.prepared;
          this.prepared = undefined;
          const result = ahead && ahead.prevDecl === prevDecl && ahead.src === src ? ahead.result : real.convert(prevDecl, src);
          this.lastDiagnostics = result.diagnostics;
          this.lastCall = { src, result };
          return result;
        },
      };
    }
    return this.nodeConverter;
  }

  /** Compiles a cell now; the executor's identical call that follows gets this result. */
  prepare(prevDecl: string, src: string): void {
    this.prepared = undefined;
    const node = this.node;
    const result = node.convert(prevDecl, src);
    this.prepared = { prevDecl, src, result };
  }

  get browser(): Converter {
    this.browserConverter ??= createConverter({ isJS: false, isBrowser: true });
    return this.browserConverter;
  }

  close(): void {
    this.nodeConverter?.close();
    this.browserConverter?.close();
  }
}

/** Stack frames of the kernel's own machinery, hidden from tracebacks. */
const INTERNAL_FRAME = /\(node:|at node:|[/\\]tslab[/\\]dist[/\\]|[/\\]dist[/\\]kernel-ext[/\\]|^\s+at new Promise|^\s+at <anonymous>$/;

export const INTERRUPTED: CellError = { ename: "Interrupted", evalue: "execution was interrupted", traceback: ["Interrupted: execution was interrupted"] };

function isInterrupt(e: unknown): boolean {
  const message = (e as Error)?.message ?? "";
  return /Script execution was interrupted by `SIGINT`|Interrupted asynchronously/.test(message);
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return (typeof value === "object" || typeof value === "function") && value !== null && typeof (value as { then?: unknown }).then === "function";
}

/** Turns whatever a cell threw into the ename/evalue/traceback triple of an `error` message. */
export function describeError(e: unknown): CellError {
  if (isInterrupt(e)) return { ...INTERRUPTED, traceback: [...INTERRUPTED.traceback] };
  if (e instanceof Error) {
    const ename = e.name || e.constructor?.name || "Error";
    let lines = (e.stack ?? `${ename}: ${e.message}`).split("\n");
    // Node prefixes errors thrown by vm code with the offending source line and a caret.
    const headAt = lines.findIndex((l) => l.startsWith(ename));
    if (headAt > 0) lines = lines.slice(headAt);
    const firstFrame = lines.findIndex((l) => /^\s+at /.test(l));
    const head = firstFrame < 0 ? lines : lines.slice(0, firstFrame);
    const frames = firstFrame < 0 ? [] : lines.slice(firstFrame).filter((l) => !INTERNAL_FRAME.test(l));
    return { ename, evalue: e.message, traceback: [...head, ...frames] };
  }
  const evalue = typeof e === "string" ? e : inspect(e);
  return { ename: "Error", evalue, traceback: [`Uncaught ${evalue}`] };
}

function describeDiagnostics(diagnostics: Diagnostic[]): CellError {
  const lines = diagnostics.map(
    (d) => `${d.fileName ? `${d.fileName} ` : ""}${d.start.line + 1}:${d.start.character + 1} - ${d.messageText} (TS${d.code})`,
  );
  // TypeScript numbers syntax errors below 2000; everything else is a type error.
  const syntactic = diagnostics.some((d) => d.code < 2000);
  return { ename: syntactic ? "SyntaxError" : "TypeScriptError", evalue: lines[0] ?? "compilation failed", traceback: lines };
}

export class ActivationLabHandler extends JupyterHandlerImpl {
  /** The declarations of earlier cells, as tslab's executor holds them (for `prepare`). */
  private declarations = "";

  /** Ends the wait for a promise result (set while one is awaited). */
  private stopAwaitingResult: (() => void) | undefined;

  private constructor(
    private readonly cellExecutor: Executor,
    private readonly converters: LazyConverters,
    private readonly sink: Sink,
    private readonly implementationVersion: string,
  ) {
    super(cellExecutor, false);
  }

  /** Builds the executor around a recording console; `rootDir` is where user `require`s resolve from. */
  static create(rootDir: string, implementationVersion: string): ActivationLabHandler {
    const converters = new LazyConverters();
    const sink: Sink = { hasValue: false };
    const recorder = {
      log: (value: unknown) => {
        sink.hasValue = true;
        sink.value = value;
        // The kernel awaits a promise result; handled from here on, its rejection is the cell's
        // error rather than an "unhandled promise rejection".
        if (isThenable(value)) value.then(undefined, () => undefined);
      },
      error: (first: unknown, ...rest: unknown[]) => {
        // Diagnostics arrive as a format string; they are taken from the converter instead.
        if (typeof first === "string" && first.startsWith("%s%d:%d") && rest.length > 0) return;
        sink.thrown = { value: first };
      },
    };
    const executor = createExecutor(rootDir, converters, recorder);
    return new ActivationLabHandler(executor, converters, sink, implementationVersion);
  }

  /** Creates the TypeScript converter now (otherwise the first cell pays for it). */
  warm(): void {
    void this.converters.node;
  }

  override handleKernel(): ReturnType<JupyterHandlerImpl["handleKernel"]> & { status: "ok" } {
    const base = super.handleKernel();
    return {
      ...base,
      status: "ok",
      protocol_version: "5.3",
      implementation: "activation-lab",
      implementation_version: this.implementationVersion,
      language_info: { ...base.language_info, name: "typescript", version: TYPESCRIPT_VERSION, mimetype: "text/typescript", file_extension: ".ts" },
      banner: `activation-lab ${this.implementationVersion}: TypeScript ${TYPESCRIPT_VERSION} on Node.js ${process.version}, with Jupyter widgets`,
      help_links: [{ text: "activation-lab", url: "https://www.npmjs.com/package/activation-lab" }],
    };
  }

  /**
   * complete / incomplete / invalid. Cells are TypeScript (not TSX), so a cell that parses as
   * TypeScript is complete; tslab's check (which parses as TSX and looks for "expected" at the
   * end) decides whether a broken cell is unfinished or can never become valid.
   */
  override handleIsComplete(req: { code: string }): ReturnType<JupyterHandlerImpl["handleIsComplete"]> {
    const file = ts.createSourceFile("cell.ts", req.code, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
    const parseErrors = (file as unknown as { parseDiagnostics?: { messageText: unknown }[] }).parseDiagnostics ?? [];
    if (parseErrors.length === 0) return { status: "complete" };
    const base = super.handleIsComplete(req);
    if (base.status === "incomplete") return base;
    // Two blank lines at the end mean "run it now" (as in tslab and IPython).
    if (/(^|\n)\s*\n\s*$/.test(req.code)) return { status: "complete" };
    // An unterminated string, template or comment is still being typed.
    const unfinished = parseErrors.some((d) => typeof d.messageText === "string" && /^Unterminated|^'\*\/' expected/.test(d.messageText));
    return unfinished ? { status: "incomplete", indent: "" } : { status: "invalid" };
  }

  /**
   * Runs one cell; never throws. `interrupted` tells whether an interrupt arrived since the cell
   * began: compilation runs first and the event loop gets one turn, so an interrupt that came
   * in while compiling stops the cell before it runs (once running, a synchronous loop is
   * stopped by SIGINT itself, but a signal that arrived before that would be lost).
   */
  async run(code: string, interrupted: () => boolean = () => false): Promise<CellOutcome> {
    this.sink.hasValue = false;
    this.sink.value = undefined;
    this.sink.thrown = undefined;
    this.converters.lastDiagnostics = [];
    this.converters.lastCall = undefined;
    const meta = getCodeMetadata(code);
    const plainCell = !meta.module && meta.mode !== "browser";
    let ok: boolean;
    try {
      if (plainCell) {
        this.converters.prepare(this.declarations, code);
        // Two check phases bracket one poll phase, where libuv hands pending signals to JS.
        for (let turn = 0; turn < 2; turn++) await new Promise((resolve) => setImmediate(resolve));
        if (interrupted()) return { ok: false, error: { ...INTERRUPTED } };
      }
      ok = await this.cellExecutor.execute(code);
    } catch (e) {
      return { ok: false, error: describeError(e) };
    }
    // Mirror the executor's declarations: they change exactly when a plain cell succeeds.
    const call = this.converters.lastCall as LazyConverters["lastCall"];
    if (ok && plainCell && call?.src === code) this.declarations = call.result.declOutput ?? "";
    if (ok && this.sink.hasValue && isThenable(this.sink.value)) return this.awaitResult(this.sink.value);
    if (ok) return { ok: true, hasValue: this.sink.hasValue, value: this.sink.value };
    if (this.converters.lastDiagnostics.length > 0) return { ok: false, error: describeDiagnostics(this.converters.lastDiagnostics) };
    // Read through the type: the executor's console callbacks fill the sink during execute().
    const thrown = this.sink.thrown as Sink["thrown"];
    return { ok: false, error: describeError(thrown ? thrown.value : new Error("the cell failed")) };
  }

  /**
   * A promise as the cell's last expression shows as `await` would: its value, or its
   * rejection as the cell's error. An interrupt stops the wait.
   */
  private async awaitResult(result: PromiseLike<unknown>): Promise<CellOutcome> {
    try {
      const value = await new Promise((resolve, reject) => {
        this.stopAwaitingResult = () => reject(INTERRUPTED);
        result.then(resolve, reject);
      });
      return { ok: true, hasValue: true, value };
    } catch (e) {
      return { ok: false, error: e === INTERRUPTED ? { ...INTERRUPTED } : describeError(e) };
    } finally {
      this.stopAwaitingResult = undefined;
    }
  }

  /** Stops a running cell: rejects the await of an async cell (sync loops are broken by SIGINT itself). */
  interrupt(): void {
    this.cellExecutor.interrupt();
    this.stopAwaitingResult?.();
  }
}
