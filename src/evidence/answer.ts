/**
 * An interview answer built only from verified claims: each bullet is a claim's sentence with
 * its key number inline and its id, so every statement in the answer was checked against a
 * measurement in the same run.
 *
 * ```ts
 * answer("How would you choose the activation function of a deep network?", [c8, c9, c12], {
 *   followUps: [{ q: "Why not sigmoid in hidden layers?", claims: [c3, c5] }],
 * });
 * ```
 */
import { escapeHtml } from "../charts/render";
import { DISPLAY, type MimeBundle } from "../live";
import { isVerifiedClaim, type Claim } from "./claim";

/** The MIME type of an answer's JSON payload: the title and, per section, the claim cards it rests on. */
export const ANSWER_MIME = "application/vnd.activation-lab.answer+json";

export interface FollowUp {
  q: string;
  claims: Claim[];
}

export interface AnswerOptions {
  /** Follow-up questions, each answered by its own claims. */
  followUps?: FollowUp[];
}

export class Answer {
  constructor(
    readonly title: string,
    readonly claims: readonly Claim[],
    readonly followUps: readonly FollowUp[],
  ) {}

  /** Every claim id the answer rests on, in order of appearance. */
  get ids(): string[] {
    return [...new Set([...this.claims, ...this.followUps.flatMap((f) => f.claims)].map((c) => c.id))];
  }

  toString(): string {
    const bullets = (cs: readonly Claim[]) => cs.map((c) => `  • ${bulletText(c)}`);
    return [
      this.title,
      ...bullets(this.claims),
      ...this.followUps.flatMap((f) => [`  Follow-up: ${f.q}`, ...bullets(f.claims).map((b) => `  ${b}`)]),
      `  (claims ${this.ids.join(", ")}, each verified against its measurement)`,
    ].join("\n");
  }

  [DISPLAY](): MimeBundle {
    const list = (cs: readonly Claim[]) => `<ul style="margin:2px 0">${cs.map((c) => `<li>${bulletHtml(c)}</li>`).join("")}</ul>`;
    const html =
      `<div class="activation-lab-answer" style="border-left:4px solid #1565c0;padding:4px 10px;margin:4px 0">` +
      `<div><b>${escapeHtml(this.title)}</b></div>${list(this.claims)}` +
      this.followUps.map((f) => `<div style="margin-top:4px"><i>Follow-up:</i> ${escapeHtml(f.q)}</div>${list(f.claims)}`).join("") +
      `</div>`;
    const payload = {
      title: this.title,
      claims: this.claims.map((c) => c.toJSON()),
      followUps: this.followUps.map((f) => ({ q: f.q, claims: f.claims.map((c) => c.toJSON()) })),
    };
    return { "text/plain": this.toString(), "text/html": html, [ANSWER_MIME]: payload };
  }

  [Symbol.for("nodejs.util.inspect.custom")](): string {
    return this.toString();
  }
}

/** "<sentence> (<key> = <value>) [C9]"; a partly-true claim says so. */
function bulletText(c: Claim): string {
  const partly = c.verdict === "partly" ? ` — only partly; not "${c.corrects}"` : "";
  return `${c.says} (${c.keyText()})${partly} [${c.id}]`;
}

function bulletHtml(c: Claim): string {
  const partly = c.verdict === "partly" ? ` <span style="color:#b26a00">only partly; not “${escapeHtml(c.corrects ?? "")}”</span>` : "";
  return `${escapeHtml(c.says)} <span style="color:#555">(${escapeHtml(c.keyText())})</span>${partly} <code>${escapeHtml(c.id)}</code>`;
}

function checkClaims(claims: unknown, where: string): Claim[] {
  if (!Array.isArray(claims) || claims.length === 0) throw new TypeError(`answer: ${where} must be a non-empty array of claims made with claim(id, says, measured, holds)`);
  claims.forEach((c, i) => {
    if (!isVerifiedClaim(c)) {
      const kind = typeof c === "object" && c !== null ? c.constructor?.name : undefined;
      const got = c === null ? "null" : typeof c !== "object" ? `${typeof c} ${JSON.stringify(c)}` : !kind || kind === "Object" ? "a plain object" : `a ${kind}`;
      throw new TypeError(`answer: ${where}[${i}] is not a verified claim (got ${got}); make each with claim(id, says, measured, holds)`);
    }
  });
  return claims as Claim[];
}

/** An answer assembled from verified claims: bullets with their key numbers inline and the claim ids. */
export function answer(title: string, claims: Claim[], options: AnswerOptions = {}): Answer {
  if (typeof title !== "string" || title.trim() === "") throw new TypeError(`answer: title must be the question answered, got ${JSON.stringify(title)}`);
  const main = checkClaims(claims, "claims");
  const followUps = (options.followUps ?? []).map((f, i) => {
    if (typeof f !== "object" || f === null || typeof f.q !== "string" || f.q.trim() === "") {
      throw new TypeError(`answer: followUps[${i}] must be { q: "the question", claims: [...] }`);
    }
    return { q: f.q, claims: checkClaims(f.claims, `followUps[${i}].claims`) };
  });
  return new Answer(title, main, followUps);
}
