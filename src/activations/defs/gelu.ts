import { tf } from "../../tf";
import { byBackend, erfcOnTensorflow } from "../per-backend";
import { registerBuiltin } from "../registry";
import { normalCdfPlusXPdf, xNormalCdf } from "../stable";

/** ln(1/√(2π)): φ(x) = e^(LN_PDF_AT_0 − x²/2). */
const LN_PDF_AT_0 = -0.5 * Math.log(2 * Math.PI);

/**
 * gelu(x) = x·Φ(x) = ½x(1 + erf(x/√2)); gelu'(x) = Φ(x) + x·φ(x).
 * ```ts
 * activation("gelu").apply(tf.tensor([1])).print(); // [0.8413]
 * ```
 */
export const gelu = registerBuiltin({
  name: "gelu",
  // On tensorflow, Φ(x) = ½erfc(−x/√2) with TensorFlow's erfc: four native ops, and no
  // cancellation in the negative tail (½x(1 + erf(x/√2)) is 0 from x ≈ −5.5 in float32).
  fn: byBackend({
    tensorflow: (x) => tf.mul(tf.mul(x, 0.5), erfcOnTensorflow(tf.mul(x, -Math.SQRT1_2))),
    portable: (x) => xNormalCdf(x),
  }),
  // Φ(x) + x·φ(x) = ½erfc(a) + x·e^(ln φ(0) − a²) with a = −x/√2: eight native ops.
  derivative: byBackend({
    tensorflow: (x) => {
      const a = tf.mul(x, -Math.SQRT1_2);
      return tf.add(tf.mul(erfcOnTensorflow(a), 0.5), tf.mul(x, tf.exp(tf.sub(LN_PDF_AT_0, tf.square(a)))));
    },
    portable: (x) => normalCdfPlusXPdf(x),
  }),
  info: {
    latex: "f(x) = x\\,\\Phi(x) = \\tfrac{1}{2} x \\left(1 + \\operatorname{erf}(x/\\sqrt{2})\\right)",
    summary: "Smooth, non-monotonic ReLU-like gate by the normal CDF; the transformer default (BERT, GPT).",
    family: "smooth",
    reference: "Hendrycks & Gimpel 2016",
  },
});
