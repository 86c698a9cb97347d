"use strict";
/**
 * What the set-up did about each optional backend, in one place: scripts/setup-backends.js
 * writes it, scripts/test.js and the backend tests read it. A backend the set-up prepared, or
 * tried to prepare and failed, is required by the tests (a failure fails the run); one it did
 * not attempt (no root, not linux-x64, plain `npm run setup`) is reported as skipped, with why.
 *
 *   .vendor/<dir>/status.json   { ok, attempted, reason, at, ... }
 */
const fs = require("fs");
const path = require("path");

const ROOT = path.resolve(__dirname, "..");

/** Optional backends the set-up prepares, and where each keeps its status. */
const PREPARED = {
  tensorflow: { dir: path.join(ROOT, ".vendor", "tfjs-node"), how: "npm run setup -- --with-tfjs-node" },
  webgpu: { dir: path.join(ROOT, ".vendor", "mesa"), how: "npm run setup -- --with-lavapipe" },
};

/** Backends every test run needs: they ship with the package and start everywhere. */
const ALWAYS = ["wasm", "cpu"];

function writeBackendStatus(backend, status) {
  const { dir } = PREPARED[backend];
  try {
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, "status.json"), JSON.stringify({ ...status, at: new Date().toISOString() }, null, 2) + "\n");
  } catch {
    // A read-only checkout: the tests then say the backend was not set up here.
  }
}

/**
 * { ready, attempted, reason } for one backend. tensorflow also counts as ready where npm
 * installed @tensorflow/tfjs-node itself (a user's machine with network).
 */
function backendStatus(backend) {
  if (ALWAYS.includes(backend)) return { ready: true, attempted: true, reason: "" };
  const prepared = PREPARED[backend];
  if (!prepared) throw new Error(`"${backend}" is not a backend; valid choices: tensorflow, webgpu, ${ALWAYS.join(", ")}`);
  if (backend === "tensorflow" && fs.existsSync(path.join(ROOT, "node_modules", "@tensorflow", "tfjs-node", "package.json"))) {
    return { ready: true, attempted: true, reason: "" };
  }
  try {
    const s = JSON.parse(fs.readFileSync(path.join(prepared.dir, "status.json"), "utf8"));
    return { ready: s.ok === true, attempted: s.attempted === true, reason: s.ok ? "" : s.reason || "unknown" };
  } catch {
    return { ready: false, attempted: false, reason: `not set up here (${prepared.how})` };
  }
}

module.exports = { ALWAYS, PREPARED, backendStatus, writeBackendStatus };
