// whitespace: trailing blanks, mixed line endings (CRLF and LF in one file) and tabs in the YAML
// frontmatter's indentation (YAML forbids them). Invisible, but they change tokens, diffs and how
// YAML is read. Quick fixes remove one line's trailing blanks or normalise the whole file.
import type { TextEdit } from 'vscode-languageserver-types';
import type { PromptDocument } from '../document';
import { promptyOf } from '../formats/prompty/parse';
import { tagAt } from '../template';
import { runSteps, type Steps } from '../slice';
import { quickFix } from './util';
import type { Finding, LintRule } from './types';

const MAX_TRAILING = 100;

interface Scan {
  trailing: { start: number; end: number }[];
  crlf: number;
  lf: number;
  /** The first line break of the minority kind. */
  minority?: { start: number; end: number; kind: 'crlf' | 'lf' };
  tabs: { start: number; end: number }[];
}

/** Lines scanned between two pause points of a sliced run. */
const STEP_LINES = 1024;

function* scan(doc: PromptDocument): Steps<Scan> {
  const text = doc.text;
  const s: Scan = { trailing: [], crlf: 0, lf: 0, tabs: [] };
  let firstCrlf: number | undefined;
  let firstLf: number | undefined;
  const fm = doc.frontmatter;
  for (let line = 0; line < doc.lines.lineCount; line++) {
    if (line % STEP_LINES === STEP_LINES - 1) yield 'whitespace';
    const start = doc.lines.lineStart(line);
    const end = doc.lines.lineEnd(line);
    let a = end;
    while (a > start && (text.charCodeAt(a - 1) === 32 || text.charCodeAt(a - 1) === 9)) a--;
    if (a < end) s.trailing.push({ start: a, end });
    if (text.charCodeAt(end) === 13 && text.charCodeAt(end + 1) === 10) {
      s.crlf++;
      firstCrlf ??= end;
    } else if (text.charCodeAt(end) === 10) {
      s.lf++;
      firstLf ??= end;
    }
    if (fm.present && start >= fm.content.start && start < fm.content.end) {
      let b = start;
      while (b < end && (text.charCodeAt(b) === 32 || text.charCodeAt(b) === 9)) b++;
      if (text.slice(start, b).includes('\t')) s.tabs.push({ start, end: b });
    }
  }
  if (s.crlf && s.lf) {
    const kind = s.crlf >= s.lf ? 'lf' : 'crlf';
    const at = kind === 'lf' ? firstLf! : firstCrlf!;
    s.minority = { start: at, end: at + (kind === 'lf' ? 1 : 2), kind };
  }
  return s;
}

/** What trailing blanks at `offset` do: only those in the template's text reach the model. */
function trailingMessage(doc: PromptDocument, offset: number): string {
  const fm = doc.frontmatter;
  if (fm.present && offset < doc.template.span.start) return 'Trailing whitespace: not sent to the model (it is outside the template), but noisy in diffs.';
  // A Prompty Jinja2 body: nunjucks as Prompty runs it (no trimBlocks) keeps the blanks after a
  // tag; only those inside a tag are not sent.
  const body = promptyOf(doc)?.analysis;
  if (body?.engine === 'jinja2') {
    const inTag = body.tags.find((t) => offset >= t.span.start && offset < t.span.end);
    if (inTag) return inTag.kind === 'comment' ? 'Trailing whitespace in a comment: not sent to the model (comments are left out), but noisy in diffs.' : 'Trailing whitespace inside a tag: not sent to the model, but noisy in diffs.';
    return 'Trailing whitespace: invisible, but sent to the model and noisy in diffs.';
  }
  // Dotprompt trims the template of a file with frontmatter (`body.trim()`): blanks after its last
  // character are not sent.
  if (fm.present && doc.format === 'dotprompt' && offset >= lastText(doc)) return 'Trailing whitespace at the end of the template: not sent to the model (Dotprompt trims the template), but noisy in diffs.';
  const tag = tagAt(doc.template, offset);
  if (tag && offset >= tag.span.start && offset < tag.span.end) {
    return tag.kind === 'comment'
      ? 'Trailing whitespace in a comment: not sent to the model (comments are left out), but noisy in diffs.'
      : 'Trailing whitespace inside a tag: not sent to the model, but noisy in diffs.';
  }
  if (strippedByHandlebars(doc, offset)) return 'Trailing whitespace: Handlebars removes it when rendering (a tag alone on its line, or `~`), so it is not sent to the model, but it is noisy in diffs.';
  return 'Trailing whitespace: invisible, but sent to the model and noisy in diffs.';
}

const lastTextMemo = new WeakMap<PromptDocument, number>();

/** The offset just past the template's last non-blank character. */
function lastText(doc: PromptDocument): number {
  let end = lastTextMemo.get(doc);
  if (end === undefined) {
    end = doc.template.span.end;
    while (end > doc.template.span.start && /\s/.test(doc.text[end - 1])) end--;
    lastTextMemo.set(doc, end);
  }
  return end;
}

