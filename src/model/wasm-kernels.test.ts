/** The wasm Conv2DBackpropFilter equals the cpu backend's kernel (strides, padding, channels). */
import { test } from "node:test";
import { spawnSync } from "node:child_process";
import * as path from "node:path";
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

test("importing the library is enough for a Conv2D model's own fit on wasm", () => {
  // A fresh process: nothing but the import has run there.
  const script = `
    process.env.ACTIVATION_LAB_QUIET = "1";
    const al = require(${JSON.stringify(path.resolve(__dirname, "..", "index.js"))});
    const { tf } = al;
    (async () => {
      await al.useBackend("wasm");
      const m = tf.sequential({ layers: [tf.layers.conv2d({ inputShape: [6, 6, 1], filters: 2, kernelSize: 3, activation: "relu" }), tf.layers.flatten(), tf.layers.dense({ units: 1 })] });
      m.compile({ optimizer: "sgd", loss: "meanSquaredError" });
      const h = await m.fit(tf.randomNormal([8, 6, 6, 1], 0, 1, "float32", 7), tf.ones([8, 1]), { epochs: 2, batchSize: 8, verbose: 0 });
      console.log(JSON.stringify({ backend: tf.getBackend(), loss: h.history.loss }));
    })().catch((e) => { console.error(e.message); process.exit(1); });`;
  const r = spawnSync(process.execPath, ["-e", script], { encoding: "utf8", timeout: 60_000 });
  assert.equal(r.status, 0, r.stderr);
  const out = JSON.parse(r.stdout.trim().split("\n").pop() as string) as { backend: string; loss: number[] };
  assert.equal(out.backend, "wasm");
  assert.ok(out.loss[1] < out.loss[0], `the filter gradient moved the loss: ${out.loss}`);
});
