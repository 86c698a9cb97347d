import { tf } from "../../tf";
import { registerBuiltin } from "../registry";
import { isNegative } from "../stable";

/**
 * squareplus(x) = (x + √(x² + b))/2 (b = 4); derivative (1 + x/√(x² + b))/2. For x < 0 it is
 * evaluated as b / (2(√(x² + b) − x)), which avoids cancellation far to the left.
 * ```ts
 * activation("squareplus").apply(tf.tensor([0])).print(); // [1]
 * ```
 */
export const squareplus = registerBuiltin({
  name: "squareplus",
  params: [{ name: "b", default: 4, min: 0, slider: [0, 16], doc: "curvature at 0; b = 0 gives ReLU" }],
  fn: (x, p) => {
    const root = tf.sqrt(tf.add(tf.square(x), p.b));
    const direct = tf.mul(tf.add(x, root), 0.5);
    const rearranged = tf.div(p.b, tf.mul(tf.sub(root, x), 2));
    // rearranged is 0/0 at x = 0 when b = 0; the direct form is exact there.
    return tf.where(isNegative(x), rearranged, direct);
  },
  derivative: (x, p) => {
    const root = tf.sqrt(tf.add(tf.square(x), p.b));
    const ratio = tf.where(tf.equal(root, 0), tf.zerosLike(x), tf.div(x, root));
    return tf.mul(tf.add(ratio, 1), 0.5);
  },
  info: {
    latex: "f(x) = \\frac{x + \\sqrt{x^{2} + b}}{2}",
    summary: "A smooth ReLU from algebra only (no exp/log), cheap on any hardware.",
    family: "smooth",
    reference: "Barron 2021",
  },
  kinks: (p) => (p.b === 0 ? [0] : []),
});
