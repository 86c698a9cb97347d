/**
 * Makes `import ... from "activation-lab"` (and "activation-lab/kernel") work in every notebook
 * folder, including one without node_modules, and resolve to THIS package: the same module
 * instances the kernel itself uses, so state set up by the kernel (the live host, the comm
 * manager, the backend) is what user code sees.
 *
 * Two resolvers need it: Node's (at run time) and the TypeScript compiler's inside tslab (for
 * type checking, completion and inspection). Node's goes through `Module._resolveFilename`;
 * TypeScript's through `ts.sys` of tslab's compiler copy, whose file-system calls we map.
 */
import * as path from "path";
import Module from "module";

export const PACKAGE_NAME = "activation-lab";
/** dist/kernel-ext/resolve.js → the package root (holds package.json and dist/). */
export const PACKAGE_ROOT = path.resolve(__dirname, "..", "..");

type ResolveFilename = (request: string, parent: unknown, isMain: boolean, options?: unknown) => string;
interface ModuleInternals {
  _resolveFilename: ResolveFilename;
}

let runtimeInstalled = false;

function isOurs(request: string): boolean {
  return request === PACKAGE_NAME || request.startsWith(`${PACKAGE_NAME}/`);
}

/** Routes `require("activation-lab[/...]")` from anywhere to this package via its exports map. */
export function installRuntimeResolution(): void {
  if (runtimeInstalled) return;
  runtimeInstalled = true;
  const internals = Module as unknown as ModuleInternals;
  const original = internals._resolveFilename;
  internals._resolveFilename = function (this: unknown, request, parent, isMain, options) {
    // Resolving from a module inside the package uses Node's package self-reference, which
    // honours the "exports" map exactly as a normal install would.
    if (isOurs(request)) return original.call(this, request, module, isMain, options);
    return original.call(this, request, parent, isMain, options);
  } as ResolveFilename;
}

/** Type declarations for subpaths that the classic ("node10") resolution cannot find via "exports". */
const VIRTUAL_SUBPATHS: Record<string, string> = {
  "kernel.d.ts": 'export * from "./dist/kernel-ext/index";\n',
};

const NODE_MODULES_SEGMENT = `/node_modules/${PACKAGE_NAME}`;

/**
 * Maps `<anything>/node_modules/activation-lab/<rest>` to `<PACKAGE_ROOT>/<rest>`; returns
 * undefined for other paths. Paths already inside the package are left alone.
 */
export function mapPackagePath(p: string): { real: string; rest: string } | undefined {
  const normalized = p.replace(/\\/g, "/");
  const at = normalized.indexOf(NODE_MODULES_SEGMENT);
  if (at < 0) return undefined;
  const after = normalized.slice(at + NODE_MODULES_SEGMENT.length);
  if (after !== "" && !after.startsWith("/")) return undefined; // e.g. activation-labs
  const rest = after.replace(/^\//, "");
  return { real: path.join(PACKAGE_ROOT, rest), rest };
}

interface TsSys {
  fileExists(p: string): boolean;
  directoryExists(p: string): boolean;
  readFile(p: string, encoding?: string): string | undefined;
  realpath?(p: string): string;
  watchFile?(p: string, ...rest: unknown[]): unknown;
}

let compilerInstalled = false;

/**
 * Patches the file-system view of tslab's TypeScript (`@tslab/typescript-for-tslab`) so
 * that "activation-lab" resolves to this package's declarations from any folder. Must run
 * before tslab creates its converter.
 */
export function installCompilerResolution(): void {
  if (compilerInstalled) return;
  compilerInstalled = true;
  const tslabDir = path.dirname(require.resolve("tslab/package.json"));
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const ts = require(require.resolve("@tslab/typescript-for-tslab", { paths: [tslabDir] })) as { sys: TsSys };
  const sys = ts.sys;
  const original = {
    fileExists: sys.fileExists.bind(sys),
    directoryExists: sys.directoryExists.bind(sys),
    readFile: sys.readFile.bind(sys),
    realpath: sys.realpath?.bind(sys),
    watchFile: sys.watchFile?.bind(sys),
  };
  const virtualContent = (p: string): string | undefined => {
    const mapped = mapPackagePath(p);
    if (!mapped || !(mapped.rest in VIRTUAL_SUBPATHS) || original.fileExists(mapped.real)) return undefined;
    return VIRTUAL_SUBPATHS[mapped.rest];
  };
  const real = (p: string): string => mapPackagePath(p)?.real ?? p;
  sys.fileExists = (p) => virtualContent(p) !== undefined || original.fileExists(real(p));
  sys.directoryExists = (p) => original.directoryExists(real(p));
  sys.readFile = (p, encoding) => virtualContent(p) ?? original.readFile(real(p), encoding);
  if (original.realpath) {
    const realpath = original.realpath;
    // Resolved declarations get their true location, so their own imports (tfjs, ...)
    // resolve from the package's node_modules.
    sys.realpath = (p) => (virtualContent(p) !== undefined ? p : realpath(real(p)));
  }
  if (original.watchFile) {
    const watchFile = original.watchFile;
    sys.watchFile = (p, ...rest) => watchFile(real(p), ...rest);
  }
}
