/**
 * Pure `data → vega-lite v5 spec` builders of the gradient-histogram charts (widgets/README.md, GradientHistograms),
 * shared by the kernel's static fallback and the live widget (browser-safe: only plain data).
 *
 * Specs name their data (BINS_DATA, CELLS_DATA, NORMS_DATA) instead of holding it: the live
 * view loads rows into those datasets in place, and `withData` inlines them for a static
 * chart. Views:
 * - layer: one row of bars per activation, each with its own x scale (gradients of different
 *   activations differ by decades); `sharedX` puts them on one x scale to compare ranges.
 * - overlay: all activations in one chart on one x scale, semi-transparent; clicking a legend
 *   entry brings that activation forward.
 * - overview: per activation, a heat map of layer × gradient value (colour: count) beside the
 *   layer's gradient norm. The value axis is symmetric-log (see `overviewScale`).
 */
import { paletteFor, VEGA_LITE_V5_SCHEMA, type VegaLiteSpec } from "../charts/palette";
import { layerBins, layerStats, type HistogramCube } from "./cube";

export const BINS_DATA = "bins";
export const CELLS_DATA = "cells";
export const NORMS_DATA = "norms";

/** A bar of the layer and overlay views. */
export interface BinRow {
  activation: string;
  x0: number;
  x1: number;
  count: number;
}

/** A cell of the overview's heat map. */
export interface CellRow extends BinRow {
  layer: number;
}

export interface NormRow {
  activation: string;
  layer: number;
  norm: number;
}

/** Bars of one layer for the shown activations (empty bins too: they are the zero bars). */
export function layerRows(cube: HistogramCube, shown: readonly string[], layer: number): BinRow[] {
  const rows: BinRow[] = [];
  for (const activation of cube.activations.filter((a) => shown.includes(a))) {
    const { edges, counts } = layerBins(cube, activation, layer);
    for (let b = 0; b < counts.length; b++) rows.push({ activation, x0: edges[b], x1: edges[b + 1], count: counts[b] });
  }
  return rows;
}

/** Non-empty heat-map cells (an empty cell is the background; a log colour scale cannot place 0). */
export function overviewRows(cube: HistogramCube, shown: readonly string[]): CellRow[] {
  const rows: CellRow[] = [];
  for (const activation of cube.activations.filter((a) => shown.includes(a))) {
    for (const layer of cube.layers) {
      const { edges, counts } = layerBins(cube, activation, layer);
      for (let b = 0; b < counts.length; b++) {
        if (counts[b] > 0) rows.push({ activation, layer, x0: edges[b], x1: edges[b + 1], count: counts[b] });
      }
    }
  }
  return rows;
}

/** Positive, finite per-layer gradient norms (a log axis cannot place the others). */
export function normRows(cube: HistogramCube, shown: readonly string[]): NormRow[] {
  const rows: NormRow[] = [];
  for (const activation of cube.activations.filter((a) => shown.includes(a))) {
    for (const layer of cube.layers) {
      const norm = layerStats(cube, activation, layer)?.norm ?? NaN;
      if (Number.isFinite(norm) && norm > 0) rows.push({ activation, layer, norm });
    }
  }
  return rows;
}

export interface OverviewScale {
  /** symlog's linear-region half-width: values within ±constant are drawn linearly. */
  constant: number;
  /** The axis spans [-max, max]. */
  max: number;
  /** Axis ticks: 0 and ±powers of ten. */
  ticks: number[];
  /**
   * The largest bin count: the colour scale's domain ends there. Fixed in the spec (not
   * taken from the data) so colours compare across activations, and because vega cannot draw
   * a gradient legend over the empty or one-point domain a live view has before its data
   * arrives (its colour interpolator gets NaN and throws).
   */
  maxCount: number;
}

/**
 * The overview's value axis. Gradients of a deep network span many decades (1e-20 near the
 * input of a saturating network, 1e-1 near its output), so a linear axis shows only the
 * widest layer and per-layer normalising hides the very vanishing it should show. A
 * symmetric log keeps sign and magnitude on one common axis: |x| ≫ c is drawn as
 * sign(x)·log(|x|/c), a fixed width per decade. c is a hundredth of the narrowest layer's
 * largest |edge|, so even that layer's bins span about two decades of the axis. Given
 * every step of a training run, the axis and colours stay put while the steps play.
 */
