import { tf } from "../../tf";
import { registerBuiltin } from "../registry";
import { softplusStable } from "../stable";

/**
 * softplus(x) = (1/β)·ln(1 + e^(βx)), computed as (1/β)(max(βx, 0) + ln(1 + e^(−|βx|))) so it
 * never overflows; derivative σ(βx).
 * ```ts
 * activation("softplus").apply(tf.tensor([0])).print(); // [0.6931]
 * ```
 */
export const softplus = registerBuiltin({
  name: "softplus",
  params: [{ name: "beta", default: 1, min: 0, exclusiveMin: true, slider: [0.1, 5], doc: "sharpness; must be > 0" }],
  fn: (x, p) => tf.div(softplusStable(tf.mul(x, p.beta)), p.beta),
  derivative: (x, p) => tf.sigmoid(tf.mul(x, p.beta)),
  info: {
    latex: "f(x) = \\frac{1}{\\beta} \\ln\\left(1 + e^{\\beta x}\\right)",
    summary: "A smooth ReLU; always positive, derivative is the sigmoid.",
    family: "smooth",
    reference: "Dugas et al. 2001",
  },
});
