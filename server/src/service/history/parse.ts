// Parsers for git's machine-readable output (NUL-separated, so any path or subject survives).
// Pure functions over strings and bytes; the node implementation feeds them git's output.
import { NULL_OID, type FileChange, type LastCommit, type LogEntry, type WorkingStatus, type WorkingStatuses } from './git';

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
  return { state: stateOf(code), code };
}

function stateOf(code: string): WorkingStatus['state'] {
  const [x, y] = code;
  if (code === '??') return 'untracked';
  if (code === '!!') return 'ignored';
  if (x === 'U' || y === 'U' || code === 'AA' || code === 'DD') return 'conflicted';
  if (x === 'D' || y === 'D') return 'deleted';
  if (x === 'A') return 'added';
  if (x === 'R' || y === 'R') return 'renamed';
  return 'modified';
}

/**
 * Parses `git status --porcelain=v1 -z --ignored=matching --untracked-files=all [-- folder]` for a
 * whole tree: each entry is `XY path` ended by NUL, a rename or copy followed by its source path.
 * `of(path)` is what `parseStatus` gives for that path's own status: the first entry naming it; a
 * rename's source is deleted (the rename left it behind); a path under a folder entry (`dir/`, an
 * ignored folder) has that folder's state; a path named by no entry is clean.
 */
export function parseStatuses(output: string): WorkingStatuses {
  const files = new Map<string, WorkingStatus>();
  const dirs: [string, WorkingStatus][] = [];
  const tokens = output.split('\u0000');
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i];
    if (t.length < 4 || t[2] !== ' ') continue;
    const code = t.slice(0, 2);
    const p = t.slice(3);
    const status: WorkingStatus = { state: stateOf(code), code };
    if (p.endsWith('/')) dirs.push([p, status]);
    else if (!files.has(p)) files.set(p, status);
    if (code[0] === 'R' || code[0] === 'C' || code[1] === 'R' || code[1] === 'C') {
      const source = tokens[++i];
      if (source && !files.has(source) && (code[0] === 'R' || code[1] === 'R')) files.set(source, code[0] === 'R' ? { state: 'deleted', code: 'D ' } : { state: 'deleted', code: ' D' });
    }
  }
  return {
    of(p: string): WorkingStatus {
      const own = files.get(p);
      if (own) return own;
      for (const [dir, status] of dirs) if (p.startsWith(dir)) return status;
      return { state: 'clean', code: '' };
    },
  };
}

/** One object of a `git cat-file --batch` answer, when its header is `<oid> <type> <size>`. */
export interface BatchObject {
  oid: string;
  type: string;
  content: Uint8Array;
}

/**
 * Reads the answers of a long-lived `git cat-file --batch` as they come: each request line gets
 * `<oid> <type> <size>\n<content>\n`, or one line `<name> missing` (or `ambiguous`, ...), which
 * is `undefined` here. `push` takes output bytes and returns the answers completed by them.
 */
export class CatFileBatchReader {
  private buf: Uint8Array = new Uint8Array(0);

  push(chunk: Uint8Array): (BatchObject | undefined)[] {
    if (this.buf.length) {
      const joined = new Uint8Array(this.buf.length + chunk.length);
      joined.set(this.buf);
      joined.set(chunk, this.buf.length);
      this.buf = joined;
    } else this.buf = chunk;
    const out: (BatchObject | undefined)[] = [];
    let pos = 0;
    for (;;) {
      const eol = this.buf.indexOf(0x0a, pos);
      if (eol < 0) break;
      const header = new TextDecoder('utf-8').decode(this.buf.subarray(pos, eol));
      const m = /^([0-9a-f]{4,64}) ([a-z]+) (\d+)$/.exec(header);
      if (!m) {
        out.push(undefined);
        pos = eol + 1;
        continue;
      }
      const size = Number(m[3]);
      if (this.buf.length < eol + 1 + size + 1) break; // the content is still coming
      out.push({ oid: m[1], type: m[2], content: this.buf.slice(eol + 1, eol + 1 + size) });
      pos = eol + 1 + size + 1;
    }
    this.buf = this.buf.subarray(pos);
    return out;
  }

  /** Bytes received and not yet part of a whole answer. */
  get buffered(): number {
    return this.buf.length;
  }
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
