#!/usr/bin/env node
/**
 * Builds the JupyterLab extension in widgets/: compiles widgets/src with its own tsconfig,
 * then runs the venv's `jupyter labextension build` on widgets/ (output: widgets/labextension).
 *
 * widgets/ is its own package (name "activation-lab") because the builder bundles the
 * package's `main` into the extension: at the repository root that is the Node library
 * (tfjs, fs, ...), which must not go to the browser.
 *
 * widgets/src may import browser-safe modules of the core (src/histograms: the histogram
 * types, data and chart specs the kernel uses too), so widgets/tsconfig's rootDir is the
 * repository root and the compiled plugin lands in widgets/lib/widgets/src/.
 *
 * Skips all work when the inputs hash to the stamp of the last good build, so a second
 * `npm run setup` costs milliseconds. `--force` rebuilds anyway; `--quiet` prints only errors.
 */
"use strict";
const { execFileSync } = require("child_process");
const crypto = require("crypto");
const fs = require("fs");
const path = require("path");

const root = path.resolve(__dirname, "..");
const widgets = path.join(root, "widgets");
const venvBin = path.join(root, ".venv", "bin");
const stampFile = path.join(root, ".setup-stamps", "widgets.sha256");
const args = new Set(process.argv.slice(2));
const quiet = args.has("--quiet");
const force = args.has("--force");

function log(line) {
  if (!quiet) process.stdout.write(`[build-widgets] ${line}\n`);
}

function filesUnder(dir) {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    return entry.isDirectory() ? filesUnder(full) : [full];
  });
}

/** The core (src/) files widgets/src imports, directly or through each other. */
function importedCoreFiles(entries) {
  const seen = new Set();
  const pending = [...entries];
  while (pending.length > 0) {
    const file = pending.pop();
    const text = fs.readFileSync(file, "utf8");
    for (const m of text.matchAll(/from\s+"(\.{1,2}\/[^"]+)"/g)) {
      const target = path.resolve(path.dirname(file), `${m[1]}.ts`);
      if (!target.startsWith(path.join(root, "src") + path.sep) || seen.has(target) || !fs.existsSync(target)) continue;
      seen.add(target);
      pending.push(target);
    }
  }
  return [...seen];
}

/** Everything the bundle depends on: our sources plus the versions of what gets bundled. */
function inputsHash() {
  const hash = crypto.createHash("sha256");
  const own = filesUnder(path.join(widgets, "src"));
  const sources = [
    ...own,
    ...importedCoreFiles(own),
    // Browser-safe core files the bundle builds from (the widget contract, the palette), also
    // when imported through a folder index the import scan above does not follow.
    ...filesUnder(path.join(root, "src", "contract")),
    path.join(root, "src", "charts", "palette.ts"),
    ...filesUnder(path.join(widgets, "style")),
    path.join(widgets, "package.json"),
    path.join(widgets, "tsconfig.json"),
    __filename,
  ].sort();
  for (const file of sources) {
    hash.update(path.relative(root, file));
    hash.update(fs.readFileSync(file));
  }
  for (const pkg of ["@jupyter-widgets/base", "@jupyterlab/builder", "vega", "vega-lite", "vega-embed", "typescript"]) {
    const manifest = path.join(root, "node_modules", pkg, "package.json");
    hash.update(`${pkg}@${fs.existsSync(manifest) ? JSON.parse(fs.readFileSync(manifest, "utf8")).version : "missing"}`);
  }
  const staging = jupyterlabStaging();
  hash.update(fs.readFileSync(path.join(staging, "package.json")));
  return hash.digest("hex");
}

let stagingCache;
/** The installed JupyterLab's own package.json directory: the builder's "core" to share with. */
function jupyterlabStaging() {
  if (stagingCache) return stagingCache;
  const lib = path.join(root, ".venv", "lib");
  const candidates = fs.existsSync(lib)
    ? fs.readdirSync(lib).map((py) => path.join(lib, py, "site-packages", "jupyterlab", "staging"))
    : [];
  stagingCache = candidates.find((dir) => fs.existsSync(path.join(dir, "package.json")));
  if (!stagingCache) {
    throw new Error(`no JupyterLab in ${path.join(root, ".venv")}; run \`npm run setup\` first (it creates .venv with JupyterLab)`);
  }
  return stagingCache;
}

/** Whether `dir`/labextension holds a finished build (its manifest names a present remoteEntry). */
function built(dir = widgets) {
  const manifest = path.join(dir, "labextension", "package.json");
  if (!fs.existsSync(manifest)) return false;
  const load = JSON.parse(fs.readFileSync(manifest, "utf8")).jupyterlab?._build?.load;
  return typeof load === "string" && fs.existsSync(path.join(dir, "labextension", load));
}

/**
 * The builder runs `jlpm install` (a network install) when the extension folder has no
 * node_modules; pointing it at the repository's node_modules keeps the build offline.
 */
function linkNodeModules(dir = widgets) {
  const link = path.join(dir, "node_modules");
  try {
    fs.lstatSync(link);
  } catch {
    fs.symlinkSync(path.relative(dir, path.join(root, "node_modules")), link, "dir");
  }
}

/**
 * `jupyter labextension build` of the extension package in `dir`, offline (node_modules
 * linked to the repository's, JupyterLab's core description from the venv).
 */
function buildLabextension(dir) {
  linkNodeModules(dir);
  log(`building the labextension in ${path.relative(root, dir)} (jupyter labextension build)`);
  // --core-package-file: the builder otherwise looks up @jupyterlab/core-meta online; the
  // venv's JupyterLab carries the same description of its shared packages.
  const corePackage = path.join(jupyterlabStaging(), "package.json");
  run(path.join(venvBin, "jupyter"), ["labextension", "build", "--core-package-file", corePackage, dir]);
  if (!built(dir)) throw new Error(`jupyter labextension build finished but ${path.relative(root, dir)}/labextension has no remoteEntry`);
}

/** Runs a build step; with --quiet its output is shown only when it fails. */
function run(cmd, argv) {
  try {
    execFileSync(cmd, argv, {
      cwd: root,
      stdio: quiet ? "pipe" : "inherit",
      env: { ...process.env, PATH: `${venvBin}${path.delimiter}${process.env.PATH}` },
      maxBuffer: 64 * 1024 * 1024,
    });
  } catch (e) {
    if (quiet) process.stderr.write(`${e.stdout ?? ""}${e.stderr ?? ""}`);
    throw new Error(`${path.basename(cmd)} ${argv.slice(0, 2).join(" ")} failed (exit ${e.status ?? e.signal})`);
  }
}

function main() {
  const hash = inputsHash();
  if (!force && built() && fs.existsSync(stampFile) && fs.readFileSync(stampFile, "utf8").trim() === hash) {
    log("widgets unchanged; skipping build");
    return;
  }
  const started = Date.now();
  log("compiling widgets/src");
  // A fresh lib/: files of an older layout must not linger in the package.
  fs.rmSync(path.join(widgets, "lib"), { recursive: true, force: true });
  run(process.execPath, [path.join(root, "node_modules", "typescript", "bin", "tsc"), "-p", path.join(widgets, "tsconfig.json")]);
  buildLabextension(widgets);
  fs.mkdirSync(path.dirname(stampFile), { recursive: true });
  fs.writeFileSync(stampFile, `${hash}\n`);
  log(`built widgets/labextension in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}

module.exports = { buildLabextension };

if (require.main === module) {
  try {
    main();
  } catch (e) {
    process.stderr.write(`[build-widgets] ${e.message}\n`);
    process.exit(1);
  }
}
