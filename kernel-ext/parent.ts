/**
 * A kernel outlives its Jupyter server when the server exits without shutting its kernels
 * down: jupyter_server does so on SIGINT without a terminal (JupyterHub's local spawners stop a
 * user's server with SIGINT), on SIGKILL, or when it crashes. jupyter_client tells a kernel its
 * server's pid in JPY_PARENT_PID (POSIX) and ipykernel polls it; this is the same for our
 * kernel, so a stopped server leaves no node process behind.
 */
import * as fs from "fs";

/** The live parent pid from /proc (Node's process.ppid is read once, at start-up); undefined off Linux. */
function liveParentPid(): number | undefined {
  try {
    // "pid (comm) state ppid …"; comm may hold spaces or parentheses, so read after the last ")".
    const stat = fs.readFileSync("/proc/self/stat", "utf8");
    const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
    return Number.isInteger(ppid) ? ppid : undefined;
  } catch {
    return undefined;
  }
}

/** Whether `parentPid` is no longer this process's parent (it exited and the process was re-parented). */
export function parentGone(parentPid: number): boolean {
  const live = liveParentPid();
  if (live !== undefined) return live !== parentPid;
  try {
    process.kill(parentPid, 0);
    return false;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "ESRCH";
  }
}

/**
 * The process to watch when a Jupyter server started this one (it sets JPY_PARENT_PID), or
 * undefined when there is none (started by hand; Windows, where it is a handle; pid 1, which
 * never exits). On Linux it is the live parent at start-up, which is the server itself unless
 * a wrapper (a shell in the kernelspec) stands between them; elsewhere the pid it names.
 */
export function parentToWatch(env: NodeJS.ProcessEnv = process.env): number | undefined {
  if (process.platform === "win32") return undefined;
  const named = Number(env.JPY_PARENT_PID);
  if (!Number.isInteger(named) || named <= 1) return undefined;
  const live = liveParentPid() ?? named;
  return live > 1 ? live : undefined;
}

/** Calls `onGone` once `parentPid` has exited, checking every `intervalMs`; returns a stop function. */
export function watchParent(parentPid: number, onGone: () => void, intervalMs = 1000): () => void {
  const timer = setInterval(() => {
    if (!parentGone(parentPid)) return;
    clearInterval(timer);
    onGone();
  }, intervalMs);
  timer.unref(); // the watch alone must not keep a finished process alive
  return () => clearInterval(timer);
}
