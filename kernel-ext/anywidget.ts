/**
 * Any anywidget ES module, driven from TypeScript through the standard anywidget front end
 * (model "AnyModel" / view "AnyView" of the "anywidget" widget module). The module's default
 * export `{ initialize?, render }` gets `model.get/set/on/save_changes/send`; here the same
 * traits are typed and synced both ways by the `Widget` base.
 *
 *   const counter = new AnyWidget({
 *     esm: `export default { render({ model, el }) {
 *       el.onclick = () => { model.set("count", model.get("count") + 1); model.save_changes(); };
 *     } }`,
 *     count: 0,
 *   });
 *   counter.on("change:count", ({ new: n }) => console.log(n));
 *   counter.on("msg:custom", (content, buffers) => console.log(content));
 *
 * Subclasses name their traits: `class Counter extends AnyWidget<{ count: number }>`.
 */
import type { MimeBundle } from "../src/live";
import { guardedModule } from "./anywidget-guard";
import { domDefaults, type DomState } from "./control-model";
import { Widget, type CustomHandler, type StateChange, type TraitChange, type WidgetModelIds } from "./widget";

/** The anywidget front end this speaks to (npm `anywidget`, the same as the Python package's). */
export const ANYWIDGET_VERSION = "0.11.0";
export const ANYWIDGET_MODULE = "anywidget";

/** The traits anywidget's front end reads besides the user's own. */
export interface AnyWidgetInternals {
  /** The module the front end loads: the user's (`esm`), wrapped so its errors show (anywidget-guard.ts). */
  _esm: string;
  /** CSS text or a URL to a stylesheet; "" for none. */
  _css: string;
  /** Identifies the widget's kind: its CSS is replaced, not duplicated, when it changes. */
  _anywidget_id: string;
}

export type AnyWidgetOptions<Traits extends object> = {
  /** The ES module: source text, or a URL (`URL` object or "http(s)://..." string). */
  esm: string | URL;
  css?: string | URL;
} & Traits;

const anyIds: WidgetModelIds = {
  _model_name: "AnyModel",
  _model_module: ANYWIDGET_MODULE,
  _model_module_version: `~${ANYWIDGET_VERSION}`,
  _view_name: "AnyView",
  _view_module: ANYWIDGET_MODULE,
  _view_module_version: `~${ANYWIDGET_VERSION}`,
};

const RESERVED = new Set(["esm", "css", ...Object.keys(anyIds), "_esm", "_css", "_anywidget_id"]);

function assetText(kind: "esm" | "css", value: unknown, className: string): string {
  if (value instanceof URL) return value.href;
  if (typeof value === "string") return value;
  const valid = kind === "esm" ? "the module's source text or its URL" : "CSS text or a stylesheet URL";
  throw new Error(`${className}: ${kind} must be a string or a URL (${valid}), got ${value === undefined ? "nothing" : typeof value}`);
}

export class AnyWidget<Traits extends object = Record<string, unknown>> extends Widget<Traits & AnyWidgetInternals & DomState> {
  /** The module as given: its source text, or its URL. */
  readonly esm: string;

  constructor(options: AnyWidgetOptions<Traits>) {
    const className = new.target.name;
    if (typeof options !== "object" || options === null) {
      throw new Error(`${className}: expects { esm, css?, ...traits }, got ${options === null ? "null" : typeof options}`);
    }
    const { esm, css, ...traits } = options as AnyWidgetOptions<Traits> & Record<string, unknown>;
    const esmText = assetText("esm", esm, className);
    if (esmText.trim() === "") throw new Error(`${className}: esm is empty; give the module's source text or its URL`);
    const cssText = css === undefined ? "" : assetText("css", css, className);
    for (const key of Object.keys(traits)) {
      if (RESERVED.has(key)) throw new Error(`${className}: "${key}" is reserved for the anywidget front end; name the trait differently`);
    }
    super({
      ...anyIds,
      ...domDefaults(),
      ...(traits as unknown as Traits),
      _esm: guardedModule(esmText, esm instanceof URL || /^https?:\/\//.test(esmText)),
      _css: cssText,
      _anywidget_id: `activation-lab.${className}`,
    });
    this.esm = esmText;
  }

  /**
   * "change:<trait>" / "change" as on every widget, plus "msg:custom" for the module's
   * `model.send(content, callbacks, buffers)`.
   */
  override on<K extends keyof (Traits & AnyWidgetInternals & DomState) & string>(
    event: `change:${K}`,
    listener: (change: TraitChange<Traits & AnyWidgetInternals & DomState, K>) => void | Promise<void>,
  ): () => void;
  override on(event: "change", listener: (change: StateChange<Traits & AnyWidgetInternals & DomState>) => void | Promise<void>): () => void;
  override on(event: "msg:custom", listener: CustomHandler): () => void;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- the overloads above carry the types
  override on(event: string, listener: (...args: any[]) => void | Promise<void>): () => void {
    if (event === "msg:custom") return this.onCustom(listener as CustomHandler);
    if (event !== "change" && !event.startsWith("change:")) {
      throw new Error(`unknown AnyWidget event "${event}"; valid: "change", "change:<trait>" or "msg:custom"`);
    }
    return super.on(event as "change", listener as (change: StateChange<Traits & AnyWidgetInternals & DomState>) => void);
  }

  override fallbackBundle(): MimeBundle {
    return { "text/plain": `${this.constructor.name}(anywidget, id=${this.id})` };
  }
}
