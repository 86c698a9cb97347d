import type { Tensor } from "../tf";

/** Numeric parameters of an activation, e.g. `{ alpha: 0.01 }`. */
export type Params = Record<string, number>;

/** One parameter an activation accepts, with the range a slider should offer. */
export interface ParamSpec {
  name: string;
  default: number;
  /** Smallest valid value (inclusive unless `exclusiveMin`). */
  min?: number;
  exclusiveMin?: boolean;
  max?: number;
  /** Range offered by sliders. */
  slider: [number, number];
  doc: string;
}

export type Family = "linear" | "sigmoid" | "relu" | "exponential" | "smooth" | "hard" | "other" | "user";

export interface ActivationInfo {
  /** The formula as LaTeX. */
  latex: string;
  /** One line saying what it is and when to use it. */
  summary: string;
  family: Family;
  /** Paper or source that introduced it. */
  reference: string;
}

/** What a definition provides; `activation(name, params)` turns it into an `Activation`. */
export interface ActivationDef {
  name: string;
  params?: ParamSpec[];
  /** f(x), from tfjs ops, numerically stable over [-100, 100]. */
  fn: (x: Tensor, p: Params) => Tensor;
  /** f'(x) in closed form from ops; autodiff (tf.grad) is used when absent. */
  derivative?: (x: Tensor, p: Params) => Tensor;
  info: ActivationInfo;
  /** Points where f is not differentiable (f' takes the left-hand value there). */
  kinks?: (p: Params) => number[];
}

/** A configured activation: a definition with its parameters bound. */
export interface Activation {
  readonly name: string;
  readonly params: Readonly<Params>;
  readonly info: ActivationInfo;
  readonly paramSpecs: readonly ParamSpec[];
  readonly userDefined: boolean;
  /** Non-differentiable points for these parameters. */
  readonly kinks: readonly number[];
  /** f(x), element-wise. */
  apply(x: Tensor): Tensor;
  /** f'(x), element-wise; closed form where known, autodiff otherwise. */
  derivative(x: Tensor): Tensor;
  /** "name" or "name(alpha=0.1)" — a stable label for charts and tables. */
  readonly label: string;
}

/** Anything that names an activation: a name, a configured activation, or `{ name, params }`. */
export type ActivationLike = string | Activation | { name: string; params?: Params };
