// Parsers for git's machine-readable output (NUL-separated, so any path or subject survives).
// Pure functions over strings and bytes; the node implementation feeds them git's output.
import { NULL_OID, type FileChange, type LastCommit, type LogEntry, type WorkingStatus } from './git';

/** Starts each commit in the log; the fields after it are NUL-separated (see LOG_FORMAT). */
export const COMMIT_MARK = '\u001e';

/**
 * `git log --format` for parseLog: hash, parents, author name, email, ISO date, subject. With
 * `-z`, git ends the subject with a NUL, and each `--raw` line and path with a NUL too.
 */
export const LOG_FORMAT = '%x1e%H%x00%P%x00%an%x00%ae%x00%aI%x00%s';

const RAW_RE = /^:(\d{6}) (\d{6}) ([0-9a-f]+) ([0-9a-f]+) ([AMDRCTUX])(\d*)$/;

/**
 * Parses `git log -z --raw --no-abbrev --format=LOG_FORMAT -- path` output. Fields are read by
 * position, so a subject may contain any character git allows. A commit without a raw line (git
 * shows none for some merges) keeps `blob` undefined and the path of the newer entry's previous
 * path; `fallbackPath` is the path at the start of the walk.
 */
export function parseLog(output: string, fallbackPath: string): LogEntry[] {
  const tokens = output.split('\u0000');
  const entries: LogEntry[] = [];
  let i = 0;
  let currentPath = fallbackPath;
  const next = () => (i < tokens.length ? tokens[i++] : undefined);
  const peek = () => (i < tokens.length ? tokens[i].replace(/^\n+/, '') : undefined);
  while (i < tokens.length) {
    const head = tokens[i++].replace(/^\n+/, '');
    if (!head) continue;
    if (!head.startsWith(COMMIT_MARK)) continue; // not expected; skip to the next commit
    const hash = head.slice(1);
    const parents = (next() ?? '').split(' ').filter(Boolean);
    const authorName = next() ?? '';
    const authorEmail = next() ?? '';
    const authorDate = next() ?? '';
    const subject = next() ?? '';
    const raws: { change: FileChange; similarity?: number; oldBlob: string; newBlob: string; from: string; to: string }[] = [];
    for (let p = peek(); p !== undefined && p.startsWith(':'); p = peek()) {
      i++;
      const m = RAW_RE.exec(p);
      const first = next() ?? '';
      if (!m) continue;
      const change = (m[5] === 'U' || m[5] === 'X' ? 'M' : m[5]) as FileChange;
      const two = change === 'R' || change === 'C';
      const second = two ? (next() ?? '') : first;
      raws.push({ change, similarity: m[6] ? Number(m[6]) : undefined, oldBlob: m[3], newBlob: m[4], from: first, to: second });
    }
    // With --follow there is one raw line for the file; prefer the rename if git printed more.
    const raw = raws.find((r) => r.change === 'R') ?? raws.find((r) => r.to === currentPath) ?? raws[0];
    const entry: LogEntry = { hash, parents, authorName, authorEmail, authorDate, subject, path: currentPath, previousPath: currentPath, change: 'M' };
    if (raw) {
      entry.path = raw.to;
      entry.change = raw.change;
      if (raw.similarity !== undefined && (raw.change === 'R' || raw.change === 'C')) entry.similarity = raw.similarity;
      entry.blob = NULL_OID.test(raw.newBlob) ? undefined : raw.newBlob;
      entry.previousBlob = NULL_OID.test(raw.oldBlob) ? undefined : raw.oldBlob;
      entry.previousPath = raw.change === 'A' ? undefined : raw.from;
    }
    if (entry.previousPath !== undefined) currentPath = entry.previousPath;
    entries.push(entry);
  }
  return entries;
}

/** Parses `git cat-file --batch` output (`<oid> blob <size>\n<bytes>\n` per object) into texts. */
export function parseCatFileBatch(bytes: Uint8Array): Map<string, string> {
  const out = new Map<string, string>();
  const decoder = new TextDecoder('utf-8');
  let pos = 0;
  while (pos < bytes.length) {
    let eol = bytes.indexOf(0x0a, pos);
    if (eol < 0) eol = bytes.length;
    const header = decoder.decode(bytes.subarray(pos, eol));
    pos = eol + 1;
    const m = /^(\S+) (\S+) (\d+)$/.exec(header);
    if (!m) continue; // `<oid> missing` and the like
    const size = Number(m[3]);
    if (m[2] === 'blob') out.set(m[1], decoder.decode(bytes.subarray(pos, pos + size)));
    pos += size + 1;
  }
  return out;
}

/** Parses `git status --porcelain=v1 -z --ignored -- path` for one file. */
export function parseStatus(output: string): WorkingStatus {
  const first = output.split('\u0000').find((t) => t.length >= 3);
  if (!first) return { state: 'clean', code: '' };
  const code = first.slice(0, 2);
  const [x, y] = code;
  let state: WorkingStatus['state'];
  if (code === '??') state = 'untracked';
  else if (code === '!!') state = 'ignored';
  else if (x === 'U' || y === 'U' || code === 'AA' || code === 'DD') state = 'conflicted';
  else if (x === 'D' || y === 'D') state = 'deleted';
  else if (x === 'A') state = 'added';
  else if (x === 'R' || y === 'R') state = 'renamed';
  else state = 'modified';
  return { state, code };
}

/**
 * The output of `git log -z --name-only --format=%x1e%H%x1f%an%x1f%aI%x1f%s`: each commit starts
 * with U+001E, its fields are split by U+001F, and the paths it touched follow, each ended by NUL.
 * Newest first, so the first commit that names a path is kept.
 */
export function parseLastChanges(out: string): Map<string, LastCommit> {
  const map = new Map<string, LastCommit>();
  for (const chunk of out.split('\x1e')) {
    if (!chunk) continue;
    const [header, ...paths] = chunk.split('\0');
    const [hash = '', authorName = '', authorDate = '', ...subject] = header.split('\x1f');
    if (!/^[0-9a-f]{7,64}$/.test(hash)) continue;
    const commit: LastCommit = { hash, authorName, authorDate, subject: subject.join('\x1f') };
    for (const raw of paths) {
      const p = raw.replace(/^\n/, '');
      if (p && !map.has(p)) map.set(p, commit);
    }
  }
  return map;
}
