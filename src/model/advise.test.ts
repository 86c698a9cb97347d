/**
 * advise: the ranking rule on constructed cases (worse outside the interval, indistinguishable
 * but slower, unhealthy gradients), the output/loss check, and a real run on the digits with
 * every candidate trained on the same seeds.
 */
import { before, test } from "node:test";
import assert from "node:assert/strict";
import { tf } from "../tf";
import { useBackend } from "../backend";
import { DISPLAY } from "../live";
import { interruptAtStep } from "../../test/support/live-host";
import { datasets } from "../datasets";
import { summarize } from "../evidence/summary";
import { advise, checkOutputLoss, rank } from "./advise";
import type { ModelRunResult } from "./train";

process.env.ACTIVATION_LAB_QUIET = "1";
before(() => useBackend("wasm"));

/** A constructed candidate; per-seed step times as given, or spread ±2 % around one value. */
function candidate(activation: string, values: number[], ms: number | number[], verdict: "healthy" | "vanishing" = "healthy", stuck = 0) {
  const msPerSeed = Array.isArray(ms) ? ms : [ms * 0.98, ms, ms * 1.02];
  const msPerStep = msPerSeed[1];
  return { activation, init: "he" as const, values, summary: summarize(values), verdict, ratio: verdict === "healthy" ? 1 : 1e-5, stuck, dead: 0, msPerStep, msPerSeed, run: {} as ModelRunResult };
}

test("ranking: best mean first; among those the seeds cannot tell from the best, a measurably faster one is recommended; each loser says why", () => {
  const ranked = rank(
    [
      candidate("gelu", [0.95, 0.96, 0.97], 3),
      candidate("relu", [0.951, 0.958, 0.972], 1), // paired difference to gelu holds 0; measurably faster
      candidate("swish", [0.95, 0.962, 0.965], [1.02, 1, 0.98]), // a tie with relu: per-seed times on both sides of relu's
      candidate("tanh", [0.9, 0.91, 0.92], 0.5), // 0.05 below on every seed: worse
      candidate("sigmoid", [0.99, 0.99, 0.99], 0.5, "vanishing"), // best mean, but its gradients vanish
      candidate("selu", [0.97, 0.96, 0.98], 2, "healthy", 0.8), // most units stuck
    ],
    true,
  );
  assert.deepEqual(ranked.map((c) => c.activation), ["sigmoid", "selu", "relu", "gelu", "swish", "tanh"]);
  assert.deepEqual(ranked.map((c) => c.rank), [1, 2, 3, 4, 5, 6]);
  const by = (name: string) => ranked.find((c) => c.activation === name)!;
  assert.equal(by("relu").outcome, "recommended");
  assert.equal(by("relu").reason, null);
  assert.equal(by("gelu").outcome, "indistinguishable but slower");
  assert.match(by("gelu").reason as string, /indistinguishable from relu .* includes 0\) but slower: 3 vs 1 ms per step/);
  assert.equal(by("swish").outcome, "indistinguishable");
  assert.match(by("swish").reason as string, /not measurably faster or slower .*: a tie/);
  assert.equal(by("tanh").outcome, "worse");
  assert.match(by("tanh").reason as string, /worse than relu: 0\.91 vs 0\.9603, difference -0\.0503.* excludes 0/);
  assert.equal(by("sigmoid").outcome, "unhealthy gradients");
  assert.match(by("sigmoid").reason as string, /vanishing at init/);
  assert.match(by("selu").reason as string, /80% of a hidden layer's units stuck/);
  // Without a measurably faster tie, the best mean is recommended.
  const even = rank([candidate("a", [0.9, 0.91, 0.92], 1), candidate("b", [0.89, 0.915, 0.91], [1.02, 1, 0.98])], true);
  assert.equal(even[0].outcome, "recommended");
  assert.equal(even[1].outcome, "indistinguishable");
  // Lower is better for a loss: the ordering flips.
  const losses = rank([candidate("a", [0.3, 0.31, 0.32], 1), candidate("b", [0.1, 0.11, 0.12], 1)], false);
  assert.equal(losses[0].activation, "b");
  assert.equal(losses[0].outcome, "recommended");
  assert.equal(losses[1].outcome, "worse");
});

test("output check: the output activation must give what the loss expects", () => {
  const model = (output: string, units: number) => tf.sequential({ layers: [tf.layers.dense({ inputShape: [4], units: 8, activation: "relu" }), tf.layers.dense({ units, activation: output as never })] });
  const cases: [string, number, string, boolean, RegExp][] = [
    ["softmax", 3, "categoricalCrossentropy", true, /p − y/],
    ["linear", 3, "categoricalCrossentropy", false, /expects class probabilities, but the output layer applies linear; use softmax/],
    ["sigmoid", 1, "binaryCrossentropy", true, /p − y/],
    ["tanh", 1, "binaryCrossentropy", false, /use sigmoid/],
    ["sigmoid", 3, "meanSquaredError", false, /saturated output passes back almost no gradient/],
    ["linear", 1, "meanSquaredError", true, /regression/],
  ];
  for (const [output, units, loss, ok, message] of cases) {
    const m = model(output, units);
    const check = checkOutputLoss(m, loss as never);
    assert.equal(check.ok, ok, `${output} + ${loss}`);
    assert.match(check.message, message);
    m.dispose();
  }
});

