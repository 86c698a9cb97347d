/**
 * Pure `gradient-flow data → vega-lite v5 spec`: gradient norm per layer on a log scale,
 * one line per activation. Used by GradientFlow's static display and by widgets alike,
 * so it takes plain data (no tfjs, no Node APIs).
 */
import { PALETTE, VEGA_LITE_V5_SCHEMA, type VegaLiteSpec } from "./palette";

export interface FlowChartRun {
  activation: string;
  norm?: string;
  verdict?: string;
  layers: { layer: number; grad: { norm: number } }[];
}

export interface FlowChartOptions {
  title?: string;
  width?: number | "container";
  height?: number;
}

export interface FlowRow {
  layer: number;
  activation: string;
  gradNorm: number;
  verdict: string;
}

/** One row per (activation, layer). Zero and non-finite norms are left out: a log axis cannot place them. */
export function flowRows(runs: FlowChartRun[]): FlowRow[] {
  const rows: FlowRow[] = [];
  for (const run of runs) {
    const name = run.norm && run.norm !== "none" ? `${run.activation} (${run.norm} norm)` : run.activation;
    for (const l of run.layers) {
      if (Number.isFinite(l.grad.norm) && l.grad.norm > 0) rows.push({ layer: l.layer, activation: name, gradNorm: l.grad.norm, verdict: run.verdict ?? "" });
    }
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
  return {
    $schema: VEGA_LITE_V5_SCHEMA,
    ...(title ? { title } : {}),
    width,
    height,
    data: { values: rows },
    mark: { type: "line", point: true, strokeWidth: 2 },
    encoding: {
      x: { field: "layer", type: "quantitative", title: "layer (1 = nearest the input)", axis: { tickMinStep: 1 } },
      y: { field: "gradNorm", type: "quantitative", title: "‖∂L/∂W‖ (log scale)", scale: { type: "log" }, axis: { format: "~e" } },
      color: { field: "activation", type: "nominal", title: "activation", scale: { domain: labels, range: paletteFor(labels.length) } },
      tooltip: [
        { field: "activation", type: "nominal" },
        { field: "layer", type: "quantitative" },
        { field: "gradNorm", type: "quantitative", title: "gradient norm", format: ".3e" },
        { field: "verdict", type: "nominal" },
      ],
    },
    config: { view: { stroke: null }, axis: { grid: true } },
  };
}
