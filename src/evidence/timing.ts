/**
 * Timing with its noise shown: `timeit` runs tasks in interleaved rounds and reports each
 * task's median time per call with a distribution-free 95 % interval; `ratio` compares two
 * tasks round by round. Identical work (silu vs swish with β = 1) is the noise control: it
 * must read "no measurable difference", never a precise-looking multiplier.
 *
 * ```ts
 * const x = tf.randomNormal([1 << 20]);
 * const t = await timeit({ relu: () => tf.relu(x), gelu: () => activation("gelu").apply(x) });
 * t.ratio("gelu", "relu");   // "gelu slower than relu: 3.1× (95 % CI 2.9–3.3, 21 rounds)"
 * ```
 */
import { escapeHtml, htmlTable, textTable } from "../charts/render";
import { DISPLAY, progress, takeInterrupt, yieldToEventLoop, type MimeBundle } from "../live";
import { tf } from "../tf";

/** A task: anything callable; a returned promise is awaited and returned tensors are read back and disposed. */
export type TimedTask = () => unknown;

export interface TimeitOptions {
  /** Interleaved rounds; each gives one sample per task. At least 6 (fewer cannot bound a median at 95 %). Default 21. */
  rounds?: number;
  /** Each sample repeats its task until it lasts at least this long (ms), so the clock's resolution does not matter. Default 10. */
  minMs?: number;
  /** Untimed calls per task before calibration (JIT, kernel compilation, shader builds), after the two that check its returned tensors. Default 1. */
  warmup?: number;
}

/** The median of a sample with a 95 % interval for the population median, from order statistics. */
export interface MedianInterval {
  median: number;
  /** x₍k₎ and x₍n+1−k₎ of the sorted sample; −∞/+∞ when n < 6 (no pair of order statistics reaches 95 %). */
  lo: number;
  hi: number;
  /** The interval's exact coverage, 1 − 2·P(B ≤ k − 1) with B ~ Binomial(n, ½); ≥ 0.95, or 1 for the infinite interval. */
  coverage: number;
}

export interface TaskTiming {
  name: string;
  /** Median milliseconds per call over the rounds. */
  median: number;
  /** 95 % interval for the median (order statistics; no normality assumed). */
  lo: number;
  hi: number;
  /** Milliseconds per call, one per round, in round order. */
  samples: number[];
  /** Calls per sample, fixed by calibration. */
  iterations: number;
}

/**
 * The largest k with 2·P(B ≤ k − 1) ≤ 0.05, B ~ Binomial(n, ½): [x₍k₎, x₍n+1−k₎] then covers
 * the median with probability ≥ 95 % for any continuous distribution. 0 when no k qualifies.
 */
function orderStatisticRank(n: number): { k: number; coverage: number } {
  // P(B = i) in log space, so large n does not overflow the binomial coefficients.
  let logP = -n * Math.LN2;
  let cdf = 0;
  let k = 0;
  let coverage = 1;
  for (let i = 0; i < n / 2; i++) {
    cdf += Math.exp(logP);
    if (2 * cdf > 0.05) break;
    k = i + 1;
    coverage = 1 - 2 * cdf;
    logP += Math.log((n - i) / (i + 1));
  }
  return { k, coverage };
}

