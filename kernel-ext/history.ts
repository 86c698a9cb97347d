/**
 * Input history for `history_request` (tail, range, search), kept for the kernel's lifetime.
 * Entries are `[session, line, input]`, or `[session, line, [input, output]]` when output is
 * asked for; this kernel process is session 1 (there are no earlier sessions).
 */

export const CURRENT_SESSION = 1;

interface Entry {
  line: number;
  input: string;
  output: string | null;
}

export type HistoryItem = [number, number, string | [string, string | null]];

export interface HistoryRequest {
  hist_access_type?: unknown;
  output?: unknown;
  n?: unknown;
  session?: unknown;
  start?: unknown;
  stop?: unknown;
  pattern?: unknown;
  unique?: unknown;
}

/** fnmatch-style glob (`*`, `?`, `[...]`) → an anchored RegExp, as IPython's history search uses. */
export function globToRegExp(glob: string): RegExp {
  let out = "";
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i];
    if (c === "*") out += "[\\s\\S]*";
    else if (c === "?") out += "[\\s\\S]";
    else if (c === "[") {
      const close = glob.indexOf("]", i + 1);
      if (close < 0) out += "\\[";
      else {
        const body = glob.slice(i + 1, close).replace(/\\/g, "\\\\");
        out += body.startsWith("!") ? `[^${body.slice(1)}]` : `[${body}]`;
        i = close;
      }
    } else out += c.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  }
  return new RegExp(`^${out}$`);
}

export class History {
  private readonly entries: Entry[] = [];

  /** Records an input under its execution count. */
  add(line: number, input: string): void {
    this.entries.push({ line, input, output: null });
  }

  /** Records the text form of a cell's result. */
  setOutput(line: number, output: string): void {
    const entry = [...this.entries].reverse().find((e) => e.line === line);
    if (entry) entry.output = output;
  }

  /** Answers a history_request; throws an Error naming the problem for bad requests. */
  query(req: HistoryRequest): HistoryItem[] {
    const withOutput = req.output === true;
    const item = (e: Entry): HistoryItem => [CURRENT_SESSION, e.line, withOutput ? [e.input, e.output] : e.input];
    const count = (n: unknown, fallback: number): number => {
      if (n === undefined || n === null) return fallback;
      if (typeof n !== "number" || !Number.isInteger(n) || n < 0) throw new Error(`n must be a non-negative integer, got ${JSON.stringify(n)}`);
      return n;
    };
    switch (req.hist_access_type) {
      case "tail": {
        const n = count(req.n, 10);
        return n === 0 ? [] : this.entries.slice(-n).map(item);
      }
      case "range": {
        const session = req.session ?? 0;
        // 0 and positive 1 mean this session; negative numbers count back to earlier ones.
        if (session !== 0 && session !== CURRENT_SESSION) return [];
        const start = typeof req.start === "number" ? req.start : 1;
        const stop = typeof req.stop === "number" ? req.stop : Infinity;
        return this.entries.filter((e) => e.line >= start && e.line < stop).map(item);
      }
      case "search": {
        if (typeof req.pattern !== "string") throw new Error("search needs a pattern (a glob such as 'x = *')");
        const re = globToRegExp(req.pattern);
        let found = this.entries.filter((e) => re.test(e.input));
        if (req.unique === true) {
          const seen = new Set<string>();
          found = found.reverse().filter((e) => !seen.has(e.input) && seen.add(e.input) !== undefined).reverse();
        }
        const n = count(req.n, 0);
        return (n > 0 ? found.slice(-n) : found).map(item);
      }
      default:
        throw new Error(`hist_access_type ${JSON.stringify(req.hist_access_type)} is not one of: tail, range, search`);
    }
  }
}
