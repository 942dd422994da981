// Lines added and removed between two texts, as `git diff --stat` counts them: the shortest
// edit script (Myers' O(ND) algorithm) over lines. Only its length is needed, so no trace is kept.

/** Splits text into lines the way a line diff sees them (a final newline ends, not starts, a line). */
export function splitLines(text: string): string[] {
  if (!text) return [];
  const lines = text.split(/\r?\n/);
  if (lines[lines.length - 1] === '') lines.pop();
  return lines;
}

/** Past this many edits the count is taken from line multisets instead (fast, close, never below the truth). */
const MAX_EDITS = 4000;

export function lineChanges(before: string, after: string): { added: number; removed: number } {
  const a = splitLines(before);
  const b = splitLines(after);
  let start = 0;
  while (start < a.length && start < b.length && a[start] === b[start]) start++;
  let endA = a.length;
  let endB = b.length;
  while (endA > start && endB > start && a[endA - 1] === b[endB - 1]) {
    endA--;
    endB--;
  }
  const n = endA - start;
  const m = endB - start;
  if (!n || !m) return { added: m, removed: n };
  const d = editDistance(a, start, n, b, start, m, MAX_EDITS);
  if (d === undefined) return multisetChanges(a.slice(start, endA), b.slice(start, endB));
  return { added: (d + m - n) / 2, removed: (d - m + n) / 2 };
}

function editDistance(a: string[], offA: number, n: number, b: string[], offB: number, m: number, max: number): number | undefined {
  const limit = Math.min(n + m, max);
  const offset = limit + 1;
  const v = new Int32Array(2 * limit + 3);
  for (let d = 0; d <= limit; d++) {
    for (let k = -d; k <= d; k += 2) {
      let x = k === -d || (k !== d && v[offset + k - 1] < v[offset + k + 1]) ? v[offset + k + 1] : v[offset + k - 1] + 1;
      let y = x - k;
      while (x < n && y < m && a[offA + x] === b[offB + y]) {
        x++;
        y++;
      }
      v[offset + k] = x;
      if (x >= n && y >= m) return d;
    }
  }
  return undefined;
}

function multisetChanges(a: string[], b: string[]): { added: number; removed: number } {
  const counts = new Map<string, number>();
  for (const l of a) counts.set(l, (counts.get(l) ?? 0) + 1);
  let added = 0;
  for (const l of b) {
    const c = counts.get(l) ?? 0;
    if (c > 0) counts.set(l, c - 1);
    else added++;
  }
  let removed = 0;
  for (const c of counts.values()) removed += c;
  return { added, removed };
}
