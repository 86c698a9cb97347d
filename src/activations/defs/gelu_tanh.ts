import { tf } from "../../tf";
import { registerBuiltin } from "../registry";

const K = Math.sqrt(2 / Math.PI);
const C = 0.044715;

/**
 * gelu_tanh(x) = ½x(1 + tanh(√(2/π)(x + 0.044715x³))), the tanh approximation of GELU
 * (within 4.8e-4 of the exact form); derivative ½(1 + t) + ½x(1 − t²)·√(2/π)(1 + 3·0.044715x²).
 * ```ts
 * activation("gelu_tanh").apply(tf.tensor([1])).print(); // [0.8412]
 * ```
 */
export const geluTanh = registerBuiltin({
  name: "gelu_tanh",
  fn: (x) => {
    const t = tf.tanh(tf.mul(tf.add(x, tf.mul(tf.pow(x, 3), C)), K));
    return tf.mul(tf.mul(x, 0.5), tf.add(t, 1));
  },
  derivative: (x) => {
    const t = tf.tanh(tf.mul(tf.add(x, tf.mul(tf.pow(x, 3), C)), K));
    const inner = tf.mul(tf.add(tf.mul(tf.square(x), 3 * C), 1), K);
    return tf.add(tf.mul(tf.add(t, 1), 0.5), tf.mul(tf.mul(tf.mul(x, 0.5), tf.sub(1, tf.square(t))), inner));
  },
  info: {
    latex: "f(x) = \\tfrac{1}{2} x \\left(1 + \\tanh\\left(\\sqrt{2/\\pi}\\,(x + 0.044715 x^{3})\\right)\\right)",
    summary: "The tanh approximation of GELU used by GPT-2 and many fused kernels.",
    family: "smooth",
    reference: "Hendrycks & Gimpel 2016",
  },
});
