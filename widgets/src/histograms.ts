/**
 * GradientHistograms. The kernel sends every layer of every activation at the
 * shown step once (`cube`, binary buffers); this view picks what to draw from it without a
 * round trip: `mode` ("layer": one layer's histograms; "overview": layers × gradient value
 * heat maps with the per-layer norm), `overlay` (activations in one chart), `shared_x`
 * (stacked rows on one x axis), `layer`, `selected` and `log_scale`. Only `step` goes to the
 * kernel for new data. Each kind of chart is embedded once and kept: switching back is a
 * data update in place, not a re-embed. The specs, rows, stats and CSV come from the core's
 * browser-safe histogram modules, the same the kernel's static fallback uses.
 */
import { DOMWidgetModel, DOMWidgetView, type ISerializers } from "@jupyter-widgets/base";
import type { View } from "vega";
import type { TopLevelSpec } from "vega-lite";
import { paletteFor } from "../../src/charts/palette";
import {
  CSV_REQUEST,
  cubeRows,
  histogramCSV,
  HISTOGRAM_DEFAULTS,
  HISTOGRAM_MODES,
  STATS_HEADERS,
  statsRows,
  type HistogramCube,
  type HistogramMode,
} from "../../src/histograms/cube";
import { overviewScale, viewData, viewKind, viewSpec, type HistogramView, type OverviewScale } from "../../src/histograms/specs";
import { clickedLayer, decodeCube, EMPTY_CUBE, encodeCube, type SceneItem } from "./histograms-data";
import { ChartHost, type ChartElement } from "./chart-host";
import { checkboxControl, element, isolateKeys, rangeControl, selectControl, type RangeControl } from "./controls";
import { MODULE_NAME, MODULE_VERSION } from "./version";

export class GradientHistogramsModel extends DOMWidgetModel {
  override defaults() {
    return {
      ...super.defaults(),
      _model_name: "GradientHistogramsModel",
      _model_module: MODULE_NAME,
      _model_module_version: MODULE_VERSION,
      _view_name: "GradientHistogramsView",
      _view_module: MODULE_NAME,
      _view_module_version: MODULE_VERSION,
      title: "",
      kind: "flow",
      activations: [] as string[],
      selected: [] as string[],
      layer_count: 1,
      steps: [] as number[],
      step: 0,
      ...HISTOGRAM_DEFAULTS,
      cube: EMPTY_CUBE,
      overview_scale: null,
      error: "",
    };
  }

  static override serializers: ISerializers = {
    ...DOMWidgetModel.serializers,
    cube: { deserialize: decodeCube, serialize: encodeCube },
  };
}

/** Numbers for the stats table: 4 significant digits, exponents for tiny or huge values. */
function formatStat(v: number): string {
  if (!Number.isFinite(v)) return Number.isNaN(v) ? "NaN" : v > 0 ? "∞" : "−∞";
  if (v === 0) return "0";
  const a = Math.abs(v);
  return a >= 1e-3 && a < 1e5 ? String(Number(v.toPrecision(4))) : v.toExponential(3);
}

/** Time per training step while playing: long enough to read a frame. */
const PLAY_INTERVAL_MS = 600;
/** How long "download CSV" waits for the kernel's rows before saving the shown step's. */
const CSV_WAIT_MS = 5000;

/** One cached chart: a host, the spec it was embedded with and the data it holds. */
interface Pane {
  host: ChartHost;
  el: ChartElement;
  specKey: string;
  dataKey: unknown[];
}

/** Test and benchmark code reads the shown view through `.al-chart`'s `vegaView` (the shown pane comes first). */
export class GradientHistogramsView extends DOMWidgetView {
  private charts!: HTMLElement;
  private readonly panes = new Map<string, Pane>();
  private readonly revisions = { revision: 0 };
  private readonly wired = new WeakSet<View>();
  private checks!: HTMLFieldSetElement;
  private modeSelect!: HTMLSelectElement;
  private layerSlider!: RangeControl;
  private stepSlider!: RangeControl;
  private playButton!: HTMLButtonElement;
  private playTimer: ReturnType<typeof setInterval> | undefined;
  /** A "download CSV" click waits for the kernel's answer. */
  private csvWanted = false;
  private overlayInput!: HTMLInputElement;
  private sharedXInput!: HTMLInputElement;
  private logInput!: HTMLInputElement;
  private errorBox!: HTMLElement;
  private table!: HTMLTableElement;
  private heading!: HTMLElement;

