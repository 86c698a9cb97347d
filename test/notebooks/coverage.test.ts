/**
 * The curated notebooks cover every claim of CLAIMS.md with a computation, and each has the
 * shape a reader relies on: the question it answers, the claims it demonstrates, an
 * interview answer and self-check questions with collapsible answers, and (saved with
 * outputs) a verified claim card for every claim it names.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import * as path from "path";
import { claimIds, computedClaims, indexedNotebooks, namedClaims, notebookFiles, readNotebook, savedClaimCards, text, type Cell } from "./notebooks";

const claims = claimIds();
const files = notebookFiles();

test("CLAIMS.md lists C1–C29", () => {
  assert.deepEqual(claims, Array.from({ length: 29 }, (_, i) => `C${i + 1}`));
});

test("notebooks/README.md indexes exactly the notebooks there are", () => {
  assert.ok(files.length >= 16, `the curated set has its 16 themes at least, found ${files.length}`);
  assert.deepEqual([...indexedNotebooks()].sort(), files.map((f) => path.basename(f)));
});

for (const file of files) {
  const name = path.basename(file);
  test(`${name}: shape and claims`, () => {
    const nb = readNotebook(file);
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

    const code = nb.cells.filter((c) => c.cell_type === "code").map((c) => text(c.source)).join("\n");
    assert.doesNotMatch(code, /function report\(/, "numbers go through claim(), not a private report() helper");

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

    // saved with outputs (npm run report): no error outputs, and a verified card for every named claim
    const outputs = nb.cells.flatMap((c) => c.outputs ?? []);
    assert.ok(outputs.length > 0, "saved with its outputs");
    assert.deepEqual(outputs.filter((o) => o.output_type === "error").map((o) => `${o.ename}: ${o.evalue}`), []);
    const cards = savedClaimCards(nb);
    for (const id of named) assert.ok(cards.some((c) => c.id === id), `the saved outputs show a claim card for ${id}`);
    for (const c of cards) assert.ok(c.verdict === "holds" || c.verdict === "partly", `${c.id} card verdict: ${c.verdict}`);
  });
}

test("every claim C1–C29 is named, computed and shown as a verified card by at least one notebook", () => {
  const covered = new Set<string>();
  for (const file of files) {
    const nb = readNotebook(file);
    const computed = new Set(nb.cells.flatMap(computedClaims));
    const carded = new Set(savedClaimCards(nb).map((c) => c.id));
    for (const id of namedClaims(nb)) if (computed.has(id) && carded.has(id)) covered.add(id);
  }
  const missing = claims.filter((id) => !covered.has(id));
  assert.deepEqual(missing, [], `claims without a notebook showing them verified: ${missing.join(", ")}`);
});

test("the computed-claims parser reads claim comments and ignores comment-only cells", () => {
  const cell = (source: string): Cell => ({ cell_type: "code", source });
  assert.deepEqual(computedClaims(cell("// C9 + C12: text\nconst x = 1;")), ["C9", "C12"]);
  assert.deepEqual(computedClaims(cell("// C3, C4: ranges\nf();")), ["C3", "C4"]);
  assert.deepEqual(computedClaims(cell("// C7 only a comment")), []);
  assert.deepEqual(computedClaims({ cell_type: "markdown", source: "// C1\nx" }), []);
});
