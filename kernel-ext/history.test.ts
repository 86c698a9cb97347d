import { test } from "node:test";
import assert from "node:assert/strict";
import { CURRENT_SESSION, History, globToRegExp } from "./history";

function filled(): History {
  const h = new History();
  ["x = 1", "y = x * 2", "x = 3", "print(x)", "x = 3"].forEach((code, i) => h.add(i + 1, code));
  h.setOutput(2, "2");
  return h;
}

test("tail returns the last n inputs in order, with outputs when asked", () => {
  const h = filled();
  assert.deepEqual(h.query({ hist_access_type: "tail", n: 2 }), [
    [CURRENT_SESSION, 4, "print(x)"],
    [CURRENT_SESSION, 5, "x = 3"],
  ]);
  assert.deepEqual(h.query({ hist_access_type: "tail", n: 4, output: true })[0], [CURRENT_SESSION, 2, ["y = x * 2", "2"]]);
  assert.deepEqual(h.query({ hist_access_type: "tail", n: 0 }), []);
});

test("range is [start, stop) within this session; other sessions are empty", () => {
  const h = filled();
  assert.deepEqual(h.query({ hist_access_type: "range", session: 0, start: 2, stop: 4 }).map((e) => e[1]), [2, 3]);
  assert.deepEqual(h.query({ hist_access_type: "range", session: CURRENT_SESSION, start: 5 }).map((e) => e[1]), [5]);
  assert.deepEqual(h.query({ hist_access_type: "range", session: -1, start: 1, stop: 9 }), []);
});

test("search matches globs, keeps the last n and dedupes with unique", () => {
  const h = filled();
  assert.deepEqual(h.query({ hist_access_type: "search", pattern: "x = *" }).map((e) => e[1]), [1, 3, 5]);
  assert.deepEqual(h.query({ hist_access_type: "search", pattern: "x = *", unique: true }).map((e) => e[2]), ["x = 1", "x = 3"]);
  assert.deepEqual(h.query({ hist_access_type: "search", pattern: "x = *", n: 1 }).map((e) => e[1]), [5]);
  assert.deepEqual(h.query({ hist_access_type: "search", pattern: "print(?)" }).map((e) => e[1]), [4]);
});

test("globs translate *, ? and classes and escape everything else", () => {
  assert.ok(globToRegExp("a*c").test("abbbc"));
  assert.ok(!globToRegExp("a?c").test("abbc"));
  assert.ok(globToRegExp("[xy]=1").test("y=1"));
  assert.ok(globToRegExp("[!xy]=1").test("z=1") && !globToRegExp("[!xy]=1").test("x=1"));
  assert.ok(globToRegExp("f(a.b)+").test("f(a.b)+") && !globToRegExp("f(a.b)+").test("f(aXb)+"));
});

test("bad requests name the problem", () => {
  const h = filled();
  assert.throws(() => h.query({ hist_access_type: "everything" }), /hist_access_type "everything" is not one of: tail, range, search/);
  assert.throws(() => h.query({ hist_access_type: "tail", n: -1 }), /n must be a non-negative integer/);
  assert.throws(() => h.query({ hist_access_type: "search" }), /search needs a pattern/);
});
