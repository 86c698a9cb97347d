/**
 * The explorer's live chart, written directly in Vega (not Vega-Lite) because it must redraw
 * within a few milliseconds. Layout choices that make an update cheap:
 *  - one "wide" dataset: a tuple per x holding every series' f and f′ (f0, d0, f1, d1, ...),
 *    i.e. 1,201 tuples for 1,201 points however many activations, and no facet, sort or
 *    filter between the data and the marks (a long table with Vega-Lite's color/dash
 *    encodings costs ~8× the tuples plus a facet and a sort per update);
 *  - hover without a Voronoi layer: the pointer's x is inverted through the x scale and the
 *    tuple nearest to it is picked by a filter, which runs only when the pointer moves;
 *  - the derivative toggle is a signal, so hiding f′ changes opacity and the y domain only.
 * Later changes never re-embed: a slider's new curves edit the changed fields of the tuples
 * in place (`modifyInPlace`), a new grid replaces the dataset, toggles set signals.
 */
import { changeset, type Spec, type View } from "vega";
import { seriesColour } from "./palette";

export const CURVES_DATA = "curves";
export const DERIVATIVE_SIGNAL = "showDerivative";
/** Half the grid step, set with the data, so the hover picks exactly one tuple. */
export const HALF_STEP_SIGNAL = "halfStep";

/** Decoded `curves` trait: x and one y/dy pair per series, as the kernel computed them. */
export interface CurveData {
  x: Float32Array;
  series: { name: string; label: string; y: Float32Array; dy: Float32Array }[];
}

export type CurveRow = Record<string, number | null>;

/** NaN and ±Inf become null, which the `defined` channel turns into a gap in the line. */
function finiteOrNull(v: number): number | null {
  return Number.isFinite(v) ? v : null;
}

/** One tuple per x: `i` (its index), `x`, then `f<k>` and `d<k>` for series k. */
export function curveRows(data: CurveData): CurveRow[] {
  const rows: CurveRow[] = new Array(data.x.length);
  const n = data.series.length;
  for (let i = 0; i < data.x.length; i++) {
    const row: CurveRow = { i, x: data.x[i] };
    for (let k = 0; k < n; k++) {
      row[`f${k}`] = finiteOrNull(data.series[k].y[i]);
      row[`d${k}`] = finiteOrNull(data.series[k].dy[i]);
    }
    rows[i] = row;
  }
  return rows;
}

function sameValues(a: Float32Array, b: Float32Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i] && !(Number.isNaN(a[i]) && Number.isNaN(b[i]))) return false;
  return true;
}

/**
 * The fields whose values differ between two curve sets on the same grid and series, or
 * undefined when the grid or the series changed (then the whole dataset is replaced).
 * A slider moves one activation's parameter, so usually just two fields change.
 */
export function changedFields(before: CurveData | undefined, after: CurveData): { field: string; values: Float32Array }[] | undefined {
  if (!before || before.series.length !== after.series.length || !sameValues(before.x, after.x)) return undefined;
  const changed: { field: string; values: Float32Array }[] = [];
  for (let k = 0; k < after.series.length; k++) {
    const [old, now] = [before.series[k], after.series[k]];
    if (old.name !== now.name) return undefined;
    if (!sameValues(old.y, now.y)) changed.push({ field: `f${k}`, values: now.y });
    if (!sameValues(old.dy, now.dy)) changed.push({ field: `d${k}`, values: now.dy });
  }
  return changed;
}

/**
 * Writes changed fields into the tuples the view already holds. Modifying tuples in place
 * lets vega re-encode the existing scenegraph items instead of dropping and re-creating all
 * of them, about 5× faster than replacing the dataset.
 */
export function modifyInPlace(view: View, fields: { field: string; values: Float32Array }[]): void {
  const cs = changeset();
  for (const { field, values } of fields) {
    cs.modify(() => true, field, (t: CurveRow) => finiteOrNull(values[t.i as number]));
  }
  view.change(CURVES_DATA, cs);
}

export function halfStep(data: CurveData): number {
  const n = data.x.length;
  return n > 1 ? Math.abs(data.x[n - 1] - data.x[0]) / (2 * (n - 1)) : 0.5;
}

/** The spec depends only on the series names; values arrive through `CURVES_DATA`. */
export function explorerSpec(names: readonly string[], showDerivative: boolean, width: number): Spec {
  const fields = names.map((_, k) => ({ f: `f${k}`, d: `d${k}` }));
  const extentSignals = fields.flatMap(({ f, d }) => [`ext_${f}`, `ext_${d}`]);
  const lo = (kind: "f" | "d") => fields.map((fd) => `ext_${fd[kind]}[0]`).join(", ");
  const hi = (kind: "f" | "d") => fields.map((fd) => `ext_${fd[kind]}[1]`).join(", ");
  const lineMarks = fields.flatMap(({ f, d }, k) =>
    [
      { field: f, dash: [1, 0], opacity: "1" },
      { field: d, dash: [6, 3], opacity: `${DERIVATIVE_SIGNAL} ? 1 : 0` },
    ].map((line) => ({
      type: "line" as const,
      name: `line_${line.field}`,
      from: { data: CURVES_DATA },
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
  const tooltip = [
    `'x': format(datum.x, '.4~f')`,
    ...names.flatMap((name, k) => [
      `${JSON.stringify(`${name}: f(x)`)}: datum.f${k} === null ? 'n/a' : format(datum.f${k}, '.4~f')`,
      `${JSON.stringify(`${name}: f′(x)`)}: datum.d${k} === null ? 'n/a' : format(datum.d${k}, '.4~f')`,
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
      {
        name: "hoverX",
        value: null,
        on: [
          { events: "pointermove", update: "inrange(x(), range('x')) ? invert('x', x()) : null" },
          { events: "pointerout", update: "null" },
        ],
      },
      {
        name: "yDomain",
        update: `${DERIVATIVE_SIGNAL} ? [min(${lo("f")}, ${lo("d")}), max(${hi("f")}, ${hi("d")})] : [min(${lo("f")}), max(${hi("f")})]`,
      },
    ],
    data: [
      {
        name: CURVES_DATA,
        values: [],
        transform: extentSignals.map((signal) => ({ type: "extent" as const, field: signal.slice(4), signal })),
      },
      {
        name: "nearest",
        source: CURVES_DATA,
        transform: [{ type: "filter", expr: `hoverX !== null && abs(datum.x - hoverX) <= ${HALF_STEP_SIGNAL}` }],
      },
    ],
    scales: [
      { name: "x", type: "linear", domain: { data: CURVES_DATA, field: "x" }, range: "width", zero: false, nice: false },
      { name: "y", type: "linear", domain: { signal: "yDomain" }, range: "height", zero: false, nice: true },
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
      ...fields.map(({ f }, k) => ({
        type: "symbol" as const,
        from: { data: "nearest" },
        interactive: false,
        encode: {
          update: {
            x: { scale: "x", field: "x" },
            y: { scale: "y", field: f },
            size: { value: 36 },
            fill: { value: seriesColour(k) },
            opacity: { signal: `datum.${f} === null ? 0 : 1` },
          },
        },
      })),
    ],
  };
}
