/**
 * activation-lab: study neural-network activation functions, computed live with TensorFlow.js.
 *
 * ```ts
 * import * as al from "activation-lab";
 * al.properties(["sigmoid", "relu"]);
 * await al.curves(["relu", "gelu"]);
 * al.explore(["relu", "gelu", "swish"]);   // live widget inside the activation-lab kernel
 * ```
 */
import "./activations";
import { curves as curvesImpl, type CurveOptions, type CurveSet } from "./curves";
import type { ActivationLike } from "./activations";
import { liveHost } from "./live";

export { tf } from "./tf";
export { backend, ready, useBackend, availableBackends, BACKEND_CHOICES } from "./backend";
export type { BackendInfo, BackendName } from "./backend";
export * from "./activations";
export { curves, CurveSet, checkRange, grid, MAX_POINTS } from "./curves";
export type { CurveOptions, CurveSeries } from "./curves";
export { properties, PropertiesTable, measure, formatRange } from "./properties";
export type { PropertyRow, Saturation, Init } from "./properties";
export { curveChartSpec, curveRows, decimate, CURVE_DATASET } from "./charts/curves";
export { PALETTE, VEGA_LITE_V5_SCHEMA } from "./charts/palette";
export type { VegaLiteSpec } from "./charts/palette";
export { renderSvg, chartBundle, chartAndTableOutputs, tableBundle } from "./charts/render";
export { histogramRows, HistogramRows } from "./histograms/rows";
export { histogramCSV, parseHistogramCSV } from "./histograms/cube";
export type { HistogramRow, HistogramMode } from "./histograms/cube";
export * from "./experiments";
export * from "./model";
export { summarize, difference, compare, intervalsOverlap, formatSummary } from "./evidence/summary";
export type { Summary, Comparison } from "./evidence/summary";
export { timeit, ratio, medianInterval } from "./evidence/timing";
export type { Timing, Ratio, TaskTiming, TimeitOptions, TimedTask, MedianInterval } from "./evidence/timing";
export { claim, ClaimError, CLAIM_MIME } from "./evidence/claim";
export type { Claim, ClaimOptions, ClaimVerdict, HoldsResult } from "./evidence/claim";
export { answer, ANSWER_MIME } from "./evidence/answer";
export type { Answer, AnswerOptions, FollowUp } from "./evidence/answer";
export { DISPLAY, isDisplayable, progress, setLiveHost, liveHost, requestInterrupt, takeInterrupt, yieldToEventLoop } from "./live";
export type { MimeBundle, DisplayOutputs, Displayable, LiveHost, ProgressReporter } from "./live";

export interface ExploreOptions extends CurveOptions {
  showDerivative?: boolean;
  params?: Record<string, Record<string, number>>;
}

/**
 * The live explorer: sliders for every parameter, x-range and points controls, an activation
 * picker; each change is recomputed in the kernel. Outside the activation-lab kernel there is
 * nothing to talk back to, so it returns the static chart (a CurveSet) instead.
 */
export function explore(acts?: ActivationLike | ActivationLike[], options: ExploreOptions = {}): unknown {
  const host = liveHost();
  if (host) return host.explore(acts, options);
  const { showDerivative: _s, params: _p, ...range } = options;
  return curvesImpl(acts, range) as Promise<CurveSet>;
}

/**
 * Per-layer gradient histograms of a GradientFlow or TrainingRun, with layer / activation /
 * step selection, an all-layers overview and overlaid or shared-axis views. Options:
 * `activations`, `layer`, `step`, `mode` ("layer" | "overview"), `overlay`, `sharedX`,
 * `logScale`. Needs the activation-lab kernel; elsewhere it returns the data unchanged
 * (which displays as its own static chart).
 */
export function gradientHistograms(data: unknown, options: Record<string, unknown> = {}): unknown {
  const host = liveHost();
  if (host) return host.gradientHistograms(data, options);
  return data;
}
