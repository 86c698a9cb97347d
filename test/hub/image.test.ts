/**
 * The single-user image (deploy/singleuser/Dockerfile) cannot be built here (no Docker). Its
 * Jupyter steps are scripts/install-singleuser.js, which the hub tests' set-up runs for .venv;
 * this checks the rest: that the image runs that script from the installed package, and that
 * `npm pack`, which makes the tarball the image installs, ships everything the script and the
 * kernel need.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { REPO_ROOT } from "../browser/lab";

test("the single-user image installs with the script the hub tests' set-up runs", () => {
  const dockerfile = fs.readFileSync(path.join(REPO_ROOT, "deploy", "singleuser", "Dockerfile"), "utf8");
  assert.match(dockerfile, /npm install --global --omit=dev \.\/activation-lab\.tgz/);
  assert.match(dockerfile, /RUN node "\$\(npm root --global\)\/activation-lab\/scripts\/install-singleuser\.js" --python "\$JUPYTER_ENV\/bin\/python"\n/);
  assert.match(dockerfile, /CMD \["jupyterhub-singleuser"\]/);
  const setup = fs.readFileSync(path.join(REPO_ROOT, "scripts", "setup.js"), "utf8");
  assert.match(setup, /"scripts", "install-singleuser\.js"\), "--python", VENV_PY/);
  const requirements = fs.readFileSync(path.join(REPO_ROOT, "scripts", "requirements-singleuser.txt"), "utf8");
  for (const line of ["-r requirements.txt", "jupyterhub", "anywidget"]) assert.ok(requirements.split("\n").some((l) => l.startsWith(line)), `requirements-singleuser.txt: ${line}`);
});

test("npm pack ships what the single-user install uses", { timeout: 60_000 }, () => {
  const labextension = path.join(REPO_ROOT, "widgets", "labextension", "package.json");
  assert.ok(fs.existsSync(labextension), "the widgets labextension is built (npm run setup)");
  const [packed] = JSON.parse(execFileSync("npm", ["pack", "--dry-run", "--json", "--ignore-scripts"], { cwd: REPO_ROOT, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] })) as { files: { path: string }[] }[];
  const files = new Set(packed.files.map((f) => f.path));
  for (const needed of [
    "bin/activation-lab.js",
    "dist/kernel-ext/cli.js",
    "dist/src/index.js",
    "kernel-ext/server/activation_lab_server.py",
    "scripts/install-singleuser.js",
    "scripts/lab-config.js",
    "scripts/requirements-singleuser.txt",
    "scripts/requirements.txt",
    "widgets/labextension/package.json",
  ]) {
    assert.ok(files.has(needed), `the packed package lacks ${needed}`);
  }
  assert.ok([...files].some((f) => /^widgets\/labextension\/static\/remoteEntry\.[0-9a-f]+\.js$/.test(f)), "the labextension's remote entry is packed");
});
