/**
 * GradientHistograms (DESIGN §6): the view picks `selected` activations, `layer`, `step`
 * (training runs) and `log_scale`; the kernel answers with `bins` (float64 buffers) and
 * `stats`. The view draws them and the stats table tfjs-vis shows beside a histogram.
 */
import { DOMWidgetModel, DOMWidgetView, type ISerializers } from "@jupyter-widgets/base";
import { toFloat64 } from "./buffers";
import { ChartHost, type ChartElement } from "./chart-host";
import { checkboxControl, element, isolateKeys, rangeControl, type RangeControl } from "./controls";
import { BINS_DATA, binRows, histogramSpec, type BinsData } from "./histograms-chart";
import { seriesColour } from "./palette";
import { MODULE_NAME, MODULE_VERSION } from "./version";

interface StatsRow {
  activation: string;
  count: number;
  min: number;
  max: number;
  mean: number;
  std: number;
  zeros_pct: number;
  nan: number;
  inf: number;
}

function decodeBins(value: unknown): BinsData[] {
  if (!Array.isArray(value)) return [];
  return value.map((b: { activation: string; edges: unknown; counts: unknown }, k) => ({
    activation: b.activation,
    edges: toFloat64(b.edges, `bins[${k}].edges`),
    counts: toFloat64(b.counts, `bins[${k}].counts`),
  }));
}

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
      layer: 1,
      steps: [] as number[],
      step: 0,
      log_scale: false,
      bins: [] as BinsData[],
      stats: [] as StatsRow[],
      error: "",
    };
  }

  static override serializers: ISerializers = {
    ...DOMWidgetModel.serializers,
    // Fresh copies when the notebook saves widget state (see the explorer model).
    bins: {
      deserialize: decodeBins,
      serialize: (bins: BinsData[]) => bins.map((b) => ({ activation: b.activation, edges: new Float64Array(b.edges), counts: new Float64Array(b.counts) })),
    },
  };
}

/** Numbers for the stats table: 4 significant digits, exponents for tiny or huge values. */
function formatStat(v: number): string {
  if (!Number.isFinite(v)) return Number.isNaN(v) ? "NaN" : v > 0 ? "∞" : "−∞";
  if (v === 0) return "0";
  const a = Math.abs(v);
  return a >= 1e-3 && a < 1e5 ? String(Number(v.toPrecision(4))) : v.toExponential(3);
}

export class GradientHistogramsView extends DOMWidgetView {
  private chart!: ChartHost;
  private checks!: HTMLFieldSetElement;
  private layerSlider!: RangeControl;
  private stepSlider!: RangeControl;
  private logInput!: HTMLInputElement;
  private errorBox!: HTMLElement;
  private table!: HTMLTableElement;
  private heading!: HTMLElement;
  private embeddedKey = "";

  override render(): void {
    this.el.classList.add("al-widget", "al-histograms");
    isolateKeys(this.el);
    this.heading = element("div", "al-status");
    this.checks = element("fieldset", "al-checks");
    const toolbar = element("div", "al-toolbar");
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
    this.logInput = checkboxControl("log scale", this.model.get("log_scale"), (v) => this.save("log_scale", v)).input;
    toolbar.append(this.checks, this.layerSlider.root, this.stepSlider.root, this.logInput.parentElement!);
    this.errorBox = element("div", "al-error");
    this.errorBox.setAttribute("role", "alert");
    const chartEl = element("div", "al-chart") as ChartElement;
    this.table = element("table", "al-stats");
    this.el.append(this.heading, toolbar, this.errorBox, chartEl, this.table);
    this.chart = new ChartHost(chartEl, (revision) => {
      this.el.dispatchEvent(new CustomEvent("al-rendered", { bubbles: true, detail: { revision } }));
    });

    this.listenTo(this.model, "change:activations change:selected", () => this.renderChecks());
    this.listenTo(this.model, "change:layer change:layer_count change:step change:steps change:title change:kind", () => this.syncSliders());
    this.listenTo(this.model, "change:error", () => this.renderError());
    this.listenTo(this.model, "change:stats", () => this.renderTable());
    this.listenTo(this.model, "change:bins change:log_scale", () => void this.draw());
    this.renderChecks();
    this.syncSliders();
    this.renderError();
    this.renderTable();
    void this.draw();
  }

  private save(key: string, value: unknown): void {
    this.model.set(key, value);
    this.model.save_changes();
  }

  private renderChecks(): void {
    const all = this.model.get("activations") as string[];
    const selected = this.model.get("selected") as string[];
    const legend = element("legend", "al-label", "activations");
    this.checks.replaceChildren(legend);
    all.forEach((name, k) => {
      const box = checkboxControl(name, selected.includes(name), (on) => {
        const current = this.model.get("selected") as string[];
        // Keep the data's order so colours and rows stay put.
        const next = all.filter((a) => (a === name ? on : current.includes(a)));
        this.save("selected", next);
      });
      box.input.style.accentColor = seriesColour(k);
      this.checks.append(box.root);
    });
  }

  private syncSliders(): void {
    const count = Math.max(1, this.model.get("layer_count"));
    this.layerSlider.input.max = String(count);
    this.layerSlider.setValue(this.model.get("layer"));
    const steps = this.model.get("steps") as number[];
    this.stepSlider.root.hidden = steps.length === 0;
    this.stepSlider.input.max = String(Math.max(0, steps.length - 1));
    const index = steps.indexOf(this.model.get("step"));
    if (index >= 0) this.stepSlider.setValue(index);
    // The slider's own readout shows the index; show the step number instead.
    const out = this.stepSlider.root.querySelector("output");
    if (out) out.textContent = steps.length ? String(this.model.get("step")) : "";
    const kind = this.model.get("kind") === "run" ? "training run" : "gradient flow";
    const title = this.model.get("title") as string;
    this.heading.textContent = `Gradient histograms (${kind}${title ? `: ${title}` : ""}) · layer ${this.model.get("layer")} of ${count}${steps.length ? ` · step ${this.model.get("step")}` : ""}`;
  }

  private renderError(): void {
    const error = this.model.get("error") as string;
    this.errorBox.textContent = error;
    this.errorBox.hidden = !error;
  }

  private renderTable(): void {
    const rows = this.model.get("stats") as StatsRow[];
    const headers = ["activation", "count", "min", "max", "mean", "std", "% zeros", "NaN", "±Inf"];
    const head = element("thead");
    const headRow = element("tr");
    for (const h of headers) {
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
    const caption = element("caption", "al-status", "gradient statistics of the shown layer");
    this.table.replaceChildren(caption, head, body);
  }

  private async draw(): Promise<void> {
    const all = this.model.get("activations") as string[];
    const logScale = !!this.model.get("log_scale");
    const rows = binRows(this.model.get("bins") as BinsData[]);
    const fill = (view: import("vega").View) => void view.data(BINS_DATA, rows);
    const key = JSON.stringify([all, logScale]);
    if (key !== this.embeddedKey) {
      this.embeddedKey = key;
      await this.chart.embed((width) => histogramSpec(all, logScale, width), fill);
    } else {
      await this.chart.update(fill);
    }
  }

  override remove(): void {
    this.chart?.dispose();
    super.remove();
  }
}
