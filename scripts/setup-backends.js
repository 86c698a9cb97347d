#!/usr/bin/env node
/**
 * Optional backends, called by scripts/setup.js with the same arguments. Each part keeps its
 * own stamp in .setup-stamps/ and is skipped when nothing changed.
 *
 *   --for-tests / --with-lavapipe   Mesa's lavapipe (software Vulkan) from Debian into
 *                                   .vendor/mesa/, so the webgpu backend can be tested on a
 *                                   machine without a GPU. Needs root and apt (CI has both);
 *                                   otherwise one line says so and nothing changes.
 *   --for-tests / --with-tfjs-node  @tensorflow/tfjs-node built offline (see below), so the
 *                                   tests run on the backend users get from npm install.
 *
 * Nothing here can fail the set-up: an optional backend that cannot be prepared is reported
 * in one line and left out. Its status (scripts/backend-status.js) tells the tests whether
 * that was a failure (then its suites fail) or not attempted here (then they skip, saying why).
 */
"use strict";
const { spawnSync } = require("child_process");
const crypto = require("crypto");
const fs = require("fs");
const path = require("path");
const { writeBackendStatus } = require("./backend-status");

const ROOT = path.resolve(__dirname, "..");
const STAMPS = path.join(ROOT, ".setup-stamps");
const MESA_DIR = path.join(ROOT, ".vendor", "mesa");
const args = new Set(process.argv.slice(2));
const quiet = args.has("--quiet");
const force = args.has("--force");

/** The Mesa whose lavapipe Dawn accepts (Debian 12's own 22.3 lacks required features). */
const MESA_SUITE = "bookworm-backports";
const MESA_MIN_MAJOR = 24;
const BACKPORTS_SOURCE = "/etc/apt/sources.list.d/activation-lab-bookworm-backports.sources";

function say(msg) {
  process.stderr.write(`[setup] ${msg}\n`);
}

function sh(cmd, argv, opts = {}) {
  if (!quiet) say(`$ ${[cmd, ...argv].join(" ")}`);
  return spawnSync(cmd, argv, { cwd: ROOT, encoding: "utf8", maxBuffer: 1 << 26, ...opts });
}

function ok(r) {
  return !r.error && r.status === 0;
}

function why(r) {
  return r.error ? r.error.message : (r.stderr || r.stdout || "").trim().split("\n").slice(-1)[0] || `exit ${r.status}`;
}

function stampMatches(name, inputs) {
  const file = path.join(STAMPS, `${name}.stamp`);
  return !force && fs.existsSync(file) && fs.readFileSync(file, "utf8") === inputs;
}

function writeStamp(name, inputs) {
  fs.mkdirSync(STAMPS, { recursive: true });
  fs.writeFileSync(path.join(STAMPS, `${name}.stamp`), inputs);
}

function hashOf(...parts) {
  const h = crypto.createHash("sha256");
  for (const p of parts) h.update(String(p));
  return h.digest("hex");
}

/** .vendor/mesa/status.json: the webgpu tests tell "not set up here" from "set-up failed" by it. */
function writeStatus(status) {
  writeBackendStatus("webgpu", status);
}

function which(cmd) {
  return ok(spawnSync("sh", ["-c", `command -v ${cmd}`], { encoding: "utf8" }));
}

/** The version apt would fetch from MESA_SUITE, or undefined when that suite is not in the sources. */
function backportsMesaVersion() {
  const r = spawnSync("apt-cache", ["madison", "mesa-vulkan-drivers"], { encoding: "utf8" });
  if (!ok(r)) return undefined;
  for (const line of r.stdout.split("\n")) {
    const [, version, source] = line.split("|").map((s) => s.trim());
    if (version && source && source.includes(MESA_SUITE) && Number(version.split(".")[0]) >= MESA_MIN_MAJOR) return version;
  }
  return undefined;
}

