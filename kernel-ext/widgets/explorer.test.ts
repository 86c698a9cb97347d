import { test, beforeEach } from "node:test";
import assert from "node:assert/strict";
import * as fs from "fs";
import * as path from "path";
import { CommManager } from "../comm";
import { WIDGET_VIEW_MIME } from "../widget";
import { DISPLAY, type MimeBundle } from "../../src/live";
import { tf } from "../../src/tf";
import { defineActivation, removeActivation } from "../../src/activations";
import { ActivationExplorer, explore } from "./explorer";
import { frontEndUpdate, recordingFrontEnd, type Sent } from "../../test/support/recording-channel";
import { MODULE_NAME, MODULE_VERSION } from "../../src/contract/module";
import { applyCurvesPatch, isCurvesPatch, type CurvesState } from "../../src/contract/explorer";

let sent: Sent[] = [];
let manager: CommManager;
process.env.ACTIVATION_LAB_QUIET = "1";
process.env.ACTIVATION_LAB_BACKEND ??= "cpu";

beforeEach(() => {
  ({ sent, manager } = recordingFrontEnd());
});

function frontEnd(w: ActivationExplorer, state: Record<string, unknown>): Promise<void> {
  return frontEndUpdate(manager, w.id, state);
}

/** The curves of the newest kernel "update" that carried them, decoded from its buffers. */
function lastSentCurves(): { x: Float32Array; series: { name: string; y: Float32Array; dy: Float32Array }[] } | undefined {
  for (const s of [...sent].reverse()) {
    const data = s.content.data as { method?: string; state?: Record<string, unknown>; buffer_paths?: (string | number)[][] };
    if (s.msgType !== "comm_msg" || data?.method !== "update" || !data.state || !("curves" in data.state)) continue;
    const curves = structuredClone(data.state.curves) as Record<string, unknown>;
    data.buffer_paths!.forEach((p, i) => {
      let target = { curves } as Record<string | number, unknown>;
      for (const key of p.slice(0, -1)) target = target[key] as Record<string | number, unknown>;
      const buf = s.options.buffers![i] as ArrayBufferView;
      target[p[p.length - 1]] = new Float32Array(buf.buffer, buf.byteOffset, buf.byteLength / 4);
    });
    return curves as never;
  }
  return undefined;
}

const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));

test("the model names match the labextension's module name and version", () => {
  const pkg = JSON.parse(fs.readFileSync(path.resolve(__dirname, "../../../widgets/package.json"), "utf8"));
  const root = JSON.parse(fs.readFileSync(path.resolve(__dirname, "../../../package.json"), "utf8"));
  assert.equal(pkg.version, root.version, "the labextension is released with the package");
  const w = explore(["relu"]);
  assert.equal(w.get("_model_module"), pkg.name);
  assert.equal(w.get("_view_module"), pkg.name);
  // "^0.1.0" must admit the registered version (same major, and for 0.x the same minor).
  const [major, minor] = pkg.version.split(".");
  assert.match(w.get("_model_module_version"), new RegExp(`^\\^${major}\\.${minor}\\.`));
  assert.equal(w.get("_view_module_version"), w.get("_model_module_version"));
  // The bundle registers its models under the contract's name and version (widgets/src/version.ts re-exports them).
  assert.equal(MODULE_VERSION, pkg.version);
  assert.equal(MODULE_NAME, pkg.name);
  w.close();
});

test("the first curves are sent as float32 buffers and match the closed forms", async () => {
  const w = explore(["relu", "sigmoid"], { from: -4, to: 4, points: 81 });
  await w.whenIdle();
  assert.equal(w.get("error"), "");
  const curves = lastSentCurves()!;
  assert.ok(curves, "an update carrying curves was sent");
  assert.equal(curves.x.length, 81);
  assert.deepEqual(curves.series.map((s) => s.name), ["relu", "sigmoid"]);
  for (let i = 0; i < 81; i += 7) {
    const x = curves.x[i];
    assert.ok(Math.abs(curves.series[0].y[i] - Math.max(0, x)) < 1e-6);
    assert.ok(Math.abs(curves.series[1].y[i] - sigmoid(x)) < 1e-6);
    assert.ok(Math.abs(curves.series[1].dy[i] - sigmoid(x) * (1 - sigmoid(x))) < 1e-6);
  }
  w.close();
});

test("a slider change from the front end recomputes with the new parameter", async () => {
  const w = explore(["leaky_relu", "elu"], { from: -2, to: 2, points: 5 });
  await w.whenIdle();
  assert.deepEqual(w.get("params"), { leaky_relu: { alpha: 0.01 }, elu: { alpha: 1 } });
  sent.length = 0;
  await frontEnd(w, { params: { leaky_relu: { alpha: 0.25 }, elu: { alpha: 2 } } });
  await w.whenIdle();
  const curves = lastSentCurves()!;
  // x = -2: leaky = alpha·x, elu = alpha(e^x − 1).
  assert.ok(Math.abs(curves.series[0].y[0] - 0.25 * -2) < 1e-6);
  assert.ok(Math.abs(curves.series[1].y[0] - 2 * (Math.exp(-2) - 1)) < 1e-5);
  assert.ok(Math.abs(curves.series[1].dy[0] - 2 * Math.exp(-2)) < 1e-5);
  w.close();
});

