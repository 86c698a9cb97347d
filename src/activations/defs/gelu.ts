import { tf } from "../../tf";
import { byBackend, erfcOnTensorflow } from "../per-backend";
import { registerBuiltin } from "../registry";
import { normalCdfPlusXPdf, xNormalCdf } from "../stable";

/** ln(√2·φ(0)) = ln(1/√π): x·φ(x) = b·e^(LN_SQRT2_PDF_AT_0 − b²) with b = x/√2. */
const LN_SQRT2_PDF_AT_0 = -0.5 * Math.log(Math.PI);

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
  // Φ(x) + x·φ(x) with Φ = ½ + ½erf(b), b = x/√2, and x·φ(x) = b·e^(ln(√2·φ(0)) − b²): nine
  // native ops, but TensorFlow's erf costs a third of its erfc (0.6 vs 1.75 ms per 1e6 on one
  // thread), so 4.6 ms instead of 5.5. Φ is formed first, so where erf rounds to −1 it is
  // exactly 0 and the slope is x·φ(x), accurate far into the tail (as PyTorch's gelu backward);
  // near it Φ's error is under 3e-8, where the slope's tests allow 8e-7.
  derivative: byBackend({
    tensorflow: (x) => {
      const b = tf.mul(x, Math.SQRT1_2);
      const cdf = tf.add(tf.mul(tf.erf(b), 0.5), 0.5);
      return tf.add(cdf, tf.mul(b, tf.exp(tf.sub(LN_SQRT2_PDF_AT_0, tf.square(b)))));
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