function ensureBackportsSource() {
  if (backportsMesaVersion()) return undefined;
  const release = fs.existsSync("/etc/os-release") ? fs.readFileSync("/etc/os-release", "utf8") : "";
  if (!/VERSION_CODENAME=bookworm/.test(release)) return "this is not Debian 12 (bookworm), whose backports carry the Mesa that works";
  fs.writeFileSync(
    BACKPORTS_SOURCE,
    [
      "# Added by activation-lab's set-up: Mesa's lavapipe for the webgpu tests is fetched from",
      "# here (apt-get download, unpacked into the project). Backports never upgrade installed",
      "# packages on their own (priority 100).",
      "Types: deb",
      "URIs: http://deb.debian.org/debian",
      `Suites: ${MESA_SUITE}`,
      "Components: main",
      "Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg",
      "",
    ].join("\n"),
  );
  const r = sh("apt-get", ["update", "-q"]);
  if (!ok(r)) return `apt-get update failed: ${why(r)}`;
  if (!backportsMesaVersion()) return `no mesa-vulkan-drivers ≥ ${MESA_MIN_MAJOR} in ${MESA_SUITE}`;
  return undefined;
}

/**
 * Packages to fetch: what installing lavapipe from backports would add or upgrade on this
 * machine (apt's own dependency resolution, simulated). Nothing is installed; already
 * present packages are used from the system.
 */
function packagesToFetch() {
  const r = sh("apt-get", ["-s", "install", "--no-install-recommends", `mesa-vulkan-drivers/${MESA_SUITE}`, "libvulkan1"]);
  if (!ok(r)) return { error: `apt cannot resolve lavapipe's dependencies: ${why(r)}` };
  const pkgs = [];
  for (const m of r.stdout.matchAll(/^Inst (\S+) (?:\[[^\]]*\] )?\((\S+) /gm)) pkgs.push(`${m[1]}=${m[2]}`);
  return { pkgs };
}

function listSharedLibraries(dir) {
  const out = [];
  const walk = (d) => {
    for (const e of fs.existsSync(d) ? fs.readdirSync(d, { withFileTypes: true }) : []) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (/\.so\.\d+$/.test(e.name)) out.push(p); // sonames: one entry per library
    }
  };
  walk(dir);
  return out;
}

/**
 * Order in which the vendored libraries load (dependencies first), found by loading them in
 * a child process pass by pass. The child then asks Dawn for an adapter, which proves the set.
 */
function probe(preloadRel, icdRel) {
  const script = `
    const os = require("os"), path = require("path");
    const base = ${JSON.stringify(MESA_DIR)};
    const flags = os.constants.dlopen.RTLD_NOW | os.constants.dlopen.RTLD_GLOBAL | 0x1000;
    let pending = ${JSON.stringify(preloadRel)}, order = [], errors = {};
    for (let progress = true; pending.length && progress; ) {
      progress = false;
      for (const rel of [...pending]) {
        try { process.dlopen({ exports: {} }, path.join(base, rel), flags); } catch (e) {
          if (!/did not self-register/.test(e.message)) { errors[rel] = e.message.split("\\n")[0]; continue; }
        }
        order.push(rel); pending = pending.filter((p) => p !== rel); progress = true;
      }
    }
    process.env.VK_ADD_DRIVER_FILES = path.join(base, ${JSON.stringify(icdRel)});
    (async () => {
      const { create } = require("webgpu");
      const adapter = await create([]).requestAdapter();
      const d = adapter && adapter.info ? adapter.info.description : null;
      console.log(JSON.stringify({ order, unloaded: pending, errors, adapter: d }));
      process.exit(0);
    })().catch((e) => { console.log(JSON.stringify({ order, unloaded: pending, errors, adapter: null, error: e.message })); process.exit(0); });`;
  // An empty VK_ICD_FILENAMES would still replace the driver list: drop them, as the library does.
  const env = { ...process.env };
  delete env.VK_ICD_FILENAMES;
  delete env.VK_DRIVER_FILES;
  const r = spawnSync(process.execPath, ["-e", script], { cwd: ROOT, encoding: "utf8", env });
  try {
    return JSON.parse(r.stdout.trim().split("\n").pop());
  } catch {
    return { error: why(r) };
  }
}

