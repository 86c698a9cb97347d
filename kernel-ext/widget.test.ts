import { test, beforeEach } from "node:test";
import assert from "node:assert/strict";
import { CommManager, commErrors } from "./comm";
import { Widget, WidgetModelIds, WIDGET_VIEW_MIME } from "./widget";
import { DISPLAY } from "../src/live";
import { recordingFrontEnd, type Sent } from "../test/support/recording-channel";

let sent: Sent[] = [];
let manager: CommManager;
process.env.ACTIVATION_LAB_QUIET = "1";

beforeEach(() => {
  ({ sent, manager } = recordingFrontEnd());
});

const ids: WidgetModelIds = {
  _model_name: "TestModel",
  _model_module: "test-module",
  _model_module_version: "1.0.0",
  _view_name: "TestView",
  _view_module: "test-module",
  _view_module_version: "1.0.0",
};

interface TestState {
  count: number;
  label: string;
  data: { x: Float32Array; names: string[] };
}

class TestWidget extends Widget<TestState> {
  constructor(count = 0) {
    super({ ...ids, count, label: "a", data: { x: new Float32Array([1, 2]), names: ["n"] } });
  }
}

function frontEnd(w: Widget<object>, data: Record<string, unknown>, buffers: Buffer[] = []): Promise<void> {
  return manager.handle("comm_msg", { comm_id: w.id, data }, buffers);
}

function lastComm(method: string): Sent | undefined {
  return [...sent].reverse().find((s) => s.msgType === "comm_msg" && (s.content.data as Record<string, unknown>).method === method);
}

test("opening sends comm_open with the state, protocol version and binary values as buffers", () => {
  const w = new TestWidget(3);
  assert.equal(sent.length, 1);
  const open = sent[0];
  assert.equal(open.msgType, "comm_open");
  assert.equal(open.content.target_name, "jupyter.widget");
  assert.equal(open.content.comm_id, w.id);
  assert.deepEqual(open.options.metadata, { version: "2.1.0" });
  const data = open.content.data as { state: Record<string, unknown>; buffer_paths: unknown };
  assert.equal(data.state.count, 3);
  assert.deepEqual(data.state.data, { names: ["n"] });
  assert.deepEqual(data.buffer_paths, [["data", "x"]]);
  const buf = open.options.buffers?.[0] as Float32Array;
  assert.deepEqual(Array.from(buf), [1, 2]);
});

test("set sends only changed keys and fires listeners with old and new values", async () => {
  const w = new TestWidget(1);
  const seen: [number, number, boolean][] = [];
  w.on("change:count", (c) => void seen.push([c.old, c.new, c.fromFrontEnd]));
  await w.set({ count: 1, label: "b" });
  const update = lastComm("update")!;
  assert.deepEqual((update.content.data as Record<string, unknown>).state, { label: "b" });
  assert.deepEqual(seen, []);
  await w.set({ count: 2 });
  assert.deepEqual(seen, [[1, 2, false]]);
  assert.equal(w.get("count"), 2);
});

test("a front-end update is echoed before listeners run, and listener sets of the same value are not re-sent", async () => {
  const w = new TestWidget(0);
  const order: string[] = [];
  w.on("change:count", async (c) => {
    order.push(`listener sees ${sent.length} messages`);
    await w.set({ count: c.new, label: `count=${c.new}` });
  });
  sent.length = 0;
  await frontEnd(w, { method: "update", state: { count: 7 }, buffer_paths: [] });
  assert.equal(sent[0].msgType, "comm_msg");
  assert.deepEqual(sent[0].content.data, { method: "echo_update", state: { count: 7 }, buffer_paths: [] });
  assert.deepEqual(order, ["listener sees 1 messages"]);
  // Only the label is sent back: the count equals what the front end just sent.
  assert.equal(sent.length, 2);
  assert.deepEqual((sent[1].content.data as Record<string, unknown>).state, { label: "count=7" });
  assert.equal(w.get("count"), 7);
});

test("front-end buffers land at their buffer_paths", async () => {
  const w = new TestWidget();
  const bytes = Buffer.from(new Float32Array([5, 6, 7]).buffer);
  await frontEnd(w, { method: "update", state: { data: { names: ["m"] } }, buffer_paths: [["data", "x"]] }, [bytes]);
  const data = w.get("data") as unknown as { x: DataView; names: string[] };
  assert.equal(data.x.byteLength, 12);
  assert.equal(data.x.getFloat32(4, true), 6);
  assert.deepEqual(data.names, ["m"]);
});

test("request_state is answered with the full state", async () => {
  const w = new TestWidget(4);
  await frontEnd(w, { method: "request_state" });
  const reply = lastComm("update")!;
  const data = reply.content.data as { state: Record<string, unknown>; buffer_paths: unknown };
  assert.equal(data.state.count, 4);
  assert.equal(data.state._model_name, "TestModel");
  assert.deepEqual(data.buffer_paths, [["data", "x"]]);
  assert.equal(reply.options.buffers?.length, 1);
});

test("custom messages reach onCustom with their buffers, and send() emits custom", async () => {
  const w = new TestWidget();
  const got: unknown[] = [];
  w.onCustom((content, buffers) => void got.push(content, buffers.length));
  await frontEnd(w, { method: "custom", content: { event: "click" } }, [Buffer.from([1])]);
  assert.deepEqual(got, [{ event: "click" }, 1]);
  w.send({ hello: 1 });
  assert.deepEqual(lastComm("custom")!.content.data, { method: "custom", content: { hello: 1 } });
});

test("a value of the wrong type from the front end is rejected and corrected; junk is logged and dropped", async () => {
  const w = new TestWidget(2);
  const errorsBefore = commErrors();
  sent.length = 0;
  await frontEnd(w, { method: "update", state: { count: "many" } });
  assert.equal(w.get("count"), 2);
  assert.deepEqual(lastComm("update")!.content.data, { method: "update", state: { count: 2 }, buffer_paths: [] });
  sent.length = 0;
  await frontEnd(w, { method: "explode" });
  await frontEnd(w, { method: "update", state: "nope" });
  await frontEnd(w, { method: "update", state: {}, buffer_paths: [["x"]] });
  await manager.handle("comm_msg", { data: {} });
  await manager.handle("comm_msg", { comm_id: "missing", data: {} });
  assert.equal(sent.length, 0);
  assert.equal(commErrors() - errorsBefore, 6);
});

test("the display bundle carries the widget view and the fallback", async () => {
  const w = new TestWidget();
  const bundle = await w[DISPLAY]();
  assert.deepEqual(bundle[WIDGET_VIEW_MIME], { version_major: 2, version_minor: 1, model_id: w.id });
  assert.match(String(bundle["text/plain"]), /TestModel/);
});

test("close sends comm_close and removes the widget from the comm info", () => {
  const w = new TestWidget();
  assert.ok(w.id in manager.info("jupyter.widget"));
  w.close();
  assert.equal(sent[sent.length - 1].msgType, "comm_close");
  assert.ok(!(w.id in manager.info()));
  assert.equal(Widget.byId(w.id), undefined);
});
