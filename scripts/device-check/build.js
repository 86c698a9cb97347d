#!/usr/bin/env node
/**
 * Builds the device check: a self-contained folder (and .tar.gz) that runs the webgpu-backend
 * numerics, the gradientFlow cross-check and the backend benchmark on a machine with a GPU and
 * no network. The compiled library and tests are bundled with webpack (one CommonJS chunk
 * shared by the entries); dawn.node, the WASM binaries and a Vulkan loader sit beside them.
 *
 *   node scripts/device-check/build.js [--with-node]
 *
 * Output: out/device-check/activation-lab-device-check/ and …tar.gz (must stay under 60 MiB).
 * --with-node also packs this machine's Node binary, pinned by version and sha256, as
 * out/device-check/node-<version>-linux-x64.tar.gz for machines without Node ≥ 20.
 * Needs `npm run build` first (it bundles dist/).
 */
"use strict";
const { spawnSync } = require("child_process");
const crypto = require("crypto");
const fs = require("fs");
const path = require("path");

const ROOT = path.resolve(__dirname, "..", "..");
const OUT = path.join(ROOT, "out", "device-check");
const NAME = "activation-lab-device-check";
const BUNDLE = path.join(OUT, NAME);
const LIMIT_BYTES = 60 * 1024 * 1024;
const withNode = process.argv.includes("--with-node");

function fail(msg) {
  process.stderr.write(`[device-check] ${msg}\n`);
  process.exit(1);
}

function say(msg) {
  process.stderr.write(`[device-check] ${msg}\n`);
}

function sha256(file) {
  return crypto.createHash("sha256").update(fs.readFileSync(file)).digest("hex");
}

function sizeOf(dir) {
  let total = 0;
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    total += e.isDirectory() ? sizeOf(p) : fs.statSync(p).size;
  }
  return total;
}

const entries = {
  probe: path.join(__dirname, "probe.js"),
  numerics: path.join(ROOT, "dist", "src", "activations", "numerics.test.js"),
  "flow-check": path.join(ROOT, "dist", "test", "backends", "flow-check.js"),
  bench: path.join(ROOT, "dist", "bench", "backends.js"),
};
for (const [name, file] of Object.entries(entries)) if (!fs.existsSync(file)) fail(`${name}: ${file} is missing; run npm run build first`);
const dawn = path.join(ROOT, "node_modules", "webgpu", "dist", "linux-x64", "dawn.node");
if (!fs.existsSync(dawn)) fail("node_modules/webgpu has no linux-x64 dawn.node");

fs.rmSync(BUNDLE, { recursive: true, force: true });
fs.mkdirSync(BUNDLE, { recursive: true });

// eslint-disable-next-line import/no-extraneous-dependencies
const webpack = require(path.join(ROOT, "node_modules", "webpack"));
const config = {
  mode: "production",
  target: "node20",
  context: ROOT,
  entry: entries,
  output: { path: BUNDLE, filename: "[name].js", chunkFilename: "[name].js", library: { type: "commonjs2" } },
  // Readable output: a failing check should point at code one can read on the device.
  optimization: { minimize: false, splitChunks: { chunks: "all", name: "library", minSize: 0 } },
  devtool: false,
  // Native or absent on the device: loaded at run time, or reported missing by the chain.
  externals: {
    webgpu: "commonjs webgpu",
    "@tensorflow/tfjs-node": "commonjs @tensorflow/tfjs-node",
    "@tensorflow/tfjs-node-gpu": "commonjs @tensorflow/tfjs-node-gpu",
  },
  externalsPresets: { node: true },
  // Real __dirname: the WASM backend finds its .wasm files beside the chunk that loads them.
  node: { __dirname: false, __filename: false },
  // require(vendoredTfjsNode()) is a path known only at run time; absent in the bundle by design.
  module: { exprContextCritical: false, unknownContextCritical: false },
  performance: { hints: false },
};

webpack(config, (err, stats) => {
  if (err) fail(err.stack || String(err));
  if (stats.hasErrors()) fail(stats.toString({ all: false, errors: true }));
  finish();
});

