import { tf } from "../../tf";
import { registerBuiltin } from "../registry";

/**
 * relu6(x) = min(max(0, x), 6); derivative 1 on (0, 6), 0 elsewhere (0 at both kinks, as PyTorch).
 * ```ts
 * activation("relu6").apply(tf.tensor([-1, 3, 9])).print(); // [0, 3, 6]
 * ```
 */
export const relu6 = registerBuiltin({
  name: "relu6",
  fn: (x) => tf.clipByValue(x, 0, 6),
  derivative: (x) => tf.step(tf.sub(3, tf.abs(tf.sub(x, 3)))),
  info: {
    latex: "f(x) = \\min(\\max(0, x), 6)",
    summary: "ReLU capped at 6, robust under low-precision arithmetic (MobileNet).",
    family: "relu",
    reference: "Krizhevsky 2010; Howard et al. 2017 (MobileNets)",
  },
  kinks: () => [0, 6],
});
