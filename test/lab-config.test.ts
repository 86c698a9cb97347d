/**
 * `npm start`'s JupyterLab command line and the settings overrides setup writes into .venv
 * (scripts/lab-config.js): --allow-root exactly when running as root, with one line saying
 * why, and overrides that JupyterLab's own settings code reads back.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

const REPO_ROOT = path.resolve(__dirname, "..", "..");
const VENV_PYTHON = path.join(REPO_ROOT, ".venv", "bin", "python");

interface LabConfig {
  LAB_SETTINGS_OVERRIDES: Record<string, Record<string, unknown>>;
  writeLabSettingsOverrides(venv: string): string;
  labArguments(options: { notebooks: string; isRoot: boolean; extra?: string[] }): { args: string[]; notes: string[] };
}
// eslint-disable-next-line @typescript-eslint/no-require-imports
const labConfig = require(path.join(REPO_ROOT, "scripts", "lab-config.js")) as LabConfig;

test("as root, npm start passes --allow-root and prints one line saying why", () => {
  const { args, notes } = labConfig.labArguments({ notebooks: "/nb", isRoot: true, extra: ["--port=9999"] });
  assert.equal(args.filter((a) => a === "--allow-root").length, 1);
  assert.equal(args[0], "lab");
  assert.ok(args.includes("--ServerApp.root_dir=/nb") && args.includes("--ServerApp.ip=127.0.0.1"));
  assert.equal(args[args.length - 1], "--port=9999", "the user's own arguments come last, so they win");
  assert.equal(notes.length, 1);
  assert.match(notes[0], /running as root.*--allow-root/);
});

test("not as root, no --allow-root and nothing printed; a user's own --allow-root is not doubled", () => {
  const plain = labConfig.labArguments({ notebooks: "/nb", isRoot: false });
  assert.ok(!plain.args.includes("--allow-root"));
  assert.deepEqual(plain.notes, []);
  const own = labConfig.labArguments({ notebooks: "/nb", isRoot: true, extra: ["--allow-root"] });
  assert.equal(own.args.filter((a) => a === "--allow-root").length, 1);
  assert.deepEqual(own.notes, []);
});

test("the lab never checks for updates from the command line, and its settings turn news off", () => {
  const { args } = labConfig.labArguments({ notebooks: "/nb", isRoot: false });
  assert.ok(args.includes("--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate"));
  assert.deepEqual(labConfig.LAB_SETTINGS_OVERRIDES["@jupyterlab/apputils-extension:notification"], { fetchNews: "false", checkForUpdates: false });
});

test("the overrides merge into an existing overrides.json, and JupyterLab's settings code reads them back", () => {
  const venv = fs.mkdtempSync(path.join(os.tmpdir(), "activation-lab-overrides-"));
  try {
    const settings = path.join(venv, "share", "jupyter", "lab", "settings");
    fs.mkdirSync(settings, { recursive: true });
    fs.writeFileSync(path.join(settings, "overrides.json"), JSON.stringify({ "@jupyterlab/apputils-extension:themes": { theme: "JupyterLab Dark" } }));
    const file = labConfig.writeLabSettingsOverrides(venv);
    assert.equal(file, path.join(settings, "overrides.json"));
    // jupyterlab_server's own reader, as `jupyter lab` uses it for the app settings dir.
    const read = execFileSync(VENV_PYTHON, ["-c", "import json, sys; from jupyterlab_server.settings_utils import _get_overrides; o, e = _get_overrides(sys.argv[1]); assert not e, e; print(json.dumps(o))", settings], { encoding: "utf8" });
    const overrides = JSON.parse(read) as Record<string, Record<string, unknown>>;
    assert.deepEqual(overrides["@jupyterlab/apputils-extension:themes"], { theme: "JupyterLab Dark" }, "an earlier entry is kept");
    for (const [plugin, values] of Object.entries(labConfig.LAB_SETTINGS_OVERRIDES)) assert.deepEqual(overrides[plugin], values, plugin);
  } finally {
    fs.rmSync(venv, { recursive: true, force: true });
  }
});
