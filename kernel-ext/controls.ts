/**
 * The stock `@jupyter-widgets/controls` 2.0.0 models, driven from TypeScript: the same model
 * names and traits ipywidgets 8 uses, so JupyterLab's built-in widget manager renders them.
 *
 *   const s = new IntSlider({ value: 3, min: 0, max: 10, description: "depth" });
 *   s.onChange((depth) => console.log(depth));
 */
import { MimeBundle } from "../src/live";
import { Widget, WidgetModelIds } from "./widget";

const CONTROLS = "@jupyter-widgets/controls";
const BASE = "@jupyter-widgets/base";
const VERSION = "2.0.0";

function controlIds(model: string, view: string): WidgetModelIds {
  return { _model_name: model, _model_module: CONTROLS, _model_module_version: VERSION, _view_name: view, _view_module: CONTROLS, _view_module_version: VERSION };
}

/** CSS layout of a widget (width, height, margin, ...): the base LayoutModel. */
export class Layout extends Widget<Record<string, string | null>> {
  constructor(css: Record<string, string | null> = {}) {
    super({ _model_name: "LayoutModel", _model_module: BASE, _model_module_version: VERSION, _view_name: "LayoutView", _view_module: BASE, _view_module_version: VERSION, ...css });
  }
}

/** Styling attributes of a control (description_width, handle_color, bar_color, ...). */
export class Style extends Widget<Record<string, string | null>> {
  constructor(model: string, attrs: Record<string, string | null>) {
    super({ _model_name: model, _model_module: CONTROLS, _model_module_version: VERSION, _view_name: "StyleView", _view_module: BASE, _view_module_version: VERSION, ...attrs });
  }
}

/** Traits every DOM widget has. */
export interface DomState {
  _dom_classes: string[];
  layout: Layout;
  tabbable: boolean | null;
  tooltip: string | null;
}

export interface DescribedState extends DomState {
  description: string;
  description_allow_html: boolean;
  style: Style;
}

export type ValueListener<T> = (value: T, old: T) => void | Promise<void>;

function domDefaults(): DomState {
  return { _dom_classes: [], layout: new Layout(), tabbable: null, tooltip: null };
}

/** A control with a `value` trait: `value` property and `onChange`. */
export abstract class ValueWidget<T, S extends { value: T }> extends Widget<S> {
  get value(): T {
    return this.get("value") as T;
  }
  set value(v: T) {
    void this.set({ value: v } as unknown as Partial<S>);
  }
  /** Called after every change of `value`, from the front end or from kernel code. */
  onChange(listener: ValueListener<T>): () => void {
    return this.on("change:value" as `change:${keyof S & string}`, (c) => listener(c.new as unknown as T, c.old as unknown as T));
  }
  override fallbackBundle(): MimeBundle {
    const description = (this.get("description" as keyof S) as unknown as string | undefined) ?? "";
    return { "text/plain": `${this.get("_model_name").replace(/Model$/, "")}(${description ? `${description}: ` : ""}${JSON.stringify(this.value)})` };
  }
}

export interface SliderOptions {
  value?: number;
  min?: number;
  max?: number;
  step?: number;
  description?: string;
  continuous_update?: boolean;
  orientation?: "horizontal" | "vertical";
  readout?: boolean;
  readout_format?: string;
  disabled?: boolean;
}

interface SliderState extends DescribedState {
  value: number;
  min: number;
  max: number;
  step: number;
  behavior: string;
  continuous_update: boolean;
  disabled: boolean;
  orientation: string;
  readout: boolean;
  readout_format: string;
}

function checkRange(kind: string, min: number, max: number, step: number): void {
  if (![min, max, step].every(Number.isFinite)) throw new Error(`${kind}: min, max and step must be finite numbers`);
  if (min > max) throw new Error(`${kind}: min (${min}) must not exceed max (${max})`);
  if (step <= 0) throw new Error(`${kind}: step must be positive, got ${step}`);
}

abstract class Slider extends ValueWidget<number, SliderState> {
  protected abstract readonly integer: boolean;
  protected override validate(key: keyof SliderState & string, value: unknown): unknown {
    const checked = super.validate(key, value);
    if (key !== "value") return checked;
    if (typeof checked !== "number" || Number.isNaN(checked)) throw new Error(`${this.get("_model_name")}.value must be a number, got ${JSON.stringify(value)}`);
    // As ipywidgets does: values outside [min, max] are clamped, not rejected.
    const clamped = Math.min(this.get("max"), Math.max(this.get("min"), checked));
    return this.integer ? Math.round(clamped) : clamped;
  }
}

function sliderState(kind: string, options: SliderOptions, integer: boolean): Omit<SliderState, keyof WidgetModelIds> {
  const min = options.min ?? 0;
  const max = options.max ?? 100;
  const step = options.step ?? (integer ? 1 : 0.1);
  checkRange(kind, min, max, step);
  if (integer && ![min, max, step].every(Number.isInteger)) throw new Error(`${kind}: min, max and step must be integers`);
  const raw = options.value ?? min;
  const value = Math.min(max, Math.max(min, integer ? Math.round(raw) : raw));
  return {
    ...domDefaults(),
    description: options.description ?? "",
    description_allow_html: false,
    style: new Style("SliderStyleModel", { description_width: "", handle_color: null }),
    value,
    min,
    max,
    step,
    behavior: "drag-tap",
    continuous_update: options.continuous_update ?? true,
    disabled: options.disabled ?? false,
    orientation: options.orientation ?? "horizontal",
    readout: options.readout ?? true,
    readout_format: options.readout_format ?? (integer ? "d" : ".2f"),
  };
}

