/** The one palette of every chart (src/charts/palette.ts), for the views. */
export { PALETTE, seriesColour } from "../../src/charts/palette";