export function overviewScale(cubes: HistogramCube | readonly HistogramCube[]): OverviewScale {
  let narrowest = Infinity;
  let max = 0;
  let maxCount = 1;
  for (const cube of Array.isArray(cubes) ? cubes : [cubes as HistogramCube]) {
    const entries = cube.activations.length * cube.layers.length;
    for (let i = 0; i < entries; i++) {
      let reach = 0;
      for (let e = cube.edgeOffsets[i]; e < cube.edgeOffsets[i + 1]; e++) reach = Math.max(reach, Math.abs(cube.edges[e]));
      if (reach > 0 && Number.isFinite(reach)) {
        narrowest = Math.min(narrowest, reach);
        max = Math.max(max, reach);
      }
    }
    for (const c of cube.counts) if (c > maxCount) maxCount = c;
  }
  if (max === 0) return { constant: 1, max: 1, ticks: [-1, 0, 1], maxCount };
  const constant = narrowest / 100;
  const low = Math.ceil(Math.log10(constant * 10));
  const high = Math.floor(Math.log10(max));
  // At most four ticks a side, so labels never crowd.
  const stride = Math.max(1, Math.ceil((high - low + 1) / 4));
  const decades: number[] = [];
  for (let k = high; k >= low; k -= stride) decades.push(10 ** k);
  const ticks = [...decades.map((d) => -d), 0, ...decades.reverse()];
  return { constant, max, ticks, maxCount };
}

export interface HistogramSpecOptions {
  /** Every activation in the data: the colour domain, so colours stay put. */
  activations: readonly string[];
  /** Activations drawn (in the data's order). Default: all. */
  shown?: readonly string[];
  /** Count axis (layer, overlay) or colour (overview) on a log scale. */
  logScale: boolean;
  width: number;
  title?: string;
}

function colourScale(activations: readonly string[]) {
  return { domain: [...activations], range: paletteFor(activations.length) };
}

function countAxis(logScale: boolean) {
  return {
    field: "count",
    type: "quantitative",
    title: logScale ? "count (log)" : "count",
    // symlog, not log: empty bins (count 0) still get a place.
    scale: logScale ? { type: "symlog" } : { type: "linear" },
    axis: { tickCount: 3 },
  };
}

const BIN_TOOLTIP = [
  { field: "activation", type: "nominal" },
  { field: "x0", type: "quantitative", title: "from", format: ".4~g" },
  { field: "x1", type: "quantitative", title: "to", format: ".4~g" },
  { field: "count", type: "quantitative" },
];

// A rect from 0 to the count over [x0, x1]: a bar mark with x2 would turn horizontal.
const BIN_RECT = { type: "rect", tooltip: true, stroke: null } as const;

/** The bins as rects: x over [x0, x1] of ∂L/∂W, y from 0 to the count. */
function binRectEncoding(logScale: boolean) {
  return {
    x: { field: "x0", type: "quantitative", title: "∂L/∂W", axis: { format: ".3~g", labelOverlap: true } },
    x2: { field: "x1" },
    y2: { datum: 0 },
    y: countAxis(logScale),
  };
}

/** One row of bars per activation; own x scales, or one shared x with `sharedX`. */
export function layerSpec(o: HistogramSpecOptions & { sharedX: boolean }): VegaLiteSpec {
  return {
    $schema: VEGA_LITE_V5_SCHEMA,
    ...(o.title ? { title: o.title } : {}),
    data: { name: BINS_DATA },
    facet: { row: { field: "activation", type: "nominal", title: null, sort: [...o.activations], header: { labelAngle: 0, labelAlign: "left" } } },
    spec: {
      width: Math.max(200, o.width - 140),
      height: 80,
      mark: { ...BIN_RECT },
      encoding: {
        ...binRectEncoding(o.logScale),
        color: { field: "activation", type: "nominal", legend: null, scale: colourScale(o.activations) },
        tooltip: BIN_TOOLTIP,
      },
    },
    resolve: { scale: { x: o.sharedX ? "shared" : "independent", y: "independent" } },
  };
}

/** All shown activations in one chart on one x scale; a legend click brings one forward. */
export function overlaySpec(o: HistogramSpecOptions): VegaLiteSpec {
  return {
    $schema: VEGA_LITE_V5_SCHEMA,
    ...(o.title ? { title: o.title } : {}),
    data: { name: BINS_DATA },
    width: Math.max(200, o.width - 180),
    height: 220,
    params: [{ name: "focus", select: { type: "point", fields: ["activation"] }, bind: "legend" }],
    mark: { ...BIN_RECT },
    encoding: {
      ...binRectEncoding(o.logScale),
      color: { field: "activation", type: "nominal", title: "activation", scale: colourScale(o.activations) },
      opacity: { condition: { param: "focus", value: 0.55 }, value: 0.08 },
      tooltip: BIN_TOOLTIP,
    },
  };
}

/** Heat-map height per activation: about 2 px per layer, within readable bounds. */
function overviewHeight(layerCount: number): number {
  return Math.min(260, Math.max(90, 2 * layerCount));
}

/**
 * Per shown activation: layers (rows, layer 1 on top) × gradient value (symlog x), colour =
 * count, with the layer's gradient norm (log x) on the right. Clicking a cell or a norm
 * point names its layer (the live view switches to that layer).
 */
