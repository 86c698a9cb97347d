import assert from "node:assert/strict";
import { execFileSync, spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { test } from "node:test";
import { availableBackends } from "./backend";

const entry = path.resolve(__dirname, "index.js");
const probe = `require(${JSON.stringify(entry)}).ready().then(b => console.log(JSON.stringify(b)), e => { console.error(e.message); process.exit(3); })`;

function runWith(env: Record<string, string | undefined>) {
  return spawnSync(process.execPath, ["-e", probe], { env: { ...process.env, ...env }, encoding: "utf8" });
}

test("the chain picks tfjs-node where it is built, else wasm (no GPU here), and reports what it skipped", () => {
  const tfjsNodeBuilt = fs.existsSync(path.resolve(__dirname, "../../.vendor/tfjs-node/node_modules/@tensorflow/tfjs-node"));
  const out = JSON.parse(execFileSync(process.execPath, ["-e", probe], { env: { ...process.env, ACTIVATION_LAB_BACKEND: "" }, encoding: "utf8" }));
  assert.equal(out.name, tfjsNodeBuilt ? "tensorflow" : "wasm");
  assert.equal(out.gpu, false);
  assert.equal(out.version, "4.22.0");
  assert.ok(out.skipped.some((s: { name: string }) => s.name === "tensorflow-gpu"), "the CUDA backend is tried first");
  if (!tfjsNodeBuilt) {
    assert.equal(typeof out.simd, "boolean");
    assert.deepEqual(out.skipped.map((s: { name: string }) => s.name).slice(-1), ["tensorflow"]);
  }
});

test("ACTIVATION_LAB_BACKEND forces a backend", () => {
  for (const name of ["cpu", "wasm"]) {
    const r = runWith({ ACTIVATION_LAB_BACKEND: name });
    assert.equal(r.status, 0, r.stderr);
    const out = JSON.parse(r.stdout);
    assert.equal(out.name, name);
    assert.equal(out.forced, true);
  }
});

test("a bad ACTIVATION_LAB_BACKEND is a clear error listing the choices", () => {
  const r = runWith({ ACTIVATION_LAB_BACKEND: "cuda" });
  assert.equal(r.status, 3);
  assert.match(r.stderr, /ACTIVATION_LAB_BACKEND="cuda" is not a backend; valid choices: tensorflow, webgpu, wasm, cpu/);
});

test("forcing a backend that cannot start fails with one clear reason, not a crash", (t) => {
  if (fs.existsSync(path.resolve(__dirname, "../../node_modules/@tensorflow/tfjs-node/package.json"))) {
    return t.skip("npm installed @tensorflow/tfjs-node here, so tensorflow cannot be made to fail to start");
  }
  // The set-up's offline build is looked for where ACTIVATION_LAB_TFJS_NODE says: nowhere.
  const r = runWith({ ACTIVATION_LAB_BACKEND: "tensorflow", ACTIVATION_LAB_QUIET: "1", ACTIVATION_LAB_TFJS_NODE: "/nonexistent/tfjs-node" });
  assert.equal(r.status, 3);
  // Forcing tensorflow tries the CUDA build first (no GPU here), then the CPU one.
  assert.match(r.stderr, /no TensorFlow.js backend could be initialised: tensorflow-gpu: no CUDA GPU found; tensorflow: @tensorflow\/tfjs-node is not installed/);
});

test("wasm and cpu start here: every test run needs both", async () => {
  const found = await availableBackends();
  assert.ok(found.includes("wasm"), `backends found: ${found.join(", ")}`);
  assert.ok(found.includes("cpu"), `backends found: ${found.join(", ")}`);
});
