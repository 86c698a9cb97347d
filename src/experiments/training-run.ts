/**
 * TrainingRun: what `train` returns — one TrainingRunResult per activation, with paired
 * comparisons and a ranking over the seeds, a chart (train/validation curves with 95 % bands,
 * dead and stuck units) and a table.
 */
import { summaryCell } from "../charts/render";
import { trainingSpec } from "../charts/training";
import type { VegaLiteSpec } from "../charts/palette";
import type { Comparison, Summary } from "../evidence/summary";
import { ExperimentResult } from "./report";
import { checkMetric, compareRuns, rankRuns, type RankingRow, type TrainMetric } from "./seed-summary";
import type { ResolvedTrainOptions, TrainingRunResult } from "./train";

export class TrainingRun extends ExperimentResult {
  readonly options: Omit<ResolvedTrainOptions, "activations" | "output"> & { activations: string[]; outputActivation: string; loss: string };
  constructor(
    readonly runs: TrainingRunResult[],
    options: ResolvedTrainOptions,
    /** True when an interrupt stopped training; the run that was cut short ends at its last epoch. */
    readonly interrupted: boolean,
    readonly elapsedMs: number,
    /** The seeds every activation finished (all of `options.seeds` unless interrupted). */
    readonly seedsFinished: number[] = interrupted ? [] : options.seeds,
  ) {
    super();
    const { activations, output, ...rest } = options;
    this.options = { ...rest, activations: activations.map((a) => a.label), outputActivation: output.label, loss: output.loss };
  }

  run(activation: string): TrainingRunResult {
    const found = this.runs.find((r) => r.activation === activation) ?? this.runs.find((r) => r.activation.split("(")[0] === activation);
    if (!found) throw new RangeError(`no run for "${activation}"; runs: ${this.runs.map((r) => r.activation).join(", ")}`);
    return found;
  }

  /**
   * a − b in `metric`, paired over the seeds both finished; the verdict is "higher"/"lower"
   * only when the 95 % interval excludes 0. Default metric: validation accuracy
   * (validation loss for regression).
   */
  compare(a: string, b: string, metric: TrainMetric = this.defaultMetric()): { difference: Summary; verdict: Comparison } {
    return compareRuns(this.run(a), this.run(b), checkMetric(metric));
  }

  /**
   * Activations best first by the mean of `metric` over the seeds (lower first for losses and
   * dead/stuck shares), each marked indistinguishable from the best when the paired 95 %
   * interval of their difference contains 0. Default metric as in `compare`.
   */
  ranking(metric: TrainMetric = this.defaultMetric()): RankingRow[] {
    const m = checkMetric(metric);
    if (this.runs.length === 0) return [];
    return rankRuns(this.runs, m, (run) => {
      const s = (run as TrainingRunResult).summary[m];
      if (!s) throw new RangeError(`${run.activation} has no ${m}: accuracy exists only for classification, validation numbers only with validation > 0`);
      return s;
    });
  }

  private defaultMetric(): TrainMetric {
    return this.runs[0]?.final.accuracy === null ? "valLoss" : "valAccuracy";
  }

  /** Training and validation curves (mean and 95 % band over seeds) beside dead and stuck units per layer. */
  toSpec(): VegaLiteSpec {
    return trainingSpec(this.runs, { title: this.title() });
  }

  protected table(): { headers: string[]; rows: (string | number)[][] } {
    return { headers: this.headers(), rows: this.rows() };
  }

  private headers(): string[] {
    return ["activation", "init", "seeds", "epochs run", "train loss", "validation loss", "train accuracy", "validation accuracy", "max dead units (a layer)", "max stuck units (a layer)"];
  }

  private rows(): (string | number)[][] {
    const pct = (v: number) => `${(100 * v).toFixed(1)}%`;
    const cell = summaryCell;
    return this.runs.map((r) => [
      r.activation,
      r.init,
      r.seeds.length,
      r.history.length,
      cell(r.summary.loss),
      cell(r.summary.valLoss),
      cell(r.summary.accuracy),
      cell(r.summary.valAccuracy),
      cell(r.summary.maxDeadFraction, pct),
      cell(r.summary.maxStuckFraction, pct),
    ]);
  }

  protected title(): string {
    const o = this.options;
    const stopped = this.interrupted ? ` — interrupted (seeds finished for every activation: ${this.seedsFinished.join(", ") || "none"})` : "";
    const held = o.validation > 0 ? `, ${Math.round(100 * o.validation)} % held out` : ", no validation";
    const seeds = o.seeds.length > 1 ? `, ${o.seeds.length} seeds` : `, seed ${o.seed}`;
    const cells = o.seeds.length > 1 ? "; cells: mean ± 95 % half-width over the seeds" : "";
    return `Training on ${o.dataset} (n ${o.n}${held}${seeds}): depth ${o.depth}, width ${o.width}, ${o.optimizer} lr ${o.lr}, ${o.epochs} epochs, output ${o.outputActivation} + ${o.loss}${cells}${stopped}`;
  }
}
