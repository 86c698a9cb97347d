import { tf } from "../../tf";
import { registerBuiltin } from "../registry";

/**
 * sigmoid(x) = 1 / (1 + e^(−x)), sigmoid'(x) = σ(x)(1 − σ(x)) ≤ 1/4.
 * ```ts
 * activation("sigmoid").apply(tf.tensor([0])).print(); // [0.5]
 * ```
 */
export const sigmoid = registerBuiltin({
  name: "sigmoid",
  fn: (x) => tf.sigmoid(x),
  derivative: (x) => {
    const s = tf.sigmoid(x);
    return tf.mul(s, tf.sub(1, s));
  },
  info: {
    latex: "\\sigma(x) = \\frac{1}{1 + e^{-x}}",
    summary: "Squashes to (0, 1); saturates at both ends with derivative at most 0.25. Binary outputs and gates.",
    family: "sigmoid",
    reference: "Rumelhart, Hinton & Williams 1986",
  },
});
