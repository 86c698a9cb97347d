/**
 * Containers (stock ipywidgets 8 models): HBox and VBox hold widgets, Output holds outputs.
 */
import { MimeBundle } from "../src/live";
import { currentParent } from "./channel";
import { outputsOf, settleOutputs } from "./display";
import { Widget } from "./widget";
import { DomState, Layout, controlIds, domDefaults } from "./control-model";

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
