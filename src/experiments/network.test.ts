/**
 * The hand-built backward pass against tfjs autodiff on a stock forward pass (plain matMul,
 * tf.moments, the activation's own `apply`), for every norm and several activations,
 * including a user-defined one without a closed-form derivative.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { tf, type Tensor } from "../tf";
import { useBackend } from "../backend";
import { activation, defineActivation, type Activation } from "../activations";
import { backward, drawStandardWeights, drawWeights, forward, layerScales, NORM_EPSILON, scaleWeights, toTensors, type NormName, type Params } from "./network";
import { logitGradient, lossValue, predict, resolveOutput, targets } from "./objective";
import { Rng } from "./rng";

process.env.ACTIVATION_LAB_QUIET = "1";

function referenceLoss(ws: Tensor[], x: Tensor, act: Activation, norm: NormName, batch: number): Tensor {
  let h = x;
  for (const w of ws) {
    let z = tf.matMul(h, w);
    if (norm !== "none") {
      const { mean, variance } = tf.moments(z, norm === "batch" ? 0 : 1, true);
      z = tf.div(tf.sub(z, mean), tf.sqrt(tf.add(variance, NORM_EPSILON)));
    }
    h = act.apply(z);
  }
  return tf.div(tf.mul(0.5, tf.sum(tf.square(h))), batch);
}

function maxRelativeError(a: Float32Array, b: Float32Array): number {
  let scale = 0;
  for (const v of b) scale = Math.max(scale, Math.abs(v));
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i] - b[i]) / Math.max(scale, 1e-30));
  return worst;
}

test("hand-built weight gradients equal tf.grad of the same network", async () => {
  await useBackend("wasm");
  defineActivation({ name: "sin_plus", fn: (x) => tf.add(x, tf.mul(0.5, tf.sin(x))) });
  const acts = ["relu", "gelu", "selu", "elu", "sigmoid", "tanh", "leaky_relu", "softplus", "sin_plus"].map((n) => activation(n));
  const depth = 4;
  const batch = 6;
  const width = 7;
  const before = tf.memory().numTensors;
  for (const act of acts) {
    for (const norm of ["none", "batch", "layer"] as NormName[]) {
      const values = drawWeights({ inputSize: 5, width, depth, outputSize: 0 }, "he", 3);
      const xData = new Rng(11).normals(batch * 5);
      const [mine, reference] = tf.tidy(() => {
        const params = toTensors(values, depth, false);
        const x = tf.tensor2d(xData, [batch, 5]);
        const trace = forward(params, x, act, norm);
        const grads = backward(params, trace, tf.div(trace.outputs[depth - 1], batch), norm);
        const auto = tf.grads((...ws: Tensor[]) => referenceLoss(ws, x, act, norm, batch))(params.w);
        return [grads.w.map((g) => g.dataSync() as Float32Array), auto.map((g) => g.dataSync() as Float32Array)];
      });
      for (let l = 0; l < depth; l++) {
        const err = maxRelativeError(mine[l], reference[l]);
        assert.ok(err < 2e-4, `${act.label}, norm ${norm}, layer ${l + 1}: relative error ${err}`);
      }
    }
  }
  assert.equal(tf.memory().numTensors, before, "no tensors leaked");
});

test("weights: the init's standard deviation, same directions for every init", () => {
  const shape = { inputSize: 300, width: 200, depth: 2, outputSize: 0 };
  const he = drawWeights(shape, "he", 1);
  const glorot = drawWeights(shape, "glorot", 1);
  const std = (a: Float32Array) => Math.sqrt(a.reduce((s, v) => s + v * v, 0) / a.length);
  // He: 2/fan_in; Glorot: 2/(fan_in + fan_out); sample std within 2% at 60 000 draws.
  assert.ok(Math.abs(std(he.w[0]) / Math.sqrt(2 / 300) - 1) < 0.02);
  assert.ok(Math.abs(std(glorot.w[1]) / Math.sqrt(2 / 400) - 1) < 0.02);
  const scale = Math.sqrt(2 / 300) / Math.sqrt(2 / 500);
  assert.ok(Math.abs(he.w[0][17] / glorot.w[0][17] - scale) < 1e-5);
  assert.deepEqual(drawWeights(shape, "he", 1).w[1], he.w[1], "same seed, same weights");
  assert.notDeepEqual(drawWeights(shape, "he", 2).w[1], he.w[1], "another seed, other weights");
});

test("training network: weight and bias gradients through the output layer and loss equal tf.grad", async () => {
  await useBackend("wasm");
  const depth = 3;
  const batch = 9;
  const before = tf.memory().numTensors;
  const labels = Float32Array.from({ length: batch }, (_, i) => i % 3);
  for (const [outputName, loss] of [["softmax", "cross_entropy"], ["softmax", "mse"], ["tanh", "mse"]] as const) {
    for (const norm of ["none", "batch", "layer"] as NormName[]) {
      const act = activation("elu");
      const out = resolveOutput("test", "classification", 3, outputName, loss);
      const values = drawWeights({ inputSize: 2, width: 6, depth, outputSize: 3 }, "he", 5);
      const xData = new Rng(2).normals(batch * 2);
      const [mine, reference] = tf.tidy(() => {
        const params = toTensors(values, depth, true);
        // Non-zero biases, so a bias that is dropped or misplaced shows.
        params.b = (params.b as Tensor[]).map((b, l) => tf.add(b, tf.mul(0.1, tf.range(0, b.size).sin()).add(l * 0.05)));
        const x = tf.tensor2d(xData, [batch, 2]);
        const y = targets(out, labels, "classification");
        const trace = forward(params, x, act, norm);
        const logits = trace.logits as Tensor;
        const g = backward(params, trace, logitGradient(out, logits, predict(out, logits), y), norm);
        const all = [...params.w, ...(params.b as Tensor[])];
        const auto = tf.grads((...p: Tensor[]) => {
          const split = { depth, w: p.slice(0, params.w.length), b: p.slice(params.w.length) };
          const t = forward(split, x, act, norm);
          return lossValue(out, predict(out, t.logits as Tensor), y);
        })(all);
        return [[...g.w, ...(g.b as Tensor[])].map((t) => t.dataSync() as Float32Array), auto.map((t) => t.dataSync() as Float32Array)];
      });
      mine.forEach((m, i) => {
        const hiddenBias = i >= depth + 1 && i < 2 * depth + 1;
        if (norm === "batch" && hiddenBias) {
          // Batch norm subtracts the batch mean, so a bias before it has no effect: its gradient is 0.
          for (const v of [...m, ...reference[i]]) assert.ok(Math.abs(v) < 1e-6, `bias ${i - depth} under batch norm: ${v}`);
          return;
        }
        const err = maxRelativeError(m, reference[i]);
        assert.ok(err < 2e-4, `${outputName}+${loss}, norm ${norm}, parameter ${i}: relative error ${err}`);
      });
    }
  }
  assert.equal(tf.memory().numTensors, before);
});

test("trained PReLU slopes: the slope gradient equals tf.grad", async () => {
  await useBackend("wasm");
  const depth = 3;
  const batch = 7;
  const before = tf.memory().numTensors;
  for (const norm of ["none", "layer"] as NormName[]) {
    const values = drawWeights({ inputSize: 4, width: 5, depth, outputSize: 0 }, "he", 9);
    const xData = new Rng(4).normals(batch * 4);
    const [mine, reference] = tf.tidy(() => {
      const params = toTensors(values, depth, false);
      params.alpha = [0.25, -0.1, 0.6].map((a) => tf.scalar(a));
      const x = tf.tensor2d(xData, [batch, 4]);
      const trace = forward(params, x, activation("prelu"), norm);
      const g = backward(params, trace, tf.div(trace.outputs[depth - 1], batch), norm);
      const all = [...params.w, ...(params.alpha as Tensor[])];
      const auto = tf.grads((...p: Tensor[]) => {
        // Reference PReLU from plain ops: where(x ≥ 0, x, α·x).
        let h: Tensor = x;
        for (let l = 0; l < depth; l++) {
          let z = tf.matMul(h, p[l]);
          if (norm !== "none") {
            const { mean, variance } = tf.moments(z, 1, true);
            z = tf.div(tf.sub(z, mean), tf.sqrt(tf.add(variance, NORM_EPSILON)));
          }
          h = tf.add(tf.relu(z), tf.mul(p[depth + l], tf.minimum(z, 0)));
        }
        return tf.div(tf.mul(0.5, tf.sum(tf.square(h))), batch);
      })(all);
      return [[...g.w, ...(g.alpha as Tensor[])].map((t) => t.dataSync() as Float32Array), auto.map((t) => t.dataSync() as Float32Array)];
    });
    mine.forEach((m, i) => assert.ok(maxRelativeError(m, reference[i]) < 2e-4, `norm ${norm}, parameter ${i}: ${maxRelativeError(m, reference[i])}`));
  }
  assert.equal(tf.memory().numTensors, before);
});

test("shared unscaled weights used at a scale (gradientFlow's form) give the pre-scaled network's gradients", async () => {
  await useBackend("wasm");
  const shape = { inputSize: 5, width: 8, depth: 4, outputSize: 3 };
  const batch = 6;
  const before = tf.memory().numTensors;
  const standard = drawStandardWeights(shape, 21);
  const xData = new Rng(5).normals(batch * 5);
  for (const norm of ["none", "batch"] as NormName[]) {
    const [scaled, shared] = tf.tidy(() => {
      const x = tf.tensor2d(xData, [batch, 5]);
      const run = (params: Params) => {
        const trace = forward(params, x, activation("gelu"), norm);
        const logits = trace.logits as Tensor;
        return [logits, ...backward(params, trace, tf.div(logits, batch), norm).w].map((t) => t.dataSync() as Float32Array);
      };
      const plain = toTensors(standard, shape.depth, false);
      const withScale: Params = { ...plain, scale: layerScales(standard.shapes, shape.depth, "he"), wT: plain.w.map((w) => tf.transpose(w)) };
      return [run(toTensors(scaleWeights(standard, shape.depth, "he"), shape.depth, false)), run(withScale)];
    });
    scaled.forEach((s, i) => assert.ok(maxRelativeError(shared[i], s) < 1e-5, `norm ${norm}, ${i === 0 ? "logits" : `weight ${i}`}: ${maxRelativeError(shared[i], s)}`));
  }
  assert.equal(tf.memory().numTensors, before);
});
