/** Interrupt checks for long experiment loops (the kernel's interrupt reaches them through src/live). */
import { takeInterrupt, yieldToEventLoop } from "../live";

/**
 * Called between layers or steps; resolves true when the run should stop. It yields to the event
 * loop (so the kernel sees an interrupt request) only every ~100 ms, which costs nothing
 * measurable and bounds the reaction time on networks of any size.
 */
export type Checkpoint = () => Promise<boolean>;

export function interruptCheckpoint(everyMs = 100): Checkpoint {
  let last = Date.now();
  return async () => {
    if (Date.now() - last < everyMs) return false;
    await yieldToEventLoop();
    last = Date.now();
    return takeInterrupt();
  };
}

