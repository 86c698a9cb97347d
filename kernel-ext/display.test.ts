import { test, beforeEach } from "node:test";
import assert from "node:assert/strict";
import { Header, OutputChannel, PublishOptions, setOutputChannel, withParent } from "./channel";
import { DisplayHandle, outputsOf, clearOutput, display, settleOutputs, updateDisplay } from "./display";
import { DISPLAY } from "../src/live";

let sent: { msgType: string; content: Record<string, unknown>; options: PublishOptions }[] = [];
beforeEach(() => {
  sent = [];
  const channel: OutputChannel = { publish: (msgType, content, options = {}) => void sent.push({ msgType, content, options }) };
  setOutputChannel(channel);
});

const spec = { $schema: "https://vega.github.io/schema/vega-lite/v5.json", mark: "point" };

test("a Displayable's bundle keeps every MIME type; JSON types stay objects, bytes become base64", async () => {
  const chart = { [DISPLAY]: () => ({ "application/vnd.vegalite.v5+json": spec, "image/svg+xml": "<svg/>", "image/png": new Uint8Array([1, 2, 3]), "text/plain": "chart" }) };
  const [bundle] = await outputsOf(chart);
  assert.deepEqual(bundle["application/vnd.vegalite.v5+json"], spec);
  assert.equal(bundle["image/svg+xml"], "<svg/>");
  assert.equal(bundle["image/png"], Buffer.from([1, 2, 3]).toString("base64"));
  assert.equal(bundle["text/plain"], "chart");
});

test("a bundle may arrive as a promise; text/plain is filled in when missing", async () => {
  const later = { [DISPLAY]: async () => ({ "text/html": "<b>x</b>" }) };
  const [bundle] = await outputsOf(later);
  assert.equal(bundle["text/html"], "<b>x</b>");
  assert.equal(typeof bundle["text/plain"], "string");
});

test("bad bundles are rejected with the reason", async () => {
  await assert.rejects(outputsOf({ [DISPLAY]: () => "html" }), /must return a MIME bundle object, got string/);
  await assert.rejects(outputsOf({ [DISPLAY]: () => ({ html: "<b/>" }) }), /"html" in a display bundle is not a MIME type/);
  await assert.rejects(outputsOf({ [DISPLAY]: () => [] }), /returned no bundles/);
  await assert.rejects(outputsOf({ [DISPLAY]: () => [{ "text/plain": "ok" }, "html"] }), /must return a MIME bundle object, got string/);
});

test("plain values: strings as they are when displayed, quoted as a cell result", async () => {
  assert.deepEqual(await outputsOf("abc"), [{ "text/plain": "abc" }]);
  assert.deepEqual(await outputsOf("abc", true), [{ "text/plain": "'abc'" }]);
  assert.deepEqual(await outputsOf({ a: 1 }), [{ "text/plain": "{ a: 1 }" }]);
});

test("display publishes display_data with a display id; updates and clears go out too", async () => {
  const parent = { msg_id: "cell-1" } as Header;
  await withParent(parent, async () => {
    const handle = display({ [DISPLAY]: async () => ({ "text/plain": "v1" }) }, { display_id: "d1" });
    assert.ok(handle instanceof DisplayHandle);
    await settleOutputs();
    await handle.update("v2");
    await updateDisplay("d1", "v3");
    clearOutput(true);
  });
  assert.deepEqual(
    sent.map((s) => [s.msgType, (s.content.transient as { display_id?: string } | undefined)?.display_id, (s.content.data as Record<string, unknown> | undefined)?.["text/plain"]]),
    [
      ["display_data", "d1", "v1"],
      ["update_display_data", "d1", "v2"],
      ["update_display_data", "d1", "v3"],
      ["clear_output", undefined, undefined],
    ],
  );
  assert.deepEqual(sent[3].content, { wait: true });
  assert.throws(() => display(1, { display_id: "" }), /display_id must be a non-empty string/);
});

test("several bundles are several outputs; each gets its own display id, and an update with fewer empties the rest", async () => {
  const chartAndTable = { [DISPLAY]: async () => [{ "image/svg+xml": "<svg/>", "text/plain": "chart" }, { "text/html": "<table></table>", "text/plain": "table" }] };
  await withParent({ msg_id: "cell-2" } as Header, async () => {
    const handle = display(chartAndTable, { display_id: "d2" });
    await settleOutputs();
    await handle.update("just text");
  });
  assert.deepEqual(
    sent.map((s) => [s.msgType, (s.content.transient as { display_id: string }).display_id, (s.content.data as Record<string, unknown>)["text/plain"]]),
    [
      ["display_data", "d2", "chart"],
      ["display_data", "d2#1", "table"],
      ["update_display_data", "d2", "just text"],
      ["update_display_data", "d2#1", ""],
    ],
  );
});
