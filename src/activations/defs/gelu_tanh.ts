import { tf, type Tensor } from "../../tf";
import { registerBuiltin } from "../registry";

const K = Math.sqrt(2 / Math.PI);
const C = 0.044715;

/** 2u = 2√(2/π)(x + 0.044715x³). */
const twiceU = (x: Tensor): Tensor => tf.mul(tf.mul(x, tf.add(tf.mul(tf.square(x), C), 1)), 2 * K);

/**
 * gelu_tanh(x) = ½x(1 + tanh(√(2/π)(x + 0.044715x³))), the tanh approximation of GELU
 * (within 4.8e-4 of the exact form); derivative ½(1 + t) + ½x(1 − t²)·√(2/π)(1 + 3·0.044715x²).
 * ```ts
 * activation("gelu_tanh").apply(tf.tensor([1])).print(); // [0.8412]
 * ```
 */
export const geluTanh = registerBuiltin({
  name: "gelu_tanh",
  // ½(1 + tanh u) = σ(2u): one sigmoid instead of tanh, and x·x² instead of pow (both slow on wasm).
  fn: (x) => tf.mul(x, tf.sigmoid(twiceU(x))),
  derivative: (x) => {
    const s = tf.sigmoid(twiceU(x));
    const du = tf.mul(tf.add(tf.mul(tf.square(x), 3 * C), 1), 2 * K);
    return tf.add(s, tf.mul(tf.mul(x, tf.mul(s, tf.sub(1, s))), du));
  },
  info: {
    latex: "f(x) = \\tfrac{1}{2} x \\left(1 + \\tanh\\left(\\sqrt{2/\\pi}\\,(x + 0.044715 x^{3})\\right)\\right)",
    summary: "The tanh approximation of GELU used by GPT-2 and many fused kernels.",
    family: "smooth",
    reference: "Hendrycks & Gimpel 2016",
  },
});