function setUpLavapipe() {
  const name = "backend-lavapipe";
  // Bump the recipe number when the way lavapipe is prepared changes.
  const inputs = hashOf("lavapipe-recipe-1", MESA_SUITE, process.arch);
  const manifest = path.join(MESA_DIR, "lavapipe.json");
  if (stampMatches(name, inputs) && fs.existsSync(manifest)) return;
  const skip = (reason, attempted) => {
    say(`lavapipe (software WebGPU for the webgpu tests) skipped: ${reason}`);
    writeStatus({ ok: false, attempted, reason });
  };
  if (process.platform !== "linux" || process.arch !== "x64") return skip(`only prepared on linux-x64 (this is ${process.platform}-${process.arch})`, false);
  const isRoot = typeof process.getuid === "function" && process.getuid() === 0;
  if (!isRoot || !which("apt-get") || !which("dpkg-deb")) return skip("needs root with apt-get and dpkg-deb (Debian 12)", false);
  say("lavapipe (Mesa from Debian backports, unpacked into .vendor/mesa)…");
  const t0 = Date.now();
  const sourceProblem = ensureBackportsSource();
  if (sourceProblem) return skip(sourceProblem, true);
  const mesaVersion = backportsMesaVersion();
  const { pkgs, error } = packagesToFetch();
  if (error) return skip(error, true);
  const debs = path.join(MESA_DIR, "debs");
  const unpacked = path.join(MESA_DIR, "root");
  fs.rmSync(MESA_DIR, { recursive: true, force: true });
  fs.mkdirSync(debs, { recursive: true });
  if (pkgs.length) {
    // The download runs as root: apt's sandbox user could not write into the project.
    const r = sh("apt-get", ["download", "-q", "-o", "APT::Sandbox::User=root", ...pkgs], { cwd: debs });
    if (!ok(r)) return skip(`apt-get download failed: ${why(r)}`, true);
  }
  for (const deb of fs.readdirSync(debs).filter((f) => f.endsWith(".deb"))) {
    const r = sh("dpkg-deb", ["-x", path.join(debs, deb), unpacked]);
    if (!ok(r)) return skip(`dpkg-deb -x ${deb} failed: ${why(r)}`, true);
  }
  fs.rmSync(debs, { recursive: true, force: true });
  const driver = path.join(unpacked, "usr", "lib", "x86_64-linux-gnu", "libvulkan_lvp.so");
  if (!fs.existsSync(driver)) return skip("the unpacked Mesa has no libvulkan_lvp.so", true);
  // The loader resolves a library_path with a slash relative to the manifest: the folder can move.
  const icdRel = "lvp_icd.json";
  fs.writeFileSync(
    path.join(MESA_DIR, icdRel),
    JSON.stringify({ file_format_version: "1.0.0", ICD: { library_path: `./${path.relative(MESA_DIR, driver)}`, api_version: "1.3.0" } }, null, 2) + "\n",
  );
  // Drivers and layers are loaded by the Vulkan loader itself; everything else is preloaded.
  const candidates = listSharedLibraries(unpacked)
    .filter((p) => !/libvulkan_|libVkLayer_/.test(path.basename(p)))
    .map((p) => path.relative(MESA_DIR, p));
  const result = probe(candidates, icdRel);
  if (!result.adapter) {
    return skip(`Dawn found no adapter on the unpacked lavapipe (${result.error || JSON.stringify(result.errors)})`, true);
  }
  fs.writeFileSync(manifest, JSON.stringify({ mesa: mesaVersion, icd: icdRel, preload: result.order, adapter: result.adapter }, null, 2) + "\n");
  writeStatus({ ok: true, attempted: true, mesa: mesaVersion, adapter: result.adapter });
  writeStamp(name, inputs);
  say(`lavapipe ready: ${result.adapter} (${((Date.now() - t0) / 1000).toFixed(1)} s)`);
}

if (args.has("--for-tests") || args.has("--with-lavapipe")) setUpLavapipe();
// ---------------------------------------------------------------------------------------------
// tfjs-node, offline. Its install script downloads libtensorflow from a host unreachable here,
// so: the package and its JS dependencies from the npm registry into a separate tree (never the
// project's node_modules), libtensorflow from the tensorflow-cpu wheel pip can fetch, and the
// addon compiled against it with node-gyp and the local Node headers. The result lives in
// .vendor/tfjs-node/node_modules/@tensorflow/tfjs-node, where src/backend.ts looks for it;
// its `require("@tensorflow/tfjs")` climbs to the project's copy, so it shares the engine.
// Without @tensorflow/* copies of its own in that tree, there is exactly one tfjs.