test("picking another activation fills in its default parameters and sends its curve", async () => {
  const w = explore(["relu"], { points: 11 });
  await w.whenIdle();
  await frontEnd(w, { activations: ["relu", "swish"] });
  await w.whenIdle();
  assert.deepEqual(w.get("params").swish, { beta: 1 });
  assert.deepEqual(lastSentCurves()!.series.map((s) => s.name), ["relu", "swish"]);
  w.close();
});

test("bad values set an error naming the problem and keep the last good curves", async () => {
  const w = explore(["relu"], { points: 11 });
  await w.whenIdle();
  const good = w.get("curves");
  sent.length = 0;
  await frontEnd(w, { x_range: [3, 1] });
  await w.whenIdle();
  assert.match(w.get("error"), /from \(3\) must be less than to \(1\)/);
  assert.equal(lastSentCurves(), undefined, "no curves were sent for a bad range");
  assert.equal(w.get("curves"), good);

  await frontEnd(w, { x_range: [-1, 1], activations: ["relu", "not_an_activation"] });
  await w.whenIdle();
  assert.match(w.get("error"), /unknown activation "not_an_activation".*valid choices: .*gelu/);

  await frontEnd(w, { activations: ["relu"], params: { relu: {}, }, points: 1 });
  await w.whenIdle();
  assert.match(w.get("error"), /points must be an integer from 2/);

  await frontEnd(w, { points: 5_000_000 });
  await w.whenIdle();
  assert.match(w.get("error"), /the explorer draws at most 20,001 points, got 5,000,000; use al.curves\(\)/);

  await frontEnd(w, { points: 21 });
  await w.whenIdle();
  assert.equal(w.get("error"), "", "a good value clears the error");
  assert.equal(lastSentCurves()!.x.length, 21);
  w.close();
});

test("bad arguments to explore() throw with the valid choices", () => {
  assert.throws(() => explore(["relu"], { form: 1 } as never), /unknown explore option "form"; valid options: from, to, points/);
  assert.throws(() => explore(["relu", "relu"]), /listed twice/);
  assert.throws(() => explore(["nope"]), /valid choices: .*relu/);
  assert.throws(() => explore([]), /no activations given/);
  assert.throws(() => explore(["relu"], { from: 2, to: 1 }), /must be less than/);
  assert.throws(() => explore(["relu"], { points: 1e6 }), /at most 20,001 points/);
});

test("user-defined activations are offered by the picker", async () => {
  defineActivation({ name: "widget_test_cube", fn: (x) => tf.mul(tf.mul(x, x), x) });
  try {
    const w = explore(["widget_test_cube"], { from: -1, to: 1, points: 3 });
    await w.whenIdle();
    assert.ok(w.get("available").includes("widget_test_cube"));
    assert.ok(w.get("available").includes("relu"));
    const curves = lastSentCurves()!;
    assert.ok(Math.abs(curves.series[0].y[0] - -1) < 1e-6);
    assert.ok(Math.abs(curves.series[0].dy[0] - 3) < 1e-4, "autodiff derivative of x³ at −1 is 3");
    w.close();
  } finally {
    removeActivation("widget_test_cube");
  }
});

test("recomputing leaks no tensors", async () => {
  const w = explore(["gelu", "softplus"], { points: 101 });
  await w.whenIdle();
  const before = tf.memory().numTensors;
  for (const beta of [0.5, 1.5, 3]) {
    await frontEnd(w, { params: { gelu: {}, softplus: { beta } } });
    await w.whenIdle();
  }
  assert.equal(w.get("error"), "");
  assert.equal(tf.memory().numTensors, before);
  w.close();
});

test("the display bundle carries the widget view and a static v5 chart with SVG", async () => {
  const w = explore(["tanh"], { points: 21, showDerivative: false });
  const bundle = (await w[DISPLAY]()) as MimeBundle;
  assert.equal((bundle[WIDGET_VIEW_MIME] as { model_id: string }).model_id, w.id);
  const spec = bundle["application/vnd.vegalite.v5+json"] as { $schema: string };
  assert.match(spec.$schema, /vega-lite\/v5/);
  assert.match(String(bundle["image/svg+xml"]), /^<svg[\s\S]*<path/);
  assert.match(String(bundle["text/plain"]), /tanh/);
  w.close();
});

