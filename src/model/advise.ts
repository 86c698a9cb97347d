/**
 * advise: which hidden activation should this model use on this data? Every candidate is
 * swapped in (withActivation, re-initialised per seed), trained with the same seeds, splits
 * and batch orders, and judged on held-out data with a 95 % interval; gradient health at init,
 * stuck units at the end and the time per step decide between candidates the data cannot
 * tell apart. The answer says why each runner-up lost (README "Analyse your own model").
 */
import { tf } from "../tf";
import { ready } from "../backend";
import { DISPLAY, progress, takeInterrupt, type MimeBundle } from "../live";
import { resolveActivations, type ActivationLike } from "../activations";
import { chartAndTableOutputs, escapeHtml, formatNumber, htmlTable, textTable } from "../charts/render";
import { trainingSpec } from "../charts/training";
import { compare, formatSummary, summarize, type Summary } from "../evidence/summary";
import { verdictFor, type Verdict } from "../experiments/gradient-flow";
import { interruptCheckpoint } from "../experiments/interrupt";
import { recommendedInit, type InitName } from "../experiments/network";
import { checkNumber, checkSeeds, checkUniqueLabels, withContext } from "../experiments/options";
import { checkModel, disposeData, prepareData, resolveLoss, type LossLike, type ModelData, type ResolvedLoss } from "./data";
import { layout } from "./graph";
import { rebuild, selectLayers } from "./swap";
import { foldSeeds, resolveModelTrainOptions, splitFor, trainSeed, type ModelRunResult, type ResolvedModelTrain, type SeedRun } from "./train";
import { registerWasmConvGradients } from "./wasm-kernels";

export const ADVISE_DEFAULT_CANDIDATES = ["relu", "leaky_relu", "elu", "selu", "gelu", "swish", "tanh"];
/** Default wall-time budget when no epoch count is given. */
export const ADVISE_DEFAULT_BUDGET_SECONDS = 60;
/** More than this share of a hidden layer's units stuck at the end makes a candidate unhealthy. */
export const UNHEALTHY_STUCK_SHARE = 0.5;
const MAX_EPOCHS = 200;

export interface AdviseOptions {
  candidates?: ActivationLike[];
  /** Seeds per candidate (count ≥ 3, or a list of ≥ 3); default 3. */
  seeds?: number | number[];
  /** First seed when `seeds` is a count (default 0). */
  seed?: number;
  /** Epochs per training; without it, as many as `budgetSeconds` allows. */
  epochs?: number;
  budgetSeconds?: number;
  lr?: number;
  optimizer?: "adam" | "sgd";
  batch?: number;
  validation?: number;
  loss?: LossLike;
  bins?: number;
}

export type Outcome = "recommended" | "worse" | "indistinguishable but slower" | "indistinguishable" | "unhealthy gradients";

export interface CandidateResult {
  activation: string;
  init: InitName;
  /** Per seed, the validation metric (accuracy for classification, else loss). */
  values: number[];
  summary: Summary;
  /** Gradient flow at init (first seed's verdict; the ratio is the median over seeds). */
  verdict: Verdict;
  ratio: number;
  /**
   * Largest share of stuck (dead) units in a hidden layer at the end, mean over seeds; null
   * when every swapped layer is recurrent (LSTM, GRU, SimpleRNN), whose units are not measured.
   */
  stuck: number | null;
  dead: number | null;
  /** Median over seeds of the median optimizer step, ms. */
  msPerStep: number;
  /** Per seed, the median optimizer step, ms (compared paired over seeds, like the metric). */
  msPerSeed: number[];
  rank: number;
  outcome: Outcome;
  /** Why it lost (null for the recommendation). */
  reason: string | null;
  run: ModelRunResult;
}

export interface OutputCheck {
  output: string;
  loss: string;
  ok: boolean;
  message: string;
}

function resolveModel(modelOrLayers: unknown): tf.LayersModel {
  if (Array.isArray(modelOrLayers)) {
    if (!modelOrLayers.every((l) => l instanceof tf.layers.Layer)) throw new TypeError("advise: a list must hold tf.layers (the first with an inputShape), to be stacked into a tf.sequential model");
    return tf.sequential({ layers: modelOrLayers as tf.layers.Layer[] });
  }
  return checkModel("advise", modelOrLayers);
}

