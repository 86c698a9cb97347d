/**
 * Golden snapshots of the explorer's two charts: the live Vega spec the widget view embeds
 * (widgets/src/explorer-chart.ts) and the static vega-lite fallback the kernel displays with
 * it (exports, GitHub, no extension). A change to either must be deliberate: rewrite the
 * fixtures with ACTIVATION_LAB_UPDATE_SNAPSHOTS=1 and review the diff. Both charts colour
 * series k with the one palette, so a curve is the same colour live and in its fallback.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "fs";
import * as path from "path";
import { explorerSpec } from "../../widgets/src/explorer-chart";
import { explore } from "../../kernel-ext/widgets/explorer";
import { PALETTE } from "../../src/charts/palette";
import { recordingFrontEnd } from "../support/recording-channel";
import { matchSnapshot } from "../support/snapshot";

process.env.ACTIVATION_LAB_QUIET = "1";
process.env.ACTIVATION_LAB_BACKEND ??= "cpu";

const FIXTURES = path.resolve(__dirname, "..", "..", "..", "test", "widgets", "fixtures");
const ACTIVATIONS = ["relu", "leaky_relu", "elu", "swish"];

const matchFixture = (name: string, value: unknown) => matchSnapshot(FIXTURES, name, value);

/** The explorer's static fallback spec for four activations on 5 points of [-2, 2]. */
async function fallbackSpec(): Promise<Record<string, unknown>> {
  recordingFrontEnd();
  const w = explore(ACTIVATIONS, { from: -2, to: 2, points: 5 });
  try {
    const bundle = await w.fallbackBundle();
    return bundle["application/vnd.vegalite.v5+json"] as Record<string, unknown>;
  } finally {
    w.close();
  }
}

test("the explorer's live Vega spec matches its snapshot", () => {
  matchFixture("explorer-live-spec", explorerSpec(ACTIVATIONS, true, 600));
});

test("the explorer's static vega-lite fallback spec matches its snapshot", async () => {
  matchFixture("explorer-fallback-spec", await fallbackSpec());
});

test("series k has the same colour live and in the static fallback: the palette's k-th", async () => {
  const live = explorerSpec(ACTIVATIONS, true, 600) as { scales: { name: string; range: string[] }[] };
  const liveColours = live.scales.find((s) => s.name === "colour")!.range;
  const fallback = JSON.stringify(await fallbackSpec());
  const range = /"range":(\["#[0-9A-Fa-f]{6}"(?:,"#[0-9A-Fa-f]{6}")*\])/.exec(fallback);
  assert.ok(range, "the fallback has a colour range");
  assert.deepEqual(liveColours, PALETTE.slice(0, 4));
  assert.deepEqual(JSON.parse(range[1]), liveColours);
});
