/**
 * The activation registry: built-ins register here at load, users add their own with
 * `defineActivation`, and everything else (curves, properties, widgets, experiments)
 * resolves names through `activation()`.
 */
import { tf, type Tensor } from "../tf";
import { closest } from "../util/closest";
import type { Activation, ActivationDef, ActivationLike, Params, ParamSpec } from "./types";

const builtins = new Map<string, ActivationDef>();
const userDefined = new Map<string, ActivationDef>();

/** Registers a built-in definition (called by each file in `defs/`). */
export function registerBuiltin(def: ActivationDef): ActivationDef {
  builtins.set(def.name, def);
  return def;
}

/** Every registered activation name: built-ins in registration order, then user-defined. */
export function listActivations(): string[] {
  return [...builtins.keys(), ...userDefined.keys()];
}

function lookup(name: string): ActivationDef {
  if (typeof name !== "string" || name.trim() === "") {
    throw new TypeError(`an activation name must be a non-empty string; valid choices: ${listActivations().join(", ")}`);
  }
  const key = name.trim();
  const def = userDefined.get(key) ?? builtins.get(key) ?? builtins.get(key.toLowerCase().replace(/-/g, "_"));
  if (def) return def;
  const hint = closest(key, listActivations());
  throw new RangeError(
    `unknown activation "${name}"${hint ? ` — did you mean "${hint}"?` : ""}; valid choices: ${listActivations().join(", ")}`,
  );
}

function describeRange(spec: ParamSpec): string {
  const lo = spec.min === undefined ? "" : `${spec.exclusiveMin ? ">" : "≥"} ${spec.min}`;
  const hi = spec.max === undefined ? "" : `≤ ${spec.max}`;
  return [lo, hi].filter(Boolean).join(" and ") || "any finite number";
}

/** Merges user params over defaults and checks every value against its spec. */
export function resolveParams(def: ActivationDef, given: Params | undefined): Params {
  const specs = def.params ?? [];
  const out: Params = {};
  for (const spec of specs) out[spec.name] = spec.default;
  if (given === undefined || given === null) return out;
  if (typeof given !== "object" || Array.isArray(given)) {
    throw new TypeError(`params for ${def.name} must be an object like { ${specs.map((s) => `${s.name}: ${s.default}`).join(", ")} }`);
  }
  for (const [key, value] of Object.entries(given)) {
    const spec = specs.find((s) => s.name === key);
    if (!spec) {
      const valid = specs.length ? specs.map((s) => s.name).join(", ") : "none (it takes no parameters)";
      throw new RangeError(`${def.name} has no parameter "${key}"; valid parameters: ${valid}`);
    }
    if (typeof value !== "number" || !Number.isFinite(value)) {
      throw new RangeError(`${def.name}: ${key} must be a finite number (${describeRange(spec)}), got ${String(value)}`);
    }
    const belowMin = spec.min !== undefined && (spec.exclusiveMin ? value <= spec.min : value < spec.min);
    const aboveMax = spec.max !== undefined && value > spec.max;
    if (belowMin || aboveMax) {
      throw new RangeError(`${def.name}: ${key}=${value} is out of range; it must be ${describeRange(spec)}`);
    }
    out[key] = value;
  }
  return out;
}

function labelFor(def: ActivationDef, params: Params): string {
  const changed = (def.params ?? []).filter((s) => params[s.name] !== s.default);
  return changed.length ? `${def.name}(${changed.map((s) => `${s.name}=${params[s.name]}`).join(", ")})` : def.name;
}

function asFloat(x: Tensor): Tensor {
  return x.dtype === "float32" ? x : tf.cast(x, "float32");
}

/** The raw definition behind a name (tests differentiate it independently of `derivative`). */
export function definitionOf(name: string): ActivationDef {
  return lookup(name);
}

function build(def: ActivationDef, params: Params, isUser: boolean): Activation {
  const frozen = Object.freeze({ ...params });
  const autodiff = tf.grad((x: Tensor) => tf.sum(def.fn(x, frozen)));
  const closedForm = def.derivative;
  // With a closed form, autodiff through apply() uses it: faster, exact at formula seams (the
  // |x| inside stable softplus), and the same values at kinks as PyTorch.
  const forward = closedForm
    ? tf.customGrad(((x: Tensor, save: tf.GradSaveFunc) => {
        save([x]);
        return { value: def.fn(x, frozen), gradFunc: (dy: Tensor, saved: Tensor[]) => tf.mul(dy, closedForm(saved[0], frozen)) };
      }) as unknown as Parameters<typeof tf.customGrad>[0])
    : (x: Tensor) => def.fn(x, frozen);
  return Object.freeze({
    name: def.name,
    params: frozen,
    info: def.info,
    paramSpecs: def.params ?? [],
    userDefined: isUser,
    kinks: def.kinks ? def.kinks(frozen) : [],
    label: labelFor(def, frozen),
    apply: (x: Tensor) => tf.tidy(() => forward(asFloat(x)) as Tensor),
    derivative: (x: Tensor) => tf.tidy(() => (closedForm ? closedForm(asFloat(x), frozen) : autodiff(asFloat(x)))),
  });
}

function isActivation(x: unknown): x is Activation {
  return typeof x === "object" && x !== null && typeof (x as Activation).apply === "function" && typeof (x as Activation).derivative === "function";
}

