/**
 * The explorer's live chart, written directly in Vega (not Vega-Lite) because it must redraw
 * within a few milliseconds. Layout choices that make an update cheap:
 *  - one dataset per series (`series<k>`: a tuple per x with its f and f′), so a slider that
 *    moves one activation's parameter re-encodes that series' two lines and nothing else;
 *    a `grid` dataset (x only) carries the x scale and the hover;
 *  - the y domain is computed here and set as a signal only when its nice-rounded value
 *    changes, so most slider steps leave the scales, axes and layout untouched (and the
 *    axes stay still while the user drags);
 *  - hover without a Voronoi layer: the pointer's x is inverted through the x scale and the
 *    grid tuple nearest to it is picked by a filter; tooltip and hover dots look the series'
 *    values up by the tuple's index;
 *  - the derivative toggle is a signal, so hiding f′ changes opacity and the y domain only.
 * Later changes never re-embed: a slider's new curves edit the changed fields of one series'
 * tuples in place (`modifySeries`), a new grid replaces the datasets, toggles set signals.
 */
import { changeset, scale as vegaScale, type Spec, type View } from "vega";
import { seriesColour } from "./palette";

export const GRID_DATA = "grid";
export const DERIVATIVE_SIGNAL = "showDerivative";
/** Half the grid step, set with the data, so the hover picks exactly one tuple. */
export const HALF_STEP_SIGNAL = "halfStep";
export const Y_DOMAIN_SIGNAL = "yDomain";

/** The dataset holding series k's tuples. */
export function seriesData(k: number): string {
  return `series${k}`;
}

/** Decoded `curves` trait: x and one y/dy pair per series, as the kernel computed them. */
export interface CurveData {
  x: Float32Array;
  series: { name: string; label: string; y: Float32Array; dy: Float32Array }[];
}

/** One tuple of a series dataset: grid index, x, f(x) and f′(x) (null where not finite). */
export interface SeriesRow {
  i: number;
  x: number;
  f: number | null;
  d: number | null;
}

/** NaN and ±Inf become null, which the `defined` channel turns into a gap in the line. */
function finiteOrNull(v: number): number | null {
  return Number.isFinite(v) ? v : null;
}

export function gridRows(data: CurveData): { i: number; x: number }[] {
  return Array.from(data.x, (x, i) => ({ i, x }));
}

export function seriesRows(data: CurveData, k: number): SeriesRow[] {
  const { y, dy } = data.series[k];
  return Array.from(data.x, (x, i) => ({ i, x, f: finiteOrNull(y[i]), d: finiteOrNull(dy[i]) }));
}

function sameValues(a: Float32Array, b: Float32Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i] && !(Number.isNaN(a[i]) && Number.isNaN(b[i]))) return false;
  return true;
}

/** New values of one series: `y` and/or `dy` when they differ from what the view holds. */
export interface SeriesChange {
  index: number;
  y?: Float32Array;
  dy?: Float32Array;
}

/**
 * The series whose values differ between two curve sets on the same grid and series, or
 * undefined when the grid or the series changed (then every dataset is replaced). A slider
 * moves one activation's parameter, so usually one series changes.
 */
export function changedSeries(before: CurveData | undefined, after: CurveData): SeriesChange[] | undefined {
  if (!before || before.series.length !== after.series.length || !sameValues(before.x, after.x)) return undefined;
  const changed: SeriesChange[] = [];
  for (let k = 0; k < after.series.length; k++) {
    const [old, now] = [before.series[k], after.series[k]];
    if (old.name !== now.name) return undefined;
    const change: SeriesChange = { index: k };
    if (!sameValues(old.y, now.y)) change.y = now.y;
    if (!sameValues(old.dy, now.dy)) change.dy = now.dy;
    if (change.y || change.dy) changed.push(change);
  }
  return changed;
}

/**
 * Writes changed values into the tuples the view already holds. Modifying tuples in place
 * lets vega re-encode the existing scenegraph items instead of dropping and re-creating all
 * of them, about 5× faster than replacing the dataset.
 */
export function modifySeries(view: View, changes: SeriesChange[]): void {
  for (const { index, y, dy } of changes) {
    const cs = changeset();
    if (y) cs.modify(() => true, "f", (t: SeriesRow) => finiteOrNull(y[t.i]));
    if (dy) cs.modify(() => true, "d", (t: SeriesRow) => finiteOrNull(dy[t.i]));
    view.change(seriesData(index), cs);
  }
}

/** Replaces every dataset and signal from `data` (a new grid or new series). */
export function fillView(view: View, data: CurveData, showDerivative: boolean): void {
  view.data(GRID_DATA, gridRows(data));
  data.series.forEach((_, k) => view.data(seriesData(k), seriesRows(data, k)));
  view.signal(HALF_STEP_SIGNAL, halfStep(data));
  view.signal(DERIVATIVE_SIGNAL, showDerivative);
  view.signal(Y_DOMAIN_SIGNAL, yDomain(data, showDerivative));
}

export function halfStep(data: CurveData): number {
  const n = data.x.length;
  return n > 1 ? Math.abs(data.x[n - 1] - data.x[0]) / (2 * (n - 1)) : 0.5;
}

/**
 * The y domain the chart shows: the finite extent of every f (and every f′ when shown),
 * rounded outward to nice values exactly as vega's `nice: true` rounds it.
 */
