import { tf } from "../../tf";
import { registerBuiltin } from "../registry";
import { logSigmoidStable } from "../stable";

/**
 * log_sigmoid(x) = ln σ(x) = −softplus(−x), stable for large |x|; derivative σ(−x).
 * ```ts
 * activation("log_sigmoid").apply(tf.tensor([0])).print(); // [-0.6931]
 * ```
 */
export const logSigmoid = registerBuiltin({
  name: "log_sigmoid",
  fn: (x) => logSigmoidStable(x),
  derivative: (x) => tf.sigmoid(tf.neg(x)),
  info: {
    latex: "f(x) = \\ln \\sigma(x) = -\\ln\\left(1 + e^{-x}\\right)",
    summary: "Log of the sigmoid; the stable building block of binary cross-entropy.",
    family: "sigmoid",
    reference: "—",
  },
});
