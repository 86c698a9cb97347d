import { test } from "node:test";
import assert from "node:assert/strict";
import { tf } from "../tf";
import { useBackend } from "../backend";
import { wasmView } from "./wasm-view";

test("wasmView: on wasm, the tensor's own values in place; elsewhere undefined", async () => {
  await useBackend("wasm");
  const before = tf.memory().numTensors;
  const t = tf.tidy(() => tf.mul(tf.range(0, 1000, 1, "float32"), 0.5).reshape([10, 100]));
  const view = wasmView(t);
  assert.ok(view, "a view on wasm");
  assert.equal(view.length, 1000);
  assert.deepEqual(Array.from(view), Array.from(t.dataSync()));
  // In place: the view reads the module's memory, so it sees what an op writes there next.
  const copy = t.dataSync();
  assert.notEqual(view.buffer, copy.buffer);
  const ints = tf.tensor1d([1, 2], "int32");
  assert.equal(wasmView(ints), undefined, "float32 only");
  ints.dispose();
  t.dispose();
  assert.equal(wasmView(t), undefined, "not for a disposed tensor");
  assert.equal(tf.memory().numTensors, before);
  await useBackend("cpu");
  const c = tf.tensor1d([1, 2, 3]);
  assert.equal(wasmView(c), undefined, "cpu reads its values the usual way");
  c.dispose();
  await useBackend("wasm");
});

test("gradientFlow gives the same statistics with views and with copied read-backs", async () => {
  await useBackend("wasm");
  const { gradientFlow } = await import("./gradient-flow");
  const module = await import("./wasm-view");
  const opts = { activations: ["tanh", "relu"], depth: 4, width: 16, batch: 8, seed: 3 };
  const withViews = await gradientFlow(opts);
  const original = module.wasmView;
  let copies = 0;
  (module as { wasmView: typeof wasmView }).wasmView = () => {
    copies++;
    return undefined;
  };
  try {
    const withCopies = await gradientFlow(opts);
    assert.ok(copies > 0, "the second run took the copying path");
    assert.deepEqual(withViews.runs, withCopies.runs);
  } finally {
    (module as { wasmView: typeof wasmView }).wasmView = original;
  }
});
