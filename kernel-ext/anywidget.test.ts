import { test, beforeEach } from "node:test";
import assert from "node:assert/strict";
import * as fs from "fs";
import * as path from "path";
import { CommManager } from "./comm";
import { AnyWidget, ANYWIDGET_VERSION } from "./anywidget";
import { Widget, WIDGET_VIEW_MIME } from "./widget";
import { DISPLAY } from "../src/live";
import { frontEndUpdate, recordingFrontEnd, type Sent } from "../test/support/recording-channel";

let sent: Sent[] = [];
let manager: CommManager;
process.env.ACTIVATION_LAB_QUIET = "1";

beforeEach(() => {
  ({ sent, manager } = recordingFrontEnd());
});

const counterEsm = `export default { render({ model, el }) { el.textContent = String(model.get("count")); } };`;

class Counter extends AnyWidget<{ count: number }> {
  constructor(count = 0) {
    super({ esm: counterEsm, css: ".counter { color: red }", count });
  }
}

function commData(s: Sent): Record<string, unknown> {
  return s.content.data as Record<string, unknown>;
}

/** The widget's own comm_open (its Layout opens first, as with every DOM widget). */
function openOf(w: Widget<object>): Sent {
  const open = sent.find((s) => s.msgType === "comm_open" && s.content.comm_id === w.id);
  assert.ok(open, `no comm_open for ${w.id}`);
  return open;
}

function lastMethod(method: string): Sent | undefined {
  return [...sent].reverse().find((s) => s.msgType === "comm_msg" && commData(s).method === method);
}

test("comm_open carries anywidget's model and view names, the module source and the user's traits", () => {
  const w = new Counter(4);
  const open = openOf(w);
  assert.equal(open.msgType, "comm_open");
  assert.equal(open.content.target_name, "jupyter.widget");
  assert.deepEqual(open.options.metadata, { version: "2.1.0" });
  const state = (commData(open) as { state: Record<string, unknown> }).state;
  assert.equal(state._model_name, "AnyModel");
  assert.equal(state._model_module, "anywidget");
  assert.equal(state._view_name, "AnyView");
  assert.equal(state._view_module, "anywidget");
  assert.equal(state._model_module_version, `~${ANYWIDGET_VERSION}`);
  assert.equal(w.esm, counterEsm);
  assert.ok(String(state._esm).includes(JSON.stringify(counterEsm)), "_esm carries the module's source, quoted, inside the error guard");
  assert.match(String(state._esm), /^\/\/ activation-lab AnyWidget[\s\S]*export default async function/);
  assert.equal(state._css, ".counter { color: red }");
  assert.equal(state._anywidget_id, "activation-lab.Counter");
  assert.equal(state.count, 4);
  assert.match(String(state.layout), /^IPY_MODEL_/, "a DOM widget's layout goes as a model reference");
  assert.ok(!("esm" in state) && !("css" in state), "the options esm/css travel only as _esm/_css");
  assert.equal(w.get("count"), 4);
});

test("a URL module goes as its href; css defaults to none", () => {
  const w = new AnyWidget({ esm: new URL("https://example.org/widget.js"), n: 1 });
  assert.equal(w.esm, "https://example.org/widget.js");
  assert.match(w.get("_esm"), /import\("https:\/\/example\.org\/widget\.js"\)/, "a URL is imported as it is");
  assert.ok(!w.get("_esm").includes("createObjectURL"), "no blob for a URL");
  assert.equal(w.get("_css"), "");
  assert.equal(w.get("_anywidget_id"), "activation-lab.AnyWidget");
});

test("a missing, empty or non-string esm is refused with a message naming the choices", () => {
  assert.throws(() => new AnyWidget({} as never), /AnyWidget: esm must be a string or a URL .*got nothing/);
  assert.throws(() => new AnyWidget({ esm: 42 } as never), /esm must be a string or a URL .*got number/);
  assert.throws(() => new AnyWidget({ esm: "  " }), /esm is empty/);
  assert.throws(() => new AnyWidget({ esm: counterEsm, css: 5 } as never), /css must be a string or a URL/);
  assert.throws(() => new AnyWidget({ esm: counterEsm, _esm: "x" } as never), /"_esm" is reserved/);
  assert.equal(sent.length, 0, "nothing is opened for a refused widget");
});

test("a front-end set of a trait reaches get and change: listeners, and is echoed first", async () => {
  const w = new Counter(0);
  const seen: [number, number, boolean][] = [];
  w.on("change:count", (c) => void seen.push([c.old, c.new, c.fromFrontEnd]));
  await frontEndUpdate(manager, w.id, { count: 3 });
  assert.equal(w.get("count"), 3);
  assert.deepEqual(seen, [[0, 3, true]]);
  const echo = lastMethod("echo_update");
  assert.deepEqual(commData(echo!).state, { count: 3 });
});