export function yDomain(data: CurveData, showDerivative: boolean): [number, number] {
  let lo = Infinity;
  let hi = -Infinity;
  const scan = (values: Float32Array) => {
    for (let i = 0; i < values.length; i++) {
      const v = values[i];
      if (v - v !== 0) continue; // NaN and ±Infinity are gaps in the line, not part of the extent
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
  };
  for (const s of data.series) {
    scan(s.y);
    if (showDerivative) scan(s.dy);
  }
  if (lo > hi) return [-1, 1]; // nothing finite to show

  const nice = vegaScale("linear")().domain([lo, hi]).nice().domain() as number[];
  return [nice[0], nice[1]];
}

export function sameDomain(a: readonly number[] | undefined, b: readonly number[]): boolean {
  return !!a && a[0] === b[0] && a[1] === b[1];
}

/** The spec depends only on the series names; values arrive through the datasets and signals. */
export function explorerSpec(names: readonly string[], showDerivative: boolean, width: number): Spec {
  const lineMarks = names.flatMap((_, k) =>
    [
      { field: "f", dash: [1, 0], opacity: "1" },
      { field: "d", dash: [6, 3], opacity: `${DERIVATIVE_SIGNAL} ? 1 : 0` },
    ].map((line) => ({
      type: "line" as const,
      name: `line_${line.field}${k}`,
      from: { data: seriesData(k) },
      clip: true,
      interactive: false,
      encode: {
        enter: {
          stroke: { value: seriesColour(k) },
          strokeWidth: { value: 2 },
          strokeDash: { value: line.dash },
        },
        update: {
          x: { scale: "x", field: "x" },
          y: { scale: "y", field: line.field },
          defined: { signal: `datum.${line.field} !== null` },
          strokeOpacity: { signal: line.opacity },
        },
      },
    })),
  );
  // Series k's tuple at the hovered grid index (the datasets hold their tuples in grid order).
  const at = (k: number) => `data(${JSON.stringify(seriesData(k))})[datum.i]`;
  const shown = (k: number, field: "f" | "d") => `${at(k)} && ${at(k)}.${field} !== null`;
  const tooltip = [
    `'x': format(datum.x, '.4~f')`,
    ...names.flatMap((name, k) => [
      `${JSON.stringify(`${name}: f(x)`)}: ${shown(k, "f")} ? format(${at(k)}.f, '.4~f') : 'n/a'`,
      `${JSON.stringify(`${name}: f′(x)`)}: ${shown(k, "d")} ? format(${at(k)}.d, '.4~f') : 'n/a'`,
    ]),
  ].join(", ");
  return {
    $schema: "https://vega.github.io/schema/vega/v5.json",
    width,
    height: 320,
    padding: 5,
    autosize: { type: "fit-x", contains: "padding" },
    signals: [
      { name: DERIVATIVE_SIGNAL, value: showDerivative },
      { name: HALF_STEP_SIGNAL, value: 0.005 },
      { name: Y_DOMAIN_SIGNAL, value: [-1, 1] },
      {
        name: "hoverX",
        value: null,
        on: [
          { events: "pointermove", update: "inrange(x(), range('x')) ? invert('x', x()) : null" },
          { events: "pointerout", update: "null" },
        ],
      },
    ],
    data: [
      { name: GRID_DATA, values: [] },
      ...names.map((_, k) => ({ name: seriesData(k), values: [] })),
      {
        name: "nearest",
        source: GRID_DATA,
        transform: [{ type: "filter", expr: `hoverX !== null && abs(datum.x - hoverX) <= ${HALF_STEP_SIGNAL}` }],
      },
    ],
    scales: [
      { name: "x", type: "linear", domain: { data: GRID_DATA, field: "x" }, range: "width", zero: false, nice: false },
      // Already nice-rounded by `yDomain`.
      { name: "y", type: "linear", domain: { signal: Y_DOMAIN_SIGNAL }, range: "height", zero: false, nice: false },
      { name: "colour", type: "ordinal", domain: [...names], range: names.map((_, k) => seriesColour(k)) },
      { name: "dash", type: "ordinal", domain: ["f(x)", "f′(x)"], range: [[1, 0], [6, 3]] },
    ],
    axes: [
      { orient: "bottom", scale: "x", title: "x", grid: true, tickCount: 10 },
      { orient: "left", scale: "y", title: "f(x), f′(x)", grid: true },
    ],
    legends: [
      { stroke: "colour", title: "activation", symbolType: "stroke", symbolStrokeWidth: 3 },
      { strokeDash: "dash", title: "curve", symbolType: "stroke", symbolStrokeWidth: 2 },
    ],
    marks: [
      ...lineMarks,
      {
        // A band around the hovered x, wide enough to keep the pointer on it: it carries the tooltip.
        type: "rect",
        name: "hover_band",
        from: { data: "nearest" },
        encode: {
          update: {
            xc: { scale: "x", field: "x" },
            width: { value: 10 },
            y: { value: 0 },
            y2: { signal: "height" },
            fill: { value: "transparent" },
            tooltip: { signal: `{${tooltip}}` },
          },
        },
      },
      {
        type: "rule",
        name: "hover_rule",
        from: { data: "nearest" },
        interactive: false,
        encode: {
          update: {
            x: { scale: "x", field: "x" },
            y: { value: 0 },
            y2: { signal: "height" },
            stroke: { value: "#888888" },
            strokeWidth: { value: 1 },
          },
        },
      },
      ...names.map((_, k) => ({
        type: "symbol" as const,
        name: `hover_dot${k}`,
        from: { data: "nearest" },
        interactive: false,
        encode: {
          update: {
            x: { scale: "x", field: "x" },
            y: { signal: `${shown(k, "f")} ? scale('y', ${at(k)}.f) : 0` },
            size: { value: 36 },
            fill: { value: seriesColour(k) },
            opacity: { signal: `${shown(k, "f")} ? 1 : 0` },
          },
        },
      })),
    ],
  };
}
