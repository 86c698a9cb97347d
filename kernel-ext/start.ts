/**
 * Kernel process start-up: module resolution for user code, the kernel server, crash guards,
 * and (before the first cell) the tfjs backend and the live host.
 */
import { installCompilerResolution, installRuntimeResolution } from "./resolve";
import { ActivationLabKernel } from "./kernel";
import { kernelLog } from "./log";

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
    },
  });
  // User code can leave errors behind (a rejected promise nobody awaits, a throwing timer):
  // show them in the notebook and keep the kernel alive.
  process.on("uncaughtException", (err) => {
    process.stderr.write(`Uncaught exception: ${err?.stack ?? err}\n`);
  });
  process.on("unhandledRejection", (reason) => {
    process.stderr.write(`Unhandled promise rejection: ${(reason as Error)?.stack ?? reason}\n`);
  });
  await kernel.init();
  kernelLog(`kernel ${version} listening (${process.cwd()})`);
  return kernel;
}
