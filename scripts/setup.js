#!/usr/bin/env node
/**
 * `npm run setup`: everything activation-lab needs, idempotent. Each step records a stamp of
 * its inputs in .setup-stamps/ and is skipped when they have not changed, so a second run
 * takes seconds.
 *
 *   1. npm dependencies (npm ci)          4. the widgets labextension build, and the anywidget
 *                                            front end (pip's, or built from npm anywidget)
 *   2. TypeScript build to dist/           5. kernelspec + labextension into .venv
 *   3. .venv with JupyterLab & friends     6. (--for-tests) test-only Python packages, and
 *                                             .venv as a JupyterHub single-user environment
 *
 * Flags: --quiet (only say what is being done), --for-tests, --force (ignore stamps).
 */
"use strict";
const { spawnSync } = require("child_process");
const crypto = require("crypto");
const fs = require("fs");
const path = require("path");
const { writeLabSettingsOverrides } = require("./lab-config");

const ROOT = path.resolve(__dirname, "..");
const STAMPS = path.join(ROOT, ".setup-stamps");
const VENV = path.join(ROOT, ".venv");
const VENV_PY = path.join(VENV, "bin", "python");
const args = new Set(process.argv.slice(2));
const quiet = args.has("--quiet");
const force = args.has("--force");
const forTests = args.has("--for-tests") || args.has("--with-torch");

function say(msg) {
  process.stderr.write(`[setup] ${msg}\n`);
}

function fail(msg) {
  process.stderr.write(`\n[setup] ${msg}\n`);
  process.exit(1);
}

function run(cmd, argv, opts = {}) {
  if (!quiet) say(`$ ${[cmd, ...argv].join(" ")}`);
  const r = spawnSync(cmd, argv, { cwd: ROOT, stdio: "inherit", ...opts });
  if (r.error) fail(`could not run ${cmd}: ${r.error.message}`);
  if (r.status !== 0) fail(`${cmd} ${argv.join(" ")} failed with exit code ${r.status}`);
}

/** Hash of files (by content) and extra strings: the identity of a step's inputs. */
function fingerprint(files, extra = []) {
  const h = crypto.createHash("sha256");
  for (const f of files.sort()) {
    h.update(f);
    try {
      h.update(fs.readFileSync(path.join(ROOT, f)));
    } catch {
      h.update("<missing>");
    }
  }
  for (const e of extra) h.update(String(e));
  return h.digest("hex");
}

