/**
 * Cross-part: the GradientHistograms widget's reader accepts what gradientFlow and train
 * return, and finds the same numbers in them.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { useBackend } from "../src/backend";
import { gradientFlow, train } from "../src/experiments";
import { histogramSource } from "../src/histograms/source";

process.env.ACTIVATION_LAB_QUIET = "1";

test("gradient histograms read a GradientFlow and a TrainingRun", async () => {
  await useBackend("wasm");
  const flow = await gradientFlow({ activations: ["relu", "tanh"], depth: 3, width: 8, batch: 8 });
  const fromFlow = histogramSource(flow);
  assert.equal(fromFlow.kind, "flow");
  assert.deepEqual(fromFlow.activations, ["relu", "tanh"]);
  assert.equal(fromFlow.layerCount, 3);
  assert.equal(fromFlow.lookup("tanh", 0, 2)?.norm, flow.run("tanh").layers[1].grad.norm);

  const run = await train({ activations: ["relu", "tanh"], epochs: 4, recordEvery: 2, n: 40, depth: 2 });
  const fromRun = histogramSource(run);
  assert.equal(fromRun.kind, "run");
  assert.deepEqual(fromRun.steps, run.run("relu").steps.map((s) => s.step));
  assert.equal(fromRun.layerCount, 3, "two hidden layers and the output layer");
  const recorded = run.run("relu").steps[1];
  assert.equal(fromRun.lookup("relu", recorded.step, 1)?.norm, recorded.layers[0].grad.norm);
});
