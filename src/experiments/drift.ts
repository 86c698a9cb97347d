/**
 * Data drift (claim C28): train each activation's network on a dataset, then feed it the
 * same points shifted (x·scale + shift). Large positive inputs push ReLU units to output 0
 * on every example (dead) and bounded units into their flat tails (saturated); zero-centred
 * activations with a slope everywhere degrade less.
 */
import { tf, type Tensor } from "../tf";
import { ready } from "../backend";
import { progress, takeInterrupt, yieldToEventLoop } from "../live";
import type { Activation } from "../activations";
import type { Dataset } from "../datasets";
import { forward, type Params } from "./network";
import { accuracyOf, predict } from "./objective";
import { checkNumber } from "./options";
import { ExperimentResult, percent } from "./report";
import { SATURATION_THRESHOLD } from "./stats";
import { deadShares } from "./health";
import { interruptCheckpoint } from "./interrupt";
import { resolveTrainOptions, trainNetwork, type ResolvedTrainOptions, type TrainOptions } from "./train";
import { driftSpec } from "../charts/pairing-recurrent-norm-drift";

export interface DriftOptions extends TrainOptions {
  /** Added to every input feature after training (default 4). */
  shift?: number;
  /** Multiplies every input feature before the shift (default 1). */
  scale?: number;
}

export interface DriftState {
  /** Per hidden layer: share of units with output 0 on every example. */
  dead: number[];
  /** Per hidden layer: share of (example, unit) pairs with |f'(z)| < SATURATION_THRESHOLD. */
  saturated: number[];
  accuracy: number | null;
}

export interface DriftRow {
  activation: string;
  before: DriftState;
  after: DriftState;
}

const FN = "dataDrift";

async function probe(net: Params, act: Activation, o: ResolvedTrainOptions, data: Dataset, x: Float32Array): Promise<DriftState> {
  const [dead, saturated, p] = tf.tidy(() => {
    const trace = forward(net, tf.tensor2d(x, [data.n, data.features]), act, o.norm);
    const deadness = deadShares(trace.outputs);
    const sat = tf.stack(trace.localDerivative.map((d) => tf.mean(tf.cast(tf.less(tf.abs(d), SATURATION_THRESHOLD), "float32"))));
    return [deadness, sat, predict(o.output, trace.logits as Tensor)];
  });
  try {
    const [deadValues, saturatedValues] = await Promise.all([dead.data(), saturated.data()]);
    return { dead: Array.from(deadValues), saturated: Array.from(saturatedValues), accuracy: await accuracyOf(o.output, p, data.y, data.task) };
  } finally {
    tf.dispose([dead, saturated, p]);
  }
}

export async function dataDrift(opts: DriftOptions = {}): Promise<DataDrift> {
  // One network per activation, trained on every row and probed on the same rows shifted: there is no held-out set or seed summary here.
  for (const key of ["seeds", "validation"] as const) {
    if (opts !== null && typeof opts === "object" && opts[key] !== undefined) throw new RangeError(`${FN}: ${key} is not an option here (it trains on every row, once, with \`seed\`); use train for seeds and validation`);
  }
  const { o, data } = resolveTrainOptions({ activations: ["relu", "leaky_relu", "elu", "tanh", "sigmoid"], dataset: "moons", epochs: 40, ...opts, validation: 0 }, FN, ["shift", "scale"]);
  const shift = checkNumber(FN, "shift", opts.shift ?? 4, -1e6, 1e6);
  const scale = checkNumber(FN, "scale", opts.scale ?? 1, -1e6, 1e6);
  await ready();
  const shifted = data.x.map((v) => v * scale + shift);
  const bar = progress(FN, o.activations.length * o.epochs);
  const rows: DriftRow[] = [];
  let interrupted = false;
  let done = 0;
  const checkpoint = interruptCheckpoint();
  try {
    for (const act of o.activations) {
      await yieldToEventLoop();
      if (takeInterrupt()) {
        interrupted = true;
        break;
      }
      const { trained, interrupted: stopped } = await trainNetwork(act, o, data, () => bar.update(++done, act.label), checkpoint);
      try {
        if (stopped) {
          interrupted = true;
          break;
        }
        rows.push({ activation: act.label, before: await probe(trained.params, act, o, data, data.x), after: await probe(trained.params, act, o, data, shifted) });
      } finally {
        tf.dispose([...trained.params.w, ...(trained.params.b ?? [])]);
      }
    }
  } finally {
    bar.close(!interrupted);
  }
  return new DataDrift(rows, { dataset: o.dataset, epochs: o.epochs, shift, scale, depth: o.depth, width: o.width }, interrupted);
}

export class DataDrift extends ExperimentResult {
  constructor(
    readonly rows: DriftRow[],
    readonly options: { dataset: string; epochs: number; shift: number; scale: number; depth: number; width: number },
    readonly interrupted: boolean,
  ) {
    super();
  }

  row(activation: string): DriftRow {
    const found = this.rows.find((r) => r.activation === activation || r.activation.split("(")[0] === activation);
    if (!found) throw new RangeError(`no row for "${activation}"; rows: ${this.rows.map((r) => r.activation).join(", ")}`);
    return found;
  }

  toSpec() {
    return driftSpec(this.rows, { title: this.title() });
  }

  protected title(): string {
    const o = this.options;
    return `Data drift on ${o.dataset}: inputs x → ${o.scale}·x + ${o.shift} after ${o.epochs} epochs of training${this.interrupted ? " — interrupted" : ""}`;
  }

  protected table() {
    const max = (v: number[]) => Math.max(0, ...v);
    return {
      headers: ["activation", "max dead before", "max dead after", "saturated before (mean)", "saturated after (mean)", "accuracy before", "accuracy after"],
      rows: this.rows.map((r) => {
        const mean = (v: number[]) => v.reduce((a, b) => a + b, 0) / Math.max(1, v.length);
        return [r.activation, percent(max(r.before.dead)), percent(max(r.after.dead)), percent(mean(r.before.saturated)), percent(mean(r.after.saturated)), r.before.accuracy ?? "—", r.after.accuracy ?? "—"];
      }),
    };
  }
}
