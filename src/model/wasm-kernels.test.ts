/** The wasm Conv2DBackpropFilter equals the cpu backend's kernel (strides, padding, channels). */
import { test } from "node:test";
import assert from "node:assert/strict";
import { tf } from "../tf";
import { useBackend } from "../backend";
import { registerWasmConvGradients } from "./wasm-kernels";

process.env.ACTIVATION_LAB_QUIET = "1";

test("∂L/∂filter on wasm matches the cpu kernel within 1e-5 relative", async () => {
  const cases = [
    { x: [2, 8, 8, 1], filter: [3, 3, 1, 4], strides: 1, pad: "valid" },
    { x: [3, 9, 7, 2], filter: [3, 2, 2, 5], strides: 2, pad: "same" },
    { x: [1, 10, 1, 3], filter: [2, 1, 3, 4], strides: 1, pad: "valid" }, // Conv1D runs as a 1-wide Conv2D
  ] as const;
  const run = () =>
    cases.map((c, i) => {
      const x = tf.randomNormal(c.x as unknown as number[], 0, 1, "float32", 10 + i);
      const f = tf.randomNormal(c.filter as unknown as number[], 0, 1, "float32", 20 + i);
      const g = tf.grad((w: tf.Tensor) => tf.sum(tf.square(tf.conv2d(x as tf.Tensor4D, w as tf.Tensor4D, c.strides, c.pad))))(f);
      const values = g.dataSync().slice();
      tf.dispose([x, f, g]);
      return values;
    });
  await useBackend("cpu");
  const reference = run();
  await useBackend("wasm");
  registerWasmConvGradients();
  const before = tf.memory().numTensors;
  const mine = run();
  assert.equal(tf.memory().numTensors, before);
  mine.forEach((values, i) => {
    const scale = Math.max(...reference[i].map(Math.abs));
    const worst = Math.max(...values.map((v, k) => Math.abs(v - reference[i][k])));
    assert.ok(worst / scale < 1e-5, `case ${i}: ${worst / scale}`);
  });
});
