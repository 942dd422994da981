// Template intelligence in a Prompty body, for Jinja2 and Mustache alike: completion of the declared
// inputs (kind, description, default), their nested fields, loop variables and `loop` inside
// `{% for %}`, section fields in Mustache; hover; definition, references (in the file and in the
// fixture files that test it) and rename between `inputs` and the body.
import { CompletionItemKind, MarkupKind, type CompletionItem, type CompletionList, type Hover, type Location, type Range, type TextEdit, type WorkspaceEdit } from 'vscode-languageserver-types';
import type { PromptDocument } from '../../document';
import { fixtureRenameClash, fixtureVarOccurrences } from '../../fixtureRefs';
import { contains, type Span } from '../../text';
import { fieldTypeLabel } from '../model';
import type { NavigationHooks, PromptInput, SchemaField } from '../types';
import { promptyOf } from './parse';
import { localAt, LOOP_ATTRIBUTES, wordBefore, type BodyAnalysis, type BodyTag, type Local, type NameRef } from './template';

const STATEMENTS = ['if', 'elif', 'else', 'endif', 'for', 'endfor', 'set', 'endset', 'macro', 'endmacro', 'call', 'endcall', 'filter', 'endfilter', 'raw', 'endraw', 'with', 'endwith'];

function inputDoc(i: PromptInput, line: number | undefined): string {
  const parts = [`**${i.name}**${i.required ? '' : ' (optional)'}: \`${fieldTypeLabel(i.field)}\``];
  if (i.description) parts.push(i.description);
  if (i.default !== undefined) parts.push(`Default: \`${JSON.stringify(i.default)}\``);
  parts.push(`_Declared in \`inputs\`${line !== undefined ? `, line ${line + 1}` : ''}._`);
  return parts.join('\n\n');
}

function fieldDoc(f: SchemaField, owner: string): string {
  const parts = [`**${f.name}**: \`${fieldTypeLabel(f)}\``];
  if (f.description) parts.push(f.description);
  parts.push(`_Field of \`${owner}\`._`);
  return parts.join('\n\n');
}

/** The fields a value has: an object's children, an array's items' children. */
function fieldsOf(f: SchemaField | undefined): SchemaField[] | undefined {
  if (!f) return undefined;
  if (f.children) return f.children;
  if (f.items?.children) return f.items.children;
  return undefined;
}

/** What a path names: an input's field, a loop variable's item field, `loop`'s attributes. */
function resolve(doc: PromptDocument, a: BodyAnalysis, parts: string[], offset: number): { field?: SchemaField; loop?: boolean; owner: string } | undefined {
  const info = promptyOf(doc)!;
  const local = localAt(a.locals, parts[0], offset);
  let field: SchemaField | undefined;
  if (local?.kind === 'loop-info') return parts.length === 1 ? { loop: true, owner: 'loop' } : undefined;
  if (local?.kind === 'loop' && local.of && local.position === (local.of ? localsOfLoop(a, local).length - 1 : 0)) {
    const iterated = resolve(doc, a, local.of, local.scope.start - 1);
    field = iterated?.field?.items ?? (iterated?.field?.type === 'object' ? undefined : iterated?.field);
  } else if (local) return undefined;
  else field = info.inputs.find((i) => i.name === parts[0])?.field;
  // Mustache: a name inside a section may be a field of the section's item.
  if (!field && a.engine === 'mustache') {
    for (const b of [...a.blocks].reverse()) {
      if (!contains(b.inside, offset) || b.open.kind !== 'section') continue;
      const owner = resolve(doc, a, (b.keyword ?? '').split('.'), b.open.span.start);
      const hit = fieldsOf(owner?.field)?.find((c) => c.name === parts[0]);
      if (hit) {
        field = hit;
        break;
      }
    }
  }
  let owner = parts[0];
  for (const p of parts.slice(1)) {
    const next = fieldsOf(field)?.find((c) => c.name === p);
    if (!next) return undefined;
    owner = `${owner}.${p}`;
    field = next;
  }
  return { field, owner };
}

/** For `for k, v in ...` the value is the last name; for `for x in ...` the only one. */
function localsOfLoop(a: BodyAnalysis, l: Local): Local[] {
  return a.locals.filter((x) => x.kind === 'loop' && x.scope === l.scope);
}

/** The tag the cursor is in (between its delimiters), or an unclosed `{{` / `{%` earlier on the line. */
function tagAt(doc: PromptDocument, a: BodyAnalysis, offset: number): { start: number; tag?: BodyTag } | undefined {
  for (const t of a.tags) {
    if (offset < t.inner.start || offset > (t.closed ? t.inner.end : t.span.end)) continue;
    if (t.kind === 'comment') return undefined;
    return { start: t.inner.start, tag: t };
  }
  const lineStart = doc.lines.lineStart(doc.lines.lineAt(offset));
  const before = doc.text.slice(lineStart, offset);
  const open = Math.max(before.lastIndexOf('{{'), before.lastIndexOf('{%'));
  if (open < 0 || before.lastIndexOf('}}') > open || before.lastIndexOf('%}') > open) return undefined;
  return { start: lineStart + open + 2 };
}

