import { tf } from "../../tf";
import { registerBuiltin } from "../registry";

/**
 * hard_tanh(x) = max(−1, min(1, x)); derivative 1 on (−1, 1), 0 elsewhere (as PyTorch).
 * ```ts
 * activation("hard_tanh").apply(tf.tensor([-3, 0.5])).print(); // [-1, 0.5]
 * ```
 */
export const hardTanh = registerBuiltin({
  name: "hard_tanh",
  fn: (x) => tf.clipByValue(x, -1, 1),
  derivative: (x) => tf.step(tf.sub(1, tf.abs(x))),
  info: {
    latex: "f(x) = \\max(-1, \\min(1, x))",
    summary: "Piecewise-linear tanh; cheap, saturates hard at ±1.",
    family: "hard",
    reference: "Collobert 2004",
  },
  kinks: () => [-1, 1],
});
