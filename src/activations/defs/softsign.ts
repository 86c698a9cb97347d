import { tf } from "../../tf";
import { registerBuiltin } from "../registry";

/**
 * softsign(x) = x / (1 + |x|); derivative 1 / (1 + |x|)².
 * ```ts
 * activation("softsign").apply(tf.tensor([1])).print(); // [0.5]
 * ```
 */
export const softsign = registerBuiltin({
  name: "softsign",
  fn: (x) => tf.div(x, tf.add(tf.abs(x), 1)),
  derivative: (x) => tf.reciprocal(tf.square(tf.add(tf.abs(x), 1))),
  info: {
    latex: "f(x) = \\frac{x}{1 + |x|}",
    summary: "Like tanh but saturates polynomially (slower), so gradients decay more gently.",
    family: "sigmoid",
    reference: "Bergstra et al. 2009; Glorot & Bengio 2010",
  },
  kinks: () => [],
});
