// Inline suppression of lint findings, ESLint style:
//   {{! prompt-workbench-disable-next-line <id>[, <id>] }}   the next line only
//   {{! prompt-workbench-disable <id>[, <id>] }}             the whole file (no ids: every rule)
// and the same words in a YAML comment inside the frontmatter (`# prompt-workbench-disable ...`).
// Also the edits of the quick fixes that add such comments.
import type { TextEdit } from 'vscode-languageserver-types';
import type { PromptDocument } from '../document';
import type { Span } from '../text';

export const DISABLE = 'prompt-workbench-disable';
export const DISABLE_NEXT_LINE = 'prompt-workbench-disable-next-line';

export interface SuppressionComment {
  kind: 'file' | 'next-line';
  /** Rule ids; empty means every rule. */
  ids: string[];
  span: Span;
  /** The line it applies to (next-line comments). */
  line?: number;
  /** Whether the comment is a YAML comment in the frontmatter. */
  yaml: boolean;
}

export interface Suppressions {
  comments: SuppressionComment[];
  isSuppressed(ruleId: string, line: number): boolean;
}

/** `prompt-workbench-disable-next-line a, b` -> { kind, ids }; anything else -> undefined. */
export function parseDirective(text: string): { kind: 'file' | 'next-line'; ids: string[] } | undefined {
  const t = text.trim();
  let kind: 'file' | 'next-line';
  let rest: string;
  if (t.startsWith(DISABLE_NEXT_LINE)) {
    kind = 'next-line';
    rest = t.slice(DISABLE_NEXT_LINE.length);
  } else if (t.startsWith(DISABLE)) {
    kind = 'file';
    rest = t.slice(DISABLE.length);
  } else return undefined;
  // The directive word must end here: `prompt-workbench-disabled` is not one.
  if (rest && !/^[\s,]/.test(rest)) return undefined;
  // A `--` after the ids starts an explanation, as in ESLint.
  const dashes = rest.indexOf(' -- ');
  if (dashes >= 0) rest = rest.slice(0, dashes);
  const ids = rest.split(/[\s,]+/).filter(Boolean);
  return { kind, ids };
}

const memo = new WeakMap<PromptDocument, Suppressions>();

export function suppressionsOf(doc: PromptDocument): Suppressions {
  const hit = memo.get(doc);
  if (hit) return hit;
  const comments: SuppressionComment[] = [];
  for (const tag of doc.template.tags) {
    if (tag.kind !== 'comment' || tag.comment === undefined || !tag.comment.includes(DISABLE)) continue;
    const d = parseDirective(tag.comment);
    if (!d) continue;
    comments.push({ ...d, span: tag.span, line: d.kind === 'next-line' ? doc.lines.lineAt(tag.span.end) + 1 : undefined, yaml: false });
  }
  const fm = doc.frontmatter;
  if (fm.present && doc.text.slice(fm.content.start, fm.content.end).includes(DISABLE)) {
    const first = doc.lines.lineAt(fm.content.start);
    const last = doc.lines.lineAt(Math.max(fm.content.start, fm.content.end - 1));
    for (let line = first; line <= last; line++) {
      const text = doc.lines.lineText(line);
      const hash = text.indexOf('#');
      if (hash < 0 || text.slice(0, hash).trim()) continue;
      const d = parseDirective(text.slice(hash + 1));
      if (!d) continue;
      const start = doc.lines.lineStart(line) + hash;
      comments.push({ ...d, span: { start, end: doc.lines.lineEnd(line) }, line: d.kind === 'next-line' ? line + 1 : undefined, yaml: true });
    }
  }
  const fileAll = comments.some((c) => c.kind === 'file' && !c.ids.length);
  const fileIds = new Set(comments.filter((c) => c.kind === 'file').flatMap((c) => c.ids));
  const lines = new Map<number, SuppressionComment[]>();
  for (const c of comments) {
    if (c.kind !== 'next-line' || c.line === undefined) continue;
    const list = lines.get(c.line) ?? [];
    list.push(c);
    lines.set(c.line, list);
  }
  const result: Suppressions = {
    comments,
    isSuppressed: (ruleId, line) => {
      if (fileAll || fileIds.has(ruleId)) return true;
      return !!lines.get(line)?.some((c) => !c.ids.length || c.ids.includes(ruleId));
    },
  };
  memo.set(doc, result);
  return result;
}

function lineBreak(doc: PromptDocument, line: number): string {
  const end = doc.lines.lineEnd(line);
  return doc.text.startsWith('\r\n', end) ? '\r\n' : doc.text.includes('\r\n') ? '\r\n' : '\n';
}

function indentOf(doc: PromptDocument, line: number): string {
  return /^[ \t]*/.exec(doc.lines.lineText(line))![0];
}

/**
 * The edit that disables `ruleId` for `line`: a comment line above it, indented like it (a YAML
 * comment in the frontmatter). An existing next-line comment right above gets the id added.
 * Undefined on the frontmatter's `---` lines, which no comment can precede.
 */
export function disableLineEdit(doc: PromptDocument, ruleId: string, line: number): TextEdit | undefined {
  const fm = doc.frontmatter;
  const lineStart = doc.lines.lineStart(line);
  const inFrontmatter = fm.present && lineStart >= fm.content.start && lineStart < fm.content.end;
  const inBody = lineStart >= doc.template.span.start || (!fm.present && lineStart >= 0);
  if (!inFrontmatter && !inBody) return undefined;
  const indent = indentOf(doc, line);
  const nl = lineBreak(doc, line);
  const above = line > 0 ? suppressionsOf(doc).comments.find((c) => c.kind === 'next-line' && c.line === line && c.yaml === inFrontmatter && c.ids.length) : undefined;
  if (above && !above.ids.includes(ruleId)) {
    const ids = [...above.ids, ruleId].join(', ');
    const text = inFrontmatter ? `# ${DISABLE_NEXT_LINE} ${ids}` : `{{! ${DISABLE_NEXT_LINE} ${ids} }}`;
    return { range: doc.lines.range(above.span.start, above.span.end), newText: text };
  }
  const comment = inFrontmatter ? `${indent}# ${DISABLE_NEXT_LINE} ${ruleId}` : `${indent}{{! ${DISABLE_NEXT_LINE} ${ruleId} }}`;
  const at = doc.lines.positionAt(lineStart);
  return { range: { start: at, end: at }, newText: comment + nl };
}

/** The edit that disables `ruleId` in the whole file: a YAML comment first in the frontmatter, else a template comment first in the body. */
export function disableFileEdit(doc: PromptDocument, ruleId: string): TextEdit {
  const fm = doc.frontmatter;
  const nl = doc.text.includes('\r\n') ? '\r\n' : '\n';
  if (fm.present && fm.closed) {
    const at = doc.lines.positionAt(fm.content.start);
    return { range: { start: at, end: at }, newText: `# ${DISABLE} ${ruleId}${nl}` };
  }
  const at = doc.lines.positionAt(doc.template.span.start);
  return { range: { start: at, end: at }, newText: `{{! ${DISABLE} ${ruleId} }}${nl}` };
}
