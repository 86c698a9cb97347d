/**
 * A recurrent cell over T steps (claims C7, C19): h_t = f(W·h_{t−1} + U·x_t), with W drawn
 * at spectral radius ≈ `gain`. A bounded f (tanh) keeps every |h| ≤ 1 whatever W does; an
 * unbounded one (ReLU) lets the state grow by about gain/√2 per step. The gated variant
 * (GRU-style update gate u = σ(W_u·h + U_u·x), h_t = (1−u)⊙h_{t−1} + u⊙f(W·h + U·x)) mixes
 * old and new state with sigmoid gates in (0, 1).
 */
import { tf, type Tensor } from "../tf";
import { ready } from "../backend";
import { progress, takeInterrupt, yieldToEventLoop } from "../live";
import { resolveActivations, type Activation, type ActivationLike } from "../activations";
import { checkInt, checkKeys, checkNumber, checkUniqueLabels, withContext } from "./options";
import { ExperimentResult } from "./report";
import { interruptCheckpoint, type Checkpoint } from "./interrupt";
import { Rng } from "./rng";
import { recurrentSpec } from "../charts/pairing-recurrent-norm-drift";

export interface RecurrentOptions {
  activations?: ActivationLike | ActivationLike[];
  /** Time steps T (default 100). */
  steps?: number;
  /** Hidden units (default 64). */
  hidden?: number;
  /** Input features per step (default 8). */
  inputSize?: number;
  /** Sequences run in parallel (default 16). */
  batch?: number;
  /**
   * Scale of the recurrent weights: W ~ N(0, gain²/hidden), spectral radius ≈ gain (default 2).
   * ReLU halves the energy it passes, so its state grows by about gain/√2 per step: at 2 it
   * explodes for every seed; at 1.5 growth over 60 steps ranges from 2× to 10⁵× by seed.
   */
  gain?: number;
  seed?: number;
}

export interface RecurrentRun {
  activation: string;
  gated: boolean;
  /** Mean over the batch of ‖h_t‖₂, t = 1..T. */
  norms: number[];
  /** ‖h_T‖ / ‖h_1‖. */
  growth: number;
  /** Largest |h| seen over all steps. */
  maxAbs: number;
  /** Mean update-gate value per step (gated cells only). */
  gateMean?: number[];
  verdict: "exploding" | "vanishing" | "stable";
}

const FN = "recurrentCell";

export async function recurrentCell(opts: RecurrentOptions = {}): Promise<RecurrentCell> {
  checkKeys(FN, opts, ["activations", "steps", "hidden", "inputSize", "batch", "gain", "seed"]);
  const acts = checkUniqueLabels(FN, withContext(FN, "activations", () => resolveActivations(opts.activations, ["tanh", "relu"])));
  const o = {
    steps: checkInt(FN, "steps", opts.steps ?? 100, 1, 100_000),
    hidden: checkInt(FN, "hidden", opts.hidden ?? 64, 1, 4096),
    inputSize: checkInt(FN, "inputSize", opts.inputSize ?? 8, 1, 4096),
    batch: checkInt(FN, "batch", opts.batch ?? 16, 1, 4096),
    gain: checkNumber(FN, "gain", opts.gain ?? 2, 0, 100),
    seed: checkInt(FN, "seed", opts.seed ?? 0, -(2 ** 31), 2 ** 31 - 1),
  };
  await ready();
  const rng = new Rng(o.seed);
  const H = o.hidden;
  const I = o.inputSize;
  // Shared by every activation, so runs differ only by f and gating.
  const w = rng.normals(H * H, o.gain / Math.sqrt(H));
  const u = rng.normals(I * H, 1 / Math.sqrt(I));
  const wGate = rng.normals(H * H, 1 / Math.sqrt(H));
  const uGate = rng.normals(I * H, 1 / Math.sqrt(I));
  const inputs = rng.normals(o.steps * o.batch * I);
  const bar = progress(FN, acts.length * 2);
  const runs: RecurrentRun[] = [];
  let interrupted = false;
  const checkpoint = interruptCheckpoint();
  try {
    outer: for (const act of acts) {
      for (const gated of [false, true]) {
        await yieldToEventLoop();
        const run = takeInterrupt() ? undefined : await runCell(act, gated, o, { w, u, wGate, uGate, inputs }, checkpoint);
        if (!run) {
          interrupted = true;
          break outer;
        }
        runs.push(run);
        bar.update(runs.length, `${act.label}${gated ? " gated" : ""}`);
      }
    }
  } finally {
    bar.close(!interrupted);
  }
  return new RecurrentCell(runs, o, interrupted);
}

