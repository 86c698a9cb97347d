/**
 * The gradient-histogram chart: one row of bars per shown activation, each with its own x
 * scale (gradients of different activations differ by decades). Data goes in through the
 * named "bins" dataset, so switching layer, step or activations never re-embeds; only the
 * log-scale toggle (a scale type, which vega cannot swap live) does.
 */
import type { TopLevelSpec } from "vega-lite";
import { seriesColour } from "./palette";

export const BINS_DATA = "bins";

export interface BinsData {
  activation: string;
  edges: Float64Array;
  counts: Float64Array;
}

export interface BinRow {
  activation: string;
  x0: number;
  x1: number;
  count: number;
}

export function binRows(bins: readonly BinsData[]): BinRow[] {
  const rows: BinRow[] = [];
  for (const b of bins) {
    for (let i = 0; i < b.counts.length; i++) rows.push({ activation: b.activation, x0: b.edges[i], x1: b.edges[i + 1], count: b.counts[i] });
  }
  return rows;
}

export function histogramSpec(allActivations: readonly string[], logScale: boolean, width: number): TopLevelSpec {
  return {
    $schema: "https://vega.github.io/schema/vega-lite/v5.json",
    data: { name: BINS_DATA },
    facet: { row: { field: "activation", type: "nominal", title: null, sort: [...allActivations], header: { labelAngle: 0, labelAlign: "left" } } },
    spec: {
      width: Math.max(200, width - 140),
      height: 80,
      // A rect from 0 to the count over [x0, x1]: a bar mark with x2 would turn horizontal.
      mark: { type: "rect", tooltip: true, stroke: null },
      encoding: {
        x: { field: "x0", type: "quantitative", title: "∂L/∂W", axis: { format: ".3~g", labelOverlap: true } },
        x2: { field: "x1" },
        y2: { datum: 0 },
        y: {
          field: "count",
          type: "quantitative",
          title: logScale ? "count (log)" : "count",
          scale: logScale ? { type: "symlog" } : { type: "linear" },
          axis: { tickCount: 3 },
        },
        color: {
          field: "activation",
          type: "nominal",
          legend: null,
          scale: { domain: [...allActivations], range: allActivations.map((_, k) => seriesColour(k)) },
        },
        tooltip: [
          { field: "activation", type: "nominal" },
          { field: "x0", type: "quantitative", title: "from", format: ".4~g" },
          { field: "x1", type: "quantitative", title: "to", format: ".4~g" },
          { field: "count", type: "quantitative" },
        ],
      },
    },
    resolve: { scale: { x: "independent", y: "independent" } },
  };
}
