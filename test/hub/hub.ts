/**
 * A throw-away JupyterHub for the hub tests and the latency bench: the hub and
 * configurable-http-proxy (npm) on 127.0.0.1 with random free ports, users who log in with
 * their own passwords, SimpleLocalProcessSpawner (everything runs as the current user, so
 * users need not exist on the system) starting `jupyterhub-singleuser` from the repo's .venv,
 * and every bit of state under one temp dir. `stop()` ends the hub, the proxy, the single-user
 * servers and their kernels, and removes that dir.
 *
 * Every process it starts carries a marker variable in its environment, so the tests can find
 * a user's server and kernels in /proc, and teardown can end any that outlived the hub.
 */
import { execFileSync, spawn } from "child_process";
import * as crypto from "crypto";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import type { Page } from "playwright-core";
import { browserSkipReason, skipOutsideCi, freePort, REPO_ROOT, TEST_LAB_ARGS, VENV } from "../browser/lab";

const VENV_PYTHON = path.join(VENV, "bin", "python");
const PROXY = path.join(REPO_ROOT, "node_modules", ".bin", "configurable-http-proxy");
/** Names the processes of one hub (its state dir) in their environment. */
const MARKER = "ACTIVATION_LAB_TEST_HUB";

export interface HubUser {
  name: string;
  password: string;
  /**
   * activation-lab's server extension in this user's server: undefined keeps the environment's
   * setting (`npm run setup` and the single-user install enable it), false turns it off.
   */
  serverExtension?: false;
}

export interface HubOptions {
  users: HubUser[];
  /** Notebook files copied into every user's home (their server's root dir). */
  notebooks: string[];
  /** jupyter_server's idle-kernel culling in every single-user server (seconds). */
  culling?: { idleTimeoutS: number; intervalS: number };
}

export interface HubProcess {
  pid: number;
  /** JUPYTERHUB_USER of the process (a single-user server and its kernels), if any. */
  user?: string;
  cmdline: string;
}

export interface Hub {
  /** The public URL (the proxy). */
  url: string;
  stateDir: string;
  /** A user's server through the proxy, e.g. http://127.0.0.1:PORT/user/ada. */
  userUrl(user: string): string;
  /** The hub's REST API as an admin (a service with the admin role): /hub/api + apiPath. */
  api(method: string, apiPath: string, body?: unknown): Promise<Response>;
  /** A new API token of `user` (what a user makes on the hub's token page). */
  userToken(user: string): Promise<string>;
  /** Waits until the hub reports `user`'s server as ready (or not running). */
  waitForServer(user: string, state: "ready" | "stopped", timeoutMs?: number): Promise<void>;
  /** Live processes this hub started (hub, proxy, single-user servers, kernels). */
  processes(): HubProcess[];
  /** The hub's and its servers' output so far (for error messages). */
  log(): string;
  /**
   * Stops the hub, which stops every server and the proxy; kills whatever of its processes still
   * runs 5 s later and returns those (none when the hub's own shutdown worked).
   */
  stop(): Promise<HubProcess[]>;
}

/** The Python that runs the hub: the venv's when pip installed JupyterHub there, else Debian's. */
function hubPython(): string | undefined {
  for (const python of [VENV_PYTHON, "/usr/bin/python3"]) {
    try {
      execFileSync(python, ["-c", "import jupyterhub.app"], { stdio: "ignore" });
      return python;
    } catch {
      // not this one
    }
  }
  return undefined;
}

/** Why the hub tests cannot run here, or undefined when they can. In CI a missing piece is an error. */
export function hubSkipReason(): string | undefined {
  const browser = browserSkipReason();
  if (browser) return browser;
  const missing: string[] = [];
  if (!hubPython()) missing.push("JupyterHub (pip install jupyterhub, or apt-get install jupyterhub)");
  if (!fs.existsSync(PROXY)) missing.push("configurable-http-proxy in node_modules (npm ci)");
  try {
    execFileSync(VENV_PYTHON, ["-c", "import jupyterhub.singleuser"], { stdio: "ignore" });
  } catch {
    missing.push("jupyterhub-singleuser in .venv (node scripts/setup.js --for-tests)");
  }
  return skipOutsideCi(missing.length ? `hub tests need ${missing.join(", ")}` : undefined);
}

