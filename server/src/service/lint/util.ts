// Small helpers the rules share: where a frontmatter value sits, whole-line edits, quick-fix shapes.
import { CodeActionKind, type CodeAction, type Diagnostic, type TextEdit } from 'vscode-languageserver-types';
import type { Node } from 'yaml';
import type { PromptDocument } from '../document';
import type { Span } from '../text';
import { locate } from '../yamlPath';

export function record(value: unknown): Record<string, unknown> {
  return value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}

function toSpan(doc: PromptDocument, node: Node | null | undefined): Span | undefined {
  const r = node?.range;
  const base = doc.frontmatter.content.start;
  return r ? { start: base + r[0], end: base + Math.max(r[1], r[0] + 1) } : undefined;
}

/** The span of the value at a frontmatter path (`['config', 'temperature']`). */
export function valueSpan(doc: PromptDocument, path: readonly string[]): Span | undefined {
  const yaml = doc.frontmatter.yaml;
  return yaml ? toSpan(doc, locate(yaml, path).node) : undefined;
}

/** Where a problem of the whole prompt goes: the model's id, else the frontmatter's first line, else the first line. */
export function promptSpan(doc: PromptDocument): Span {
  const model = doc.prompt.model?.span;
  if (model) return { start: model.start, end: Math.max(model.end, model.start + 1) };
  const fm = doc.frontmatter;
  if (fm.present) return { start: fm.span.start, end: Math.min(fm.span.start + 3, doc.text.length) };
  const end = doc.lines.lineEnd(doc.lines.lineAt(doc.template.span.start));
  return { start: doc.template.span.start, end: Math.max(doc.template.span.start, end) };
}

/** An edit that removes the whole lines a span covers (including the last line's break). */
export function removeLinesEdit(doc: PromptDocument, span: Span): TextEdit {
  const first = doc.lines.lineAt(span.start);
  const last = doc.lines.lineAt(Math.max(span.start, span.end - 1));
  const end = last + 1 < doc.lines.lineCount ? { line: last + 1, character: 0 } : doc.lines.positionAt(doc.text.length);
  const start = last + 1 < doc.lines.lineCount || first === 0 ? { line: first, character: 0 } : doc.lines.positionAt(doc.lines.lineEnd(first - 1));
  return { range: { start, end }, newText: '' };
}

/** Whether the span is alone on its lines (only blanks around it). */
export function aloneOnLines(doc: PromptDocument, span: Span): boolean {
  const first = doc.lines.lineAt(span.start);
  const last = doc.lines.lineAt(Math.max(span.start, span.end - 1));
  return !doc.text.slice(doc.lines.lineStart(first), span.start).trim() && !doc.text.slice(span.end, doc.lines.lineEnd(last)).trim();
}

export function quickFix(title: string, diagnostic: Diagnostic, uri: string, edits: TextEdit[], preferred = false): CodeAction {
  return { title, kind: CodeActionKind.QuickFix, diagnostics: [diagnostic], edit: { changes: { [uri]: edits } }, isPreferred: preferred };
}

/** The line break the document uses. */
export function eol(doc: PromptDocument): string {
  return doc.text.includes('\r\n') ? '\r\n' : '\n';
}

/** Shortens text for a message. */
export function clip(s: string, max = 60): string {
  const one = s.replace(/\s+/g, ' ').trim();
  return one.length > max ? `${one.slice(0, max - 1)}…` : one;
}

/** `*` matches any run of characters; everything else literally (case-insensitive). */
export function nameMatcher(patterns: readonly string[]): (name: string) => boolean {
  // `*` alone (the default) matches every name without a line break, as `^.*$` does.
  if (patterns.includes('*')) return (name) => !/[\n\r\u2028\u2029]/.test(name);
  const res = patterns.map((p) => new RegExp(`^${p.split('*').map((s) => s.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`, 'i'));
  return (name) => res.some((r) => r.test(name));
}
