/**
 * How many threads TensorFlow computes one op with (its intra-op pool), chosen before tfjs-node
 * loads, since TensorFlow reads TF_NUM_INTRAOP_THREADS once, when its context is made.
 *
 * - TF_NUM_INTRAOP_THREADS set by the user: theirs, untouched.
 * - Two usable CPUs or fewer: one thread. Measured on a 2-core machine, handing an op over
 *   65,536 values to a second thread costs more than it saves: with one thread `train()` ran
 *   2.2× faster, an epoch of a small conv net on the digits 1.7× and gradientFlow 1.4×; only
 *   large products lost (ten 1024³ matMuls 1.6× slower). README, "Speed", has the table.
 * - More: one per usable CPU (TensorFlow's own default is one per core the machine has, which
 *   in a container with a CPU quota, such as a JupyterHub pod, oversubscribes the quota).
 *
 * Usable CPUs: the cores this process may run on, capped by the cgroup's CPU quota (v2
 * cpu.max or v1 cfs_quota_us / cfs_period_us), rounded up.
 */
import * as fs from "fs";
import * as os from "os";

export const THREADS_VARIABLE = "TF_NUM_INTRAOP_THREADS";

/** The CPU quota of this process's cgroup in CPUs, or undefined when there is none. */
export function cgroupCpuQuota(read: (path: string) => string | undefined = readOrUndefined): number | undefined {
  const v2 = read("/sys/fs/cgroup/cpu.max")?.trim().split(/\s+/);
  if (v2 && v2[0] !== "max") return quota(Number(v2[0]), Number(v2[1]));
  const v1Quota = read("/sys/fs/cgroup/cpu/cpu.cfs_quota_us");
  const v1Period = read("/sys/fs/cgroup/cpu/cpu.cfs_period_us");
  return v1Quota && v1Period ? quota(Number(v1Quota), Number(v1Period)) : undefined;
}

function quota(microseconds: number, period: number): number | undefined {
  return microseconds > 0 && period > 0 ? microseconds / period : undefined;
}

function readOrUndefined(path: string): string | undefined {
  try {
    return fs.readFileSync(path, "utf8");
  } catch {
    return undefined;
  }
}

export function usableCpus(cores = os.availableParallelism(), cpuQuota = cgroupCpuQuota()): number {
  return Math.max(1, Math.min(cores, cpuQuota === undefined ? cores : Math.ceil(cpuQuota)));
}

/** The intra-op thread count for the environment given: the user's setting, else the rule above. */
export function tensorflowThreadsFor(env: NodeJS.ProcessEnv, usable: number): { threads: number; chosenBy: "user" | "library" } {
  const set = Number(env[THREADS_VARIABLE]);
  if (env[THREADS_VARIABLE] !== undefined && Number.isInteger(set) && set > 0) return { threads: set, chosenBy: "user" };
  return { threads: usable <= 2 ? 1 : usable, chosenBy: "library" };
}

/**
 * Sets TF_NUM_INTRAOP_THREADS for the tfjs-node about to load (unless the user set it) and
 * returns the count TensorFlow will use. When tfjs-node was loaded before (the user required
 * it first), TensorFlow has made its pool already: nothing is set, and the count is what
 * TensorFlow chose then, the user's setting or one per core.
 */
export function configureTensorflowThreads(alreadyLoaded: boolean, env: NodeJS.ProcessEnv = process.env): number {
  const { threads, chosenBy } = tensorflowThreadsFor(env, usableCpus());
  if (alreadyLoaded) return chosenBy === "user" ? threads : os.cpus().length;
  if (chosenBy === "library") env[THREADS_VARIABLE] = String(threads);
  return threads;
}
