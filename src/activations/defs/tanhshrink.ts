import { tf } from "../../tf";
import { registerBuiltin } from "../registry";

/**
 * tanhshrink(x) = x − tanh(x); derivative tanh²(x).
 * ```ts
 * activation("tanhshrink").apply(tf.tensor([1])).print(); // [0.2384]
 * ```
 */
export const tanhshrink = registerBuiltin({
  name: "tanhshrink",
  fn: (x) => tf.sub(x, tf.tanh(x)),
  derivative: (x) => tf.square(tf.tanh(x)),
  info: {
    latex: "f(x) = x - \\tanh(x)",
    summary: "Flat near zero, linear far out; a shrinkage function from sparse coding.",
    family: "other",
    reference: "Gregor & LeCun 2010 (LISTA)",
  },
});
