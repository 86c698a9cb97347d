/**
 * Every backend present, side by side in one run, against PyTorch CPU at the same thread
 * count: each activation's value f and derivative f′ at N = 1e6 float32, gradientFlow
 * (5 activations × depth 20 × width 256 × batch 256), and an epoch of the digits MLP's training
 * step (bench/support/digits-training.ts). Not a test: `npm run bench -- backends`.
 *
 * Rounds interleave everything: within a round each backend and PyTorch (a long-lived child)
 * time the same thing one after another, so each round's ratio compares them under the same
 * machine load; the table shows the median ratio over rounds and its spread (min–max).
 * An activation's sample, on either side, is one untimed call and then the mean of
 * BENCH_CALLS (default 5) timed calls: the steady per-call cost of a loop over the function,
 * without the first call after other work (cold caches, idle thread pools), which made single
 * calls of ~1 ms vary 5-fold between rounds.
 *
 * Targets: tensorflow (what npm install gives users) gradientFlow ≤ 1.5× and every
 * activation's f + f′ ≤ 3× PyTorch; wasm gelu ≤ 5× and tanh ≤ 3×.
 *
 * A software WebGPU adapter (lavapipe) is no GPU and is left out unless asked for
 * (ACTIVATION_LAB_WEBGPU_SOFTWARE=1 or ACTIVATION_LAB_BACKEND=webgpu). GPU timings include
 * reading the result back (`await data()`), when the work is known to be done; CPU-side
 * backends compute synchronously. BENCH_BACKENDS=a,b limits the backends, BENCH_ROUNDS the
 * rounds (default 5), BENCH_JSON=path also writes the numbers (the device check keeps them).
 * PyTorch runs at every thread count a backend uses and on all cores (its best here). Where
 * tensorflow computed on several threads (more than two usable CPUs, see
 * src/tensorflow-threads.ts), a second run follows with it on one thread beside PyTorch on one.
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import { activation, availableBackends, gradientFlow, tf, useBackend, type BackendInfo, type BackendName } from "../src";
import { recommendedInit } from "../src/experiments/network";
import { median, spreadInputs } from "./support/timing";
import { startTorchServer, type TorchServer } from "./support/torch-server";
import { BATCH, HIDDEN, digitsTrainRows, ourTraining, startTorchTraining, stepsPerEpoch, type TorchTraining } from "./support/digits-training";

const N = Number(process.env.BENCH_N ?? 1_000_000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const CALLS = Number(process.env.BENCH_CALLS ?? 5);
const ACTIVATIONS = (process.env.BENCH_ACTIVATIONS ?? "relu,sigmoid,tanh,elu,gelu,swish,mish,softplus").split(",");
const FLOW_ACTIVATIONS = ["sigmoid", "tanh", "relu", "gelu", "selu"];
const FLOW_SHAPE = { depth: 20, width: 256, batch: 256, bins: 50 };
/** The sample key of a training epoch of the digits MLP. */
const TRAINING = "digits training";
/** Targets checked at the end: [backend, what, at most × PyTorch]. */
const TARGETS: [BackendName, string, number][] = [
  ["tensorflow", "gradientFlow", 1.5],
  ...ACTIVATIONS.map((a): [BackendName, string, number] => ["tensorflow", a, 3]),
  ["wasm", "gelu", 5],
  ["wasm", "tanh", 3],
];

interface Column {
  backend: BackendName;
  label: string;
  info: BackendInfo;
  threads: number;
  /** The pure-JS cpu backend and software WebGPU are slow: timed in the first round only. */
  slow: boolean;
  x?: tf.Tensor;
  /** The digits MLP, its data and optimizer on this backend. */
  training?: Awaited<ReturnType<typeof ourTraining>>;
}

/** The PyTorch thread count a column is compared with: its own, or all cores beside a GPU. */
function pytorchThreadsFor(c: Column): number {
  return c.info.gpu ? os.cpus().length : c.threads;
}

/** Per-round times (ms) of one thing on one side: f and f′, or a gradientFlow pass. */
type Samples = Map<string, { f: number[]; df: number[] }>;

const sum = (a: number[], b: number[]) => a.map((v, i) => v + b[i]);

function spread(values: number[]): string {
  if (values.length === 0) return "—";
  const m = median(values);
  const digits = m < 10 ? 2 : 0;
  if (values.length === 1) return `${m.toFixed(digits)}× (1 round)`;
  return `${m.toFixed(digits)}× [${Math.min(...values).toFixed(digits)}–${Math.max(...values).toFixed(digits)}]`;
}