  override render(): void {
    this.el.classList.add("al-widget", "al-histograms");
    isolateKeys(this.el);
    this.heading = element("div", "al-status");
    this.checks = element("fieldset", "al-checks");
    const toolbar = element("div", "al-toolbar");
    this.modeSelect = selectControl("view", HISTOGRAM_MODES, this.model.get("mode"), (v) => this.save("mode", v as HistogramMode)).select;
    this.layerSlider = rangeControl({
      label: "layer",
      ariaLabel: "layer",
      min: 1,
      max: Math.max(1, this.model.get("layer_count")),
      step: 1,
      value: this.model.get("layer"),
      onInput: (v) => this.save("layer", v),
    });
    const steps = this.model.get("steps") as number[];
    this.stepSlider = rangeControl({
      label: "step",
      ariaLabel: "training step",
      min: 0,
      max: Math.max(0, steps.length - 1),
      step: 1,
      value: Math.max(0, steps.indexOf(this.model.get("step"))),
      // The slider moves over recorded steps by index; the kernel is sent the step number.
      onInput: (i) => this.save("step", (this.model.get("steps") as number[])[i]),
    });
    this.playButton = element("button", "al-play", "▶ play");
    this.playButton.type = "button";
    this.playButton.setAttribute("aria-label", "play the training steps");
    this.playButton.addEventListener("click", () => this.togglePlay());
    this.overlayInput = checkboxControl("overlay", this.model.get("overlay"), (v) => this.save("overlay", v)).input;
    this.sharedXInput = checkboxControl("shared x", this.model.get("shared_x"), (v) => this.save("shared_x", v)).input;
    this.logInput = checkboxControl("log scale", this.model.get("log_scale"), (v) => this.save("log_scale", v)).input;
    const download = element("button", "al-download", "download CSV");
    download.type = "button";
    download.addEventListener("click", () => this.downloadCSV());
    toolbar.append(
      this.checks,
      this.modeSelect.parentElement!,
      this.layerSlider.root,
      this.stepSlider.root,
      this.playButton,
      this.overlayInput.parentElement!,
      this.sharedXInput.parentElement!,
      this.logInput.parentElement!,
      download,
    );
    this.errorBox = element("div", "al-error");
    this.errorBox.setAttribute("role", "alert");
    this.charts = element("div", "al-charts");
    this.table = element("table", "al-stats");
    this.el.append(this.heading, toolbar, this.errorBox, this.charts, this.table);

    this.listenTo(this.model, "change:activations change:selected", () => this.renderChecks());
    this.listenTo(this.model, "change:layer change:layer_count change:step change:steps change:title change:kind change:mode change:overlay change:shared_x", () => this.syncControls());
    this.listenTo(this.model, "change:error", () => this.renderError());
    this.listenTo(this.model, "msg:custom", (content: { type?: unknown; csv?: unknown }) => {
      if (content?.type === CSV_REQUEST && typeof content.csv === "string" && this.csvWanted) this.saveCSV(content.csv, "gradient-histograms.csv");
    });
    this.listenTo(this.model, "change:cube change:selected change:layer", () => this.renderTable());
    this.listenTo(this.model, "change:cube change:selected change:layer change:mode change:overlay change:shared_x change:log_scale change:overview_scale", () => void this.draw());
    this.renderChecks();
    this.syncControls();
    this.renderError();
    this.renderTable();
    void this.draw();
  }

  private save(key: string, value: unknown): void {
    this.model.set(key, value);
    this.model.save_changes();
  }

  private viewState(): HistogramView {
    return {
      activations: this.model.get("activations"),
      selected: this.model.get("selected"),
      layer: this.model.get("layer"),
      mode: this.model.get("mode"),
      overlay: !!this.model.get("overlay"),
      shared_x: !!this.model.get("shared_x"),
      log_scale: !!this.model.get("log_scale"),
    };
  }

