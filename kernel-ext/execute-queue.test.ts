import { test } from "node:test";
import assert from "node:assert/strict";
import { ExecuteQueue } from "./execute-queue";

process.env.ACTIVATION_LAB_QUIET = "1"; // the failing run's log line is expected here

const turn = () => new Promise((resolve) => setImmediate(resolve));

/** A promise the test resolves by hand. */
function gate(): { promise: Promise<void>; open: () => void } {
  let open!: () => void;
  const promise = new Promise<void>((resolve) => (open = resolve));
  return { promise, open };
}

test("requests run one at a time, in the order they arrived", async () => {
  const queue = new ExecuteQueue();
  const log: string[] = [];
  const first = gate();
  queue.enqueue(async () => {
    log.push("1 start");
    await first.promise;
    log.push("1 end");
  });
  queue.enqueue(async () => {
    log.push("2 start");
    log.push("2 end");
  });
  for (let i = 0; i < 5; i++) await turn();
  assert.deepEqual(log, ["1 start"], "the second waits for the first");
  first.open();
  for (let i = 0; i < 5; i++) await turn();
  assert.deepEqual(log, ["1 start", "1 end", "2 start", "2 end"]);
});

test("a failing request aborts those queued behind it, not those that arrive later", async () => {
  const queue = new ExecuteQueue();
  const seen: [string, boolean][] = [];
  const failing = gate();
  queue.enqueue(async (aborted) => {
    seen.push(["fails", aborted]);
    await failing.promise;
    queue.abortQueued();
  });
  queue.enqueue(async (aborted) => void seen.push(["queued 1", aborted]));
  queue.enqueue(async (aborted) => void seen.push(["queued 2", aborted]));
  failing.open();
  for (let i = 0; i < 5; i++) await turn();
  queue.enqueue(async (aborted) => void seen.push(["later", aborted]));
  for (let i = 0; i < 5; i++) await turn();
  assert.deepEqual(seen, [
    ["fails", false],
    ["queued 1", true],
    ["queued 2", true],
    ["later", false],
  ]);
});

test("a run that throws does not stop the queue", async () => {
  const queue = new ExecuteQueue();
  const ran: number[] = [];
  queue.enqueue(async () => {
    throw new Error("boom");
  });
  queue.enqueue(async () => void ran.push(2));
  for (let i = 0; i < 5; i++) await turn();
  assert.deepEqual(ran, [2]);
});

test("interruptedSince sees only interrupts after it was taken", () => {
  const queue = new ExecuteQueue();
  queue.interrupt(); // one that came while idle
  const interrupted = queue.interruptedSince();
  assert.equal(interrupted(), false);
  queue.interrupt();
  assert.equal(interrupted(), true);
  assert.equal(queue.interruptedSince()(), false, "a cell starting now is not interrupted");
});