/** The hub's config: everything the tests choose, in one Python file under the state dir. */
function hubConfig(settings: Record<string, unknown>): string {
  return `# Written by test/hub/hub.ts for one test run.
import hmac
import json

from jupyterhub.auth import Authenticator

SETTINGS = json.loads(${JSON.stringify(JSON.stringify(settings))})


class TestPasswordAuthenticator(Authenticator):
    """Each test user logs in with their own password; nobody else gets in."""

    async def authenticate(self, handler, data):
        expected = SETTINGS["passwords"].get(data.get("username", ""))
        given = data.get("password", "")
        if expected is not None and hmac.compare_digest(expected.encode(), given.encode()):
            return data["username"]
        return None


def user_dir(kind):
    return lambda spawner: f"{SETTINGS['state']}/users/{spawner.user.name}/{kind}"


c.JupyterHub.authenticator_class = TestPasswordAuthenticator
c.Authenticator.allowed_users = set(SETTINGS["passwords"])
c.JupyterHub.ip = "127.0.0.1"
c.JupyterHub.port = SETTINGS["port"]
c.JupyterHub.hub_ip = "127.0.0.1"
c.JupyterHub.hub_port = SETTINGS["hub_port"]
c.ConfigurableHTTPProxy.api_url = f"http://127.0.0.1:{SETTINGS['proxy_api_port']}"
c.ConfigurableHTTPProxy.command = [SETTINGS["proxy"]]
c.ConfigurableHTTPProxy.pid_file = f"{SETTINGS['state']}/proxy.pid"
c.JupyterHub.pid_file = f"{SETTINGS['state']}/hub.pid"
c.JupyterHub.db_url = f"sqlite:///{SETTINGS['state']}/hub.sqlite"
c.JupyterHub.cookie_secret_file = f"{SETTINGS['state']}/cookie_secret"
c.JupyterHub.services = [{"name": "activation-lab-test", "api_token": SETTINGS["api_token"]}]
c.JupyterHub.load_roles = [{"name": "admin", "services": ["activation-lab-test"]}]

c.JupyterHub.spawner_class = "jupyterhub.spawner.SimpleLocalProcessSpawner"
c.SimpleLocalProcessSpawner.home_dir_template = f"{SETTINGS['state']}/home/{{username}}"
c.Spawner.cmd = SETTINGS["single_user_cmd"]
c.Spawner.args = SETTINGS["single_user_args"]
c.Spawner.default_url = "/lab"
c.Spawner.ip = "127.0.0.1"
c.Spawner.start_timeout = 90
c.Spawner.http_timeout = 90
# A stopped server gets SIGINT, then SIGTERM, then SIGKILL: short waits keep teardown quick.
c.LocalProcessSpawner.interrupt_timeout = 5
c.LocalProcessSpawner.term_timeout = 3
c.Spawner.environment = {
    SETTINGS["marker"]: SETTINGS["state"],
    "JUPYTER_CONFIG_DIR": user_dir("config"),
    "JUPYTER_DATA_DIR": user_dir("data"),
    "JUPYTER_RUNTIME_DIR": user_dir("runtime"),
    "JUPYTER_PLATFORM_DIRS": "1",
    "ACTIVATION_LAB_QUIET": "1",
}
`;
}

async function waitFor<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs: number, log: () => string): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const value = await probe().catch(() => undefined);
    if (value !== undefined) return value;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`timed out after ${timeoutMs / 1000} s waiting for ${what}; hub log:\n${log().slice(-4000)}`);
}

function readProc(pid: string, file: string): string | undefined {
  try {
    return fs.readFileSync(`/proc/${pid}/${file}`, "utf8");
  } catch {
    return undefined; // gone, or not ours to read
  }
}

/** Live processes whose environment carries `marker=value` (zombies excluded). */
function markedProcesses(marker: string, value: string): HubProcess[] {
  const found: HubProcess[] = [];
  for (const pid of fs.readdirSync("/proc").filter((p) => /^\d+$/.test(p))) {
    const environ = readProc(pid, "environ");
    if (!environ) continue;
    const env = new Map(environ.split("\0").map((kv) => [kv.slice(0, kv.indexOf("=")), kv.slice(kv.indexOf("=") + 1)] as const));
    if (env.get(marker) !== value) continue;
    const stat = readProc(pid, "stat");
    if (!stat || stat.slice(stat.lastIndexOf(")") + 2).startsWith("Z")) continue;
    found.push({ pid: Number(pid), user: env.get("JUPYTERHUB_USER"), cmdline: (readProc(pid, "cmdline") ?? "").split("\0").join(" ").trim() });
  }
  return found;
}

