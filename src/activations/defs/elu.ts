import { tf } from "../../tf";
import { byBackend } from "../per-backend";
import { registerBuiltin } from "../registry";
import { expOrOne } from "../stable";

/**
 * elu(x) = x if x > 0 else α(e^x − 1) (α = 1); derivative 1 or αe^x (α at 0, as PyTorch).
 * ```ts
 * activation("elu").apply(tf.tensor([-1, 2])).print(); // [-0.632, 2]
 * ```
 */
export const elu = registerBuiltin({
  name: "elu",
  params: [{ name: "alpha", default: 1, min: 0, slider: [0, 3], doc: "negative saturation value −α" }],
  // α·elu₁(x) + (1 − α)·relu(x): x for x > 0, α(e^x − 1) otherwise, on tfjs's fast elu kernel.
  fn: (x, p) => (p.alpha === 1 ? tf.elu(x) : tf.add(tf.mul(tf.elu(x), p.alpha), tf.mul(tf.relu(x), 1 - p.alpha))),
  derivative: byBackend({
    // e^min(x, 0) is e^x left of 0 and 1 right of it, in two native ops (no step: six there)
    tensorflow: (x, p) =>
      p.alpha === 1 ? tf.exp(tf.minimum(x, 0)) : tf.add(tf.mul(tf.exp(tf.minimum(x, 0)), p.alpha), tf.mul(tf.sign(tf.relu(x)), 1 - p.alpha)),
    portable: (x, p) => tf.mul(expOrOne(x), tf.add(tf.mul(tf.step(x), 1 - p.alpha), p.alpha)),
  }),
  info: {
    latex: "f(x) = \\begin{cases} x & x > 0 \\\\ \\alpha (e^{x} - 1) & x \\le 0 \\end{cases}",
    summary: "Negative outputs push mean activations toward zero; smooth for x < 0, no dead units.",
    family: "exponential",
    reference: "Clevert, Unterthiner & Hochreiter 2016",
  },
  kinks: (p) => (p.alpha === 1 ? [] : [0]),
});
