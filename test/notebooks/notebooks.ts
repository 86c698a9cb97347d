/**
 * Reading the curated notebooks as files: which claims each names and computes, the claim
 * cards saved in its outputs, and the index in notebooks/README.md. Shared by the shape
 * test (saved notebooks) and the execution test (notebooks run headless).
 */
import * as fs from "fs";
import * as path from "path";
import { CLAIM_MIME } from "../../src/evidence/claim";

export const repoRoot = path.resolve(__dirname, "..", "..", "..");
export const notebooksDir = path.join(repoRoot, "notebooks");

export interface Output {
  output_type: string;
  text?: string | string[];
  ename?: string;
  evalue?: string;
  data?: Record<string, unknown>;
}
export interface Cell {
  cell_type: "markdown" | "code" | "raw";
  source: string | string[];
  outputs?: Output[];
}
export interface Notebook {
  cells: Cell[];
  metadata: { kernelspec?: { name?: string; display_name?: string; language?: string } };
}
export interface ClaimCard {
  id: string;
  says: string;
  verdict: string;
  measured: Record<string, unknown>;
}

export const text = (s: string | string[] | undefined) => (Array.isArray(s) ? s.join("") : (s ?? ""));

export function readNotebook(file: string): Notebook {
  return JSON.parse(fs.readFileSync(file, "utf8")) as Notebook;
}

/** The claim ids of CLAIMS.md, from the shared copy or the one kept beside the notebooks. */
export function claimIds(): string[] {
  const shared = path.resolve(repoRoot, "..", "shared", "CLAIMS.md");
  const file = fs.existsSync(shared) ? shared : path.join(notebooksDir, "CLAIMS.md");
  return [...fs.readFileSync(file, "utf8").matchAll(/^- (C\d+) /gm)].map((m) => m[1]);
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

/** Claim cards in a notebook's saved outputs. */
export function savedClaimCards(nb: Notebook): ClaimCard[] {
  const cards: ClaimCard[] = [];
  for (const o of nb.cells.flatMap((c) => c.outputs ?? [])) {
    const card = o.data?.[CLAIM_MIME];
    if (card) cards.push((typeof card === "string" ? JSON.parse(card) : card) as ClaimCard);
  }
  return cards;
}

/** Printed lines of the old `[C3] name = value` form: a bare number that no claim checks. */
export function barePrintedNumbers(texts: string[]): string[] {
  return texts
    .join("\n")
    .split("\n")
    .map((l) => l.trim())
    .filter((l) => /^\[C\d+\] .+ = /.test(l));
}

/** Notebook file names linked from notebooks/README.md's index table. */
export function indexedNotebooks(): string[] {
  const readme = fs.readFileSync(path.join(notebooksDir, "README.md"), "utf8");
  return [...readme.matchAll(/^\|\s*\[[^\]]+\]\(([^)]+\.ipynb)\)/gm)].map((m) => m[1]);
}
