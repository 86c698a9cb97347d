/**
 * Self-checking claims: a sentence a notebook asserts, the numbers it rests on and the test
 * that ties them together. A claim that holds displays as a card; one that does not throws a
 * `ClaimError` naming the sentence and every number, so a notebook whose words contradict its
 * measurements fails when it is executed (in CI, on every run).
 *
 * ```ts
 * claim("C3", "Sigmoid's derivative is at most 0.25.", { "max f'": 0.25 }, (m) => m["max f'"] <= 0.25 + 1e-6);
 * claim("C14", "GELU costs more than ReLU to compute, but only about 2×, not enough to matter in a network.",
 *   { "gelu / relu": t.ratio("gelu", "relu") }, "partly", { corrects: "GELU is much more expensive than ReLU" });
 * ```
 */
import { escapeHtml, formatNumber } from "../charts/render";
import { DISPLAY, type MimeBundle } from "../live";
import { formatSummary, type Summary } from "./summary";
import { Ratio, type TaskTiming } from "./timing";

/** The MIME type a claim card carries (`{ id, says, measured, verdict }`), read by tools that check coverage. */
export const CLAIM_MIME = "application/vnd.activation-lab.claim+json";

export type ClaimVerdict = "holds" | "partly";

/** What a check returns: `true` (holds), `"partly"` (holds in part; `corrects` says which), `false` (does not hold). */
export type HoldsResult = true | "partly" | false;

export interface ClaimOptions {
  /** The common wording the measurement corrects; shown as myth vs measurement. Required when the verdict is "partly". */
  corrects?: string;
  /** The measured entry `answer()` shows inline after the sentence; default the first. */
  key?: string;
}

/** Ids like "C9" (the claims of CLAIMS.md) or any label starting with a capital letter: "C14b", "GELU-cost". */
const ID_PATTERN = /^[A-Z][\w.-]*$/;

const ACCEPTED = "a number, string, boolean, Summary, Ratio, task timing, compare() result, or an array or record of these";

/** A claim whose check held: made only by `claim()`, which is why `answer()` can trust it. */
export class Claim {
  constructor(
    readonly id: string,
    readonly says: string,
    readonly measured: Readonly<Record<string, unknown>>,
    readonly verdict: ClaimVerdict,
    readonly corrects: string | undefined,
    /** The measured entry shown inline in answers. */
    readonly key: string,
  ) {}

  /** The JSON payload of the card: measured values JSON-safe (NaN and ±∞ as strings). */
  toJSON(): { id: string; says: string; measured: Record<string, unknown>; verdict: ClaimVerdict; corrects?: string } {
    const payload = { id: this.id, says: this.says, measured: jsonSafe(this.measured) as Record<string, unknown>, verdict: this.verdict };
    return this.corrects === undefined ? payload : { ...payload, corrects: this.corrects };
  }

  /** The key number as "name = value", for answers. */
  keyText(): string {
    return `${this.key} = ${formatMeasured(this.measured[this.key])}`;
  }

  toString(): string {
    const head = `${this.verdict === "holds" ? "✔" : "◐"} ${this.id} ${this.verdict} — ${this.says}`;
    const myth = this.corrects === undefined ? [] : [`    common wording: ${this.corrects}`];
    return [head, ...myth, ...Object.entries(this.measured).map(([k, v]) => `    ${k} = ${formatMeasured(v)}`)].join("\n");
  }

  [DISPLAY](): MimeBundle {
    return { "text/plain": this.toString(), "text/html": this.html(), [CLAIM_MIME]: this.toJSON() };
  }

  [Symbol.for("nodejs.util.inspect.custom")](): string {
    return this.toString();
  }

