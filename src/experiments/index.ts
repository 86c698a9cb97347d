/**
 * The experiments (README "What you can do"): what happens inside a deep network per activation.
 * Every entry point is async, deterministic per `seed`, shows progress for long runs, stops
 * at an interrupt with the partial result marked `interrupted`, and returns a displayable
 * result (`[Symbol.for("Jupyter.display")]()`, `toSpec()`, `toString()`).
 */
export { gradientFlow, GradientFlow, HEALTHY_RATIO_RANGE, GRADIENT_FLOW_DEFAULT_ACTIVATIONS, BACKWARD_FROM_CHOICES } from "./gradient-flow";
export type { GradientFlowOptions, FlowRun, LayerFlow, Verdict } from "./gradient-flow";
export { train, TrainingRun, TRAIN_DEFAULT_ACTIVATIONS } from "./train";
export type { TrainOptions, TrainingRunResult, TrainingStep, EpochPoint } from "./train";
export { TRAIN_METRICS } from "./seed-summary";
export type { TrainMetric, FinalValues, SeedSummary, RankingRow } from "./seed-summary";
export { STUCK_RELATIVE_THRESHOLD, maxAbsDerivative } from "./health";
export { outputLossPairing, OutputLossPairing } from "./pairing";
export type { PairingOptions, PairingSeries } from "./pairing";
export { recurrentCell, RecurrentCell } from "./recurrent";
export type { RecurrentOptions, RecurrentRun } from "./recurrent";
export { normComparison, NormComparison } from "./norm-comparison";
export type { NormComparisonOptions, NormRow } from "./norm-comparison";
export { dataDrift, DataDrift } from "./drift";
export type { DriftOptions, DriftRow, DriftState } from "./drift";
export { recommendedInit, INIT_CHOICES, NORM_CHOICES } from "./network";
export type { InitChoice, InitName, NormName } from "./network";
export { SATURATION_THRESHOLD } from "./stats";
export type { GradStats, ForwardStats, Histogram } from "./stats";
export { datasets, dataset, DATASET_NAMES } from "../datasets";
export type { Digits, DigitsOptions } from "../datasets/digits";
export type { Dataset, DatasetName, DatasetOptions } from "../datasets";
export { splitStratified, splitRandom } from "../datasets/split";
export type { Split } from "../datasets/split";
