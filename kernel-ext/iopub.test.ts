import { test } from "node:test";
import assert from "node:assert/strict";
import { Header } from "./channel";
import { IopubBatcher } from "./iopub";
import { newHeader } from "./wire";

interface Sent {
  msgType: string;
  content: Record<string, unknown>;
  parent?: Header;
}

/** A batcher whose end-of-turn flushes run only when the test says so. */
function recorder(): { batcher: IopubBatcher; sent: Sent[]; endTurn: () => void; scheduled: () => number } {
  const sent: Sent[] = [];
  let queued: (() => void)[] = [];
  let scheduledCount = 0;
  const batcher = new IopubBatcher(
    (msgType, content, parent) => sent.push({ msgType, content, parent }),
    (flush) => {
      scheduledCount++;
      queued.push(flush);
    },
  );
  const endTurn = () => {
    const now = queued;
    queued = [];
    now.forEach((f) => f());
  };
  return { batcher, sent, endTurn, scheduled: () => scheduledCount };
}

const cellA = newHeader("execute_request", "s");
const cellB = newHeader("execute_request", "s");

test("writes to one stream of one request in one turn become a single stream message", () => {
  const { batcher, sent, endTurn, scheduled } = recorder();
  for (let i = 0; i < 100; i++) batcher.write(cellA, "stdout", `${i}\n`);
  assert.equal(sent.length, 0, "nothing leaves before the turn ends");
  assert.equal(scheduled(), 1, "one flush per turn, however many writes");
  endTurn();
  assert.equal(sent.length, 1);
  assert.equal(sent[0].msgType, "stream");
  assert.deepEqual(sent[0].content, { name: "stdout", text: Array.from({ length: 100 }, (_, i) => `${i}\n`).join("") });
  assert.equal(sent[0].parent, cellA);
  batcher.write(cellA, "stdout", "next turn");
  assert.equal(scheduled(), 2, "a write after the flush schedules the next one");
});

test("a change of stream or of request sends what came before first, so the order is kept", () => {
  const { batcher, sent, endTurn } = recorder();
  batcher.write(cellA, "stdout", "a1 ");
  batcher.write(cellA, "stdout", "a2 ");
  batcher.write(cellA, "stderr", "warn ");
  batcher.write(cellB, "stderr", "b ");
  batcher.write(cellA, "stdout", "a3");
  endTurn();
  assert.deepEqual(
    sent.map((m) => [m.parent?.msg_id, m.content.name, m.content.text]),
    [
      [cellA.msg_id, "stdout", "a1 a2 "],
      [cellA.msg_id, "stderr", "warn "],
      [cellB.msg_id, "stderr", "b "],
      [cellA.msg_id, "stdout", "a3"],
    ],
  );
});

test("any other message, status included, goes out after the stream output printed before it", () => {
  const { batcher, sent, endTurn } = recorder();
  batcher.write(cellA, "stdout", "before the chart");
  batcher.publish("display_data", { data: { "text/plain": "chart" } }, cellA);
  batcher.write(cellA, "stdout", "after the chart");
  batcher.status("idle", cellA);
  endTurn();
  assert.deepEqual(
    sent.map((m) => m.msgType),
    ["stream", "display_data", "stream", "status"],
  );
  assert.equal(sent[0].content.text, "before the chart");
  assert.equal(sent[2].content.text, "after the chart");
  assert.deepEqual(sent[3].content, { execution_state: "idle" });
});

test("flushing with nothing pending sends nothing", () => {
  const { batcher, sent, endTurn } = recorder();
  batcher.flush();
  batcher.write(cellA, "stdout", "x");
  batcher.flush();
  endTurn(); // the scheduled flush finds the text already sent
  assert.equal(sent.length, 1);
});

test("by default the flush runs at the end of the event-loop turn", async () => {
  const sent: string[] = [];
  const batcher = new IopubBatcher((msgType, content) => sent.push(`${msgType}:${String(content.text)}`));
  batcher.write(cellA, "stdout", "a");
  batcher.write(cellA, "stdout", "b");
  assert.deepEqual(sent, []);
  await new Promise((resolve) => setImmediate(resolve));
  assert.deepEqual(sent, ["stream:ab"]);
});