/** Median with a distribution-free 95 % interval. A NaN value makes every field NaN (a failed sample is not hidden). */
export function medianInterval(values: ArrayLike<number>): MedianInterval {
  const n = values.length;
  if (n === 0) throw new RangeError("medianInterval: no values");
  const sorted = Array.from(values);
  if (sorted.some(Number.isNaN)) return { median: NaN, lo: NaN, hi: NaN, coverage: NaN };
  sorted.sort((a, b) => a - b);
  const median = n % 2 ? sorted[(n - 1) / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
  const { k, coverage } = orderStatisticRank(n);
  if (k === 0) return { median, lo: -Infinity, hi: Infinity, coverage: 1 };
  return { median, lo: sorted[k - 1], hi: sorted[n - k], coverage };
}

/** Two tasks compared round by round: a/b per round (paired, so drift cancels), its median and 95 % interval. */
export class Ratio {
  readonly a: string;
  readonly b: string;
  /** Median over rounds of (ms per call of a) / (ms per call of b). */
  readonly ratio: number;
  readonly lo: number;
  readonly hi: number;
  readonly rounds: number;
  /** "no measurable difference" when the interval contains 1, else "<a> slower than <b>" or "<a> faster than <b>". */
  readonly verdict: string;

  constructor(a: string, b: string, perRound: number[]) {
    const m = medianInterval(perRound);
    this.a = a;
    this.b = b;
    this.ratio = m.median;
    this.lo = m.lo;
    this.hi = m.hi;
    this.rounds = perRound.length;
    this.verdict = m.lo > 1 ? `${a} slower than ${b}` : m.hi < 1 ? `${a} faster than ${b}` : "no measurable difference";
  }

  /** Whether the interval excludes 1. */
  get measurable(): boolean {
    return this.lo > 1 || this.hi < 1;
  }

  /**
   * Whether this ratio stands out from the timer's noise on this machine: its interval excludes
   * 1 *and* lies beyond the interval of `noise`, the ratio of two identical computations timed in
   * the same run (silu vs swish with β = 1). On a loaded machine even the identical pair can
   * read "measurable" now and then; a ratio inside its spread says nothing.
   */
  clears(noise: Ratio): boolean {
    return this.lo > Math.max(1, noise.hi) || this.hi < Math.min(1, noise.lo);
  }

  /**
   * "gelu slower than relu: 3.1× (95 % CI 2.9–3.3, 21 rounds)"; without a measurable
   * difference the ratio is only shown as evidence of that, never as a multiplier.
   */
  toString(): string {
    const ci = `95 % CI ${formatRatio(this.lo)}–${formatRatio(this.hi)}, ${this.rounds} rounds`;
    if (!this.measurable) return `${this.a} vs ${this.b}: no measurable difference (ratio ${formatRatio(this.ratio)}, ${ci})`;
    return `${this.verdict}: ${formatRatio(this.ratio)}× (${ci})`;
  }

  [DISPLAY](): MimeBundle {
    const html = `<p><b>${escapeHtml(this.measurable ? this.verdict : `${this.a} vs ${this.b}: no measurable difference`)}</b></p>`;
    const table = htmlTable(RATIO_HEADERS, [this.row()], "time per call, a / b, paired by round");
    return { "text/plain": this.toString(), "text/html": html + table };
  }

  /** The row of the ratio table: the multiplier column stays empty when nothing was measured. */
  private row(): string[] {
    return [this.a, this.b, this.measurable ? `${formatRatio(this.ratio)}×` : `(${formatRatio(this.ratio)})`, `${formatRatio(this.lo)}–${formatRatio(this.hi)}`, this.verdict];
  }

  [Symbol.for("nodejs.util.inspect.custom")](): string {
    return this.toString();
  }
}

const RATIO_HEADERS = ["a", "b", "a / b", "95 % CI", "verdict"];
const TIMING_HEADERS = ["task", "median ms/call", "95 % CI (ms)", "calls/sample"];

/** Ratios with two decimals (they are noisy beyond that); very small or large ones with two significant digits. */
function formatRatio(v: number): string {
  if (!Number.isFinite(v)) return Number.isNaN(v) ? "NaN" : v > 0 ? "∞" : "−∞";
  return v >= 0.1 && v < 1000 ? v.toFixed(2) : String(Number(v.toPrecision(2)));
}

/** Milliseconds with three significant digits. */
function formatMs(v: number): string {
  if (!Number.isFinite(v)) return Number.isNaN(v) ? "NaN" : v > 0 ? "∞" : "−∞";
  return v >= 1e5 || (v !== 0 && Math.abs(v) < 1e-3) ? v.toExponential(2) : String(Number(v.toPrecision(3)));
}

/** The result of `timeit`: per task medians with intervals, and paired ratios between tasks. */
export class Timing {
  constructor(
    readonly tasks: TaskTiming[],
    readonly rounds: number,
    readonly minMs: number,
    /** True when an interrupt stopped the rounds early; the statistics use the rounds that finished. */
    readonly interrupted = false,
  ) {}

  /** One task's timing by name. */
  task(name: string): TaskTiming {
    const found = this.tasks.find((t) => t.name === name);
    if (!found) throw new RangeError(`no task "${name}"; tasks: ${this.tasks.map((t) => t.name).join(", ")}`);
    return found;
  }

  /** a relative to b, paired by round. */
  ratio(a: string, b: string): Ratio {
    const ta = this.task(a);
    const tb = this.task(b);
    return new Ratio(a, b, ta.samples.map((v, i) => v / tb.samples[i]));
  }

  toString(): string {
    return `${textTable(TIMING_HEADERS, this.rows())}\n${this.footnote()}`;
  }

  [DISPLAY](): MimeBundle {
    return { "text/plain": this.toString(), "text/html": htmlTable(TIMING_HEADERS, this.rows()) + `<p>${escapeHtml(this.footnote())}</p>` };
  }

  [Symbol.for("nodejs.util.inspect.custom")](): string {
    return this.toString();
  }

  private rows(): string[][] {
    return this.tasks.map((t) => [t.name, formatMs(t.median), `${formatMs(t.lo)}–${formatMs(t.hi)}`, String(t.iterations)]);
  }

  private footnote(): string {
    const done = this.tasks[0]?.samples.length ?? 0;
    const rounds = this.interrupted ? `${done} of ${this.rounds} rounds (interrupted)` : `${done} rounds`;
    return `${rounds}, tasks interleaved in rotating order, each sample ≥ ${this.minMs} ms; 95 % CI of the median from order statistics.`;
  }
}

/** a relative to b in a Timing, paired by round (same as `timing.ratio(a, b)`). */
export function ratio(timing: Timing, a: string, b: string): Ratio {
  return timing.ratio(a, b);
}

/** Tensors inside a task's result: the result itself, or inside arrays and plain objects (a NamedTensorMap). */
function collectTensors(value: unknown, out: tf.Tensor[]): tf.Tensor[] {
  if (value instanceof tf.Tensor) out.push(value);
  else if (Array.isArray(value)) for (const v of value) collectTensors(v, out);
  else if (typeof value === "object" && value !== null && !ArrayBuffer.isView(value)) {
    const proto = Object.getPrototypeOf(value);
    if (proto === Object.prototype || proto === null) for (const v of Object.values(value)) collectTensors(v, out);
  }
  return out;
}

/**
 * Finishes one call: awaits a promise, then reads back every returned tensor and disposes it.
 * The read-back is what makes lazily executing backends (webgpu, webgl) finish the work
 * inside the timed region; it is part of the time, as it is for any caller that uses a result.
 * Tensors in `external` (ids the task returns on every call, made outside it) are read, not disposed.
 */
async function settle(result: unknown, external: ReadonlySet<number>): Promise<void> {
  const value = typeof (result as PromiseLike<unknown>)?.then === "function" ? await result : result;
  const tensors = collectTensors(value, []);
  if (tensors.length === 0) return;
  try {
    await Promise.all(tensors.map((t) => t.data()));
  } finally {
    tf.dispose(tensors.filter((t) => !external.has(t.id)));
  }
}

/** Milliseconds for `iterations` calls, each finished before the next starts. */
async function runBatch(task: TimedTask, iterations: number, external: ReadonlySet<number>): Promise<number> {
  const t0 = performance.now();
  for (let i = 0; i < iterations; i++) {
    const r = task();
    // Plain values (numbers, strings) need no await; an await would add a microtask per call.
    if (typeof r === "object" && r !== null) await settle(r, external);
  }
  return performance.now() - t0;
}

/**
 * Two untimed calls whose results are kept until both are in: a tensor returned by both is
 * not the task's own (`() => x` returns its input), so timeit must never dispose it.
 */
async function externalTensors(task: TimedTask): Promise<Set<number>> {
  const resolve = async (r: unknown) => collectTensors(typeof (r as PromiseLike<unknown>)?.then === "function" ? await r : r, []);
  const first = await resolve(task());
  const second = await resolve(task());
  const ids = new Set(first.map((t) => t.id));
  const external = new Set(second.filter((t) => ids.has(t.id)).map((t) => t.id));
  tf.dispose([...first, ...second].filter((t) => !external.has(t.id) && !t.isDisposed));
  return external;
}

const MAX_ITERATIONS = 1e9;

/** Warm-up, then the smallest batch size (growing geometrically) whose batches last ≥ minMs. Throws if the task leaks tensors. */
async function calibrate(name: string, task: TimedTask, warmup: number, minMs: number): Promise<{ iterations: number; external: Set<number> }> {
  const before = tf.memory().numTensors;
  const external = await externalTensors(task);
  let calls = 2;
  for (let i = 0; i < warmup; i++, calls++) await runBatch(task, 1, external);
  let iterations = 1;
  // Two batches in a row must reach minMs: a first slow batch (a late compile, a busy machine) alone does not settle the count.
  for (let confirmed = 0; confirmed < 2 && iterations < MAX_ITERATIONS; ) {
    const ms = await runBatch(task, iterations, external);
    calls += iterations;
    if (ms >= minMs) {
      confirmed++;
      continue;
    }
    confirmed = 0;
    // Aim 20 % past the target so the next batch is very likely long enough; grow at most 10× per step.
    const aim = ms > 0 ? Math.ceil((iterations * minMs * 1.2) / ms) : iterations * 10;
    iterations = Math.min(MAX_ITERATIONS, Math.max(iterations + 1, Math.min(aim, iterations * 10)));
  }
  const leaked = tf.memory().numTensors - before;
  if (leaked > 0) {
    throw new Error(
      `timeit: task "${name}" left ${leaked} tensors behind over ${calls} calls; wrap its body in tf.tidy(() => …) ` +
        "or return the tensors it makes, which timeit reads back and disposes",
    );
  }
  return { iterations, external };
}

function checkOptions(tasks: Record<string, TimedTask>, rounds: number, minMs: number, warmup: number): string[] {
  if (typeof tasks !== "object" || tasks === null) throw new TypeError("timeit: tasks must be an object of name → function");
  const names = Object.keys(tasks);
  if (names.length === 0) throw new RangeError("timeit: no tasks; pass { name: () => work, … }");
  for (const n of names) if (typeof tasks[n] !== "function") throw new TypeError(`timeit: task "${n}" is ${typeof tasks[n]}, not a function`);
  if (!Number.isInteger(rounds) || rounds < 6) throw new RangeError(`timeit: rounds must be an integer ≥ 6 (fewer cannot bound a median at 95 %), got ${rounds}`);
  if (!(minMs > 0 && Number.isFinite(minMs))) throw new RangeError(`timeit: minMs must be a positive number of milliseconds, got ${minMs}`);
  if (!Number.isInteger(warmup) || warmup < 0) throw new RangeError(`timeit: warmup must be an integer ≥ 0, got ${warmup}`);
  return names;
}

/**
 * Times each task: after `warmup` calls, calibrates how many calls make a sample of at least
 * `minMs`, then runs `rounds` rounds in which every task gives one sample (ms per call). The
 * order of tasks rotates from round to round, so drift of the machine (other processes,
 * thermal state, GC) and any first-or-last position effect hit all tasks alike, and per-round
 * ratios are paired. A task that returns tf tensors (alone, in an array or an object) has them
 * read back with `data()` and disposed, so lazily executing backends are timed to completion.
 * Tensors a task makes and neither returns nor disposes are an error (the memory would grow).
 */
export async function timeit(tasks: Record<string, TimedTask>, { rounds = 21, minMs = 10, warmup = 1 }: TimeitOptions = {}): Promise<Timing> {
  const names = checkOptions(tasks, rounds, minMs, warmup);
  const calibrated: { iterations: number; external: Set<number> }[] = [];
  for (const n of names) calibrated.push(await calibrate(n, tasks[n], warmup, minMs));
  const iterations = calibrated.map((c) => c.iterations);
  const samples: number[][] = names.map(() => []);
  const bar = progress("timeit", rounds);
  let interrupted = false;
  try {
    for (let r = 0; r < rounds; r++) {
      await yieldToEventLoop();
      if (takeInterrupt()) {
        interrupted = true;
        break;
      }
      for (let j = 0; j < names.length; j++) {
        const i = (j + r) % names.length;
        samples[i].push((await runBatch(tasks[names[i]], iterations[i], calibrated[i].external)) / iterations[i]);
      }
      bar.update(r + 1);
    }
  } finally {
    bar.close(!interrupted, interrupted ? `interrupted after ${samples[0].length} of ${rounds} rounds` : undefined);
  }
  const timings = names.map((name, i): TaskTiming => {
    const m = samples[i].length ? medianInterval(samples[i]) : { median: NaN, lo: NaN, hi: NaN };
    return { name, median: m.median, lo: m.lo, hi: m.hi, samples: samples[i], iterations: iterations[i] };
  });
  return new Timing(timings, rounds, minMs, interrupted);
}
