/**
 * Pure `training data → vega-lite v5 spec`: training and validation loss (and accuracy) per
 * epoch, the mean over seeds with its 95 % band, beside the share of dead and stuck units per
 * hidden layer (no tfjs, no Node APIs, so widgets can share it).
 */
import { VEGA_LITE_V5_SCHEMA, type VegaLiteSpec } from "./palette";
import { paletteFor } from "./gradient-flow";
import { summarize } from "../evidence/summary";

interface ChartEpoch {
  epoch: number;
  loss: number;
  accuracy: number | null;
  valLoss?: number | null;
  valAccuracy?: number | null;
}

export interface TrainingChartRun {
  activation: string;
  history: ChartEpoch[];
  steps: { epoch: number; dead: number[]; stuck?: number[] }[];
  /** Every seed's history; without it, `history` is the only seed. */
  perSeed?: { seed: number; history: ChartEpoch[] }[];
}

/** One point of a curve: the mean over the seeds that reached this epoch, and its 95 % interval (lo = hi = mean for one seed). */
export interface SeedCurveRow {
  activation: string;
  set: "train" | "validation";
  epoch: number;
  value: number;
  lo: number;
  hi: number;
  n: number;
}

/**
 * Mean and 95 % band per (activation, train/validation, epoch) of `pick` over the seeds.
 * With `positive` (a log axis) non-positive means are left out and a band reaching below 0
 * is cut at the smallest seed's value, which a log axis can still place.
 */
export function seedCurveRows(runs: TrainingChartRun[], pick: { train: (h: ChartEpoch) => number | null | undefined; validation: (h: ChartEpoch) => number | null | undefined }, positive: boolean): SeedCurveRow[] {
  const rows: SeedCurveRow[] = [];
  for (const run of runs) {
    const histories = run.perSeed?.length ? run.perSeed.map((p) => p.history) : [run.history];
    for (const set of ["train", "validation"] as const) {
      for (let k = 0; k < histories[0].length; k++) {
        const values = histories.map((h) => (k < h.length ? pick[set](h[k]) : undefined)).filter((v): v is number => typeof v === "number" && Number.isFinite(v));
        if (values.length === 0) continue;
        const s = summarize(values);
        if (positive && !(s.mean > 0)) continue;
        const lo = values.length > 1 ? (positive && s.lo <= 0 ? Math.min(...values.filter((v) => v > 0), s.mean) : s.lo) : s.mean;
        const hi = values.length > 1 ? s.hi : s.mean;
        rows.push({ activation: run.activation, set, epoch: histories[0][k].epoch, value: s.mean, lo, hi, n: values.length });
      }
    }
  }
  return rows;
}

function curvePanel(rows: SeedCurveRow[], title: string, yTitle: string, yScale: Record<string, unknown>, color: Record<string, unknown>, size: { width: number; height: number }, format: string): Record<string, unknown> {
  const x = { field: "epoch", type: "quantitative" };
  const band = rows.some((r) => r.n > 1);
  const line = {
    mark: { type: "line", strokeWidth: 2 },
    encoding: {
      x,
      y: { field: "value", type: "quantitative", title: yTitle, scale: yScale },
      color,
      strokeDash: { field: "set", type: "nominal", title: "rows", scale: { domain: ["train", "validation"], range: [[1, 0], [5, 3]] } },
      tooltip: [{ field: "activation" }, { field: "set" }, { field: "epoch", type: "quantitative" }, { field: "value", type: "quantitative", title: "mean", format }, { field: "lo", type: "quantitative", title: "95 % lo", format }, { field: "hi", type: "quantitative", title: "95 % hi", format }, { field: "n", type: "quantitative", title: "seeds" }],
    },
  };
  return {
    ...size,
    title: band ? `${title}: mean and 95 % band over seeds` : title,
    data: { values: rows },
    layer: [
      ...(band ? [{ mark: { type: "area", opacity: 0.18 }, encoding: { x, y: { field: "lo", type: "quantitative", scale: yScale }, y2: { field: "hi" }, color, detail: { field: "set" } } }] : []),
      line,
    ],
  };
}

export function trainingSpec(runs: TrainingChartRun[], options: { title?: string; width?: number; height?: number } = {}): VegaLiteSpec {
  const { title, width = 320, height = 240 } = options;
  const labels = runs.map((r) => r.activation);
  const color = { field: "activation", type: "nominal", title: "activation", scale: { domain: labels, range: paletteFor(labels.length) } };
  const size = { width, height };
  const lossRows = seedCurveRows(runs, { train: (h) => h.loss, validation: (h) => h.valLoss }, true);
  const accuracyRows = seedCurveRows(runs, { train: (h) => h.accuracy, validation: (h) => h.valAccuracy }, false);
  // Unit health per layer is recorded for the first seed (the one the histograms animate).
  const healthRows = runs.flatMap((r) =>
    r.steps.flatMap((rec) => [
      ...rec.dead.map((share, l) => ({ activation: r.activation, epoch: rec.epoch, layer: `layer ${l + 1}`, measure: "dead", share })),
      ...(rec.stuck ?? []).map((share, l) => ({ activation: r.activation, epoch: rec.epoch, layer: `layer ${l + 1}`, measure: "stuck", share })),
    ]),
  );
  const firstSeed = runs.find((r) => r.perSeed?.length)?.perSeed?.[0].seed;
  return {
    $schema: VEGA_LITE_V5_SCHEMA,
    ...(title ? { title } : {}),
    hconcat: [
      curvePanel(lossRows, "loss (log scale; solid train, dashed validation)", "loss", { type: "log" }, color, size, ".4f"),
      ...(accuracyRows.length ? [curvePanel(accuracyRows, "accuracy (solid train, dashed validation)", "share classified right", { domain: [0, 1], clamp: true }, color, size, ".3f")] : []),
      {
        ...size,
        title: `units per layer: dead (output 0, solid), stuck (|f′| < 1 % of max, dashed)${firstSeed !== undefined && runs.some((r) => (r.perSeed?.length ?? 0) > 1) ? `, seed ${firstSeed}` : ""}`,
        data: { values: healthRows },
        mark: { type: "line", point: true },
        encoding: {
          x: { field: "epoch", type: "quantitative" },
          y: { field: "share", type: "quantitative", title: "share of the layer's units", scale: { domain: [0, 1] }, axis: { format: "%" } },
          color,
          strokeDash: { field: "measure", type: "nominal", title: "units", scale: { domain: ["dead", "stuck"], range: [[1, 0], [5, 3]] } },
          detail: { field: "layer" },
          tooltip: [{ field: "activation" }, { field: "measure" }, { field: "layer" }, { field: "epoch", type: "quantitative" }, { field: "share", type: "quantitative", format: ".1%" }],
        },
      },
    ],
    // Dashes mean train/validation in the curves and dead/stuck in the health panel.
    resolve: { scale: { strokeDash: "independent" }, legend: { strokeDash: "independent" } },
    config: { view: { stroke: null }, axis: { grid: true } },
  };
}
