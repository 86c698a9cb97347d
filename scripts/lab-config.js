/**
 * How activation-lab's JupyterLab is configured, in one place: the command line `npm start`
 * runs, and the settings overrides `npm run setup` writes into .venv (every lab started from
 * .venv reads them: `npm start`, the browser tests and the latency bench).
 */
"use strict";
const fs = require("fs");
const path = require("path");

/**
 * JupyterLab settings defaults for this environment. Saved notebooks keep their widget state,
 * so they reopen live; no "get notified about official Jupyter news?" pop-up over the
 * notebook, no news fetches and no update checks (the lab works offline).
 */
const LAB_SETTINGS_OVERRIDES = {
  "@jupyter-widgets/jupyterlab-manager:plugin": { saveState: true },
  "@jupyterlab/apputils-extension:notification": { fetchNews: "false", checkForUpdates: false },
};

/** Merges the overrides into <venv>/share/jupyter/lab/settings/overrides.json, keeping other entries. */
function writeLabSettingsOverrides(venv) {
  const settings = path.join(venv, "share", "jupyter", "lab", "settings");
  fs.mkdirSync(settings, { recursive: true });
  const file = path.join(settings, "overrides.json");
  const overrides = fs.existsSync(file) ? JSON.parse(fs.readFileSync(file, "utf8")) : {};
  for (const [plugin, values] of Object.entries(LAB_SETTINGS_OVERRIDES)) overrides[plugin] = { ...overrides[plugin], ...values };
  fs.writeFileSync(file, JSON.stringify(overrides, null, 2) + "\n");
  return file;
}

/**
 * The `jupyter lab` arguments of `npm start`, and the lines to print about them. As root (in a
 * container, typically) JupyterLab refuses to start without `--allow-root`; it is added, and
 * said so, since running as root is a choice the user should see.
 */
function labArguments({ notebooks, isRoot, extra = [] }) {
  const args = [
    "lab",
    "--ServerApp.ip=127.0.0.1",
    `--ServerApp.root_dir=${notebooks}`,
    "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
  ];
  const notes = [];
  if (isRoot && !extra.includes("--allow-root")) {
    args.push("--allow-root");
    notes.push("activation-lab: running as root (a container?), so JupyterLab starts with --allow-root");
  }
  return { args: [...args, ...extra], notes };
}

module.exports = { LAB_SETTINGS_OVERRIDES, writeLabSettingsOverrides, labArguments };
