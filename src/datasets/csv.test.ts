/** loadCsv: numbers and named labels read through tfjs-data, and clear errors for what it cannot use. */
import { test, after } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { loadCsv } from "./csv";
import { digits } from "./digits";

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "al-csv-"));
after(() => fs.rmSync(dir, { recursive: true, force: true }));
const write = (name: string, text: string) => {
  const file = path.join(dir, name);
  fs.writeFileSync(file, text);
  return file;
};

test("the digits written as CSV load back as the same x and y", async () => {
  const d = digits();
  const header = [...Array.from({ length: 64 }, (_, j) => `p${j}`), "digit"].join(",");
  const lines = Array.from({ length: 50 }, (_, i) => [...d.x.subarray(i * 64, (i + 1) * 64), d.y[i]].join(","));
  const csv = await loadCsv(write("digits.csv", [header, ...lines].join("\n")), { label: "digit" });
  assert.deepEqual(csv.shape, [50, 64]);
  assert.deepEqual(csv.x, d.x.slice(0, 50 * 64));
  assert.deepEqual(csv.y, d.y.slice(0, 50));
  assert.equal(csv.classes, null);
});

test("named labels become sorted class indices; features can be chosen and reordered", async () => {
  const file = write("flowers.csv", "petal,sepal,species\n1.5,3,virginica\n0.2,2.5,setosa\n1.1,2.8,versicolor\n0.3,2.9,setosa\n");
  const csv = await loadCsv(file, { label: "species", features: ["sepal", "petal"] });
  assert.deepEqual(csv.classes, ["setosa", "versicolor", "virginica"]);
  assert.deepEqual(Array.from(csv.y), [2, 0, 1, 0]);
  assert.deepEqual(Array.from(csv.x), [3, 1.5, 2.5, 0.2, 2.8, 1.1, 2.9, 0.3].map(Math.fround));
  const semicolons = await loadCsv(write("semi.csv", "1;2;0\n3;4;1\n"), { label: "c", hasHeader: false, columnNames: ["a", "b", "c"], delimiter: ";" });
  assert.deepEqual(Array.from(semicolons.x), [1, 2, 3, 4]);
});

test("what it cannot use is named: missing label column, empty or non-numeric cells, no file", async () => {
  const file = write("bad.csv", "a,b,label\n1,2,0\n3,,1\n");
  await assert.rejects(loadCsv(file, { label: "target" }), /no column "target" to use as the label; columns: a, b, label/);
  await assert.rejects(loadCsv(file, { label: "label" }), /column "b" in data row 2 is empty; features must be finite numbers/);
  await assert.rejects(loadCsv(write("text.csv", "a,label\nx,0\n"), { label: "label" }), /column "a" in data row 1 is "x"/);
  await assert.rejects(loadCsv(path.join(dir, "none.csv"), { label: "a" }), /no file at/);
  await assert.rejects(loadCsv(file, { label: "label", features: ["c"] }), /"c" is not a feature column; columns: a, b/);
});
