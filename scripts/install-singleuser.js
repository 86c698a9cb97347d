#!/usr/bin/env node
/**
 * Makes a Python environment a JupyterHub single-user environment for activation-lab, then
 * checks it: what deploy/singleuser/Dockerfile runs in the image, and what the hub tests' set-up
 * (`node scripts/setup.js --for-tests`) runs for the repo's .venv.
 *
 *   node scripts/install-singleuser.js [--python PY] [--no-pip]
 *
 *   1. pip install -r scripts/requirements-singleuser.txt (JupyterLab, ipywidgets, jupyterhub
 *      for jupyterhub-singleuser, anywidget's front end); --no-pip skips it for an environment
 *      whose packages are already in place
 *   2. activation-lab install --sys-prefix --python PY --server-extension (kernelspec,
 *      labextension, server extension, all under PY's sys.prefix, where every user's server
 *      finds them), and the lab settings overrides of scripts/lab-config.js there
 *   3. checks, with that environment's own `jupyter`, that its server would see all of it, and
 *      exits non-zero naming what is missing
 */
"use strict";
const { spawnSync } = require("child_process");
const path = require("path");
const { writeLabSettingsOverrides } = require("./lab-config");

const ROOT = path.resolve(__dirname, "..");
const argv = process.argv.slice(2);
const python = argv.includes("--python") ? argv[argv.indexOf("--python") + 1] : "python3";
const pip = !argv.includes("--no-pip");

function say(msg) {
  process.stderr.write(`[single-user] ${msg}\n`);
}

function run(cmd, args, opts = {}) {
  say(`$ ${[cmd, ...args].join(" ")}`);
  const r = spawnSync(cmd, args, { stdio: "inherit", ...opts });
  if (r.status !== 0) {
    say(`${cmd} failed (${r.error ? r.error.message : `exit code ${r.status}`})`);
    process.exit(1);
  }
}

/** Runs `python -c code` and returns its stdout (JSON), or fails naming what was asked. */
function ask(what, code) {
  // Without the caller's JUPYTER_* variables: a user's server sees only the environment's own paths.
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^JUPYTER_(PATH|CONFIG_DIR|DATA_DIR|CONFIG_PATH)$/.test(k)));
  const r = spawnSync(python, ["-c", code], { encoding: "utf8", env });
  if (r.status !== 0) {
    say(`could not ask ${python} for ${what}:\n${r.stderr}`);
    process.exit(1);
  }
  return JSON.parse(r.stdout);
}

if (pip) {
  // An unreachable index makes pip retry for minutes; fail fast unless told otherwise.
  const flags = [...(process.env.PIP_RETRIES ? [] : ["--retries", "0"]), ...(process.env.PIP_TIMEOUT ? [] : ["--timeout", "5"])];
  run(python, ["-m", "pip", "install", "--no-cache-dir", "--disable-pip-version-check", ...flags, "-r", path.join(ROOT, "scripts", "requirements-singleuser.txt")]);
}
run(process.execPath, [path.join(ROOT, "bin", "activation-lab.js"), "install", "--sys-prefix", "--python", python, "--server-extension"]);
// The lab settings every activation-lab JupyterLab gets (saved widget state, no news pop-up).
say(`lab settings overrides in ${writeLabSettingsOverrides(ask("sys.prefix", "import json, sys; print(json.dumps(sys.prefix))"))}`);

// What a single-user server started from this environment will find.
const found = ask(
  "its Jupyter set-up",
  `
import json, importlib.util
from jupyter_client.kernelspec import KernelSpecManager
from jupyter_server.extension.config import ExtensionConfigManager
from jupyter_core.paths import jupyter_config_path
from jupyterlab_server.config import get_federated_extensions
import jupyter_core.paths as paths
specs = KernelSpecManager().find_kernel_specs()
enabled = ExtensionConfigManager(read_config_path=jupyter_config_path()).get_jpserver_extensions()
labext = get_federated_extensions(paths.jupyter_path("labextensions"))
print(json.dumps({
  "kernelspec": specs.get("activation-lab"),
  "server_extension": bool(enabled.get("activation_lab_server")),
  "labextensions": sorted(labext),
  "singleuser": importlib.util.find_spec("jupyterhub") is not None and importlib.util.find_spec("jupyterhub.singleuser") is not None,
  "anywidget": importlib.util.find_spec("anywidget") is not None,
}))
`,
);
const checks = [
  ["kernelspec activation-lab", Boolean(found.kernelspec), found.kernelspec],
  ["labextension activation-lab (the widgets)", found.labextensions.includes("activation-lab"), ""],
  ["labextension @jupyter-widgets/jupyterlab-manager (ipywidgets)", found.labextensions.includes("@jupyter-widgets/jupyterlab-manager"), ""],
  ["server extension activation_lab_server enabled", found.server_extension, ""],
  ["jupyterhub-singleuser importable", found.singleuser, ""],
];
// anywidget's front end is needed only by AnyWidget (kernel-ext); step 1 installs it, so it is
// checked when step 1 ran.
if (pip) checks.push(["anywidget (package and labextension)", found.anywidget && found.labextensions.includes("anywidget"), ""]);
else say(`anywidget: ${found.anywidget ? "installed" : "not installed (AnyWidget needs it; pip install anywidget)"}`);
for (const [what, ok, detail] of checks) say(`${ok ? "ok     " : "MISSING"} ${what}${detail ? ` (${detail})` : ""}`);
const missing = checks.filter(([, ok]) => !ok).map(([what]) => what);
if (missing.length > 0) {
  say(`the environment of ${python} lacks: ${missing.join("; ")}`);
  process.exit(1);
}
say(`ready: ${python}'s environment serves activation-lab to every user's server`);
