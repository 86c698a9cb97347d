/**
 * The Python with PyTorch that the cross-checks run, and their one guard: skip (with the
 * reason) where torch is not there, fail where it must be, i.e. where the test set-up installed
 * it (its stamp) or in CI.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";

export const ROOT = path.resolve(__dirname, "../../..");
/** The venv's Python; ACTIVATION_LAB_PYTHON points elsewhere (e.g. to check the skip path). */
export const PYTHON = process.env.ACTIVATION_LAB_PYTHON ?? path.join(ROOT, ".venv", "bin", "python");
/** Written by `node scripts/setup.js --for-tests` once it installed torch into .venv. */
const TEST_PACKAGES_STAMP = path.join(ROOT, ".setup-stamps", "python-test-packages.stamp");

/** Why PyTorch cannot run here, or undefined when it can. */
export function torchMissing(): string | undefined {
  if (!fs.existsSync(PYTHON)) return `${PYTHON} does not exist (run npm run setup)`;
  const r = spawnSync(PYTHON, ["-c", "import torch"], { encoding: "utf8" });
  return r.status === 0 ? undefined : `torch is not installed for ${PYTHON} (npm test's setup step installs it into .venv)`;
}

/** True when the test was skipped for want of torch; throws where torch must be there. */
export function skipWithoutTorch(t: { skip(message: string): void }): boolean {
  const missing = torchMissing();
  if (!missing) return false;
  if (fs.existsSync(TEST_PACKAGES_STAMP)) assert.fail(`PyTorch cross-check cannot run although the test set-up installed torch: ${missing}`);
  if (process.env.CI) assert.fail(`PyTorch cross-check cannot run: ${missing}`);
  t.skip(missing);
  return true;
}
