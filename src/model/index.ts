/**
 * Your own model and data (README "Analyse your own model"): inspect a tf.LayersModel's gradients and units, swap
 * its hidden activations, train it with the built-in records, and ask which activation to use.
 * `train({ model, data, ... })` is the built-in `train` (it dispatches on `model`).
 */
import { registerWasmConvGradients } from "./wasm-kernels";

// On import, so a user's own model.fit of a Conv1D/Conv2D model on wasm has its filter gradient too.
registerWasmConvGradients();

export { inspect, ModelInspection } from "./inspect";
export type { InspectOptions, InspectedLayer, InspectedRun } from "./inspect";
export { withActivation } from "./swap";
export type { WithActivationOptions } from "./swap";
export { ModelTrainingRun } from "./train";
export type { ModelTrainOptions, ModelRunResult, ModelTrainingStep, SeedFinal } from "./train";
export { LOSS_NAMES } from "./data";
export type { ModelData, LossName, LossFunction, LossLike } from "./data";
export { advise, Advice, checkOutputLoss, ADVISE_DEFAULT_CANDIDATES, ADVISE_DEFAULT_BUDGET_SECONDS, UNHEALTHY_STUCK_SHARE } from "./advise";
export type { AdviseOptions, CandidateResult, OutputCheck, Outcome } from "./advise";
export { loadCsv } from "../datasets/csv";
export type { CsvOptions, CsvData } from "../datasets/csv";
