/**
 * SGD and Adam over plain tensors (the hand-built gradients feed them directly). Each step
 * returns new tensors; the caller disposes the old ones.
 */
import { tf, type Tensor } from "../tf";

export const OPTIMIZER_CHOICES = ["sgd", "adam"] as const;
export type OptimizerName = (typeof OPTIMIZER_CHOICES)[number];

/** Kingma & Ba 2015 defaults, as tf.train.adam and torch.optim.Adam. */
const BETA1 = 0.9;
const BETA2 = 0.999;
const ADAM_EPSILON = 1e-8;

export class Optimizer {
  private step = 0;
  private m: Tensor[] = [];
  private v: Tensor[] = [];
  /** Constants as tensors, made once: a JS number operand becomes a new tensor on every op. */
  private constants: Tensor[] = [];

  constructor(
    readonly name: OptimizerName,
    readonly lr: number,
  ) {}

  /** New values for `params` given their gradients (same order). */
  apply(params: Tensor[], grads: Tensor[]): Tensor[] {
    if (this.constants.length === 0) {
      this.constants = [BETA1, 1 - BETA1, BETA2, 1 - BETA2, ADAM_EPSILON, this.lr].map((c) => tf.scalar(c));
    }
    const [beta1, oneMinusBeta1, beta2, oneMinusBeta2, epsilon, lr] = this.constants;
    if (this.name === "sgd") return tf.tidy(() => params.map((p, i) => tf.sub(p, tf.mul(grads[i], lr))));
    this.step++;
    // Adam runs on all parameters as one flat vector: a dozen ops per step instead of a dozen
    // per parameter tensor, which matters when the tensors are small and op overhead dominates.
    const sizes = params.map((p) => p.size);
    if (this.m.length === 0) {
      const total = sizes.reduce((a, b) => a + b, 0);
      this.m = [tf.zeros([total])];
      this.v = [tf.zeros([total])];
    }
    // PyTorch's form: p −= (lr / (1 − β₁ᵗ)) · m / (√v / √(1 − β₂ᵗ) + ε).
    const [updated, m, v] = tf.tidy(() => {
      const stepSize = tf.scalar(this.lr / (1 - BETA1 ** this.step));
      const invRootCorrection2 = tf.scalar(1 / Math.sqrt(1 - BETA2 ** this.step));
      const g = tf.concat(grads.map((t) => tf.reshape(t, [-1])));
      const flat = tf.concat(params.map((t) => tf.reshape(t, [-1])));
      const mNext = tf.add(tf.mul(this.m[0], beta1), tf.mul(g, oneMinusBeta1));
      const vNext = tf.add(tf.mul(this.v[0], beta2), tf.mul(tf.square(g), oneMinusBeta2));
      const denominator = tf.add(tf.mul(tf.sqrt(vNext), invRootCorrection2), epsilon);
      const stepped = tf.sub(flat, tf.div(tf.mul(mNext, stepSize), denominator));
      const pieces = tf.split(stepped, sizes);
      return [pieces.map((piece, i) => tf.reshape(piece, params[i].shape)), mNext, vNext] as [Tensor[], Tensor, Tensor];
    });
    tf.dispose([...this.m, ...this.v]);
    this.m = [m];
    this.v = [v];
    return updated;
  }

  dispose(): void {
    tf.dispose([...this.m, ...this.v, ...this.constants]);
    this.m = [];
    this.v = [];
    this.constants = [];
  }
}
