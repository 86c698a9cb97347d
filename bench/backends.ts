/**
 * Every backend present, side by side in one run, with PyTorch CPU as the baseline:
 * activation value and derivative at N = 1e6 float32, and gradientFlow (5 activations ×
 * depth 20 × width 256 × batch 256). Not a test: `npm run bench` (or `-- backends`).
 *
 * A software WebGPU adapter (lavapipe) is no GPU and is left out unless asked for
 * (ACTIVATION_LAB_WEBGPU_SOFTWARE=1 or ACTIVATION_LAB_BACKEND=webgpu); then it is labelled
 * "(software)". GPU timings include reading the result back (`await data()`), since that is
 * when the work is known to be done; CPU-side backends compute synchronously.
 * BENCH_JSON=path also writes the numbers as JSON (the device check collects them).
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { activation, availableBackends, gradientFlow, tf, useBackend, type BackendName } from "../src";
import { recommendedInit } from "../src/experiments/network";
import { spreadInputs, timeMs } from "./support/timing";

const N = Number(process.env.BENCH_N ?? 1_000_000);
const REPEATS = Number(process.env.BENCH_REPEATS ?? 5);
const ACTIVATIONS = (process.env.BENCH_ACTIVATIONS ?? "relu,sigmoid,tanh,elu,gelu,swish,mish,softplus").split(",");
const FLOW_ACTIVATIONS = ["sigmoid", "tanh", "relu", "gelu", "selu"];
const FLOW_SHAPE = { depth: 20, width: 256, batch: 256, bins: 50 };
/** Where PyTorch lives: the project's .venv, or BENCH_PYTHON (the device check's own). */
const PYTHON = process.env.BENCH_PYTHON || path.resolve(__dirname, "..", "..", ".venv", "bin", "python");
const TORCH_DIR = process.env.BENCH_TORCH_DIR || path.resolve(__dirname, "..", "..", "bench");

interface Column {
  backend: BackendName;
  label: string;
  device: string;
  gpu: boolean;
  act: Record<string, { value: number; grad: number }>;
  flowMs?: number;
}

function torch(script: string, job: object): { ok: true; out: Record<string, unknown> } | { ok: false; why: string } {
  if (!fs.existsSync(PYTHON)) return { ok: false, why: `no Python at ${PYTHON}` };
  const r = spawnSync(PYTHON, [path.join(TORCH_DIR, script)], { input: JSON.stringify(job), encoding: "utf8", maxBuffer: 1 << 24 });
  if (r.status !== 0) return { ok: false, why: /No module named 'torch'/.test(r.stderr) ? "torch not installed" : r.stderr.trim().split("\n").pop() ?? "failed" };
  return { ok: true, out: JSON.parse(r.stdout) };
}

function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, c) => Math.max(h.length, ...rows.map((r) => r[c].length)));
  return [header, ...rows].map((r) => r.map((v, c) => (c === 0 ? v.padEnd(widths[c]) : v.padStart(widths[c]))).join("  ")).join("\n");
}

const fmt = (v: number | undefined) => (v === undefined || !Number.isFinite(v) ? "—" : v < 10 ? v.toFixed(2) : v.toFixed(0));

