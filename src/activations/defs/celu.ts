import { tf } from "../../tf";
import { registerBuiltin } from "../registry";

/**
 * celu(x) = max(0, x) + min(0, α(e^(x/α) − 1)) (α = 1); derivative 1 for x > 0, e^(x/α) otherwise.
 * ```ts
 * activation("celu", { alpha: 2 }).apply(tf.tensor([-1])).print(); // [-0.787]
 * ```
 */
export const celu = registerBuiltin({
  name: "celu",
  params: [{ name: "alpha", default: 1, min: 0, exclusiveMin: true, slider: [0.1, 3], doc: "scale; must be > 0" }],
  fn: (x, p) => tf.add(tf.relu(x), tf.mul(tf.sub(tf.exp(tf.div(tf.minimum(x, 0), p.alpha)), 1), p.alpha)),
  derivative: (x, p) => tf.where(tf.greater(x, 0), tf.onesLike(x), tf.exp(tf.div(tf.minimum(x, 0), p.alpha))),
  info: {
    latex: "f(x) = \\max(0, x) + \\min\\left(0, \\alpha\\left(e^{x/\\alpha} - 1\\right)\\right)",
    summary: "ELU made continuously differentiable for every α.",
    family: "exponential",
    reference: "Barron 2017",
  },
});
