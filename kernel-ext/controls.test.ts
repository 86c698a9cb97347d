import { test, beforeEach } from "node:test";
import assert from "node:assert/strict";
import { Header, withParent } from "./channel";
import { CommManager } from "./comm";
import { Button, Checkbox, Dropdown, FloatSlider, HBox, IntSlider, Output } from "./controls";
import { controlFor, interactive } from "./interact";
import { settleOutputs } from "./display";
import { Widget } from "./widget";
import { recordingFrontEnd, type Sent } from "../test/support/recording-channel";

let sent: Sent[] = [];
let manager: CommManager;
beforeEach(() => {
  ({ sent, manager } = recordingFrontEnd());
  process.env.ACTIVATION_LAB_QUIET = "1";
});

function fromFrontEnd(w: Widget<object>, data: Record<string, unknown>): Promise<void> {
  return manager.handle("comm_msg", { comm_id: w.id, data });
}

test("sliders open with ipywidgets' model names and reference their layout and style models", () => {
  const s = new IntSlider({ value: 3, max: 10, description: "n" });
  const open = sent.find((m) => m.msgType === "comm_open" && m.content.comm_id === s.id)!;
  const state = (open.content.data as { state: Record<string, unknown> }).state;
  assert.equal(state._model_name, "IntSliderModel");
  assert.equal(state._view_name, "IntSliderView");
  assert.equal(state._model_module_version, "2.0.0");
  for (const ref of [state.layout, state.style]) {
    const id = String(ref).replace("IPY_MODEL_", "");
    assert.ok(sent.some((m) => m.msgType === "comm_open" && m.content.comm_id === id), `${ref} was not opened`);
  }
});

test("slider values are clamped to [min, max]; IntSlider rounds; bad ranges are refused", async () => {
  const s = new IntSlider({ value: 3, min: 0, max: 10 });
  await s.set({ value: 12.4 });
  assert.equal(s.value, 10);
  await fromFrontEnd(s, { method: "update", state: { value: 4.6 } });
  assert.equal(s.value, 5);
  const f = new FloatSlider({ value: 0.25, min: 0, max: 1 });
  await f.set({ value: -3 });
  assert.equal(f.value, 0);
  assert.throws(() => new IntSlider({ min: 5, max: 1 }), /min \(5\) must not exceed max \(1\)/);
  assert.throws(() => new FloatSlider({ step: 0 }), /step must be positive/);
  assert.throws(() => new IntSlider({ step: 0.5 }), /must be integers/);
});

test("Dropdown maps the front end's index to kernel values; unknown values list the options", async () => {
  const d = new Dropdown({ options: [["ReLU", "relu"], ["GELU", "gelu"]], value: "gelu" });
  assert.equal(d.get("index"), 1);
  assert.deepEqual(d.get("_options_labels"), ["ReLU", "GELU"]);
  const seen: (string | undefined)[] = [];
  d.onChange((v) => void seen.push(v));
  await fromFrontEnd(d, { method: "update", state: { index: 0 } });
  assert.deepEqual(seen, ["relu"]);
  assert.equal(d.value, "relu");
  assert.throws(() => (d.value = "tanh"), /"tanh" is not one of the options: ReLU, GELU/);
  await fromFrontEnd(d, { method: "update", state: { index: 7 } });
  assert.equal(d.value, "relu");
});

test("Button clicks arrive as custom messages and run the handlers", async () => {
  const b = new Button({ description: "go" });
  let clicks = 0;
  b.onClick(() => void clicks++);
  await fromFrontEnd(b, { method: "custom", content: { event: "click" } });
  await fromFrontEnd(b, { method: "custom", content: { event: "hover" } });
  assert.equal(clicks, 1);
});

test("Output.capture points msg_id at the current request while the callback runs", async () => {
  const out = new Output();
  const during: string[] = [];
  await withParent({ msg_id: "click-7" } as Header, () => out.capture(() => void during.push(out.get("msg_id"))));
  assert.deepEqual(during, ["click-7"]);
  assert.equal(out.get("msg_id"), "");
  await out.appendStdout("hi\n");
  assert.deepEqual(out.get("outputs"), [{ output_type: "stream", name: "stdout", text: "hi\n" }]);
});

test("boxes hold widgets only", () => {
  assert.throws(() => new HBox([1 as unknown as Widget<object>]), /HBox children must be widgets/);
});

test("interact abbreviations become the controls ipywidgets would make", () => {
  const int = controlFor("n", 10) as IntSlider;
  assert.deepEqual([int.get("min"), int.get("max"), int.value], [-10, 30, 10]);
  const range = controlFor("k", [1, 5]) as IntSlider;
  assert.ok(range instanceof IntSlider);
  assert.equal(range.value, 3);
  // JavaScript cannot tell 1 from 1.0: a range is a float slider only when a bound is fractional.
  assert.ok(controlFor("x", [0, 1]) instanceof IntSlider);
  assert.ok(controlFor("x", [0, 2.5]) instanceof FloatSlider);
  assert.ok(controlFor("flag", true) instanceof Checkbox);
  assert.ok(controlFor("act", ["relu", "gelu"]) instanceof Dropdown);
  assert.equal(controlFor("fixed", "text"), undefined);
  assert.throws(() => controlFor("bad", [1, 2, 3, 4] as unknown as [number, number]), /cannot make a control for bad = \[1,2,3,4\]/);
});

test("interactive re-runs the function on every change with the current values", async () => {
  const calls: unknown[] = [];
  // No annotation: the argument's types follow from the specs (compile-time check).
  const box = interactive(({ k, act, note }) => {
    const typed: { k: number; act: string; note: string } = { k, act, note };
    calls.push(typed);
    return k * 2;
  }, { k: [1, 5], act: ["relu", "gelu"], note: "fixed" });
  await withParent({ msg_id: "cell" } as Header, () => box.update());
  const k = box.controls.k as unknown as IntSlider;
  await withParent({ msg_id: "slider-move" } as Header, () => fromFrontEnd(k, { method: "update", state: { value: 4 } }));
  await settleOutputs();
  assert.deepEqual(calls, [
    { k: 3, act: "relu", note: "fixed" },
    { k: 4, act: "relu", note: "fixed" },
  ]);
  assert.equal(box.result, 8);
  const shown = sent.filter((m) => m.msgType === "display_data").map((m) => (m.content.data as Record<string, unknown>)["text/plain"]);
  assert.deepEqual(shown, ["6", "8"]);
});
