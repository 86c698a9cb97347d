import { tf } from "../../tf";
import { byBackend } from "../per-backend";
import { registerBuiltin } from "../registry";
import { expOrOne } from "../stable";

/** The fixed point constants of Klambauer et al. 2017 (mean 0, variance 1 under LeCun init). */
export const SELU_ALPHA = 1.6732632423543772;
export const SELU_LAMBDA = 1.0507009873554805;

/**
 * selu(x) = λ·(x if x > 0 else α(e^x − 1)); derivative λ or λαe^x.
 * ```ts
 * activation("selu").apply(tf.tensor([1])).print(); // [1.0507]
 * ```
 */
export const selu = registerBuiltin({
  name: "selu",
  fn: byBackend({
    // TensorFlow's Selu kernel has these same constants
    tensorflow: (x) => tf.selu(x),
    // λα·elu₁(x) + λ(1 − α)·relu(x), on tfjs's fast elu kernel (its selu kernel is 4× slower on wasm).
    portable: (x) => tf.add(tf.mul(tf.elu(x), SELU_LAMBDA * SELU_ALPHA), tf.mul(tf.relu(x), SELU_LAMBDA * (1 - SELU_ALPHA))),
  }),
  derivative: byBackend({
    // e^min(x, 0)·(λα + λ(1 − α)·[x > 0]): λ right of 0, λα·e^x left of it, with no step (six ops there)
    tensorflow: (x) => tf.mul(tf.exp(tf.minimum(x, 0)), tf.add(tf.mul(tf.sign(tf.relu(x)), SELU_LAMBDA * (1 - SELU_ALPHA)), SELU_LAMBDA * SELU_ALPHA)),
    portable: (x) => tf.mul(expOrOne(x), tf.add(tf.mul(tf.step(x), SELU_LAMBDA * (1 - SELU_ALPHA)), SELU_LAMBDA * SELU_ALPHA)),
  }),
  info: {
    latex: "f(x) = \\lambda \\begin{cases} x & x > 0 \\\\ \\alpha (e^{x} - 1) & x \\le 0 \\end{cases}",
    summary: "Scaled ELU whose fixed point keeps activations at mean 0, variance 1 under LeCun init (self-normalizing).",
    family: "exponential",
    reference: "Klambauer, Unterthiner, Mayr & Hochreiter 2017",
  },
  kinks: () => [0],
});
