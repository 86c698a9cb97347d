import { tf } from "../../tf";
import { registerBuiltin } from "../registry";

/**
 * hard_swish(x) = x·hard_sigmoid(x); derivative 0 for x < −3, x/3 + ½ on [−3, 3], 1 for x > 3
 * (PyTorch's values at the kinks).
 * ```ts
 * activation("hard_swish").apply(tf.tensor([1])).print(); // [0.6667]
 * ```
 */
export const hardSwish = registerBuiltin({
  name: "hard_swish",
  fn: (x) => tf.mul(x, tf.clipByValue(tf.add(tf.div(x, 6), 0.5), 0, 1)),
  // (x/3 + ½)·[−3 ≤ x ≤ 3] + [x > 3], with the brackets from step (cheap, exact at ±3).
  derivative: (x) =>
    tf.add(tf.mul(tf.add(tf.div(x, 3), 0.5), tf.sub(1, tf.step(tf.sub(tf.abs(x), 3)))), tf.step(tf.sub(x, 3))),
  info: {
    latex: "f(x) = x \\cdot \\max\\left(0, \\min\\left(1, \\tfrac{x}{6} + \\tfrac{1}{2}\\right)\\right)",
    summary: "Piecewise approximation of swish without exponentials (MobileNetV3).",
    family: "hard",
    reference: "Howard et al. 2019 (MobileNetV3)",
  },
  kinks: () => [-3, 3],
});
