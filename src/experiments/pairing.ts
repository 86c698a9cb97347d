/**
 * Output layer and loss pairing (claims C6, C21): the gradient that reaches the logit of
 * the true class, for matched pairs (sigmoid + binary cross-entropy, softmax +
 * cross-entropy) and mismatched ones (sigmoid or softmax + MSE). On a confidently wrong
 * prediction the matched pairs pass back a gradient near 1, the MSE pairs almost nothing,
 * because MSE multiplies by the saturated sigmoid's derivative. Gradients come from tf.grad
 * of the library's own losses, so this shows what training sees.
 */
import { tf, type Tensor } from "../tf";
import { ready, withSyncReads } from "../backend";
import { lossValue, predict, resolveOutput, targets, type OutputLayer } from "./objective";
import { checkInt, checkKeys, checkNumber } from "./options";
import { interruptCheckpoint } from "./interrupt";
import { ExperimentResult } from "./report";
import { pairingSpec } from "../charts/pairing-recurrent-norm-drift";

export interface PairingOptions {
  /** Logit range of the true class (default −10 … 10). */
  from?: number;
  to?: number;
  points?: number;
  /** Classes for the softmax pairs (the other logits are 0). Default 3. */
  classes?: number;
  /** Gradient-descent steps (lr 1) allowed to move a logit from `from` to a correct prediction (default 2000). */
  maxSteps?: number;
}

export interface PairingSeries {
  /** e.g. "sigmoid + cross_entropy". */
  pairing: string;
  output: "sigmoid" | "softmax";
  loss: "cross_entropy" | "mse";
  /** ∂L/∂z for the true class's logit z at each x. */
  gradient: Float32Array;
  /** The gradient at z = from (the confidently wrong end). */
  atWrong: number;
  /** Steps of z ← z − ∂L/∂z from z = from until the true class wins; null if not within maxSteps. */
  stepsToCorrect: number | null;
}

const FN = "outputLossPairing";
const PAIRS: { output: "sigmoid" | "softmax"; loss: "cross_entropy" | "mse" }[] = [
  { output: "sigmoid", loss: "cross_entropy" },
  { output: "sigmoid", loss: "mse" },
  { output: "softmax", loss: "cross_entropy" },
  { output: "softmax", loss: "mse" },
];

/** Per-example ∂L/∂z_true for rows of logits (true class first); the mean loss is undone by × rows. */
function trueLogitGradient(out: OutputLayer, logits: Tensor, y: Tensor): Tensor {
  return tf.tidy(() => {
    const g = tf.grad((z: Tensor) => lossValue(out, predict(out, z), y))(logits);
    return tf.mul(tf.slice(g, [0, 0], [-1, 1]).reshape([-1]), logits.shape[0]);
  });
}

function logitsFor(out: OutputLayer, z: Float32Array): Tensor {
  const rows = z.length;
  if (out.units === 1) return tf.tensor2d(z, [rows, 1]);
  const data = new Float32Array(rows * out.units);
  for (let i = 0; i < rows; i++) data[i * out.units] = z[i];
  return tf.tensor2d(data, [rows, out.units]);
}

export async function outputLossPairing(opts: PairingOptions = {}): Promise<OutputLossPairing> {
  checkKeys(FN, opts, ["from", "to", "points", "classes", "maxSteps"]);
  const from = checkNumber(FN, "from", opts.from ?? -10, -1e3, 1e3);
  const to = checkNumber(FN, "to", opts.to ?? 10, -1e3, 1e3);
  if (!(to > from)) throw new RangeError(`${FN}: to must be greater than from, got from ${from}, to ${to}`);
  const points = checkInt(FN, "points", opts.points ?? 201, 2, 100_000);
  const classes = checkInt(FN, "classes", opts.classes ?? 3, 2, 100);
  const maxSteps = checkInt(FN, "maxSteps", opts.maxSteps ?? 2000, 1, 1_000_000);
  await ready();
  const x = Float32Array.from({ length: points }, (_, i) => from + ((to - from) * i) / (points - 1));
  const series: PairingSeries[] = [];
  const checkpoint = interruptCheckpoint();
  let interrupted = false;
  for (const pair of PAIRS) {
    if (interrupted) break;
    // The true class is class 0; a sigmoid output is one unit with target 1.
    const out = resolveOutput(FN, "classification", pair.output === "sigmoid" ? 2 : classes, pair.output, pair.loss);
    const labelOne = out.units === 1 ? 1 : 0;
    // Thousands of tiny steps: read synchronously, on a CPU-side backend when webgpu is active.
    const gradientAt = (z: Float32Array): Float32Array =>
      withSyncReads(() =>
        tf.tidy(() => {
          const y = targets(out, new Float32Array(z.length).fill(labelOne), "classification");
          return trueLogitGradient(out, logitsFor(out, z), y).dataSync() as Float32Array;
        }),
      );
    const gradient = gradientAt(x);
    // The true class wins when z > 0 (sigmoid: p > ½; softmax against zero logits: largest).
    let z = from;
    let steps: number | null = null;
    for (let s = 1; s <= maxSteps; s++) {
      z -= gradientAt(Float32Array.of(z))[0];
      if (z > 0) {
        steps = s;
        break;
      }
      if (await checkpoint()) {
        interrupted = true;
        break;
      }
    }
    if (interrupted) break;
    series.push({ pairing: `${pair.output} + ${pair.loss}`, output: pair.output, loss: pair.loss, gradient, atWrong: gradient[0], stepsToCorrect: steps });
  }
  return new OutputLossPairing(x, series, { from, to, points, classes, maxSteps }, interrupted);
}

export class OutputLossPairing extends ExperimentResult {
  constructor(
    readonly x: Float32Array,
    readonly series: PairingSeries[],
    readonly options: Required<PairingOptions>,
    /** True when an interrupt stopped the run; `series` holds the pairings that finished. */
    readonly interrupted = false,
  ) {
    super();
  }

  pairing(name: string): PairingSeries {
    const found = this.series.find((s) => s.pairing === name || s.pairing.replace(/ /g, "") === name.replace(/ /g, ""));
    if (!found) throw new RangeError(`no pairing "${name}"; pairings: ${this.series.map((s) => s.pairing).join(", ")}`);
    return found;
  }

  toSpec() {
    return pairingSpec(this.x, this.series, { title: this.title() });
  }

  protected title(): string {
    return `Output/loss pairing: gradient at the true class's logit (target class wins when z > 0; ${this.options.classes} classes for softmax)${this.interrupted ? " — interrupted" : ""}`;
  }

  protected table() {
    return {
      headers: ["pairing", `∂L/∂z at z = ${this.options.from}`, `steps (lr 1) from z = ${this.options.from} to correct`],
      rows: this.series.map((s) => [s.pairing, s.atWrong, s.stepsToCorrect ?? `> ${this.options.maxSteps}`]),
    };
  }
}
