/**
 * The training step of the "your own model" work, for benchmarks: the 64-32-32-10 ReLU MLP on
 * the digits' 1,346 training rows (25 % stratified split), Adam, batch 32, an epoch of the
 * library's own `trainStep` (what `train({ model, data })` and `advise` run), and the same
 * epoch in PyTorch as a long-lived child (bench/torch_model_training.py).
 */
import { tf } from "../../src/tf";
import { datasets } from "../../src/datasets";
import { splitStratified } from "../../src/datasets/split";
import { Optimizer } from "../../src/experiments/optimizer";
import { prepareData, resolveLoss } from "../../src/model/data";
import { trainStep } from "../../src/model/train";
import { startTorchServer } from "./torch-server";

export const HIDDEN = [32, 32];
export const BATCH = 32;
export const LR = 0.01;

export interface DigitsRows {
  x: Float32Array;
  labels: Float32Array;
  n: number;
}

/** The training rows of the digits (pixels scaled to [0, 1]), split as `advise` splits them. */
export function digitsTrainRows(): DigitsRows {
  const d = datasets.digits({ normalize: true });
  const split = splitStratified(d.y, 0.25, 0);
  const n = split.train.length;
  const x = new Float32Array(n * 64);
  split.train.forEach((row, i) => x.set(d.x.subarray(row * 64, (row + 1) * 64), i * 64));
  return { x, labels: Float32Array.from(split.train, (row) => d.y[row]), n };
}

export function mlp(): tf.LayersModel {
  const m = tf.sequential({
    layers: [
      ...HIDDEN.map((units, i) => tf.layers.dense({ ...(i === 0 ? { inputShape: [64] } : {}), units, activation: "relu" })),
      tf.layers.dense({ units: 10, activation: "softmax" }),
    ],
  });
  m.compile({ optimizer: "adam", loss: "categoricalCrossentropy" });
  return m;
}

export function stepsPerEpoch(rows: DigitsRows): number {
  return Math.ceil(rows.n / BATCH);
}

/** A model, its data and optimizer on the backend computing now; `epoch()` trains one epoch and resolves its ms. */
export async function ourTraining(rows: DigitsRows): Promise<{ epoch(): Promise<number>; dispose(): void }> {
  const model = mlp();
  const loss = resolveLoss("bench", model, undefined);
  const data = await prepareData("bench", model, { x: rows.x, y: rows.labels, shape: [rows.n, 64] }, loss);
  const variables = model.trainableWeights.map((w) => w.read() as tf.Variable);
  const optimizer = new Optimizer("adam", LR);
  return {
    epoch: async () => {
      const order = tf.util.createShuffledIndices(rows.n);
      const t0 = performance.now();
      for (let start = 0; start < rows.n; start += BATCH) {
        await trainStep(model, variables, optimizer, data, Int32Array.from(order.subarray(start, Math.min(rows.n, start + BATCH))), loss);
      }
      return performance.now() - t0;
    },
    dispose: () => {
      optimizer.dispose();
      tf.dispose([data.x, data.y]);
      model.dispose();
    },
  };
}

export interface TorchTraining {
  version: string;
  threads: number;
  /** One epoch in PyTorch; resolves its ms. */
  epoch(): Promise<number>;
  close(): void;
}

/** PyTorch training the same MLP on the same rows at `threads`; a string says why not. */
export async function startTorchTraining(rows: DigitsRows, threads: number): Promise<TorchTraining | string> {
  const spec = { x: Array.from(rows.x), labels: Array.from(rows.labels), features: 64, classes: 10, hidden: HIDDEN, batch: BATCH, lr: LR, threads, serve: true };
  const server = await startTorchServer("torch_model_training.py", spec);
  if (typeof server === "string") return server;
  return { ...server, epoch: async () => (await server.ask<{ ms: number }>("epoch")).ms };
}
