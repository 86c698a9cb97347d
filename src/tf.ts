/**
 * The one TensorFlow.js instance the library computes with. Users and tests import
 * it from here (or as `al.tf`) so that tensors, backends and memory counters are shared.
 */
import * as tf from "@tensorflow/tfjs";

export { tf };
export type Tensor = tf.Tensor;
