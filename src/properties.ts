/**
 * `properties(acts)`: what an activation *is*, measured from its definition rather than typed
 * in — range, monotonicity, zero-centring, smoothness, saturation, derivative bounds, the
 * initialisation it calls for, and whether it self-normalizes. Everything is sampled with tfjs
 * on fixed grids plus far-out probe points, and integrated against the standard normal.
 */
import { listActivations, resolveActivations } from "./activations";
import type { Activation, ActivationLike, Params } from "./activations";
import { escapeHtml, formatNumber, htmlTable, tableBundle, textTable } from "./charts/render";
import { sample } from "./curves";
import { DISPLAY, type MimeBundle } from "./live";

export type Saturation = "none" | "left" | "right" | "both";
export type Init = "he" | "glorot" | "lecun";

export interface PropertyRow {
  name: string;
  label: string;
  params: Params;
  /** [inf f, sup f]; ±Infinity where unbounded. */
  range: [number, number];
  /** Whether each end of the range is attained at a finite x ("[0, 1]" vs "(0, 1)"). */
  rangeClosed: [boolean, boolean];
  zeroCentered: boolean;
  monotonic: boolean;
  /** Continuously differentiable (no kink in f, no jump in f′). */
  smooth: boolean;
  saturates: Saturation;
  derivativeMax: number;
  derivativeAtZero: number;
  recommendedInit: Init;
  selfNormalizing: boolean;
  /** Interior minimum of f where f is not monotonic (e.g. GELU's dip). */
  minimum: { x: number; value: number } | null;
  /** E[f(z)] and E[f(z)²] for z ~ N(0, 1): what a layer's output looks like under unit input. */
  meanUnderNormal: number;
  secondMomentUnderNormal: number;
}

const FAR = [1e2, 1e4, 1e6, 1e8];
/** Far enough that every built-in's f′ has settled; near enough to stay exact in float32. */
const SATURATION_PROBE = 100;
const SATURATED_SLOPE = 1e-3;
const UNBOUNDED_AT_1E8 = 1e4;
/**
 * Moderate x: a bound reached here is attained, not merely approached. Past it a float32
 * kernel may round a limit it only approaches to the bound itself: TensorFlow's tanh returns
 * exactly ±1 from |x| ≈ 7.9 (a correctly rounded one from 9.01), its sigmoid 1 from 16.6.
 * Every built-in that attains a bound does so within |x| ≤ 6 (relu6, hard_tanh, hard_sigmoid).
 */
const ATTAINED_WITHIN = 7;
/** The measuring grid covers [−16, 16], past every built-in's bends. */
const GRID_HALF_WIDTH = 16;

function regularGrid(from: number, to: number, step: number): Float32Array {
  const n = Math.round((to - from) / step) + 1;
  const x = new Float32Array(n);
  for (let i = 0; i < n; i++) x[i] = from + i * step;
  return x;
}

function maxAbsDiff(a: Float32Array): number {
  let m = 0;
  for (let i = 1; i < a.length; i++) {
    const d = Math.abs(a[i] - a[i - 1]);
    if (d > m || Number.isNaN(d)) m = d;
  }
  return m;
}

/** E[f(√v·z)] and E[f(√v·z)²], z ~ N(0,1), by the trapezoid rule on [−10, 10]. */
function normalMoments(act: Activation, variance: number): { mean: number; second: number } {
  const z = regularGrid(-10, 10, 0.005);
  const scaled = z.map((v) => v * Math.sqrt(variance));
  const { y } = sample(act, scaled);
  let mean = 0;
  let second = 0;
  let mass = 0;
  for (let i = 0; i < z.length; i++) {
    const w = (Math.exp(-0.5 * z[i] * z[i]) / Math.sqrt(2 * Math.PI)) * 0.005 * (i === 0 || i === z.length - 1 ? 0.5 : 1);
    mean += w * y[i];
    second += w * y[i] * y[i];
    mass += w;
  }
  return { mean: mean / mass, second: second / mass };
}

/** Continuity of f and f′: for a C¹ function the largest step-to-step change shrinks with h. */
function isSmooth(act: Activation): boolean {
  const coarse = sample(act, regularGrid(-8, 8, 0.01));
  const fine = sample(act, regularGrid(-8, 8, 0.0025));
  const shrinks = (c: number, f: number) => c < 1e-6 || f < c / 2;
  return shrinks(maxAbsDiff(coarse.y), maxAbsDiff(fine.y)) && shrinks(maxAbsDiff(coarse.dy), maxAbsDiff(fine.dy));
}

