import { registerBuiltin } from "../registry";
import { normalCdfPlusXPdf, xNormalCdf } from "../stable";

/**
 * gelu(x) = x·Φ(x) = ½x(1 + erf(x/√2)); gelu'(x) = Φ(x) + x·φ(x).
 * ```ts
 * activation("gelu").apply(tf.tensor([1])).print(); // [0.8413]
 * ```
 */
export const gelu = registerBuiltin({
  name: "gelu",
  fn: (x) => xNormalCdf(x),
  derivative: (x) => normalCdfPlusXPdf(x),
  info: {
    latex: "f(x) = x\\,\\Phi(x) = \\tfrac{1}{2} x \\left(1 + \\operatorname{erf}(x/\\sqrt{2})\\right)",
    summary: "Smooth, non-monotonic ReLU-like gate by the normal CDF; the transformer default (BERT, GPT).",
    family: "smooth",
    reference: "Hendrycks & Gimpel 2016",
  },
});
