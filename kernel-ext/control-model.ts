/**
 * What every stock `@jupyter-widgets/controls` 2.0.0 model shares, defined once: the module
 * names and version, the Layout and Style models, the DOM and description traits, and the
 * base of controls with a `value`.
 */
import { MimeBundle } from "../src/live";
import { Widget, WidgetModelIds } from "./widget";

const CONTROLS = "@jupyter-widgets/controls";
const BASE = "@jupyter-widgets/base";
const VERSION = "2.0.0";

/** The model and view ids of a stock control. */
export function controlIds(model: string, view: string): WidgetModelIds {
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

/** DOM traits as ipywidgets starts them (each widget gets its own Layout). */
export function domDefaults(): DomState {
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