/** Tags that Handlebars' whitespace control treats as standalone when alone on a line. */
const STANDALONE = new Set(['block-open', 'inverse-open', 'else', 'block-close', 'comment', 'partial', 'partial-block-open', 'decorator-block-open']);

/**
 * Whether Handlebars drops the blanks at the end of a line that start at `offset`: after a block,
 * comment or partial tag alone on its line (a standalone tag), after `~}}`, or before `{{~`.
 */
function strippedByHandlebars(doc: PromptDocument, offset: number): boolean {
  const text = doc.text;
  const before = offset > doc.template.span.start ? tagAt(doc.template, offset - 1) : undefined;
  if (before && before.span.end === offset && before.closed) {
    if (text.slice(before.span.end - 3, before.span.end) === '~}}') return true;
    const lineStart = doc.lines.lineStart(doc.lines.lineAt(before.span.start));
    if (STANDALONE.has(before.kind) && !text.slice(lineStart, before.span.start).trim()) return true;
  }
  let next = offset;
  while (next < text.length && /\s/.test(text[next])) next++;
  return text.startsWith('{{~', next);
}

/** Every whitespace fix at once: no trailing blanks, one kind of line break, spaces for tabs in the frontmatter's indentation. */
export function normaliseEdits(doc: PromptDocument): TextEdit[] {
  const s = runSteps(scan(doc));
  const edits: TextEdit[] = [];
  for (const t of s.trailing) edits.push({ range: doc.lines.range(t.start, t.end), newText: '' });
  for (const t of s.tabs) edits.push({ range: doc.lines.range(t.start, t.end), newText: doc.text.slice(t.start, t.end).replace(/\t/g, '  ') });
  if (s.minority) {
    const want = s.minority.kind === 'lf' ? '\r\n' : '\n';
    for (let line = 0; line + 1 < doc.lines.lineCount; line++) {
      const end = doc.lines.lineEnd(line);
      const crlf = doc.text.startsWith('\r\n', end);
      if ((want === '\r\n') === crlf) continue;
      // LineIndex positions a CR LF pair as one break, so the range is given by offsets.
      edits.push({ range: { start: doc.lines.positionAt(end), end: { line: line + 1, character: 0 } }, newText: want });
    }
  }
  return edits;
}

export const rule: LintRule = {
  id: 'whitespace',
  description: 'Trailing whitespace, mixed line endings (CRLF and LF), or tabs in the frontmatter indentation.',
  defaultLevel: 'info',
  category: 'style',
  checksPartials: true,
  fixable: true,
  check(ctx) {
    return runSteps(rule.checkSteps!(ctx));
  },
  // A scan of every line: a sliced run pauses inside it.
  *checkSteps(ctx) {
    const doc = ctx.doc;
    if (doc.notice === 'binary') return [];
    const s = yield* scan(doc);
    const out: Finding[] = [];
    for (const t of s.trailing.slice(0, MAX_TRAILING)) out.push({ message: trailingMessage(doc, t.start), span: t, data: { kind: 'trailing' } });
    if (s.trailing.length > MAX_TRAILING) {
      const t = s.trailing[MAX_TRAILING];
      out.push({ message: `${s.trailing.length - MAX_TRAILING} more lines have trailing whitespace. Use the quick fix "Normalise whitespace in this file".`, span: t, data: { kind: 'trailing' } });
    }
    if (s.minority) {
      const majority = s.minority.kind === 'lf' ? `CRLF (${s.crlf} lines)` : `LF (${s.lf} lines)`;
      out.push({ message: `Mixed line endings: this line ends with ${s.minority.kind === 'lf' ? 'LF' : 'CRLF'} while most end with ${majority}. Use one kind (an .editorconfig or .gitattributes keeps it so).`, span: s.minority, data: { kind: 'eol' } });
    }
    for (const t of s.tabs) out.push({ message: 'A tab in the frontmatter indentation: YAML does not allow tabs there. Indent with spaces.', span: t, data: { kind: 'tab' } });
    return out;
  },
  fixes(ctx, diagnostic) {
    const doc = ctx.doc;
    const kind = (diagnostic.data as { kind?: unknown } | undefined)?.kind;
    const all = quickFix('Normalise whitespace in this file', diagnostic, doc.uri, normaliseEdits(doc), kind !== 'trailing');
    if (kind === 'trailing') return [quickFix('Remove trailing whitespace', diagnostic, doc.uri, [{ range: diagnostic.range, newText: '' }], true), all];
    if (kind === 'tab') {
      const span = { start: doc.lines.offsetAt(diagnostic.range.start), end: doc.lines.offsetAt(diagnostic.range.end) };
      return [quickFix('Indent with spaces', diagnostic, doc.uri, [{ range: diagnostic.range, newText: doc.text.slice(span.start, span.end).replace(/\t/g, '  ') }], true), all];
    }
    return [all];
  },
};
