/**
 * Output layers and losses: the gradient of the loss w.r.t. the logits, written out for
 * each pairing. Matched pairs (softmax + cross-entropy, sigmoid + binary cross-entropy)
 * reduce to (p − y)/batch; every other pairing goes through the output activation's
 * derivative, which is where a saturated sigmoid under MSE loses its gradient (C21).
 */
import { tf, type Tensor } from "../tf";
import { activation, softmax, type Activation, type ActivationLike } from "../activations";

export const LOSS_CHOICES = ["auto", "cross_entropy", "mse"] as const;
export type LossChoice = (typeof LOSS_CHOICES)[number];
export type LossName = "cross_entropy" | "mse";

/** Keeps log() finite when a probability rounds to 0 or 1 (Keras clips the same way). */
export const PROBABILITY_EPSILON = 1e-7;

export interface OutputLayer {
  /** "softmax" or an element-wise activation (sigmoid, linear, tanh, ...). */
  kind: "softmax" | "elementwise";
  /** The element-wise activation; undefined for softmax. */
  act?: Activation;
  label: string;
  loss: LossName;
  /** Output units: classes for softmax, 1 for a sigmoid on two classes, 1 for regression. */
  units: number;
}

export function resolveOutput(fn: string, task: "classification" | "regression", classes: number, output: ActivationLike | "softmax" | "auto", loss: LossChoice): OutputLayer {
  const name = output === "auto" ? (task === "classification" ? "softmax" : "linear") : output;
  const lossName: LossName = loss === "auto" ? (task === "classification" ? "cross_entropy" : "mse") : loss;
  if (name === "softmax") {
    if (task === "regression") throw new RangeError(`${fn}: outputActivation "softmax" needs a classification dataset; for regression use "linear" (or "tanh" for bounded targets)`);
    return { kind: "softmax", label: "softmax", loss: lossName, units: classes };
  }
  let act: Activation;
  try {
    act = activation(name as ActivationLike);
  } catch (e) {
    throw new RangeError(`${fn}: outputActivation: ${(e as Error).message}, or "softmax"`);
  }
  if (lossName === "cross_entropy") {
    if (act.name !== "sigmoid" || task !== "classification" || classes !== 2) {
      throw new RangeError(`${fn}: loss "cross_entropy" needs probabilities: outputActivation "softmax", or "sigmoid" on a two-class dataset; got outputActivation "${act.label}" — use loss "mse" for other outputs`);
    }
  }
  // A sigmoid on two classes gives one probability; any other element-wise output gives one unit per class (one-hot targets).
  const units = task === "regression" ? 1 : act.name === "sigmoid" && classes === 2 ? 1 : classes;
  return { kind: "elementwise", act, label: act.label, loss: lossName, units };
}

/** Targets shaped like the output: one-hot classes, a 0/1 column, or the regression values. */
export function targets(out: OutputLayer, y: Float32Array, task: "classification" | "regression"): Tensor {
  if (task === "regression" || out.units === 1) return tf.tensor2d(y, [y.length, 1]);
  return tf.tidy(() => tf.cast(tf.oneHot(tf.tensor1d(y, "int32"), out.units), "float32"));
}

export function predict(out: OutputLayer, logits: Tensor): Tensor {
  return out.kind === "softmax" ? softmax(logits) : (out.act as Activation).apply(logits);
}

/** Mean loss over the batch (MSE: mean over batch and outputs, as Keras and PyTorch). */
export function lossValue(out: OutputLayer, p: Tensor, y: Tensor): Tensor {
  return tf.tidy(() => {
    if (out.loss === "mse") return tf.mean(tf.square(tf.sub(p, y)));
    const q = tf.clipByValue(p, PROBABILITY_EPSILON, 1 - PROBABILITY_EPSILON);
    if (out.kind === "softmax") return tf.neg(tf.mean(tf.sum(tf.mul(y, tf.log(q)), 1)));
    const bce = tf.add(tf.mul(y, tf.log(q)), tf.mul(tf.sub(1, y), tf.log(tf.sub(1, q))));
    return tf.neg(tf.mean(bce));
  });
}

/** ∂(mean loss)/∂logits. Call inside tf.tidy. */
export function logitGradient(out: OutputLayer, logits: Tensor, p: Tensor, y: Tensor): Tensor {
  const batch = logits.shape[0];
  if (out.loss === "cross_entropy") return tf.div(tf.sub(p, y), batch);
  const dp = tf.div(tf.mul(2, tf.sub(p, y)), p.size);
  if (out.kind === "softmax") {
    // Softmax Jacobian-vector product: p ⊙ (g − Σ g·p).
    return tf.mul(p, tf.sub(dp, tf.sum(tf.mul(dp, p), 1, true)));
  }
  return tf.mul(dp, (out.act as Activation).derivative(logits));
}

/** Share of examples classified right (argmax, or p ≥ ½ for one sigmoid unit); null for regression. */
export async function accuracyOf(out: OutputLayer, p: Tensor, labels: Float32Array, task: "classification" | "regression"): Promise<number | null> {
  if (task === "regression") return null;
  const predicted = tf.tidy(() => (out.units === 1 ? tf.greaterEqual(p, 0.5).reshape([-1]).toInt() : tf.argMax(p, 1)));
  // Asynchronous read: the only kind webgpu allows in Node.
  const values = await predicted.data();
  predicted.dispose();
  let right = 0;
  for (let i = 0; i < labels.length; i++) if (values[i] === labels[i]) right++;
  return right / labels.length;
}
