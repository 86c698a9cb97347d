/**
 * A throw-away JupyterLab for browser tests and benchmarks: the venv's JupyterLab on
 * 127.0.0.1, a random port and token, its own config/data/runtime/settings folders under a
 * temp dir (so nothing from the user's setup leaks in) and a root dir holding copies of the
 * notebooks under test. `stop()` ends the server and the kernels it started.
 */
import { spawn, type ChildProcess } from "child_process";
import * as crypto from "crypto";
import * as fs from "fs";
import * as net from "net";
import * as os from "os";
import * as path from "path";

export const REPO_ROOT = path.resolve(__dirname, "../../..");
export const VENV = path.join(REPO_ROOT, ".venv");
export const CHROMIUM = process.env.ACTIVATION_LAB_CHROMIUM ?? "/usr/bin/chromium";

export interface LabOptions {
  /** Notebook files copied into the root dir (by base name). */
  notebooks: string[];
  /** JupyterLab user settings: plugin id → settings object. */
  settings?: Record<string, Record<string, unknown>>;
  /** Reuse this state dir (data, settings, root) from an earlier lab, e.g. to reopen a saved notebook. */
  stateDir?: string;
  /** Hide kernelspecs other than these from the server (e.g. [] to open notebooks kernel-less). */
  allowedKernels?: string[];
  /**
   * activation-lab's server extension (kernel-ext/server/): true runs it from this checkout,
   * false turns it off (a stock server), undefined leaves the environment's setting.
   */
  serverExtension?: boolean;
  /** More server config by section, e.g. `{ ActivationLabServer: { quiet_comm_status: false } }`. */
  serverConfig?: Record<string, Record<string, unknown>>;
}

/** What activation_lab_server logs as it applies each of its effects (kernel-ext/server/). */
const SERVER_EXTENSION_EFFECTS: [effect: string, logLine: string][] = [
  ["TCP_NODELAY", "activation-lab: kernel websockets send without Nagle's delay (TCP_NODELAY)"],
  ["quiet comm status", "activation-lab: JupyterLab ignores the kernel status around widget messages"],
];

/** The server extension's effects that a lab's log reports, in a fixed order. */
export function serverExtensionEffects(log: string): string[] {
  return SERVER_EXTENSION_EFFECTS.filter(([, line]) => log.includes(line)).map(([effect]) => effect);
}

/** Server arguments every test lab gets (also the hub tests' single-user servers). */
export const TEST_LAB_ARGS: string[] = [
  // Tests drive the app's command registry (run all, save, theme) through window.jupyterapp.
  "--LabApp.expose_app_in_browser=True",
  "--LabApp.news_url=",
  "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
  // Containers often run tests as root, which Jupyter servers refuse without this flag.
  ...(process.getuid?.() === 0 ? ["--allow-root"] : []),
];

/**
 * A notebook of two cells, the import and `al.explore(activations, { from: -6, to: 6, points })`,
 * written to `file` (for the latency bench and the hub tests).
 */
export function writeExplorerNotebook(file: string, activations: string[], points: number): void {
  const cell = (source: string, id: string) => ({ cell_type: "code", id, execution_count: null, metadata: {}, outputs: [], source });
  fs.writeFileSync(
    file,
    JSON.stringify({
      cells: [
        cell('import * as al from "activation-lab";\nal.backend().name', "import"),
        cell(`al.explore(${JSON.stringify(activations)}, { from: -6, to: 6, points: ${points} })`, "explore"),
      ],
      metadata: { kernelspec: { name: "activation-lab", display_name: "TypeScript (activation-lab)", language: "typescript" } },
      nbformat: 4,
      nbformat_minor: 5,
    }),
  );
}

export interface Lab {
  url: string;
  token: string;
  /** The server's root dir (notebooks live here). */
  root: string;
  /** Everything this lab wrote; pass to `startLab({ stateDir })` to keep it for a second server. */
  stateDir: string;
  /** The server's stderr so far (for error messages). */
  log(): string;
  stop(): Promise<void>;
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const port = (server.address() as net.AddressInfo).port;
      server.close(() => resolve(port));
    });
  });
}

/** Why the browser tests cannot run here, or undefined when they can. In CI a missing piece is an error. */
export function browserSkipReason(): string | undefined {
  const missing: string[] = [];
  if (!fs.existsSync(CHROMIUM)) missing.push(`${CHROMIUM} (apt-get install -y chromium)`);
  if (!fs.existsSync(path.join(VENV, "bin", "jupyter-lab"))) missing.push(".venv with JupyterLab (npm run setup)");
  if (!fs.existsSync(path.join(VENV, "share", "jupyter", "labextensions", "activation-lab", "package.json"))) {
    missing.push("the activation-lab labextension in .venv (npm run setup)");
  }
  return skipOutsideCi(missing.length ? `browser tests need ${missing.join(", ")}` : undefined);
}

/** A skip reason outside CI; in CI (where .ci/run sets CI) a missing piece is an error instead. */
export function skipOutsideCi(reason: string | undefined): string | undefined {
  if (reason && process.env.CI) throw new Error(`${reason}; in CI they must run`);
  return reason;
}

