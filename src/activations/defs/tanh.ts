import { tf } from "../../tf";
import { byBackend } from "../per-backend";
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
  // native tanh is one op on tensorflow; on wasm its kernel takes 12–19 ms per 1e6 values, the sigmoid form ~2
  fn: byBackend({ tensorflow: (x) => tf.tanh(x), portable: (x) => tanhViaSigmoid(x) }),
  derivative: byBackend({ tensorflow: (x) => tf.sub(1, tf.square(tf.tanh(x))), portable: (x) => tanhDerivativeViaSigmoid(x) }),
  info: {
    latex: "\\tanh(x) = \\frac{e^{x} - e^{-x}}{e^{x} + e^{-x}}",
    summary: "Zero-centred squashing to (−1, 1); saturates at both ends. Recurrent candidate states.",
    family: "sigmoid",
    reference: "LeCun et al. 1998, Efficient BackProp",
  },
});
