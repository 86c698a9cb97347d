/**
 * Value and derivative throughput of every activation at N = 1e6 float32, on each backend
 * present, beside a plain Float32Array loop and PyTorch CPU at the same thread count — all in
 * one run, so the printed ratios compare like with like. Not a test: `npm run bench`.
 *
 * Targets (wasm): value + derivative within 3× of PyTorch for relu, sigmoid, tanh, elu, swish;
 * within 10× for every activation.
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { REFERENCE, centralDifference } from "../test/support/reference";
import { activation, availableBackends, listActivations, tf, useBackend, type BackendName } from "../src";
import { spreadInputs, timeMs as timeRepeated } from "./support/timing";

const N = Number(process.env.BENCH_N ?? 1_000_000);
const REPEATS = Number(process.env.BENCH_REPEATS ?? 7);
const STRICT = new Set(["relu", "sigmoid", "tanh", "elu", "swish"]);
const timeMs = (fn: () => void | Promise<void>) => timeRepeated(fn, REPEATS);

function torchBaseline(threads: number, names: string[]): Record<string, { value_ms: number; grad_ms: number }> | string {
  const python = path.resolve(__dirname, "../../.venv/bin/python");
  if (!fs.existsSync(python)) return "no .venv (run npm run setup)";
  const job = JSON.stringify({ n: N, threads, repeats: REPEATS, activations: names.map((n) => [n, {}]) });
  const r = spawnSync(python, [path.resolve(__dirname, "../../bench/torch_activations.py")], { input: job, encoding: "utf8", maxBuffer: 1 << 24 });
  if (r.status !== 0) return /No module named 'torch'/.test(r.stderr) ? "torch not installed in .venv (npm run setup -- --with-torch)" : r.stderr.slice(-300);
  return JSON.parse(r.stdout);
}

function fmt(v: number | undefined, digits = 2): string {
  return v === undefined || !Number.isFinite(v) ? "—" : v.toFixed(digits);
}

async function main(): Promise<void> {
  const names = listActivations();
  const xs = spreadInputs(N);
  const backends = (await availableBackends()).filter((b): b is BackendName => b !== undefined);
  const results: Record<string, Record<string, { value: number; grad: number }>> = {};
  let wasmThreads = 1;
  for (const b of backends) {
    const info = await useBackend(b);
    if (b === "wasm") wasmThreads = info.threads ?? 1;
    results[b] = {};
    const x = tf.tensor1d(xs);
    // CPU-side backends compute synchronously; reading results back (a copy PyTorch does not
    // make) is only needed to wait for a GPU.
    const sync = info.gpu || b === "webgpu";
    const run = (f: () => tf.Tensor) => async () => {
      const y = f();
      if (sync) await y.data();
      y.dispose();
    };
    for (const name of names) {
      const act = activation(name);
      const value = await timeMs(run(() => act.apply(x)));
      const grad = await timeMs(run(() => act.derivative(x)));
      results[b][name] = { value, grad };
      process.stderr.write(`\r${b}: ${name}                `);
    }
    x.dispose();
  }
  process.stderr.write("\n");

  // Plain loop baseline: the float64 closed forms over a Float32Array (value; derivative by central difference).
  const loop: Record<string, { value: number; grad: number }> = {};
  const out = new Float32Array(N);
  for (const name of names.filter((n) => n !== "gelu")) {
    // (gelu's reference integrates erf numerically: accurate, far too slow to time)
    const f = REFERENCE[name];
    const params = activation(name).params;
    loop[name] = {
      value: await timeMs(() => {
        for (let i = 0; i < N; i++) out[i] = f(xs[i], params);
      }),
      grad: await timeMs(() => {
        for (let i = 0; i < N; i++) out[i] = centralDifference((v) => f(v, params), xs[i]);
      }),
    };
  }

  const torch = torchBaseline(wasmThreads, names);
  const torchOk = typeof torch === "object";
  console.log(`\nactivations, N = ${N.toLocaleString("en-US")} float32, median of ${REPEATS} (ms; value / derivative)`);
  console.log(`backends: ${backends.join(", ")}; PyTorch: ${torchOk ? `${(torch as Record<string, unknown> & { _meta?: { torch: string; threads: number } })._meta?.torch} at ${wasmThreads} thread(s)` : torch}`);
  const header = ["activation", ...backends.flatMap((b) => [`${b} f`, `${b} f'`]), "js f", "js f'", "torch f", "torch f'", "wasm/torch", "target", "ok"];
  const rows: string[][] = [];
  for (const name of names) {
    const t = torchOk ? (torch as Record<string, { value_ms: number; grad_ms: number }>)[name] : undefined;
    const w = results.wasm?.[name];
    const ratio = t && w ? (w.value + w.grad) / (t.value_ms + t.grad_ms) : NaN;
    const target = STRICT.has(name) ? 3 : 10;
    rows.push([
      name,
      ...backends.flatMap((b) => [fmt(results[b][name].value), fmt(results[b][name].grad)]),
      fmt(loop[name]?.value),
      fmt(loop[name]?.grad),
      fmt(t?.value_ms),
      fmt(t?.grad_ms),
      fmt(ratio),
      `≤ ${target}×`,
      Number.isFinite(ratio) ? (ratio <= target ? "yes" : "NO") : "—",
    ]);
  }
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (r: string[]) => r.map((c, i) => c.padStart(i === 0 ? 0 : widths[i]).padEnd(i === 0 ? widths[0] : 0)).join("  ");
  console.log(line(header));
  for (const r of rows) console.log(line(r));
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
