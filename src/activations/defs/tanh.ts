import { registerBuiltin } from "../registry";
import { tanhDerivativeViaSigmoid, tanhViaSigmoid } from "../stable";

/**
 * tanh(x), tanh'(x) = 1 − tanh²(x).
 * ```ts
 * activation("tanh").apply(tf.tensor([0, 1])).print(); // [0, 0.7616]
 * ```
 */
export const tanh = registerBuiltin({
  name: "tanh",
  fn: (x) => tanhViaSigmoid(x),
  derivative: (x) => tanhDerivativeViaSigmoid(x),
  info: {
    latex: "\\tanh(x) = \\frac{e^{x} - e^{-x}}{e^{x} + e^{-x}}",
    summary: "Zero-centred squashing to (−1, 1); saturates at both ends. Recurrent candidate states.",
    family: "sigmoid",
    reference: "LeCun et al. 1998, Efficient BackProp",
  },
});
