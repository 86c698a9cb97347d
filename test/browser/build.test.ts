/**
 * The labextension build: a built extension that JupyterLab can load (manifest, remote entry,
 * our module name and version), and a second build that is skipped because nothing changed.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { REPO_ROOT, skipOutsideCi, VENV } from "./lab";

const script = path.join(REPO_ROOT, "scripts", "build-widgets.js");
const skip = skipOutsideCi(fs.existsSync(path.join(VENV, "bin", "jupyter")) ? undefined : "the widgets build needs .venv with JupyterLab (npm run setup)");

function build(): { ms: number; out: string } {
  const started = Date.now();
  const r = spawnSync(process.execPath, [script], { cwd: REPO_ROOT, encoding: "utf8", timeout: 300_000 });
  assert.equal(r.status, 0, `build-widgets failed:\n${r.stdout}\n${r.stderr}`);
  return { ms: Date.now() - started, out: `${r.stdout}${r.stderr}` };
}

test("the widgets build once, then a second build is skipped in well under a second or two", { skip, timeout: 320_000 }, () => {
  build(); // builds, or is already up to date
  const again = build();
  assert.match(again.out, /widgets unchanged; skipping build/);
  assert.ok(again.ms < 3000, `the up-to-date check took ${again.ms} ms`);

  const manifest = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, "widgets", "labextension", "package.json"), "utf8"));
  const source = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, "widgets", "package.json"), "utf8"));
  assert.equal(manifest.name, "activation-lab");
  assert.equal(manifest.version, source.version);
  const load = manifest.jupyterlab?._build?.load as string;
  assert.match(load, /^static\/remoteEntry\.[0-9a-f]+\.js$/);
  const entry = fs.readFileSync(path.join(REPO_ROOT, "widgets", "labextension", load), "utf8");
  // @jupyter-widgets/base comes from JupyterLab's widget manager (shared, not bundled).
  assert.match(entry, /@jupyter-widgets\/base/);
  assert.equal(manifest.jupyterlab._build.extension, "./extension");
});
