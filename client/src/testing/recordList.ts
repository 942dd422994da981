// The run records of a workspace as a list to pick from ("Open Test Run Record…", "Replay Case from
// Run Record…", "Compare Test Run Records"): newest first, each with when it ran, what it counted and
// where it came from, read from the record's first line (its run header). Plain data, no `vscode`.

export interface RecordFile {
  /** The file's name (`run-2026-01-05T09-30-00-000Z-….jsonl`). */
  name: string;
  /** Its path relative to the workspace folder, for the list's description. */
  relative: string;
  /** The file's first line (the run header), when it could be read. */
  firstLine?: string;
}

export interface RecordItem {
  label: string;
  description: string;
  detail: string;
  /** The run's start (ISO 8601), from its header or its file name; undefined when neither says. */
  started?: string;
  file: RecordFile;
}

interface Header {
  startedAt?: unknown;
  durationMs?: unknown;
  origin?: unknown;
  provider?: unknown;
  counts?: Record<string, unknown>;
  replayOf?: { record?: unknown };
}

const COUNT_ORDER = ['passed', 'failed', 'error', 'skipped'] as const;

function header(line: string | undefined): Header | undefined {
  if (!line) return undefined;
  try {
    const value = JSON.parse(line) as Header & { type?: unknown };
    return value && typeof value === 'object' && value.type === 'run' ? value : undefined;
  } catch {
    return undefined;
  }
}

/** `2026-01-05 09:30` from an ISO date; undefined when it is not one. */
function when(iso: unknown): string | undefined {
  if (typeof iso !== 'string') return undefined;
  const m = /^(\d{4}-\d\d-\d\d)T(\d\d:\d\d)/.exec(iso);
  return m ? `${m[1]} ${m[2]}` : undefined;
}

/** The start time written in a record's file name (`run-2026-01-05T09-30-00-000Z-…`), as ISO 8601. */
export function startOfName(name: string): string | undefined {
  const m = /(\d{4}-\d\d-\d\d)T(\d\d)-(\d\d)-(\d\d)(?:-(\d{3}))?Z/.exec(name);
  return m ? `${m[1]}T${m[2]}:${m[3]}:${m[4]}.${m[5] ?? '000'}Z` : undefined;
}

/** One record as a list item: the label says when it ran, the detail what it counted and where from. */
export function recordItem(file: RecordFile): RecordItem {
  const h = header(file.firstLine);
  const started = (typeof h?.startedAt === 'string' && h.startedAt) || startOfName(file.name);
  const label = when(started) ?? file.name;
  const parts: string[] = [];
  if (h) {
    const counts = COUNT_ORDER.map((k) => [k, Number(h.counts?.[k] ?? 0)] as const).filter(([, n]) => n > 0);
    parts.push(counts.length ? counts.map(([k, n]) => `${n} ${k}`).join(', ') : 'no case');
    if (typeof h.durationMs === 'number') parts.push(h.durationMs < 1000 ? `${Math.round(h.durationMs)} ms` : `${(h.durationMs / 1000).toFixed(1)} s`);
    if (typeof h.provider === 'string' && h.provider) parts.push(h.provider);
    if (h.origin === 'cli' || h.origin === 'editor') parts.push(h.origin === 'cli' ? 'from the CLI' : 'from the editor');
    if (typeof h.replayOf?.record === 'string') parts.push(`replay of ${h.replayOf.record}`);
  } else {
    parts.push(file.firstLine === undefined ? 'not read' : 'no run header: not a Prompt Workbench run record?');
  }
  return { label, description: file.relative, detail: parts.join(' · '), started: started || undefined, file };
}

/** The records as list items, newest first; those whose start is unknown last, by name. */
export function recordItems(files: readonly RecordFile[]): RecordItem[] {
  const desc = (x: string, y: string) => (x < y ? 1 : x > y ? -1 : 0);
  return files.map(recordItem).sort((a, b) => {
    if (a.started && b.started) return desc(a.started, b.started) || desc(a.file.name, b.file.name);
    if (a.started || b.started) return a.started ? -1 : 1;
    return -desc(a.file.name, b.file.name);
  });
}

/** The first line of a text (without its line break), or the whole text when it has none. */
export function firstLineOf(text: string): string {
  const i = text.indexOf('\n');
  return (i < 0 ? text : text.slice(0, i)).replace(/\r$/, '');
}
