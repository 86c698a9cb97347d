/**
 * The failed tests in a node:test TAP report, each with the first lines of its error. `npm test`
 * prints them in its summary because a long log is often read from its tail only (a CI page),
 * where the spec reporter's account of the failure, hundreds of lines up, is out of sight.
 */
"use strict";

const MAX_DETAIL_LINES = 40;
const STACK_LINES = 3;

/** [{ name, detail: string[] }] for every failed test; a suite failed only by its tests is not repeated. */
function failures(tap) {
  const lines = tap.split("\n");
  const out = [];
  for (let i = 0; i < lines.length; i++) {
    const m = /^(\s*)not ok \d+ - (.*?)(?: # .*)?$/.exec(lines[i]);
    if (!m) continue;
    const block = [];
    if (lines[i + 1]?.trim() === "---") {
      for (let j = i + 2; j < lines.length && lines[j].trim() !== "..."; j++) block.push(lines[j].slice(m[1].length + 2));
    }
    if (block.some((l) => l.includes("failureType: 'subtestsFailed'"))) continue;
    const detail = readable(block);
    out.push({ name: m[2], detail: detail.length ? detail : ["(the TAP report gives no details: see this test in the output above)"] });
  }
  return out;
}

/** The YAML block without timings and locations, and the stack cut to its first frames. */
function readable(block) {
  const kept = [];
  let stack = -1;
  for (const line of block) {
    if (/^(duration_ms|location|type|failureType|code):/.test(line)) continue;
    if (line.startsWith("stack:")) stack = 0;
    else if (stack >= 0 && /^\S/.test(line)) stack = -1;
    if (stack >= 0 && stack++ > STACK_LINES) continue;
    kept.push(line);
  }
  return kept.length > MAX_DETAIL_LINES ? [...kept.slice(0, MAX_DETAIL_LINES), `… ${kept.length - MAX_DETAIL_LINES} more lines`] : kept;
}

module.exports = { failures };
