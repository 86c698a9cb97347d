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
  const versionTs = fs.readFileSync(path.resolve(__dirname, "../../../widgets/src/version.ts"), "utf8");
  const root = JSON.parse(fs.readFileSync(path.resolve(__dirname, "../../../package.json"), "utf8"));
  assert.equal(pkg.version, root.version, "the labextension is released with the package");
  const w = explore(["relu"]);
  assert.equal(w.get("_model_module"), pkg.name);
  assert.equal(w.get("_view_module"), pkg.name);
  // "^0.1.0" must admit the registered version (same major, and for 0.x the same minor).
  const [major, minor] = pkg.version.split(".");
  assert.match(w.get("_model_module_version"), new RegExp(`^\\^${major}\\.${minor}\\.`));
  assert.equal(w.get("_view_module_version"), w.get("_model_module_version"));
  assert.match(versionTs, new RegExp(`MODULE_VERSION = "${pkg.version.replace(/\./g, "\\.")}"`));
  assert.match(versionTs, new RegExp(`MODULE_NAME = "${pkg.name}"`));
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
