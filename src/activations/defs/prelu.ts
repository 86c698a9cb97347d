import { registerBuiltin } from "../registry";
import { leakyDerivative, leakyFn } from "./leaky_relu";

/**
 * prelu(x) = x if x ≥ 0 else αx with α = 0.25, the slope learnt during training (experiments train α).
 * ```ts
 * activation("prelu").apply(tf.tensor([-2, 3])).print(); // [-0.5, 3]
 * ```
 */
export const prelu = registerBuiltin({
  name: "prelu",
  params: [{ name: "alpha", default: 0.25, min: -1, max: 1, slider: [-0.5, 1], doc: "learnable slope for x < 0" }],
  fn: leakyFn,
  derivative: leakyDerivative,
  info: {
    latex: "f(x) = \\begin{cases} x & x \\ge 0 \\\\ a x & x < 0 \\end{cases},\\ a \\text{ learnt}",
    summary: "Leaky ReLU whose negative slope is a trained parameter.",
    family: "relu",
    reference: "He, Zhang, Ren & Sun 2015 (Delving Deep into Rectifiers)",
  },
  kinks: () => [0],
});
