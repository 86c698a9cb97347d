/**
 * train over seeds with held-out rows: determinism per seed, summaries equal to evidence's
 * summarize, validation rows never trained on, stuck ⊇ dead, paired comparisons and ranking.
 */
import { before, test } from "node:test";
import assert from "node:assert/strict";
import { tf, type Tensor } from "../tf";
import { useBackend } from "../backend";
import { DISPLAY } from "../live";
import { interruptAtStep } from "../../test/support/live-host";
import { summarize } from "../evidence/summary";
import { resolveTrainOptions, splitFor, train, trainNetwork, TrainingRun, type TrainingRunResult } from "./train";
import { forward } from "./network";
import { dataDrift } from "./drift";
import { lossValue, predict, targets } from "./objective";
import { METRIC_RANGE, summarizeSeeds, TRAIN_METRICS, type FinalValues } from "./seed-summary";

process.env.ACTIVATION_LAB_QUIET = "1";
before(() => useBackend("wasm"));

const SMALL = { dataset: "moons" as const, n: 80, depth: 2, width: 8, epochs: 4, recordEvery: 2, bins: 5 };

test("seeds: same seeds, same results; each seed's run is the same alone or among others; seeds differ", async () => {
  const a = await train({ ...SMALL, activations: ["relu", "tanh"], seeds: 3, seed: 4 });
  assert.deepEqual(a.options.seeds, [4, 5, 6]);
  assert.deepEqual(a.seedsFinished, [4, 5, 6]);
  const b = await train({ ...SMALL, activations: ["relu", "tanh"], seeds: 3, seed: 4 });
  assert.deepEqual(b.runs, a.runs);
  const alone = await train({ ...SMALL, activations: ["relu", "tanh"], seeds: [5] });
  for (const [j, run] of a.runs.entries()) {
    assert.deepEqual(run.seeds, [4, 5, 6]);
    assert.deepEqual(run.perSeed[0].history, run.history, "history is the first seed's");
    assert.deepEqual(run.perSeed[0].final, run.final);
    assert.deepEqual(run.perSeed[1].history, alone.runs[j].history, "seed 5 among three = seed 5 alone");
    const finals = run.perSeed.map((p) => p.final.valLoss);
    assert.equal(new Set(finals).size, 3, `${run.activation}: three seeds, three validation losses ${finals}`);
  }
});

test("summary is evidence's summarize of the per-seed final values", async () => {
  const run = await train({ ...SMALL, activations: ["relu"], seeds: 4 });
  const r = run.runs[0];
  for (const metric of TRAIN_METRICS) assert.deepEqual(r.summary[metric], summarize(r.perSeed.map((p) => p.final[metric] as number), { within: METRIC_RANGE[metric] }), metric);
  assert.equal(r.summary.valAccuracy?.n, 4);
  const sine = await train({ ...SMALL, dataset: "sine", activations: ["tanh"], seeds: 2 });
  assert.equal(sine.runs[0].summary.accuracy, null, "no accuracy in regression");
  assert.equal(sine.runs[0].summary.valAccuracy, null);
  assert.equal(sine.runs[0].summary.valLoss?.n, 2);
  const none = await train({ ...SMALL, activations: ["relu"], validation: 0 });
  assert.equal(none.runs[0].final.valLoss, null);
  assert.equal(none.runs[0].summary.valLoss, null);
  assert.ok(none.runs[0].history.every((h) => h.valLoss === null && h.valAccuracy === null));
});

/** Loss of a trained network on some rows of the data, computed here from scratch. */
function lossOn(params: Parameters<typeof forward>[0], o: ReturnType<typeof resolveTrainOptions>["o"], data: ReturnType<typeof resolveTrainOptions>["data"], rows: Int32Array, act: Parameters<typeof forward>[2]): number {
  return tf.tidy(() => {
    const x = tf.tensor2d(Float32Array.from(Array.from(rows).flatMap((i) => Array.from(data.x.subarray(i * data.features, (i + 1) * data.features)))), [rows.length, data.features]);
    const y = targets(o.output, Float32Array.from(rows, (i) => data.y[i]), data.task);
    return lossValue(o.output, predict(o.output, forward(params, x, act, o.norm).logits as Tensor), y).dataSync()[0];
  });
}