test("a kernel set sends an update the page's model.get sees", async () => {
  const w = new Counter(0);
  await w.set({ count: 9 });
  const update = lastMethod("update");
  assert.deepEqual(commData(update!).state, { count: 9 });
  assert.deepEqual(commData(update!).buffer_paths, []);
});

test("the front end cannot rewrite the module source", async () => {
  const w = new Counter(0);
  const before = w.get("_esm");
  await frontEndUpdate(manager, w.id, { _esm: "export default {}" });
  assert.equal(w.get("_esm"), before);
});

test("binary traits travel as buffers both ways (DataView and ArrayBuffer)", async () => {
  const pixels = new Uint8Array([1, 2, 3, 4]);
  const w = new AnyWidget({ esm: counterEsm, image: new DataView(pixels.buffer), meta: { raw: pixels.buffer } });
  const open = openOf(w);
  assert.deepEqual(commData(open).buffer_paths, [["image"], ["meta", "raw"]]);
  assert.deepEqual((commData(open).state as Record<string, unknown>).meta, {});
  const bufs = open.options.buffers as (DataView | ArrayBuffer)[];
  assert.deepEqual(Array.from(new Uint8Array(bufs[0] instanceof DataView ? bufs[0].buffer : bufs[0])), [1, 2, 3, 4]);

  const next = new Float32Array([0.5, -2]);
  await w.set({ image: new DataView(next.buffer) });
  const update = lastMethod("update")!;
  assert.deepEqual(commData(update).buffer_paths, [["image"]]);

  const fromPage = Buffer.from([9, 8, 7]);
  await manager.handle("comm_msg", { comm_id: w.id, data: { method: "update", state: {}, buffer_paths: [["image"]] } }, [fromPage]);
  const image = w.get("image") as DataView;
  assert.ok(image instanceof DataView);
  assert.deepEqual([image.getUint8(0), image.getUint8(1), image.getUint8(2)], [9, 8, 7]);
});

test("custom messages both ways: send with buffers, msg:custom with content and buffers", async () => {
  const w = new Counter(0);
  w.send({ type: "draw", n: 2 }, [new Uint8Array([5, 6])]);
  const custom = lastMethod("custom")!;
  assert.deepEqual(commData(custom).content, { type: "draw", n: 2 });
  assert.equal((custom.options.buffers ?? []).length, 1);

  const got: [unknown, number[]][] = [];
  const off = w.on("msg:custom", (content, buffers) => void got.push([content, buffers.map((b) => b.getUint8(0))]));
  await manager.handle("comm_msg", { comm_id: w.id, data: { method: "custom", content: { clicked: true } } }, [Buffer.from([42])]);
  assert.deepEqual(got, [[{ clicked: true }, [42]]]);
  off();
  await manager.handle("comm_msg", { comm_id: w.id, data: { method: "custom", content: { clicked: false } } }, []);
  assert.equal(got.length, 1, "a removed handler is not called");
  assert.throws(() => w.on("msg:other" as never, () => undefined), /valid: "change", "change:<trait>" or "msg:custom"/);
});

test("saved state lists the widget under anywidget's model names, traits included", () => {
  const w = new Counter(7);
  const saved = Widget.allStates()[w.id] as { model_name: string; model_module: string; state: Record<string, unknown> };
  assert.equal(saved.model_name, "AnyModel");
  assert.equal(saved.model_module, "anywidget");
  assert.equal(saved.state.count, 7);
  assert.equal(saved.state._esm, w.get("_esm"));
  w.close();
});

test("display gives the widget view with a text fallback", async () => {
  const w = new Counter(1);
  const bundle = await w[DISPLAY]();
  assert.deepEqual(bundle[WIDGET_VIEW_MIME], { version_major: 2, version_minor: 1, model_id: w.id });
  assert.match(String(bundle["text/plain"]), /^Counter\(anywidget, id=/);
});

test("the version asked for is the front end's setup installs: npm anywidget's, pinned everywhere", () => {
  const root = path.resolve(__dirname, "..", "..");
  const read = (file: string) => JSON.parse(fs.readFileSync(path.join(root, file), "utf8"));
  assert.equal(read("node_modules/anywidget/package.json").version, ANYWIDGET_VERSION);
  assert.equal(read("package.json").devDependencies.anywidget, ANYWIDGET_VERSION);
  const fallback = read("widgets/anywidget/package.json");
  assert.equal(fallback.version, ANYWIDGET_VERSION, "the fallback front end registers its package version");
  assert.equal(fallback.dependencies.anywidget, ANYWIDGET_VERSION);
});
