/** The shipped digits: counts and values as published (UCI; scikit-learn's load_digits). */
import { test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import { datasets } from ".";
import { DIGITS_FILE } from "./digits";

test("1,797 images of 64 pixels, ten classes with the published counts", () => {
  const d = datasets.digits();
  assert.equal(d.n, 1797);
  assert.deepEqual(d.shape, [1797, 64]);
  assert.equal(d.x.length, 1797 * 64);
  assert.equal(d.y.length, 1797);
  const counts = Array.from({ length: 10 }, (_, c) => d.y.filter((v) => v === c).length);
  // The class counts of the UCI test set, as scikit-learn documents for load_digits.
  assert.deepEqual(counts, [178, 182, 177, 183, 181, 182, 181, 179, 174, 180]);
});

test("pixels are integers 0–16, both ends present; normalize divides by 16", () => {
  const d = datasets.digits();
  let min = Infinity;
  let max = -Infinity;
  for (const v of d.x) {
    assert.ok(Number.isInteger(v));
    min = Math.min(min, v);
    max = Math.max(max, v);
  }
  assert.deepEqual([min, max], [0, 16]);
  const n = datasets.digits({ normalize: true });
  assert.ok(n.x.every((v, i) => Math.abs(v - d.x[i] / 16) < 1e-7));
});

test("the first image is the 0 of the published data set, also as an 8×8×1 image", () => {
  const first = [0, 0, 5, 13, 9, 1, 0, 0, 0, 0, 13, 15, 10, 15, 5, 0, 0, 3, 15, 2, 0, 11, 8, 0, 0, 4, 12, 0, 0, 8, 8, 0, 0, 5, 8, 0, 0, 9, 8, 0, 0, 4, 11, 0, 1, 12, 7, 0, 0, 2, 14, 5, 10, 12, 0, 0, 0, 0, 6, 13, 10, 0, 0, 0];
  const d = datasets.digits({ shape: "image" });
  assert.deepEqual(d.shape, [1797, 8, 8, 1]);
  assert.deepEqual(Array.from(d.x.subarray(0, 64)), first);
  assert.equal(d.y[0], 0);
  assert.equal(d.y[1796], 8);
});

test("ships as a file the package includes, with its attribution", () => {
  assert.ok(fs.existsSync(DIGITS_FILE));
  const pkg = JSON.parse(fs.readFileSync(`${__dirname}/../../../package.json`, "utf8"));
  assert.ok(pkg.files.includes("data/"), "package.json files lists data/");
  assert.match(fs.readFileSync(`${__dirname}/../../../data/digits/LICENSE.md`, "utf8"), /CC BY 4\.0/);
});

test("bad options name the valid ones", () => {
  assert.throws(() => datasets.digits({ shape: "square" as never }), /shape must be "flat".*"image"/);
  assert.throws(() => datasets.digits({ scale: 2 } as never), /unknown option "scale"; valid options: shape, normalize/);
});
