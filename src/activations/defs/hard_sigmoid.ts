import { tf } from "../../tf";
import { registerBuiltin } from "../registry";

/**
 * hard_sigmoid(x) = max(0, min(1, x/6 + ½)); derivative 1/6 on (−3, 3), 0 elsewhere (as PyTorch).
 * ```ts
 * activation("hard_sigmoid").apply(tf.tensor([-4, 0, 1.5])).print(); // [0, 0.5, 0.75]
 * ```
 */
export const hardSigmoid = registerBuiltin({
  name: "hard_sigmoid",
  fn: (x) => tf.clipByValue(tf.add(tf.div(x, 6), 0.5), 0, 1),
  derivative: (x) => tf.mul(tf.step(tf.sub(3, tf.abs(x))), 1 / 6),
  info: {
    latex: "f(x) = \\max\\left(0, \\min\\left(1, \\tfrac{x}{6} + \\tfrac{1}{2}\\right)\\right)",
    summary: "Piecewise-linear sigmoid, cheap on mobile hardware (MobileNetV3 convention).",
    family: "hard",
    reference: "Howard et al. 2019 (MobileNetV3)",
  },
  kinks: () => [-3, 3],
});
