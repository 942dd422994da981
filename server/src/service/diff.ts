// Where two versions of a text agree: the common prefix and suffix, which is all an edit leaves
// unchanged. Parsing and linting reuse what they found there in the previous version.

const CHUNK = 2048;

/** The length of the longest common prefix of two strings (compared a chunk at a time: a long document costs microseconds). */
export function commonPrefix(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  let i = 0;
  while (i + CHUNK <= n && a.slice(i, i + CHUNK) === b.slice(i, i + CHUNK)) i += CHUNK;
  while (i < n && a.charCodeAt(i) === b.charCodeAt(i)) i++;
  return i;
}

/** The length of the longest common suffix of two strings, at most `max`. */
export function commonSuffix(a: string, b: string, max: number): number {
  const al = a.length;
  const bl = b.length;
  let k = 0;
  while (k + CHUNK <= max && a.slice(al - k - CHUNK, al - k) === b.slice(bl - k - CHUNK, bl - k)) k += CHUNK;
  while (k < max && a.charCodeAt(al - 1 - k) === b.charCodeAt(bl - 1 - k)) k++;
  return k;
}

/** How a text differs from an earlier version: the same up to `prefix`, and the last `suffix` characters the same. */
export interface TextChange {
  prefix: number;
  suffix: number;
  /** New length minus old length. */
  delta: number;
}

/** The last change computed: the line index, the template parse and the lint rules all ask for the same pair of versions. */
let last: { old: string; text: string; change: TextChange } | undefined;

/**
 * How `text` differs from `old`. Remembered for the last pair asked (compared by identity first:
 * the callers of one version pass the same two strings), so one keystroke scans the texts once.
 * The result is shared: callers must not change it.
 */
export function textChange(old: string, text: string): TextChange {
  // Lengths first: a different pair of the same length is compared only up to its first difference.
  if (last && last.old.length === old.length && last.text.length === text.length && last.old === old && last.text === text) return last.change;
  const prefix = commonPrefix(old, text);
  const change: TextChange = { prefix, suffix: commonSuffix(old, text, Math.min(old.length, text.length) - prefix), delta: text.length - old.length };
  last = { old, text, change };
  return change;
}
