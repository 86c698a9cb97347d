/**
 * ActivationExplorer: the view edits `activations`, `params`, `x_range`,
 * `points` and `show_derivative`; the kernel recomputes `curves` (float32 buffers) or sets
 * `error`. The view never computes a curve itself: it only draws what the kernel sent.
 */
import { DOMWidgetModel, DOMWidgetView, type ISerializers } from "@jupyter-widgets/base";
import { toFloat32 } from "./binary-traits";
import { ChartHost, type ChartElement } from "./chart-host";
import { checkboxControl, element, isolateKeys, niceStep, numberControl, rangeControl, selectControl, type RangeControl } from "./controls";
import { DERIVATIVE_SIGNAL, Y_DOMAIN_SIGNAL, changedSeries, explorerSpec, fillView, modifySeries, sameDomain, yDomain, type CurveData } from "./explorer-chart";
import { seriesColour } from "./palette";
import { EXPLORER_MODEL_IDS, applyCurvesPatch, explorerDefaults, isCurvesPatch, type ParamSpecState, type ParamsState } from "../../src/contract/explorer";

/** A curves update that left out the grid and unchanged series (src/contract/explorer.ts). */
interface DecodedPatch {
  patch: true;
  series: { name: string; label: string; y?: Float32Array; dy?: Float32Array }[];
}

function decodeCurves(value: unknown): CurveData | DecodedPatch | null {
  if (value === null || value === undefined) return null;
  const raw = value as { x?: unknown; series: { name: string; label?: string; y?: unknown; dy?: unknown }[] };
  const patch = isCurvesPatch(value);
  // In a patch a series without buffers keeps the ones the model holds.
  const buffer = (v: unknown, what: string) => (patch && v === undefined ? undefined : toFloat32(v, what));
  const series = (raw.series ?? []).map((s, k) => ({
    name: s.name,
    label: s.label ?? s.name,
    y: buffer(s.y, `curves.series[${k}].y`),
    dy: buffer(s.dy, `curves.series[${k}].dy`),
  }));
  if (patch) return { patch: true, series };
  return { x: toFloat32(raw.x, "curves.x"), series: series as CurveData["series"] };
}

function encodeCurves(value: CurveData | null): unknown {
  if (!value) return null;
  return {
    x: new Float32Array(value.x),
    series: value.series.map((s) => ({ name: s.name, label: s.label, y: new Float32Array(s.y), dy: new Float32Array(s.dy) })),
  };
}

export class ActivationExplorerModel extends DOMWidgetModel {
  override defaults() {
    return { ...super.defaults(), ...EXPLORER_MODEL_IDS, ...explorerDefaults() };
  }

  /** A curves patch becomes whole curves here, reusing the arrays of series it left out. */
  override set_state(state: Record<string, unknown>): void {
    if (isCurvesPatch(state.curves)) {
      state = { ...state, curves: applyCurvesPatch(this.get("curves") as CurveData | null, state.curves as DecodedPatch) };
    }
    super.set_state(state);
  }

  static override serializers: ISerializers = {
    ...DOMWidgetModel.serializers,
    // Decoding is the only work done on arrival. Serialising happens only when the notebook
    // saves widget state: fresh copies, because the widget manager stores a typed array's
    // whole underlying buffer, which for received data is the entire websocket message.
    curves: { deserialize: decodeCurves, serialize: encodeCurves },
  };
}

export class ActivationExplorerView extends DOMWidgetView {
  private chart!: ChartHost;
  private seriesList!: HTMLElement;
  private errorBox!: HTMLElement;
  private status!: HTMLElement;
  private fromControl!: ReturnType<typeof numberControl>;
  private toControl!: ReturnType<typeof numberControl>;
  private pointsControl!: ReturnType<typeof numberControl>;
  private derivativeInput!: HTMLInputElement;
  private addSelect!: HTMLSelectElement;
  /** Sliders by "activation/param", so parameter echoes update thumbs without rebuilding. */
  private sliders = new Map<string, RangeControl>();
  private embeddedNames = "";
  /** The curves the live view holds, to send it only what changed. */
  private drawn: CurveData | undefined;
  /** The y domain the live view shows. */
  private shownDomain: [number, number] | undefined;
  private seriesListKey = "";

