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

/**
 * x > 0 as a boolean mask that autodiff can pass through. tfjs has no gradient for Greater or
 * Less, so `tf.where(tf.greater(x, 0), …)` inside a function breaks `tf.grad`; Step's gradient
 * is zero, which is what a mask needs.
 */
export function isPositive(x: Tensor): Tensor {
  return tf.cast(tf.step(x), "bool");
}

/** x < 0 as an autodiff-safe boolean mask (see isPositive). */
export function isNegative(x: Tensor): Tensor {
  return tf.cast(tf.step(tf.neg(x)), "bool");
}
