/**
 * Kernel side of GradientHistograms (DESIGN §6): per-layer gradient histograms of several
 * activations from a GradientFlow or TrainingRun. The front end picks `selected`
 * activations, `layer`, `step` and `log_scale`; the kernel answers with that selection's
 * histograms (`bins`, float64 buffers) and the stats table (`stats`).
 */
import { escapeHtml, formatNumber, htmlTable, renderSvg, textTable } from "../../src/charts/render";
import { PALETTE, VEGA_LITE_V5_SCHEMA, type VegaLiteSpec } from "../../src/charts/palette";
import type { MimeBundle } from "../../src/live";
import { Widget } from "../widget";
import { histogramSource, type HistogramSource } from "./histogram-source";
import { WIDGETS_MODULE, WIDGETS_MODULE_VERSION } from "./module";

export interface GradientHistogramsOptions {
  /** Activations shown at first (default: all in the data). */
  activations?: string[];
  /** 1-based layer shown at first (default 1, where vanishing gradients show first). */
  layer?: number;
  /** Training step shown at first (default: the last recorded). */
  step?: number;
  logScale?: boolean;
}

export interface HistogramBins {
  activation: string;
  edges: Float64Array;
  counts: Float64Array;
}

export interface HistogramStatsRow {
  activation: string;
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

export interface HistogramsState {
  title: string;
  kind: "flow" | "run";
  activations: string[];
  selected: string[];
  layer_count: number;
  layer: number;
  steps: number[];
  step: number;
  log_scale: boolean;
  bins: HistogramBins[];
  stats: HistogramStatsRow[];
  error: string;
}

const OPTION_NAMES = ["activations", "layer", "step", "logScale"];
const SELECTION_TRAITS = ["selected", "layer", "step"] as const;

export class GradientHistograms extends Widget<HistogramsState> {
  private readonly source: HistogramSource;

  constructor(data: unknown, options: GradientHistogramsOptions = {}) {
    for (const key of Object.keys(options)) {
      if (!OPTION_NAMES.includes(key)) throw new RangeError(`unknown gradientHistograms option "${key}"; valid options: ${OPTION_NAMES.join(", ")}`);
    }
    const source = histogramSource(data);
    const selected = options.activations ?? source.activations;
    const layer = options.layer ?? 1;
    const step = options.step ?? (source.steps.length > 0 ? source.steps[source.steps.length - 1] : 0);
    const problem = selectionProblem(source, selected, layer, step);
    if (problem) throw new RangeError(problem);
    const title = typeof (data as { options?: unknown }).options === "object" ? describe(data) : "";
    super({
      _model_name: "GradientHistogramsModel",
      _model_module: WIDGETS_MODULE,
      _model_module_version: WIDGETS_MODULE_VERSION,
      _view_name: "GradientHistogramsView",
      _view_module: WIDGETS_MODULE,
      _view_module_version: WIDGETS_MODULE_VERSION,
      title,
      kind: source.kind,
      activations: source.activations,
      selected: [...selected],
      layer_count: source.layerCount,
      layer,
      steps: source.steps,
      step,
      log_scale: options.logScale ?? false,
      ...selectionData(source, selected, layer, step),
      error: "",
    });
    this.source = source;
    this.on("change", ({ changed }) => {
      if (SELECTION_TRAITS.some((k) => k in changed)) return this.refresh();
    });
  }

  private async refresh(): Promise<void> {
    const selected = this.get("selected");
    const layer = this.get("layer");
    const step = this.get("step");
    const problem = selectionProblem(this.source, selected, layer, step);
    if (problem) {
      await this.set({ error: problem });
      return;
    }
    await this.set({ ...selectionData(this.source, selected, layer, step), error: "" });
  }

