/**
 * Kernel side of the Jupyter widget protocol 2.1.0: a model whose state lives here and in
 * every front end, kept in sync over a `jupyter.widget` comm.
 *
 *   class Counter extends Widget<{ count: number }> {
 *     constructor() { super({ ...modelIds, count: 0 }); }
 *   }
 *   const c = new Counter();
 *   c.on("change:count", ({ new: n }) => console.log(n));   // front-end edits
 *   c.set({ count: 5 });                                    // kernel edits → "update"
 *
 * Binary values anywhere in the state (ArrayBuffer, typed arrays, DataView) travel as
 * message buffers with `buffer_paths`. Front-end updates are echoed (`echo_update`) before
 * listeners run, as protocol 2.1 asks; `request_state` is answered with the full state.
 */
import { DISPLAY, MimeBundle } from "../src/live";
import { separateBuffers, putBuffers } from "./widget-buffers";
import { Comm, CommManager, CommMessage, commManager, logCommError } from "./comm";

/** The protocol version this kernel speaks. */
export const WIDGET_PROTOCOL_VERSION = "2.1.0";
export const WIDGET_TARGET = "jupyter.widget";
export const WIDGET_VIEW_MIME = "application/vnd.jupyter.widget-view+json";
/** The target through which a reloaded front end fetches every widget's state at once. */
export const WIDGET_CONTROL_TARGET = "jupyter.widget.control";

/** Which front-end model and view class render a widget. */
export interface WidgetModelIds {
  _model_name: string;
  _model_module: string;
  _model_module_version: string;
  _view_name: string | null;
  _view_module: string | null;
  _view_module_version: string;
}

export interface TraitChange<State, K extends keyof State> {
  name: K;
  old: State[K];
  new: State[K];
  /** true when the change came from a front end, false when kernel code called `set`. */
  fromFrontEnd: boolean;
}

export interface StateChange<State> {
  /** The keys that changed, with their new values. */
  changed: Partial<State>;
  old: Partial<State>;
  fromFrontEnd: boolean;
}

type Listener = (change: never) => void | Promise<void>;
export type CustomHandler = (content: unknown, buffers: DataView[]) => void | Promise<void>;

const REF_PREFIX = "IPY_MODEL_";
const live = new Map<string, Widget<object>>();

/** Every widget is a Displayable: `[DISPLAY]()` gives the widget view plus a static fallback. */
export class Widget<State extends object> {
  /** The model id (also the comm id). */
  readonly id: string;
  private state: State & WidgetModelIds;
  private readonly comm: Comm;
  private readonly listeners = new Map<string, Listener[]>();
  private readonly customHandlers: CustomHandler[] = [];
  /** Values a front end just sent: echoing them back as a kernel "update" would be redundant. */
  private incoming: Record<string, unknown> | undefined;

  constructor(state: State & WidgetModelIds) {
    this.state = { ...state };
    const { state: wire, bufferPaths, buffers } = separateBuffers(this.state as Record<string, unknown>, encodeRefs);
    this.comm = commManager().open(WIDGET_TARGET, {
      data: { state: wire, buffer_paths: bufferPaths },
      buffers,
      metadata: { version: WIDGET_PROTOCOL_VERSION },
    });
    this.id = this.comm.id;
    live.set(this.id, this as Widget<object>);
    this.comm.onMessage((msg) => this.handleMessage(msg));
    this.comm.onClose(() => void live.delete(this.id));
  }

  /** The widget with this model id, if it is open in this kernel. */
  static byId(id: string): Widget<object> | undefined {
    return live.get(id);
  }

  /**
   * Every open widget's state, as `update_states` carries it (and as notebooks save it):
   * `{ [id]: { model_name, model_module, model_module_version, state } }`.
   */
  static allStates(): Record<string, unknown> {
    const states: Record<string, unknown> = {};
    for (const [id, widget] of live) {
      const state = widget.state as WidgetModelIds & Record<string, unknown>;
      states[id] = { model_name: state._model_name, model_module: state._model_module, model_module_version: state._model_module_version, state };
    }
    return states;
  }

  get closed(): boolean {
    return this.comm.isClosed;
  }

  get<K extends keyof (State & WidgetModelIds)>(key: K): (State & WidgetModelIds)[K] {
    return this.state[key];
  }

  /** A shallow copy of the whole state. */
  getState(): State & WidgetModelIds {
    return { ...this.state };
  }

