/**
 * Rich display in the kernel: values → MIME bundles, and the `display` / `updateDisplay` /
 * `clearOutput` functions notebooks call.
 *
 * A value is shown rich when it implements `[Symbol.for("Jupyter.display")]()` (which may return
 * a Promise of the bundle); everything else is shown as `util.inspect` text. Bundles keep every
 * MIME type they carry; JSON types (vega-lite, widget views) stay objects.
 */
import { randomUUID } from "crypto";
import { inspect } from "util";
import { DISPLAY, isDisplayable, MimeBundle } from "../src/live";
import { publish } from "./channel";

const pending = new Set<Promise<unknown>>();

/** Keeps the kernel's reply for the current cell waiting until `work` has published. */
export function trackOutput<T>(work: Promise<T>): Promise<T> {
  pending.add(work);
  const done = (): void => void pending.delete(work);
  work.then(done, done);
  return work;
}

/** Resolves once every tracked output (async bundles) has been published. */
export async function settleOutputs(): Promise<void> {
  while (pending.size > 0) await Promise.allSettled([...pending]);
}

function isJsonMime(mime: string): boolean {
  return /[/+]json$/.test(mime);
}

/** Normalises a bundle: keeps MIME-typed entries, stringifies where JSON is not wanted. */
function cleanBundle(raw: unknown, source: unknown): MimeBundle {
  if (typeof raw !== "object" || raw === null || Array.isArray(raw)) {
    throw new Error(`[Symbol.for("Jupyter.display")]() must return a MIME bundle object, got ${typeof raw}`);
  }
  const out: MimeBundle = {};
  for (const [mime, value] of Object.entries(raw as Record<string, unknown>)) {
    if (!/^[\w.+-]+\/[\w.+-]+$/.test(mime)) {
      throw new Error(`"${mime}" in a display bundle is not a MIME type (like "text/html")`);
    }
    if (value === undefined) continue;
    if (value instanceof Uint8Array) out[mime] = Buffer.from(value).toString("base64");
    else if (typeof value === "string" || isJsonMime(mime)) out[mime] = value;
    else out[mime] = JSON.stringify(value);
  }
  if (!("text/plain" in out)) out["text/plain"] = plainText(source);
  return out;
}

/** Text for a value: strings as they are when displayed, quoted (like the Node REPL) as a cell result. */
export function plainText(value: unknown, quoteStrings = false): string {
  if (typeof value === "string" && !quoteStrings) return value;
  return inspect(value, { depth: 4, colors: false, maxArrayLength: 50, breakLength: 100 });
}

/**
 * The MIME bundle for a value, awaiting `[DISPLAY]()` when it returns a promise. `asResult`
 * formats plain values as a cell's result (strings quoted, as the Node REPL shows them).
 */
export async function bundleOf(value: unknown, asResult = false): Promise<MimeBundle> {
  return bundleNow(value, asResult);
}

/** The bundle right away when the value can give it synchronously, else a promise of it. */
function bundleNow(value: unknown, asResult = false): MimeBundle | Promise<MimeBundle> {
  if (!isDisplayable(value)) return { "text/plain": plainText(value, asResult) };
  const raw = value[DISPLAY]();
  return raw instanceof Promise ? raw.then((b) => cleanBundle(b, value)) : cleanBundle(raw, value);
}

export interface DisplayOptions {
  /** Names the output so `updateDisplay` (or the handle) can replace it later. */
  display_id?: string;
  metadata?: Record<string, unknown>;
}

/** Returned by `display`; updates or clears that one output in place. */
export class DisplayHandle {
  constructor(readonly displayId: string) {}

  /** Replaces what this display shows, wherever it is shown. */
  update(value: unknown, metadata: Record<string, unknown> = {}): Promise<void> {
    return updateDisplay(this.displayId, value, metadata);
  }

  toString(): string {
    return `DisplayHandle(${this.displayId})`;
  }
}

/**
 * Shows a value as a `display_data` output. The bundle may be computed asynchronously; the
 * cell's reply waits for it, so outputs always belong to the cell that made them. A bad
 * bundle throws here when it is synchronous (and is reported on stderr when it is not).
 */
export function display(value: unknown, options: DisplayOptions = {}): DisplayHandle {
  if (options.display_id !== undefined && (typeof options.display_id !== "string" || options.display_id === "")) {
    throw new Error("display_id must be a non-empty string");
  }
  const displayId = options.display_id ?? randomUUID();
  const send = (data: MimeBundle): void => publish("display_data", { data, metadata: options.metadata ?? {}, transient: { display_id: displayId } });
  // Synchronous bundles go out at once, keeping their place among prints; asynchronous ones
  // (vega's SVG rendering) go out when ready, and the cell's reply waits for them.
  const bundle = bundleNow(value);
  if (bundle instanceof Promise) void trackOutput(bundle.then(send)).catch((e) => process.stderr.write(`display failed: ${(e as Error).message}\n`));
  else send(bundle);
  return new DisplayHandle(displayId);
}

/** Replaces the output shown under `displayId` (`update_display_data`). */
export async function updateDisplay(displayId: string, value: unknown, metadata: Record<string, unknown> = {}): Promise<void> {
  if (typeof displayId !== "string" || displayId === "") throw new Error("updateDisplay needs the display_id of an earlier display()");
  const data = await trackOutput(bundleOf(value));
  publish("update_display_data", { data, metadata, transient: { display_id: displayId } });
}

/** Clears the current cell's output; with `wait`, only when the next output arrives (no flicker). */
export function clearOutput(wait = false): void {
  publish("clear_output", { wait });
}
