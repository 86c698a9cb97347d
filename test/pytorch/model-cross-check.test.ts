/**
 * inspect on a user's Conv2D + Dense model against PyTorch: the same weights and digits
 * exported to torch_model_gradients.py (float64), every layer's gradient statistics and the
 * loss compared within 1e-4. Skipped with a message without torch in .venv, unless it must be there (torch.ts).
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { tf } from "../../src/tf";
import { useBackend } from "../../src/backend";
import { datasets } from "../../src/datasets";
import { inspect } from "../../src/model/inspect";
import { gradStats } from "../../src/experiments/stats";
import { PYTHON, ROOT, skipWithoutTorch } from "./torch";

process.env.ACTIVATION_LAB_QUIET = "1";

const SCRIPT = path.join(ROOT, "test", "pytorch", "torch_model_gradients.py");

test("inspect's per-layer gradients of a Conv2D + Dense model match PyTorch within 1e-4", async (t) => {
  if (skipWithoutTorch(t)) return;
  await useBackend("wasm");
  const n = 64;
  const d = datasets.digits({ shape: "image", normalize: true });
  const x = d.x.slice(0, n * 64);
  const labels = Array.from(d.y.subarray(0, n));
  const model = tf.sequential({
    layers: [
      tf.layers.conv2d({ inputShape: [8, 8, 1], filters: 4, kernelSize: 3, activation: "relu", name: "conv", biasInitializer: tf.initializers.randomNormal({ stddev: 0.1, seed: 1 }), kernelInitializer: tf.initializers.heNormal({ seed: 2 }) }),
      tf.layers.flatten(),
      tf.layers.dense({ units: 16, activation: "tanh", name: "hidden", biasInitializer: tf.initializers.randomNormal({ stddev: 0.1, seed: 3 }), kernelInitializer: tf.initializers.glorotNormal({ seed: 4 }) }),
      tf.layers.dense({ units: 10, activation: "softmax", name: "out", kernelInitializer: tf.initializers.glorotNormal({ seed: 5 }) }),
    ],
  });
  model.compile({ optimizer: "sgd", loss: "categoricalCrossentropy" });
  const report = await inspect(model, { x, y: labels, shape: [n, 8, 8, 1] }, { bins: 10 });
  const values = (name: string) => model.getLayer(name).getWeights().map((w) => Array.from(w.dataSync()));
  const shapeOf = (name: string) => model.getLayer(name).getWeights()[0].shape;
  const dense = ["hidden", "out"].map((name, i) => ({ kernel: values(name)[0], kernelShape: shapeOf(name), bias: values(name)[1], activation: ["tanh", "softmax"][i] }));
  const spec = { x: Array.from(x), shape: [n, 8, 8, 1], labels, classes: 10, conv: { kernel: values("conv")[0], kernelShape: shapeOf("conv"), bias: values("conv")[1] }, dense };
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "al-torch-model-"));
  try {
    fs.writeFileSync(path.join(dir, "spec.json"), JSON.stringify(spec));
    const run = spawnSync(PYTHON, [SCRIPT, path.join(dir, "spec.json")], { encoding: "utf8", maxBuffer: 64 << 20, timeout: 60_000 });
    assert.equal(run.status, 0, `torch_model_gradients.py failed: ${run.stderr}`);
    const torch = JSON.parse(run.stdout) as { torch: string; loss: number; grads: number[][] };
    assert.ok(Math.abs(report.loss - torch.loss) < 1e-4 * torch.loss, `loss ${report.loss} vs torch ${torch.loss}`);
    const failures: string[] = [];
    report.layers.forEach((layer, i) => {
      // Each layer's record covers its kernel and bias together, as torch's two gradients concatenated.
      const reference = gradStats(Float32Array.from([...torch.grads[2 * i], ...torch.grads[2 * i + 1]]), 10);
      const scale = Math.max(Math.abs(reference.min), Math.abs(reference.max));
      for (const key of ["norm", "mean", "std", "min", "max"] as const) {
        const err = Math.abs(layer.grad[key] - reference[key]) / scale;
        if (!(err < 1e-4)) failures.push(`${layer.name} ${key}: ${layer.grad[key]} vs ${reference[key]} (${err.toExponential(2)})`);
      }
    });
    t.diagnostic(`torch ${torch.torch}: loss ${torch.loss.toFixed(6)}, ${report.layers.length} layers compared`);
    assert.deepEqual(failures, []);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
    model.dispose();
  }
});
