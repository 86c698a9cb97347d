import { tf } from "../../tf";
import { byBackend } from "../per-backend";
import { registerBuiltin } from "../registry";

/**
 * relu(x) = max(0, x); relu'(x) = 1 for x > 0, else 0 (relu'(0) = 0, as PyTorch).
 * ```ts
 * activation("relu").apply(tf.tensor([-1, 2])).print(); // [0, 2]
 * ```
 */
export const relu = registerBuiltin({
  name: "relu",
  fn: (x) => tf.relu(x),
  derivative: byBackend({
    // tfjs-node builds step from six native ops; relu then sign is two (0 stays 0)
    tensorflow: (x) => tf.sign(tf.relu(x)),
    portable: (x) => tf.step(x),
  }),
  info: {
    latex: "f(x) = \\max(0, x)",
    summary: "The default for deep nets: cheap, no saturation for x > 0, but zero gradient for x < 0 (dead units).",
    family: "relu",
    reference: "Nair & Hinton 2010; Glorot, Bordes & Bengio 2011",
  },
  kinks: () => [0],
});
