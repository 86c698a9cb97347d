/**
 * `curves(acts, { from, to, points })`: f and f′ of several activations sampled on one grid,
 * computed with tfjs on the selected backend. The result displays as a chart in Jupyter and
 * as a short table in plain Node.
 */
import { resolveActivations } from "./activations";
import type { Activation, ActivationLike, Params } from "./activations";
import { ready, withSyncReads, type BackendInfo } from "./backend";
import { curveChartSpec, type CurveChartOptions } from "./charts/curves";
import type { VegaLiteSpec } from "./charts/palette";
import { chartBundle, formatNumber, textTable } from "./charts/render";
import { DISPLAY, type MimeBundle } from "./live";
import { tf } from "./tf";

export const MAX_POINTS = 10_000_000;

export interface CurveOptions {
  from?: number;
  to?: number;
  points?: number;
}

export interface CurveSeries {
  name: string;
  label: string;
  params: Params;
  y: Float32Array;
  dy: Float32Array;
}

/** Checks a sampling range and returns it with defaults filled in. */
export function checkRange(options: CurveOptions = {}): Required<CurveOptions> {
  if (typeof options !== "object" || options === null) {
    throw new TypeError(`curve options must be an object like { from: -6, to: 6, points: 1201 }`);
  }
  const known = ["from", "to", "points"];
  for (const key of Object.keys(options)) {
    if (!known.includes(key)) throw new RangeError(`unknown curve option "${key}"; valid options: ${known.join(", ")}`);
  }
  const { from = -6, to = 6, points = 1201 } = options;
  for (const [key, v] of [["from", from], ["to", to]] as const) {
    if (typeof v !== "number" || !Number.isFinite(v)) throw new RangeError(`${key} must be a finite number, got ${String(v)}`);
  }
  if (from >= to) throw new RangeError(`the range is empty: from (${from}) must be less than to (${to})`);
  if (typeof points !== "number" || !Number.isInteger(points) || points < 2 || points > MAX_POINTS) {
    throw new RangeError(`points must be an integer from 2 to ${MAX_POINTS.toLocaleString("en-US")}, got ${String(points)}`);
  }
  return { from, to, points };
}

/** An evenly spaced float32 grid with both ends exact. */
export function grid(from: number, to: number, points: number): Float32Array {
  const x = new Float32Array(points);
  const step = (to - from) / (points - 1);
  for (let i = 0; i < points; i++) x[i] = from + i * step;
  x[points - 1] = to;
  return x;
}

/**
 * f and f′ of one activation on a grid (no tensors left behind). Synchronous, so on webgpu
 * (no synchronous GPU reads in Node) it computes on a CPU-side backend.
 */
export function sample(act: Activation, x: Float32Array): { y: Float32Array; dy: Float32Array } {
  return withSyncReads(() => {
    const xt = tf.tensor1d(x);
    try {
      const y = act.apply(xt);
      const dy = act.derivative(xt);
      try {
        return { y: y.dataSync() as Float32Array, dy: dy.dataSync() as Float32Array };
      } finally {
        y.dispose();
        dy.dispose();
      }
    } finally {
      xt.dispose();
    }
  });
}

/** f and f′ on the active backend, reading results asynchronously (the only way on webgpu). */
export async function sampleAsync(act: Activation, x: Float32Array): Promise<{ y: Float32Array; dy: Float32Array }> {
  const xt = tf.tensor1d(x);
  const y = act.apply(xt);
  const dy = act.derivative(xt);
  try {
    const [yv, dyv] = await Promise.all([y.data(), dy.data()]);
    return { y: yv as Float32Array, dy: dyv as Float32Array };
  } finally {
    tf.dispose([xt, y, dy]);
  }
}

export class CurveSet {
  constructor(
    readonly x: Float32Array,
    readonly series: CurveSeries[],
    readonly backend: BackendInfo,
  ) {}

  /** The series for one activation label or name. */
  get(label: string): CurveSeries {
    const found = this.series.find((s) => s.label === label) ?? this.series.find((s) => s.name === label);
    if (!found) throw new RangeError(`no series "${label}" in this CurveSet; it has: ${this.series.map((s) => s.label).join(", ")}`);
    return found;
  }

  /** The vega-lite v5 spec of the chart (f solid, f′ dashed). */
  toSpec(options: CurveChartOptions = {}): VegaLiteSpec {
    return curveChartSpec({ x: this.x, series: this.series }, options);
  }

  /** A compact summary: range of f and f′ over the grid per activation. */
  toString(): string {
    const rows = this.series.map((s) => {
      const [ylo, yhi] = extent(s.y);
      const [dlo, dhi] = extent(s.dy);
      return [s.label, `[${formatNumber(ylo)}, ${formatNumber(yhi)}]`, `[${formatNumber(dlo)}, ${formatNumber(dhi)}]`];
    });
    const head = `CurveSet: ${this.series.length} activation(s), ${this.x.length} points on [${this.x[0]}, ${this.x[this.x.length - 1]}], backend ${this.backend.name}`;
    return `${head}\n${textTable(["activation", "f range", "f′ range"], rows)}`;
  }

  [DISPLAY](): Promise<MimeBundle> {
    return chartBundle({ spec: this.toSpec(), text: this.toString() });
  }

  /** Node's console.log shows the summary rather than megabytes of samples. */
  [Symbol.for("nodejs.util.inspect.custom")](): string {
    return this.toString();
  }
}

function extent(a: Float32Array): [number, number] {
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of a) {
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  return [lo, hi];
}

/**
 * f and f′ of each activation on `points` evenly spaced x in [from, to].
 * ```ts
 * const set = await curves(["relu", "gelu"], { from: -3, to: 3, points: 601 });
 * set.get("gelu").y; // Float32Array
 * ```
 */
export async function curves(acts?: ActivationLike | ActivationLike[], options: CurveOptions = {}): Promise<CurveSet> {
  const { from, to, points } = checkRange(options);
  const resolved = resolveActivations(acts, ["relu", "gelu", "sigmoid", "tanh"]);
  const info = await ready();
  const x = grid(from, to, points);
  const series: CurveSeries[] = [];
  for (const act of resolved) {
    series.push({ name: act.name, label: act.label, params: { ...act.params }, ...(await sampleAsync(act, x)) });
  }
  return new CurveSet(x, series, info);
}

