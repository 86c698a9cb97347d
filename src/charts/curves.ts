/**
 * Pure `curve data → vega-lite v5 spec`: the static chart of a CurveSet and the fallback of
 * the explorer widget (vega-lite + server-side SVG), so exported notebooks show the same
 * chart everywhere. The live explorer view draws the same encoding (colour = activation from
 * the same palette, f solid, f′ dashed) with a hand-written Vega spec instead, because editing
 * one series' tuples in place under a y domain that only moves in nice steps is what keeps a
 * slider redraw near 5 ms, and vega-lite's fold transform would rebuild every row on each
 * change (191 ms median with this spec).
 * No tfjs, no vega, no Node APIs: this module runs in the browser too.
 */
import { PALETTE, VEGA_LITE_V5_SCHEMA, type VegaLiteSpec } from "./palette";

export interface CurveSeriesData {
  label: string;
  y: ArrayLike<number>;
  dy?: ArrayLike<number>;
}

export interface CurveChartData {
  x: ArrayLike<number>;
  series: CurveSeriesData[];
}

export interface CurveChartOptions {
  showDerivative?: boolean;
  title?: string;
  width?: number | "container";
  height?: number;
  /** Longest series drawn; longer ones are decimated evenly (the ends are kept). */
  maxPoints?: number;
}

export interface CurveRow {
  x: number;
  activation: string;
  f: number;
  df: number | null;
}

/** The name of the dataset the explorer widget replaces on every update. */
export const CURVE_DATASET = "curves";

/** Evenly spaced indices 0..n-1, at most `max` of them, always including both ends. */
export function decimate(n: number, max: number): number[] {
  if (n <= max) return Array.from({ length: n }, (_, i) => i);
  const out: number[] = [];
  const step = (n - 1) / (max - 1);
  for (let k = 0; k < max; k++) out.push(Math.round(k * step));
  return out;
}

/** Wide rows (one per x per activation) for the curve chart. Non-finite values become null. */
export function curveRows(data: CurveChartData, maxPoints = 2000): CurveRow[] {
  const idx = decimate(data.x.length, Math.max(2, maxPoints));
  const rows: CurveRow[] = [];
  const finite = (v: number) => (Number.isFinite(v) ? v : null);
  for (const s of data.series) {
    for (const i of idx) {
      rows.push({ x: data.x[i], activation: s.label, f: finite(s.y[i]) as number, df: s.dy ? finite(s.dy[i]) : null });
    }
  }
  return rows;
}

/** f and (optionally) f′ of several activations: colour = activation, dash = f or f′. */
export function curveChartSpec(data: CurveChartData, options: CurveChartOptions = {}): VegaLiteSpec {
  const { showDerivative = true, title, width = 520, height = 300, maxPoints = 2000 } = options;
  const labels = data.series.map((s) => s.label);
  const fold = showDerivative ? ["f", "df"] : ["f"];
  return {
    $schema: VEGA_LITE_V5_SCHEMA,
    ...(title ? { title } : {}),
    width,
    height,
    data: { name: CURVE_DATASET, values: curveRows(data, maxPoints) },
    transform: [
      { fold, as: ["kind", "value"] },
      { calculate: "datum.kind === 'f' ? 'f(x)' : 'f′(x)'", as: "curve" },
    ],
    mark: { type: "line", strokeWidth: 2, clip: true },
    encoding: {
      x: { field: "x", type: "quantitative", title: "x" },
      y: { field: "value", type: "quantitative", title: showDerivative ? "f(x), f′(x)" : "f(x)" },
      color: {
        field: "activation",
        type: "nominal",
        title: "activation",
        scale: { domain: labels, range: PALETTE.slice(0, Math.max(1, labels.length)) },
      },
      strokeDash: {
        field: "curve",
        type: "nominal",
        title: "curve",
        scale: { domain: ["f(x)", "f′(x)"], range: [[1, 0], [5, 3]] },
      },
      detail: { field: "kind" },
      tooltip: [
        { field: "activation", type: "nominal" },
        { field: "x", type: "quantitative", format: ".3f" },
        { field: "f", type: "quantitative", title: "f(x)", format: ".5f" },
        { field: "df", type: "quantitative", title: "f′(x)", format: ".5f" },
      ],
    },
    config: { view: { stroke: null }, axis: { grid: true } },
  };
}
