/**
 * The same network in tfjs and in PyTorch: weights and input exported from here, rebuilt
 * in torch (float64) by torch_gradients.py, per-layer weight gradients compared within
 * 1e-4 relative, on every backend (scripts/test.js runs it once per backend). Needs torch in
 * the repo's .venv (the test set-up installs it); without it the test is skipped with a
 * message, unless the test set-up ran here (its stamp exists), where a missing torch fails.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { tf, type Tensor } from "../../src/tf";
import { describeWithBackends } from "../support/backends";
import { PYTHON, ROOT, skipWithoutTorch } from "./torch";
import { activation } from "../../src/activations";
import { backward, drawWeights, forward, toTensors, type NormName } from "../../src/experiments/network";
import { logitGradient, predict, resolveOutput, targets } from "../../src/experiments/objective";
import { Rng } from "../../src/experiments/rng";

process.env.ACTIVATION_LAB_QUIET = "1";

const SCRIPT = path.join(ROOT, "test", "pytorch", "torch_gradients.py");
const ACTIVATIONS = ["relu", "gelu", "selu", "sigmoid", "tanh", "leaky_relu"];
const NORMS: NormName[] = ["none", "batch", "layer"];
const SHAPE = { inputSize: 10, width: 24, depth: 5, outputSize: 0 };
const BATCH = 16;

/** Relative error of a layer: worst absolute difference over the reference's largest entry. */
function relativeError(mine: Float32Array, reference: number[]): number {
  const scale = reference.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
  let worst = 0;
  for (let i = 0; i < mine.length; i++) worst = Math.max(worst, Math.abs(mine[i] - reference[i]));
  return worst / Math.max(scale, 1e-300);
}

/** Runs torch_gradients.py on the cases; per case, the gradients of every parameter in order. */
function torchGradients(cases: Record<string, unknown>[]): { torch: string; cases: { grads: number[][] }[] } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "al-torch-"));
  try {
    const file = path.join(dir, "cases.json");
    fs.writeFileSync(file, JSON.stringify({ cases }));
    const run = spawnSync(PYTHON, [SCRIPT, file], { encoding: "utf8", maxBuffer: 64 << 20, timeout: 60_000 });
    assert.equal(run.status, 0, `torch_gradients.py failed: ${run.stderr}`);
    return JSON.parse(run.stdout);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}


/** Reads every tensor (asynchronously: webgpu cannot read synchronously in Node) and disposes it. */
async function readAll(tensors: Tensor[]): Promise<Float32Array[]> {
  const out = await Promise.all(tensors.map((w) => w.data() as Promise<Float32Array>));
  tf.dispose(tensors);
  return out;
}

