/**
 * A user's model trained on the digits: the 64-32-32-10 ReLU MLP, Adam, batch 32, on the
 * 1,346 training rows of a 25 % stratified split. One epoch of the library's own step
 * (`trainStep`, what `train({ model, data })` and `advise` run) against one epoch in PyTorch
 * CPU at the same thread count, in interleaved rounds; the ratio is the median of the
 * per-round ratios with its 95 % interval. Then `advise` with its default budget on the digits.
 * Not a test: `npm run bench -- model-training`. Targets: ≤ 3× PyTorch; advise ≤ 90 s.
 */
import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as readline from "node:readline";
import { tf } from "../src/tf";
import { backend, useBackend } from "../src/backend";
import { datasets } from "../src/datasets";
import { splitStratified } from "../src/datasets/split";
import { medianInterval } from "../src/evidence/timing";
import { Optimizer } from "../src/experiments/optimizer";
import { advise } from "../src/model/advise";
import { prepareData, resolveLoss } from "../src/model/data";
import { trainStep } from "../src/model/train";

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 11);
const HIDDEN = [32, 32];
const BATCH = 32;
const LR = 0.01;

function mlp(): tf.LayersModel {
  const m = tf.sequential({
    layers: [
      ...HIDDEN.map((units, i) => tf.layers.dense({ ...(i === 0 ? { inputShape: [64] } : {}), units, activation: "relu" })),
      tf.layers.dense({ units: 10, activation: "softmax" }),
    ],
  });
  m.compile({ optimizer: "adam", loss: "categoricalCrossentropy" });
  return m;
}

interface TorchServer {
  version: string;
  threads: number;
  epoch(): Promise<number>;
  close(): void;
}

async function startTorch(x: Float32Array, labels: Float32Array, threads: number, dir: string): Promise<TorchServer | string> {
  const python = process.env.ACTIVATION_LAB_PYTHON ?? path.resolve(__dirname, "../../.venv/bin/python");
  if (!fs.existsSync(python)) return `no ${python} (run npm run setup)`;
  const file = path.join(dir, "spec.json");
  fs.writeFileSync(file, JSON.stringify({ x: Array.from(x), labels: Array.from(labels), features: 64, classes: 10, hidden: HIDDEN, batch: BATCH, lr: LR, threads }));
  const child = spawn(python, [path.resolve(__dirname, "../../bench/torch_model_training.py"), file], { stdio: ["pipe", "pipe", "inherit"], env: { ...process.env, PYTHONWARNINGS: "ignore" } });
  const lines = readline.createInterface({ input: child.stdout })[Symbol.asyncIterator]();
  const next = async () => JSON.parse(((await lines.next()).value as string) ?? "null");
  const hello = (await next()) as { torch: string; threads: number } | null;
  if (!hello) return "torch_model_training.py did not start";
  return {
    version: hello.torch,
    threads: hello.threads,
    epoch: async () => {
      child.stdin.write("epoch\n");
      return ((await next()) as { ms: number }).ms;
    },
    close: () => child.stdin.end(),
  };
}

async function main(): Promise<void> {
  await useBackend("wasm");
  const threads = backend().threads ?? 1;
  const d = datasets.digits({ normalize: true });
  const split = splitStratified(d.y, 0.25, 0);
  const n = split.train.length;
  const x = new Float32Array(n * 64);
  split.train.forEach((row, i) => x.set(d.x.subarray(row * 64, (row + 1) * 64), i * 64));
  const labels = Float32Array.from(split.train, (row) => d.y[row]);
  const model = mlp();
  const loss = resolveLoss("bench", model, undefined);
  const data = await prepareData("bench", model, { x, y: labels, shape: [n, 64] }, loss);
  const variables = model.trainableWeights.map((w) => w.read() as tf.Variable);
  const optimizer = new Optimizer("adam", LR);
  const ours = async () => {
    const order = tf.util.createShuffledIndices(n);
    const t0 = performance.now();
    for (let start = 0; start < n; start += BATCH) await trainStep(model, variables, optimizer, data, Int32Array.from(order.subarray(start, Math.min(n, start + BATCH))), loss);
    return performance.now() - t0;
  };
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "al-bench-"));
  const torch = await startTorch(x, labels, threads, dir);
  const steps = Math.ceil(n / BATCH);
  console.log(`digits MLP 64-${HIDDEN.join("-")}-10, Adam, batch ${BATCH}, ${n} training rows (${steps} steps per epoch), ${ROUNDS} interleaved rounds, ${threads} thread(s)`);
  try {
    await ours(); // warm-up: kernels, wasm compile
    const mine: number[] = [];
    const theirs: number[] = [];
    for (let r = 0; r < ROUNDS; r++) {
      mine.push(await ours());
      if (typeof torch !== "string") theirs.push(await torch.epoch());
    }
    const m = medianInterval(mine);
    console.log(`  tfjs wasm trainStep epoch   ${m.median.toFixed(1)} ms (95 % CI ${m.lo.toFixed(1)}–${m.hi.toFixed(1)}), ${(m.median / steps).toFixed(2)} ms/step`);
    if (typeof torch === "string") console.log(`  PyTorch: ${torch}`);
    else {
      const t = medianInterval(theirs);
      const ratio = medianInterval(mine.map((v, i) => v / theirs[i]));
      console.log(`  PyTorch ${torch.version} epoch   ${t.median.toFixed(1)} ms (95 % CI ${t.lo.toFixed(1)}–${t.hi.toFixed(1)}), ${torch.threads} thread(s)`);
      console.log(`  ratio tfjs / PyTorch (per round): ${ratio.median.toFixed(2)}× (95 % CI ${ratio.lo.toFixed(2)}–${ratio.hi.toFixed(2)}); target ≤ 3×`);
    }
  } finally {
    if (typeof torch !== "string") torch.close();
    fs.rmSync(dir, { recursive: true, force: true });
    optimizer.dispose();
    tf.dispose([data.x, data.y]);
    model.dispose();
  }
  if (process.env.BENCH_ADVISE !== "0") {
    const base = mlp();
    const t0 = performance.now();
    const advice = await advise(base, d);
    console.log(`advise, default budget (7 candidates × 3 seeds, ${advice.options.epochs} epochs each): ${((performance.now() - t0) / 1000).toFixed(1)} s (target ≤ 90 s); recommended ${advice.recommendation?.activation}`);
    base.dispose();
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