  /**
   * Changes traits here and in every front end. Keys whose value did not change are not sent;
   * binary values always count as changed. Listeners run after the update is sent.
   */
  set(partial: Partial<State>): Promise<void> {
    const changed: Record<string, unknown> = {};
    const old: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(partial)) {
      const checked = this.validate(key as keyof State & string, value);
      const previous = (this.state as Record<string, unknown>)[key];
      if (sameValue(previous, checked)) continue;
      changed[key] = checked;
      old[key] = previous;
    }
    if (Object.keys(changed).length === 0) return Promise.resolve();
    Object.assign(this.state, changed);
    const toSend = Object.fromEntries(
      Object.entries(changed).filter(([key, value]) => !(this.incoming && key in this.incoming && sameValue(this.incoming[key], value))),
    );
    if (Object.keys(toSend).length > 0) this.sendState(this.forWire(toSend, old), "update");
    return this.notify(changed as Partial<State>, old as Partial<State>, false);
  }

  /**
   * The form in which changed traits go out in a kernel "update", given their previous values
   * (which every front end holds). The default sends them as they are; a subclass may send
   * less for a large trait (the explorer sends only the curves that changed).
   */
  protected forWire(changed: Record<string, unknown>, _previous: Record<string, unknown>): Record<string, unknown> {
    return changed;
  }

  /**
   * Registers a listener: "change:<key>" for one trait, "change" for any (once per update).
   * Returns a function that removes it.
   */
  on<K extends keyof State & string>(event: `change:${K}`, listener: (change: TraitChange<State, K>) => void | Promise<void>): () => void;
  on(event: "change", listener: (change: StateChange<State>) => void | Promise<void>): () => void;
  on(event: string, listener: Listener): () => void {
    if (event !== "change" && !event.startsWith("change:")) {
      throw new Error(`unknown widget event "${event}"; valid: "change" or "change:<trait>"`);
    }
    const list = this.listeners.get(event) ?? [];
    list.push(listener);
    this.listeners.set(event, list);
    return () => {
      const current = this.listeners.get(event) ?? [];
      this.listeners.set(event, current.filter((l) => l !== listener));
    };
  }

  /** Handles `custom` messages from the front end (content and binary buffers). */
  onCustom(handler: CustomHandler): () => void {
    this.customHandlers.push(handler);
    return () => {
      const i = this.customHandlers.indexOf(handler);
      if (i >= 0) this.customHandlers.splice(i, 1);
    };
  }

  /** Sends a `custom` message to the front-end views. */
  send(content: unknown, buffers: (ArrayBuffer | ArrayBufferView)[] = []): void {
    if (this.comm.isClosed) throw new Error(`widget ${this.id} is closed; it cannot send`);
    this.comm.send({ method: "custom", content }, buffers);
  }

  /** Closes the comm; front-end views disappear. */
  close(): void {
    this.comm.close();
    live.delete(this.id);
  }

  /**
   * The static representation shown where no widget manager runs (GitHub, nbconvert, a
   * kernel without the front-end extension). Subclasses return vega-lite + SVG + text.
   */
  fallbackBundle(): MimeBundle | Promise<MimeBundle> {
    return { "text/plain": `${this.state._model_name}(id=${this.id})` };
  }

  async [DISPLAY](): Promise<MimeBundle> {
    const fallback = await this.fallbackBundle();
    return {
      ...fallback,
      [WIDGET_VIEW_MIME]: { version_major: 2, version_minor: 1, model_id: this.id },
    };
  }

  /**
   * Checks and converts a value for a trait, from kernel code or a front end. Throw to reject.
   * The default keeps the type of the initial value (number stays number, etc.); subclasses
   * add ranges, integer rounding or allowed choices.
   */
  protected validate(key: keyof State & string, value: unknown): unknown {
    const current = (this.state as Record<string, unknown>)[key];
    if (current === null || current === undefined || value === null) return value;
    const want = kindOf(current);
    const got = kindOf(value);
    if (want !== got && !(want === "binary" || got === "binary")) {
      throw new Error(`${this.state._model_name}.${key} must be ${want}, got ${got} (${preview(value)})`);
    }
    return value;
  }

  private sendState(state: Record<string, unknown>, method: "update" | "echo_update"): void {
    if (this.comm.isClosed) return;
    const { state: wire, bufferPaths, buffers } = separateBuffers(state, encodeRefs);
    this.comm.send({ method, state: wire, buffer_paths: bufferPaths }, buffers);
  }

  private async notify(changed: Partial<State>, old: Partial<State>, fromFrontEnd: boolean): Promise<void> {
    for (const key of Object.keys(changed)) {
      const change = { name: key, old: (old as Record<string, unknown>)[key], new: (changed as Record<string, unknown>)[key], fromFrontEnd };
      for (const listener of this.listeners.get(`change:${key}`) ?? []) await callListener(listener, change, key);
    }
    for (const listener of this.listeners.get("change") ?? []) await callListener(listener, { changed, old, fromFrontEnd }, "change");
  }

  private async handleMessage(msg: CommMessage): Promise<void> {
    const method = msg.data.method;
    switch (method) {
      case "update":
        return this.applyFrontEndUpdate(msg);
      case "request_state":
        return this.sendState(this.state as Record<string, unknown>, "update");
      case "custom":
        for (const handler of [...this.customHandlers]) await callListener(handler as unknown as Listener, msg.data.content, "custom", msg.buffers);
        return;
      default:
        return logCommError(`widget ${this.id}: unknown method ${JSON.stringify(method)}; valid: update, request_state, custom`);
    }
  }

  private async applyFrontEndUpdate(msg: CommMessage): Promise<void> {
    const raw = msg.data.state;
    if (typeof raw !== "object" || raw === null || Array.isArray(raw)) {
      return logCommError(`widget ${this.id}: update without a state object; dropped`);
    }
    const state = { ...(raw as Record<string, unknown>) };
    try {
      putBuffers(state, msg.data.buffer_paths, msg.buffers);
    } catch (e) {
      return logCommError(`widget ${this.id}: ${(e as Error).message}; dropped`);
    }
    const accepted: Record<string, unknown> = {};
    const rejected: string[] = [];
    for (const [key, value] of Object.entries(state)) {
      if (!(key in this.state) || key.startsWith("_")) {
        logCommError(`widget ${this.id}: front end set unknown or read-only trait "${key}"; ignored`);
        continue;
      }
      try {
        accepted[key] = this.validate(key as keyof State & string, decodeRefs(value));
      } catch (e) {
        logCommError(`widget ${this.id}: ${(e as Error).message}; kept ${preview((this.state as Record<string, unknown>)[key])}`);
        rejected.push(key);
      }
    }
    // Protocol 2.1: confirm what was accepted to every front end before anything reacts.
    if (Object.keys(accepted).length > 0) this.sendState(accepted, "echo_update");
    // A rejected value is corrected in the front end that sent it.
    if (rejected.length > 0) this.sendState(Object.fromEntries(rejected.map((k) => [k, (this.state as Record<string, unknown>)[k]])), "update");
    const changed: Record<string, unknown> = {};
    const old: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(accepted)) {
      const previous = (this.state as Record<string, unknown>)[key];
      if (sameValue(previous, value)) continue;
      changed[key] = value;
      old[key] = previous;
    }
    if (Object.keys(changed).length === 0) return;
    Object.assign(this.state, changed);
    const outer = this.incoming;
    this.incoming = { ...(outer ?? {}), ...accepted };
    try {
      await this.notify(changed as Partial<State>, old as Partial<State>, true);
    } finally {
      this.incoming = outer;
    }
  }
}

