import { tf } from "../../tf";
import { registerBuiltin } from "../registry";
import { expNegativePart, isPositive } from "../stable";

/**
 * elu(x) = x if x > 0 else α(e^x − 1) (α = 1); derivative 1 or αe^x (α at 0, as PyTorch).
 * ```ts
 * activation("elu").apply(tf.tensor([-1, 2])).print(); // [-0.632, 2]
 * ```
 */
export const elu = registerBuiltin({
  name: "elu",
  params: [{ name: "alpha", default: 1, min: 0, slider: [0, 3], doc: "negative saturation value −α" }],
  fn: (x, p) => tf.where(isPositive(x), x, tf.mul(tf.sub(expNegativePart(x), 1), p.alpha)),
  derivative: (x, p) => tf.where(tf.greater(x, 0), tf.onesLike(x), tf.mul(expNegativePart(x), p.alpha)),
  info: {
    latex: "f(x) = \\begin{cases} x & x > 0 \\\\ \\alpha (e^{x} - 1) & x \\le 0 \\end{cases}",
    summary: "Negative outputs push mean activations toward zero; smooth for x < 0, no dead units.",
    family: "exponential",
    reference: "Clevert, Unterthiner & Hochreiter 2016",
  },
  kinks: (p) => (p.alpha === 1 ? [] : [0]),
});