function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, c) => Math.max(h.length, ...rows.map((r) => r[c].length)));
  return [header, ...rows].map((r) => r.map((v, c) => (c === 0 ? v.padEnd(widths[c]) : v.padStart(widths[c]))).join("  ")).join("\n");
}

const ms = (v: number | undefined) => (v === undefined || !Number.isFinite(v) ? "—" : v < 10 ? v.toFixed(2) : v.toFixed(0));

async function time(fn: () => tf.Tensor | Promise<unknown>, gpu: boolean): Promise<number> {
  const t0 = performance.now();
  const out = await fn();
  if (out instanceof tf.Tensor) {
    if (gpu) await out.data();
    out.dispose();
  }
  return performance.now() - t0;
}

/** One untimed call, then the mean ms of `calls` timed ones (as the PyTorch side does). */
async function meanTime(fn: () => tf.Tensor, gpu: boolean, calls: number): Promise<number> {
  await time(fn, gpu);
  let total = 0;
  for (let i = 0; i < calls; i++) total += await time(fn, gpu);
  return total / calls;
}

async function main(): Promise<void> {
  const only = process.env.BENCH_BACKENDS?.split(",").map((v) => v.trim());
  const xs = spreadInputs(N);
  const rows = digitsTrainRows();
  // gradientFlow's "auto" init measures each activation once (cached): done here, outside timings.
  const flowRuns = FLOW_ACTIVATIONS.map((n) => [n, recommendedInit(activation(n))]);
  const columns: Column[] = [];
  for (const b of (await availableBackends()).filter((name) => !only || only.includes(name))) {
    const info = await useBackend(b);
    const software = b === "webgpu" && !info.gpu;
    columns.push({ backend: b, label: software ? "webgpu (software)" : b, info, threads: info.threads ?? os.cpus().length, slow: b === "cpu" || software, x: tf.tensor1d(xs), training: await ourTraining(rows) });
  }

  // One PyTorch per thread count a backend uses (a GPU backend is set beside all cores), and
  // PyTorch on all cores, its best here, whatever the backends use.
  const torchThreads = [...new Set([...columns.map(pytorchThreadsFor), os.cpus().length])].sort((a, b) => a - b);
  const torchAct = new Map<number, TorchServer>();
  const torchFlow = new Map<number, TorchServer>();
  const torchTrain = new Map<number, TorchTraining>();
  let torchMissing = "";
  for (const threads of torchThreads) {
    const a = await startTorchServer("torch_activations.py", { n: N, threads, serve: true });
    const f = await startTorchServer("torch_gradient_flow.py", { ...FLOW_SHAPE, threads, serve: true, runs: flowRuns });
    const t = await startTorchTraining(rows, threads);
    const missing = [a, f, t].find((s): s is string => typeof s === "string");
    if (missing) torchMissing = missing;
    else torchAct.set(threads, a as TorchServer), torchFlow.set(threads, f as TorchServer), torchTrain.set(threads, t as TorchTraining);
  }

  const ours = new Map<BackendName, Samples>(columns.map((c) => [c.backend, new Map()]));
  const theirs = new Map<number, Samples>(torchThreads.map((t) => [t, new Map()]));
  const record = (s: Samples, key: string, f: number, df = 0) => {
    const e = s.get(key) ?? { f: [], df: [] };
    e.f.push(f);
    e.df.push(df);
    s.set(key, e);
  };
  const flowOnce = () => gradientFlow({ activations: FLOW_ACTIVATIONS, ...FLOW_SHAPE });

  // Round 0 warms up (kernels compiled, shaders built, wasm tiered up) and is not recorded.
  for (let round = 0; round <= ROUNDS; round++) {
    for (const name of ACTIVATIONS) {
      const act = activation(name);
      for (const c of columns) {
        if (c.slow && round > 1) continue;
        process.stderr.write(`\rround ${round}/${ROUNDS}: ${c.label} ${name}            `);
        await tf.setBackend(c.backend); // initialised above: switching is immediate
        const calls = c.slow ? 1 : CALLS;
        const f = await meanTime(() => act.apply(c.x!), c.backend === "webgpu", calls);
        const df = await meanTime(() => act.derivative(c.x!), c.backend === "webgpu", calls);
        if (round > 0) record(ours.get(c.backend)!, name, f, df);
      }
      for (const [threads, torch] of torchAct) {
        const r = await torch.ask<{ value_ms: number; grad_ms: number }>([name, {}, CALLS]);
        if (round > 0) record(theirs.get(threads)!, name, r.value_ms, r.grad_ms);
      }
    }
    for (const c of columns) {
      // The pure-JS cpu backend takes over a minute per pass: left out of gradientFlow.
      if ((c.slow && round > 1) || c.backend === "cpu") continue;
      process.stderr.write(`\rround ${round}/${ROUNDS}: ${c.label} gradientFlow            `);
      await tf.setBackend(c.backend);
      // A warm-up pass at depth 2 is enough for the slow ones; their one timed pass is round 1.
      const t = await time(() => (c.slow && round === 0 ? gradientFlow({ activations: FLOW_ACTIVATIONS, ...FLOW_SHAPE, depth: 2 }) : flowOnce()), false);
      if (round > 0) record(ours.get(c.backend)!, "gradientFlow", t);
    }
    for (const [threads, torch] of torchFlow) {
      const r = await torch.ask<{ ms: number }>("go");
      if (round > 0) record(theirs.get(threads)!, "gradientFlow", r.ms);
    }
    for (const c of columns) {
      if (c.slow && round > 1) continue;
      process.stderr.write(`\rround ${round}/${ROUNDS}: ${c.label} digits training            `);
      await tf.setBackend(c.backend);
      const ms = await c.training!.epoch();
      if (round > 0) record(ours.get(c.backend)!, TRAINING, ms);
    }
    for (const [threads, torch] of torchTrain) {
      const ms = await torch.epoch();
      if (round > 0) record(theirs.get(threads)!, TRAINING, ms);
    }
  }
  process.stderr.write("\n");
  for (const c of columns) {
    await tf.setBackend(c.backend);
    c.x?.dispose();
    c.training?.dispose();
  }
  for (const t of [...torchAct.values(), ...torchFlow.values(), ...torchTrain.values()]) t.close();

  /**
   * Per-round ratios of f + f′ (or a gradientFlow pass) to PyTorch at the column's threads
   * (or at `threads`: PyTorch at one thread is the steadier baseline on a loaded machine).
   */
  const ratios = (c: Column, key: string, threads = pytorchThreadsFor(c)): number[] => {
    const mine = ours.get(c.backend)!.get(key);
    const base = theirs.get(threads)?.get(key);
    if (!mine || !base || base.f.length === 0) return [];
    const a = sum(mine.f, mine.df);
    const b = sum(base.f, base.df);
    return a.map((v, i) => v / b[i]);
  };

  const torchVersion = [...torchAct.values()][0]?.version;
  console.log(`backends side by side — ${os.cpus()[0]?.model?.trim() ?? "CPU"}, ${os.cpus().length} cores, load ${os.loadavg()[0].toFixed(1)}; ${ROUNDS} interleaved rounds`);
  for (const c of columns) console.log(`  ${c.label}: ${c.info.device ?? ""}${c.info.gpu ? " (GPU)" : ""}, ${c.threads} thread(s)${c.slow ? "; slow: timed in round 1 only" : ""}`);
  console.log(`  PyTorch: ${torchVersion ? `${torchVersion} CPU, ${torchThreads.join(" and ")} thread(s)` : `skipped (${torchMissing})`}`);

  const torchCols = torchThreads.map((t) => `torch ${t}t`);
  console.log(`\nactivations, N = ${N.toLocaleString("en-US")} float32: median ms, f / f′`);
  const med = (s: Samples | undefined, key: string) => {
    const e = s?.get(key);
    return e ? `${ms(median(e.f))} / ${ms(median(e.df))}` : "—";
  };
  console.log(
    table(
      ["activation", ...columns.map((c) => c.label), ...torchCols],
      ACTIVATIONS.map((name) => [name, ...columns.map((c) => med(ours.get(c.backend), name)), ...torchThreads.map((t) => med(theirs.get(t), name))]),
    ),
  );
  console.log(`\nf + f′ × PyTorch at the same threads: median of per-round ratios [min–max]`);
  console.log(table(["activation", ...columns.map((c) => c.label)], ACTIVATIONS.map((name) => [name, ...columns.map((c) => spread(ratios(c, name)))])));

  console.log(`\ngradientFlow, ${FLOW_ACTIVATIONS.length} activations × depth ${FLOW_SHAPE.depth} × width ${FLOW_SHAPE.width} × batch ${FLOW_SHAPE.batch}`);
  /**
   * One timed thing on every column and PyTorch at each thread count: its median ms (as `cell`
   * writes it) and its per-round ratios to PyTorch; columns in `notRun` were not timed.
   */
  const timedTable = (key: string, msHeader: string, cell: (ms: number) => string, notRun: (c: Column) => boolean = () => false) => {
    const msOf = (s: Samples | undefined) => (s?.get(key) ? cell(median(s.get(key)!.f)) : "—");
    return table(
      ["run", msHeader, ...torchThreads.map((t) => `× PyTorch ${t}t [min–max]`)],
      [
        ...columns.map((c) =>
          notRun(c)
            ? [`${c.label} (${c.threads}t)`, "—", ...torchThreads.map(() => "not run")]
            : [`${c.label} (${c.threads}t)`, msOf(ours.get(c.backend)), ...torchThreads.map((t) => spread(ratios(c, key, t)))],
        ),
        ...torchThreads.map((t) => [`PyTorch CPU ${t}t`, msOf(theirs.get(t)), ...torchThreads.map((u) => (u === t ? "1×" : "—"))]),
      ],
    );
  };
  console.log(timedTable("gradientFlow", "median ms", ms, (c) => c.backend === "cpu"));

  const steps = stepsPerEpoch(rows);
  console.log(`\ntraining step of the digits MLP (64-${HIDDEN.join("-")}-10, Adam, batch ${BATCH}): an epoch of ${steps} steps, the library's trainStep against PyTorch`);
  console.log(timedTable(TRAINING, "median ms per epoch", (v) => `${ms(v)} (${ms(v / steps)}/step)`));

  console.log("\ntargets");
  for (const [backend, what, limit] of TARGETS) {
    const c = columns.find((col) => col.backend === backend);
    if (!c) continue;
    const r = ratios(c, what);
    if (r.length === 0) continue;
    // Beside the same-threads ratio (the target's), the ratio to PyTorch at the other thread
    // counts timed: at one thread it is the steadier baseline on a loaded machine, where
    // PyTorch's multi-threaded runs can collapse; on all cores it is PyTorch's best here.
    const same = pytorchThreadsFor(c);
    const others = torchThreads.filter((t) => t !== same).map((t) => `; against PyTorch ${t}t: ${spread(ratios(c, what, t))}`);
    console.log(`  ${backend} ${what}${what === "gradientFlow" ? "" : " f + f′"} ≤ ${limit}× PyTorch (${same}t): ${median(r) <= limit ? "met" : "MISSED"} (${spread(r)}${others.join("")})`);
  }

  if (process.env.BENCH_JSON) {
    const json = {
      n: N,
      rounds: ROUNDS,
      torch: torchVersion ?? null,
      columns: columns.map((c) => ({
        backend: c.backend,
        label: c.label,
        device: c.info.device,
        gpu: c.info.gpu,
        threads: c.threads,
        samples: Object.fromEntries(ours.get(c.backend)!),
        ratios: Object.fromEntries([...ACTIVATIONS, "gradientFlow", TRAINING].map((k) => [k, ratios(c, k)])),
      })),
      pytorch: torchThreads.map((t) => ({ threads: t, samples: Object.fromEntries(theirs.get(t)!) })),
    };
    fs.writeFileSync(process.env.BENCH_JSON, JSON.stringify(json, null, 2));
  }
  tensorflowOnOneThread(columns);
}

