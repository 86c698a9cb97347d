/**
 * Does normalization make the choice of activation matter less (claim C18)? The same deep
 * network, same weights, for several activations, with no norm, batch norm and layer norm;
 * for each norm the spread across activations of how much the gradient changes through the
 * stack (log10 of the first/last gradient-norm ratio) and of the first layer's gradient norm.
 */
import { ready } from "../backend";
import { progress, takeInterrupt, yieldToEventLoop } from "../live";
import type { ActivationLike } from "../activations";
import { NORM_CHOICES, type InitChoice, type NormName } from "./network";
import { flowInput, flowRun, flowWeights, resolveFlowOptions, withFlowTensors, type FlowRun } from "./gradient-flow";
import { interruptCheckpoint } from "./interrupt";
import { checkChoice, checkKeys } from "./options";
import { ExperimentResult } from "./report";
import { normComparisonSpec } from "../charts/pairing-recurrent-norm-drift";

export interface NormComparisonOptions {
  activations?: ActivationLike | ActivationLike[];
  norms?: NormName[];
  depth?: number;
  width?: number;
  batch?: number;
  /** One init for every activation (default glorot), so only the activation differs. */
  init?: InitChoice;
  seed?: number;
}

export interface NormRow {
  norm: NormName;
  /** max − min over activations of log10(first/last gradient-norm ratio): decades apart. */
  ratioSpread: number;
  /** max − min over activations of log10 ‖∂L/∂W₁‖. */
  firstLayerSpread: number;
  runs: FlowRun[];
}

const FN = "normComparison";
export const NORM_COMPARISON_DEFAULT_ACTIVATIONS = ["relu", "leaky_relu", "elu", "tanh", "sigmoid"];

function spread(values: number[]): number {
  const logs = values.map((v) => Math.log10(v)).filter(Number.isFinite);
  return logs.length ? Math.max(...logs) - Math.min(...logs) : NaN;
}

export async function normComparison(opts: NormComparisonOptions = {}): Promise<NormComparison> {
  checkKeys(FN, opts, ["activations", "norms", "depth", "width", "batch", "init", "seed"]);
  const norms = opts.norms ?? [...NORM_CHOICES];
  if (!Array.isArray(norms) || norms.length === 0) throw new RangeError(`${FN}: norms must be a non-empty array of "none", "batch", "layer"`);
  norms.forEach((n) => checkChoice(FN, "norms", n, NORM_CHOICES));
  const base = resolveFlowOptions(
    { activations: opts.activations ?? NORM_COMPARISON_DEFAULT_ACTIVATIONS, depth: opts.depth ?? 20, width: opts.width ?? 128, batch: opts.batch ?? 128, init: opts.init ?? "glorot", seed: opts.seed ?? 0, bins: 10 },
    FN,
  );
  await ready();
  const input = flowInput(base);
  const weights = flowWeights(base, input);
  const bar = progress(FN, norms.length * base.activations.length);
  const rows: NormRow[] = [];
  let interrupted = false;
  let done = 0;
  const checkpoint = interruptCheckpoint();
  try {
    await withFlowTensors(base, input, weights, async (shared) => {
      outer: for (const norm of norms) {
        const runs: FlowRun[] = [];
        for (const act of base.activations) {
          await yieldToEventLoop();
          const run = takeInterrupt() ? undefined : await flowRun(act, { ...base, norm }, shared, checkpoint);
          if (!run) {
            interrupted = true;
            break outer;
          }
          runs.push(run);
          bar.update(++done, `${norm}: ${act.label}`);
        }
        rows.push({ norm, ratioSpread: spread(runs.map((r) => r.ratio)), firstLayerSpread: spread(runs.map((r) => r.layers[0].grad.norm)), runs });
      }
    });
  } finally {
    bar.close(!interrupted);
  }
  const { activations, ...rest } = base;
  return new NormComparison(rows, { ...rest, activations: activations.map((a) => a.label) }, interrupted);
}

export class NormComparison extends ExperimentResult {
  constructor(
    readonly rows: NormRow[],
    readonly options: { activations: string[]; depth: number; width: number; batch: number; init: InitChoice; seed: number },
    readonly interrupted: boolean,
  ) {
    super();
  }

  row(norm: NormName): NormRow {
    const found = this.rows.find((r) => r.norm === norm);
    if (!found) throw new RangeError(`no row for norm "${norm}"; rows: ${this.rows.map((r) => r.norm).join(", ")}`);
    return found;
  }

  toSpec() {
    return normComparisonSpec(this.rows, { title: this.title() });
  }

  protected title(): string {
    const o = this.options;
    return `Normalization vs activation choice: depth ${o.depth}, width ${o.width}, init ${o.init}, activations ${o.activations.join(", ")}${this.interrupted ? " — interrupted" : ""}`;
  }

  protected table() {
    const acts = this.options.activations;
    return {
      headers: ["norm", "spread of log10 ratio (decades)", "spread of log10 ‖∂L/∂W₁‖", ...acts.map((a) => `${a} ratio`)],
      rows: this.rows.map((r) => [r.norm, r.ratioSpread, r.firstLayerSpread, ...r.runs.map((run) => run.ratio)]),
    };
  }
}