/** The kernel "update" messages sent so far that carry curves, with their buffers' sizes. */
function curveUpdates(): { state: Record<string, unknown>; paths: (string | number)[][]; bytes: number; buffers: ArrayBufferView[] }[] {
  return sent
    .filter((s) => s.msgType === "comm_msg" && (s.content.data as { method?: string }).method === "update" && "curves" in ((s.content.data as { state?: object }).state ?? {}))
    .map((s) => {
      const data = s.content.data as { state: Record<string, unknown>; buffer_paths: (string | number)[][] };
      const buffers = (s.options.buffers ?? []) as ArrayBufferView[];
      return { state: data.state, paths: data.buffer_paths, bytes: buffers.reduce((n, b) => n + b.byteLength, 0), buffers };
    });
}

/** The curves a front end holds after an update, given what it held before (as the bundle applies it). */
function held(before: CurvesState | null, update: ReturnType<typeof curveUpdates>[number]): CurvesState {
  const curves = structuredClone(update.state.curves) as Record<string, unknown>;
  update.paths.forEach((p, i) => {
    let target = { curves } as Record<string | number, unknown>;
    for (const key of p.slice(0, -1)) target = target[key] as Record<string | number, unknown>;
    const buf = update.buffers[i];
    target[p[p.length - 1]] = new Float32Array(buf.buffer, buf.byteOffset, buf.byteLength / 4);
  });
  return isCurvesPatch(curves) ? (applyCurvesPatch(before, curves) as CurvesState) : (curves as unknown as CurvesState);
}

test("one slider step sends only the moved series' f and f′ (160 KB, not 720 KB, at 20,001 points × 4)", async () => {
  const points = 20_001;
  const w = explore(["relu", "leaky_relu", "elu", "swish"], { points });
  await w.whenIdle();
  const [first] = curveUpdates();
  assert.equal(first.bytes, (1 + 4 * 2) * points * 4, "the first curves carry the grid and every series");
  const before = held(null, first);
  sent.length = 0;
  await frontEnd(w, { params: { ...w.get("params"), leaky_relu: { alpha: 0.2 } } });
  await w.whenIdle();
  const updates = curveUpdates();
  assert.equal(updates.length, 1, "one update per change");
  assert.deepEqual(updates[0].paths, [["curves", "series", 1, "y"], ["curves", "series", 1, "dy"]]);
  assert.equal(updates[0].bytes, 2 * points * 4);
  // The front end's curves after the patch equal the kernel's, value for value.
  const after = held(before, updates[0]);
  const kernel = w.get("curves")!;
  assert.deepEqual(after.x, kernel.x);
  kernel.series.forEach((s, k) => {
    assert.equal(after.series[k].name, s.name);
    assert.deepEqual(after.series[k].y, s.y, `${s.name} f`);
    assert.deepEqual(after.series[k].dy, s.dy, `${s.name} f′`);
  });
  assert.ok(Math.abs(after.series[1].y[0] - 0.2 * -6) < 1e-6, "leaky_relu(-6) with alpha 0.2");
  assert.equal(after.series[0].y, before.series[0].y, "unchanged series keep their arrays in the front end");
  w.close();
});

test("a new grid sends the whole curves again; a new activation sends its own buffers only", async () => {
  const w = explore(["relu", "elu"], { points: 101 });
  await w.whenIdle();
  sent.length = 0;
  await frontEnd(w, { points: 201 });
  await w.whenIdle();
  let updates = curveUpdates();
  assert.equal(updates.length, 1);
  assert.equal(updates[0].bytes, (1 + 2 * 2) * 201 * 4);
  assert.ok(!isCurvesPatch(updates[0].state.curves));
  sent.length = 0;
  await frontEnd(w, { activations: ["relu", "elu", "gelu"] });
  await w.whenIdle();
  updates = curveUpdates();
  assert.equal(updates.length, 1);
  assert.deepEqual(updates[0].paths, [["curves", "series", 2, "y"], ["curves", "series", 2, "dy"]]);
  w.close();
});

test("params that leave out shown activations get their defaults filled in with one update, not two", async () => {
  const w = explore(["leaky_relu", "elu"], { points: 11 });
  await w.whenIdle();
  sent.length = 0;
  await frontEnd(w, { params: { leaky_relu: { alpha: 0.3 } } });
  await w.whenIdle();
  const updates = curveUpdates();
  assert.equal(updates.length, 1, "one update per change");
  assert.deepEqual(updates[0].state.params, { leaky_relu: { alpha: 0.3 }, elu: { alpha: 1 } });
  assert.deepEqual(w.get("params"), { leaky_relu: { alpha: 0.3 }, elu: { alpha: 1 } });
  const kernelUpdates = sent.filter((s) => s.msgType === "comm_msg" && (s.content.data as { method?: string }).method === "update");
  assert.equal(kernelUpdates.length, 1, "and no other kernel update");
  w.close();
});