export class IntSlider extends Slider {
  protected readonly integer = true;
  constructor(options: SliderOptions = {}) {
    super({ ...controlIds("IntSliderModel", "IntSliderView"), ...sliderState("IntSlider", options, true) });
  }
}

export class FloatSlider extends Slider {
  protected readonly integer = false;
  constructor(options: SliderOptions = {}) {
    super({ ...controlIds("FloatSliderModel", "FloatSliderView"), ...sliderState("FloatSlider", options, false) });
  }
}

interface CheckboxState extends DescribedState {
  value: boolean;
  disabled: boolean;
  indent: boolean;
}

export class Checkbox extends ValueWidget<boolean, CheckboxState> {
  constructor(options: { value?: boolean; description?: string; disabled?: boolean; indent?: boolean } = {}) {
    super({
      ...controlIds("CheckboxModel", "CheckboxView"),
      ...domDefaults(),
      description: options.description ?? "",
      description_allow_html: false,
      style: new Style("CheckboxStyleModel", { description_width: "", background: null }),
      value: options.value ?? false,
      disabled: options.disabled ?? false,
      indent: options.indent ?? true,
    });
  }
}

interface TextState extends DescribedState {
  value: string;
  placeholder: string;
}

/** A line of plain text. */
export class Label extends ValueWidget<string, TextState> {
  override fallbackBundle(): MimeBundle {
    return { "text/plain": this.value };
  }

  constructor(value = "", options: { description?: string } = {}) {
    super({
      ...controlIds("LabelModel", "LabelView"),
      ...domDefaults(),
      description: options.description ?? "",
      description_allow_html: false,
      style: new Style("LabelStyleModel", { description_width: "", background: null, text_color: null }),
      value,
      placeholder: "\u200b",
    });
  }
}

/** A block of HTML. */
export class HTML extends ValueWidget<string, TextState> {
  constructor(value = "", options: { description?: string } = {}) {
    super({
      ...controlIds("HTMLModel", "HTMLView"),
      ...domDefaults(),
      description: options.description ?? "",
      description_allow_html: false,
      style: new Style("HTMLStyleModel", { description_width: "", background: null, font_size: null, text_color: null }),
      value,
      placeholder: "\u200b",
    });
  }
}

interface ProgressState extends DescribedState {
  value: number;
  min: number;
  max: number;
  bar_style: "" | "success" | "info" | "warning" | "danger";
  orientation: string;
}

export interface ProgressOptions {
  value?: number;
  min?: number;
  max?: number;
  description?: string;
  bar_style?: ProgressState["bar_style"];
}

abstract class Progress extends ValueWidget<number, ProgressState> {
  protected abstract readonly integer: boolean;

  /** A text bar, so a notebook read without widgets still shows how far the work got. */
  override fallbackBundle(): MimeBundle {
    const { description, value, min, max } = { description: this.get("description"), value: this.value, min: this.get("min"), max: this.get("max") };
    const width = 20;
    const filled = max > min ? Math.round(((value - min) / (max - min)) * width) : width;
    return { "text/plain": `${description ? `${description} ` : ""}[${"#".repeat(filled).padEnd(width, ".")}] ${value}/${max}` };
  }

  protected override validate(key: keyof ProgressState & string, value: unknown): unknown {
    const checked = super.validate(key, value);
    if (key !== "value" || typeof checked !== "number") return checked;
    const clamped = Math.min(this.get("max"), Math.max(this.get("min"), checked));
    return this.integer ? Math.round(clamped) : clamped;
  }
}

function progressState(kind: string, options: ProgressOptions): Omit<ProgressState, keyof WidgetModelIds> {
  const min = options.min ?? 0;
  const max = options.max ?? 100;
  checkRange(kind, min, max, 1);
  return {
    ...domDefaults(),
    description: options.description ?? "",
    description_allow_html: false,
    style: new Style("ProgressStyleModel", { description_width: "", bar_color: null }),
    value: Math.min(max, Math.max(min, options.value ?? min)),
    min,
    max,
    bar_style: options.bar_style ?? "",
    orientation: "horizontal",
  };
}

export class IntProgress extends Progress {
  protected readonly integer = true;
  constructor(options: ProgressOptions = {}) {
    super({ ...controlIds("IntProgressModel", "ProgressView"), ...progressState("IntProgress", options) });
  }
}

export class FloatProgress extends Progress {
  protected readonly integer = false;
  constructor(options: ProgressOptions = {}) {
    super({ ...controlIds("FloatProgressModel", "ProgressView"), ...progressState("FloatProgress", options) });
  }
}

export * from "./choice";
