/**
 * Execute requests run one at a time, in the order they arrived. When a cell fails, the
 * requests already queued behind it are aborted, as in ipykernel (the client asked for them
 * assuming the earlier cell worked); requests arriving later run normally. Interrupts are
 * counted so that a cell can tell whether one came while it ran.
 */
import { kernelLog } from "./log";

/** Runs one queued request; `aborted` is true when an earlier cell failed after it was queued. */
export type QueuedRun = (aborted: boolean) => Promise<void>;

export class ExecuteQueue {
  private chain: Promise<void> = Promise.resolve();
  private arrivals = 0;
  /** Requests that arrived up to this number are aborted. */
  private abortThrough = 0;
  private interrupts = 0;

  enqueue(run: QueuedRun): void {
    const arrival = ++this.arrivals;
    this.chain = this.chain.then(() => run(arrival <= this.abortThrough)).catch((e) => kernelLog(`execute failed: ${(e as Error)?.stack ?? e}`));
  }

  /** Aborts every request queued so far (called by the failing cell, before its reply). */
  abortQueued(): void {
    this.abortThrough = this.arrivals;
  }

  interrupt(): void {
    this.interrupts++;
  }

  /** A test for "an interrupt arrived since now" (a cell takes one as it begins). */
  interruptedSince(): () => boolean {
    const before = this.interrupts;
    return () => this.interrupts > before;
  }
}
