import { tf } from "../../tf";
import { registerBuiltin } from "../registry";
import { expOrOne } from "../stable";

/**
 * celu(x) = max(0, x) + min(0, α(e^(x/α) − 1)) (α = 1); derivative 1 for x > 0, e^(x/α) otherwise.
 * ```ts
 * activation("celu", { alpha: 2 }).apply(tf.tensor([-1])).print(); // [-0.787]
 * ```
 */
export const celu = registerBuiltin({
  name: "celu",
  params: [{ name: "alpha", default: 1, min: 0, exclusiveMin: true, slider: [0.1, 3], doc: "scale; must be > 0" }],
  // Identical to α·elu₁(x/α) for α > 0, which runs on tfjs's fast elu kernel.
  fn: (x, p) => tf.mul(tf.elu(tf.div(x, p.alpha)), p.alpha),
  derivative: (x, p) => expOrOne(tf.div(x, p.alpha)),
  info: {
    latex: "f(x) = \\max(0, x) + \\min\\left(0, \\alpha\\left(e^{x/\\alpha} - 1\\right)\\right)",
    summary: "ELU made continuously differentiable for every α.",
    family: "exponential",
    reference: "Barron 2017",
  },
});