  private renderChecks(): void {
    const all = this.model.get("activations") as string[];
    const selected = this.model.get("selected") as string[];
    const colours = paletteFor(all.length);
    const legend = element("legend", "al-label", "activations");
    this.checks.replaceChildren(legend);
    all.forEach((name, k) => {
      const box = checkboxControl(name, selected.includes(name), (on) => {
        const current = this.model.get("selected") as string[];
        // Keep the data's order so colours and rows stay put.
        const next = all.filter((a) => (a === name ? on : current.includes(a)));
        this.save("selected", next);
      });
      box.input.style.accentColor = colours[k];
      this.checks.append(box.root);
    });
  }

  private syncControls(): void {
    const count = Math.max(1, this.model.get("layer_count"));
    this.layerSlider.input.max = String(count);
    this.layerSlider.setValue(this.model.get("layer"));
    const steps = this.model.get("steps") as number[];
    this.stepSlider.root.hidden = steps.length === 0;
    this.playButton.hidden = steps.length < 2;
    this.stepSlider.input.max = String(Math.max(0, steps.length - 1));
    const index = steps.indexOf(this.model.get("step"));
    if (index >= 0) this.stepSlider.setValue(index);
    // The slider's own readout shows the index; show the step number instead.
    const out = this.stepSlider.root.querySelector("output");
    if (out) out.textContent = steps.length ? String(this.model.get("step")) : "";
    const overview = this.model.get("mode") === "overview";
    this.modeSelect.value = this.model.get("mode");
    // Overlay and shared x arrange one layer's histograms; the overview has its own layout.
    this.overlayInput.checked = !!this.model.get("overlay");
    this.sharedXInput.checked = !!this.model.get("shared_x");
    this.overlayInput.disabled = overview;
    this.sharedXInput.disabled = overview || !!this.model.get("overlay");
    const kind = this.model.get("kind") === "run" ? "training run" : "gradient flow";
    const title = this.model.get("title") as string;
    const where = overview ? `all ${count} layers` : `layer ${this.model.get("layer")} of ${count}`;
    this.heading.textContent = `Gradient histograms (${kind}${title ? `: ${title}` : ""}) · ${where}${steps.length ? ` · step ${this.model.get("step")}` : ""}`;
  }

  private renderError(): void {
    const error = this.model.get("error") as string;
    this.errorBox.textContent = error;
    this.errorBox.hidden = !error;
  }

  private renderTable(): void {
    const layer = this.model.get("layer") as number;
    const rows = statsRows(this.model.get("cube"), this.model.get("selected"), layer);
    const head = element("thead");
    const headRow = element("tr");
    for (const h of STATS_HEADERS) {
      const th = element("th", undefined, h);
      th.scope = "col";
      headRow.append(th);
    }
    head.append(headRow);
    const body = element("tbody");
    for (const r of rows) {
      const tr = element("tr");
      const cells: [string, boolean][] = [
        [r.activation, false],
        [String(r.count), false],
        [formatStat(r.min), false],
        [formatStat(r.max), false],
        [formatStat(r.mean), false],
        [formatStat(r.std), false],
        [`${formatStat(r.zeros_pct)}%`, r.zeros_pct > 50],
        [String(r.nan), r.nan > 0],
        [String(r.inf), r.inf > 0],
      ];
      cells.forEach(([text, bad], i) => {
        const td = element(i === 0 ? "th" : "td", bad ? "al-bad" : undefined, text);
        if (i === 0) (td as HTMLTableCellElement).scope = "row";
        tr.append(td);
      });
      body.append(tr);
    }
    const caption = element("caption", "al-status", `gradient statistics of layer ${layer}`);
    this.table.replaceChildren(caption, head, body);
  }

  /** The pane for a kind of chart, created on first use, shown first and alone. */
  private showPane(kind: string): Pane {
    let pane = this.panes.get(kind);
    if (!pane) {
      const el = element("div", "al-chart") as ChartElement;
      el.dataset.view = kind;
      const host = new ChartHost(el, (revision) => {
        this.el.dispatchEvent(new CustomEvent("al-rendered", { bubbles: true, detail: { revision } }));
      }, this.revisions);
      pane = { host, el, specKey: "", dataKey: [] };
      this.panes.set(kind, pane);
    }
    for (const other of this.panes.values()) other.el.hidden = other !== pane;
    if (this.charts.firstChild !== pane.el) this.charts.prepend(pane.el);
    return pane;
  }

