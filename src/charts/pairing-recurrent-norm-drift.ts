/**
 * Pure `data → vega-lite v5 spec` builders for the smaller experiments: output/loss
 * pairing, recurrent state growth, normalization spread, data drift. Plain data in, no
 * tfjs or Node APIs, so widgets can draw the same charts.
 */
import { VEGA_LITE_V5_SCHEMA, type VegaLiteSpec } from "./palette";
import { paletteFor } from "./gradient-flow";

interface ChartOptions {
  title?: string;
  width?: number;
  height?: number;
}

/** The frame every experiment chart shares: v5 schema, optional title, inline data, a quiet view. */
function chartFrame(title: string | undefined, values: object[], body: Record<string, unknown>): VegaLiteSpec {
  return {
    $schema: VEGA_LITE_V5_SCHEMA,
    ...(title ? { title } : {}),
    data: { values },
    ...body,
    config: { view: { stroke: null }, axis: { grid: true } },
  };
}

function colorScale(labels: string[], title: string) {
  return { field: title, type: "nominal", title, scale: { domain: labels, range: paletteFor(labels.length) } };
}

/** |∂L/∂z| against the true class's logit, log scale: where each pairing still teaches. */
export function pairingSpec(x: ArrayLike<number>, series: { pairing: string; gradient: ArrayLike<number> }[], options: ChartOptions = {}): VegaLiteSpec {
  const { title, width = 520, height = 300 } = options;
  const values: { z: number; pairing: string; magnitude: number; gradient: number }[] = [];
  for (const s of series) {
    for (let i = 0; i < x.length; i++) {
      const g = s.gradient[i];
      // A log axis cannot place 0 (the correct end of a saturated pair).
      if (Number.isFinite(g) && g !== 0) values.push({ z: x[i], pairing: s.pairing, magnitude: Math.abs(g), gradient: g });
    }
  }
  return chartFrame(title, values, {
    width,
    height,
    mark: { type: "line", strokeWidth: 2 },
    encoding: {
      x: { field: "z", type: "quantitative", title: "logit of the true class z (wrong ← 0 → right)" },
      y: { field: "magnitude", type: "quantitative", title: "|∂L/∂z| (log scale)", scale: { type: "log" }, axis: { format: "~e" } },
      color: colorScale(series.map((s) => s.pairing), "pairing"),
      tooltip: [{ field: "pairing" }, { field: "z", type: "quantitative", format: ".2f" }, { field: "gradient", type: "quantitative", format: ".3e" }],
    },
  });
}

/** Mean ‖h_t‖ over time, log scale; solid = plain cell, dashed = gated. */
export function recurrentSpec(runs: { activation: string; gated: boolean; norms: number[] }[], options: ChartOptions = {}): VegaLiteSpec {
  const { title, width = 520, height = 300 } = options;
  const values = runs.flatMap((r) =>
    r.norms.flatMap((n, t) => (Number.isFinite(n) && n > 0 ? [{ step: t + 1, activation: r.activation, cell: r.gated ? "gated" : "plain", norm: n }] : [])),
  );
  return chartFrame(title, values, {
    width,
    height,
    mark: { type: "line", strokeWidth: 2 },
    encoding: {
      x: { field: "step", type: "quantitative", title: "time step t" },
      y: { field: "norm", type: "quantitative", title: "mean ‖h_t‖ (log scale)", scale: { type: "log" }, axis: { format: "~e" } },
      color: colorScale([...new Set(runs.map((r) => r.activation))], "activation"),
      strokeDash: { field: "cell", type: "nominal", title: "cell", scale: { domain: ["plain", "gated"], range: [[1, 0], [6, 3]] } },
      tooltip: [{ field: "activation" }, { field: "cell" }, { field: "step", type: "quantitative" }, { field: "norm", type: "quantitative", format: ".3e" }],
    },
  });
}

/** first/last gradient-norm ratio per activation, grouped by norm, log scale. */
export function normComparisonSpec(rows: { norm: string; runs: { activation: string; ratio: number }[] }[], options: ChartOptions = {}): VegaLiteSpec {
  const { title, width = 140, height = 260 } = options;
  const values = rows.flatMap((r) => r.runs.filter((run) => Number.isFinite(run.ratio) && run.ratio > 0).map((run) => ({ norm: r.norm, activation: run.activation, ratio: run.ratio })));
  const labels = [...new Set(values.map((v) => v.activation))];
  return chartFrame(title, values, {
    facet: { column: { field: "norm", type: "nominal", title: "normalization", sort: rows.map((r) => r.norm) } },
    spec: {
      width,
      height,
      mark: { type: "point", filled: true, size: 90 },
      encoding: {
        x: { field: "activation", type: "nominal", title: null, sort: labels },
        y: { field: "ratio", type: "quantitative", title: "‖∂L/∂W₁‖ / ‖∂L/∂W_last‖ (log scale)", scale: { type: "log" }, axis: { format: "~e" } },
        color: colorScale(labels, "activation"),
        tooltip: [{ field: "norm" }, { field: "activation" }, { field: "ratio", type: "quantitative", format: ".3e" }],
      },
    },
  });
}

/** Dead and saturated shares before and after the shift, per activation (worst layer for dead, mean for saturated). */
export function driftSpec(rows: { activation: string; before: { dead: number[]; saturated: number[] }; after: { dead: number[]; saturated: number[] } }[], options: ChartOptions = {}): VegaLiteSpec {
  const { title, width = 110, height = 220 } = options;
  const mean = (v: number[]) => v.reduce((a, b) => a + b, 0) / Math.max(1, v.length);
  const values = rows.flatMap((r) =>
    (["before", "after"] as const).flatMap((when) => [
      { activation: r.activation, when, measure: "dead units (worst layer)", share: Math.max(0, ...r[when].dead) },
      { activation: r.activation, when, measure: "saturated units (mean)", share: mean(r[when].saturated) },
    ]),
  );
  return chartFrame(title, values, {
    facet: { row: { field: "measure", type: "nominal", title: null }, column: { field: "activation", type: "nominal", title: null, sort: rows.map((r) => r.activation) } },
    spec: {
      width,
      height,
      mark: { type: "bar" },
      encoding: {
        x: { field: "when", type: "nominal", title: null, sort: ["before", "after"] },
        y: { field: "share", type: "quantitative", title: "share", scale: { domain: [0, 1] }, axis: { format: "%" } },
        color: { field: "when", type: "nominal", title: "inputs", scale: { domain: ["before", "after"], range: paletteFor(2) } },
        tooltip: [{ field: "activation" }, { field: "measure" }, { field: "when" }, { field: "share", type: "quantitative", format: ".1%" }],
      },
    },
  });
}
