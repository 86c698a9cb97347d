/** Dropdown and Button (stock ipywidgets 8 models). */
import { MimeBundle } from "../src/live";
import { Widget } from "./widget";
import { DescribedState, DomState, Style, ValueListener, controlIds, domDefaults } from "./control-model";

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
      style: new Style("DescriptionStyleModel", { description_width: "" }),
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
      style: new Style("ButtonStyleModel", { button_color: null, font_weight: "" }),
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
