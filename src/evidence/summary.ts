/**
 * Summaries of a scalar measured once per seed: mean, sample standard deviation and a 95 %
 * Student-t interval for the mean. Every number a notebook compares goes through these, so
 * its noise is shown beside it.
 *
 * ```ts
 * summarize([0.91, 0.93, 0.90, 0.94, 0.92]);   // { mean: 0.92, sd: 0.0158, lo: 0.900, hi: 0.940, n: 5 }
 * ```
 */

export interface Summary {
  mean: number;
  /** Sample standard deviation (n − 1); NaN for one value. */
  sd: number;
  /** 95 % t-interval for the mean; −∞/+∞ for one value (one seed gives no interval). */
  lo: number;
  hi: number;
  n: number;
}

/** Two-sided 95 % quantiles of Student's t, t₀.₉₇₅(df) for df = 1..30. */
const T975 = [
  12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201, 2.179, 2.16, 2.145, 2.131, 2.12, 2.11, 2.101, 2.093, 2.086, 2.08, 2.074, 2.069, 2.064,
  2.06, 2.056, 2.052, 2.048, 2.045, 2.042,
];

/** t₀.₉₇₅ with `df` degrees of freedom; beyond the table, the Cornish–Fisher expansion around z = 1.96. */
export function tQuantile975(df: number): number {
  if (!(df >= 1)) throw new RangeError(`tQuantile975: df must be ≥ 1, got ${df}`);
  if (Number.isInteger(df) && df <= T975.length) return T975[df - 1];
  const z = 1.959964;
  const z3 = z ** 3;
  const z5 = z ** 5;
  return z + (z3 + z) / (4 * df) + (5 * z5 + 16 * z3 + 3 * z) / (96 * df * df);
}

export interface SummarizeOptions {
  /**
   * The range the quantity lives in by definition — [0, 1] for a share or an accuracy, [0, ∞)
   * for a loss or a norm. The t-interval is symmetric and can reach past such a bound when the
   * seeds spread widely; the mean cannot lie there, so the interval is cut at the bound.
   */
  within?: readonly [number, number];
}

/** Mean, sd and 95 % t-interval of per-seed values. NaN values make every field NaN (a diverged seed is not hidden). */
export function summarize(values: ArrayLike<number>, { within }: SummarizeOptions = {}): Summary {
  const n = values.length;
  if (n === 0) throw new RangeError("summarize: no values");
  if (within && !(within[0] < within[1])) throw new RangeError(`summarize: within must be [low, high] with low < high, got [${within.join(", ")}]`);
  let sum = 0;
  for (let i = 0; i < n; i++) sum += values[i];
  const mean = sum / n;
  const [floor, ceiling] = within ?? [-Infinity, Infinity];
  if (n === 1) return { mean, sd: NaN, lo: Number.isNaN(mean) ? NaN : floor, hi: Number.isNaN(mean) ? NaN : ceiling, n };
  let ss = 0;
  for (let i = 0; i < n; i++) ss += (values[i] - mean) ** 2;
  const sd = Math.sqrt(ss / (n - 1));
  const half = tQuantile975(n - 1) * (sd / Math.sqrt(n));
  return { mean, sd, lo: Math.max(floor, mean - half), hi: Math.min(ceiling, mean + half), n };
}

/** The natural ranges of what the experiments summarise. */
export const SHARE: readonly [number, number] = [0, 1];
export const NON_NEGATIVE: readonly [number, number] = [0, Infinity];

/** Do the two 95 % intervals overlap? (Conservative: non-overlap implies a difference.) */
export function intervalsOverlap(a: Summary, b: Summary): boolean {
  return !(a.hi < b.lo || b.hi < a.lo);
}

/**
 * The difference a − b with its 95 % interval. `paired` (same seeds on both sides, the usual
 * case: the seed fixes data, split and init) uses per-seed differences, which removes the
 * noise the two share; otherwise Welch's interval for two independent samples.
 */
export function difference(a: ArrayLike<number>, b: ArrayLike<number>, { paired = a.length === b.length } = {}): Summary {
  if (paired) {
    if (a.length !== b.length) throw new RangeError(`difference: paired needs equal counts, got ${a.length} and ${b.length}`);
    return summarize(Array.from(a, (v, i) => v - b[i]));
  }
  const sa = summarize(a);
  const sb = summarize(b);
  const va = (sa.sd * sa.sd) / sa.n;
  const vb = (sb.sd * sb.sd) / sb.n;
  const mean = sa.mean - sb.mean;
  const se = Math.sqrt(va + vb);
  if (!(se > 0)) return { mean, sd: NaN, lo: se === 0 ? mean : -Infinity, hi: se === 0 ? mean : Infinity, n: Math.min(sa.n, sb.n) };
  const df = (va + vb) ** 2 / (va ** 2 / (sa.n - 1) + vb ** 2 / (sb.n - 1));
  const half = tQuantile975(Math.max(1, df)) * se;
  return { mean, sd: NaN, lo: mean - half, hi: mean + half, n: Math.min(sa.n, sb.n) };
}

export type Comparison = "higher" | "lower" | "no measurable difference";

/** How a compares with b: "higher"/"lower" only when the 95 % interval of a − b excludes 0. */
export function compare(a: ArrayLike<number>, b: ArrayLike<number>, options?: { paired?: boolean }): { difference: Summary; verdict: Comparison } {
  const d = difference(a, b, options);
  const verdict: Comparison = d.lo > 0 ? "higher" : d.hi < 0 ? "lower" : "no measurable difference";
  return { difference: d, verdict };
}

/** "0.912 ± 0.011 (95 % CI 0.900–0.925, n = 5)", or "0.912 (n = 1, no interval)". */
export function formatSummary(s: Summary, digits = 3): string {
  const f = (v: number) => Number(v.toPrecision(digits)).toString();
  if (s.n < 2 || !Number.isFinite(s.lo)) return `${f(s.mean)} (n = ${s.n}, no interval)`;
  return `${f(s.mean)} ± ${f((s.hi - s.lo) / 2)} (95 % CI ${f(s.lo)} to ${f(s.hi)}, n = ${s.n})`;
}
