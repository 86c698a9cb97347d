/**
 * Okabe & Ito's colour-blind-safe palette (Color Universal Design, 2008), reordered so the
 * first colours keep good contrast on both JupyterLab's light and dark backgrounds (black
 * and yellow are the weakest there, so they come last; black is replaced by grey).
 */
export const OKABE_ITO: readonly string[] = [
  "#0072B2", // blue
  "#E69F00", // orange
  "#009E73", // bluish green
  "#CC79A7", // reddish purple
  "#56B4E9", // sky blue
  "#D55E00", // vermillion
  "#F0E442", // yellow
  "#999999", // grey
];

/** Colour of the i-th series; cycles when there are more series than colours. */
export function seriesColour(index: number): string {
  return OKABE_ITO[index % OKABE_ITO.length];
}