const TFJS_NODE_VERSION = "4.22.0";
/** libtensorflow comes from this wheel; its C API is what tfjs-node's addon links against. */
const TENSORFLOW_WHEEL = "tensorflow-cpu==2.21.0";
const TFJS_DIR = path.join(ROOT, ".vendor", "tfjs-node");
const TFJS_PKG = path.join(TFJS_DIR, "node_modules", "@tensorflow", "tfjs-node");
const WHEEL_MEMBERS = /^tensorflow\/(libtensorflow_cc\.so\.2|libtensorflow_framework\.so\.2|include\/(tensorflow\/c|tensorflow\/core\/platform|tsl|xla\/tsl)\/.*)$/;

function nodeGyp() {
  const candidates = [
    path.join(path.dirname(process.execPath), "..", "lib", "node_modules", "npm", "node_modules", "node-gyp", "bin", "node-gyp.js"),
    path.join(path.dirname(process.execPath), "node_modules", "npm", "node_modules", "node-gyp", "bin", "node-gyp.js"),
  ];
  const r = spawnSync("npm", ["root", "-g"], { encoding: "utf8" });
  if (ok(r)) candidates.push(path.join(r.stdout.trim(), "npm", "node_modules", "node-gyp", "bin", "node-gyp.js"));
  return candidates.find((c) => fs.existsSync(c));
}