/**
 * TensorFlow computes each op on TF_NUM_INTRAOP_THREADS threads, read once when tfjs-node
 * loads, so its one-thread figures come from a second process: the same bench on tensorflow
 * alone, beside PyTorch at one thread. Run after the main table when tensorflow used more than
 * one thread there.
 */
function tensorflowOnOneThread(columns: Column[]): void {
  const tfColumn = columns.find((c) => c.backend === "tensorflow");
  if (process.env.BENCH_TF_ONE_THREAD || !tfColumn || tfColumn.info.gpu || tfColumn.threads === 1) return;
  console.log("\n=== tensorflow on one thread (TF_NUM_INTRAOP_THREADS=1), beside PyTorch at one thread");
  const env: NodeJS.ProcessEnv = { ...process.env, TF_NUM_INTRAOP_THREADS: "1", BENCH_BACKENDS: "tensorflow", BENCH_TF_ONE_THREAD: "1" };
  if (env.BENCH_JSON) env.BENCH_JSON = env.BENCH_JSON.replace(/(\.json)?$/, ".tensorflow-1t.json");
  const r = spawnSync(process.execPath, [__filename], { stdio: "inherit", env });
  if (r.status !== 0) throw new Error(`the one-thread tensorflow run failed (exit ${r.status})`);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