function outputActivation(model: tf.LayersModel): string {
  const out = layout(model).weighted.find((w) => w.output);
  return out?.site?.label ?? "linear";
}

/** An uncompiled model's loss, read off its output: softmax → categorical cross-entropy, one sigmoid → binary, else MSE. */
function inferredLoss(model: tf.LayersModel): LossLike {
  const out = outputActivation(model);
  if (/softmax/i.test(out)) return "categoricalCrossentropy";
  const units = model.outputs[0].shape[model.outputs[0].shape.length - 1];
  return /sigmoid/i.test(out) && units === 1 ? "binaryCrossentropy" : "meanSquaredError";
}

/**
 * Does the model's output activation produce what its loss expects (C21)? `loss` defaults to
 * the compiled one.
 *
 * ```ts
 * checkOutputLoss(model);   // { output: "sigmoid", loss: "meanSquaredError", ok: false, message: "..." }
 * ```
 */
export function checkOutputLoss(model: tf.LayersModel, loss?: LossLike): OutputCheck {
  const m = checkModel("checkOutputLoss", model);
  return outputCheck(m, resolveLoss("checkOutputLoss", m, loss));
}

function outputCheck(model: tf.LayersModel, loss: ResolvedLoss): OutputCheck {
  const output = outputActivation(model);
  const base = { output, loss: loss.name };
  const softmax = /softmax/i.test(output);
  const sigmoid = /sigmoid/i.test(output);
  if (loss.name === "custom") return { ...base, ok: true, message: "a custom loss: the pairing is not checked" };
  if (loss.name === "categoricalCrossentropy" || loss.name === "sparseCategoricalCrossentropy") {
    return softmax ? { ...base, ok: true, message: "softmax probabilities with cross-entropy: the gradient at the logits is p − y" } : { ...base, ok: false, message: `${loss.name} expects class probabilities, but the output layer applies ${output}; use softmax` };
  }
  if (loss.name === "binaryCrossentropy") {
    return sigmoid ? { ...base, ok: true, message: "a sigmoid probability with binary cross-entropy: the gradient at the logit is p − y" } : { ...base, ok: false, message: `binaryCrossentropy expects a probability in (0, 1), but the output layer applies ${output}; use sigmoid` };
  }
  if (softmax || sigmoid) return { ...base, ok: false, message: `${output} outputs under ${loss.name}: a saturated output passes back almost no gradient; for classes use ${softmax ? "softmax + categoricalCrossentropy" : "sigmoid + binaryCrossentropy"}` };
  return { ...base, ok: true, message: `${output} output with ${loss.name}: an unbounded output for a regression loss` };
}

