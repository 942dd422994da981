// What is under the cursor in a template or input schema, and the navigation built on it: hover,
// go to definition, find references and rename of input variables, partials and block parameters.
import { MarkupKind, type Hover, type Location, type Range, type TextEdit, type WorkspaceEdit } from 'vscode-languageserver-types';
import { isScalar, isSeq, type Node } from 'yaml';
import type { PromptDocument } from './document';
import { fieldMarkdown } from './hover';
import { fieldTypeLabel } from './formats/model';
import { formatOf } from './formats/registry';
import type { SchemaField } from './formats/types';
import { distinctFrames } from './scope/model';
import { analyze, declaredInputs, type AnalysisOptions, type HelperRef, type Local, type PartialRef, type VariableRef } from './scope';
import { fixtureRenameClash, fixtureVarOccurrences, type FixtureText } from './fixtureRefs';
import type { CancellationLike } from './host';
import { contains, type LineIndex, type Span } from './text';
import { locate } from './yamlPath';

export type Target =
  | { kind: 'input'; name: string; ref?: VariableRef; field?: SchemaField; span: Span }
  | { kind: 'ref'; ref: VariableRef; span: Span }
  | { kind: 'local'; local: Local; span: Span }
  | { kind: 'helper'; helper: HelperRef; span: Span }
  | { kind: 'partial'; partial: PartialRef; span: Span };

/** The name of a Picoschema key without `?` and `(type, description)`. */
function keyName(doc: PromptDocument, f: SchemaField): Span | undefined {
  if (!f.keySpan) return undefined;
  const text = doc.text.slice(f.keySpan.start, f.keySpan.end);
  const quote = /^["']/.test(text) ? 1 : 0;
  const at = text.indexOf(f.name, quote);
  return at >= 0 ? { start: f.keySpan.start + at, end: f.keySpan.start + at + f.name.length } : undefined;
}

export function targetAt(doc: PromptDocument, offset: number, options: AnalysisOptions = {}): Target | undefined {
  for (const f of doc.input.fields) {
    const span = keyName(doc, f);
    if (span && contains(span, offset)) return { kind: 'input', name: f.name, field: f, span };
  }
  if (offset < doc.template.span.start) return undefined;
  const a = analyze(doc, options);
  for (const p of a.partials) if (contains(p.span, offset)) return { kind: 'partial', partial: p, span: p.span };
  for (const h of a.helpers) if (contains(h.span, offset)) return { kind: 'helper', helper: h, span: h.span };
  for (const ref of a.refs) {
    if (!contains(ref.expr.span, offset)) continue;
    if (ref.kind === 'input' && ref.root && ref.rootSpan && contains(ref.rootSpan, offset)) {
      return { kind: 'input', name: ref.root, ref, field: declaredInputs(doc, options.schemas).find((f) => f.name === ref.root), span: ref.rootSpan };
    }
    if (ref.kind === 'local' && ref.local && ref.rootSpan && contains(ref.rootSpan, offset)) return { kind: 'local', local: ref.local, span: ref.rootSpan };
    return { kind: 'ref', ref, span: ref.expr.span };
  }
  for (const frameEntry of distinctFrames(a.framesAt)) for (const l of frameEntry.locals) if (contains(l.span, offset)) return { kind: 'local', local: l, span: l.span };
  return undefined;
}

function lineOf(doc: PromptDocument, span: Span | undefined): string {
  return span ? `line ${doc.lines.positionAt(span.start).line + 1}` : 'input.default';
}

export function hoverTemplate(doc: PromptDocument, offset: number, options: AnalysisOptions = {}): Hover | null {
  const own = formatOf(doc).navigation;
  if (own) return own.hover(doc, offset);
  const t = targetAt(doc, offset, options);
  if (!t || (t.kind === 'input' && !t.ref)) return null; // the frontmatter hover covers declarations
  const range = doc.lines.range(t.span.start, t.span.end);
  const md = (value: string): Hover => ({ contents: { kind: MarkupKind.Markdown, value }, range });
  switch (t.kind) {
    case 'input': {
      if (!t.field) return md(`**${t.name}**: not declared\n\n\`${t.name}\` is not declared in \`input.schema\`; it renders as an empty string unless a value is passed.`);
      const parts = [fieldMarkdown(t.field)];
      const def = doc.defaults[t.name];
      if (def !== undefined) parts.push(`Default: \`${JSON.stringify(def)}\``);
      parts.push(!t.field.keySpan && doc.input.style === 'named' ? '_Declared by the schema `input.schema` names (the project config\'s `schemas:`)._' : `_Declared in \`input.schema\`, ${lineOf(doc, t.field.keySpan)}._`);
      return md(parts.join('\n\n'));
    }
    case 'ref': {
      const r = t.ref;
      if (r.kind === 'data') {
        const d = formatOf(doc).template.dataVariables.find((x) => x.name === r.path[0]);
        return md(`**@${r.path[0]}**${d ? `\n\n${d.description}` : ''}`);
      }
      if (r.kind === 'this') return md('**this**: the current context (the item inside `{{#each}}`, the value inside `{{#with}}`).');
      if (r.field) return md(`${fieldMarkdown({ ...r.field, name: r.path.join('.') || r.expr.original })}\n\n_Field of input \`${r.root}\`._`);
      return md(`**${r.expr.original}**${r.declared ? '' : ': not declared'}`);
    }
    case 'local':
      return md(`**${t.local.name}**: block parameter, ${t.local.description}${t.local.context.kind === 'field' && t.local.context.field ? ` (\`${fieldTypeLabel(t.local.context.field)}\`)` : ''}.`);
    case 'helper': {
      const info = formatOf(doc).template.helper(t.helper.name);
      return md(info ? `**${info.name}** (${info.source} helper)\n\n\`${info.signature}\`\n\n${info.description}` : `**${t.helper.name}**: ${t.helper.known ? 'helper registered in code' : 'unknown helper'}`);
    }
    case 'partial': {
      const f = t.partial.file;
      return md(f ? `**partial ${f.name}**: \`_${f.name}.prompt\`\n\n\`\`\`handlebars\n${f.text.slice(0, 500)}${f.text.length > 500 ? '\n…' : ''}\n\`\`\`` : `**partial ${t.partial.name}**: not found`);
    }
  }
}

