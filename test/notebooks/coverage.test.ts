/**
 * The curated notebooks cover every claim of CLAIMS.md with a computation, and each has the
 * shape a reader relies on: the question it answers, the claims it demonstrates, an
 * interview answer and self-check questions with collapsible answers.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "fs";
import * as path from "path";

const repoRoot = path.resolve(__dirname, "..", "..", "..");
const notebooksDir = path.join(repoRoot, "notebooks");

interface Cell {
  cell_type: "markdown" | "code" | "raw";
  source: string | string[];
  outputs?: { output_type: string; text?: string | string[]; ename?: string; evalue?: string }[];
}
interface Notebook {
  cells: Cell[];
  metadata: { kernelspec?: { name?: string; display_name?: string; language?: string } };
}

const text = (s: string | string[] | undefined) => (Array.isArray(s) ? s.join("") : (s ?? ""));

/** The claim ids of CLAIMS.md, from the shared copy or the one kept beside the notebooks. */
export function claimIds(): string[] {
  const shared = path.resolve(repoRoot, "..", "shared", "CLAIMS.md");
  const file = fs.existsSync(shared) ? shared : path.join(notebooksDir, "CLAIMS.md");
  const ids = [...fs.readFileSync(file, "utf8").matchAll(/^- (C\d+) /gm)].map((m) => m[1]);
  return ids;
}

export function notebookFiles(): string[] {
  return fs
    .readdirSync(notebooksDir)
    .filter((f) => f.endsWith(".ipynb"))
    .sort()
    .map((f) => path.join(notebooksDir, f));
}

/** The claims a notebook names on its "**Claims:** C3, C5" line. */
export function namedClaims(nb: Notebook): string[] {
  for (const c of nb.cells) {
    if (c.cell_type !== "markdown") continue;
    const m = /\*\*Claims:\*\*([^\n]*)/.exec(text(c.source));
    if (m) return [...m[1].matchAll(/C\d+/g)].map((x) => x[0]);
  }
  return [];
}

/** Claims a code cell computes: named in a `// C7` (or `// C7 + C12`, `// C3, C4`) comment of a cell with real code. */
export function computedClaims(cell: Cell): string[] {
  if (cell.cell_type !== "code") return [];
  const src = text(cell.source);
  const code = src.split("\n").filter((l) => l.trim() !== "" && !l.trim().startsWith("//"));
  if (code.length === 0) return [];
  const out = new Set<string>();
  for (const line of src.split("\n")) {
    const m = /\/\/\s*((?:C\d+\b[\s,+&and]*)+)/.exec(line);
    if (m) for (const id of m[1].match(/C\d+/g) ?? []) out.add(id);
  }
  return [...out];
}

const claims = claimIds();
const files = notebookFiles();

test("CLAIMS.md lists C1–C29", () => {
  assert.deepEqual(claims, Array.from({ length: 29 }, (_, i) => `C${i + 1}`));
});

test("there is one notebook per theme (16)", () => {
  assert.equal(files.length, 16, files.map((f) => path.basename(f)).join(", "));
});

for (const file of files) {
  const name = path.basename(file);
  test(`${name}: shape and claims`, () => {
    const nb = JSON.parse(fs.readFileSync(file, "utf8")) as Notebook;
    assert.equal(nb.metadata.kernelspec?.name, "activation-lab");
    assert.equal(nb.metadata.kernelspec?.display_name, "TypeScript (activation-lab)");
    assert.equal(nb.metadata.kernelspec?.language, "typescript");

    const first = nb.cells[0];
    assert.equal(first.cell_type, "markdown", "opens with a markdown cell");
    const question = /\*\*Question:\*\*([^\n]*)/.exec(text(first.source));
    assert.ok(question, "the first cell states the question it answers");
    assert.match(question[1], /\?\s*$/, "the question ends with a question mark");

    const named = namedClaims(nb);
    assert.ok(named.length > 0, "names the claims it demonstrates");
    for (const id of named) assert.ok(claims.includes(id), `${id} is a claim of CLAIMS.md`);
    const computed = new Set(nb.cells.flatMap(computedClaims));
    for (const id of named) assert.ok(computed.has(id), `a code cell computes ${id} (a "// ${id}" comment on real code)`);

    const markdown = nb.cells.filter((c) => c.cell_type === "markdown").map((c) => text(c.source));
    const interview = markdown.findIndex((m) => /^## Interview answer/m.test(m));
    const selfCheck = markdown.findIndex((m) => /^## Self-check/m.test(m));
    assert.ok(interview >= 0, "has an interview answer");
    assert.ok(selfCheck >= interview, "self-check questions follow the interview answer");
    const checks = markdown.slice(selfCheck).join("\n");
    const opens = (checks.match(/<details>/g) ?? []).length;
    assert.ok(opens >= 2, "at least two self-check questions with answers in <details>");
    assert.equal(opens, (checks.match(/<\/details>/g) ?? []).length, "every <details> is closed");
    assert.equal(opens, (checks.match(/<summary>Answer<\/summary>/g) ?? []).length, "every answer is collapsed under a summary");

    // a notebook saved with outputs: no error outputs, and every named claim printed a result
    const outputs = nb.cells.flatMap((c) => c.outputs ?? []);
    assert.deepEqual(outputs.filter((o) => o.output_type === "error").map((o) => `${o.ename}: ${o.evalue}`), []);
    if (outputs.length > 0) {
      const printed = outputs.map((o) => text(o.text)).join("");
      for (const id of named) assert.match(printed, new RegExp(`^\\[${id}\\] `, "m"), `the saved outputs show a [${id}] result`);
    }
  });
}

test("every claim C1–C29 is named and computed by at least one notebook", () => {
  const covered = new Map<string, string[]>();
  for (const file of files) {
    const nb = JSON.parse(fs.readFileSync(file, "utf8")) as Notebook;
    const computed = new Set(nb.cells.flatMap(computedClaims));
    for (const id of namedClaims(nb)) if (computed.has(id)) covered.set(id, [...(covered.get(id) ?? []), path.basename(file)]);
  }
  const missing = claims.filter((id) => !covered.has(id));
  assert.deepEqual(missing, [], `claims without a notebook computing them: ${missing.join(", ")}`);
});

test("the computed-claims parser reads claim comments and ignores comment-only cells", () => {
  const cell = (source: string): Cell => ({ cell_type: "code", source });
  assert.deepEqual(computedClaims(cell("// C9 + C12: text\nconst x = 1;")), ["C9", "C12"]);
  assert.deepEqual(computedClaims(cell("// C3, C4: ranges\nf();")), ["C3", "C4"]);
  assert.deepEqual(computedClaims(cell("// C7 only a comment")), []);
  assert.deepEqual(computedClaims({ cell_type: "markdown", source: "// C1\nx" }), []);
});