function finish() {
  const wasmDir = path.join(ROOT, "node_modules", "@tensorflow", "tfjs-backend-wasm", "dist");
  for (const f of fs.readdirSync(wasmDir).filter((f) => f.endsWith(".wasm"))) fs.copyFileSync(path.join(wasmDir, f), path.join(BUNDLE, f));

  // Dawn as a CommonJS package: the npm one is an ES module, which older Node 20s cannot require.
  const webgpuDir = path.join(BUNDLE, "node_modules", "webgpu");
  fs.mkdirSync(webgpuDir, { recursive: true });
  fs.copyFileSync(dawn, path.join(webgpuDir, "dawn.node"));
  const dawnVersion = JSON.parse(fs.readFileSync(path.join(ROOT, "node_modules", "webgpu", "package.json"), "utf8")).version;
  fs.writeFileSync(path.join(webgpuDir, "package.json"), JSON.stringify({ name: "webgpu", version: dawnVersion, main: "index.js" }, null, 2) + "\n");
  fs.writeFileSync(path.join(webgpuDir, "index.js"), '"use strict";\n// { create, globals } straight from the native module.\nmodule.exports = require("./dawn.node");\n');

  // A Vulkan loader for machines whose driver is mounted without one (containers often are).
  const loader = path.join(ROOT, ".vendor", "mesa", "root", "usr", "lib", "x86_64-linux-gnu", "libvulkan.so.1");
  if (fs.existsSync(loader)) {
    fs.mkdirSync(path.join(BUNDLE, "vulkan"), { recursive: true });
    fs.copyFileSync(fs.realpathSync(loader), path.join(BUNDLE, "vulkan", "libvulkan.so.1"));
  } else say("no vendored Vulkan loader (.vendor/mesa, from npm run setup -- --with-lavapipe): the device must have libvulkan1");

  for (const f of ["torch_activations.py", "torch_gradient_flow.py", "torch_model_training.py"]) fs.copyFileSync(path.join(ROOT, "bench", f), path.join(BUNDLE, f));
  for (const f of ["run.sh", "README.md"]) fs.copyFileSync(path.join(__dirname, f), path.join(BUNDLE, f));
  fs.copyFileSync(path.join(ROOT, "data", "digits", "digits.csv.gz"), path.join(BUNDLE, "digits.csv.gz"));
  fs.chmodSync(path.join(BUNDLE, "run.sh"), 0o755);

  const commit = spawnSync("git", ["rev-parse", "--short", "HEAD"], { cwd: ROOT, encoding: "utf8" }).stdout.trim();
  const manifest = {
    built: new Date().toISOString(),
    commit,
    builtWithNode: process.version,
    dawn: { package: `webgpu@${dawnVersion}`, sha256: sha256(path.join(webgpuDir, "dawn.node")) },
    files: Object.keys(entries).map((e) => `${e}.js`),
  };

  let nodeArchive;
  if (withNode) {
    // Pinned: the exact binary this bundle was built and tested with, named and hashed.
    const stage = path.join(OUT, `node-${process.version}-linux-x64`);
    fs.rmSync(stage, { recursive: true, force: true });
    fs.mkdirSync(path.join(stage, "bin"), { recursive: true });
    fs.copyFileSync(process.execPath, path.join(stage, "bin", "node"));
    fs.chmodSync(path.join(stage, "bin", "node"), 0o755);
    nodeArchive = `${stage}.tar.gz`;
    const r = spawnSync("tar", ["-czf", nodeArchive, "-C", OUT, path.basename(stage)], { stdio: "inherit" });
    if (r.status !== 0) fail("tar failed for the Node binary");
    fs.rmSync(stage, { recursive: true, force: true });
    manifest.node = { version: process.version, archive: path.basename(nodeArchive), sha256: sha256(process.execPath) };
  }
  fs.writeFileSync(path.join(BUNDLE, "MANIFEST.json"), JSON.stringify(manifest, null, 2) + "\n");

  const size = sizeOf(BUNDLE);
  if (size > LIMIT_BYTES) fail(`bundle is ${(size / 2 ** 20).toFixed(1)} MiB, over the 60 MiB limit`);
  const archive = path.join(OUT, `${NAME}.tar.gz`);
  const r = spawnSync("tar", ["-czf", archive, "-C", OUT, NAME], { stdio: "inherit" });
  if (r.status !== 0) fail("tar failed");
  say(`${path.relative(ROOT, BUNDLE)}: ${(size / 2 ** 20).toFixed(1)} MiB; ${path.relative(ROOT, archive)}: ${(fs.statSync(archive).size / 2 ** 20).toFixed(1)} MiB`);
  if (nodeArchive) say(`${path.relative(ROOT, nodeArchive)}: ${(fs.statSync(nodeArchive).size / 2 ** 20).toFixed(1)} MiB (Node ${process.version})`);
}
