/**
 * The stock `@jupyter-widgets/controls` 2.0.0 models, driven from TypeScript: the same model
 * names and traits ipywidgets 8 uses, so JupyterLab's built-in widget manager renders them.
 * This file holds the controls with a value (sliders, checkbox, text, progress) and exports
 * every control; the others live in choices.ts and containers.ts.
 *
 *   const s = new IntSlider({ value: 3, min: 0, max: 10, description: "depth" });
 *   s.onChange((depth) => console.log(depth));
 */
import type { MimeBundle } from "../src/live";
import type { WidgetModelIds } from "./widget";
import { DescribedState, Style, ValueWidget, controlIds, domDefaults } from "./control-model";

export { Layout, Style, ValueWidget } from "./control-model";
export type { DomState, DescribedState, ValueListener } from "./control-model";
export * from "./choices";
export * from "./containers";

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