  override render(): void {
    this.el.classList.add("al-widget", "al-explorer");
    isolateKeys(this.el);
    this.seriesList = element("div", "al-series-list");
    this.seriesList.setAttribute("role", "group");
    this.seriesList.setAttribute("aria-label", "activations and their parameters");

    const toolbar = element("div", "al-toolbar");
    const [from, to] = this.model.get("x_range") as [number, number];
    this.fromControl = numberControl({ label: "x from", value: from, step: 0.5, onChange: (v) => this.setRange(0, v) });
    this.toControl = numberControl({ label: "x to", value: to, step: 0.5, onChange: (v) => this.setRange(1, v) });
    this.pointsControl = numberControl({
      label: "points",
      value: this.model.get("points"),
      step: 100,
      min: 2,
      onChange: (v) => this.save("points", v),
    });
    this.derivativeInput = checkboxControl("show f′(x)", this.model.get("show_derivative"), (v) => this.save("show_derivative", v)).input;
    const add = selectControl("add", [], "", (name) => this.addActivation(name), "activation…");
    this.addSelect = add.select;
    toolbar.append(
      add.root,
      this.fromControl.root,
      this.toControl.root,
      this.pointsControl.root,
      this.derivativeInput.parentElement!,
    );

    this.errorBox = element("div", "al-error");
    this.errorBox.setAttribute("role", "alert");
    const chartEl = element("div", "al-chart") as ChartElement;
    this.status = element("div", "al-status");
    this.el.append(this.seriesList, toolbar, this.errorBox, chartEl, this.status);

    this.chart = new ChartHost(chartEl, (revision) => {
      this.el.dispatchEvent(new CustomEvent("al-rendered", { bubbles: true, detail: { revision } }));
    });

    this.listenTo(this.model, "change:activations change:param_specs change:available", () => this.renderSeriesList());
    this.listenTo(this.model, "change:params", () => this.syncSliders());
    this.listenTo(this.model, "change:x_range change:points change:show_derivative", () => this.syncToolbar());
    this.listenTo(this.model, "change:error", () => this.renderError());
    this.listenTo(this.model, "change:curves", () => void this.drawCurves());
    this.listenTo(this.model, "change:show_derivative", () => void this.applyDerivativeToggle());
    this.renderSeriesList();
    this.renderError();
    this.syncToolbar();
    void this.drawCurves();
  }

  private save(key: string, value: unknown): void {
    this.model.set(key, value);
    this.model.save_changes();
  }

  private setRange(end: 0 | 1, value: number): void {
    const range = [...(this.model.get("x_range") as [number, number])];
    range[end] = value;
    this.save("x_range", range);
  }

  private addActivation(name: string): void {
    if (!name) return;
    const current = this.model.get("activations") as string[];
    if (!current.includes(name)) this.save("activations", [...current, name]);
    this.addSelect.value = "";
  }

  private replaceActivation(index: number, name: string): void {
    const current = [...(this.model.get("activations") as string[])];
    if (current.includes(name)) return; // each activation appears once; its params are keyed by name
    current[index] = name;
    this.save("activations", current);
  }

  private removeActivation(index: number): void {
    const current = (this.model.get("activations") as string[]).filter((_, k) => k !== index);
    this.save("activations", current);
  }

  private setParam(activation: string, param: string, value: number): void {
    const params = this.model.get("params") as ParamsState;
    this.save("params", { ...params, [activation]: { ...(params[activation] ?? {}), [param]: value } });
  }

  /** Rebuilt only when the set of activations or their specs change, so focus survives slider use. */
  private renderSeriesList(): void {
    const activations = this.model.get("activations") as string[];
    const specs = this.model.get("param_specs") as Record<string, ParamSpecState[]>;
    const available = this.model.get("available") as string[];
    const key = JSON.stringify([activations, available, activations.map((a) => specs[a] ?? [])]);
    if (key === this.seriesListKey) return;
    this.seriesListKey = key;

    this.sliders.clear();
    this.seriesList.replaceChildren();
    const params = this.model.get("params") as ParamsState;
    activations.forEach((name, index) => {
      const row = element("div", "al-series");
      const swatch = element("span", "al-swatch");
      swatch.style.background = seriesColour(index);
      swatch.setAttribute("aria-hidden", "true");
      const choices = available.includes(name) ? available : [name, ...available];
      const picker = selectControl(`activation ${index + 1}`, choices, name, (v) => this.replaceActivation(index, v));
      picker.select.classList.add("al-picker");
      const remove = element("button", "al-remove", "×");
      remove.type = "button";
      remove.title = `remove ${name}`;
      remove.setAttribute("aria-label", `remove ${name}`);
      remove.disabled = activations.length <= 1;
      remove.addEventListener("click", () => this.removeActivation(index));
      row.append(swatch, picker.root, remove);

      for (const spec of specs[name] ?? []) {
        const [lo, hi] = spec.slider;
        const step = niceStep(lo, hi);
        const value = params[name]?.[spec.name] ?? spec.default;
        const slider = rangeControl({
          label: spec.name,
          ariaLabel: `${name} ${spec.name}`,
          title: spec.doc,
          min: lo,
          max: hi,
          step,
          value,
          onInput: (v) => this.setParam(name, spec.name, v),
        });
        slider.input.dataset.activation = name;
        slider.input.dataset.param = spec.name;
        this.sliders.set(`${name}/${spec.name}`, slider);
        row.append(slider.root);
      }
      this.seriesList.append(row);
    });

    this.addSelect.replaceChildren(this.addSelect.options[0] ?? element("option"));
    for (const name of available) {
      if (activations.includes(name)) continue;
      const option = element("option", undefined, name);
      option.value = name;
      this.addSelect.append(option);
    }
  }

