// The text diff of two versions of a prompt (and of two answers), unified or side by side, as
// plain lines tagged with their kind, so a door colours them (the CLI on a terminal) or not. The
// edit script is jsdiff's (`structuredPatch`, `diffLines`). For prompts, each hunk is labelled
// with the part of the file it touches, read from the shared model of either version, for every
// format: `frontmatter`, `message: system`, `message: user`, ... (as git labels a hunk with its
// function).
import { diffLines, structuredPatch } from 'diff';
import { parseDocument } from '../formats/registry';
import { LineIndex } from '../text';

export type DiffLineKind = 'file' | 'hunk' | 'context' | 'added' | 'removed' | 'note';

export interface DiffLine {
  kind: DiffLineKind;
  text: string;
}

export interface TextDiffOptions {
  /** Names of the two sides (`a/prompts/x.prompt`, `recorded`). */
  labelA: string;
  labelB: string;
  /** Lines of context around each change (default 3). */
  context?: number;
  /** Labels a hunk by where it starts: 0-based lines of A and B. */
  section?: (lineA: number, lineB: number) => string | undefined;
}

/** A unified diff (`---`, `+++`, `@@ -a,n +b,m @@ section`); no lines when the texts are equal. */
export function unifiedDiff(a: string, b: string, options: TextDiffOptions): DiffLine[] {
  if (a === b) return [];
  const patch = structuredPatch(options.labelA, options.labelB, a, b, undefined, undefined, { context: options.context ?? 3 });
  const out: DiffLine[] = [
    { kind: 'file', text: `--- ${options.labelA}` },
    { kind: 'file', text: `+++ ${options.labelB}` },
  ];
  for (const h of patch.hunks) {
    // The first changed line of the hunk names its section.
    let la = h.oldStart - 1;
    let lb = h.newStart - 1;
    for (const l of h.lines) {
      if (l[0] !== ' ') break;
      la++;
      lb++;
    }
    const section = options.section?.(Math.max(0, la), Math.max(0, lb));
    out.push({ kind: 'hunk', text: `@@ -${h.oldStart},${h.oldLines} +${h.newStart},${h.newLines} @@${section ? ` ${section}` : ''}` });
    for (const l of h.lines) {
      const kind: DiffLineKind = l[0] === '+' ? 'added' : l[0] === '-' ? 'removed' : l[0] === '\\' ? 'note' : 'context';
      out.push({ kind, text: l });
    }
  }
  return out;
}

export interface SideBySideRow {
  /** `context`: the same on both sides; `changed`: left removed, right added (either may be absent). */
  kind: 'context' | 'changed' | 'hunk';
  left?: string;
  right?: string;
  /** 1-based line numbers. */
  leftLine?: number;
  rightLine?: number;
}

/**
 * The two texts in columns: unchanged lines on both sides (only `context` lines around each
 * change), a removed block beside the added block that replaced it, row by row; `hunk` rows mark
 * the gaps, with the section of the next change.
 */
export function sideBySide(a: string, b: string, options: Omit<TextDiffOptions, 'labelA' | 'labelB'> = {}): SideBySideRow[] {
  if (a === b) return [];
  const context = options.context ?? 3;
  const rows: SideBySideRow[] = [];
  let la = 0;
  let lb = 0;
  const parts = diffLines(a, b);
  for (let i = 0; i < parts.length; i++) {
    const p = parts[i];
    const lines = splitKeep(p.value);
    if (!p.added && !p.removed) {
      for (const l of lines) rows.push({ kind: 'context', left: l, right: l, leftLine: ++la, rightLine: ++lb });
      continue;
    }
    const removed = p.removed ? lines : [];
    const next = p.removed && parts[i + 1]?.added ? splitKeep(parts[++i].value) : [];
    const added = p.added ? lines : next;
    for (let k = 0; k < Math.max(removed.length, added.length); k++) {
      rows.push({ kind: 'changed', left: removed[k], right: added[k], leftLine: k < removed.length ? ++la : undefined, rightLine: k < added.length ? ++lb : undefined });
    }
  }
  // Keep the changed rows and `context` rows around them; mark each gap.
  const keep = rows.map(() => false);
  rows.forEach((r, i) => {
    if (r.kind !== 'changed') return;
    for (let k = Math.max(0, i - context); k <= Math.min(rows.length - 1, i + context); k++) keep[k] = true;
  });
  const out: SideBySideRow[] = [];
  for (let i = 0; i < rows.length; i++) {
    if (!keep[i]) continue;
    if (i === 0 || !keep[i - 1]) {
      const r = rows[i];
      const firstChange = rows.slice(i).find((x) => x.kind === 'changed');
      const section = options.section?.(Math.max(0, (firstChange?.leftLine ?? r.leftLine ?? 1) - 1), Math.max(0, (firstChange?.rightLine ?? r.rightLine ?? 1) - 1));
      out.push({ kind: 'hunk', left: `@@ line ${r.leftLine ?? la} / ${r.rightLine ?? lb}${section ? ` ${section}` : ''}` });
    }
    out.push(rows[i]);
  }
  return out;
}

function splitKeep(value: string): string[] {
  const lines = value.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  return lines.map((l) => l.replace(/\r$/, ''));
}

/** Where a 0-based line of a prompt file is: `frontmatter`, `message: ROLE`, or undefined (elsewhere in the body). */
export function promptSections(text: string | undefined, uri: string): (line: number) => string | undefined {
  if (text === undefined) return () => undefined;
  let doc;
  try {
    doc = parseDocument(text, uri);
  } catch {
    return () => undefined;
  }
  const lines = new LineIndex(text);
  const lineOf = (offset: number) => lines.positionAt(offset).line;
  const messages = doc.prompt.messages.filter((m) => m.kind === 'message').map((m) => ({ role: m.role, from: lineOf(m.span.start), to: lineOf(Math.max(m.span.start, m.span.end - 1)) }));
  const fm = doc.frontmatter.present ? { from: lineOf(doc.frontmatter.span.start), to: lineOf(Math.max(doc.frontmatter.span.start, doc.frontmatter.span.end - 1)) } : undefined;
  return (line) => {
    // A message inside the frontmatter (a GitHub Models file is all YAML) is named as the message.
    const m = messages.find((x) => line >= x.from && line <= x.to);
    if (m) return `message: ${m.role}`;
    if (fm && line >= fm.from && line <= fm.to) return 'frontmatter';
    return undefined;
  };
}
