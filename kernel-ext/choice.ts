/**
 * Dropdown, Button, the HBox/VBox containers and the Output widget (stock ipywidgets 8 models).
 */
import { MimeBundle } from "../src/live";
import { currentParent } from "./channel";
import { outputsOf, settleOutputs } from "./display";
import { Widget, WidgetModelIds } from "./widget";
import type { DescribedState, DomState, Layout, ValueListener } from "./controls";

const CONTROLS = "@jupyter-widgets/controls";

function controlIds(model: string, view: string): WidgetModelIds {
  return { _model_name: model, _model_module: CONTROLS, _model_module_version: "2.0.0", _view_name: view, _view_module: CONTROLS, _view_module_version: "2.0.0" };
}

// Loaded lazily: controls.ts re-exports this module, so a static value import would be circular.
function lazyControls(): typeof import("./controls") {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require("./controls") as typeof import("./controls");
}

function domDefaults(): DomState {
  return { _dom_classes: [], layout: new (lazyControls().Layout)(), tabbable: null, tooltip: null };
}

interface DropdownState extends DescribedState {
  _options_labels: string[];
  index: number | null;
  disabled: boolean;
}

export type DropdownOption<T> = T | [label: string, value: T];

/**
 * A drop-down list. Options are values (shown with String(value)) or [label, value] pairs; the
 * front end only sees labels and the selected index, the kernel maps the index back to a value.
 */
export class Dropdown<T = string> extends Widget<DropdownState> {
  private readonly values: T[];

  constructor(options: { options: DropdownOption<T>[]; value?: T; description?: string; disabled?: boolean }) {
    if (!Array.isArray(options?.options) || options.options.length === 0) throw new Error("Dropdown needs a non-empty options array");
    const pairs = options.options.map((o) => (Array.isArray(o) && o.length === 2 && typeof o[0] === "string" ? (o as [string, T]) : ([String(o), o as T] as [string, T])));
    const values = pairs.map((p) => p[1]);
    const index = options.value === undefined ? 0 : values.indexOf(options.value);
    if (index < 0) throw new Error(`Dropdown value ${JSON.stringify(options.value)} is not one of the options: ${pairs.map((p) => p[0]).join(", ")}`);
    super({
      ...controlIds("DropdownModel", "DropdownView"),
      ...domDefaults(),
      description: options.description ?? "",
      description_allow_html: false,
      style: new (lazyControls().Style)("DescriptionStyleModel", { description_width: "" }),
      _options_labels: pairs.map((p) => p[0]),
      index,
      disabled: options.disabled ?? false,
    });
    this.values = values;
  }

  get value(): T | undefined {
    const index = this.get("index");
    return index === null ? undefined : this.values[index];
  }

  set value(v: T | undefined) {
    const index = v === undefined ? -1 : this.values.indexOf(v);
    if (index < 0) throw new Error(`${JSON.stringify(v)} is not one of the options: ${this.get("_options_labels").join(", ")}`);
    void this.set({ index });
  }

  onChange(listener: ValueListener<T | undefined>): () => void {
    return this.on("change:index", (c) => listener(c.new === null ? undefined : this.values[c.new], c.old === null ? undefined : this.values[c.old]));
  }

  protected override validate(key: keyof DropdownState & string, value: unknown): unknown {
    const checked = super.validate(key, value);
    if (key === "index" && checked !== null && (typeof checked !== "number" || !Number.isInteger(checked) || checked < 0 || checked >= this.get("_options_labels").length)) {
      throw new Error(`Dropdown.index must be an option index 0..${this.get("_options_labels").length - 1}, got ${JSON.stringify(value)}`);
    }
    return checked;
  }

  override fallbackBundle(): MimeBundle {
    return { "text/plain": `Dropdown(${this.get("description") ? `${this.get("description")}: ` : ""}${String(this.value)})` };
  }
}

interface ButtonState extends DomState {
  description: string;
  button_style: "" | "primary" | "success" | "info" | "warning" | "danger";
  disabled: boolean;
  icon: string;
  style: Widget<object>;
}

export class Button extends Widget<ButtonState> {
  private readonly clickHandlers: ((button: Button) => void | Promise<void>)[] = [];

