/**
 * The kernel's own log: the real stderr of the kernel process (Jupyter's server log), captured
 * before the kernel redirects process.stderr to notebook outputs. Problems with incoming
 * messages are reported here, not in the user's notebook.
 */
const realStderrWrite = process.stderr.write.bind(process.stderr);

export function kernelLog(line: string): void {
  if (process.env.ACTIVATION_LAB_QUIET === "1") return;
  realStderrWrite(`[activation-lab] ${line}\n`);
}