function median(values: number[]): number {
  const s = values.slice().sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

function verdictOf(run: SeedRun): { verdict: Verdict; ratio: number } {
  const layers = run.steps[0].layers;
  const ratio = layers[0].grad.norm / layers[layers.length - 1].grad.norm;
  return { verdict: verdictFor(ratio, layers.some((l) => l.grad.nan > 0 || l.grad.inf > 0)), ratio };
}

/**
 * Trains each candidate activation in the model's hidden layers over ≥ 3 seeds and recommends one.
 *
 * ```ts
 * const advice = await advise(model, datasets.digits({ normalize: true }));
 * advice.recommendation.activation;  advice.candidates.map((c) => [c.activation, c.outcome, c.reason]);
 * ```
 */
export async function advise(modelOrLayers: tf.LayersModel | tf.layers.Layer[], data: ModelData, opts: AdviseOptions = {}): Promise<Advice> {
  const fn = "advise";
  const model = resolveModel(modelOrLayers);
  const { candidates: candidateOption, budgetSeconds: budgetOption, seeds: seedOption, seed: firstSeed, ...trainOptions } = opts;
  const seeds = checkSeeds(fn, firstSeed, seedOption ?? 3);
  if (seeds.length < 3) throw new RangeError(`${fn}: seeds must give at least 3 seeds (an interval from fewer says little), got ${seeds.length}`);
  const o: ResolvedModelTrain = { ...resolveModelTrainOptions(fn, { ...trainOptions, seeds }, ["candidates", "budgetSeconds"]), reinitialize: true };
  if (opts.budgetSeconds !== undefined && opts.epochs !== undefined) throw new RangeError(`${fn}: give epochs or budgetSeconds, not both`);
  const budget = opts.epochs === undefined ? checkNumber(fn, "budgetSeconds", budgetOption ?? ADVISE_DEFAULT_BUDGET_SECONDS, 0, 86_400, true) : null;
  const candidates = checkUniqueLabels(fn, withContext(fn, "candidates", () => resolveActivations(candidateOption, ADVISE_DEFAULT_CANDIDATES)));
  const hidden = selectLayers(fn, model, undefined);
  // Dead and stuck units are measured where the activation is applied to a layer's units, not inside a recurrent cell.
  const unitsMeasured = hidden.some((w) => !w.recurrent);
  const loss = resolveLoss(fn, model, opts.loss ?? ((model as unknown as { loss?: unknown }).loss === undefined ? inferredLoss(model) : undefined));
  const output = outputCheck(model, loss);
  await ready();
  registerWasmConvGradients();
  const all = await prepareData(fn, model, data, loss);
  const started = Date.now();
  const checkpoint = interruptCheckpoint();
  const results: { act: (typeof candidates)[number]; runs: SeedRun[] }[] = [];
  let interrupted = false;
  let bar: ReturnType<typeof progress> | undefined;
  try {
    const trainOne = async (act: (typeof candidates)[number], seed: number, settings: ResolvedModelTrain, onEpoch: () => void): Promise<SeedRun> => {
      const copy = await rebuild(model, { swap: new Map(hidden.map((w) => [w.name, act])), seed, reinitializeAll: true, name: `${model.name}_${act.name}` });
      try {
        return await trainSeed(copy, all, splitFor(all, settings.validation, seed), loss, settings, seed, onEpoch, checkpoint);
      } finally {
        copy.dispose();
      }
    };
    if (budget !== null) o.epochs = await epochsWithin(budget, candidates.length * seeds.length, (settings) => trainOne(candidates[0], seeds[0], settings, () => undefined), o);
    o.recordEvery = o.epochs;
    bar = progress("advise", candidates.length * seeds.length * o.epochs);
    let done = 0;
    for (const act of candidates) {
      const runs: SeedRun[] = [];
      for (const seed of seeds) {
        const run = await trainOne(act, seed, o, () => bar?.update(++done, `${act.label}, seed ${seed}`));
        if (run.interrupted || takeInterrupt()) {
          interrupted = true;
          break;
        }
        runs.push(run);
      }
      if (interrupted) break;
      results.push({ act, runs });
    }
  } finally {
    disposeData(all);
    bar?.close(!interrupted, interrupted ? `interrupted: ${results.length} of ${candidates.length} candidates finished` : undefined);
  }
  const metric = loss.classification ? "validation accuracy" : "validation loss";
  const ranked = rank(
    results.map(({ act, runs }) => {
      const inits = runs.map(verdictOf);
      const values = runs.map((r) => (loss.classification ? (r.final.valAccuracy as number) : (r.final.valLoss as number)));
      return {
        activation: act.label,
        init: recommendedInit(act),
        values,
        summary: summarize(values),
        verdict: inits[0].verdict,
        ratio: median(inits.map((i) => i.ratio)),
        stuck: unitsMeasured ? runs.reduce((s, r) => s + r.final.maxStuckFraction, 0) / runs.length : null,
        dead: unitsMeasured ? runs.reduce((s, r) => s + r.final.maxDeadFraction, 0) / runs.length : null,
        msPerStep: median(runs.map((r) => r.final.msPerStep)),
        msPerSeed: runs.map((r) => r.final.msPerStep),
        run: { ...foldSeeds(runs), activation: act.label },
      };
    }),
    loss.classification,
  );
  return new Advice(ranked, output, { metric, epochs: o.epochs, seeds, budgetSeconds: budget, model: model.name, missing: candidates.slice(results.length).map((c) => c.label) }, interrupted, Date.now() - started);
}

/**
 * Epochs per training that fit the budget: two calibration trainings of one epoch (the first
 * also compiles kernels; the faster one counts, as the less disturbed by other load) split into
 * the fixed cost of a training (copy, records at start and end) and the cost of an epoch; the
 * trainings then share what is left, with 15 % kept in reserve.
 */
async function epochsWithin(budgetSeconds: number, trainings: number, calibrate: (o: ResolvedModelTrain) => Promise<SeedRun>, o: ResolvedModelTrain): Promise<number> {
  const started = performance.now();
  const timed: { total: number; epoch: number }[] = [];
  for (let k = 0; k < 2; k++) {
    const began = performance.now();
    const run = await calibrate({ ...o, epochs: 1, recordEvery: 1 });
    timed.push({ total: performance.now() - began, epoch: run.msPerEpoch });
  }
  const best = timed[0].total < timed[1].total ? timed[0] : timed[1];
  const fixed = Math.max(0, best.total - best.epoch);
  const perTraining = (budgetSeconds * 1000 * 0.85 - (performance.now() - started)) / trainings;
  return Math.max(1, Math.min(MAX_EPOCHS, Math.floor((perTraining - fixed) / best.epoch)));
}

type Unranked = Omit<CandidateResult, "rank" | "outcome" | "reason">;

function unhealthy(c: Unranked): string | null {
  if (c.verdict !== "healthy") return `unhealthy gradients: ${c.verdict} at init (first/last gradient-norm ratio ${formatNumber(c.ratio)})`;
  if (c.stuck !== null && c.stuck > UNHEALTHY_STUCK_SHARE) return `unhealthy gradients: ${formatNumber(100 * c.stuck)}% of a hidden layer's units stuck (|f′| < 1 % of its maximum on every example) at the end`;
  return null;
}

/**
 * Best mean first. The recommendation: among the healthy candidates the seeds cannot tell
 * apart from the best healthy mean (paired over seeds, 95 %), the best mean — or, when some of
 * them are measurably faster per step (paired too), the fastest of those. Every other
 * candidate lost for the first of: unhealthy, measurably worse, indistinguishable but
 * measurably slower; what is left is a tie, said as such.
 */
export function rank(list: Unranked[], higherIsBetter: boolean): CandidateResult[] {
  const sign = higherIsBetter ? 1 : -1;
  const byMean = list.slice().sort((a, b) => sign * (b.summary.mean - a.summary.mean));
  const healthy = byMean.filter((c) => !unhealthy(c));
  const pool = healthy.length ? healthy : byMean;
  const best = pool[0];
  const worseThan = (a: Unranked, b: Unranked) => compare(a.values, b.values).verdict === (higherIsBetter ? "lower" : "higher");
  const slowerThan = (a: Unranked, b: Unranked) => compare(a.msPerSeed, b.msPerSeed).verdict === "higher";
  const tied = pool.filter((c) => c === best || !worseThan(c, best));
  const faster = tied.filter((c) => slowerThan(best, c));
  const recommended = faster.length ? faster.reduce((f, c) => (c.msPerStep < f.msPerStep ? c : f)) : best;
  const fmt = (c: Unranked) => `${formatNumber(c.summary.mean)}`;
  return byMean.map((c, i) => {
    const base = { ...c, rank: i + 1 };
    if (c === recommended) return { ...base, outcome: "recommended" as const, reason: null };
    const sick = unhealthy(c);
    if (sick) return { ...base, outcome: "unhealthy gradients" as const, reason: sick };
    const against = worseThan(c, recommended) ? recommended : worseThan(c, best) ? best : null;
    if (against) {
      const d = compare(c.values, against.values).difference;
      return { ...base, outcome: "worse" as const, reason: `worse than ${against.activation}: ${fmt(c)} vs ${fmt(against)}, difference ${formatSummary(d)} excludes 0` };
    }
    const d = compare(c.values, recommended.values).difference;
    const same = `indistinguishable from ${recommended.activation} (difference ${formatSummary(d)} includes 0)`;
    if (slowerThan(c, recommended)) return { ...base, outcome: "indistinguishable but slower" as const, reason: `${same} but slower: ${formatNumber(c.msPerStep)} vs ${formatNumber(recommended.msPerStep)} ms per step, measurably over the seeds` };
    return { ...base, outcome: "indistinguishable" as const, reason: `${same}, and not measurably faster or slower (${formatNumber(c.msPerStep)} vs ${formatNumber(recommended.msPerStep)} ms per step): a tie, listed by mean` };
  });
}

export class Advice {
  constructor(
    /** Ranked by the metric's mean, best first. */
    readonly candidates: CandidateResult[],
    readonly output: OutputCheck,
    readonly options: { metric: string; epochs: number; seeds: number[]; budgetSeconds: number | null; model: string; missing: string[] },
    /** True when an interrupt stopped it: `candidates` holds only those finished, `options.missing` the rest. */
    readonly interrupted: boolean,
    readonly elapsedMs: number,
  ) {}

  /** The recommended candidate; undefined when interrupted before any finished. */
  get recommendation(): CandidateResult | undefined {
    return this.candidates.find((c) => c.outcome === "recommended");
  }

  /** One run per candidate (first seed's curves): the charts and gradientHistograms read these. */
  get runs(): ModelRunResult[] {
    return this.candidates.map((c) => c.run);
  }

  candidate(activation: string): CandidateResult {
    const found = this.candidates.find((c) => c.activation === activation) ?? this.candidates.find((c) => c.activation.split("(")[0] === activation);
    if (!found) throw new RangeError(`no candidate "${activation}"; candidates: ${this.candidates.map((c) => c.activation).join(", ")}`);
    return found;
  }

  /** The answer in words: the recommendation, then why each runner-up lost, then the output check. */
  summary(): string {
    const rec = this.recommendation;
    const lines = [this.interrupted ? `PARTIAL ANSWER (interrupted; not evaluated: ${this.options.missing.join(", ")}).` : ""];
    lines.push(rec ? `Recommended: ${rec.activation} (${this.options.metric} ${formatSummary(rec.summary)}, ${rec.verdict} gradients, ${formatNumber(rec.msPerStep)} ms per step).` : "No candidate finished.");
    for (const c of this.candidates) if (c.reason) lines.push(`- ${c.activation}: ${c.reason}.`);
    lines.push(`Output check: ${this.output.ok ? "ok" : "MISMATCH"} — ${this.output.message}.`);
    return lines.filter(Boolean).join("\n");
  }

  toSpec(): Record<string, unknown> {
    return trainingSpec(this.runs, { title: this.title() });
  }

  toString(): string {
    return `${this.title()}\n${textTable(HEADERS, this.rows())}\n${this.summary()}`;
  }

  async [DISPLAY](): Promise<MimeBundle[]> {
    const html = `${htmlTable(HEADERS, this.rows(), this.title())}<pre>${escapeHtml(this.summary())}</pre>`;
    return chartAndTableOutputs({ spec: this.toSpec() as never, title: this.title(), html, text: this.toString() });
  }

  private rows(): (string | number)[][] {
    const pct = (v: number | null) => (v === null ? "not measured (recurrent)" : `${formatNumber(100 * v)}%`);
    return this.candidates.map((c) => [c.rank, c.activation, c.init, formatSummary(c.summary), c.verdict, pct(c.stuck), pct(c.dead), c.msPerStep, c.outcome]);
  }

  private title(): string {
    const o = this.options;
    const stopped = this.interrupted ? " — INTERRUPTED, partial answer" : "";
    return `Which activation for ${o.model}? ${o.metric} over ${o.seeds.length} seeds, ${o.epochs} epochs each${stopped}`;
  }
}

const HEADERS = ["rank", "activation", "init", "metric (95 % CI)", "gradients at init", "stuck (max layer)", "dead (max layer)", "ms per step", "outcome"];

