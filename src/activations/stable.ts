/** Numerically stable building blocks shared by several definitions. */
import { tf, type Tensor } from "../tf";

/** ln(1 + e^x) without overflow: max(x, 0) + ln(1 + e^(−|x|)). */
export function softplusStable(x: Tensor): Tensor {
  return tf.add(tf.relu(x), tf.log1p(tf.exp(tf.neg(tf.abs(x)))));
}

/** e^x on the negative branch only: exp(min(x, 0)), so the unused branch never overflows. */
export function expNegativePart(x: Tensor): Tensor {
  return tf.exp(tf.minimum(x, 0));
}

/** Standard normal density φ(x). */
export function normalPdf(x: Tensor): Tensor {
  return tf.mul(tf.exp(tf.mul(tf.square(x), -0.5)), 1 / Math.sqrt(2 * Math.PI));
}

/** Standard normal CDF Φ(x) = ½(1 + erf(x/√2)). */
export function normalCdf(x: Tensor): Tensor {
  return tf.mul(tf.add(tf.erf(tf.mul(x, Math.SQRT1_2)), 1), 0.5);
}