function setUpTfjsNode() {
  const name = "backend-tfjs-node";
  const inputs = hashOf("tfjs-node-recipe-2", TFJS_NODE_VERSION, TENSORFLOW_WHEEL, process.version, process.arch);
  const addon = path.join(TFJS_PKG, "lib", "napi-v8", "tfjs_binding.node");
  if (stampMatches(name, inputs) && fs.existsSync(addon)) return 0;
  // Not attempted: this platform or machine cannot build it (the tests then skip tensorflow).
  const notHere = (reason) => {
    say(`tfjs-node skipped: ${reason}`);
    writeBackendStatus("tensorflow", { ok: false, attempted: false, reason });
    return 1;
  };
  // Attempted and failed: the tests then fail on tensorflow with this reason.
  const fail = (reason) => {
    say(`tfjs-node failed: ${reason}`);
    writeBackendStatus("tensorflow", { ok: false, attempted: true, reason: `tfjs-node set-up failed: ${reason}` });
    return 1;
  };
  if (process.platform !== "linux" || process.arch !== "x64") return notHere(`only built on linux-x64 (this is ${process.platform}-${process.arch})`);
  const python = path.join(ROOT, ".venv", "bin", "python");
  if (!fs.existsSync(python)) return notHere("no .venv (run npm run setup first)");
  const nodedir = path.resolve(path.dirname(process.execPath), "..");
  if (!fs.existsSync(path.join(nodedir, "include", "node", "node_api.h"))) return notHere(`no Node headers under ${nodedir}/include/node`);
  const gyp = nodeGyp();
  if (!gyp) return notHere("node-gyp (bundled with npm) not found");
  say(`tfjs-node ${TFJS_NODE_VERSION} (offline build against the tensorflow-cpu wheel's libtensorflow)…`);
  const t0 = Date.now();

  // 1. libtensorflow and its C headers, from the wheel (the wheel itself is ~270 MB; kept for reruns).
  const wheelDir = path.join(TFJS_DIR, "wheel");
  const wheelName = new RegExp(`^tensorflow_cpu-${TENSORFLOW_WHEEL.split("==")[1].replace(/\./g, "\\.")}-.*\\.whl$`);
  let wheel = fs.existsSync(wheelDir) && fs.readdirSync(wheelDir).find((f) => wheelName.test(f));
  if (!wheel) {
    // pip's own cache keeps the download for the next fresh clone on this machine.
    const r = sh(python, ["-m", "pip", "download", "--disable-pip-version-check", "-q", "--retries", "0", "--timeout", "5", "--no-deps", "--only-binary=:all:", "-d", wheelDir, TENSORFLOW_WHEEL]);
    if (!ok(r)) return fail(`pip download tensorflow-cpu failed: ${why(r)}`);
    wheel = fs.readdirSync(wheelDir).find((f) => wheelName.test(f));
    if (!wheel) return fail("pip downloaded no tensorflow-cpu wheel");
  }
  const tree = path.join(TFJS_DIR, "tree");
  fs.rmSync(tree, { recursive: true, force: true });
  fs.mkdirSync(tree, { recursive: true });
  const unpacked = path.join(tree, "wheel");
  const extract = `import re, sys, zipfile
z = zipfile.ZipFile(sys.argv[1]); want = re.compile(sys.argv[3])
z.extractall(sys.argv[2], [n for n in z.namelist() if want.match(n)])`;
  let r = sh(python, ["-c", extract, path.join(wheelDir, wheel), unpacked, WHEEL_MEMBERS.source]);
  if (!ok(r)) return fail(`could not unpack ${wheel}: ${why(r)}`);

  // 2. The package and its JS dependencies, scripts off (the install script would download).
  fs.writeFileSync(path.join(tree, "package.json"), JSON.stringify({ name: "tfjs-node-offline-build", private: true }) + "\n");
  r = sh("npm", ["install", "--prefix", tree, "--no-save", "--no-package-lock", "--ignore-scripts", "--no-audit", "--no-fund", `@tensorflow/tfjs-node@${TFJS_NODE_VERSION}`]);
  if (!ok(r)) return fail(`npm could not fetch @tensorflow/tfjs-node@${TFJS_NODE_VERSION}: ${why(r)}`);
  const pkg = path.join(tree, "node_modules", "@tensorflow", "tfjs-node");

  // 3. deps/ as its install script would leave it; the addon's RUNPATH is $ORIGIN/../../deps/lib.
  const lib = path.join(pkg, "deps", "lib");
  fs.mkdirSync(lib, { recursive: true });
  fs.renameSync(path.join(unpacked, "tensorflow", "include"), path.join(pkg, "deps", "include"));
  for (const so of ["libtensorflow_cc.so.2", "libtensorflow_framework.so.2"]) fs.renameSync(path.join(unpacked, "tensorflow", so), path.join(lib, so));
  fs.symlinkSync("libtensorflow_cc.so.2", path.join(lib, "libtensorflow.so")); // the C API lives in _cc
  fs.symlinkSync("libtensorflow_framework.so.2", path.join(lib, "libtensorflow_framework.so"));
  fs.rmSync(unpacked, { recursive: true, force: true });

  // 4. The addon, for N-API 8 (what its package.json's binary section resolves to on Node ≥ 20).
  r = sh(process.execPath, [gyp, "rebuild", `--nodedir=${nodedir}`, "-j", "2", "--module_name=tfjs_binding", `--module_path=${path.dirname(addon.replace(TFJS_PKG, pkg))}`, "--napi_build_version=8"], { cwd: pkg, stdio: quiet ? "pipe" : "inherit" });
  if (!ok(r)) return fail(`node-gyp could not build the addon: ${why(r)}`);
  fs.rmSync(path.join(pkg, "build"), { recursive: true, force: true });

  // 5. One tfjs: drop the tree's own @tensorflow/* so tfjs-node finds the project's, then swap in.
  const scope = path.join(tree, "node_modules", "@tensorflow");
  for (const d of fs.readdirSync(scope)) if (d !== "tfjs-node") fs.rmSync(path.join(scope, d), { recursive: true, force: true });
  fs.rmSync(path.join(TFJS_DIR, "node_modules"), { recursive: true, force: true });
  fs.renameSync(path.join(tree, "node_modules"), path.join(TFJS_DIR, "node_modules"));
  fs.rmSync(tree, { recursive: true, force: true });

  // 6. Proof: the library picks it when forced.
  const probe = `require(${JSON.stringify(path.join(ROOT, "dist", "src", "index.js"))}).ready().then(b => console.log(b.name), e => { console.log(e.message); process.exit(3); })`;
  r = spawnSync(process.execPath, ["-e", probe], { cwd: ROOT, encoding: "utf8", env: { ...process.env, ACTIVATION_LAB_BACKEND: "tensorflow", ACTIVATION_LAB_QUIET: "1" } });
  if (!ok(r) || r.stdout.trim() !== "tensorflow") return fail(`built, but the library cannot start it: ${(r.stdout + r.stderr).trim().split("\n").pop()}`);
  writeStamp(name, inputs);
  writeBackendStatus("tensorflow", { ok: true, attempted: true, tfjsNode: TFJS_NODE_VERSION, libtensorflow: TENSORFLOW_WHEEL });
  say(`tfjs-node ready (${((Date.now() - t0) / 1000).toFixed(1)} s); the chain now prefers it to wasm`);
  return 0;
}

if (args.has("--for-tests") || args.has("--with-tfjs-node")) setUpTfjsNode();
