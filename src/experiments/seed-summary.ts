/**
 * What `train` reports over its seeds: a Summary per final scalar, paired comparisons of two
 * activations, and a ranking that marks which activations the seeds cannot tell apart from
 * the best. The statistics themselves are evidence's (summarize, compare).
 */
import { compare as compareSamples, NON_NEGATIVE, SHARE, summarize, type Comparison, type Summary } from "../evidence/summary";

/** A run's final scalars, per seed. */
export interface FinalValues {
  loss: number;
  accuracy: number | null;
  valLoss: number | null;
  valAccuracy: number | null;
  maxDeadFraction: number;
  maxStuckFraction: number;
}

export type TrainMetric = keyof FinalValues;
export const TRAIN_METRICS: readonly TrainMetric[] = ["loss", "accuracy", "valLoss", "valAccuracy", "maxDeadFraction", "maxStuckFraction"];
/** Metrics where smaller is better (losses, unit damage); for the others larger is better. */
const LOWER_IS_BETTER: ReadonlySet<TrainMetric> = new Set(["loss", "valLoss", "maxDeadFraction", "maxStuckFraction"]);

/** A run's final scalars from its last recorded step: losses and accuracies as recorded, the worst layer's dead and stuck shares. */
export function finalValuesOf(last: { loss: number; accuracy: number | null; valLoss: number | null; valAccuracy: number | null; dead: number[]; stuck: number[] }): FinalValues {
  return {
    loss: last.loss,
    accuracy: last.accuracy,
    valLoss: last.valLoss,
    valAccuracy: last.valAccuracy,
    maxDeadFraction: Math.max(0, ...last.dead),
    maxStuckFraction: Math.max(0, ...last.stuck),
  };
}

/** Where each metric lives by definition (losses are cross-entropy or squared errors): intervals are cut there. */
export const METRIC_RANGE: Record<TrainMetric, readonly [number, number]> = {
  loss: NON_NEGATIVE,
  valLoss: NON_NEGATIVE,
  accuracy: SHARE,
  valAccuracy: SHARE,
  maxDeadFraction: SHARE,
  maxStuckFraction: SHARE,
};

export type SeedSummary = { [K in TrainMetric]: null extends FinalValues[K] ? Summary | null : Summary };

export interface SeedRun {
  activation: string;
  seeds: number[];
  perSeed: { seed: number; final: FinalValues }[];
}

export interface RankingRow {
  activation: string;
  summary: Summary;
  /** True when the paired 95 % interval of (this − best) over the shared seeds contains 0 (always true for the best). */
  indistinguishableFromBest: boolean;
}

/** Summary of each final scalar over the seeds; null where the runs have no such value (accuracy in regression, validation with `validation: 0`). */
export function summarizeSeeds(perSeed: { final: FinalValues }[]): SeedSummary {
  const of = (metric: TrainMetric): Summary | null => {
    const values = perSeed.map((p) => p.final[metric]);
    return values.some((v) => v === null) ? null : summarize(values as number[], { within: METRIC_RANGE[metric] });
  };
  return {
    loss: of("loss") as Summary,
    accuracy: of("accuracy"),
    valLoss: of("valLoss"),
    valAccuracy: of("valAccuracy"),
    maxDeadFraction: of("maxDeadFraction") as Summary,
    maxStuckFraction: of("maxStuckFraction") as Summary,
  };
}

export function checkMetric(metric: unknown): TrainMetric {
  if (typeof metric !== "string" || !(TRAIN_METRICS as readonly string[]).includes(metric)) {
    throw new RangeError(`metric must be one of ${TRAIN_METRICS.map((m) => `"${m}"`).join(", ")}, got ${JSON.stringify(metric)}`);
  }
  return metric as TrainMetric;
}

/** The metric's per-seed values of `run` on `seeds`, or a clear error when the run has none. */
function valuesOf(run: SeedRun, metric: TrainMetric, seeds: number[]): number[] {
  return seeds.map((seed) => {
    const value = run.perSeed.find((p) => p.seed === seed)!.final[metric];
    if (value === null) {
      throw new RangeError(`${run.activation} has no ${metric}: accuracy exists only for classification, validation numbers only with validation > 0; choose from ${TRAIN_METRICS.join(", ")}`);
    }
    return value;
  });
}

function sharedSeeds(a: SeedRun, b: SeedRun): number[] {
  return a.seeds.filter((s) => b.seeds.includes(s));
}

/** a − b over the seeds both runs finished, paired by seed (the seed fixes data, split and init). */
export function compareRuns(a: SeedRun, b: SeedRun, metric: TrainMetric): { difference: Summary; verdict: Comparison } {
  const seeds = sharedSeeds(a, b);
  if (seeds.length === 0) throw new RangeError(`${a.activation} and ${b.activation} share no finished seed to compare on`);
  return compareSamples(valuesOf(a, metric, seeds), valuesOf(b, metric, seeds), { paired: true });
}

/** Best first by the mean over seeds (NaN means last); each row says whether it is distinguishable from the best. */
export function rankRuns(runs: SeedRun[], metric: TrainMetric, summaryOf: (run: SeedRun) => Summary): RankingRow[] {
  const lower = LOWER_IS_BETTER.has(metric);
  const key = (s: Summary) => (Number.isNaN(s.mean) ? Infinity : lower ? s.mean : -s.mean);
  const sorted = runs.map((run) => ({ run, summary: summaryOf(run) })).sort((x, y) => key(x.summary) - key(y.summary));
  const best = sorted[0];
  return sorted.map(({ run, summary }) => {
    if (run === best.run) return { activation: run.activation, summary, indistinguishableFromBest: true };
    const seeds = sharedSeeds(run, best.run);
    const d = seeds.length ? compareSamples(valuesOf(run, metric, seeds), valuesOf(best.run, metric, seeds), { paired: true }).difference : undefined;
    return { activation: run.activation, summary, indistinguishableFromBest: d !== undefined && d.lo <= 0 && d.hi >= 0 };
  });
}