/**
 * A configured activation.
 *
 * ```ts
 * const leaky = activation("leaky_relu", { alpha: 0.1 });
 * leaky.apply(tf.tensor([-2, 3])).print();        // [-0.2, 3]
 * leaky.derivative(tf.tensor([-2, 3])).print();   // [0.1, 1]
 * ```
 */
export function activation(like: ActivationLike, params?: Params): Activation {
  if (isActivation(like)) {
    if (!params) return like;
    return activation(like.name, { ...like.params, ...params });
  }
  if (typeof like === "object" && like !== null && typeof (like as { name?: unknown }).name === "string") {
    const obj = like as { name: string; params?: Params };
    return activation(obj.name, { ...(obj.params ?? {}), ...(params ?? {}) });
  }
  if (typeof like !== "string") {
    throw new TypeError(
      `expected an activation name, { name, params } or an Activation, got ${like === null ? "null" : typeof like}; valid names: ${listActivations().join(", ")}`,
    );
  }
  const def = lookup(like);
  return build(def, resolveParams(def, params), userDefined.has(def.name));
}

/** Resolves a list (or one, or nothing = a default set) of activation-like values. */
export function resolveActivations(list: ActivationLike | ActivationLike[] | undefined, fallback: string[] = ["relu", "gelu", "sigmoid"]): Activation[] {
  const items = list === undefined ? fallback : Array.isArray(list) ? list : [list];
  if (items.length === 0) throw new RangeError(`no activations given; valid choices: ${listActivations().join(", ")}`);
  return items.map((item) => activation(item));
}

export interface UserActivationSpec {
  name: string;
  /** f(x) from tfjs ops, element-wise. */
  fn: (x: Tensor, params: Params) => Tensor;
  /** f'(x); autodiff is used when omitted. */
  derivative?: (x: Tensor, params: Params) => Tensor;
  /** Parameters with defaults, e.g. `{ a: 1 }` or full ParamSpecs. */
  params?: Record<string, number> | ParamSpec[];
  latex?: string;
  summary?: string;
  reference?: string;
  kinks?: number[];
}

/**
 * Adds a user-defined activation; it goes through every path a built-in does (curves,
 * properties, widgets, experiments). Re-running the defining cell replaces it.
 *
 * ```ts
 * defineActivation({ name: "bent", fn: (x) => tf.add(x, tf.sin(x)) });
 * await curves(["bent", "relu"]);
 * ```
 */
export function defineActivation(spec: UserActivationSpec): Activation {
  if (typeof spec !== "object" || spec === null) throw new TypeError("defineActivation expects { name, fn, derivative?, params? }");
  const { name, fn } = spec;
  if (typeof name !== "string" || !/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) {
    throw new RangeError(`defineActivation: name must be an identifier like "my_act" (letters, digits, _), got ${JSON.stringify(name)}`);
  }
  if (builtins.has(name)) {
    throw new RangeError(`defineActivation: "${name}" is a built-in activation; choose another name (built-ins: ${[...builtins.keys()].join(", ")})`);
  }
  if (typeof fn !== "function") throw new TypeError(`defineActivation: fn must be a function (x: tf.Tensor, params) => tf.Tensor`);
  if (spec.derivative !== undefined && typeof spec.derivative !== "function") {
    throw new TypeError(`defineActivation: derivative must be a function (x: tf.Tensor, params) => tf.Tensor, or omitted for autodiff`);
  }
  const paramSpecs: ParamSpec[] = Array.isArray(spec.params)
    ? spec.params
    : Object.entries(spec.params ?? {}).map(([p, v]) => {
        if (typeof v !== "number" || !Number.isFinite(v)) throw new RangeError(`defineActivation: default of ${p} must be a finite number, got ${String(v)}`);
        const span = Math.max(1, Math.abs(v) * 2);
        return { name: p, default: v, slider: [v - span, v + span] as [number, number], doc: `user parameter ${p}` };
      });
  const def: ActivationDef = {
    name,
    params: paramSpecs,
    fn,
    derivative: spec.derivative,
    info: {
      latex: spec.latex ?? `\\mathrm{${name.replace(/_/g, "\\_")}}(x)`,
      summary: spec.summary ?? "user-defined activation",
      family: "user",
      reference: spec.reference ?? "user-defined",
    },
    kinks: spec.kinks ? () => spec.kinks as number[] : undefined,
  };
  checkUserFunction(def);
  userDefined.set(name, def);
  return activation(name);
}

/** Calls a user function once on a probe so mistakes surface at definition, not mid-chart. */
function checkUserFunction(def: ActivationDef): void {
  const params = resolveParams(def, undefined);
  // tidy disposes the probe and outputs on the error path too.
  tf.tidy(() => {
      const probe = tf.tensor1d([-2, -0.5, 0.5, 2]);
      for (const [what, f] of [["fn", def.fn], ["derivative", def.derivative]] as const) {
        if (!f) continue;
        const out = f(probe, params) as unknown;
        if (!(out instanceof tf.Tensor)) {
          throw new TypeError(`defineActivation(${def.name}): ${what} must return a tf.Tensor, got ${out === null ? "null" : typeof out}`);
        }
        if (out.size !== probe.size) {
          throw new RangeError(`defineActivation(${def.name}): ${what} must be element-wise (same shape as its input), got shape [${out.shape}] for input [${probe.shape}]`);
        }
      }
  });
}

/** Removes a user-defined activation (built-ins cannot be removed). */
export function removeActivation(name: string): boolean {
  return userDefined.delete(name);
}
