/**
 * train: learns the toy problems, reproduces dying ReLU, records what it promises, and is
 * deterministic, interruptible and leak-free.
 */
import { before, test } from "node:test";
import assert from "node:assert/strict";
import { tf } from "../tf";
import { useBackend } from "../backend";
import { DISPLAY } from "../live";
import { interruptAtStep } from "../../test/support/live-host";
import { train, type TrainingRun } from "./train";
import { Optimizer } from "./optimizer";

process.env.ACTIVATION_LAB_QUIET = "1";
before(() => useBackend("wasm"));

test("dying ReLU: a high learning rate kills > 30% of a layer's ReLU units; leaky ReLU keeps them", async () => {
  const high = await train({ activations: ["relu", "leaky_relu"], dataset: "spiral", optimizer: "adam", lr: 0.1, epochs: 30, seed: 2 });
  const relu = high.run("relu");
  const leaky = high.run("leaky_relu");
  assert.ok(relu.final.maxDeadFraction > 0.3, `relu dead ${relu.final.maxDeadFraction}`);
  assert.ok(leaky.final.maxDeadFraction < 0.05, `leaky_relu dead ${leaky.final.maxDeadFraction}`);
  // At the start no first-layer unit is dead: zero biases and inputs on both sides of every
  // hyperplane. (Deeper layers see non-negative inputs, so a few start dead.)
  assert.equal(relu.steps[0].dead[0], 0);
  assert.ok(relu.final.maxDeadFraction > Math.max(...relu.steps[0].dead) + 0.2, "training killed units");
  const low = await train({ activations: ["relu"], dataset: "spiral", optimizer: "adam", lr: 0.005, epochs: 30, seed: 2 });
  assert.ok(low.runs[0].final.maxDeadFraction < relu.final.maxDeadFraction, "a lower learning rate kills fewer units");
});

test("learns the toy problems", async () => {
  // 300 points, a quarter held out: 225 to train on.
  const spiral = await train({ activations: ["relu", "tanh"], dataset: "spiral", epochs: 80 });
  for (const r of spiral.runs) {
    assert.ok((r.final.accuracy ?? 0) > 0.9, `${r.activation} spiral accuracy ${r.final.accuracy}`);
    assert.ok((r.final.valAccuracy ?? 0) > 0.85, `${r.activation} spiral validation accuracy ${r.final.valAccuracy}`);
    assert.ok(r.history[r.history.length - 1].loss < r.steps[0].loss / 5, `${r.activation} loss fell`);
  }
  const sine = await train({ activations: ["tanh"], dataset: "sine", epochs: 60, n: 200 });
  const run = sine.runs[0];
  assert.equal(sine.options.outputActivation, "linear");
  assert.equal(sine.options.loss, "mse");
  assert.equal(run.final.accuracy, null);
  // Var(sin x) for x uniform on [-π, π] is ½: the fit must explain far more than a constant would.
  assert.ok(run.final.loss < 0.05, `sine mse ${run.final.loss}`);
  assert.ok((run.final.valLoss ?? 1) < 0.05, `sine validation mse ${run.final.valLoss}`);
  assert.equal(run.final.valAccuracy, null);
});

test("recorded steps: epochs, dead units per hidden layer, gradient stats per layer, deterministic per seed", async () => {
  const opts = { activations: ["relu"], dataset: "moons" as const, depth: 2, width: 8, epochs: 6, recordEvery: 2, n: 60, bins: 7, seed: 5 };
  const a = await train(opts);
  const r = a.runs[0];
  assert.deepEqual(r.history.map((h) => h.epoch), [1, 2, 3, 4, 5, 6]);
  assert.deepEqual(r.steps.map((x) => x.epoch), [0, 2, 4, 6]);
  // 60 examples in batches of 32: 2 steps per epoch.
  assert.deepEqual(r.steps.map((x) => x.step), [0, 4, 8, 12]);
  for (const rec of r.steps) {
    assert.equal(rec.dead.length, 2);
    assert.deepEqual(rec.layers.map((l) => l.layer), [1, 2, 3]);
    // Weight counts: 2×8, 8×8, 8×2 (softmax over the two moons).
    assert.deepEqual(rec.layers.map((l) => l.grad.histogram.counts.reduce((s, c) => s + c, 0)), [16, 64, 16]);
  }
  assert.equal(r.history[5].loss, r.steps[3].loss, "the last record is the last epoch's state");
  const b = await train(opts);
  assert.deepEqual(b.runs, a.runs);
  const c = await train({ ...opts, seed: 6 });
  assert.notEqual(c.runs[0].final.loss, r.final.loss);
});

test("PReLU learns its slope (one per hidden layer, starting from the activation's alpha)", async () => {
  const run = await train({ activations: [{ name: "prelu", params: { alpha: 0.25 } }, "relu"], dataset: "spiral", epochs: 20, lr: 0.02, recordEvery: 10 });
  const prelu = run.runs[0];
  assert.deepEqual(prelu.steps[0].alpha, [0.25, 0.25, 0.25]);
  const learnt = prelu.steps[prelu.steps.length - 1].alpha ?? [];
  assert.equal(learnt.length, 3);
  assert.ok(learnt.some((a) => Math.abs(a - 0.25) > 0.01), `slopes moved: ${learnt}`);
  assert.equal(run.runs[1].steps[0].alpha, undefined, "other activations have no slope to learn");
});

