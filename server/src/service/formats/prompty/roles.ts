// Prompty's role lines, as its two current runtimes' chat parsers read them. Each tries a boundary
// regex on every trimmed line of the rendered text: an optional `#`, a role name in any case
// (`system`, `user`, `assistant`, `developer`), optional `[key=value, ...]` attributes, a colon and
// nothing else. The runtimes differ on the attributes:
//  - Python: each attribute is `\w+ = ` then a value in double quotes or a run of characters other
//    than `"`, `,` and `]` (possessive, so a value never swallows a separator), separated by
//    optional commas; `\w` is Unicode.
//  - TypeScript: each attribute is `\w+ = ` then `"?[^"]*"?`, so an unquoted value may hold `,`
//    or `]`; `\w` is ASCII.
// A line is a role line here when both runtimes split on it (Python's grammar with ASCII keys); a
// line shaped like one that either runtime does not split on gets a warning. The attributes become
// the message's metadata (`name="Alice"` is sent as the message's `name`): each `key=value` pair,
// quotes dropped, `true` / `false` and plain integers and decimals converted.

export const ROLE_NAMES = ['system', 'user', 'assistant', 'developer'] as const;

const ROLE_HEAD = /^#?[ \t]*(system|user|assistant|developer)(?![A-Za-z0-9_])/i;
const ASCII_WORD = /[A-Za-z0-9_]/;
const UNICODE_WORD = /[\p{L}\p{N}_]/u;
const SPACE = /\s/;

export interface RoleLineShape {
  /** The role, lower-cased. */
  role: string;
  /** Where the role word starts and ends in the trimmed line. */
  roleStart: number;
  roleEnd: number;
  /** The bracket with its `[` and `]`, when the line has one, and where it starts in the trimmed line. */
  bracket?: string;
  bracketStart?: number;
  /** Blanks between the role and `[` (`user [name=x]:`), which neither runtime accepts. */
  spaceBeforeBracket: boolean;
  /** Whether Prompty's Python runtime splits messages on this line. */
  python: boolean;
  /** Whether Prompty's TypeScript runtime splits messages on this line. */
  typescript: boolean;
}

function skipSpace(s: string, i: number): number {
  while (i < s.length && SPACE.test(s[i])) i++;
  return i;
}

/** Python's attribute list from `[` at `at`: the index after its `]`, or -1. */
function pythonBracketEnd(s: string, at: number, word: RegExp): number {
  let i = at + 1;
  let items = 0;
  for (;;) {
    const keyStart = i;
    while (i < s.length && word.test(s[i])) i++;
    if (i === keyStart) return items > 0 && s[i] === ']' ? i + 1 : -1;
    i = skipSpace(s, i);
    if (s[i] !== '=') return -1;
    i = skipSpace(s, i + 1);
    if (s[i] === '"') {
      const close = s.indexOf('"', i + 1);
      if (close < 0) return -1;
      i = close + 1;
    } else {
      while (i < s.length && s[i] !== '"' && s[i] !== ',' && s[i] !== ']') i++;
    }
    i = skipSpace(s, i);
    if (s[i] === ',') i++;
    i = skipSpace(s, i);
    items++;
    if (s[i] === ']') return i + 1;
    if (!(i < s.length && word.test(s[i]))) return -1;
  }
}

/**
 * TypeScript's `(\w+\s*=\s*"?[^"]*"?\s*,?\s*)+` over all of `content`, without its backtracking:
 * the positions each item can end at, swept once. An item's value `[^"]*` may end anywhere up to
 * the next `"` (an interval of ends), then an optional `"` and blanks, a comma, blanks.
 */
function typescriptAttributes(content: string): boolean {
  const n = content.length;
  if (!n) return false;
  const wordEnd = new Int32Array(n + 1).fill(n);
  const spaceEnd = new Int32Array(n + 1).fill(n);
  const nextQuote = new Int32Array(n + 1).fill(n);
  for (let p = n - 1; p >= 0; p--) {
    const ch = content[p];
    wordEnd[p] = ASCII_WORD.test(ch) ? wordEnd[p + 1] : p;
    spaceEnd[p] = SPACE.test(ch) ? spaceEnd[p + 1] : p;
    nextQuote[p] = ch === '"' ? p : nextQuote[p + 1];
  }
  // coverTo[v]: the furthest end of the intervals of item ends that start at v.
  const coverTo = new Int32Array(n + 2).fill(-1);
  const afterQuoteDone = new Uint8Array(n + 1);
  const cover = (from: number, to: number) => {
    if (coverTo[from] < to) coverTo[from] = to;
  };
  let reachedTo = 0; // position 0 starts the first item
  for (let p = 0; p <= n; p++) {
    if (coverTo[p] > reachedTo) reachedTo = coverTo[p];
    if (p > reachedTo) continue;
    // n is reached only as an item's end (the start, 0, is no end, and n > 0).
    if (p === n) return true;
    const we = wordEnd[p];
    if (we === p) continue;
    let k = spaceEnd[we];
    if (content[k] !== '=') continue;
    k = spaceEnd[Math.min(k + 1, n)];
    for (const v of content[k] === '"' ? [k, k + 1] : [k]) {
      const q = nextQuote[v];
      cover(v, q);
      // The closing `"`, then blanks, an optional comma, blanks: once per quote.
      if (q < n && !afterQuoteDone[q]) {
        afterQuoteDone[q] = 1;
        const blanks = spaceEnd[q + 1];
        cover(q + 1, content[blanks] === ',' ? spaceEnd[Math.min(blanks + 1, n)] : blanks);
      }
    }
  }
  return false;
}

