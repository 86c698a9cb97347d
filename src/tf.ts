/**
 * The one TensorFlow.js instance the library computes with. Users and tests import
 * it from here (or as `al.tf`) so that tensors, backends and memory counters are shared.
 */
import * as tf from "@tensorflow/tfjs";

// Production mode: tfjs otherwise prints a banner advising tfjs-node the first time the CPU
// backend runs; the backend chain already reports what it chose and why.
tf.env().set("PROD", true);

export { tf };
export type Tensor = tf.Tensor;

/**
 * Whether TensorFlow (tfjs-node, CPU or CUDA) computes now: there every op is a native call,
 * so forms and layouts are chosen by their count of ops (activations/per-backend.ts).
 */
export function onTensorflow(): boolean {
  return tf.getBackend() === "tensorflow";
}
