/**
 * Rich display in the kernel: values → MIME bundles, and the `display` / `updateDisplay` /
 * `clearOutput` functions notebooks call.
 *
 * A value is shown rich when it implements `[Symbol.for("Jupyter.display")]()` (which may return
 * a Promise of the bundle, or several bundles: one output each); everything else is shown as
 * `util.inspect` text. Bundles keep every MIME type they carry; JSON types (vega-lite, widget
 * views) stay objects.
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
 * The outputs of a value, one MIME bundle each (several for a chart and its table), awaiting
 * `[DISPLAY]()` when it returns a promise. `asResult` formats plain values as a cell's result
 * (strings quoted, as the Node REPL shows them).
 */
export async function outputsOf(value: unknown, asResult = false): Promise<MimeBundle[]> {
  return outputsNow(value, asResult);
}

/** The outputs right away when the value can give them synchronously, else a promise of them. */
function outputsNow(value: unknown, asResult = false): MimeBundle[] | Promise<MimeBundle[]> {
  if (!isDisplayable(value)) return [{ "text/plain": plainText(value, asResult) }];
  const raw = value[DISPLAY]();
  return raw instanceof Promise ? raw.then((r) => cleanOutputs(r, value)) : cleanOutputs(raw, value);
}

function cleanOutputs(raw: unknown, source: unknown): MimeBundle[] {
  if (!Array.isArray(raw)) return [cleanBundle(raw, source)];
  if (raw.length === 0) throw new Error(`[Symbol.for("Jupyter.display")]() returned no bundles; return a MIME bundle or a non-empty array of them`);
  return raw.map((b) => cleanBundle(b, source));
}

/** The display id of output `part` of a display: the first keeps the id, later ones get a suffix. */
function partId(displayId: string, part: number): string {
  return part === 0 ? displayId : `${displayId}#${part}`;
}

/** How many outputs each display id has shown, so an update with fewer can blank the rest. */
const partsShown = new Map<string, number>();

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
  const send = (outputs: MimeBundle[]): void => {
    partsShown.set(displayId, Math.max(outputs.length, partsShown.get(displayId) ?? 0));
    outputs.forEach((data, part) => publish("display_data", { data, metadata: options.metadata ?? {}, transient: { display_id: partId(displayId, part) } }));
  };
  // Synchronous bundles go out at once, keeping their place among prints; asynchronous ones
  // (vega's SVG rendering) go out when ready, and the cell's reply waits for them.
  const outputs = outputsNow(value);
  if (outputs instanceof Promise) void trackOutput(outputs.then(send)).catch((e) => process.stderr.write(`display failed: ${(e as Error).message}\n`));
  else send(outputs);
  return new DisplayHandle(displayId);
}

/**
 * Replaces the outputs shown under `displayId` (`update_display_data`, one per output). Outputs
 * the earlier value had and the new one lacks are emptied.
 */
export async function updateDisplay(displayId: string, value: unknown, metadata: Record<string, unknown> = {}): Promise<void> {
  if (typeof displayId !== "string" || displayId === "") throw new Error("updateDisplay needs the display_id of an earlier display()");
  const outputs = await trackOutput(outputsOf(value));
  const shown = Math.max(outputs.length, partsShown.get(displayId) ?? 1);
  partsShown.set(displayId, shown);
  for (let part = 0; part < shown; part++) {
    const data = outputs[part] ?? { "text/plain": "" };
    publish("update_display_data", { data, metadata, transient: { display_id: partId(displayId, part) } });
  }
}

/** Clears the current cell's output; with `wait`, only when the next output arrives (no flicker). */
export function clearOutput(wait = false): void {
  publish("clear_output", { wait });
}
