/**
 * `activation-lab` command line:
 *   activation-lab kernel --connection-file F
 *   activation-lab install [--user | --sys-prefix [--python P] | --prefix P]
 *   activation-lab uninstall [--user | --sys-prefix [--python P] | --prefix P]
 */
import * as fs from "fs";
import * as path from "path";
import { parseArgs as nodeParseArgs, type ParseArgsConfig } from "util";
import { InstallTarget, install, uninstall, DISPLAY_NAME, KERNEL_NAME, SERVER_EXTENSION } from "./install";
import { PACKAGE_ROOT } from "./resolve";

export const USAGE = `Usage: activation-lab <command> [options]

Commands:
  kernel --connection-file FILE   run the Jupyter kernel (Jupyter starts this)
  install [TARGET]                install the "${DISPLAY_NAME}" kernelspec and the
    [--server-extension]          JupyterLab extension; with --server-extension, into a
                                  Python environment (--sys-prefix, --prefix), also the
                                  server extension that makes slider steps faster:
                                  widget replies without Nagle's delay (up to 40 ms),
                                  no kernel status flips in JupyterLab for widget
                                  messages (~8 ms)
  uninstall [TARGET]              remove them again

TARGET (one of; default --user):
  --user           ~/.local/share/jupyter (your user only)
  --sys-prefix     sys.prefix of python3 (the active virtual environment);
                   --python PATH picks another Python
  --prefix PREFIX  PREFIX/share/jupyter (e.g. --prefix .venv)

  -h, --help       show this help
`;

export class UsageError extends Error {}

export type Command =
  | { command: "help" }
  | { command: "kernel"; connectionFile: string }
  | { command: "install" | "uninstall"; target: InstallTarget; serverExtension?: boolean };

const KERNEL_OPTIONS = { "connection-file": { type: "string", short: "f" } } as const;
const TARGET_OPTIONS = {
  user: { type: "boolean" },
  "sys-prefix": { type: "boolean" },
  prefix: { type: "string" },
  python: { type: "string" },
} as const;
const INSTALL_OPTIONS = { ...TARGET_OPTIONS, "server-extension": { type: "boolean" } } as const;

/** node:util's parser, strict (unknown options and stray arguments are errors), as UsageErrors. */
function parseOptions<O extends ParseArgsConfig["options"]>(command: string, args: string[], options: O, valid: string) {
  try {
    return nodeParseArgs({ args, options, strict: true, allowPositionals: false }).values;
  } catch (e) {
    const { code, message } = e as Error & { code?: string };
    if (code === "ERR_PARSE_ARGS_INVALID_OPTION_VALUE") throw new UsageError(`${/--[\w-]+/.exec(message)?.[0] ?? "an option"} needs a value`);
    const token = /'([^']*)'/.exec(message)?.[1] ?? message;
    if (code === "ERR_PARSE_ARGS_UNKNOWN_OPTION") throw new UsageError(`unknown option for ${command}: ${token}; valid: ${valid}`);
    if (code === "ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL") throw new UsageError(`unexpected argument for ${command}: ${token}; valid: ${valid}`);
    throw e;
  }
}

/** Parses argv (without node and the script); throws UsageError naming the problem. */
export function parseArgs(args: readonly string[]): Command {
  if (args.length === 0 || args.includes("-h") || args.includes("--help") || args[0] === "help") return { command: "help" };
  const [command, ...rest] = args;
  if (command === "kernel") {
    const values = parseOptions(command, rest, KERNEL_OPTIONS, "--connection-file FILE");
    const connectionFile = values["connection-file"];
    if (!connectionFile) throw new UsageError("kernel needs --connection-file FILE");
    return { command, connectionFile };
  }
  if (command === "install" || command === "uninstall") {
    const valid = `--user, --sys-prefix [--python P], --prefix P${command === "install" ? ", --server-extension" : ""}`;
    const values = parseOptions(command, rest, command === "install" ? INSTALL_OPTIONS : TARGET_OPTIONS, valid) as {
      user?: boolean;
      "sys-prefix"?: boolean;
      prefix?: string;
      python?: string;
      "server-extension"?: boolean;
    };
    const targets: InstallTarget[] = [];
    if (values.user) targets.push({ kind: "user" });
    if (values["sys-prefix"]) targets.push({ kind: "sys-prefix", python: values.python ?? "python3" });
    if (values.prefix !== undefined) targets.push({ kind: "prefix", prefix: values.prefix });
    if (targets.length > 1) throw new UsageError("choose one of --user, --sys-prefix, --prefix P");
    if (values.python !== undefined && !values["sys-prefix"]) throw new UsageError("--python goes with --sys-prefix");
    const target = targets[0] ?? { kind: "user" };
    return command === "install" ? { command, target, serverExtension: values["server-extension"] === true } : { command, target };
  }
  throw new UsageError(`unknown command "${command}"; valid: kernel, install, uninstall`);
}

function packageVersion(): string {
  return (JSON.parse(fs.readFileSync(path.join(PACKAGE_ROOT, "package.json"), "utf8")) as { version: string }).version;
}

export async function main(args: readonly string[]): Promise<number> {
  let parsed: Command;
  try {
    parsed = parseArgs(args);
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    process.stderr.write(`activation-lab: ${e.message}\n\n${USAGE}`);
    return 2;
  }
  switch (parsed.command) {
    case "help":
      process.stdout.write(USAGE);
      return 0;
    case "kernel": {
      if (!fs.existsSync(parsed.connectionFile)) {
        process.stderr.write(`activation-lab: connection file ${parsed.connectionFile} does not exist\n`);
        return 2;
      }
      // Loaded here so that install/--help stay fast and never load tslab or tfjs.
      const { runKernel } = await import("./start");
      await runKernel(parsed.connectionFile, packageVersion());
      return -1; // keeps running
    }
    case "install": {
      const result = install(parsed.target, { serverExtension: parsed.serverExtension });
      process.stdout.write(`Installed kernelspec ${KERNEL_NAME} ("${DISPLAY_NAME}") in ${result.kernelDir}\n`);
      if (result.labextensionDir) process.stdout.write(`Installed the JupyterLab extension in ${result.labextensionDir}\n`);
      else process.stdout.write("The JupyterLab extension is not built (widgets/labextension/ is missing); widgets will show their static fallback.\n");
      if (result.anywidgetDir) process.stdout.write(`Found anywidget's front end in ${result.anywidgetDir} (AnyWidget uses it)\n`);
      else {
        const where = parsed.target.kind === "user" ? "the environment that runs Jupyter" : "this environment";
        process.stdout.write(`anywidget's front end is not beside it: AnyWidget modules need it (pip install anywidget in ${where}); the other widgets do not\n`);
      }
      const server = result.serverExtension;
      if (server.installed) {
        process.stdout.write(`Installed the server extension ${SERVER_EXTENSION} (TCP_NODELAY on kernel websockets; JupyterLab ignores the kernel status around widget messages) in ${server.modules.join(", ")}; enabled by ${server.config}\n`);
      } else if (parsed.serverExtension) {
        process.stdout.write(`Skipped the server extension ${SERVER_EXTENSION}: ${server.reason}. Widgets work without it; their replies may wait up to 40 ms longer.\n`);
      }
      return 0;
    }
    case "uninstall": {
      const removed = uninstall(parsed.target);
      process.stdout.write(removed.length ? removed.map((d) => `Removed ${d}\n`).join("") : "Nothing to remove.\n");
      return 0;
    }
  }
}
