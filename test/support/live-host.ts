/**
 * Live hosts for tests: a computation's progress bars report to the test, and an interrupt is
 * requested at a chosen moment, as the kernel's interrupt button would request it.
 */
import { requestInterrupt, setLiveHost } from "../../src/live";

export interface ProgressEvents {
  open?(label: string, total: number): void;
  update?(done: number, message?: string): void;
  close?(ok: boolean): void;
}

/** Runs `body` with a live host whose progress bars report to `events`; the host goes however `body` ends. */
export async function withProgress<T>(events: ProgressEvents, body: () => Promise<T>): Promise<T> {
  setLiveHost({
    explore: () => undefined,
    gradientHistograms: () => undefined,
    progress: (label, total) => {
      events.open?.(label, total);
      return { update: (done, message) => events.update?.(done, message), close: (ok = true) => events.close?.(ok) };
    },
  });
  try {
    return await body();
  } finally {
    setLiveHost(undefined);
  }
}

/** What an interrupted computation returned, and when the interrupt was requested (Date.now(); 0 if never). */
export interface Interrupted<T> {
  result: T;
  askedAt: number;
}

/** Runs `body`, requesting an interrupt the first time one of its progress bars reaches `step`. */
export async function interruptAtStep<T>(step: number, body: () => Promise<T>): Promise<Interrupted<T>> {
  let askedAt = 0;
  const result = await withProgress(
    {
      update: (done) => {
        if (done === step && !askedAt) {
          askedAt = Date.now();
          requestInterrupt();
        }
      },
    },
    body,
  );
  return { result, askedAt };
}

/** Runs `body`, requesting an interrupt `ms` after it starts (for work with no progress bar to watch). */
export async function interruptAfter<T>(ms: number, body: () => Promise<T>): Promise<Interrupted<T>> {
  let askedAt = 0;
  const timer = setTimeout(() => {
    askedAt = Date.now();
    requestInterrupt();
  }, ms);
  try {
    return { result: await body(), askedAt };
  } finally {
    clearTimeout(timer);
  }
}