  private syncSliders(): void {
    const params = this.model.get("params") as ParamsState;
    for (const [key, slider] of this.sliders) {
      const [activation, param] = key.split("/");
      const value = params[activation]?.[param];
      if (typeof value === "number") slider.setValue(value);
    }
  }

  private syncToolbar(): void {
    const [from, to] = this.model.get("x_range") as [number, number];
    // Leave a field alone while the user is typing in it.
    const sync = (control: ReturnType<typeof numberControl>, value: number) => {
      if (document.activeElement !== control.input) control.setValue(value);
    };
    sync(this.fromControl, from);
    sync(this.toControl, to);
    sync(this.pointsControl, this.model.get("points"));
    this.derivativeInput.checked = this.model.get("show_derivative");
  }

  private renderError(): void {
    const error = this.model.get("error") as string;
    this.errorBox.textContent = error;
    this.errorBox.hidden = !error;
    this.el.classList.toggle("al-has-error", !!error);
  }

  private async applyDerivativeToggle(): Promise<void> {
    const show = !!this.model.get("show_derivative");
    const domain = this.drawn ? yDomain(this.drawn, show) : undefined;
    if (domain) this.shownDomain = domain;
    await this.chart.update((view) => {
      view.signal(DERIVATIVE_SIGNAL, show);
      if (domain) view.signal(Y_DOMAIN_SIGNAL, domain);
    }, this.replay());
  }

  /** Loads the current curves into a (fresh) view: a re-embed after a theme change replays it. */
  private replay(): (view: import("vega").View) => void {
    return (view) => {
      if (this.drawn) fillView(view, this.drawn, !!this.model.get("show_derivative"));
    };
  }

  private async drawCurves(): Promise<void> {
    // When new curves reached the view (the latency benchmark splits round trip and redraw).
    this.el.dataset.curvesReceivedAt = String(performance.now());
    const curves = this.model.get("curves") as CurveData | null;
    if (!curves || curves.series.length === 0) return;
    const names = curves.series.map((s) => s.name);
    const show = !!this.model.get("show_derivative");
    const key = names.join("\u0000");
    const previous = this.drawn;
    this.drawn = curves;
    const domain = yDomain(curves, show);
    const domainChanged = !sameDomain(this.shownDomain, domain);
    this.shownDomain = domain;
    if (key !== this.embeddedNames) {
      this.embeddedNames = key;
      await this.chart.embed((width) => explorerSpec(names, show, width), this.replay(), "vega");
      return this.showStatus(curves);
    }
    const changes = changedSeries(previous, curves);
    const edit = changes
      ? (view: import("vega").View) => {
          modifySeries(view, changes);
          if (domainChanged) view.signal(Y_DOMAIN_SIGNAL, domain);
        }
      : this.replay();
    // Same grid and the same y domain: nothing moves but the edited lines, so no re-layout.
    await this.chart.update(edit, this.replay(), { relayout: !changes || domainChanged });
    this.showStatus(curves);
  }

  private showStatus(curves: CurveData): void {
    const backend = this.model.get("backend") as string;
    const text = `${curves.series.length} curve${curves.series.length === 1 ? "" : "s"} × ${curves.x.length} points${backend ? ` · computed on ${backend}` : ""}`;
    // Rewriting identical text would still invalidate the notebook's layout on every step.
    if (this.status.textContent !== text) this.status.textContent = text;
  }

  override remove(): void {
    this.chart?.dispose();
    super.remove();
  }
}