  constructor(options: { description?: string; button_style?: ButtonState["button_style"]; icon?: string; disabled?: boolean; tooltip?: string } = {}) {
    super({
      ...controlIds("ButtonModel", "ButtonView"),
      ...domDefaults(),
      tooltip: options.tooltip ?? null,
      description: options.description ?? "",
      button_style: options.button_style ?? "",
      disabled: options.disabled ?? false,
      icon: options.icon ?? "",
      style: new (lazyControls().Style)("ButtonStyleModel", { button_color: null, font_weight: "" }),
    });
    // The front end reports clicks as a custom message {event: "click"}.
    this.onCustom(async (content) => {
      if ((content as { event?: unknown })?.event !== "click") return;
      for (const handler of [...this.clickHandlers]) await handler(this);
    });
  }

  /** Runs `handler` on every click in a front end. */
  onClick(handler: (button: Button) => void | Promise<void>): () => void {
    this.clickHandlers.push(handler);
    return () => void this.clickHandlers.splice(this.clickHandlers.indexOf(handler), 1);
  }

  /** Simulates a click from kernel code (tests, scripted demos). */
  async click(): Promise<void> {
    for (const handler of [...this.clickHandlers]) await handler(this);
  }

  override fallbackBundle(): MimeBundle {
    return { "text/plain": `Button(${this.get("description")})` };
  }
}

interface BoxState extends DomState {
  children: Widget<object>[];
  box_style: "" | "success" | "info" | "warning" | "danger";
}

abstract class Box extends Widget<BoxState> {
  protected constructor(model: string, view: string, children: Widget<object>[], layout?: Layout) {
    if (!Array.isArray(children) || !children.every((c) => c instanceof Widget)) throw new Error(`${model.replace(/Model$/, "")} children must be widgets`);
    super({ ...controlIds(model, view), ...domDefaults(), ...(layout ? { layout } : {}), children, box_style: "" });
  }

  override async fallbackBundle(): Promise<MimeBundle> {
    const parts = await Promise.all(this.get("children").map(async (c) => String((await c.fallbackBundle())["text/plain"] ?? "")));
    return { "text/plain": parts.join(this.get("_model_name") === "HBoxModel" ? "  " : "\n") };
  }
}

export class HBox extends Box {
  constructor(children: Widget<object>[] = [], layout?: Layout) {
    super("HBoxModel", "HBoxView", children, layout);
  }
}

export class VBox extends Box {
  constructor(children: Widget<object>[] = [], layout?: Layout) {
    super("VBoxModel", "VBoxView", children, layout);
  }
}

type OutputItem = Record<string, unknown>;

interface OutputState extends DomState {
  msg_id: string;
  outputs: OutputItem[];
}

/**
 * Shows output inside a widget. `capture(fn)` routes everything `fn` prints or displays into it,
 * the way ipywidgets does: the front end collects messages whose parent is `msg_id`. The
 * `append*` methods write into the `outputs` trait directly, which also works headless.
 */
export class Output extends Widget<OutputState> {
  constructor() {
    super({
      _model_name: "OutputModel",
      _model_module: "@jupyter-widgets/output",
      _model_module_version: "1.0.0",
      _view_name: "OutputView",
      _view_module: "@jupyter-widgets/output",
      _view_module_version: "1.0.0",
      ...domDefaults(),
      msg_id: "",
      outputs: [],
    });
  }

  async capture<T>(fn: () => T | Promise<T>): Promise<T> {
    const parent = currentParent();
    const outer = this.get("msg_id");
    // Displays still being prepared belong where they were made, not in this widget.
    await settleOutputs();
    if (parent) await this.set({ msg_id: parent.msg_id });
    try {
      return await fn();
    } finally {
      if (parent) {
        // Let output written just before the end reach the front end while capture is on.
        await new Promise((resolve) => setImmediate(resolve));
        await this.set({ msg_id: outer });
      }
    }
  }

  appendStdout(text: string): Promise<void> {
    return this.set({ outputs: [...this.get("outputs"), { output_type: "stream", name: "stdout", text }] });
  }

  appendStderr(text: string): Promise<void> {
    return this.set({ outputs: [...this.get("outputs"), { output_type: "stream", name: "stderr", text }] });
  }

  async appendDisplay(value: unknown): Promise<void> {
    const added = (await outputsOf(value)).map((data) => ({ output_type: "display_data", data, metadata: {} }));
    await this.set({ outputs: [...this.get("outputs"), ...added] });
  }

  clear(): Promise<void> {
    return this.set({ outputs: [] });
  }

  override fallbackBundle(): MimeBundle {
    const text = this.get("outputs")
      .map((o) => (o.output_type === "stream" ? String(o.text) : String((o.data as Record<string, unknown>)?.["text/plain"] ?? "")))
      .join("");
    return { "text/plain": text || "Output()" };
  }
}
