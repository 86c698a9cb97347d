/**
 * Kernel process start-up: module resolution for user code, the kernel server, crash guards,
 * and (before the first cell) the tfjs backend and the live host.
 */
import { installCompilerResolution, installRuntimeResolution } from "./resolve";
import { ActivationLabKernel } from "./kernel";
import { kernelLog } from "./log";
import { parentToWatch, watchParent } from "./parent";

export async function runKernel(connectionFile: string, version: string): Promise<ActivationLabKernel> {
  installRuntimeResolution();
  installCompilerResolution();
  const kernel = new ActivationLabKernel({
    connectionFile,
    rootDir: process.cwd(),
    version,
    beforeFirstCell: async () => {
      const { installLiveHost } = await import("./host");
      installLiveHost();
      const { ready } = await import("../src/backend");
      await ready();
      guardProcessErrors();
    },
    afterEachCell: guardProcessErrors,
  });
  guardProcessErrors();
  await kernel.init();
  const parent = parentToWatch();
  if (parent !== undefined) {
    watchParent(parent, () => {
      kernelLog(`the process that started the kernel (pid ${parent}) is gone; exiting`);
      process.exit(0);
    });
  }
  kernelLog(`kernel ${version} listening (${process.cwd()})`);
  return kernel;
}

const onUncaughtException = (err: unknown): void => {
  process.stderr.write(`Uncaught exception: ${(err as Error)?.stack ?? err}\n`);
};
const onUnhandledRejection = (reason: unknown): void => {
  process.stderr.write(`Unhandled promise rejection: ${(reason as Error)?.stack ?? reason}\n`);
};

/**
 * User code can leave errors behind (a rejected promise nobody awaits, a throwing timer): they
 * are shown in the notebook and the kernel lives on. Some libraries install process-wide
 * handlers that rethrow (the Emscripten runtime of tfjs's WASM backend does), which would kill
 * the kernel, so only ours are kept; this runs again after every cell.
 */
export function guardProcessErrors(): void {
  keepOnly("uncaughtException", onUncaughtException as (...args: unknown[]) => void);
  keepOnly("unhandledRejection", onUnhandledRejection as (...args: unknown[]) => void);
}

function keepOnly(event: "uncaughtException" | "unhandledRejection", ours: (...args: unknown[]) => void): void {
  const emitter = process as unknown as NodeJS.EventEmitter;
  for (const listener of emitter.listeners(event)) {
    if (listener !== ours) emitter.removeListener(event, listener as (...args: unknown[]) => void);
  }
  if (!emitter.listeners(event).includes(ours)) emitter.on(event, ours);
}