  private html(): string {
    const colour = this.verdict === "holds" ? "#2e7d32" : "#b26a00";
    const badge = `<span style="background:${colour};color:#fff;border-radius:3px;padding:0 6px;font-size:0.85em">${this.verdict}</span>`;
    const rows = Object.entries(this.measured)
      .map(([k, v]) => `<tr><td style="padding:0 8px 0 0;color:#555">${escapeHtml(k)}</td><td style="padding:0">${escapeHtml(formatMeasured(v))}</td></tr>`)
      .join("");
    const myth =
      this.corrects === undefined
        ? ""
        : `<div style="margin:4px 0;padding:4px 8px;background:rgba(178,106,0,0.08)">` +
          `<div><span style="color:#555">common wording:</span> <s>${escapeHtml(this.corrects)}</s></div>` +
          `<div><span style="color:#555">measured:</span> ${escapeHtml(this.says)}</div></div>`;
    return (
      `<div class="activation-lab-claim" style="border-left:4px solid ${colour};padding:4px 10px;margin:4px 0">` +
      `<div><b>${escapeHtml(this.id)}</b> ${badge} ${escapeHtml(this.says)}</div>${myth}` +
      `<table style="margin:2px 0 0 0;font-size:0.9em">${rows}</table></div>`
    );
  }
}

/** A claim whose measurements contradict it (or whose check failed). */
export class ClaimError extends Error {
  override name = "ClaimError";
  constructor(
    readonly id: string,
    readonly says: string,
    readonly measured: Readonly<Record<string, unknown>>,
    reason: string,
    options?: { cause?: unknown },
  ) {
    const numbers = Object.entries(measured)
      .map(([k, v]) => `${k} = ${safeFormat(v)}`)
      .join("; ");
    super(`${id} ${reason}: "${says}" — measured: ${numbers}`, options);
  }
}

const verified = new WeakSet<Claim>();

/** Whether `x` is a Claim made (and so checked) by `claim()`. */
export function isVerifiedClaim(x: unknown): x is Claim {
  return x instanceof Claim && verified.has(x);
}

function isSummary(v: object): v is Summary {
  const s = v as Record<string, unknown>;
  return ["mean", "sd", "lo", "hi", "n"].every((k) => typeof s[k] === "number");
}

function isTaskTiming(v: object): v is TaskTiming {
  const t = v as Record<string, unknown>;
  return typeof t.name === "string" && typeof t.median === "number" && Array.isArray(t.samples);
}

function isComparison(v: object): v is { difference: Summary; verdict: string } {
  const c = v as Record<string, unknown>;
  return typeof c.verdict === "string" && typeof c.difference === "object" && c.difference !== null && isSummary(c.difference);
}

function isRecord(v: object): v is Record<string, unknown> {
  const proto = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}

/** Checks one measured value, naming the path of the first that is not one of the accepted kinds. */
function checkMeasured(v: unknown, path: string): void {
  if (typeof v === "number" || typeof v === "string" || typeof v === "boolean") return;
  if (typeof v !== "object" || v === null) throw new TypeError(`claim: ${path} is ${v === null ? "null" : typeof v}; a measured value must be ${ACCEPTED}`);
  if (v instanceof Ratio || ArrayBuffer.isView(v) || isSummary(v) || isTaskTiming(v) || isComparison(v)) return;
  if (Array.isArray(v)) return v.forEach((x, i) => checkMeasured(x, `${path}[${i}]`));
  if (isRecord(v)) return Object.entries(v).forEach(([k, x]) => checkMeasured(x, `${path}.${k}`));
  const kind = v.constructor?.name ?? "object";
  const hint = "dataSync" in v ? " (read a tensor's numbers with await t.data() first)" : "";
  throw new TypeError(`claim: ${path} is a ${kind}${hint}; a measured value must be ${ACCEPTED}`);
}

const MAX_LISTED = 10;

/** A measured value as a reader wants it: Summaries with their interval, ratios with their verdict. */
export function formatMeasured(v: unknown): string {
  if (typeof v === "number") return formatNumber(v);
  if (typeof v === "string") return v;
  if (typeof v === "boolean") return String(v);
  if (typeof v !== "object" || v === null) return String(v);
  if (v instanceof Ratio) return String(v);
  if (isSummary(v)) return formatSummary(v);
  if (isTaskTiming(v)) return `${formatNumber(v.median)} ms per call (95 % CI ${formatNumber(v.lo)}–${formatNumber(v.hi)}, ${v.samples.length} rounds)`;
  if (isComparison(v)) return `${v.verdict} (difference ${formatSummary(v.difference)})`;
  if (Array.isArray(v) || ArrayBuffer.isView(v)) {
    const items = Array.from(v as ArrayLike<unknown>);
    const shown = items.slice(0, MAX_LISTED).map(formatMeasured).join(", ");
    return items.length > MAX_LISTED ? `[${shown}, … (${items.length} values)]` : `[${shown}]`;
  }
  return Object.entries(v)
    .map(([k, x]) => `${k}: ${formatMeasured(x)}`)
    .join(", ");
}