/** Refines a grid minimum by fitting a parabola through it and its neighbours. */
function refineMinimum(x: Float32Array, y: Float32Array, i: number): { x: number; value: number } {
  const [y0, y1, y2] = [y[i - 1], y[i], y[i + 1]];
  const h = x[i + 1] - x[i];
  const denom = y0 - 2 * y1 + y2;
  if (denom <= 0) return { x: x[i], value: y1 };
  const offset = (0.5 * (y0 - y2)) / denom;
  return { x: x[i] + offset * h, value: y1 - 0.25 * (y0 - y2) * offset };
}

/** Measures one activation's properties. */
export function measure(act: Activation): PropertyRow {
  const x = regularGrid(-GRID_HALF_WIDTH, GRID_HALF_WIDTH, 0.0025);
  const { y, dy } = sample(act, x);
  const farX = Float32Array.from([...FAR.map((v) => -v), ...FAR, -SATURATION_PROBE, SATURATION_PROBE]);
  const far = sample(act, farX);
  const farLeft = far.y[FAR.length - 1];
  const farRight = far.y[2 * FAR.length - 1];

  let lo = Infinity;
  let hi = -Infinity;
  let iMin = 0;
  for (let i = 0; i < y.length; i++) {
    if (y[i] < lo) [lo, iMin] = [y[i], i];
    if (y[i] > hi) hi = y[i];
  }
  for (const v of far.y) {
    lo = Math.min(lo, v);
    hi = Math.max(hi, v);
  }
  const unboundedBelow = farLeft < -UNBOUNDED_AT_1E8 || (far.y[2 * FAR.length - 1] < -UNBOUNDED_AT_1E8);
  const unboundedAbove = farRight > UNBOUNDED_AT_1E8 || farLeft > UNBOUNDED_AT_1E8;
  const attained = (bound: number) => {
    for (let i = 0; i < x.length; i++) if (Math.abs(x[i]) <= ATTAINED_WITHIN && y[i] === bound) return true;
    return false;
  };
  const rangeClosed: [boolean, boolean] = [!unboundedBelow && attained(lo), !unboundedAbove && attained(hi)];
  // An open end is a limit approached far out (squareplus reaches 1e-8 at −1e8): report the limit.
  const limit = (v: number) => Math.round(v * 1e6) / 1e6 + 0;
  const range: [number, number] = [
    unboundedBelow ? -Infinity : rangeClosed[0] ? lo : limit(lo),
    unboundedAbove ? Infinity : rangeClosed[1] ? hi : limit(hi),
  ];

  let monotonic = true;
  for (let i = 1; i < y.length; i++) if (y[i] < y[i - 1] - 1e-6 * Math.max(1, Math.abs(y[i]))) monotonic = false;
  // Far probes, in increasing x: −1e8, −1e6, −1e4, −1e2, (grid), 1e2, 1e4, 1e6, 1e8.
  const leftAscending = far.y.slice(0, FAR.length).reverse();
  const rightAscending = far.y.slice(FAR.length, 2 * FAR.length);
  const ascending = [...leftAscending, y[0], y[y.length - 1], ...rightAscending];
  if (ascending.some((v, i) => i > 0 && v < ascending[i - 1] - 1e-6 * Math.max(1, Math.abs(v)))) monotonic = false;

  const slopeLeft = Math.abs(far.dy[farX.length - 2]);
  const slopeRight = Math.abs(far.dy[farX.length - 1]);
  const satLeft = slopeLeft < SATURATED_SLOPE;
  const satRight = slopeRight < SATURATED_SLOPE;
  const saturates: Saturation = satLeft && satRight ? "both" : satLeft ? "left" : satRight ? "right" : "none";

  let derivativeMax = -Infinity;
  for (const v of dy) if (v > derivativeMax) derivativeMax = v;
  for (const v of far.dy) if (v > derivativeMax) derivativeMax = v;
  const zeroIndex = x.findIndex((v) => v === 0);
  const derivativeAtZero = dy[zeroIndex];

  const unit = normalMoments(act, 1);
  const rms = Math.sqrt(unit.second);
  const zeroCentered = Math.abs(unit.mean) < 0.05 * Math.max(rms, 1e-12);
  // Klambauer et al.: mean 0 and variance 1 are a fixed point that attracts nearby variances.
  const variance = (v: number) => {
    const m = normalMoments(act, v);
    return m.second - m.mean * m.mean;
  };
  const selfNormalizing =
    Math.abs(unit.mean) < 0.01 &&
    Math.abs(unit.second - 1) < 0.01 &&
    variance(1.25) < 1.25 - 0.01 &&
    variance(0.8) > 0.8 + 0.01;

  // Rectifier-like (passes x > 0, shrinks x < 0: half the variance is lost per layer, which
  // He's factor 2 restores) → He; self-normalizing → LeCun; symmetric squashers → Glorot.
  const meanSlope = (a: number, b: number) => {
    let sum = 0;
    let n = 0;
    for (let i = 0; i < x.length; i++) if (x[i] > a && x[i] <= b) [sum, n] = [sum + dy[i], n + 1];
    return sum / n;
  };
  const slopePositive = meanSlope(0, 3);
  const slopeNegative = meanSlope(-3, 0);
  const rectifier = slopePositive > 0.5 && Math.abs(slopeNegative) < 0.5 * slopePositive;
  const recommendedInit: Init = selfNormalizing ? "lecun" : rectifier ? "he" : "glorot";

  const interior = iMin > 0 && iMin < y.length - 1 && Math.abs(x[iMin]) < ATTAINED_WITHIN && lo < Math.min(farLeft, farRight);
  const minimum = !monotonic && interior ? refineMinimum(x, y, iMin) : null;

  return {
    name: act.name,
    label: act.label,
    params: { ...act.params },
    range,
    rangeClosed,
    zeroCentered,
    monotonic,
    smooth: isSmooth(act),
    saturates,
    derivativeMax,
    derivativeAtZero,
    recommendedInit,
    selfNormalizing,
    minimum,
    meanUnderNormal: unit.mean,
    secondMomentUnderNormal: unit.second,
  };
}

