/**
 * The install CLI: kernelspec and labextension land where Jupyter looks for each target, Jupyter
 * itself lists them, uninstall removes them, and bad command lines get a clear message.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { REPO_ROOT } from "./helpers";

const BIN = path.join(REPO_ROOT, "bin", "activation-lab.js");
const JUPYTER = path.join(REPO_ROOT, ".venv", "bin", "jupyter");
const LABEXTENSION_BUILD = path.join(REPO_ROOT, "widgets", "labextension", "package.json");

function cli(args: string[], env: NodeJS.ProcessEnv = {}): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [BIN, ...args], { encoding: "utf8", env: { ...process.env, ...env } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

function tempDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), "activation-lab-install-"));
}

test("install --prefix writes a kernelspec that Jupyter lists and that starts this checkout", (t) => {
  const prefix = tempDir();
  t.after(() => fs.rmSync(prefix, { recursive: true, force: true }));
  const r = cli(["install", "--prefix", prefix]);
  assert.equal(r.code, 0, r.stderr);
  const specDir = path.join(prefix, "share", "jupyter", "kernels", "activation-lab");
  const spec = JSON.parse(fs.readFileSync(path.join(specDir, "kernel.json"), "utf8"));
  assert.equal(spec.display_name, "TypeScript (activation-lab)");
  assert.equal(spec.language, "typescript");
  assert.ok(["signal", "message"].includes(spec.interrupt_mode));
  assert.deepEqual(spec.argv, [process.execPath, BIN, "kernel", "--connection-file", "{connection_file}"]);
  assert.ok(path.isAbsolute(spec.argv[0]) && fs.existsSync(spec.argv[1]));

  const listed = spawnSync(JUPYTER, ["kernelspec", "list", "--json"], { encoding: "utf8", env: { ...process.env, JUPYTER_PATH: path.join(prefix, "share", "jupyter") } });
  assert.equal(listed.status, 0, listed.stderr);
  const specs = JSON.parse(listed.stdout).kernelspecs;
  assert.equal(fs.realpathSync(specs["activation-lab"].resource_dir), fs.realpathSync(specDir));
});

test("the labextension is installed where JupyterLab reads prebuilt extensions, enabled and OK", (t) => {
  assert.ok(fs.existsSync(LABEXTENSION_BUILD), "widgets/labextension/ is not built; run `npm run setup`");
  const prefix = tempDir();
  t.after(() => fs.rmSync(prefix, { recursive: true, force: true }));
  assert.equal(cli(["install", "--prefix", prefix]).code, 0);
  const name = JSON.parse(fs.readFileSync(LABEXTENSION_BUILD, "utf8")).name as string;
  const installed = path.join(prefix, "share", "jupyter", "labextensions", ...name.split("/"));
  assert.ok(fs.existsSync(path.join(installed, "package.json")), `${installed}/package.json is missing`);
  const listed = spawnSync(JUPYTER, ["labextension", "list"], { encoding: "utf8", env: { ...process.env, JUPYTER_PATH: path.join(prefix, "share", "jupyter") } });
  // eslint-disable-next-line no-control-regex
  const text = `${listed.stdout}${listed.stderr}`.replace(/\x1b\[[0-9;]*m/g, "");
  // The line for our extension, under the directory we installed into.
  const section = text.split(/\n(?=\S)/).find((s) => s.includes(path.join(prefix, "share", "jupyter", "labextensions")));
  assert.ok(section, `jupyter labextension list does not show ${prefix}:\n${text}`);
  assert.match(section, new RegExp(`${name.replace(/[/.-]/g, "\\$&")} v\\S+ enabled\\s+(\\S+\\s+)?OK`), text);
});

test("--user and --sys-prefix pick the user data dir and the Python prefix", (t) => {
  const home = tempDir();
  const venv = tempDir();
  t.after(() => [home, venv].forEach((d) => fs.rmSync(d, { recursive: true, force: true })));
  const clean = { JUPYTER_DATA_DIR: "", XDG_DATA_HOME: "" };
  assert.equal(cli(["install", "--user"], { ...clean, HOME: home }).code, 0);
  assert.ok(fs.existsSync(path.join(home, ".local", "share", "jupyter", "kernels", "activation-lab", "kernel.json")));

  // A stand-in Python that answers the sys.prefix question with our temporary folder.
  const fakePython = path.join(venv, "python");
  fs.writeFileSync(fakePython, `#!/bin/sh\necho ${venv}\n`, { mode: 0o755 });
  assert.equal(cli(["install", "--sys-prefix", "--python", fakePython]).code, 0);
  assert.ok(fs.existsSync(path.join(venv, "share", "jupyter", "kernels", "activation-lab", "kernel.json")));

  const removed = cli(["uninstall", "--sys-prefix", "--python", fakePython]);
  assert.equal(removed.code, 0);
  assert.ok(!fs.existsSync(path.join(venv, "share", "jupyter", "kernels", "activation-lab")));
  assert.ok(!fs.existsSync(path.join(venv, "share", "jupyter", "labextensions", "activation-lab")));
  assert.match(removed.stdout, /Removed/);
});

test("bad command lines exit 2 with a message naming the problem and the valid choices", () => {
  const cases: [string[], RegExp][] = [
    [["install", "--everywhere"], /unknown option for install: --everywhere; valid: --user, --sys-prefix \[--python P\], --prefix P, --server-extension/],
    [["uninstall", "--server-extension"], /unknown option for uninstall: --server-extension; valid: --user, --sys-prefix \[--python P\], --prefix P$/m],
    [["install", "--user", "--prefix", "some-prefix"], /choose one of --user, --sys-prefix, --prefix P/],
    [["install", "--prefix"], /--prefix needs a value/],
    [["launch"], /unknown command "launch"; valid: kernel, install, uninstall/],
    [["kernel"], /kernel needs --connection-file FILE/],
    [["kernel", "--connection-file", "/nonexistent/conn.json"], /connection file \/nonexistent\/conn.json does not exist/],
  ];
  for (const [args, message] of cases) {
    const r = cli(args);
    assert.equal(r.code, 2, `${args.join(" ")} exited ${r.code}`);
    assert.match(r.stderr, message, args.join(" "));
  }
  const help = cli(["--help"]);
  assert.equal(help.code, 0);
  assert.match(help.stdout, /install \[TARGET\]/);
});

test("install --server-extension puts the server extension into an environment; Jupyter imports it, lists it enabled and OK; uninstall removes it", (t) => {
  const prefix = tempDir();
  t.after(() => fs.rmSync(prefix, { recursive: true, force: true }));
  const site = path.join(prefix, "lib", "python3.11", "site-packages");
  fs.mkdirSync(site, { recursive: true });
  // Opt-in: a plain install leaves the server alone.
  const plain = cli(["install", "--prefix", prefix]);
  assert.equal(plain.code, 0, plain.stderr);
  assert.ok(!fs.existsSync(path.join(site, "activation_lab_server.py")) && !fs.existsSync(path.join(prefix, "etc")), "installed without --server-extension");
  const r = cli(["install", "--prefix", prefix, "--server-extension"]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /Installed the server extension activation_lab_server/);
  const module = path.join(site, "activation_lab_server.py");
  const config = path.join(prefix, "etc", "jupyter", "jupyter_server_config.d", "activation_lab_server.json");
  assert.ok(fs.existsSync(module), `${module} is missing`);
  assert.deepEqual(JSON.parse(fs.readFileSync(config, "utf8")), { ServerApp: { jpserver_extensions: { activation_lab_server: true } } });

  // Jupyter reads the config from the prefix's etc/jupyter (named as the config dir here, since
  // `server extension list` shows only the user, sys-prefix and system dirs) and imports the
  // module from the prefix's site-packages.
  const listed = spawnSync(JUPYTER, ["server", "extension", "list"], {
    encoding: "utf8",
    env: { ...process.env, JUPYTER_CONFIG_DIR: path.join(prefix, "etc", "jupyter"), PYTHONPATH: site },
  });
  // eslint-disable-next-line no-control-regex
  const text = `${listed.stdout}${listed.stderr}`.replace(/\x1b\[[0-9;]*m/g, "");
  const section = text.split(/\n(?=Config dir)/).find((s) => s.startsWith(`Config dir: ${path.join(prefix, "etc", "jupyter")}`));
  assert.ok(section, `jupyter server extension list does not show ${prefix}:\n${text}`);
  assert.match(section, /activation_lab_server enabled/);
  assert.match(section, /activation_lab_server\s+OK/);

  fs.mkdirSync(path.join(site, "__pycache__"));
  fs.writeFileSync(path.join(site, "__pycache__", "activation_lab_server.cpython-311.pyc"), "");
  const removed = cli(["uninstall", "--prefix", prefix]);
  assert.equal(removed.code, 0, removed.stderr);
  for (const gone of [module, config, path.join(site, "__pycache__", "activation_lab_server.cpython-311.pyc")]) assert.ok(!fs.existsSync(gone), `${gone} is still there`);
});

test("without a Python environment, install --server-extension skips it and says why", (t) => {
  const prefix = tempDir();
  const home = tempDir();
  t.after(() => [prefix, home].forEach((d) => fs.rmSync(d, { recursive: true, force: true })));
  const bare = cli(["install", "--prefix", prefix, "--server-extension"]);
  assert.equal(bare.code, 0, bare.stderr);
  assert.match(bare.stdout, new RegExp(`Skipped the server extension activation_lab_server: no Python site-packages under ${prefix.replace(/[/.-]/g, "\\$&")}`));
  assert.ok(!fs.existsSync(path.join(prefix, "etc")));
  const user = cli(["install", "--user", "--server-extension"], { JUPYTER_DATA_DIR: "", XDG_DATA_HOME: "", HOME: home });
  assert.equal(user.code, 0, user.stderr);
  assert.match(user.stdout, /Skipped the server extension activation_lab_server: --user installs no server extension; install with --sys-prefix or --prefix/);
});

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- JSON findings, asserted field by field
type Findings = Record<string, any>;
let serverExtensionFindings: Findings | undefined;
/** Runs test/kernel/server_extension_check.py (jupyter_server's real classes) once; its findings. */
function serverExtensionCheck(): Findings {
  if (!serverExtensionFindings) {
    const r = spawnSync(path.join(REPO_ROOT, ".venv", "bin", "python"), [path.join(REPO_ROOT, "test", "kernel", "server_extension_check.py"), path.join(REPO_ROOT, "kernel-ext", "server")], { encoding: "utf8" });
    assert.equal(r.status, 0, r.stderr);
    serverExtensionFindings = JSON.parse(r.stdout.trim().split("\n").pop()!) as Findings;
  }
  return serverExtensionFindings;
}

