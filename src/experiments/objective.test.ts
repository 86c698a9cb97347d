/** The logit gradients of every output/loss pairing against tf.grad of the loss itself. */
import { test } from "node:test";
import assert from "node:assert/strict";
import { tf, type Tensor } from "../tf";
import { useBackend } from "../backend";
import { logitGradient, lossValue, predict, resolveOutput, targets } from "./objective";

process.env.ACTIVATION_LAB_QUIET = "1";

const PAIRINGS: { output: string; loss: "cross_entropy" | "mse"; classes: number; task: "classification" | "regression" }[] = [
  { output: "softmax", loss: "cross_entropy", classes: 3, task: "classification" },
  { output: "softmax", loss: "mse", classes: 3, task: "classification" },
  { output: "sigmoid", loss: "cross_entropy", classes: 2, task: "classification" },
  { output: "sigmoid", loss: "mse", classes: 2, task: "classification" },
  { output: "tanh", loss: "mse", classes: 3, task: "classification" },
  { output: "linear", loss: "mse", classes: 1, task: "regression" },
];

test("logit gradients equal tf.grad of the loss for every pairing", async () => {
  await useBackend("wasm");
  const before = tf.memory().numTensors;
  for (const pair of PAIRINGS) {
    const out = resolveOutput("test", pair.task, pair.classes, pair.output, pair.loss);
    const labels = pair.task === "regression" ? Float32Array.from([0.3, -1.2, 2, 0.1]) : Float32Array.from([0, 1, pair.classes - 1, 1]);
    const [mine, auto] = tf.tidy(() => {
      const logits = tf.tensor2d(Float32Array.from({ length: 4 * out.units }, (_, i) => Math.sin(i * 1.7) * 2), [4, out.units]);
      const y = targets(out, labels, pair.task);
      const reference = tf.grad((z: Tensor) => lossValue(out, predict(out, z), y))(logits);
      return [logitGradient(out, logits, predict(out, logits), y).dataSync(), reference.dataSync()];
    });
    mine.forEach((v, i) => assert.ok(Math.abs(v - auto[i]) < 1e-5, `${pair.output}+${pair.loss} [${i}]: ${v} vs ${auto[i]}`));
  }
  assert.equal(tf.memory().numTensors, before);
});

test("binary cross-entropy with sigmoid is log(2) at p = ½ (a published constant)", async () => {
  await useBackend("wasm");
  const out = resolveOutput("test", "classification", 2, "sigmoid", "cross_entropy");
  const value = tf.tidy(() => lossValue(out, tf.fill([4, 1], 0.5), targets(out, Float32Array.from([0, 1, 1, 0]), "classification")).dataSync()[0]);
  assert.ok(Math.abs(value - Math.LN2) < 1e-6);
});