/** Formatting inside an error message must never throw in its turn. */
function safeFormat(v: unknown): string {
  try {
    return formatMeasured(v);
  } catch {
    return String(v);
  }
}

/** A copy that JSON keeps intact: NaN, Infinity and −Infinity become strings (JSON would turn them into null). */
export function jsonSafe(v: unknown): unknown {
  if (typeof v === "number") return Number.isFinite(v) ? v : String(v);
  if (typeof v !== "object" || v === null) return v;
  if (Array.isArray(v) || ArrayBuffer.isView(v)) return Array.from(v as ArrayLike<unknown>, jsonSafe);
  return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, jsonSafe(x)]));
}

function describeResult(r: unknown): string {
  return typeof r === "string" ? JSON.stringify(r) : String(r);
}

/**
 * Asserts `says` on the numbers in `measured`. `holds` is the verdict or a function of
 * `measured` returning it: `true` → the claim holds; `"partly"` → it holds only in part, and
 * `options.corrects` must give the common wording the measurement corrects (the sentence
 * then says which part holds); `false`, or a check that throws → `ClaimError`.
 *
 * `id`: "C1"…"C29" for the claims of CLAIMS.md, or any label that starts with a capital
 * letter followed by letters, digits, "_", "." or "-".
 * `measured`: name → number, string, boolean, Summary, Ratio, task timing, compare() result,
 * or arrays and records of these.
 */
export function claim<M extends Record<string, unknown>>(
  id: string,
  says: string,
  measured: M,
  holds: HoldsResult | ((measured: M) => HoldsResult),
  options: ClaimOptions = {},
): Claim {
  if (typeof id !== "string" || !ID_PATTERN.test(id)) {
    throw new TypeError(`claim: id ${JSON.stringify(id)} must be like "C9": a capital letter, then letters, digits, "_", "." or "-"`);
  }
  if (typeof says !== "string" || says.trim() === "") throw new TypeError(`claim ${id}: says must be the sentence the notebook asserts, got ${JSON.stringify(says)}`);
  if (typeof measured !== "object" || measured === null || Array.isArray(measured)) {
    throw new TypeError(`claim ${id}: measured must be a record of name → value, got ${Array.isArray(measured) ? "an array" : String(measured)}`);
  }
  const names = Object.keys(measured);
  if (names.length === 0) throw new TypeError(`claim ${id}: measured is empty; a claim rests on at least one measured number`);
  for (const k of names) checkMeasured(measured[k], `${id} measured.${k}`);
  const { corrects, key = names[0] } = options;
  if (!names.includes(key)) throw new RangeError(`claim ${id}: key "${key}" is not measured; measured: ${names.join(", ")}`);
  if (corrects !== undefined && (typeof corrects !== "string" || corrects.trim() === "")) {
    throw new TypeError(`claim ${id}: corrects must be the common wording the measurement corrects, got ${JSON.stringify(corrects)}`);
  }

  let result: unknown = holds;
  if (typeof holds === "function") {
    try {
      result = holds(measured);
    } catch (e) {
      throw new ClaimError(id, says, measured, `could not be checked (${(e as Error)?.message ?? String(e)})`, { cause: e });
    }
  }
  if (result === false) throw new ClaimError(id, says, measured, "does not hold");
  if (result !== true && result !== "partly") {
    const hint = typeof (result as PromiseLike<unknown>)?.then === "function" ? " (it must be synchronous: await the measurements before claim())" : "";
    throw new TypeError(`claim ${id}: holds must be true, "partly" or false, or a function returning one of them; got ${describeResult(result)}${hint}`);
  }
  if (result === "partly" && corrects === undefined) {
    throw new TypeError(
      `claim ${id}: verdict "partly" needs options.corrects, the common wording this measurement corrects ` +
        `(e.g. claim("${id}", "…only in part…", measured, "partly", { corrects: "the usual wording" }))`,
    );
  }
  const made = new Claim(id, says, Object.freeze({ ...measured }), result === true ? "holds" : "partly", corrects, key);
  verified.add(made);
  return made;
}
