import { test } from "node:test";
import assert from "node:assert/strict";
import { currentParent } from "./channel";
import { DispatchTable, numberField, replyContent, stringField } from "./dispatch";
import { WireMessage, newHeader } from "./wire";

process.env.ACTIVATION_LAB_QUIET = "1"; // the unsupported-request log line is expected here

function request(msgType: string, content: Record<string, unknown> = {}): WireMessage {
  return { identities: [], header: newHeader(msgType, "s"), parent_header: {}, metadata: {}, content, buffers: [] };
}

function table(handlers: ConstructorParameters<typeof DispatchTable<string>>[0]) {
  const events: string[] = [];
  const dispatch = new DispatchTable<string>(handlers, (state, parent) => events.push(`${state}:${parent.msg_type}`));
  return { dispatch, events };
}

test("a request goes to the handler its msg_type names, between busy and idle, as the parent of what it publishes", async () => {
  const msg = request("comm_info_request");
  let seen: { socket: string; parent: unknown } | undefined;
  const { dispatch, events } = table({
    comm_info_request: async (socket) => {
      events.push("handler");
      await new Promise((resolve) => setImmediate(resolve));
      seen = { socket, parent: currentParent() };
    },
  });
  await dispatch.serve("shell", msg);
  assert.deepEqual(events, ["busy:comm_info_request", "handler", "idle:comm_info_request"]);
  assert.equal(seen?.socket, "shell");
  assert.equal(seen?.parent, msg.header, "the parent survives the handler's await");
});

test("an unknown msg_type gets busy and idle but no handler runs (as today: logged, not answered)", async () => {
  let calls = 0;
  const { dispatch, events } = table({ kernel_info_request: () => void calls++ });
  for (const type of ["no_such_request", "toString", "constructor", "__proto__"]) await dispatch.serve("shell", request(type));
  assert.equal(calls, 0);
  assert.equal(dispatch.handles("kernel_info_request"), true);
  for (const type of ["no_such_request", "toString", "constructor", "__proto__"]) assert.equal(dispatch.handles(type), false, type);
  assert.deepEqual(events, ["no_such_request", "toString", "constructor", "__proto__"].flatMap((t) => [`busy:${t}`, `idle:${t}`]));
});

test("a handler that throws or rejects still ends in idle, and serve does not throw", async () => {
  const { dispatch, events } = table({
    inspect_request: () => {
      throw new Error("sync failure");
    },
    complete_request: async () => {
      throw new Error("async failure");
    },
  });
  await dispatch.serve("shell", request("inspect_request"));
  await dispatch.serve("shell", request("complete_request"));
  assert.deepEqual(events, ["busy:inspect_request", "idle:inspect_request", "busy:complete_request", "idle:complete_request"]);
});

test("replyContent: the computed fields with status ok, or an error reply naming the problem", () => {
  assert.deepEqual(
    replyContent(() => ({ matches: ["a"] })),
    { status: "ok", matches: ["a"] },
  );
  const failed = replyContent(() => stringField({ code: 3 }, "code"));
  assert.deepEqual(failed, { status: "error", ename: "TypeError", evalue: "code must be a string", traceback: ["code must be a string"] });
  assert.throws(() => numberField({ cursor_pos: Number.NaN }, "cursor_pos"), /cursor_pos must be a number/);
  assert.equal(numberField({ cursor_pos: 4 }, "cursor_pos"), 4);
});
