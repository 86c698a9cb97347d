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

process.env.ACTIVATION_LAB_QUIET = "1";
process.env.ACTIVATION_LAB_BACKEND ??= "cpu";

const FIXTURES = path.resolve(__dirname, "..", "..", "..", "test", "widgets", "fixtures");
const UPDATE = process.env.ACTIVATION_LAB_UPDATE_SNAPSHOTS === "1";
const ACTIVATIONS = ["relu", "leaky_relu", "elu", "swish"];

/** Compares `value` with the fixture `name` (JSON); writes it instead only when asked to. */
function matchSnapshot(name: string, value: unknown): void {
  const file = path.join(FIXTURES, `${name}.json`);
  const text = `${JSON.stringify(value, null, 2)}\n`;
  if (UPDATE) {
    fs.mkdirSync(FIXTURES, { recursive: true });
    fs.writeFileSync(file, text);
    return;
  }
  assert.ok(fs.existsSync(file), `no snapshot ${path.relative(process.cwd(), file)}; write it with ACTIVATION_LAB_UPDATE_SNAPSHOTS=1 and review it`);
  assert.deepEqual(JSON.parse(text), JSON.parse(fs.readFileSync(file, "utf8")), `${name} changed; if on purpose, rewrite with ACTIVATION_LAB_UPDATE_SNAPSHOTS=1`);
}

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
  matchSnapshot("explorer-live-spec", explorerSpec(ACTIVATIONS, true, 600));
});

test("the explorer's static vega-lite fallback spec matches its snapshot", async () => {
  matchSnapshot("explorer-fallback-spec", await fallbackSpec());
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