test("validation rows are never trained on: the held-out loss is on exactly those rows, and changing them changes no weight", async () => {
  const { o, data } = resolveTrainOptions({ ...SMALL, activations: ["relu"], validation: 0.3, seed: 2 });
  const act = o.activations[0];
  const split = splitFor(o, data)!;
  assert.equal(split.validation.length, 24, "round(0.3 · 40) of each moon");
  const first = await trainNetwork(act, o, data, () => undefined, async () => false);
  // Scramble the held-out inputs (labels kept, so the stratified split is the same rows).
  const scrambled = { ...data, x: data.x.slice() };
  for (const i of split.validation) scrambled.x.set([100 + i, -50 - i], i * 2);
  const second = await trainNetwork(act, o, scrambled, () => undefined, async () => false);
  try {
    const weights = (p: typeof first.trained.params) => p.w.map((w) => Array.from(w.dataSync()));
    assert.deepEqual(weights(second.trained.params), weights(first.trained.params), "same weights: held-out rows took no part in training");
    assert.deepEqual(second.trained.run.history.map((h) => h.loss), first.trained.run.history.map((h) => h.loss));
    assert.notEqual(second.trained.run.final.valLoss, first.trained.run.final.valLoss);
    const recomputed = lossOn(first.trained.params, o, data, split.validation, act);
    assert.ok(Math.abs(recomputed - first.trained.run.final.valLoss!) < 1e-6, `validation loss ${first.trained.run.final.valLoss} vs ${recomputed} on the held-out rows`);
    const trainLoss = lossOn(first.trained.params, o, data, split.train, act);
    assert.ok(Math.abs(trainLoss - first.trained.run.final.loss) < 1e-6, `training loss ${first.trained.run.final.loss} vs ${trainLoss} on the training rows`);
  } finally {
    tf.dispose([...first.trained.params.w, ...(first.trained.params.b ?? []), ...second.trained.params.w, ...(second.trained.params.b ?? [])]);
  }
});

test("a class absent from the training rows: training runs, validation counts it wrong or right", async () => {
  // spiral with n 5 and 3 classes: class sizes 2, 2, 1; holding out half takes the lone class-2 row.
  const run = await train({ dataset: "spiral", n: 5, classes: 3, validation: 0.5, activations: ["relu"], depth: 1, width: 4, epochs: 3, batch: 2 });
  const r = run.runs[0];
  assert.ok(Number.isFinite(r.final.loss) && Number.isFinite(r.final.valLoss!), `losses ${r.final.loss}, ${r.final.valLoss}`);
  assert.ok(r.final.valAccuracy !== null && r.final.valAccuracy >= 0 && r.final.valAccuracy <= 1);
});

test("stuck ⊇ dead for relu at every record; leaky_relu has neither", async () => {
  const run = await train({ activations: ["relu", "leaky_relu"], dataset: "spiral", optimizer: "adam", lr: 0.1, epochs: 20, seed: 2, recordEvery: 5 });
  const relu = run.run("relu");
  for (const rec of relu.steps) rec.stuck.forEach((s, l) => assert.ok(s >= rec.dead[l], `epoch ${rec.epoch} layer ${l + 1}: stuck ${s} < dead ${rec.dead[l]}`));
  assert.ok(relu.final.maxStuckFraction >= relu.final.maxDeadFraction && relu.final.maxDeadFraction > 0.2, `relu dead ${relu.final.maxDeadFraction}, stuck ${relu.final.maxStuckFraction}`);
  const leaky = run.run("leaky_relu");
  assert.equal(leaky.final.maxStuckFraction, 0);
  assert.equal(leaky.final.maxDeadFraction, 0);
});

/** A TrainingRun built from given per-seed final values, to check the verdicts on known numbers. */
function fakeRun(values: Record<string, Partial<FinalValues>[]>): TrainingRun {
  const { o } = resolveTrainOptions({ activations: Object.keys(values), seeds: 5 });
  const runs: TrainingRunResult[] = Object.entries(values).map(([activation, perSeed]) => {
    const rows = perSeed.map((v, k) => ({ seed: k, history: [], final: { loss: 0, accuracy: 0, valLoss: 0, valAccuracy: 0, maxDeadFraction: 0, maxStuckFraction: 0, ...v } }));
    return { activation, init: "he", norm: "none", history: [], steps: [], final: rows[0].final, seeds: rows.map((r) => r.seed), perSeed: rows, summary: summarizeSeeds(rows) };
  });
  return new TrainingRun(runs, o, false, 0);
}