function writeSettings(dir: string, settings: Record<string, Record<string, unknown>>): void {
  for (const [plugin, value] of Object.entries(settings)) {
    // "@scope/package:plugin" is stored as <dir>/@scope/package/plugin.jupyterlab-settings.
    const [pkg, name] = plugin.split(":");
    const file = path.join(dir, ...pkg.split("/"), `${name}.jupyterlab-settings`);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, JSON.stringify(value, null, 2));
  }
}

async function waitForServer(url: string, token: string, child: ChildProcess, log: () => string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`jupyter lab exited with code ${child.exitCode}:\n${log().slice(-3000)}`);
    try {
      const res = await fetch(`${url}/api/status`, { headers: { Authorization: `token ${token}` } });
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`jupyter lab did not answer on ${url} within ${timeoutMs / 1000} s:\n${log().slice(-3000)}`);
}

export async function startLab(options: LabOptions): Promise<Lab> {
  const stateDir = options.stateDir ?? fs.mkdtempSync(path.join(os.tmpdir(), "activation-lab-browser-"));
  const dirs = {
    root: path.join(stateDir, "root"),
    config: path.join(stateDir, "config"),
    data: path.join(stateDir, "data"),
    runtime: path.join(stateDir, "runtime"),
    settings: path.join(stateDir, "settings"),
    workspaces: path.join(stateDir, "workspaces"),
  };
  for (const dir of Object.values(dirs)) fs.mkdirSync(dir, { recursive: true });
  // The user config file (not a config.d snippet) outranks the environment's config.d, where
  // `npm run setup` enabled the extension.
  const serverConfig = path.join(dirs.config, "jupyter_server_config.json");
  fs.rmSync(serverConfig, { force: true }); // a reused state dir must not keep an earlier choice
  const userConfig: Record<string, Record<string, unknown>> = { ...(options.serverConfig ?? {}) };
  if (options.serverExtension !== undefined) {
    userConfig.ServerApp = { ...(userConfig.ServerApp ?? {}), jpserver_extensions: { activation_lab_server: options.serverExtension } };
  }
  if (Object.keys(userConfig).length > 0) fs.writeFileSync(serverConfig, JSON.stringify(userConfig));
  for (const nb of options.notebooks) fs.copyFileSync(nb, path.join(dirs.root, path.basename(nb)));
  // No news or update pop-ups: .venv's settings overrides see to that, as in `npm start`
  // (scripts/lab-config.js), and the browser test checks it.
  writeSettings(dirs.settings, options.settings ?? {});

  const port = await freePort();
  const token = crypto.randomBytes(16).toString("hex");
  const url = `http://127.0.0.1:${port}`;
  const args = [
    "-m", "jupyterlab",
    "--no-browser",
    "--ip=127.0.0.1",
    `--port=${port}`,
    "--ServerApp.port_retries=0",
    `--IdentityProvider.token=${token}`,
    `--ServerApp.root_dir=${dirs.root}`,
    `--LabApp.user_settings_dir=${dirs.settings}`,
    `--LabApp.workspaces_dir=${dirs.workspaces}`,
    ...TEST_LAB_ARGS,
  ];
  if (options.allowedKernels) {
    // jupyter_client reads an empty allow list as "allow all"; a name no kernelspec has hides them all.
    const allowed = options.allowedKernels.length > 0 ? options.allowedKernels : ["activation-lab-test-no-kernel"];
    args.push(`--KernelSpecManager.allowed_kernelspecs=${JSON.stringify(allowed)}`);
  }
  let stderr = "";
  const child = spawn(path.join(VENV, "bin", "python"), args, {
    cwd: dirs.root,
    detached: true, // its own process group, so stop() also reaches the kernels it spawned
    stdio: ["ignore", "pipe", "pipe"],
    env: {
      ...process.env,
      JUPYTER_PATH: path.join(VENV, "share", "jupyter"),
      JUPYTER_CONFIG_DIR: dirs.config,
      JUPYTER_DATA_DIR: dirs.data,
      JUPYTER_RUNTIME_DIR: dirs.runtime,
      JUPYTER_PLATFORM_DIRS: "1",
      ACTIVATION_LAB_QUIET: "1",
      ...(options.serverExtension ? { PYTHONPATH: [path.join(REPO_ROOT, "kernel-ext", "server"), process.env.PYTHONPATH].filter(Boolean).join(path.delimiter) } : {}),
    },
  });
  child.stdout!.on("data", (d) => (stderr += d.toString()));
  child.stderr!.on("data", (d) => (stderr += d.toString()));
  const log = () => stderr;
  const stop = async () => {
    if (child.exitCode !== null || child.pid === undefined) return;
    const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
    try {
      process.kill(-child.pid, "SIGTERM");
    } catch {
      return;
    }
    const timer = setTimeout(() => {
      try {
        process.kill(-child.pid!, "SIGKILL");
      } catch {
        // already gone
      }
    }, 8000);
    await exited;
    clearTimeout(timer);
  };
  try {
    await waitForServer(url, token, child, log, 60_000);
  } catch (e) {
    await stop();
    throw e;
  }
  return { url, token, root: dirs.root, stateDir, log, stop };
}
