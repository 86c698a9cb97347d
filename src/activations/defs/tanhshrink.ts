import { tf } from "../../tf";
import { registerBuiltin } from "../registry";
import { tanhViaSigmoid } from "../stable";

/**
 * tanhshrink(x) = x − tanh(x); derivative tanh²(x).
 * ```ts
 * activation("tanhshrink").apply(tf.tensor([1])).print(); // [0.2384]
 * ```
 */
export const tanhshrink = registerBuiltin({
  name: "tanhshrink",
  fn: (x) => tf.sub(x, tanhViaSigmoid(x)),
  derivative: (x) => tf.square(tanhViaSigmoid(x)),
  info: {
    latex: "f(x) = x - \\tanh(x)",
    summary: "Flat near zero, linear far out; a shrinkage function from sparse coding.",
    family: "other",
    reference: "Gregor & LeCun 2010 (LISTA)",
  },
});