test("on the digits: every candidate over three seeds, ranked with intervals, one recommendation, no leaks", async () => {
  const model = tf.sequential({
    name: "mlp",
    layers: [tf.layers.dense({ inputShape: [64], units: 24, activation: "relu" }), tf.layers.dense({ units: 10, activation: "softmax" })],
  });
  model.compile({ optimizer: "adam", loss: "categoricalCrossentropy" });
  const before = tf.memory().numTensors;
  const advice = await advise(model, datasets.digits({ normalize: true }), { candidates: ["relu", "tanh", "sigmoid"], epochs: 3 });
  assert.equal(tf.memory().numTensors, before);
  assert.equal(advice.candidates.length, 3);
  assert.equal(advice.candidates.filter((c) => c.outcome === "recommended").length, 1);
  for (const c of advice.candidates) {
    assert.equal(c.values.length, 3);
    assert.deepEqual(c.summary, summarize(c.values));
    assert.deepEqual(c.run.seeds, [0, 1, 2]);
    assert.ok(c.values.every((v) => v > 0.5 && v <= 1), `${c.activation}: ${c.values}`);
    assert.ok(c.msPerStep > 0);
  }
  const means = advice.candidates.map((c) => c.summary.mean);
  assert.deepEqual(means, means.slice().sort((a, b) => b - a), "best mean first");
  assert.equal(advice.output.ok, true);
  assert.match(advice.summary(), /^Recommended: \w+ \(validation accuracy/);
  const [chart, table] = await advice[DISPLAY]();
  assert.ok(chart["application/vnd.vegalite.v5+json"], "a chart output");
  assert.match(String(table["text/html"]), /ms per step.*Recommended: /s);
  model.dispose();
});

test("an interrupt gives a partial answer, marked as such", async () => {
  const model = tf.sequential({ layers: [tf.layers.dense({ inputShape: [64], units: 16, activation: "relu" }), tf.layers.dense({ units: 10, activation: "softmax" })] });
  model.compile({ optimizer: "adam", loss: "categoricalCrossentropy" });
  try {
    // 3 epochs × 3 seeds per candidate: step 16 is the second candidate's third seed
    const { result: advice } = await interruptAtStep(16, () => advise(model, datasets.digits({ normalize: true }), { candidates: ["relu", "elu", "tanh"], epochs: 3 }));
    assert.equal(advice.interrupted, true);
    assert.deepEqual(advice.candidates.map((c) => c.activation), ["relu"]);
    assert.deepEqual(advice.options.missing, ["elu", "tanh"]);
    assert.match(advice.summary(), /^PARTIAL ANSWER \(interrupted; not evaluated: elu, tanh\)/);
    assert.match(advice.toString(), /INTERRUPTED, partial answer/);
  } finally {
    model.dispose();
  }
});

test("a list of layers is stacked into a model; the loss is read off its softmax output", async () => {
  const layers = [tf.layers.dense({ inputShape: [64], units: 12, activation: "relu" }), tf.layers.dense({ units: 10, activation: "softmax" })];
  const advice = await advise(layers, datasets.digits({ normalize: true }), { candidates: ["relu", "tanh"], epochs: 1 });
  assert.equal(advice.output.loss, "categoricalCrossentropy");
  assert.equal(advice.options.metric, "validation accuracy");
  assert.deepEqual(advice.candidates.map((c) => c.activation).sort(), ["relu", "tanh"]);
});

test("a recurrent model: the cell activation is what the candidates replace; dead and stuck units say 'not measured', not 0 %", async () => {
  const model = tf.sequential({ layers: [tf.layers.lstm({ inputShape: [5, 3], units: 6, name: "lstm" }), tf.layers.dense({ units: 3, activation: "softmax", name: "out" })] });
  model.compile({ optimizer: "adam", loss: "categoricalCrossentropy" });
  const x = tf.randomNormal([90, 5, 3], 0, 1, "float32", 1);
  const y = tf.tidy(() => tf.oneHot(tf.argMax(tf.sum(x, 1), 1), 3).toFloat());
  try {
    const advice = await advise(model, { x, y }, { candidates: ["tanh", "relu"], epochs: 1 });
    assert.deepEqual(advice.candidates.map((c) => c.activation).sort(), ["relu", "tanh"]);
    for (const c of advice.candidates) {
      assert.equal(c.stuck, null);
      assert.equal(c.dead, null);
    }
    assert.match(advice.toString(), /not measured \(recurrent\)/);
  } finally {
    [model, x, y].forEach((t) => t.dispose());
  }
});
