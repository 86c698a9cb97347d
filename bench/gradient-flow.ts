/**
 * gradientFlow for 5 activations × depth 20 × width 256 × batch 256 on each backend present,
 * beside PyTorch CPU at the same thread count (same network, same statistics) run in the
 * same process tree, and beside tfjs's stock autodiff (tf.grad through matMul) for one
 * activation — the path the hand-built backward replaces. Not a test: `npm run bench`.
 *
 * Target (issue 5): wasm ≤ 2 s total and within 3× of PyTorch CPU at the same thread count.
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { tf, type Tensor } from "../src/tf";
import { availableBackends, useBackend, type BackendName } from "../src/backend";
import { activation } from "../src/activations";
import { gradientFlow } from "../src/experiments";
import { recommendedInit } from "../src/experiments/network";
import { Rng } from "../src/experiments/rng";

const ACTIVATIONS = ["sigmoid", "tanh", "relu", "gelu", "selu"];
const SHAPE = { depth: 20, width: 256, batch: 256, bins: 50 };
const REPEATS = Number(process.env.BENCH_REPEATS ?? 3);

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

async function timeFlow(repeats: number): Promise<number> {
  await gradientFlow({ activations: ACTIVATIONS, ...SHAPE, depth: 2 }); // warm-up: kernels, wasm compile
  const times: number[] = [];
  for (let i = 0; i < repeats; i++) {
    const t0 = performance.now();
    await gradientFlow({ activations: ACTIVATIONS, ...SHAPE });
    times.push(performance.now() - t0);
  }
  return median(times);
}

/** Stock tfjs: forward with plain ops, weight gradients from tf.grads (matMul's own gradient uses transposed matMuls). */
function timeStockAutodiff(): number {
  const { depth, width, batch } = SHAPE;
  const rng = new Rng(0);
  const ws = Array.from({ length: depth }, () => tf.tensor2d(rng.normals(width * width, Math.sqrt(2 / width)), [width, width]));
  const x = tf.tensor2d(rng.normals(batch * width), [batch, width]);
  const relu = activation("relu");
  const lossOf = (...w: Tensor[]) => {
    let h: Tensor = x;
    for (const wl of w) h = relu.apply(tf.matMul(h, wl));
    return tf.div(tf.mul(0.5, tf.sum(tf.square(h))), batch);
  };
  const run = () => tf.tidy(() => tf.grads(lossOf)(ws).forEach((g) => g.dataSync()));
  run();
  const t0 = performance.now();
  run();
  const ms = performance.now() - t0;
  tf.dispose([...ws, x]);
  return ms;
}

function torchBaseline(threads: number): { total_ms: number; torch: string; threads: number } | string {
  const python = path.resolve(__dirname, "../../.venv/bin/python");
  if (!fs.existsSync(python)) return "no .venv (run npm run setup)";
  const runs = ACTIVATIONS.map((n) => [n, recommendedInit(activation(n))]);
  const job = JSON.stringify({ ...SHAPE, threads, repeats: REPEATS, runs });
  const r = spawnSync(python, [path.resolve(__dirname, "../../bench/torch_gradient_flow.py")], { input: job, encoding: "utf8", maxBuffer: 1 << 24 });
  if (r.status !== 0) return /No module named 'torch'/.test(r.stderr) ? "torch not installed in .venv (npm run setup -- --with-torch)" : r.stderr.slice(-300);
  return JSON.parse(r.stdout);
}

async function main(): Promise<void> {
  const backends: BackendName[] = await availableBackends();
  const rows: [string, number, string][] = [];
  let wasmMs: number | undefined;
  let wasmThreads = 1;
  for (const b of backends) {
    const info = await useBackend(b);
    // The pure-JS cpu backend takes seconds per run: one timed run is enough to place it.
    const ms = await timeFlow(b === "cpu" ? 1 : REPEATS);
    rows.push([`tfjs ${b} gradientFlow`, ms, `${info.threads ?? 1} thread(s)`]);
    if (b === "wasm") {
      wasmMs = ms;
      wasmThreads = info.threads ?? 1;
      rows.push(["tfjs wasm stock tf.grads, relu only (1 of 5 runs)", timeStockAutodiff(), "for scale: ×5 ≈ all five"]);
    }
  }
  const torch = torchBaseline(wasmThreads);
  if (typeof torch === "string") console.log(`PyTorch baseline skipped: ${torch}`);
  else rows.push([`PyTorch ${torch.torch} CPU`, torch.total_ms, `${torch.threads} thread(s)`]);
  const base = typeof torch === "string" ? undefined : torch.total_ms;
  console.log(`gradientFlow: ${ACTIVATIONS.length} activations × depth ${SHAPE.depth} × width ${SHAPE.width} × batch ${SHAPE.batch}, median of ${REPEATS}`);
  // Other work on the machine slows both sides; the ratios hold up better than the absolute times.
  console.log(`${os.cpus().length} cores, load average ${os.loadavg().map((v) => v.toFixed(1)).join(" / ")}`);
  const header = ["run", "ms", "× PyTorch", "note"];
  const body = rows.map(([name, ms, note]) => [name, ms.toFixed(0), base ? (ms / base).toFixed(2) : "—", note]);
  const widths = header.map((_, c) => Math.max(header[c].length, ...body.map((r) => r[c].length)));
  for (const r of [header, ...body]) console.log(r.map((v, c) => v.padEnd(widths[c])).join("  "));
  if (wasmMs !== undefined) {
    console.log(`wasm target ≤ 2000 ms: ${wasmMs <= 2000 ? "met" : "MISSED"} (${wasmMs.toFixed(0)} ms)`);
    if (base) console.log(`wasm target within 3× PyTorch: ${wasmMs <= 3 * base ? "met" : "MISSED"} (${(wasmMs / base).toFixed(2)}×)`);
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
