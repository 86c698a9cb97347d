import { tf, type Tensor } from "../../tf";
import { registerBuiltin } from "../registry";
import type { Params } from "../types";

/** x·σ(βx) and its derivative σ(βx) + βx·σ(βx)(1 − σ(βx)); silu is β = 1. */
export const swishFn = (x: Tensor, p: Params): Tensor => tf.mul(x, tf.sigmoid(tf.mul(x, p.beta ?? 1)));
export const swishDerivative = (x: Tensor, p: Params): Tensor => {
  const beta = p.beta ?? 1;
  const s = tf.sigmoid(tf.mul(x, beta));
  return tf.add(s, tf.mul(tf.mul(tf.mul(x, beta), s), tf.sub(1, s)));
};

/**
 * swish(x) = x·σ(βx) (β = 1: silu). β → ∞ approaches ReLU, β = 0 gives x/2.
 * ```ts
 * activation("swish", { beta: 2 }).apply(tf.tensor([1])).print(); // [0.8808]
 * ```
 */
export const swish = registerBuiltin({
  name: "swish",
  params: [{ name: "beta", default: 1, min: 0, slider: [0, 5], doc: "sharpness; must be ≥ 0" }],
  fn: swishFn,
  derivative: swishDerivative,
  info: {
    latex: "f(x) = x\\,\\sigma(\\beta x)",
    summary: "Smooth, non-monotonic self-gated ReLU-like function found by automated search.",
    family: "smooth",
    reference: "Ramachandran, Zoph & Le 2017",
  },
});