test("the server extension wraps jupyter_server's websocket connection class and sets TCP_NODELAY before the kernel connects", () => {
  const found = serverExtensionCheck();
  assert.deepEqual(found.points, [{ module: "activation_lab_server" }]);
  assert.equal(found.real_subclass, true, "the default ZMQ connection class is subclassed, not replaced");
  assert.equal(found.real_name, "NoDelayZMQChannelsWebsocketConnection");
  assert.deepEqual(found.log, [
    "INFO: activation-lab: kernel websockets send without Nagle's delay (TCP_NODELAY)",
    "INFO: activation-lab: JupyterLab ignores the kernel status around widget messages (comm_msg untracked)",
  ]);
  assert.equal(found.idempotent, true);
  assert.equal(found.connect_result, "connected");
  assert.deepEqual(found.events, [["set_nodelay", true], ["connect"]]);
  assert.deepEqual(found.events_without_socket, [["connect"]]);
  assert.deepEqual(Object.keys(found.empty_settings), ["page_config_data"], "no connection class is invented");
  assert.match(found.empty_log[0], /^WARNING: .*TCP_NODELAY not set/);
});

test("the server extension adds comm_msg to JupyterLab's untracked message types once JupyterLab has loaded, leaving the server's list; both effects can be turned off", () => {
  const found = serverExtensionCheck();
  const serverList = found.server_list_after as string[];
  assert.equal(found.server_list_has_comm_msg, false, "jupyter_server's default list does not hold comm_msg");
  assert.equal(found.page_config_before_loop, false, "nothing is written before the server's loop runs");
  assert.deepEqual(found.page_untracked, [...serverList, "comm_msg"]);
  assert.ok(serverList.includes("kernel_info_request") && !serverList.includes("comm_msg"), "the server's own list (activity tracking) is unchanged");
  assert.deepEqual(found.page_other_keys, ["appName"], "the rest of the page config is kept");
  assert.deepEqual([found.untrack_first, found.untrack_again], [true, false]);
  assert.deepEqual(found.untrack_bare, { untracked_message_types: ["kernel_info_request", "comm_msg"] });
  assert.equal(found.off_class_kept, true, "c.ActivationLabServer.nodelay = False keeps the server's class");
  assert.equal(found.off_page_config, null, "c.ActivationLabServer.quiet_comm_status = False leaves the page config alone");
  assert.deepEqual(found.off_log, []);
});

test("install says whether anywidget's front end, which AnyWidget needs, is in the environment", (t) => {
  const prefix = tempDir();
  t.after(() => fs.rmSync(prefix, { recursive: true, force: true }));
  const without = cli(["install", "--prefix", prefix]);
  assert.equal(without.code, 0, without.stderr);
  assert.match(without.stdout, /anywidget's front end is not beside it: AnyWidget modules need it \(pip install anywidget in this environment\); the other widgets do not/);
  const frontEnd = path.join(prefix, "share", "jupyter", "labextensions", "anywidget");
  fs.mkdirSync(frontEnd, { recursive: true });
  fs.writeFileSync(path.join(frontEnd, "package.json"), JSON.stringify({ name: "anywidget", version: "0.11.0" }));
  const withIt = cli(["install", "--prefix", prefix]);
  assert.match(withIt.stdout, new RegExp(`Found anywidget's front end in ${frontEnd.replace(/[/.-]/g, "\\$&")}`));
});
