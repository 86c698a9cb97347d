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
import { median } from "./support/timing";

const ACTIVATIONS = ["sigmoid", "tanh", "relu", "gelu", "selu"];
const SHAPE = { depth: 20, width: 256, batch: 256, bins: 50 };
const REPEATS = Number(process.env.BENCH_REPEATS ?? 3);

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

interface Row {
  name: string;
  ms: number;
  /** Threads it computed with; its ratio is against PyTorch at the same count. */
  threads: number;
  note: string;
}

async function main(): Promise<void> {
  const backends: BackendName[] = await availableBackends();
  const rows: Row[] = [];
  for (const b of backends) {
    const info = await useBackend(b);
    const threads = info.threads ?? 1;
    // The pure-JS cpu backend takes seconds per run: one timed run is enough to place it.
    rows.push({ name: `tfjs ${b} gradientFlow`, ms: await timeFlow(b === "cpu" ? 1 : REPEATS), threads, note: "" });
    if (b === "wasm") rows.push({ name: "tfjs wasm stock tf.grads, relu only", ms: timeStockAutodiff(), threads, note: "1 of the 5 runs, for scale" });
  }
  const torchMs = new Map<number, number>();
  for (const threads of [...new Set(rows.map((r) => r.threads))].sort()) {
    const torch = torchBaseline(threads);
    if (typeof torch === "string") {
      console.log(`PyTorch baseline skipped: ${torch}`);
      break;
    }
    torchMs.set(threads, torch.total_ms);
    rows.push({ name: `PyTorch ${torch.torch} CPU`, ms: torch.total_ms, threads: torch.threads, note: "baseline" });
  }
  console.log(`gradientFlow: ${ACTIVATIONS.length} activations × depth ${SHAPE.depth} × width ${SHAPE.width} × batch ${SHAPE.batch}, median of ${REPEATS}`);
  // Other work on the machine slows both sides; the ratios hold up better than the absolute times.
  console.log(`${os.cpus().length} cores, load average ${os.loadavg().map((v) => v.toFixed(1)).join(" / ")}`);
  const header = ["run", "threads", "ms", "× PyTorch (same threads)", "note"];
  const ratio = (r: Row) => {
    const base = torchMs.get(r.threads);
    return base ? (r.ms / base).toFixed(2) : "—";
  };
  const body = rows.map((r) => [r.name, String(r.threads), r.ms.toFixed(0), ratio(r), r.note]);
  const widths = header.map((_, c) => Math.max(header[c].length, ...body.map((r) => r[c].length)));
  for (const r of [header, ...body]) console.log(r.map((v, c) => v.padEnd(widths[c])).join("  ").trimEnd());
  const wasm = rows.find((r) => r.name === "tfjs wasm gradientFlow");
  if (wasm) {
    console.log(`wasm target ≤ 2000 ms: ${wasm.ms <= 2000 ? "met" : "MISSED"} (${wasm.ms.toFixed(0)} ms)`);
    const base = torchMs.get(wasm.threads);
    if (base) console.log(`wasm target within 3× PyTorch: ${wasm.ms <= 3 * base ? "met" : "MISSED"} (${(wasm.ms / base).toFixed(2)}×)`);
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
