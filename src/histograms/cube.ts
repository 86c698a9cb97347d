/**
 * The gradient-histogram data the kernel and the GradientHistograms widget share
 * (widgets/README.md): every layer of every activation at one training step, packed into a few
 * flat typed arrays so the kernel sends them once as binary buffers and the page switches
 * mode, overlay or layer without asking the kernel again. Also the tidy rows and their CSV.
 *
 * Browser-safe: no Node modules, no tfjs. The widgets bundle compiles this file too.
 */

/** The view's presentation: one layer's histograms, or every layer at once. */
export type HistogramMode = "layer" | "overview";
export const HISTOGRAM_MODES: readonly HistogramMode[] = ["layer", "overview"];

/** Trait defaults, the same on both sides of the comm. */
export const HISTOGRAM_DEFAULTS = {
  mode: "layer" as HistogramMode,
  overlay: false,
  shared_x: false,
  log_scale: false,
  layer: 1,
};

/** Per-layer statistics kept beside the bins, in this order, STAT_FIELDS numbers per layer. */
export const STAT_NAMES = ["norm", "count", "min", "max", "mean", "std", "zeros_pct", "nan", "inf"] as const;
export const STAT_FIELDS = STAT_NAMES.length;

/**
 * All layers of all activations at one step. Entry i = a·layers.length + j is activation a,
 * layer j; its bins are counts[binOffsets[i] .. binOffsets[i+1]) with edges
 * edges[edgeOffsets[i] .. edgeOffsets[i+1]) (one more edge than bins, or none when the layer
 * has no finite values). Each layer keeps its own edges: gradient ranges differ by decades.
 */
export interface HistogramCube {
  activations: string[];
  /** Layer numbers (1-based), the same for every activation. */
  layers: number[];
  /** Layer names where the data has them ("" otherwise). */
  names: string[];
  step: number;
  binOffsets: Int32Array;
  edgeOffsets: Int32Array;
  edges: Float64Array;
  counts: Float64Array;
  /** STAT_FIELDS numbers per entry (see STAT_NAMES); NaN where a layer is missing. */
  stats: Float64Array;
}

/** One histogram bin in tidy form, as `histogramRows` and the page's CSV download give it. */
export interface HistogramRow {
  activation: string;
  layer: number;
  /** The training step; 0 for a GradientFlow (one snapshot). */
  step: number;
  bin_lo: number;
  bin_hi: number;
  count: number;
}

/**
 * The custom message of the page's "download CSV": the page sends `{ type }`, the kernel
 * answers `{ type, csv }` with every recorded step's rows (the page holds the shown step only).
 */
export const CSV_REQUEST = "csv";

export const HISTOGRAM_ROW_COLUMNS = ["activation", "layer", "step", "bin_lo", "bin_hi", "count"] as const;

/** One row of the stats table. */
export interface HistogramStatsRow {
  activation: string;
  norm: number;
  count: number;
  min: number;
  max: number;
  mean: number;
  std: number;
  /** Percentage (0–100) of values exactly zero. */
  zeros_pct: number;
  nan: number;
  inf: number;
}

export const STATS_HEADERS = ["activation", "count", "min", "max", "mean", "std", "% zeros", "NaN", "±Inf"];

function entryIndex(cube: HistogramCube, activation: string, layer: number): number {
  const a = cube.activations.indexOf(activation);
  const j = cube.layers.indexOf(layer);
  return a < 0 || j < 0 ? -1 : a * cube.layers.length + j;
}

/** The bins of one layer as views into the cube (empty when it has none). */
export function layerBins(cube: HistogramCube, activation: string, layer: number): { edges: Float64Array; counts: Float64Array } {
  const i = entryIndex(cube, activation, layer);
  if (i < 0) return { edges: new Float64Array(0), counts: new Float64Array(0) };
  return {
    edges: cube.edges.subarray(cube.edgeOffsets[i], cube.edgeOffsets[i + 1]),
    counts: cube.counts.subarray(cube.binOffsets[i], cube.binOffsets[i + 1]),
  };
}

export function layerStats(cube: HistogramCube, activation: string, layer: number): HistogramStatsRow | undefined {
  const i = entryIndex(cube, activation, layer);
  if (i < 0 || Number.isNaN(cube.stats[i * STAT_FIELDS + 1])) return undefined;
  const row: Record<string, number | string> = { activation };
  STAT_NAMES.forEach((name, k) => (row[name] = cube.stats[i * STAT_FIELDS + k]));
  return row as unknown as HistogramStatsRow;
}

/** The stats table of one layer, for the given activations in the cube's order. */
export function statsRows(cube: HistogramCube, selected: readonly string[], layer: number): HistogramStatsRow[] {
  return cube.activations.filter((a) => selected.includes(a)).flatMap((a) => layerStats(cube, a, layer) ?? []);
}

/** The cube's bins as tidy rows (all activations and layers, or the given activations). */
export function cubeRows(cube: HistogramCube, activations: readonly string[] = cube.activations): HistogramRow[] {
  const rows: HistogramRow[] = [];
  for (const activation of cube.activations.filter((a) => activations.includes(a))) {
    for (const layer of cube.layers) {
      const { edges, counts } = layerBins(cube, activation, layer);
      for (let b = 0; b < counts.length; b++) {
        rows.push({ activation, layer, step: cube.step, bin_lo: edges[b], bin_hi: edges[b + 1], count: counts[b] });
      }
    }
  }
  return rows;
}

/** A CSV field: quoted when it holds a comma, quote or line break (RFC 4180). */
function csvField(v: string | number): string {
  const s = typeof v === "number" ? String(v) : v;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/**
 * Tidy histogram rows as CSV with a header line. Numbers are written with JavaScript's
 * shortest round-tripping form, so parsing the CSV gives back the same doubles.
 */
export function histogramCSV(rows: readonly HistogramRow[]): string {
  const lines = [HISTOGRAM_ROW_COLUMNS.join(",")];
  for (const r of rows) lines.push(HISTOGRAM_ROW_COLUMNS.map((c) => csvField(r[c])).join(","));
  return `${lines.join("\n")}\n`;
}

/** Parses `histogramCSV`'s output back into rows (for round-trip checks and user code). */
export function parseHistogramCSV(csv: string): HistogramRow[] {
  const [header, ...lines] = csv.replace(/\n$/, "").split("\n");
  if (header !== HISTOGRAM_ROW_COLUMNS.join(",")) throw new Error(`not a histogram CSV: header "${header}", expected "${HISTOGRAM_ROW_COLUMNS.join(",")}"`);
  return lines.map((line) => {
    // Activation names are the only text column; they may be quoted.
    const m = /^("(?:[^"]|"")*"|[^,]*),(.*)$/.exec(line)!;
    const activation = m[1].startsWith('"') ? m[1].slice(1, -1).replace(/""/g, '"') : m[1];
    const [layer, step, lo, hi, count] = m[2].split(",").map(Number);
    return { activation, layer, step, bin_lo: lo, bin_hi: hi, count };
  });
}
