/**
 * The seam between the core library and whatever shows it live. `src/` never imports the
 * kernel; instead the kernel registers a host here at start-up, and `explore`,
 * `gradientHistograms`, progress bars and interrupts go through it. In plain Node there is
 * no host: explore/gradientHistograms fall back to static displays and progress prints a
 * text bar on stderr.
 */

/** A MIME bundle: MIME type → value (vega-lite as an object, the rest as strings). */
export type MimeBundle = Record<string, unknown>;

/** The display protocol Deno's kernel and ours share: `obj[DISPLAY]()` returns a MIME bundle. */
export const DISPLAY = Symbol.for("Jupyter.display");

/**
 * What `[DISPLAY]()` gives: one output's bundle, or several outputs shown one after another
 * (a chart and its table). A front end shows only one MIME type of an output, so a chart and
 * a table in one bundle would show one of them; as two outputs, both show everywhere.
 */
export type DisplayOutputs = MimeBundle | MimeBundle[];

/** `[DISPLAY]()` may return the outputs or a promise of them (vega's SVG rendering is async). */
export interface Displayable {
  [DISPLAY](): DisplayOutputs | Promise<DisplayOutputs>;
}

export function isDisplayable(x: unknown): x is Displayable {
  return typeof x === "object" && x !== null && typeof (x as Record<symbol, unknown>)[DISPLAY] === "function";
}

export interface ProgressReporter {
  /** Sets progress to `done` of `total`, with an optional status line. */
  update(done: number, message?: string): void;
  /** Marks the task finished (or stopped early: `ok=false`). */
  close(ok?: boolean, message?: string): void;
}

export interface LiveHost {
  /** Live explorer widget (kernel side). Arguments as `al.explore`. */
  explore(activations: unknown, options: unknown): unknown;
  /** Live gradient-histogram widget over a GradientFlow or TrainingRun. */
  gradientHistograms(data: unknown, options: unknown): unknown;
  /** A progress bar for a long computation. */
  progress(label: string, total: number): ProgressReporter;
}

let host: LiveHost | undefined;
let interruptFlag = false;

export function setLiveHost(h: LiveHost | undefined): void {
  host = h;
}

export function liveHost(): LiveHost | undefined {
  return host;
}

/** Called by the kernel on an interrupt request; long computations stop at their next check. */
export function requestInterrupt(): void {
  interruptFlag = true;
}

/** Long computations call this between steps; it clears the flag it reports. */
export function takeInterrupt(): boolean {
  const was = interruptFlag;
  interruptFlag = false;
  return was;
}

/** Lets the event loop serve comm messages and interrupts in the middle of a long run. */
export function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

class TextProgress implements ProgressReporter {
  private lastDraw = 0;
  private readonly start = Date.now();
  constructor(
    private readonly label: string,
    private readonly total: number,
  ) {}
  update(done: number, message?: string): void {
    const now = Date.now();
    // Quiet for short runs; a bar appears only for work over ~1 s, redrawn at most 5×/s.
    if (now - this.start < 1000 || now - this.lastDraw < 200) return;
    this.lastDraw = now;
    this.draw(done, message);
  }
  close(ok = true, message?: string): void {
    if (Date.now() - this.start >= 1000) {
      this.draw(ok ? this.total : -1, message ?? (ok ? "done" : "stopped"));
      process.stderr.write("\n");
    }
  }
  private draw(done: number, message?: string): void {
    if (process.env.ACTIVATION_LAB_QUIET === "1") return;
    const width = 30;
    const frac = done < 0 ? 0 : Math.min(1, done / Math.max(1, this.total));
    const bar = "#".repeat(Math.round(frac * width)).padEnd(width, ".");
    const secs = ((Date.now() - this.start) / 1000).toFixed(1);
    process.stderr.write(`\r${this.label} [${bar}] ${done < 0 ? "" : `${done}/${this.total}`} ${secs}s ${message ?? ""}`);
  }
}

/** A progress reporter: the host's widget in the kernel, a text bar on stderr elsewhere. */
export function progress(label: string, total: number): ProgressReporter {
  return host ? host.progress(label, total) : new TextProgress(label, total);
}