/**
 * Serves `jupyter.widget.control` (protocol 2.1): a front end that reconnects (page reload)
 * asks for all widget states in one `request_states` instead of one round trip per widget.
 */
export function serveWidgetControl(manager: CommManager): void {
  manager.registerTarget(WIDGET_CONTROL_TARGET, (comm) => {
    comm.onMessage((msg) => {
      if (msg.data.method !== "request_states") {
        return logCommError(`${WIDGET_CONTROL_TARGET}: unknown method ${JSON.stringify(msg.data.method)}; valid: request_states`);
      }
      const { state: states, bufferPaths, buffers } = separateBuffers(Widget.allStates(), encodeRefs);
      comm.send({ method: "update_states", states, buffer_paths: bufferPaths }, buffers);
    });
  });
}

async function callListener(listener: Listener, arg: unknown, what: string, extra?: unknown): Promise<void> {
  try {
    await (listener as (a: unknown, b?: unknown) => unknown)(arg, extra);
  } catch (e) {
    // User callbacks run outside any cell: their errors are shown on stderr, never thrown
    // into the message loop.
    process.stderr.write(`widget ${what} listener failed: ${(e as Error)?.stack ?? String(e)}\n`);
  }
}

function encodeRefs(value: unknown): unknown {
  return value instanceof Widget ? REF_PREFIX + value.id : value;
}

function decodeRefs(value: unknown): unknown {
  if (typeof value === "string" && value.startsWith(REF_PREFIX)) return live.get(value.slice(REF_PREFIX.length)) ?? value;
  if (Array.isArray(value)) return value.map(decodeRefs);
  return value;
}

function kindOf(x: unknown): string {
  if (Array.isArray(x)) return "an array";
  if (x instanceof ArrayBuffer || ArrayBuffer.isView(x)) return "binary";
  if (x instanceof Widget) return "a widget";
  if (typeof x === "object") return "an object";
  return `a ${typeof x}`;
}

function preview(x: unknown): string {
  if (x instanceof ArrayBuffer || ArrayBuffer.isView(x)) return `<${x.byteLength} bytes>`;
  const text = JSON.stringify(x) ?? String(x);
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

/** Equality for change detection: primitives by value, plain JSON data structurally. */
function sameValue(a: unknown, b: unknown): boolean {
  if (Object.is(a, b)) return true;
  if (a instanceof ArrayBuffer || ArrayBuffer.isView(a) || b instanceof ArrayBuffer || ArrayBuffer.isView(b)) return false;
  if (typeof a !== "object" || typeof b !== "object" || a === null || b === null) return false;
  if (a instanceof Widget || b instanceof Widget || containsBinary(a) || containsBinary(b)) return false;
  try {
    return JSON.stringify(a) === JSON.stringify(b);
  } catch {
    return false;
  }
}

function containsBinary(x: unknown): boolean {
  if (x instanceof ArrayBuffer || ArrayBuffer.isView(x)) return true;
  if (typeof x !== "object" || x === null) return false;
  return Object.values(x).some(containsBinary);
}
