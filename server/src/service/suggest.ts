// "Did you mean ...?" suggestions for misspelt keys, types and names.
import { distance } from 'fastest-levenshtein';

/** The candidate closest to `word`, if it is close enough to be a likely typo. */
export function closest(word: string, candidates: Iterable<string>): string | undefined {
  const lower = word.toLowerCase();
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const c of candidates) {
    const other = c.toLowerCase();
    // Two neighbouring letters typed the wrong way round (`modle`) is one slip, not two edits.
    const d = swapsTwoNeighbours(lower, other) ? 1 : distance(lower, other);
    if (d < bestDistance) {
      best = c;
      bestDistance = d;
    }
  }
  if (best === undefined) return undefined;
  const limit = Math.max(1, Math.floor(Math.max(word.length, best.length) / 3));
  return bestDistance <= limit && bestDistance > 0 ? best : bestDistance === 0 && best !== word ? best : undefined;
}

/** Whether `b` is `a` with two neighbouring characters exchanged. */
function swapsTwoNeighbours(a: string, b: string): boolean {
  if (a.length !== b.length || a === b) return false;
  let i = 0;
  while (a[i] === b[i]) i++;
  return a[i] === b[i + 1] && a[i + 1] === b[i] && a.slice(i + 2) === b.slice(i + 2);
}