export function definition(doc: PromptDocument, offset: number, options: AnalysisOptions = {}): Location[] {
  const nav = formatOf(doc).navigation;
  if (nav) return nav.definition(doc, offset);
  const own = formatOf(doc).features?.definition;
  if (own) return own(doc, offset);
  const t = targetAt(doc, offset, options);
  if (!t) return [];
  const here = (span: Span): Location => ({ uri: doc.uri, range: doc.lines.range(span.start, span.end) });
  if (t.kind === 'input') {
    const span = t.field?.keySpan ?? defaultKeySpan(doc, t.name);
    return span ? [here(span)] : [];
  }
  if (t.kind === 'ref' && t.ref.field?.keySpan) return [here(t.ref.field.keySpan)];
  if (t.kind === 'local') return [here(t.local.span)];
  if (t.kind === 'partial' && t.partial.file) return [{ uri: t.partial.file.uri, range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } } }];
  return [];
}

function defaultKeySpan(doc: PromptDocument, name: string): Span | undefined {
  const yaml = doc.frontmatter.yaml;
  if (!yaml) return undefined;
  const { pair } = locate(yaml, ['input', 'default', name]);
  const r = pair?.key?.range;
  return r ? { start: doc.frontmatter.content.start + r[0], end: doc.frontmatter.content.start + r[1] } : undefined;
}

interface Occurrence {
  uri: string;
  lines: LineIndex;
  span: Span;
  declaration: boolean;
}

/** Navigation across files: the analysis options, and the fixture files whose cases may run this prompt. */
export interface NavigationOptions extends AnalysisOptions {
  /** Fixture files (`*.tests.yaml`) to search for the prompt's input names; only those that test this prompt are used. */
  fixtures?: readonly FixtureText[];
  /** The request's cancellation: the walk over the fixture files stops (throws `CancelledError`) once it is set. */
  token?: CancellationLike;
}

