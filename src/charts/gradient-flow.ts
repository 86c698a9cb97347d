/**
 * Pure `gradient-flow data → vega-lite v5 spec`: gradient norm per layer on a log scale,
 * one line per activation (with several seeds: the mean over seeds and its 95 % band). Used by GradientFlow's static display and by widgets alike,
 * so it takes plain data (no tfjs, no Node APIs).
 */
import { PALETTE, VEGA_LITE_V5_SCHEMA, type VegaLiteSpec } from "./palette";
import { summarize } from "../evidence/summary";

export interface FlowChartRun {
  activation: string;
  norm?: string;
  verdict?: string;
  layers: { layer: number; grad: { norm: number } }[];
  /** Every seed's per-layer gradient norms; with more than one, the chart draws their mean and band. */
  perSeed?: { gradNorms: number[] }[];
}

export interface FlowChartOptions {
  title?: string;
  width?: number | "container";
  height?: number;
}

export interface FlowRow {
  layer: number;
  activation: string;
  /** The mean over seeds (the one seed's norm for one seed). */
  gradNorm: number;
  /** 95 % interval of the mean over seeds (both = gradNorm for one seed); lo is cut at the smallest seed's norm where it would reach 0. */
  lo: number;
  hi: number;
  seeds: number;
  verdict: string;
}

/** One row per (activation, layer). Zero and non-finite norms are left out: a log axis cannot place them. */
export function flowRows(runs: FlowChartRun[]): FlowRow[] {
  const rows: FlowRow[] = [];
  for (const run of runs) {
    const name = run.norm && run.norm !== "none" ? `${run.activation} (${run.norm} norm)` : run.activation;
    const several = (run.perSeed?.length ?? 0) > 1;
    run.layers.forEach((l, i) => {
      if (!several) {
        if (Number.isFinite(l.grad.norm) && l.grad.norm > 0) rows.push({ layer: l.layer, activation: name, gradNorm: l.grad.norm, lo: l.grad.norm, hi: l.grad.norm, seeds: 1, verdict: run.verdict ?? "" });
        return;
      }
      const values = run.perSeed!.map((p) => p.gradNorms[i]).filter((v) => Number.isFinite(v) && v > 0);
      if (values.length === 0) return;
      const s = summarize(values);
      const lo = values.length > 1 && s.lo > 0 ? s.lo : Math.min(...values);
      rows.push({ layer: l.layer, activation: name, gradNorm: s.mean, lo, hi: values.length > 1 ? s.hi : s.mean, seeds: values.length, verdict: run.verdict ?? "" });
    });
  }
  return rows;
}

/** Colours cycle through the palette when there are more series than colours. */
export function paletteFor(n: number): string[] {
  return Array.from({ length: Math.max(1, n) }, (_, i) => PALETTE[i % PALETTE.length]);
}

export function gradientFlowSpec(runs: FlowChartRun[], options: FlowChartOptions = {}): VegaLiteSpec {
  const { title, width = 520, height = 300 } = options;
  const rows = flowRows(runs);
  const labels = [...new Set(rows.map((r) => r.activation))];
  const band = rows.some((r) => r.seeds > 1);
  const x = { field: "layer", type: "quantitative", title: "layer (1 = nearest the input)", axis: { tickMinStep: 1 } };
  const yScale = { type: "log" };
  const color = { field: "activation", type: "nominal", title: "activation", scale: { domain: labels, range: paletteFor(labels.length) } };
  const line = {
    mark: { type: "line", point: true, strokeWidth: 2 },
    encoding: {
      x,
      y: { field: "gradNorm", type: "quantitative", title: band ? "‖∂L/∂W‖, mean over seeds with 95 % band (log scale)" : "‖∂L/∂W‖ (log scale)", scale: yScale, axis: { format: "~e" } },
      color,
      tooltip: [
        { field: "activation", type: "nominal" },
        { field: "layer", type: "quantitative" },
        { field: "gradNorm", type: "quantitative", title: band ? "gradient norm (mean)" : "gradient norm", format: ".3e" },
        ...(band ? [{ field: "lo", type: "quantitative", title: "95 % lo", format: ".3e" }, { field: "hi", type: "quantitative", title: "95 % hi", format: ".3e" }, { field: "seeds", type: "quantitative" }] : []),
        { field: "verdict", type: "nominal" },
      ],
    },
  };
  return {
    $schema: VEGA_LITE_V5_SCHEMA,
    ...(title ? { title } : {}),
    width,
    height,
    data: { values: rows },
    ...(band
      ? { layer: [{ mark: { type: "area", opacity: 0.18 }, encoding: { x, y: { field: "lo", type: "quantitative", scale: yScale }, y2: { field: "hi" }, color } }, line] }
      : line),
    config: { view: { stroke: null }, axis: { grid: true } },
  };
}
