/**
 * Installing the kernelspec `activation-lab` and the prebuilt JupyterLab extension into a
 * Jupyter data directory, the layout `jupyter kernelspec list` and `jupyter labextension list`
 * read: `<data>/kernels/activation-lab/kernel.json` and `<data>/labextensions/<name>/`.
 *
 * On request (`--server-extension`) and into a Python environment (`--sys-prefix`,
 * `--prefix P`) it also installs the small server extension `activation_lab_server`
 * (kernel-ext/server/): the module goes to the environment's site-packages and
 * `etc/jupyter/jupyter_server_config.d/` enables it, the layout `jupyter server extension list`
 * reads. It turns off Nagle's delay on kernel websockets, which otherwise holds widget replies
 * back by up to 40 ms, and has JupyterLab ignore the kernel's busy/idle around widget messages,
 * which otherwise costs the page ~8 ms per slider step. It is opt-in because it changes how the
 * whole server (every kernel) writes to websockets and what JupyterLab's kernel indicator
 * shows; `npm run setup` turns it on for the repo's `.venv`. `--user` skips it:
 * a user-wide module is not importable from the virtual environments Jupyter usually runs in.
 */
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { PACKAGE_ROOT } from "./resolve";

export const KERNEL_NAME = "activation-lab";
export const DISPLAY_NAME = "TypeScript (activation-lab)";

export type InstallTarget = { kind: "user" } | { kind: "sys-prefix"; python: string } | { kind: "prefix"; prefix: string };

/** The Jupyter data directory for a target (where kernels/ and labextensions/ live). */
export function dataDir(target: InstallTarget): string {
  switch (target.kind) {
    case "user":
      if (process.env.JUPYTER_DATA_DIR) return path.resolve(process.env.JUPYTER_DATA_DIR);
      if (process.platform === "darwin") return path.join(os.homedir(), "Library", "Jupyter");
      if (process.platform === "win32") return path.join(process.env.APPDATA ?? os.homedir(), "jupyter");
      return path.join(process.env.XDG_DATA_HOME || path.join(os.homedir(), ".local", "share"), "jupyter");
    case "sys-prefix":
      return path.join(pythonPrefix(target.python), "share", "jupyter");
    case "prefix":
      return path.join(path.resolve(target.prefix), "share", "jupyter");
  }
}

/** sys.prefix of the given Python: the active virtual environment when one is active. */
function pythonPrefix(python: string): string {
  if (process.env.VIRTUAL_ENV && python === "python3") return process.env.VIRTUAL_ENV;
  try {
    return execFileSync(python, ["-c", "import sys; print(sys.prefix)"], { encoding: "utf8" }).trim();
  } catch (e) {
    throw new Error(`--sys-prefix needs a working ${python} to ask for sys.prefix (${(e as Error).message.split("\n")[0]}); use --prefix P instead`);
  }
}

export function kernelSpec(): Record<string, unknown> {
  return {
    argv: [process.execPath, path.join(PACKAGE_ROOT, "bin", "activation-lab.js"), "kernel", "--connection-file", "{connection_file}"],
    display_name: DISPLAY_NAME,
    language: "typescript",
    // SIGINT also stops a synchronous infinite loop, which no message can reach.
    interrupt_mode: "signal",
    env: {},
    metadata: { debugger: false },
  };
}

const LABEXTENSION_SOURCE = path.join(PACKAGE_ROOT, "widgets", "labextension");

/** The prebuilt labextension's package name, if it has been built. */
function labextensionName(): string | undefined {
  const manifest = path.join(LABEXTENSION_SOURCE, "package.json");
  if (!fs.existsSync(manifest)) return undefined;
  const name = (JSON.parse(fs.readFileSync(manifest, "utf8")) as { name?: unknown }).name;
  return typeof name === "string" && name !== "" ? name : KERNEL_NAME;
}

export const SERVER_EXTENSION = "activation_lab_server";
const SERVER_EXTENSION_SOURCE = path.join(PACKAGE_ROOT, "kernel-ext", "server", `${SERVER_EXTENSION}.py`);

/** The installation prefix of an environment target, from its data dir (undefined for --user). */
function envPrefix(target: InstallTarget, root: string): string | undefined {
  return target.kind === "user" ? undefined : path.dirname(path.dirname(root));
}

/** The environment's site-packages folders (posix `lib/python3.X/`, Windows `Lib/`). */
function sitePackages(prefix: string): string[] {
  const found: string[] = [];
  const windows = path.join(prefix, "Lib", "site-packages");
  if (fs.existsSync(windows)) found.push(windows);
  const lib = path.join(prefix, "lib");
  if (fs.existsSync(lib)) {
    for (const entry of fs.readdirSync(lib)) {
      const dir = path.join(lib, entry, "site-packages");
      if (/^python3\.\d+$/.test(entry) && fs.existsSync(dir)) found.push(dir);
    }
  }
  return found;
}