/**
 * A trimmed line shaped like a role line (`user:`, `# System:`, `user[name="Alice"]:`, also
 * `user []:`), with whether each runtime splits on it; undefined for any other line.
 */
export function roleLineShape(line: string): RoleLineShape | undefined {
  const head = ROLE_HEAD.exec(line);
  if (!head || !line.endsWith(':')) return undefined;
  const role = head[1].toLowerCase();
  const roleEnd = head[0].length;
  const roleStart = roleEnd - head[1].length;
  const afterRole = skipSpace(line, roleEnd);
  if (line[afterRole] !== '[') {
    // `system:` (blanks allowed before the colon), and nothing else.
    const ok = afterRole === line.length - 1;
    return ok ? { role, roleStart, roleEnd, spaceBeforeBracket: false, python: true, typescript: true } : undefined;
  }
  const close = line.lastIndexOf(']');
  if (close < afterRole || skipSpace(line, close + 1) !== line.length - 1) return undefined;
  const bracket = line.slice(afterRole, close + 1);
  const shape: RoleLineShape = { role, roleStart, roleEnd, bracket, bracketStart: afterRole, spaceBeforeBracket: afterRole > roleEnd, python: false, typescript: false };
  if (shape.spaceBeforeBracket) return shape;
  const py = pythonBracketEnd(line, afterRole, UNICODE_WORD);
  shape.python = py > 0 && skipSpace(line, py) === line.length - 1;
  shape.typescript = typescriptAttributes(bracket.slice(1, -1));
  return shape;
}

/** Whether both runtimes split messages on this (trimmed) line, with ASCII attribute keys (which both read). */
export function isRoleLine(shape: RoleLineShape | undefined): shape is RoleLineShape {
  if (!shape || !shape.python || !shape.typescript) return false;
  return !shape.bracket || pythonBracketEnd(shape.bracket, 0, ASCII_WORD) === shape.bracket.length;
}

/** The attributes of a role line's bracket as the runtimes read them: `key=value` pairs, quotes dropped, booleans and numbers converted; `nonce` is the runtime's own. */
export function roleAttributes(bracket: string | undefined): Record<string, unknown> | undefined {
  if (!bracket) return undefined;
  const inner = bracket.replace(/^\[|\]$/g, '');
  const out: Record<string, unknown> = {};
  // The runtimes' `(\w+)\s*=\s*"?([^",]*)"?`, found left to right, scanned once (a name run not followed by `=` is skipped whole).
  const n = inner.length;
  let i = 0;
  while (i < n) {
    if (!ASCII_WORD.test(inner[i])) {
      i++;
      continue;
    }
    let j = i;
    while (j < n && ASCII_WORD.test(inner[j])) j++;
    let k = skipSpace(inner, j);
    if (inner[k] !== '=') {
      i = j;
      continue;
    }
    k = skipSpace(inner, k + 1);
    if (inner[k] === '"') k++;
    let e = k;
    while (e < n && inner[e] !== '"' && inner[e] !== ',') e++;
    const key = inner.slice(i, j);
    const v = inner.slice(k, e).trim();
    if (inner[e] === '"') e++;
    i = e;
    if (key === 'nonce') continue;
    if (v.toLowerCase() === 'true') out[key] = true;
    else if (v.toLowerCase() === 'false') out[key] = false;
    else if (/^\d+$/.test(v)) out[key] = parseInt(v, 10);
    else if (/^\d+\.\d+$/.test(v)) out[key] = parseFloat(v);
    else out[key] = v;
  }
  return Object.keys(out).length ? out : undefined;
}

/**
 * The bracket rewritten so that both runtimes read it as the same attributes: every value in
 * double quotes, `, ` between pairs; `''` (no bracket) for an empty one; undefined when the
 * bracket holds no `key=value` pair to keep (`[Alice]`) or a value with a `"`.
 */
export function canonicalBracket(bracket: string): string | undefined {
  const inner = bracket.slice(1, -1).trim();
  if (!inner) return '';
  const pairs: string[] = [];
  // Split at commas outside quotes, then each part at its first `=`.
  const parts: string[] = [];
  let cur = '';
  let quoted = false;
  for (const ch of inner) {
    if (ch === '"') quoted = !quoted;
    if (ch === ',' && !quoted) {
      parts.push(cur);
      cur = '';
    } else cur += ch;
  }
  parts.push(cur);
  for (const part of parts) {
    if (!part.trim()) continue;
    const eq = part.indexOf('=');
    if (eq < 0) return undefined;
    const key = part.slice(0, eq).trim();
    if (!/^[A-Za-z0-9_]+$/.test(key)) return undefined;
    let value = part.slice(eq + 1).trim();
    if (value.startsWith('"') && value.endsWith('"') && value.length >= 2) value = value.slice(1, -1);
    if (value.includes('"')) return undefined;
    pairs.push(`${key}="${value}"`);
  }
  return pairs.length ? `[${pairs.join(', ')}]` : '';
}