describeWithBackends("PyTorch cross-check", () => {
  test("per-layer weight gradients match PyTorch within 1e-4 relative", async (t) => {
    if (skipWithoutTorch(t)) return;
    const before = tf.memory().numTensors;
    const cases: Record<string, unknown>[] = [];
    const ours: Float32Array[][] = [];
    let seed = 0;
    for (const name of ACTIVATIONS) {
      for (const norm of NORMS) {
        const act = activation(name);
        const init = name === "selu" ? "lecun" : name.includes("relu") ? "he" : "glorot";
        const values = drawWeights(SHAPE, init, ++seed);
        const x = new Rng(1000 + seed).normals(BATCH * SHAPE.inputSize);
        const grads = tf.tidy(() => {
          const params = toTensors(values, SHAPE.depth, false);
          const trace = forward(params, tf.tensor2d(x, [BATCH, SHAPE.inputSize]), act, norm);
          const g = backward(params, trace, tf.div(trace.outputs[SHAPE.depth - 1], BATCH), norm);
          return g.w;
        });
        ours.push(await readAll(grads));
        cases.push({ activation: name, params: act.params, norm, batch: BATCH, ...SHAPE, x: [...x], weights: values.w.map((w) => [...w]), shapes: values.shapes });
      }
    }
    assert.equal(tf.memory().numTensors, before, "the networks leaked tensors");
    const result = torchGradients(cases);
    assert.equal(result.cases.length, cases.length);
    const failures: string[] = [];
    let worst = 0;
    result.cases.forEach((c, i) => {
      c.grads.forEach((reference, l) => {
        const err = relativeError(ours[i][l], reference);
        worst = Math.max(worst, err);
        if (!(err < 1e-4)) failures.push(`${cases[i].activation}/${cases[i].norm} layer ${l + 1}: ${err.toExponential(2)}`);
      });
    });
    t.diagnostic(`torch ${result.torch}: ${cases.length} networks, worst layer relative error ${worst.toExponential(2)}`);
    assert.deepEqual(failures, [], `torch ${result.torch}: layers over 1e-4 relative`);
  });

  test("training networks (biases, output layer, loss) match PyTorch within 1e-4 relative", async (t) => {
    if (skipWithoutTorch(t)) return;
    const before = tf.memory().numTensors;
    const shape = { inputSize: 2, width: 12, depth: 3, outputSize: 3 };
    const labels = Array.from({ length: BATCH }, (_, i) => i % 3);
    const cases: Record<string, unknown>[] = [];
    const ours: Float32Array[][] = [];
    const setups = [
      { activation: "relu", norm: "none" as NormName, output: "softmax", loss: "cross_entropy" as const, classes: 3 },
      { activation: "gelu", norm: "layer" as NormName, output: "softmax", loss: "cross_entropy" as const, classes: 3 },
      { activation: "tanh", norm: "batch" as NormName, output: "softmax", loss: "mse" as const, classes: 3 },
      { activation: "selu", norm: "none" as NormName, output: "sigmoid", loss: "cross_entropy" as const, classes: 2 },
    ];
    for (const [k, setup] of setups.entries()) {
      const out = resolveOutput("test", "classification", setup.classes, setup.output, setup.loss);
      const netShape = { ...shape, outputSize: out.units };
      const values = drawWeights(netShape, "he", 50 + k);
      const x = new Rng(60 + k).normals(BATCH * shape.inputSize);
      const caseLabels = labels.map((c) => c % setup.classes);
      // Non-zero biases, so both sides must place them alike.
      const biases = values.shapes.map(([, fanOut], l) => Array.from({ length: fanOut }, (_, j) => 0.1 * Math.sin(j + l)));
      const grads = tf.tidy(() => {
        const params = toTensors(values, shape.depth, true);
        tf.dispose(params.b as never);
        params.b = biases.map((b) => tf.tensor1d(b));
        const trace = forward(params, tf.tensor2d(x, [BATCH, shape.inputSize]), activation(setup.activation), setup.norm);
        const logits = trace.logits as Tensor;
        const y = targets(out, Float32Array.from(caseLabels), "classification");
        const g = backward(params, trace, logitGradient(out, logits, predict(out, logits), y), setup.norm);
        return [...g.w, ...(g.b as Tensor[])];
      });
      ours.push(await readAll(grads));
      cases.push({ activation: setup.activation, params: {}, norm: setup.norm, batch: BATCH, ...netShape, x: [...x], weights: values.w.map((w) => [...w]), shapes: values.shapes, biases, labels: caseLabels, output: { kind: setup.output, loss: setup.loss } });
    }
    assert.equal(tf.memory().numTensors, before, "the networks leaked tensors");
    const result = torchGradients(cases);
    const failures: string[] = [];
    result.cases.forEach((c, i) => {
      c.grads.forEach((reference, p) => {
        const scale = reference.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
        // Batch norm cancels the bias before it: both sides give ~0 there; compare absolutely.
        const err = scale < 1e-9 ? Math.max(...Array.from(ours[i][p], Math.abs)) : relativeError(ours[i][p], reference);
        if (!(err < 1e-4)) failures.push(`${cases[i].activation}/${cases[i].norm}/${JSON.stringify(cases[i].output)} parameter ${p}: ${err.toExponential(2)}`);
      });
    });
    assert.deepEqual(failures, [], `torch ${result.torch}: parameters over 1e-4 relative`);
  });
});
