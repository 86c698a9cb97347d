import { tf } from "../../tf";
import { registerBuiltin } from "../registry";

/**
 * linear(x) = x, linear'(x) = 1. The identity: what a layer is without a nonlinearity.
 * ```ts
 * activation("linear").apply(tf.tensor([-2, 3])).print(); // [-2, 3]
 * ```
 */
export const linear = registerBuiltin({
  name: "linear",
  fn: (x) => tf.clone(x),
  derivative: (x) => tf.onesLike(x),
  info: {
    latex: "f(x) = x",
    summary: "Identity; stacks of linear layers collapse to one linear map. Use for unbounded regression outputs.",
    family: "linear",
    reference: "—",
  },
});