/** One cell over T steps; each step in its own tidy, so an interrupt between steps frees everything. Undefined when interrupted. */
async function runCell(act: Activation, gated: boolean, o: { steps: number; hidden: number; inputSize: number; batch: number }, p: Record<"w" | "u" | "wGate" | "uGate" | "inputs", Float32Array>, checkpoint: Checkpoint): Promise<RecurrentRun | undefined> {
  const { steps, hidden: H, inputSize: I, batch: B } = o;
  const owned: Tensor[] = [];
  const own = <T extends Tensor>(t: T): T => {
    owned.push(t);
    return t;
  };
  try {
    const W = own(tf.tensor2d(p.w, [H, H]));
    const U = own(tf.tensor2d(p.u, [I, H]));
    const Wg = own(tf.tensor2d(p.wGate, [H, H]));
    const Ug = own(tf.tensor2d(p.uGate, [I, H]));
    const xs = own(tf.tensor3d(p.inputs, [steps, B, I]));
    let h: Tensor = own(tf.zeros([B, H]));
    // Per step: mean ‖h‖, max |h|, mean gate; read back once at the end.
    const perStep: Tensor[] = [];
    for (let t = 0; t < steps; t++) {
      const prev = h;
      const [next, summary] = tf.tidy(() => {
        const x = tf.squeeze(tf.slice(xs, [t, 0, 0], [1, B, I]), [0]);
        const candidate = act.apply(tf.add(tf.matMul(prev, W), tf.matMul(x, U)));
        let gateMean: Tensor = tf.scalar(0);
        let state = candidate;
        if (gated) {
          const gate = tf.sigmoid(tf.add(tf.matMul(prev, Wg), tf.matMul(x, Ug)));
          state = tf.add(tf.mul(tf.sub(1, gate), prev), tf.mul(gate, candidate));
          gateMean = tf.mean(gate);
        }
        return [state, tf.stack([tf.mean(tf.norm(state, "euclidean", 1)), tf.max(tf.abs(state)), gateMean])];
      });
      h = own(next);
      perStep.push(own(summary));
      if (await checkpoint()) return undefined;
    }
    const table = own(tf.stack(perStep));
    const values = await table.data();
    const norms = Array.from({ length: steps }, (_, t) => values[3 * t]);
    let maxAbs = 0;
    for (let t = 0; t < steps; t++) maxAbs = Math.max(maxAbs, values[3 * t + 1]);
    const growth = norms[steps - 1] / norms[0];
    const verdict = !Number.isFinite(growth) || growth > 10 ? "exploding" : growth < 0.1 ? "vanishing" : "stable";
    const gateMean = gated ? Array.from({ length: steps }, (_, t) => values[3 * t + 2]) : undefined;
    return { activation: act.label, gated, norms, growth, maxAbs, ...(gateMean ? { gateMean } : {}), verdict };
  } finally {
    tf.dispose(owned);
  }
}

export class RecurrentCell extends ExperimentResult {
  constructor(
    readonly runs: RecurrentRun[],
    readonly options: { steps: number; hidden: number; inputSize: number; batch: number; gain: number; seed: number },
    readonly interrupted: boolean,
  ) {
    super();
  }

  run(activation: string, gated = false): RecurrentRun {
    const found = this.runs.find((r) => r.gated === gated && (r.activation === activation || r.activation.split("(")[0] === activation));
    if (!found) throw new RangeError(`no ${gated ? "gated " : ""}run for "${activation}"; runs: ${this.runs.map((r) => `${r.activation}${r.gated ? " (gated)" : ""}`).join(", ")}`);
    return found;
  }

  toSpec() {
    return recurrentSpec(this.runs, { title: this.title() });
  }

  protected title(): string {
    const o = this.options;
    return `Recurrent cell: ${o.steps} steps, ${o.hidden} hidden units, recurrent gain ${o.gain}${this.interrupted ? " — interrupted" : ""}`;
  }

  protected table() {
    return {
      headers: ["activation", "cell", "‖h_1‖", `‖h_${this.options.steps}‖`, "growth", "max |h|", "mean gate", "verdict"],
      rows: this.runs.map((r) => [
        r.activation,
        r.gated ? "gated (sigmoid update gate)" : "plain",
        r.norms[0],
        r.norms[r.norms.length - 1],
        r.growth,
        r.maxAbs,
        r.gateMean ? r.gateMean.reduce((a, b) => a + b, 0) / r.gateMean.length : "—",
        r.verdict,
      ]),
    };
  }
}