export function formatRange(r: PropertyRow): string {
  const end = (v: number) => (v === Infinity ? "∞" : v === -Infinity ? "−∞" : formatNumber(Number(v.toPrecision(6))).replace(/^-/, "−"));
  return `${r.rangeClosed[0] ? "[" : "("}${end(r.range[0])}, ${end(r.range[1])}${r.rangeClosed[1] ? "]" : ")"}`;
}

const HEADERS = ["activation", "range", "zero-centred", "monotonic", "smooth", "saturates", "max f′", "f′(0)", "init", "self-normalizing"];

function cells(r: PropertyRow): (string | number)[] {
  const yes = (b: boolean) => (b ? "yes" : "no");
  return [r.label, formatRange(r), yes(r.zeroCentered), yes(r.monotonic), yes(r.smooth), r.saturates, r.derivativeMax, r.derivativeAtZero, r.recommendedInit, yes(r.selfNormalizing)];
}

/** The rows of `properties()`: an array that also shows itself as a table. */
export class PropertiesTable extends Array<PropertyRow> {
  /** Arrays made by map/filter stay plain arrays of rows. */
  static override get [Symbol.species](): ArrayConstructor {
    return Array;
  }

  /** One row by activation label or name. */
  row(label: string): PropertyRow {
    const found = this.find((r) => r.label === label) ?? this.find((r) => r.name === label);
    if (!found) throw new RangeError(`no row "${label}"; rows: ${this.map((r) => r.label).join(", ")}`);
    return found;
  }

  override toString(): string {
    return textTable(HEADERS, this.map(cells));
  }

  /** HTML and text only: JupyterLab would show `application/json` as a JSON tree instead of the table. */
  [DISPLAY](): MimeBundle {
    const notes = this.filter((r) => r.minimum).map(
      (r) => `${escapeHtml(r.label)}: minimum ${formatNumber(r.minimum!.value)} at x = ${formatNumber(r.minimum!.x)}`,
    );
    const html = htmlTable(HEADERS, this.map(cells)) + (notes.length ? `<p>Non-monotonic: ${notes.join("; ")}.</p>` : "");
    return tableBundle(html, this.toString());
  }

  [Symbol.for("nodejs.util.inspect.custom")](): string {
    return this.toString();
  }
}

/**
 * Measured properties of each activation (all registered ones by default).
 * ```ts
 * properties(["sigmoid"]).row("sigmoid").derivativeMax; // 0.25
 * ```
 */
export function properties(acts?: ActivationLike | ActivationLike[]): PropertiesTable {
  const resolved = resolveActivations(acts, listActivations());
  const table = new PropertiesTable();
  for (const act of resolved) table.push(measure(act));
  return table;
}
