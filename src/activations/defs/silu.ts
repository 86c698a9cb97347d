import { registerBuiltin } from "../registry";
import { swishDerivative, swishFn } from "./swish";

/**
 * silu(x) = x·σ(x); silu'(x) = σ(x)(1 + x(1 − σ(x))). Minimum ≈ −0.2785 at x ≈ −1.278.
 * ```ts
 * activation("silu").apply(tf.tensor([1])).print(); // [0.7311]
 * ```
 */
export const silu = registerBuiltin({
  name: "silu",
  fn: swishFn,
  derivative: swishDerivative,
  info: {
    latex: "f(x) = x\\,\\sigma(x)",
    summary: "Sigmoid-weighted linear unit (swish with β = 1); used in EfficientNet and LLaMA's SwiGLU.",
    family: "smooth",
    reference: "Elfwing, Uchibe & Doya 2018; Hendrycks & Gimpel 2016",
  },
});
