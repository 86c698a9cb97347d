#!/usr/bin/env node
/**
 * Puts the anywidget JupyterLab front end (widget module "anywidget": AnyModel, AnyView) into
 * .venv, for `AnyWidget` (kernel-ext/anywidget.ts).
 *
 *   1. `pip install anywidget~=<version>`: the official package, where the index has it.
 *   2. Otherwise the same front end from npm `anywidget` (a devDependency), built here as a
 *      prebuilt labextension (widgets/anywidget, the way widgets/ is built) and copied to
 *      .venv/share/jupyter/labextensions/@activation-lab/anywidget. Its package cannot be
 *      named "anywidget": the builder shares an extension under its own package name, and
 *      `import "anywidget"` would then resolve to the extension itself instead of npm's.
 *
 * `--quiet` prints only errors. Setup runs this (scripts/setup.js) and keeps its stamp.
 */
"use strict";
const { spawnSync } = require("child_process");
const fs = require("fs");
const path = require("path");
const { buildLabextension } = require("./build-widgets");

const root = path.resolve(__dirname, "..");
const venv = path.join(root, ".venv");
const venvPython = path.join(venv, "bin", "python");
const fallback = path.join(root, "widgets", "anywidget");
const quiet = process.argv.includes("--quiet");

function log(line) {
  if (!quiet) process.stdout.write(`[install-anywidget] ${line}\n`);
}

/** The front-end version AnyWidget asks for: the npm package's (pinned in package.json). */
function frontEndVersion() {
  return JSON.parse(fs.readFileSync(path.join(fallback, "package.json"), "utf8")).version;
}

function pipInstall(version) {
  const argv = ["-m", "pip", "install", "--disable-pip-version-check", "--retries", "0", "--timeout", "5", ...(quiet ? ["-q"] : []), `anywidget~=${version}`];
  return spawnSync(venvPython, argv, { stdio: quiet ? "ignore" : "inherit" }).status === 0;
}

function main() {
  if (!fs.existsSync(venvPython)) throw new Error(`no ${venvPython}; run \`npm run setup\` first`);
  const version = frontEndVersion();
  const npmVersion = JSON.parse(fs.readFileSync(path.join(root, "node_modules", "anywidget", "package.json"), "utf8")).version;
  if (npmVersion !== version) throw new Error(`node_modules has anywidget ${npmVersion}, widgets/anywidget expects ${version}; run npm ci`);
  const target = path.join(venv, "share", "jupyter", "labextensions", "@activation-lab", "anywidget");
  if (pipInstall(version)) {
    // One registration of the "anywidget" widget module: the official one.
    fs.rmSync(target, { recursive: true, force: true });
    log(`anywidget ${version} installed from pip`);
    return;
  }
  log(`pip has no anywidget ~${version}; building its front end from npm anywidget ${npmVersion}`);
  fs.rmSync(path.join(fallback, "labextension"), { recursive: true, force: true });
  buildLabextension(fallback);
  fs.rmSync(target, { recursive: true, force: true });
  fs.cpSync(path.join(fallback, "labextension"), target, { recursive: true });
  log(`installed the anywidget front end in ${path.relative(root, target)}`);
}

try {
  main();
} catch (e) {
  process.stderr.write(`[install-anywidget] ${e.message}\n`);
  process.exit(1);
}
