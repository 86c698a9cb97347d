import { test } from "node:test";
import assert from "node:assert/strict";
import { createHmac } from "crypto";
import { decodeMessage, encodeMessage, newHeader } from "./wire";

const KEY = "secret-key";

test("encode → decode round-trips header, content and raw buffers", () => {
  const header = newHeader("comm_msg", "session-1");
  const parent = newHeader("execute_request", "session-0");
  const floats = new Float32Array([1.5, -2]);
  const frames = encodeMessage({ identities: [Buffer.from("peer")], header, parent_header: parent, content: { a: [1, "b"] }, buffers: [floats] }, KEY);
  const msg = decodeMessage(frames, KEY);
  assert.deepEqual(msg.identities.map(String), ["peer"]);
  assert.deepEqual(msg.header, header);
  assert.deepEqual(msg.parent_header, parent);
  assert.deepEqual(msg.content, { a: [1, "b"] });
  assert.deepEqual(Array.from(new Float32Array(new Uint8Array(msg.buffers[0]).buffer)), [1.5, -2]);
});

test("the signature is HMAC-SHA256 over the four JSON frames (buffers excluded), as Jupyter specifies", () => {
  const frames = encodeMessage({ header: newHeader("status", "s"), content: { execution_state: "idle" }, buffers: [new Uint8Array([9])] }, KEY);
  const at = frames.findIndex((f) => f.toString() === "<IDS|MSG>");
  const hmac = createHmac("sha256", KEY);
  frames.slice(at + 2, at + 6).forEach((f) => hmac.update(f));
  assert.equal(frames[at + 1].toString(), hmac.digest("hex"));
  assert.equal(frames.length, at + 7);
});

test("bad frames are rejected with a reason", () => {
  const good = encodeMessage({ header: newHeader("kernel_info_request", "s"), content: {} }, KEY);
  assert.throws(() => decodeMessage(good.slice(1), KEY), /no <IDS\|MSG> delimiter/);
  assert.throws(() => decodeMessage(good, "other-key"), /signature does not match/);
  assert.throws(() => decodeMessage(good.slice(0, 4), KEY), /of the 4 JSON frames/);
  const tampered = [...good];
  tampered[5] = Buffer.from("[1, 2]");
  const hmac = createHmac("sha256", KEY);
  tampered.slice(2, 6).forEach((f) => hmac.update(f));
  tampered[1] = Buffer.from(hmac.digest("hex"));
  assert.throws(() => decodeMessage(tampered, KEY), /content is not a JSON object/);
  // An empty key means unsigned messages (Jupyter's convention).
  assert.doesNotThrow(() => decodeMessage(encodeMessage({ header: newHeader("x", "s"), content: {} }, ""), ""));
});