  private async draw(): Promise<void> {
    const v = this.viewState();
    const cube = this.model.get("cube") as HistogramCube;
    const kind = viewKind(v);
    const pane = this.showPane(kind);
    const data = viewData(v, cube);
    const fill = (view: View) => {
      for (const [name, rows] of Object.entries(data)) view.data(name, rows);
      this.wireClicks(view);
    };
    // What the spec depends on beyond its kind: a re-embed only when one of these changes.
    // The kernel's scale covers every step of a run, so stepping re-fills in place.
    const scale = kind === "overview" ? ((this.model.get("overview_scale") as OverviewScale | null) ?? overviewScale(cube)) : undefined;
    const specKey = JSON.stringify([v.activations, v.log_scale, kind === "overview" ? [v.selected, scale, cube.layers.length] : []]);
    const dataKey = [cube, v.selected.join("\u0000"), kind === "overview" ? 0 : v.layer];
    if (pane.specKey !== specKey) {
      pane.specKey = specKey;
      pane.dataKey = dataKey;
      await pane.host.embed((width) => viewSpec(v, cube, width, undefined, scale) as unknown as TopLevelSpec, fill);
    } else if (pane.dataKey.some((k, i) => k !== dataKey[i])) {
      pane.dataKey = dataKey;
      await pane.host.update(fill);
    } else {
      // Same chart, same data, shown again: re-running a 25,000-cell overview would redraw
      // every cell for nothing.
      await pane.host.shown();
    }
  }

  /** Clicking an overview cell or norm point opens that layer in layer mode. */
  private wireClicks(view: View): void {
    if (this.wired.has(view)) return;
    this.wired.add(view);
    view.addEventListener("click", (event, item) => {
      const layer = clickedLayer(view, event as MouseEvent, item as SceneItem | null | undefined);
      if (this.model.get("mode") !== "overview" || layer === undefined) return;
      this.model.set({ mode: "layer", layer });
      this.model.save_changes();
    });
  }

  /**
   * Steps through the recorded training steps from the shown one (from the first when at the
   * last), one step per PLAY_INTERVAL_MS; the kernel sends each step's cube.
   */
  private togglePlay(): void {
    if (this.playTimer !== undefined) return this.stopPlay();
    const steps = this.model.get("steps") as number[];
    if (steps.indexOf(this.model.get("step")) >= steps.length - 1) this.save("step", steps[0]);
    this.playButton.textContent = "❚❚ pause";
    this.playTimer = setInterval(() => {
      const all = this.model.get("steps") as number[];
      const next = all.indexOf(this.model.get("step")) + 1;
      if (next >= all.length) return this.stopPlay();
      this.save("step", all[next]);
    }, PLAY_INTERVAL_MS);
  }

  private stopPlay(): void {
    clearInterval(this.playTimer);
    this.playTimer = undefined;
    this.playButton.textContent = "▶ play";
  }

  /**
   * Every recorded step's rows, the text of `histogramRows(data).toCSV()`, asked of the kernel
   * (the page holds the shown step only). With no kernel to answer (a saved notebook reopened
   * without one), or none within CSV_WAIT_MS, the shown step's rows, through the same function.
   */
  private downloadCSV(): void {
    const cube = this.model.get("cube") as HistogramCube;
    const shownStep = () => this.saveCSV(histogramCSV(cubeRows(cube)), this.model.get("kind") === "run" ? `gradient-histograms-step${cube.step}.csv` : "gradient-histograms.csv");
    if (!this.model.comm_live) return shownStep();
    this.csvWanted = true;
    this.model.send({ type: CSV_REQUEST }, {});
    setTimeout(() => {
      if (this.csvWanted) shownStep();
    }, CSV_WAIT_MS);
  }

  private saveCSV(csv: string, fileName: string): void {
    this.csvWanted = false;
    const url = URL.createObjectURL(new Blob([csv], { type: "text/csv" }));
    const a = element("a");
    a.href = url;
    a.download = fileName;
    a.click();
    setTimeout(() => URL.revokeObjectURL(url), 0);
  }

  override remove(): void {
    this.stopPlay();
    for (const pane of this.panes.values()) pane.host.dispose();
    super.remove();
  }
}