export function overviewSpec(o: HistogramSpecOptions & { layerCount: number; scale: OverviewScale }): VegaLiteSpec {
  const shown = o.activations.filter((a) => (o.shown ?? o.activations).includes(a));
  const height = overviewHeight(o.layerCount);
  const layerStride = Math.max(1, Math.ceil(o.layerCount / 10));
  const layerTicks = Array.from({ length: o.layerCount }, (_, j) => j + 1).filter((l) => l === 1 || l % layerStride === 0);
  const y = { field: "layer", type: "ordinal", title: "layer", axis: { values: layerTicks, labelOverlap: true } };
  const colours = colourScale(o.activations);
  const row = (activation: string) => ({
    title: { text: activation, anchor: "start", fontSize: 12 },
    hconcat: [
      {
        data: { name: CELLS_DATA },
        transform: [{ filter: { field: "activation", equal: activation } }],
        width: Math.max(200, o.width - 320),
        height,
        mark: { type: "rect", tooltip: true, stroke: null, cursor: "pointer" },
        encoding: {
          x: {
            field: "x0",
            type: "quantitative",
            title: "∂L/∂W (symmetric log)",
            scale: { type: "symlog", constant: o.scale.constant, domain: [-o.scale.max, o.scale.max], nice: false },
            axis: { values: o.scale.ticks, format: ".0e", labelOverlap: true, labelAngle: -40 },
          },
          x2: { field: "x1" },
          y,
          color: {
            field: "count",
            type: "quantitative",
            title: o.logScale ? "count (log)" : "count",
            scale: { type: o.logScale ? "log" : "linear", scheme: "viridis", domain: [o.logScale ? 1 : 0, Math.max(2, o.scale.maxCount)] },
          },
          tooltip: [{ field: "layer", type: "ordinal" }, ...BIN_TOOLTIP.slice(1)],
        },
      },
      {
        data: { name: NORMS_DATA },
        transform: [{ filter: { field: "activation", equal: activation } }],
        width: 120,
        height,
        mark: { type: "line", point: { filled: true, size: 18, cursor: "pointer" }, color: colours.range[o.activations.indexOf(activation)] },
        encoding: {
          x: { field: "norm", type: "quantitative", title: "‖∂L/∂W‖ (log)", scale: { type: "log" }, axis: { format: ".0e", tickCount: 3, labelOverlap: "greedy", labelFlush: true } },
          y: { ...y, axis: { ...y.axis, labels: false }, title: null },
          order: { field: "layer", type: "quantitative" },
          tooltip: [{ field: "layer", type: "ordinal" }, { field: "norm", type: "quantitative", format: ".3~e" }],
        },
      },
    ],
  });
  return {
    $schema: VEGA_LITE_V5_SCHEMA,
    ...(o.title ? { title: o.title } : {}),
    vconcat: shown.map(row),
    resolve: { scale: { color: "shared" } },
  };
}

/** A spec with its named datasets inlined, for static rendering (SVG, exported notebooks). */
export function withData(spec: VegaLiteSpec, datasets: Record<string, object[]>): VegaLiteSpec {
  return { ...spec, datasets };
}

/** The traits that decide what the chart shows (the view edits them; widgets/README.md lists them). */
export interface HistogramView {
  activations: readonly string[];
  selected: readonly string[];
  layer: number;
  mode: "layer" | "overview";
  overlay: boolean;
  shared_x: boolean;
  log_scale: boolean;
}

/** Which spec a view state needs: equal keys mean the same spec with (maybe) new data. */
export function viewKind(v: HistogramView): "overview" | "overlay" | "shared_x" | "layer" {
  if (v.mode === "overview") return "overview";
  return v.overlay ? "overlay" : v.shared_x ? "shared_x" : "layer";
}

/** The spec of a view state (data by name; see `viewData`). */
export function viewSpec(v: HistogramView, cube: HistogramCube, width: number, title?: string, scale?: OverviewScale): VegaLiteSpec {
  const common = { activations: v.activations, shown: v.selected, logScale: v.log_scale, width, title };
  switch (viewKind(v)) {
    case "overview":
      return overviewSpec({ ...common, layerCount: cube.layers.length, scale: scale ?? overviewScale(cube) });
    case "overlay":
      return overlaySpec(common);
    default:
      return layerSpec({ ...common, sharedX: v.shared_x });
  }
}

/** The rows of the datasets `viewSpec`'s spec names. */
export function viewData(v: HistogramView, cube: HistogramCube): Record<string, object[]> {
  if (v.mode === "overview") return { [CELLS_DATA]: overviewRows(cube, v.selected), [NORMS_DATA]: normRows(cube, v.selected) };
  return { [BINS_DATA]: layerRows(cube, v.selected, v.layer) };
}