function serverExtensionConfig(prefix: string): string {
  return path.join(prefix, "etc", "jupyter", "jupyter_server_config.d", `${SERVER_EXTENSION}.json`);
}

export type ServerExtensionResult = { installed: true; modules: string[]; config: string } | { installed: false; reason: string };

function installServerExtension(target: InstallTarget, root: string): ServerExtensionResult {
  const prefix = envPrefix(target, root);
  if (!prefix) return { installed: false, reason: "--user installs no server extension; install with --sys-prefix or --prefix in the environment that runs Jupyter to get it" };
  const sites = sitePackages(prefix);
  if (sites.length === 0) return { installed: false, reason: `no Python site-packages under ${prefix}` };
  const modules = sites.map((site) => {
    const file = path.join(site, `${SERVER_EXTENSION}.py`);
    fs.copyFileSync(SERVER_EXTENSION_SOURCE, file);
    return file;
  });
  const config = serverExtensionConfig(prefix);
  fs.mkdirSync(path.dirname(config), { recursive: true });
  fs.writeFileSync(config, JSON.stringify({ ServerApp: { jpserver_extensions: { [SERVER_EXTENSION]: true } } }, null, 2) + "\n");
  return { installed: true, modules, config };
}

/** The server extension's files under an environment (module, its bytecode, the config). */
function serverExtensionFiles(target: InstallTarget, root: string): string[] {
  const prefix = envPrefix(target, root);
  if (!prefix) return [];
  const files = [serverExtensionConfig(prefix)];
  for (const site of sitePackages(prefix)) {
    files.push(path.join(site, `${SERVER_EXTENSION}.py`));
    const cache = path.join(site, "__pycache__");
    if (fs.existsSync(cache)) files.push(...fs.readdirSync(cache).filter((f) => f.startsWith(`${SERVER_EXTENSION}.`)).map((f) => path.join(cache, f)));
  }
  return files;
}

export interface InstallResult {
  kernelDir: string;
  labextensionDir?: string;
  serverExtension: ServerExtensionResult;
  /** Where anywidget's front end (which `AnyWidget` needs) was found beside ours; undefined if not there. */
  anywidgetDir?: string;
}

/**
 * anywidget's front end in a Jupyter data directory: as pip's `anywidget` installs it, or as the
 * set-up builds it from npm where pip has no anywidget (scripts/install-anywidget.js). The
 * set-up and the browser test ask here too.
 */
export function anywidgetFrontEnd(root: string): string | undefined {
  const dirs = [path.join(root, "labextensions", "anywidget"), path.join(root, "labextensions", "@activation-lab", "anywidget")];
  return dirs.find((dir) => fs.existsSync(path.join(dir, "package.json")));
}

export interface InstallOptions {
  /** Also install the server extension `activation_lab_server` (environments only). */
  serverExtension?: boolean;
}

export function install(target: InstallTarget, options: InstallOptions = {}): InstallResult {
  const root = dataDir(target);
  const kernelDir = path.join(root, "kernels", KERNEL_NAME);
  fs.mkdirSync(kernelDir, { recursive: true });
  fs.writeFileSync(path.join(kernelDir, "kernel.json"), JSON.stringify(kernelSpec(), null, 2) + "\n");
  const serverExtension: ServerExtensionResult = options.serverExtension
    ? installServerExtension(target, root)
    : { installed: false, reason: "not requested (add --server-extension)" };
  const anywidgetDir = anywidgetFrontEnd(root);
  const name = labextensionName();
  if (!name) return { kernelDir, serverExtension, anywidgetDir };
  const labextensionDir = path.join(root, "labextensions", ...name.split("/"));
  // A fresh copy: stale hashed chunks from an older build must not linger.
  fs.rmSync(labextensionDir, { recursive: true, force: true });
  fs.mkdirSync(path.dirname(labextensionDir), { recursive: true });
  fs.cpSync(LABEXTENSION_SOURCE, labextensionDir, { recursive: true });
  return { kernelDir, labextensionDir, serverExtension, anywidgetDir };
}

export function uninstall(target: InstallTarget): string[] {
  const root = dataDir(target);
  const removed: string[] = [];
  const candidates = [path.join(root, "kernels", KERNEL_NAME)];
  const name = labextensionName() ?? KERNEL_NAME;
  candidates.push(path.join(root, "labextensions", ...name.split("/")));
  candidates.push(...serverExtensionFiles(target, root));
  for (const dir of candidates) {
    if (fs.existsSync(dir)) {
      fs.rmSync(dir, { recursive: true, force: true });
      removed.push(dir);
    }
  }
  return removed;
}
