/**
 * The explorer's live chart. The spec names its datasets ("curves", "hover") and keeps the
 * derivative toggle in a signal, so every later change is `view.data(...)` or
 * `view.signal(...)` on the embedded view: no re-parse, no re-embed (that is what keeps a
 * slider-to-chart round trip in the tens of milliseconds).
 */
import type { TopLevelSpec } from "vega-lite";
import { seriesColour } from "./palette";

export const CURVES_DATA = "curves";
export const HOVER_DATA = "hover";
export const DERIVATIVE_SIGNAL = "showDerivative";
export const DERIVATIVE_KIND = "f′(x)";
export const VALUE_KIND = "f(x)";

/** Decoded `curves` trait: x and one y/dy pair per series, as the kernel computed them. */
export interface CurveData {
  x: Float32Array;
  series: { name: string; label: string; y: Float32Array; dy: Float32Array }[];
}

export interface CurveRow {
  series: string;
  kind: string;
  x: number;
  v: number | null;
}

/** Vega treats NaN as a value; null breaks the line instead, which is what a gap should do. */
function finiteOrNull(v: number): number | null {
  return Number.isFinite(v) ? v : null;
}

/** Long rows for the line layer: one row per (series, f or f′, x). */
export function curveRows(data: CurveData): CurveRow[] {
  const rows: CurveRow[] = [];
  const n = data.x.length;
  for (const s of data.series) {
    for (let i = 0; i < n; i++) rows.push({ series: s.name, kind: VALUE_KIND, x: data.x[i], v: finiteOrNull(s.y[i]) });
    for (let i = 0; i < n; i++) rows.push({ series: s.name, kind: DERIVATIVE_KIND, x: data.x[i], v: finiteOrNull(s.dy[i]) });
  }
  return rows;
}

/** Wide rows for the hover rule: per x, every series' f (f0, f1, ...) and f′ (d0, d1, ...). */
export function hoverRows(data: CurveData): Record<string, number | null>[] {
  const rows: Record<string, number | null>[] = [];
  for (let i = 0; i < data.x.length; i++) {
    const row: Record<string, number | null> = { x: data.x[i] };
    data.series.forEach((s, k) => {
      row[`f${k}`] = finiteOrNull(s.y[i]);
      row[`d${k}`] = finiteOrNull(s.dy[i]);
    });
    rows.push(row);
  }
  return rows;
}

/**
 * The spec depends only on the series names (colour domain, tooltip fields); values flow in
 * through the named datasets afterwards.
 */
export function explorerSpec(seriesNames: readonly string[], showDerivative: boolean): TopLevelSpec {
  const tooltip = [
    { field: "x", type: "quantitative" as const, title: "x", format: ".4~f" },
    ...seriesNames.flatMap((name, k) => [
      { field: `f${k}`, type: "quantitative" as const, title: `${name}: f(x)`, format: ".4~f" },
      { field: `d${k}`, type: "quantitative" as const, title: `${name}: f′(x)`, format: ".4~f" },
    ]),
  ];
  return {
    $schema: "https://vega.github.io/schema/vega-lite/v5.json",
    width: "container",
    height: 320,
    autosize: { type: "fit-x", contains: "padding" },
    params: [{ name: DERIVATIVE_SIGNAL, value: showDerivative }],
    layer: [
      {
        data: { name: CURVES_DATA },
        transform: [{ filter: `${DERIVATIVE_SIGNAL} || datum.kind === '${VALUE_KIND}'` }],
        mark: { type: "line", strokeWidth: 2, clip: true },
        encoding: {
          x: { field: "x", type: "quantitative", title: "x", scale: { nice: false, zero: false } },
          y: { field: "v", type: "quantitative", title: "f(x), f′(x)", scale: { zero: false } },
          color: {
            field: "series",
            type: "nominal",
            title: "activation",
            scale: { domain: [...seriesNames], range: seriesNames.map((_, k) => seriesColour(k)) },
          },
          strokeDash: {
            field: "kind",
            type: "nominal",
            title: "curve",
            scale: { domain: [VALUE_KIND, DERIVATIVE_KIND], range: [[1, 0], [6, 3]] },
          },
        },
      },
      {
        data: { name: HOVER_DATA },
        mark: { type: "rule", strokeWidth: 1 },
        params: [
          {
            name: "hover",
            select: { type: "point", fields: ["x"], nearest: true, on: "pointerover", clear: "pointerout" },
          },
        ],
        encoding: {
          x: { field: "x", type: "quantitative" },
          opacity: { condition: { param: "hover", empty: false, value: 0.7 }, value: 0 },
          tooltip,
        },
      },
    ],
  };
}