function complete(doc: PromptDocument, offset: number): CompletionList | null {
  const info = promptyOf(doc);
  const a = info?.analysis;
  if (!info || !a || offset < info.body.start) return null;
  const at = tagAt(doc, a, offset);
  if (!at) return null;
  const text = doc.text;
  const inner = text.slice(at.start, offset);
  if (/["']/.test(inner.replace(/"[^"]*"|'[^']*'/g, ''))) return null;
  const statement = text[at.start - 1] === '%' || text.slice(at.start - 2, at.start) === '{%' || at.tag?.kind === 'statement';
  const word = wordBefore(text, at.start, offset);
  const dot = word.lastIndexOf('.');
  const segStart = offset - (word.length - (dot + 1));
  const range = doc.lines.range(segStart, offset);
  const items: CompletionItem[] = [];
  const add = (label: string, kind: CompletionItemKind, detail: string, documentation?: string, sort = '1') => {
    if (items.some((i) => i.label === label)) return;
    items.push({ label, kind, detail, documentation: documentation ? { kind: MarkupKind.Markdown, value: documentation } : undefined, textEdit: { range, newText: label }, sortText: `${sort}${label}` });
  };
  if (dot >= 0) {
    const parts = word.slice(0, dot).split('.');
    const r = resolve(doc, a, parts, offset);
    if (r?.loop) for (const l of LOOP_ATTRIBUTES) add(l.name, CompletionItemKind.Property, 'loop', l.description);
    for (const f of fieldsOf(r?.field) ?? []) add(f.name, CompletionItemKind.Field, fieldTypeLabel(f), fieldDoc(f, r!.owner));
    return { isIncomplete: false, items };
  }
  // A statement's keyword comes first: `{% ` offers the statements.
  if (statement && a.engine === 'jinja2' && /^\s*$/.test(inner.slice(0, inner.length - word.length))) {
    for (const k of STATEMENTS) add(k, CompletionItemKind.Keyword, 'Jinja2 statement', undefined, '2');
  }
  for (const i of info.inputs) add(i.name, CompletionItemKind.Variable, fieldTypeLabel(i.field), inputDoc(i, doc.lines.positionAt(i.nameSpan.start).line), '0');
  for (const l of a.locals) {
    if (offset < l.scope.start || offset > l.scope.end) continue;
    if (l.kind === 'loop-info') add('loop', CompletionItemKind.Variable, 'loop', 'The current loop: `loop.index`, `loop.first`, `loop.last`, `loop.length`, ...', '0');
    else add(l.name, l.kind === 'macro' ? CompletionItemKind.Function : CompletionItemKind.Variable, l.kind === 'loop' ? `loop variable${l.of ? ` over ${l.of.join('.')}` : ''}` : l.kind, undefined, '0');
  }
  if (a.engine === 'mustache') {
    for (const b of a.blocks) {
      if (!contains(b.inside, offset) || b.open.kind !== 'section') continue;
      const owner = resolve(doc, a, (b.keyword ?? '').split('.'), b.open.span.start);
      for (const f of fieldsOf(owner?.field) ?? []) add(f.name, CompletionItemKind.Field, fieldTypeLabel(f), fieldDoc(f, owner!.owner), '0');
    }
  }
  return { isIncomplete: false, items };
}

type Target = { kind: 'input'; input?: PromptInput; name: string; span: Span } | { kind: 'local'; local: Local; span: Span } | { kind: 'field'; ref: NameRef; span: Span; field?: SchemaField; owner: string };

function targetAt(doc: PromptDocument, offset: number): Target | undefined {
  const info = promptyOf(doc);
  if (!info) return undefined;
  for (const i of info.inputs) if (contains(i.nameSpan, offset)) return { kind: 'input', input: i, name: i.name, span: i.nameSpan };
  const a = info.analysis;
  if (!a) return undefined;
  for (const l of a.locals) if (l.kind !== 'loop-info' && l.kind !== 'argument' && contains(l.span, offset) && l.span.end - l.span.start === l.name.length) return { kind: 'local', local: l, span: l.span };
  for (const r of a.refs) {
    if (contains(r.span, offset)) {
      if (r.local) return r.local.kind === 'loop-info' ? undefined : { kind: 'local', local: r.local, span: r.span };
      return { kind: 'input', input: info.inputs.find((i) => i.name === r.name), name: r.name, span: r.span };
    }
    const seg = r.path.findIndex((p, i) => i > 0 && contains(p.span, offset));
    if (seg > 0) {
      const res = resolve(doc, a, r.path.slice(0, seg + 1).map((p) => p.name), r.span.start);
      return { kind: 'field', ref: r, span: r.path[seg].span, field: res?.field, owner: r.path.slice(0, seg).map((p) => p.name).join('.') };
    }
  }
  return undefined;
}

function hover(doc: PromptDocument, offset: number): Hover | null {
  const t = targetAt(doc, offset);
  if (!t) return null;
  const range = doc.lines.range(t.span.start, t.span.end);
  const md = (value: string): Hover => ({ contents: { kind: MarkupKind.Markdown, value }, range });
  if (t.kind === 'input') {
    if (t.input && contains(t.input.nameSpan, offset)) return null; // the frontmatter hover covers declarations
    return md(t.input ? inputDoc(t.input, doc.lines.positionAt(t.input.nameSpan.start).line) : `**${t.name}**: not declared\n\n\`${t.name}\` is not declared in \`inputs\`; it renders as an empty string unless a value is passed.`);
  }
  if (t.kind === 'local') {
    const l = t.local;
    const what = l.kind === 'loop' ? `loop variable${l.of ? ` over \`${l.of.join('.')}\`` : ''}` : l.kind === 'set' ? 'set in the template' : l.kind === 'macro' ? 'macro' : 'argument';
    return md(`**${l.name}**: ${what}\n\n_Declared on line ${doc.lines.positionAt(l.span.start).line + 1}._`);
  }
  return t.field ? md(fieldDoc(t.field, t.owner)) : null;
}

function definition(doc: PromptDocument, offset: number): Location[] {
  const t = targetAt(doc, offset);
  const here = (span: Span): Location => ({ uri: doc.uri, range: doc.lines.range(span.start, span.end) });
  if (t?.kind === 'input' && t.input) return [here(t.input.nameSpan)];
  if (t?.kind === 'local') return [here(t.local.span)];
  if (t?.kind === 'field' && t.field?.keySpan) return [here(t.field.keySpan)];
  return [];
}

interface Occurrence {
  uri: string;
  range: Range;
  declaration: boolean;
}

function occurrences(doc: PromptDocument, t: Target, options: Parameters<NavigationHooks['references']>[3]): Occurrence[] {
  const info = promptyOf(doc)!;
  const a = info.analysis;
  const out: Occurrence[] = [];
  const add = (span: Span, declaration: boolean) => out.push({ uri: doc.uri, range: doc.lines.range(span.start, span.end), declaration });
  if (t.kind === 'local') {
    add(t.local.span, true);
    for (const r of a?.refs ?? []) if (r.local === t.local) add(r.span, false);
    return out;
  }
  if (t.kind !== 'input') return out;
  if (t.input) add(t.input.nameSpan, true);
  for (const r of a?.refs ?? []) if (!r.local && r.name === t.name) add(r.span, false);
  for (const o of fixtureVarOccurrences(doc.uri, t.name, options.fixtures ?? [], options.token)) out.push({ uri: o.file.uri, range: o.file.lines.range(o.span.start, o.span.end), declaration: false });
  return out;
}

const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

export const promptyNavigation: NavigationHooks = {
  complete,
  hover,
  definition,
  references(doc, offset, includeDeclaration, options) {
    const t = targetAt(doc, offset);
    if (!t || t.kind === 'field') return [];
    return occurrences(doc, t, options)
      .filter((o) => includeDeclaration || !o.declaration)
      .map((o) => ({ uri: o.uri, range: o.range }));
  },
  prepareRename(doc, offset) {
    const t = targetAt(doc, offset);
    if (!t || t.kind === 'field') return null;
    return { range: doc.lines.range(t.span.start, t.span.end), placeholder: t.kind === 'local' ? t.local.name : t.name };
  },
  rename(doc, offset, newName, options) {
    const t = targetAt(doc, offset);
    if (!t || t.kind === 'field') return null;
    if (!NAME.test(newName)) return { error: `\`${newName}\` is not a valid template variable name: use letters, digits and \`_\`, not starting with a digit.` };
    const info = promptyOf(doc)!;
    if (t.kind === 'input') {
      if (info.inputs.some((i) => i.name === newName) && newName !== t.name) return { error: `An input named \`${newName}\` is already declared.` };
      const clash = t.name === newName ? undefined : fixtureRenameClash(doc.uri, t.name, newName, options.fixtures ?? [], options.token);
      if (clash) return { error: `${decodeURIComponent(clash.file.uri.split('/').pop() ?? clash.file.uri)} already sets \`${newName}\` in ${clash.where} (line ${clash.line + 1}): renaming would give it two values. Remove one first.` };
    }
    const changes: Record<string, TextEdit[]> = {};
    for (const o of occurrences(doc, t, options)) (changes[o.uri] ??= []).push({ range: o.range, newText: newName });
    return { edit: { changes } satisfies WorkspaceEdit };
  },
};