export async function startHub(options: HubOptions): Promise<Hub> {
  const python = hubPython();
  if (!python) throw new Error("no Python here can import jupyterhub (pip install jupyterhub, or apt-get install jupyterhub)");
  const stateDir = fs.mkdtempSync(path.join(os.tmpdir(), "activation-lab-hub-"));
  for (const user of options.users) {
    const home = path.join(stateDir, "home", user.name);
    const config = path.join(stateDir, "users", user.name, "config");
    fs.mkdirSync(home, { recursive: true });
    fs.mkdirSync(config, { recursive: true });
    for (const nb of options.notebooks) fs.copyFileSync(nb, path.join(home, path.basename(nb)));
    if (user.serverExtension === false) {
      // The user config file outranks the environment's config.d, where the install enabled it.
      fs.writeFileSync(path.join(config, "jupyter_server_config.json"), JSON.stringify({ ServerApp: { jpserver_extensions: { activation_lab_server: false } } }));
    }
  }
  const [port, hubPort, proxyApiPort] = [await freePort(), await freePort(), await freePort()];
  const apiToken = crypto.randomBytes(32).toString("hex");
  const url = `http://127.0.0.1:${port}`;
  const culling = options.culling
    ? [
        `--MappingKernelManager.cull_idle_timeout=${options.culling.idleTimeoutS}`,
        `--MappingKernelManager.cull_interval=${options.culling.intervalS}`,
        // An open notebook tab keeps a websocket to its kernel; culling then rests on activity alone.
        "--MappingKernelManager.cull_connected=True",
      ]
    : [];
  fs.writeFileSync(
    path.join(stateDir, "jupyterhub_config.py"),
    hubConfig({
      passwords: Object.fromEntries(options.users.map((u) => [u.name, u.password])),
      state: stateDir,
      port,
      hub_port: hubPort,
      proxy_api_port: proxyApiPort,
      proxy: PROXY,
      api_token: apiToken,
      marker: MARKER,
      single_user_cmd: [VENV_PYTHON, "-m", "jupyterhub.singleuser"],
      single_user_args: [...TEST_LAB_ARGS, ...culling],
    }),
  );

  let output = "";
  const child = spawn(python, ["-m", "jupyterhub", "-f", "jupyterhub_config.py"], {
    cwd: stateDir,
    detached: true, // its own process group: the proxy goes with it
    stdio: ["ignore", "pipe", "pipe"],
    env: { ...process.env, [MARKER]: stateDir, CONFIGPROXY_AUTH_TOKEN: crypto.randomBytes(32).toString("hex") },
  });
  child.stdout!.on("data", (d) => (output += d.toString()));
  child.stderr!.on("data", (d) => (output += d.toString()));
  const log = () => output;
  const processes = () => markedProcesses(MARKER, stateDir);

  const api = (method: string, apiPath: string, body?: unknown) =>
    fetch(`${url}/hub/api${apiPath}`, {
      method,
      headers: { Authorization: `token ${apiToken}`, ...(body === undefined ? {} : { "Content-Type": "application/json" }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });

  const stop = async (): Promise<HubProcess[]> => {
    if (child.exitCode === null && child.pid !== undefined) {
      const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
      try {
        // The hub stops every single-user server and the proxy on SIGTERM.
        process.kill(-child.pid, "SIGTERM");
      } catch {
        // already gone
      }
      const timer = setTimeout(() => {
        try {
          process.kill(-child.pid!, "SIGKILL");
        } catch {
          // already gone
        }
      }, 20_000);
      await exited;
      clearTimeout(timer);
    }
    // Whatever outlived the hub (its servers and their kernels run in sessions of their own),
    // after a few seconds' grace for processes that are on their way out.
    const deadline = Date.now() + 5000;
    while (processes().length > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
    const leftovers = processes();
    for (const p of leftovers) {
      try {
        process.kill(p.pid, "SIGKILL");
      } catch {
        // exited meanwhile
      }
    }
    fs.rmSync(stateDir, { recursive: true, force: true });
    return leftovers;
  };

  const hub: Hub = {
    url,
    stateDir,
    userUrl: (user) => `${url}/user/${user}`,
    api,
    async userToken(user) {
      const res = await api("POST", `/users/${user}/tokens`, { note: "activation-lab test", expires_in: 3600 });
      if (!res.ok) throw new Error(`could not make a token for ${user}: ${res.status} ${await res.text()}`);
      return ((await res.json()) as { token: string }).token;
    },
    async waitForServer(user, state, timeoutMs = 60_000) {
      await waitFor(
        `${user}'s server to be ${state}`,
        async () => {
          const res = await api("GET", `/users/${user}`);
          const model = (await res.json()) as { servers?: Record<string, { ready?: boolean }> };
          const server = model.servers?.[""];
          return (state === "ready" ? server?.ready === true : server === undefined) ? true : undefined;
        },
        timeoutMs,
        log,
      );
    },
    processes,
    log,
    stop,
  };
  try {
    if (!fs.existsSync(PROXY)) throw new Error(`${PROXY} is missing (npm ci)`);
    const outcome = await waitFor(
      `the hub to answer on ${url}`,
      async () => (child.exitCode !== null ? "exited" : (await fetch(`${url}/hub/api`)).ok ? "up" : undefined),
      60_000,
      log,
    );
    if (outcome === "exited") throw new Error(`jupyterhub exited with code ${child.exitCode}:\n${log().slice(-4000)}`);
  } catch (e) {
    await stop();
    throw e;
  }
  return hub;
}

/**
 * Logs `user` in through the hub's login page, as a person would, and waits until the hub has
 * started their server and JupyterLab has loaded from it.
 */
export async function logIn(page: Page, hub: Hub, user: HubUser, timeoutMs = 120_000): Promise<void> {
  await page.goto(`${hub.url}/hub/login`);
  await page.locator("input[name=username]").fill(user.name);
  await page.locator("input[name=password]").fill(user.password);
  await page.locator("form [type=submit]").click();
  try {
    await page.waitForURL((u) => u.pathname.startsWith(`/user/${user.name}/lab`), { timeout: timeoutMs });
  } catch {
    throw new Error(`${user.name} did not reach their JupyterLab within ${timeoutMs / 1000} s (at ${page.url()}); hub log:\n${hub.log().slice(-4000)}`);
  }
}
