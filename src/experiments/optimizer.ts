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

  constructor(
    readonly name: OptimizerName,
    readonly lr: number,
  ) {}

  /** New values for `params` given their gradients (same order). */
  apply(params: Tensor[], grads: Tensor[]): Tensor[] {
    if (this.name === "sgd") return tf.tidy(() => params.map((p, i) => tf.sub(p, tf.mul(grads[i], this.lr))));
    this.step++;
    if (this.m.length === 0) {
      this.m = params.map((p) => tf.zerosLike(p));
      this.v = params.map((p) => tf.zerosLike(p));
    }
    const correction1 = 1 - BETA1 ** this.step;
    const correction2 = 1 - BETA2 ** this.step;
    const next = tf.tidy(() =>
      params.map((p, i) => {
        const m = tf.add(tf.mul(this.m[i], BETA1), tf.mul(grads[i], 1 - BETA1));
        const v = tf.add(tf.mul(this.v[i], BETA2), tf.mul(tf.square(grads[i]), 1 - BETA2));
        const update = tf.div(tf.div(m, correction1), tf.add(tf.sqrt(tf.div(v, correction2)), ADAM_EPSILON));
        return [tf.sub(p, tf.mul(update, this.lr)), m, v];
      }),
    );
    tf.dispose([...this.m, ...this.v]);
    this.m = next.map((t) => t[1]);
    this.v = next.map((t) => t[2]);
    return next.map((t) => t[0]);
  }

  dispose(): void {
    tf.dispose([...this.m, ...this.v]);
    this.m = [];
    this.v = [];
  }
}
