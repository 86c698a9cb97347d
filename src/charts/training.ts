/**
 * Pure `training data → vega-lite v5 spec`: loss per epoch beside the share of dead units
 * per hidden layer (no tfjs, no Node APIs, so widgets can share it).
 */
import { VEGA_LITE_V5_SCHEMA, type VegaLiteSpec } from "./palette";
import { paletteFor } from "./gradient-flow";

export interface TrainingChartRun {
  activation: string;
  history: { epoch: number; loss: number; accuracy: number | null }[];
  steps: { epoch: number; dead: number[] }[];
}

export function trainingSpec(runs: TrainingChartRun[], options: { title?: string; width?: number; height?: number } = {}): VegaLiteSpec {
  const { title, width = 320, height = 240 } = options;
  const labels = runs.map((r) => r.activation);
  const color = { field: "activation", type: "nominal", title: "activation", scale: { domain: labels, range: paletteFor(labels.length) } };
  const lossRows = runs.flatMap((r) => r.history.filter((h) => Number.isFinite(h.loss) && h.loss > 0).map((h) => ({ activation: r.activation, epoch: h.epoch, loss: h.loss, accuracy: h.accuracy })));
  const deadRows = runs.flatMap((r) => r.steps.flatMap((rec) => rec.dead.map((d, l) => ({ activation: r.activation, epoch: rec.epoch, layer: `layer ${l + 1}`, dead: d }))));
  return {
    $schema: VEGA_LITE_V5_SCHEMA,
    ...(title ? { title } : {}),
    hconcat: [
      {
        width,
        height,
        title: "loss (log scale)",
        data: { values: lossRows },
        mark: { type: "line", strokeWidth: 2 },
        encoding: {
          x: { field: "epoch", type: "quantitative" },
          y: { field: "loss", type: "quantitative", scale: { type: "log" } },
          color,
          tooltip: [{ field: "activation" }, { field: "epoch", type: "quantitative" }, { field: "loss", type: "quantitative", format: ".4f" }, { field: "accuracy", type: "quantitative", format: ".3f" }],
        },
      },
      {
        width,
        height,
        title: "dead units (output 0 on every example)",
        data: { values: deadRows },
        mark: { type: "line", point: true },
        encoding: {
          x: { field: "epoch", type: "quantitative" },
          y: { field: "dead", type: "quantitative", title: "share of the layer's units", scale: { domain: [0, 1] }, axis: { format: "%" } },
          color,
          strokeDash: { field: "layer", type: "nominal", title: "layer" },
          tooltip: [{ field: "activation" }, { field: "layer" }, { field: "epoch", type: "quantitative" }, { field: "dead", type: "quantitative", format: ".1%" }],
        },
      },
    ],
    config: { view: { stroke: null }, axis: { grid: true } },
  };
}