test("bad options name the option, the value and the valid choices", async () => {
  await assert.rejects(train({ dataset: "iris" as never }), /train: dataset must be one of "spiral", "moons", "circles", "xor", "sine", got "iris"/);
  await assert.rejects(train({ optimizer: "rmsprop" as never }), /optimizer must be one of "sgd", "adam"/);
  await assert.rejects(train({ lr: -1 }), /lr must be a finite number in \(0, 100\], got -1/);
  await assert.rejects(train({ dataset: "sine", outputActivation: "softmax" }), /softmax" needs a classification dataset/);
  await assert.rejects(train({ outputActivation: "tanh", loss: "cross_entropy" }), /cross_entropy" needs probabilities/);
  await assert.rejects(train({ outputActivation: "sigmoidd" }), /outputActivation: unknown activation "sigmoidd".*or "softmax"/);
  await assert.rejects(train({ epoch: 3 } as never), /unknown option "epoch"; valid options: .*epochs/);
  await assert.rejects(train({ norm: "batch", batch: 1 }), /norm "batch" needs batch ≥ 2/);
});

test("an interrupt stops training within 1 s and keeps the partial run", async () => {
  const { result: run, askedAt } = await interruptAtStep(3, () => train({ activations: ["relu", "tanh"], epochs: 5000, n: 200 }));
  assert.ok(Date.now() - askedAt < 1000, `stopped ${Date.now() - askedAt} ms after the request`);
  assert.equal(run.interrupted, true);
  assert.equal(run.runs.length, 1);
  const r = run.runs[0];
  assert.ok(r.history.length >= 3 && r.history.length < 5000);
  // The partial run ends with a record of where it stopped, possibly mid-epoch.
  const stoppedAt = r.steps[r.steps.length - 1].epoch;
  assert.ok(stoppedAt >= r.history.length && stoppedAt <= r.history.length + 1, `stopped at epoch ${stoppedAt} after ${r.history.length} full epochs`);
});

test("optimizers: SGD steps by lr·g; Adam's first step is lr·sign(g)", () => {
  const before = tf.memory().numTensors;
  const p = tf.tensor1d([1, -2, 3]);
  const g = tf.tensor1d([0.5, -4, 1e-3]);
  const sgd = new Optimizer("sgd", 0.1);
  const [s] = sgd.apply([p], [g]);
  assert.deepEqual(Array.from(s.dataSync()).map((v) => +v.toFixed(6)), [0.95, -1.6, 2.9999]);
  sgd.dispose();
  const adam = new Optimizer("adam", 0.1);
  const [a] = adam.apply([p], [g]);
  // m̂ = g and v̂ = g² after one step, so the update is g/(|g| + ε) ≈ sign(g).
  const expected = [0.9, -1.9, 2.9];
  Array.from(a.dataSync()).forEach((v, i) => assert.ok(Math.abs(v - expected[i]) < 1e-5, `${v} vs ${expected[i]}`));
  adam.dispose();
  tf.dispose([p, g, s, a]);
  assert.equal(tf.memory().numTensors, before);
});

test("no tensors leak across 100 training runs", async () => {
  await train({ activations: ["relu"], epochs: 1, n: 16, depth: 1, width: 4 });
  const before = tf.memory().numTensors;
  for (let i = 0; i < 100; i++) {
    await train({ activations: ["relu"], epochs: 2, n: 16, depth: 2, width: 4, batch: 8, norm: i % 3 === 0 ? "batch" : "none", optimizer: i % 2 ? "sgd" : "adam", dataset: i % 4 === 0 ? "sine" : "xor", seed: i });
  }
  assert.equal(tf.memory().numTensors, before);
});

test("displays training and validation curves beside dead and stuck units (vega-lite v5 and SVG), then the table (HTML and text)", async () => {
  const run = await train({ activations: ["relu", "elu"], epochs: 4, n: 40, recordEvery: 2 });
  const [bundle, table] = await run[DISPLAY]();
  assert.deepEqual(Object.keys(bundle).sort(), ["application/vnd.vegalite.v5+json", "image/svg+xml", "text/plain"]);
  assert.deepEqual(Object.keys(table).sort(), ["text/html", "text/plain"]);
  const spec = bundle["application/vnd.vegalite.v5+json"] as { $schema: string; hconcat: { data: { values: unknown[] }; layer?: unknown[] }[] };
  assert.match(spec.$schema, /vega-lite\/v5/);
  assert.equal(spec.hconcat.length, 3, "loss, accuracy, unit health");
  assert.equal(spec.hconcat[0].data.values.length, 2 * 4 * 2, "one loss point per activation, epoch and train/validation");
  assert.equal(spec.hconcat[0].layer?.length, 1, "one seed: a line, no band");
  assert.equal(spec.hconcat[2].data.values.length, 2 * 3 * 3 * 2, "dead and stuck share per activation, record and layer");
  assert.match(String(bundle["image/svg+xml"]), /^<svg/);
  assert.match(String(table["text/html"]), /<table>.*relu.*elu/s);
  assert.match(String(table["text/plain"]), /Training on spiral/);
});

// Notebooks name the result type as `Awaited<ReturnType<typeof al.train>>`; TypeScript reads the
// last overload there, which must stay the built-in TrainingRun (a wrong order fails to compile).
type InferredRun = Awaited<ReturnType<typeof train>>;
const builtInLast: InferredRun extends TrainingRun ? (TrainingRun extends InferredRun ? true : false) : false = true;

test("ReturnType<typeof train> is the built-in TrainingRun", () => {
  assert.equal(builtInLast, true);
});
