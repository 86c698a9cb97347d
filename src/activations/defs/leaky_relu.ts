import { tf } from "../../tf";
import { registerBuiltin } from "../registry";
import type { ActivationDef, Params } from "../types";
import type { Tensor } from "../../tf";

/** Shared by leaky_relu and prelu: x for x ≥ 0, αx otherwise; slope α at and left of 0 (as PyTorch). */
export const leakyFn = (x: Tensor, p: Params): Tensor => tf.add(tf.mul(tf.relu(x), 1 - p.alpha), tf.mul(x, p.alpha));
export const leakyDerivative = (x: Tensor, p: Params): Tensor => tf.add(tf.mul(tf.step(x), 1 - p.alpha), p.alpha);

/**
 * leaky_relu(x) = x if x ≥ 0 else αx (α = 0.01); derivative 1 or α.
 * ```ts
 * activation("leaky_relu", { alpha: 0.1 }).apply(tf.tensor([-2, 3])).print(); // [-0.2, 3]
 * ```
 */
export const leakyRelu: ActivationDef = registerBuiltin({
  name: "leaky_relu",
  params: [{ name: "alpha", default: 0.01, min: 0, max: 1, slider: [0, 0.5], doc: "slope for x < 0" }],
  fn: leakyFn,
  derivative: leakyDerivative,
  info: {
    latex: "f(x) = \\begin{cases} x & x \\ge 0 \\\\ \\alpha x & x < 0 \\end{cases}",
    summary: "ReLU with a small slope for x < 0, so units keep a gradient and cannot die.",
    family: "relu",
    reference: "Maas, Hannun & Ng 2013",
  },
  kinks: () => [0],
});
