/**
 * Kernel side of GradientHistograms (widgets/README.md): per-layer gradient histograms of several
 * activations from a GradientFlow, a TrainingRun or any object of their shape. The kernel
 * sends every layer of every activation at the shown step once (`cube`, binary buffers); the
 * page picks `mode`, `overlay`, `shared_x`, `layer`, `selected` and `log_scale` and redraws
 * from that cube without a round trip. Only a new `step` makes the kernel send a new cube.
 */
import { escapeHtml, formatNumber, htmlTable, renderSvg, textTable } from "../../src/charts/render";
import { CSV_REQUEST, HISTOGRAM_DEFAULTS, HISTOGRAM_MODES, STATS_HEADERS, statsRows, type HistogramCube, type HistogramMode } from "../../src/histograms/cube";
import { sourceRows } from "../../src/histograms/rows";
import { histogramCube, histogramSource, type HistogramSource } from "../../src/histograms/source";
import { overviewScale, viewData, viewSpec, withData, type OverviewScale } from "../../src/histograms/specs";
import type { MimeBundle } from "../../src/live";
import { Widget } from "../widget";
import { WIDGETS_MODULE, WIDGETS_MODULE_VERSION } from "./module";

export interface GradientHistogramsOptions {
  /** Activations shown at first (default: all in the data). */
  activations?: string[];
  /** 1-based layer shown at first (default 1, where vanishing gradients show first). */
  layer?: number;
  /** Training step shown at first (default: the last recorded). */
  step?: number;
  /** "layer" (one layer's histograms, default) or "overview" (all layers as a heat map). */
  mode?: HistogramMode;
  /** Layer mode: all activations in one chart on one x axis (default false). */
  overlay?: boolean;
  /** Layer mode: one row per activation, all on one x axis (default false: each its own). */
  sharedX?: boolean;
  /** Counts (layer mode) or colour (overview) on a log scale (default false). */
  logScale?: boolean;
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
  mode: HistogramMode;
  overlay: boolean;
  shared_x: boolean;
  log_scale: boolean;
  cube: HistogramCube;
  /** The overview's value axis and colour range over every step, so they hold still while steps play. */
  overview_scale: OverviewScale;
  error: string;
}

const OPTION_NAMES = ["activations", "layer", "step", "mode", "overlay", "sharedX", "logScale"];
const CHECKED_TRAITS = ["selected", "layer", "step", "mode"] as const;

export class GradientHistograms extends Widget<HistogramsState> {
  private readonly source: HistogramSource;

  constructor(data: unknown, options: GradientHistogramsOptions = {}) {
    for (const key of Object.keys(options)) {
      if (!OPTION_NAMES.includes(key)) throw new RangeError(`unknown gradientHistograms option "${key}"; valid options: ${OPTION_NAMES.join(", ")}`);
    }
    for (const key of ["overlay", "sharedX", "logScale"] as const) {
      const value = options[key];
      if (value !== undefined && typeof value !== "boolean") throw new TypeError(`gradientHistograms option ${key} must be true or false, got ${JSON.stringify(value)}`);
    }
    const source = histogramSource(data);
    const selected = options.activations ?? source.activations;
    const layer = options.layer ?? 1;
    const step = options.step ?? (source.steps.length > 0 ? source.steps[source.steps.length - 1] : 0);
    const mode = options.mode ?? HISTOGRAM_DEFAULTS.mode;
    const problem = selectionProblem(source, selected, layer, step, mode);
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
      mode,
      overlay: options.overlay ?? HISTOGRAM_DEFAULTS.overlay,
      shared_x: options.sharedX ?? HISTOGRAM_DEFAULTS.shared_x,
      log_scale: options.logScale ?? HISTOGRAM_DEFAULTS.log_scale,
      cube: histogramCube(source, step),
      overview_scale: overviewScale(source.kind === "run" ? source.steps.map((s) => histogramCube(source, s)) : [histogramCube(source, step)]),
      error: "",
    });
    this.source = source;
    this.on("change", ({ changed }) => {
      if (CHECKED_TRAITS.some((k) => k in changed)) return this.refresh("step" in changed);
    });
    // The page holds the shown step only; its "download CSV" asks here for every step's rows,
    // the same text as histogramRows(data).toCSV().
    this.onCustom((content) => {
      if ((content as { type?: unknown } | null)?.type === CSV_REQUEST) this.send({ type: CSV_REQUEST, csv: sourceRows(this.source).toCSV() });
    });
  }

  /** Checks the page's choice; only a new step needs new data (the page has every layer). */
  private async refresh(stepChanged: boolean): Promise<void> {
    const step = this.get("step");
    const problem = selectionProblem(this.source, this.get("selected"), this.get("layer"), step, this.get("mode"));
    if (problem) {
      await this.set({ error: problem });
      return;
    }
    const newCube = stepChanged && this.get("cube").step !== step && this.source.kind === "run";
    await this.set(newCube ? { cube: histogramCube(this.source, step), error: "" } : { error: "" });
  }

  /** The chart of the current view (same spec as the page) plus the stats table, for exports. */
  override async fallbackBundle(): Promise<MimeBundle> {
    const cube = this.get("cube");
    const view = this.getState();
    const stepText = this.get("kind") === "run" ? `, step ${this.get("step")}` : "";
    const caption =
      view.mode === "overview"
        ? `Gradient histograms of all ${this.get("layer_count")} layers${stepText}`
        : `Gradient histograms, layer ${view.layer} of ${this.get("layer_count")}${stepText}`;
    const rows = statsRows(cube, view.selected, view.layer).map((s) => [s.activation, s.count, s.min, s.max, s.mean, s.std, `${formatNumber(s.zeros_pct)}%`, s.nan, s.inf]);
    const tableCaption = `Gradient statistics, layer ${view.layer}${stepText}`;
    const spec = withData(viewSpec(view, cube, 620, caption, this.get("overview_scale")), viewData(view, cube));
    const bundle: MimeBundle = {
      "application/vnd.vegalite.v5+json": spec,
      "text/plain": `${caption}\n${textTable(STATS_HEADERS, rows)}`,
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
    bundle["text/html"] = `<div>${chartHtml}${htmlTable(STATS_HEADERS, rows, tableCaption)}</div>`;
    return bundle;
  }
}

function describe(data: unknown): string {
  const o = (data as { options: Record<string, unknown> }).options;
  const parts = ["depth", "width", "init", "norm", "dataset", "optimizer", "lr"].filter((k) => o[k] !== undefined).map((k) => `${k} ${String(o[k])}`);
  return parts.join(", ");
}

/** Why a selection cannot be shown, naming the valid choices; undefined when it can. */
export function selectionProblem(source: HistogramSource, selected: unknown, layer: unknown, step: unknown, mode: unknown = "layer"): string | undefined {
  if (!HISTOGRAM_MODES.includes(mode as HistogramMode)) return `mode must be one of ${HISTOGRAM_MODES.map((m) => `"${m}"`).join(", ")}, got ${JSON.stringify(mode)}`;
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

/** `al.gradientHistograms(flowOrRun, options?)` inside the kernel: the live widget. */
export function gradientHistograms(data: unknown, options: GradientHistogramsOptions = {}): GradientHistograms {
  return new GradientHistograms(data, options ?? {});
}
