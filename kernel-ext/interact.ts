/**
 * `interact(fn, controls)`, as in ipywidgets: one control per argument, and `fn` re-run on every
 * change with its output (prints, displays and its return value) shown below the controls.
 *
 *   interact(({ depth, act }) => al.curves([act]), { depth: [1, 30], act: ["relu", "gelu"] });
 *
 * Abbreviations: an integer → IntSlider around it; a float → FloatSlider; [min, max] or
 * [min, max, step] → a slider (float if any is fractional); a boolean → Checkbox; an array of
 * strings → Dropdown; a string → fixed text (no control); a widget with `value` → itself.
 */
import { Checkbox, Dropdown, FloatSlider, IntSlider, Output, VBox } from "./controls";
import { DisplayHandle, clearOutput, display, settleOutputs } from "./display";
import { Widget } from "./widget";

type ValueControl = Widget<object> & { value: unknown; onChange(cb: (value: unknown, old: unknown) => void): unknown };
export type ControlSpec = ValueControl | number | boolean | string | readonly string[] | readonly [number, number] | readonly [number, number, number];

function isValueControl(x: unknown): x is ValueControl {
  return x instanceof Widget && "value" in x && typeof (x as { onChange?: unknown }).onChange === "function";
}

/** The value an abbreviation's control produces: what `fn` receives for it. */
export type ValueOfSpec<S> = S extends { value: infer T }
  ? T
  : S extends boolean
    ? boolean
    : S extends number | readonly number[]
      ? number
      : S extends string | readonly string[]
        ? string
        : unknown;

/** The argument `fn` receives for a set of control specs. */
export type InteractValues<C> = { [K in keyof C]: ValueOfSpec<C[K]> };

/** The control for one abbreviation, or undefined for a fixed value. */
export function controlFor(name: string, spec: ControlSpec): ValueControl | undefined {
  if (isValueControl(spec)) return spec;
  if (typeof spec === "string") return undefined;
  if (typeof spec === "boolean") return new Checkbox({ value: spec, description: name });
  if (typeof spec === "number") {
    if (!Number.isFinite(spec)) throw new Error(`interact: ${name} = ${spec} is not a finite number`);
    // ipywidgets' rule: a slider from -v to 3v (or v-? for non-positive), starting at v.
    const [min, max] = spec > 0 ? [-spec, 3 * spec] : spec < 0 ? [3 * spec, -spec] : [-1, 1];
    return Number.isInteger(spec) ? new IntSlider({ value: spec, min, max, description: name }) : new FloatSlider({ value: spec, min, max, step: (max - min) / 100, description: name });
  }
  if (Array.isArray(spec) && spec.length > 0 && spec.every((s) => typeof s === "string")) {
    return new Dropdown({ options: spec as string[], description: name }) as unknown as ValueControl;
  }
  if (Array.isArray(spec) && (spec.length === 2 || spec.length === 3) && spec.every((s) => typeof s === "number")) {
    const [min, max, step] = spec as number[];
    const integer = [min, max, ...(step === undefined ? [] : [step])].every(Number.isInteger);
    const value = integer ? Math.round((min + max) / 2) : (min + max) / 2;
    return integer ? new IntSlider({ min, max, step: step ?? 1, value, description: name }) : new FloatSlider({ min, max, step: step ?? (max - min) / 100, value, description: name });
  }
  throw new Error(
    `interact: cannot make a control for ${name} = ${JSON.stringify(spec)}; use a number, [min, max], [min, max, step], a boolean, an array of strings, a string or a widget`,
  );
}

/** The box of controls plus output that `interactive` builds. */
export class Interactive<V extends Record<string, unknown>> extends VBox {
  /** The value of the latest run of `fn` (undefined while it has not finished). */
  result: unknown;
  private runs = 0;

  constructor(
    private readonly fn: (values: V) => unknown,
    readonly controls: Record<string, ValueControl>,
    private readonly fixed: Record<string, unknown>,
    readonly output: Output,
  ) {
    super([...Object.values(controls), output]);
  }

  /** The current argument values. */
  values(): V {
    const out: Record<string, unknown> = { ...this.fixed };
    for (const [name, control] of Object.entries(this.controls)) out[name] = control.value;
    return out as V;
  }

  /** Re-runs `fn` with the current values; its output replaces the previous run's. */
  async update(): Promise<unknown> {
    const run = ++this.runs;
    // Everything below goes through the Output widget's capture, as ipywidgets' interact does:
    // the front end (or nbclient) collects the messages into the widget.
    return this.output.capture(async () => {
      clearOutput(true);
      let result: unknown;
      try {
        result = await this.fn(this.values());
      } catch (e) {
        process.stderr.write(`${(e as Error)?.stack ?? e}\n`);
        return undefined;
      }
      // A newer run started while this one awaited: its output wins.
      if (run !== this.runs) return result;
      this.result = result;
      if (result !== undefined) display(result);
      await settleOutputs();
      return result;
    });
  }
}

/** Builds the controls and output for `fn` without displaying them (compose or display later). */
export function interactive<C extends Record<string, ControlSpec>>(fn: (values: InteractValues<C>) => unknown, controls: C): Interactive<InteractValues<C>> {
  if (typeof fn !== "function") throw new Error("interact: the first argument must be a function");
  if (typeof controls !== "object" || controls === null) throw new Error("interact: controls must be an object {name: spec}");
  const made: Record<string, ValueControl> = {};
  const fixed: Record<string, unknown> = {};
  for (const [name, spec] of Object.entries(controls as Record<string, ControlSpec>)) {
    const control = controlFor(name, spec);
    if (control) made[name] = control;
    else fixed[name] = spec;
  }
  const box = new Interactive<InteractValues<C>>(fn, made, fixed, new Output());
  for (const control of Object.values(made)) control.onChange(() => box.update());
  return box;
}

/** What `interact` returns: the display (never shown again as a cell result) and the widget. */
export class InteractHandle<V extends Record<string, unknown>> extends DisplayHandle {
  constructor(
    displayId: string,
    readonly widget: Interactive<V>,
    /** Resolves after the first run of `fn`. */
    readonly ready: Promise<unknown>,
  ) {
    super(displayId);
  }
}

/** Shows controls for `fn`'s arguments and runs it now and after every change. */
export function interact<C extends Record<string, ControlSpec>>(fn: (values: InteractValues<C>) => unknown, controls: C): InteractHandle<InteractValues<C>> {
  const box = interactive(fn, controls);
  const handle = display(box);
  return new InteractHandle(handle.displayId, box, box.update());
}

