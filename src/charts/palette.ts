/**
 * Okabe–Ito, the colour-blind-safe qualitative palette (Color Universal Design, 2008),
 * reordered so the first colours read well on both light and dark backgrounds (the yellow
 * and black come last; black is replaced by grey). The one palette of every chart: static
 * ones here and the widgets' live ones (widgets/ builds from this browser-safe file).
 */
export const PALETTE = ["#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#F0E442", "#999999"] as const;

/** Colour of the i-th series; cycles when there are more series than colours. */
export function seriesColour(index: number): string {
  return PALETTE[index % PALETTE.length];
}

export const VEGA_LITE_V5_SCHEMA = "https://vega.github.io/schema/vega-lite/v5.json";

/** A vega-lite spec as plain JSON. */
export type VegaLiteSpec = Record<string, unknown> & { $schema: string };