function listFiles(dir, pattern) {
  const out = [];
  const walk = (rel) => {
    let entries;
    try {
      entries = fs.readdirSync(path.join(ROOT, rel), { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries) {
      const p = path.join(rel, e.name);
      if (e.isDirectory()) {
        if (!["node_modules", "lib", "labextension", "__pycache__"].includes(e.name)) walk(p);
      } else if (pattern.test(e.name)) out.push(p);
    }
  };
  walk(dir);
  return out;
}

function step(name, inputs, outputsExist, action) {
  const stampFile = path.join(STAMPS, `${name}.stamp`);
  const previous = fs.existsSync(stampFile) ? fs.readFileSync(stampFile, "utf8") : "";
  if (!force && previous === inputs && outputsExist()) return false;
  say(`${name}…`);
  const t0 = Date.now();
  action();
  fs.mkdirSync(STAMPS, { recursive: true });
  fs.writeFileSync(stampFile, inputs);
  say(`${name} done in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  return true;
}

function findPython() {
  for (const candidate of [process.env.PYTHON, "python3", "python"].filter(Boolean)) {
    const r = spawnSync(candidate, ["-c", "import sys, venv; print(sys.version_info[:2] >= (3, 9))"], { encoding: "utf8" });
    if (r.status === 0 && r.stdout.trim() === "True") return candidate;
  }
  fail(
    "Python 3.9+ with the venv module is needed for JupyterLab and was not found.\n" +
      "  Debian/Ubuntu: sudo apt-get install python3 python3-venv python3-pip\n" +
      "  macOS:         brew install python\n" +
      "  or set PYTHON=/path/to/python3 and run npm run setup again.",
  );
}

function pipInstall(argv) {
  // An unreachable default index makes pip retry for minutes; fail fast unless told otherwise.
  const flags = [];
  if (!process.env.PIP_RETRIES) flags.push("--retries", "0");
  if (!process.env.PIP_TIMEOUT) flags.push("--timeout", "5");
  run(VENV_PY, ["-m", "pip", "install", "--disable-pip-version-check", ...(quiet ? ["-q"] : []), ...flags, ...argv]);
}

const t0 = Date.now();
const nodeMajor = Number(process.versions.node.split(".")[0]);
if (nodeMajor < 20) fail(`Node.js 20 or newer is needed (this is ${process.version}).`);

// 1. npm dependencies
// Only what decides the installed tree counts: editing a script in package.json must not reinstall.
const manifest = JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8"));
const dependencyFields = ["dependencies", "devDependencies", "optionalDependencies", "overrides"].map((k) => JSON.stringify(manifest[k] ?? {}));
step(
  "npm-dependencies",
  fingerprint(["package-lock.json"], [process.version, ...dependencyFields]),
  () => fs.existsSync(path.join(ROOT, "node_modules", ".package-lock.json")),
  () => run("npm", [fs.existsSync(path.join(ROOT, "package-lock.json")) ? "ci" : "install", "--no-audit", "--no-fund"]),
);

// 2. TypeScript build
const tsSources = ["src", "kernel-ext", "test", "bench"].flatMap((d) => listFiles(d, /\.ts$/));
step(
  "typescript-build",
  fingerprint([...tsSources, "tsconfig.json", "package-lock.json"]),
  () => fs.existsSync(path.join(ROOT, "dist", "src", "index.js")),
  () => run(process.execPath, [path.join(ROOT, "node_modules", "typescript", "bin", "tsc"), "-p", "tsconfig.json"]),
);

// 3. Python environment
step(
  "python-venv",
  fingerprint(["scripts/requirements.txt"]),
  () => fs.existsSync(VENV_PY),
  () => {
    if (!fs.existsSync(VENV_PY)) run(findPython(), ["-m", "venv", VENV]);
    pipInstall(["-r", path.join(ROOT, "scripts", "requirements.txt")]);
  },
);
if (forTests && fs.existsSync(path.join(ROOT, "scripts", "requirements-test.txt"))) {
  step("python-test-packages", fingerprint(["scripts/requirements-test.txt"]), () => true, () =>
    pipInstall(["-r", path.join(ROOT, "scripts", "requirements-test.txt")]),
  );
}

// 3b. Optional fast/GPU backends (lavapipe for the webgpu tests, --with-tfjs-node); own stamps.
if (fs.existsSync(path.join(ROOT, "scripts", "setup-backends.js"))) {
  run(process.execPath, [path.join(ROOT, "scripts", "setup-backends.js"), ...process.argv.slice(2)]);
}

// 4. Widgets labextension (its own script keeps its own stamp)
if (fs.existsSync(path.join(ROOT, "scripts", "build-widgets.js"))) {
  run(process.execPath, [path.join(ROOT, "scripts", "build-widgets.js"), ...(quiet ? ["--quiet"] : [])]);
}

// 4b. The anywidget front end AnyWidget renders through: pip's anywidget where the index has it,
// else built from npm anywidget (scripts/install-anywidget.js says why and how).
if (fs.existsSync(path.join(ROOT, "scripts", "install-anywidget.js"))) {
  // Where `activation-lab install` looks for it (dist/ is built by step 2).
  const { anywidgetFrontEnd } = require(path.join(ROOT, "dist", "kernel-ext", "install.js"));
  step(
    "anywidget-front-end",
    fingerprint(["scripts/install-anywidget.js", "scripts/build-widgets.js", "widgets/anywidget/package.json", "package-lock.json", "scripts/requirements.txt", ...listFiles("widgets/anywidget/src", /./)]),
    () => anywidgetFrontEnd(path.join(VENV, "share", "jupyter")) !== undefined,
    () => run(process.execPath, [path.join(ROOT, "scripts", "install-anywidget.js"), ...(quiet ? ["--quiet"] : [])]),
  );
}

// 5. Kernelspec and labextension into .venv
if (fs.existsSync(path.join(ROOT, "bin", "activation-lab.js"))) {
  const labextension = listFiles("widgets/labextension", /./);
  step(
    "jupyter-install",
    fingerprint(["bin/activation-lab.js", "package.json", "scripts/setup.js", "scripts/lab-config.js", "kernel-ext/server/activation_lab_server.py", ...labextension], [process.execPath, ROOT]),
    () =>
      fs.existsSync(path.join(VENV, "share", "jupyter", "kernels", "activation-lab", "kernel.json")) &&
      fs.existsSync(path.join(VENV, "etc", "jupyter", "jupyter_server_config.d", "activation_lab_server.json")),
    () => {
      // With the server extension: faster slider steps (widgets/README.md, "Latency").
      run(process.execPath, [path.join(ROOT, "bin", "activation-lab.js"), "install", "--prefix", VENV, "--server-extension"]);
      // Saved widget state, no news pop-up or fetches (scripts/lab-config.js).
      writeLabSettingsOverrides(VENV);
    },
  );
}

// 6b. (--for-tests) The hub tests: .venv as a JupyterHub single-user environment, set up by the
// script the single-user image runs (scripts/install-singleuser.js).
if (forTests) {
  step(
    "jupyterhub-single-user",
    fingerprint(["scripts/install-singleuser.js", "scripts/lab-config.js", "scripts/requirements-singleuser.txt", "scripts/requirements.txt", "kernel-ext/server/activation_lab_server.py", "package.json", "scripts/setup.js"], [process.execPath, ROOT]),
    () => spawnSync(VENV_PY, ["-c", "import jupyterhub.singleuser"], { stdio: "ignore" }).status === 0,
    () => {
      provideJupyterHub();
      run(process.execPath, [path.join(ROOT, "scripts", "install-singleuser.js"), "--python", VENV_PY, "--no-pip"]);
    },
  );
}

/**
 * jupyterhub in .venv, for jupyterhub-singleuser: from pip where the index has it (then the
 * tests run that hub too); else Debian's (apt-get install jupyterhub; .ci/apt-packages.txt),
 * whose package the venv imports through a .pth file next to the few modules it needs that the
 * venv lacks. The hub itself then runs on Debian's python3.
 */
function provideJupyterHub() {
  const flags = ["--retries", "0", "--timeout", "5", "--disable-pip-version-check", ...(quiet ? ["-q"] : [])];
  if (spawnSync(VENV_PY, ["-m", "pip", "install", ...flags, "jupyterhub"], { stdio: quiet ? "ignore" : "inherit" }).status === 0) return;
  const debian = spawnSync("/usr/bin/python3", ["-c", "import jupyterhub, async_generator, os; print(os.path.dirname(jupyterhub.__file__)); print(os.path.dirname(async_generator.__file__))"], { encoding: "utf8" });
  if (debian.status !== 0) fail("the hub tests need JupyterHub: pip has no jupyterhub here, and Debian's is not installed (apt-get install jupyterhub)");
  say("pip has no jupyterhub here; the hub tests use Debian's (/usr/bin/python3 runs the hub)");
  const links = path.join(VENV, "debian-jupyterhub");
  fs.rmSync(links, { recursive: true, force: true });
  fs.mkdirSync(links);
  for (const dir of debian.stdout.trim().split("\n")) fs.symlinkSync(dir, path.join(links, path.basename(dir)));
  const site = spawnSync(VENV_PY, ["-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"], { encoding: "utf8" }).stdout.trim();
  fs.writeFileSync(path.join(site, "debian_jupyterhub.pth"), links + "\n");
  // What Debian's jupyterhub.singleuser imports that a JupyterLab venv does not have.
  pipInstall(["sqlalchemy", "alembic"]);
}

if (!quiet || Date.now() - t0 > 2000) say(`ready (${((Date.now() - t0) / 1000).toFixed(1)} s)`);
