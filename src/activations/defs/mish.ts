import { tf } from "../../tf";
import { registerBuiltin } from "../registry";
import { softplusStable, tanhViaSigmoid } from "../stable";

/**
 * mish(x) = x·tanh(softplus(x)); mish'(x) = tanh(sp) + x·(1 − tanh²(sp))·σ(x).
 * ```ts
 * activation("mish").apply(tf.tensor([1])).print(); // [0.8651]
 * ```
 */
export const mish = registerBuiltin({
  name: "mish",
  fn: (x) => tf.mul(x, tanhViaSigmoid(softplusStable(x))),
  derivative: (x) => {
    const t = tanhViaSigmoid(softplusStable(x));
    return tf.add(t, tf.mul(tf.mul(x, tf.sub(1, tf.square(t))), tf.sigmoid(x)));
  },
  info: {
    latex: "f(x) = x \\tanh(\\ln(1 + e^{x}))",
    summary: "Smooth, non-monotonic; similar to swish with a slightly deeper negative dip (YOLOv4).",
    family: "smooth",
    reference: "Misra 2019",
  },
});
