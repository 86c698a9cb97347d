/**
 * The experiments' key results on one backend against wasm, shared by key-results.test.ts
 * (every backend, each in its own process) and the device check (flow-check.ts):
 * gradientFlow's per-layer statistics must match wasm's, and the facts the experiments
 * illustrate must hold on the backend under test.
 */
import { gradientFlow, type FlowRun } from "../../src/experiments";
import { useBackend, type BackendName } from "../../src/backend";

/** Per-layer statistics compared; summation order differs by backend (lavapipe: ≤ 3e-6 measured). */
const STAT_TOLERANCE = 1e-4;

export interface Compared {
  activation: string;
  stat: string;
  layer: number;
  relDiff: number;
}

function relDiff(a: number, b: number): number {
  return Math.abs(a - b) / Math.max(Math.abs(a), Math.abs(b), 1e-30);
}

function compare(a: FlowRun, b: FlowRun): Compared[] {
  const out: Compared[] = [];
  a.layers.forEach((la, i) => {
    const lb = b.layers[i];
    const pairs: [string, number, number][] = [
      ["grad.norm", la.grad.norm, lb.grad.norm],
      ["grad.std", la.grad.std, lb.grad.std],
      ["forward.std", la.forward.std, lb.forward.std],
      ["forward.inputSecondMoment", la.forward.inputSecondMoment, lb.forward.inputSecondMoment],
    ];
    for (const [stat, x, y] of pairs) out.push({ activation: a.activation, stat, layer: la.layer, relDiff: relDiff(x, y) });
  });
  return out;
}

export interface FlowFacts {
  backend: BackendName;
  device?: string;
  gpu: boolean;
  /** Layer statistics compared with wasm's. */
  cases: number;
  tolerance: number;
  /** The first few statistics beyond `tolerance` (none expected). */
  failures: Compared[];
  worst: Compared;
  facts: { sigmoidVanishes: boolean; reluHeHealthy: boolean; seluSelfNormalizes: boolean; verdictsMatchWasm: boolean };
}

/** Runs the comparison and the facts on `target`; leaves `target` as the current backend. */
export async function flowFacts(target: BackendName): Promise<FlowFacts> {
  const shape = { activations: ["sigmoid", "tanh", "relu", "gelu", "selu", "swish"], depth: 8, width: 64, batch: 64, seed: 7, bins: 20 };
  await useBackend("wasm");
  const reference = await gradientFlow(shape);
  const info = await useBackend(target);
  const flow = await gradientFlow(shape);
  const diffs = flow.runs.flatMap((run, i) => compare(run, reference.runs[i]));
  const worst = diffs.reduce((w, d) => (d.relDiff > w.relDiff ? d : w), diffs[0]);

  // The facts the gradientFlow tests check on wasm, here on the backend under test.
  const deep = await gradientFlow({ activations: ["sigmoid", "relu"], depth: 20, init: "auto", seed: 1 });
  const selu = await gradientFlow({ activations: ["selu"], init: "lecun", depth: 16, width: 256, batch: 128, seed: 3 });
  const seluVariances = selu.runs[0].layers.map((l) => l.forward.std ** 2);
  const facts = {
    sigmoidVanishes: deep.run("sigmoid").verdict === "vanishing" && deep.run("sigmoid").ratio < 1e-3,
    reluHeHealthy: deep.run("relu").verdict === "healthy",
    seluSelfNormalizes: seluVariances.every((v) => v >= 0.8 && v <= 1.25),
    verdictsMatchWasm: flow.runs.every((r, i) => r.verdict === reference.runs[i].verdict),
  };
  return {
    backend: info.name,
    device: info.device,
    gpu: info.gpu,
    cases: diffs.length,
    tolerance: STAT_TOLERANCE,
    failures: diffs.filter((d) => !(d.relDiff <= STAT_TOLERANCE)).slice(0, 5),
    worst,
    facts,
  };
}
