import { tf, type Tensor } from "../tf";

/**
 * softmax(x)_i = e^(x_i − max x) / Σ_j e^(x_j − max x) along `axis` (default: last). Vector-valued,
 * so it is offered for output layers rather than as a curve.
 * ```ts
 * softmax(tf.tensor([1, 2, 3])).print(); // [0.0900, 0.2447, 0.6652]
 * ```
 */
export function softmax(x: Tensor, axis = -1): Tensor {
  if (!Number.isInteger(axis) || axis < -x.rank || axis >= Math.max(1, x.rank)) {
    throw new RangeError(`softmax: axis ${axis} is out of range for a rank-${x.rank} tensor; valid: ${-x.rank}..${x.rank - 1}`);
  }
  return tf.tidy(() => {
    const shifted = tf.sub(x, tf.max(x, axis, true));
    const e = tf.exp(shifted);
    return tf.div(e, tf.sum(e, axis, true));
  });
}
