import { test, beforeEach } from "node:test";
import assert from "node:assert/strict";
import { OutputChannel, PublishOptions, setOutputChannel } from "./channel";
import { CommManager, setCommManager } from "./comm";
import { settleOutputs } from "./display";
import { WidgetProgress, loadWidget, installLiveHost } from "./host";
import { liveHost, progress, setLiveHost } from "../src/live";
import { Widget } from "./widget";

let sent: { msgType: string; content: Record<string, unknown>; options: PublishOptions }[] = [];
beforeEach(() => {
  sent = [];
  const channel: OutputChannel = { publish: (msgType, content, options = {}) => void sent.push({ msgType, content, options }) };
  setOutputChannel(channel);
  setCommManager(new CommManager());
});

function updatesOf(id: string): Record<string, unknown>[] {
  return sent
    .filter((m) => m.msgType === "comm_msg" && m.content.comm_id === id)
    .map((m) => (m.content.data as { state: Record<string, unknown> }).state);
}

test("a long task shows a progress bar widget that ends in success at the total", async () => {
  const reporter = new WidgetProgress("training", 50, 0);
  reporter.update(10, "epoch 10");
  await settleOutputs();
  const shown = sent.find((m) => m.msgType === "display_data")!;
  const view = (shown.content.data as Record<string, { model_id: string }>)["application/vnd.jupyter.widget-view+json"];
  const box = Widget.byId(view.model_id)!;
  const [bar, label] = box.get("children" as never) as Widget<object>[];
  assert.equal(bar.get("_model_name"), "IntProgressModel");
  assert.equal(bar.get("max" as never), 50);
  assert.equal(bar.get("value" as never), 10);
  assert.equal(label.get("value" as never), "epoch 10");
  reporter.update(20); // within 100 ms of the last update: not sent
  assert.equal(bar.get("value" as never), 10);
  reporter.close(true);
  assert.deepEqual(updatesOf(bar.id).at(-1), { value: 50, bar_style: "success" });
  // The static text follows, for notebooks read without widgets.
  await settleOutputs();
  const refreshed = sent.filter((m) => m.msgType === "update_display_data").at(-1)!;
  assert.match(String((refreshed.content.data as Record<string, unknown>)["text/plain"]), /^training \[#{20}\] 50\/50  done in \d+\.\d s$/);
});

test("short tasks show nothing; a stopped task turns the bar red", async () => {
  const quick = new WidgetProgress("quick", 10, 60_000);
  quick.update(5);
  quick.close(true);
  assert.equal(sent.length, 0);
  const stopped = new WidgetProgress("long", 10, 0);
  stopped.update(3);
  stopped.close(false);
  const bar = [...new Set(sent.filter((m) => m.msgType === "comm_msg").map((m) => m.content.comm_id as string))].find((id) => Widget.byId(id)?.get("_model_name") === "IntProgressModel")!;
  assert.equal(updatesOf(bar).at(-1)?.bar_style, "danger");
  assert.throws(() => new WidgetProgress("bad", Number.NaN), /progress total must be a non-negative number/);
});

test("the live host routes the library's progress() to the widget and names missing widgets", () => {
  const before = liveHost();
  try {
    installLiveHost();
    assert.ok(progress("x", 3) instanceof WidgetProgress);
    assert.throws(() => loadWidget("no-such-widget", "make"), /make\(\) needs the no-such-widget widget, which this installation lacks/);
  } finally {
    setLiveHost(before);
  }
});