async function main(): Promise<void> {
  const xs = spreadInputs(N);
  const columns: Column[] = [];
  // gradientFlow's "auto" init measures each activation once (cached); do it here, on the
  // default backend, so no backend's timing carries it.
  const flowRuns = FLOW_ACTIVATIONS.map((n) => [n, recommendedInit(activation(n))]);
  // BENCH_BACKENDS=webgpu,wasm limits the run (the device check skips the slow pure-JS cpu).
  const only = process.env.BENCH_BACKENDS?.split(",").map((v) => v.trim());
  for (const b of (await availableBackends()).filter((name) => !only || only.includes(name))) {
    const info = await useBackend(b);
    const software = b === "webgpu" && !info.gpu;
    const col: Column = { backend: b, label: software ? "webgpu (software)" : b, device: info.device ?? "", gpu: info.gpu, act: {} };
    const x = tf.tensor1d(xs);
    const run = (f: () => tf.Tensor) => async () => {
      const y = f();
      if (b === "webgpu") await y.data();
      y.dispose();
    };
    // The pure-JS cpu backend and software WebGPU take long: fewer repeats place them well enough.
    const repeats = b === "cpu" || software ? 1 : REPEATS;
    for (const name of ACTIVATIONS) {
      const act = activation(name);
      col.act[name] = { value: await timeMs(run(() => act.apply(x)), repeats), grad: await timeMs(run(() => act.derivative(x)), repeats) };
      process.stderr.write(`\r${col.label}: ${name}            `);
    }
    x.dispose();
    process.stderr.write(`\r${col.label}: gradientFlow            `);
    col.flowMs = await timeMs(async () => void (await gradientFlow({ activations: FLOW_ACTIVATIONS, ...FLOW_SHAPE })), b === "cpu" || software ? 1 : 3);
    columns.push(col);
  }
  process.stderr.write("\n");

  const cores = os.cpus().length;
  const torchThreads = [...new Set([1, cores])];
  const torchAct = torchThreads.map((threads) => torch("torch_activations.py", { n: N, threads, repeats: REPEATS, activations: ACTIVATIONS.map((n) => [n, {}]) }));
  const torchFlow = torchThreads.map((threads) => torch("torch_gradient_flow.py", { ...FLOW_SHAPE, threads, repeats: 3, runs: flowRuns }));

  console.log(`backends side by side — ${os.cpus()[0]?.model?.trim() ?? "CPU"}, ${cores} cores`);
  for (const c of columns) console.log(`  ${c.label}: ${c.device}${c.gpu ? " (GPU)" : ""}`);
  for (const [i, t] of torchAct.entries()) {
    const meta = t.ok ? (t.out._meta as { torch?: string } | undefined) : undefined;
    console.log(`  torch ${torchThreads[i]}t: ${t.ok ? `PyTorch ${meta?.torch ?? ""} CPU, ${torchThreads[i]} thread(s)` : `skipped (${t.why})`}`);
  }

  console.log(`\nactivations, N = ${N.toLocaleString("en-US")} float32, median ms, value / derivative`);
  const header = ["activation", ...columns.map((c) => c.label), ...torchThreads.map((t) => `torch ${t}t`)];
  const rows = ACTIVATIONS.map((name) => [
    name,
    ...columns.map((c) => `${fmt(c.act[name]?.value)} / ${fmt(c.act[name]?.grad)}`),
    ...torchAct.map((t) => {
      const r = t.ok ? (t.out[name] as { value_ms: number; grad_ms: number } | undefined) : undefined;
      return r ? `${fmt(r.value_ms)} / ${fmt(r.grad_ms)}` : "—";
    }),
  ]);
  console.log(table(header, rows));

  const torchFlowMs = torchFlow.map((t) => (t.ok ? (t.out.total_ms as number) : undefined));
  const base = torchFlowMs[0];
  console.log(`\ngradientFlow, ${FLOW_ACTIVATIONS.length} activations × depth ${FLOW_SHAPE.depth} × width ${FLOW_SHAPE.width} × batch ${FLOW_SHAPE.batch}`);
  const flowRows = [
    ...columns.map((c) => [c.label, fmt(c.flowMs), base ? `${(c.flowMs! / base).toFixed(2)}×` : "—"]),
    ...torchThreads.map((t, i) => [`PyTorch CPU ${t}t`, fmt(torchFlowMs[i]), base && torchFlowMs[i] ? `${(torchFlowMs[i]! / base).toFixed(2)}×` : "—"]),
  ];
  console.log(table(["run", "ms", "× PyTorch 1t"], flowRows));

  if (process.env.BENCH_JSON) {
    const torchOut = torchThreads.map((threads, i) => ({ threads, activations: torchAct[i].ok ? (torchAct[i] as { out: unknown }).out : null, flowMs: torchFlowMs[i] ?? null }));
    fs.writeFileSync(process.env.BENCH_JSON, JSON.stringify({ n: N, columns, torch: torchOut }, null, 2));
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