test("compare and ranking: paired over seeds, best first, 'indistinguishable' when the interval holds 0", () => {
  const base = [0.9, 0.8, 0.95, 0.85, 0.7];
  // tanh: 0.05 below relu on every seed (paired, so the large seed-to-seed spread cancels);
  // elu: relu ± 0.002, a hair above on average.
  const run = fakeRun({
    relu: base.map((v) => ({ valAccuracy: v, valLoss: 1 - v })),
    tanh: base.map((v, k) => ({ valAccuracy: v - 0.05 + 0.001 * k, valLoss: 1.05 - v })),
    elu: base.map((v, k) => ({ valAccuracy: v + (k % 2 ? -0.002 : 0.003), valLoss: 1 - v + (k % 2 ? 0.002 : -0.003) })),
  });
  assert.equal(run.compare("tanh", "relu").verdict, "lower");
  assert.ok(Math.abs(run.compare("tanh", "relu").difference.mean - (-0.05 + 0.002)) < 1e-12);
  assert.equal(run.compare("elu", "relu").verdict, "no measurable difference");
  assert.equal(run.compare("tanh", "relu", "valLoss").verdict, "higher");
  const ranking = run.ranking();
  assert.deepEqual(ranking.map((r) => [r.activation, r.indistinguishableFromBest]), [["elu", true], ["relu", true], ["tanh", false]]);
  assert.deepEqual(ranking[0].summary, run.run("elu").summary.valAccuracy);
  // Losses: lower is better.
  assert.deepEqual(run.ranking("valLoss").map((r) => r.activation), ["elu", "relu", "tanh"]);
  assert.throws(() => run.ranking("speed" as never), /metric must be one of "loss", "accuracy", "valLoss"/);
});

test("compare names what is missing: no accuracy in regression, no validation numbers without validation", async () => {
  const sine = await train({ ...SMALL, dataset: "sine", activations: ["tanh", "relu"], seeds: 2 });
  assert.equal(sine.ranking().length, 2, "regression ranks by validation loss by default");
  assert.throws(() => sine.compare("tanh", "relu", "valAccuracy"), /tanh has no valAccuracy: accuracy exists only for classification/);
  const none = await train({ ...SMALL, activations: ["relu", "tanh"], validation: 0 });
  assert.throws(() => none.ranking(), /no valAccuracy/);
  assert.equal(none.ranking("accuracy").length, 2);
});

test("bad seeds and validation name the valid choices", async () => {
  await assert.rejects(train({ seeds: 0 }), /train: seeds must be an integer in \[1, 1000\], got 0/);
  await assert.rejects(train({ seeds: [1, 1] }), /seeds lists a seed twice/);
  await assert.rejects(train({ seeds: [1, 2], seed: 3 }), /either seed .* or a list of seeds/);
  await assert.rejects(train({ seeds: [] }), /non-empty list/);
  await assert.rejects(train({ validation: 1 }), /train: validation must be a number in \[0, 1\)/);
  await assert.rejects(dataDrift({ seeds: 3 }), /dataDrift: seeds is not an option here/, "dataDrift trains once on every row");
});

test("an interrupt in a later seed keeps the finished seeds, the same for every activation", async () => {
  // Long enough per (activation, seed) that the interrupt, checked every 100 ms, lands in seed 1.
  const epochs = 200;
  const { result: run } = await interruptAtStep(2 * epochs + 1, () => train({ ...SMALL, epochs, activations: ["relu", "tanh"], seeds: 3 }));
  assert.equal(run.interrupted, true);
  assert.deepEqual(run.seedsFinished, [0]);
  // relu may have finished seed 1 before the interrupt was seen; tanh was cut short in it or never started it.
  assert.ok([[0], [0, 1]].some((s) => JSON.stringify(s) === JSON.stringify(run.run("relu").seeds)), `relu seeds ${run.run("relu").seeds}`);
  assert.deepEqual(run.run("tanh").seeds, [0]);
  assert.equal(run.compare("relu", "tanh").difference.n, 1, "compared on the one seed both finished");
  assert.match(run.toString(), /interrupted \(seeds finished for every activation: 0\)/);
});

test("seeds, validation and charts: mean with a band, `mean ± half-width` in the table, no tensor leak", async () => {
  await train({ ...SMALL, activations: ["relu"], epochs: 1 });
  const before = tf.memory().numTensors;
  const run = await train({ ...SMALL, activations: ["relu", "elu"], seeds: 3 });
  assert.equal(tf.memory().numTensors, before);
  const spec = run.toSpec() as unknown as { hconcat: { data: { values: { value: number; lo: number; hi: number; n: number; set: string; epoch: number; activation: string }[] }; layer: unknown[] }[] };
  const loss = spec.hconcat[0];
  assert.equal(loss.layer.length, 2, "band and mean line");
  const point = loss.data.values.find((v) => v.activation === "elu" && v.set === "validation" && v.epoch === 4)!;
  const s = summarize(run.run("elu").perSeed.map((p) => p.history[3].valLoss!));
  assert.ok(Math.abs(point.value - s.mean) < 1e-12 && point.n === 3);
  assert.ok(point.lo <= point.value && point.hi >= point.value);
  assert.match(run.toString(), /relu\s+he\s+3\s+4\s+\S+ ± \S+/);
  assert.match(String((await run[DISPLAY]())[0]["image/svg+xml"]), /^<svg/, "the band layers compile and render");
});