/** Every place an input variable is named: its declaration(s), its uses here and in partials, and its keys in fixture files. */
function occurrences(doc: PromptDocument, name: string, options: NavigationOptions): Occurrence[] {
  const out: Occurrence[] = [];
  const field = doc.input.fields.find((f) => f.name === name);
  const keySpan = field ? keyName(doc, field) : undefined;
  if (keySpan) out.push({ uri: doc.uri, lines: doc.lines, span: keySpan, declaration: true });
  const yaml = doc.frontmatter.yaml;
  const base = doc.frontmatter.content.start;
  const def = defaultKeySpan(doc, name);
  if (def) out.push({ uri: doc.uri, lines: doc.lines, span: def, declaration: true });
  if (yaml && doc.input.style === 'json-schema') {
    const required = locate(yaml, ['input', 'schema', 'required']).node;
    if (isSeq(required)) {
      for (const item of required.items as Node[]) {
        if (isScalar(item) && item.value === name && item.range) {
          const quote = /^["']/.test(doc.text[base + item.range[0]]) ? 1 : 0;
          out.push({ uri: doc.uri, lines: doc.lines, span: { start: base + item.range[0] + quote, end: base + item.range[0] + quote + name.length }, declaration: true });
        }
      }
    }
  }
  // A work list, not recursion: a chain of partials including each other is as long as the workspace makes it.
  const seen = new Set([doc.uri]);
  const todo = [doc];
  for (let d = todo.pop(); d; d = todo.pop()) {
    const a = analyze(d, options);
    for (const ref of a.refs) if (ref.kind === 'input' && ref.root === name && ref.rootSpan) out.push({ uri: d.uri, lines: d.lines, span: ref.rootSpan, declaration: false });
    const found: PromptDocument[] = [];
    for (const p of a.partials) {
      if (!p.file || !options.partials || seen.has(p.file.uri)) continue;
      seen.add(p.file.uri);
      found.push(options.partials.document(p.file));
    }
    todo.push(...found.reverse());
  }
  for (const o of fixtureVarOccurrences(doc.uri, name, options.fixtures ?? [], options.token)) out.push({ uri: o.file.uri, lines: o.file.lines, span: o.span, declaration: false });
  return out;
}

export function references(doc: PromptDocument, offset: number, includeDeclaration: boolean, options: NavigationOptions = {}): Location[] {
  const nav = formatOf(doc).navigation;
  if (nav) return nav.references(doc, offset, includeDeclaration, options);
  const own = formatOf(doc).features?.references;
  if (own) return own(doc, offset, includeDeclaration);
  const t = targetAt(doc, offset, options);
  if (!t) return [];
  if (t.kind === 'local') {
    const a = analyze(doc, options);
    const uses = a.refs.filter((r) => r.kind === 'local' && r.local === t.local && r.rootSpan).map((r) => r.rootSpan!);
    return [...(includeDeclaration ? [t.local.span] : []), ...uses].map((s) => ({ uri: doc.uri, range: doc.lines.range(s.start, s.end) }));
  }
  if (t.kind === 'partial') {
    return analyze(doc, options).partials.filter((p) => p.name === t.partial.name).map((p) => ({ uri: doc.uri, range: doc.lines.range(p.span.start, p.span.end) }));
  }
  if (t.kind !== 'input') return [];
  return occurrences(doc, t.name, options)
    .filter((o) => includeDeclaration || !o.declaration)
    .map((o) => ({ uri: o.uri, range: o.lines.range(o.span.start, o.span.end) }));
}

export function prepareRename(doc: PromptDocument, offset: number, options: AnalysisOptions = {}): { range: Range; placeholder: string } | null {
  const nav = formatOf(doc).navigation;
  if (nav) return nav.prepareRename(doc, offset);
  const own = formatOf(doc).features?.prepareRename;
  if (own) return own(doc, offset);
  const t = targetAt(doc, offset, options);
  if (t?.kind === 'input') return { range: doc.lines.range(t.span.start, t.span.end), placeholder: t.name };
  if (t?.kind === 'local') return { range: doc.lines.range(t.span.start, t.span.end), placeholder: t.local.name };
  return null;
}

const NAME_RE = /^[A-Za-z_$][\w$-]*$/;

export class RenameError extends Error {}

export function rename(doc: PromptDocument, offset: number, newName: string, options: NavigationOptions = {}): WorkspaceEdit | null {
  const nav = formatOf(doc).navigation;
  if (nav) {
    const r = nav.rename(doc, offset, newName, options);
    if (r && 'error' in r) throw new RenameError(r.error);
    return r ? r.edit : null;
  }
  const own = formatOf(doc).features?.rename;
  if (own) {
    try {
      return own(doc, offset, newName);
    } catch (e) {
      throw new RenameError(e instanceof Error ? e.message : String(e));
    }
  }
  const t = targetAt(doc, offset, options);
  if (!t || (t.kind !== 'input' && t.kind !== 'local')) return null;
  if (!NAME_RE.test(newName)) throw new RenameError(`\`${newName}\` is not a valid variable name: use letters, digits, \`_\`, \`$\` or \`-\`, not starting with a digit.`);
  const changes: Record<string, TextEdit[]> = {};
  const add = (uri: string, lines: LineIndex, span: Span) => {
    (changes[uri] ??= []).push({ range: lines.range(span.start, span.end), newText: newName });
  };
  if (t.kind === 'local') {
    for (const l of references(doc, offset, true, options)) (changes[l.uri] ??= []).push({ range: l.range, newText: newName });
    return { changes };
  }
  if (declaredInputs(doc).some((f) => f.name === newName)) throw new RenameError(`An input named \`${newName}\` is already declared.`);
  const clash = t.name === newName ? undefined : fixtureRenameClash(doc.uri, t.name, newName, options.fixtures ?? [], options.token);
  if (clash) throw new RenameError(`${decodeURIComponent(clash.file.uri.split('/').pop() ?? clash.file.uri)} already sets \`${newName}\` in ${clash.where} (line ${clash.line + 1}): renaming would give it two values. Remove one first.`);
  for (const o of occurrences(doc, t.name, options)) add(o.uri, o.lines, o.span);
  return { changes };
}