  /** A faceted histogram of the current selection plus the stats table, for exports. */
  override async fallbackBundle(): Promise<MimeBundle> {
    const bins = this.get("bins");
    const stats = this.get("stats");
    const caption = `Gradient histograms, layer ${this.get("layer")} of ${this.get("layer_count")}${this.get("kind") === "run" ? `, step ${this.get("step")}` : ""}`;
    const headers = ["activation", "count", "min", "max", "mean", "std", "% zeros", "NaN", "±Inf"];
    const rows = stats.map((s) => [s.activation, s.count, s.min, s.max, s.mean, s.std, `${formatNumber(s.zeros_pct)}%`, s.nan, s.inf]);
    const spec = histogramChartSpec(bins, this.get("activations"), this.get("log_scale"), caption);
    const bundle: MimeBundle = {
      "application/vnd.vegalite.v5+json": spec,
      "text/plain": `${caption}\n${textTable(headers, rows)}`,
    };
    let chartHtml = "";
    try {
      const svg = await renderSvg(spec);
      bundle["image/svg+xml"] = svg;
      // Exporters prefer text/html over SVG, so the HTML carries the chart too (as an image,
      // which HTML sanitisers keep), followed by the stats table.
      chartHtml = `<img alt="${escapeHtml(caption)}" src="data:image/svg+xml;base64,${Buffer.from(svg).toString("base64")}">`;
    } catch (e) {
      bundle["text/plain"] += `\n(SVG rendering failed: ${(e as Error).message})`;
    }
    bundle["text/html"] = `<div>${chartHtml}${htmlTable(headers, rows, caption)}</div>`;
    return bundle;
  }
}

function describe(data: unknown): string {
  const o = (data as { options: Record<string, unknown> }).options;
  const parts = ["depth", "width", "init", "norm", "dataset", "optimizer", "lr"].filter((k) => o[k] !== undefined).map((k) => `${k} ${String(o[k])}`);
  return parts.join(", ");
}

/** Why a selection cannot be shown, naming the valid choices; undefined when it can. */
export function selectionProblem(source: HistogramSource, selected: unknown, layer: unknown, step: unknown): string | undefined {
  if (!Array.isArray(selected)) return `selected must be a list of activations from: ${source.activations.join(", ")}`;
  const unknown = selected.filter((a) => !source.activations.includes(a));
  if (unknown.length > 0) return `no gradients recorded for ${unknown.map((a) => `"${a}"`).join(", ")}; valid choices: ${source.activations.join(", ")}`;
  if (typeof layer !== "number" || !Number.isInteger(layer) || layer < 1 || layer > source.layerCount) {
    return `layer must be an integer from 1 to ${source.layerCount}, got ${String(layer)}`;
  }
  if (source.kind === "run" && !source.steps.includes(step as number)) {
    const shown = source.steps.length > 12 ? [...source.steps.slice(0, 6), "…", ...source.steps.slice(-3)] : source.steps;
    return `step ${String(step)} was not recorded; recorded steps: ${shown.join(", ")}`;
  }
  return undefined;
}

function selectionData(source: HistogramSource, selected: string[], layer: number, step: number): Pick<HistogramsState, "bins" | "stats"> {
  const bins: HistogramBins[] = [];
  const stats: HistogramStatsRow[] = [];
  // Keep the data's order whatever order the front end listed them in.
  for (const activation of source.activations.filter((a) => selected.includes(a))) {
    const grad = source.lookup(activation, step, layer);
    if (!grad) continue;
    const counts = Float64Array.from(grad.histogram.counts);
    bins.push({ activation, edges: Float64Array.from(grad.histogram.edges), counts });
    const finite = counts.reduce((a, b) => a + b, 0);
    stats.push({
      activation,
      count: finite + grad.nan + grad.inf,
      min: grad.min,
      max: grad.max,
      mean: grad.mean,
      std: grad.std,
      zeros_pct: 100 * grad.zeroFraction,
      nan: grad.nan,
      inf: grad.inf,
    });
  }
  return { bins, stats };
}

/** Faceted bars (one row per activation, own x scale: gradient scales differ by decades). */
export function histogramChartSpec(bins: HistogramBins[], allActivations: string[], logScale: boolean, title?: string): VegaLiteSpec {
  const values = bins.flatMap((b) => Array.from(b.counts, (count, i) => ({ activation: b.activation, x0: b.edges[i], x1: b.edges[i + 1], count })));
  return {
    $schema: VEGA_LITE_V5_SCHEMA,
    ...(title ? { title } : {}),
    data: { values },
    facet: { row: { field: "activation", type: "nominal", title: null, sort: allActivations } },
    spec: {
      width: 480,
      height: 90,
      // Rects from 0 to the count over [x0, x1] (a bar mark given x2 would turn horizontal).
      mark: { type: "rect" },
      encoding: {
        x: { field: "x0", type: "quantitative", title: "∂L/∂W", axis: { format: ".3~g" } },
        x2: { field: "x1" },
        y2: { datum: 0 },
        y: { field: "count", type: "quantitative", title: logScale ? "count (symlog)" : "count", scale: logScale ? { type: "symlog" } : {} },
        color: { field: "activation", type: "nominal", legend: null, scale: { domain: allActivations, range: PALETTE.slice(0, Math.max(1, allActivations.length)) } },
      },
    },
    resolve: { scale: { x: "independent", y: "independent" } },
  };
}

/** `al.gradientHistograms(flowOrRun, options?)` inside the kernel: the live widget. */
export function gradientHistograms(data: unknown, options: GradientHistogramsOptions = {}): GradientHistograms {
  return new GradientHistograms(data, options ?? {});
}
