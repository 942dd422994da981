// Completion inside `{{ }}`: declared inputs with their types, fields of nested paths, block
// parameters, `this` and `@data` variables in scope, the format's helpers (block helpers as snippets
// that insert the closing tag), partial names after `{{>`, and the block to close after `{{/`.
import { CompletionItemKind, InsertTextFormat, MarkupKind, type CompletionItem, type CompletionList } from 'vscode-languageserver-types';
import type { PromptDocument } from './document';
import { fieldTypeLabel } from './formats/model';
import { formatOf } from './formats/registry';
import type { SchemaField, TemplateLanguage } from './formats/types';
import { analyze, declaredInputs, type AnalysisOptions, type Context, type Frame } from './scope';
import type { SchemaLibrary } from './formats/types';
import type { Tag } from './template';

function fieldDoc(doc: PromptDocument, f: SchemaField, path: string[]) {
  const parts: string[] = [];
  if (f.description) parts.push(f.description);
  const def = path.length === 1 ? doc.defaults[path[0]] : undefined;
  if (def !== undefined) parts.push(`Default: \`${JSON.stringify(def)}\``);
  parts.push(path.length === 1 ? '_Declared in `input.schema`._' : `_Field of \`${path.slice(0, -1).join('.')}\`._`);
  return { kind: MarkupKind.Markdown, value: parts.join('\n\n') };
}

function childrenOf(doc: PromptDocument, ctx: Context, schemas?: SchemaLibrary): { fields: SchemaField[]; path: string[] } | undefined {
  if (ctx.kind === 'root') return { fields: declaredInputs(doc, schemas), path: [] };
  if (ctx.kind === 'field' && ctx.field?.type === 'object' && ctx.field.children) return { fields: ctx.field.children, path: ctx.path };
  return undefined;
}

function resolvePath(doc: PromptDocument, frames: Frame[], parts: string[], data: boolean, schemas?: SchemaLibrary): Context {
  let ctx: Context = frames[frames.length - 1].context;
  let rest = parts;
  if (data) {
    if (parts[0] !== 'root') return { kind: 'unknown' };
    ctx = { kind: 'root' };
    rest = parts.slice(1);
  } else if (parts[0] === 'this') {
    rest = parts.slice(1);
  } else if (parts.length) {
    for (let i = frames.length - 1; i >= 0; i--) {
      const local = frames[i].locals.find((l) => l.name === parts[0]);
      if (local) {
        ctx = local.context;
        rest = parts.slice(1);
        break;
      }
    }
  }
  for (const p of rest) {
    const kids = childrenOf(doc, ctx, schemas);
    const f = kids?.fields.find((x) => x.name === p);
    if (!f) return { kind: 'unknown' };
    ctx = { kind: 'field', path: [...kids!.path, p], field: f.type === 'array' ? f : f, item: false };
  }
  return ctx;
}

export function completeTemplate(doc: PromptDocument, offset: number, options: AnalysisOptions = {}): CompletionList | null {
  const tags = doc.template.tags;
  const index = tags.findIndex((t) => offset > t.span.start + 1 && (t.closed ? offset <= t.span.end - 2 : offset <= t.span.end));
  if (index < 0) return null;
  const tag = tags[index];
  if (tag.kind === 'comment' || tag.kind === 'raw-block' || tag.kind === 'json-text') return null;
  const text = doc.text;
  let innerStart = tag.span.start + 2;
  if (text[innerStart] === '{') innerStart++;
  if (text[innerStart] === '~') innerStart++;
  const before = text.slice(innerStart, offset);
  if (/["']/.test(before.replace(/"[^"]*"|'[^']*'/g, ''))) return null; // inside a string literal
  const sigil = /^(#>|#\*|#|\/|>|\^|&)?/.exec(before)![1] ?? '';
  const afterSigil = before.slice(sigil.length);
  const word = pathSuffix(afterSigil);
  const atHead = afterSigil.trimStart() === word && !/^\s*else\b/.test(afterSigil);
  const lines = doc.lines;
  const analysis = analyze(doc, options);
  const frames = analysis.framesAt[index] ?? [{ context: { kind: 'root' }, locals: [], inEach: false, changesContext: false }];
  const closeFollows = text.startsWith('}}', offset) || (tag.closed && text.slice(offset, tag.span.end).trim().startsWith('}}'));
  const items: CompletionItem[] = [];

  // The segment being replaced: after the last `.`, `/` or at `@`.
  const lastSep = Math.max(word.lastIndexOf('.'), word.lastIndexOf('/'));
  const segStart = offset - (word.length - (lastSep + 1));
  const range = lines.range(segStart, offset);

  if (sigil === '/') {
    const open = doc.template.tags.slice(0, index).reverse();
    const names: string[] = [];
    let depth = 0;
    for (const t of open) {
      if (t.kind === 'block-close') depth++;
      else if (t.kind === 'block-open' || t.kind === 'inverse-open' || t.kind === 'partial-block-open' || t.kind === 'decorator-block-open') {
        if (depth === 0 && t.name) names.push(t.kind === 'decorator-block-open' ? t.name.replace(/^\*/, '') : t.name);
        else depth--;
      }
    }
    names.slice(0, 1).forEach((n) => items.push({ label: n, kind: CompletionItemKind.Keyword, detail: `closes {{#${n}}}`, textEdit: { range, newText: closeFollows ? n : `${n}}}` } }));
    return { isIncomplete: false, items };
  }

  if ((sigil === '>' || sigil === '#>') && atHead) {
    const inline = tags.filter((t) => t.kind === 'decorator-block-open' && t.params[0]?.kind === 'literal').map((t) => String((t.params[0] as { value: unknown }).value));
    for (const name of new Set([...(options.partials?.names() ?? []), ...inline])) {
      const file = options.partials?.resolve(name, doc.uri);
      items.push({
        label: name,
        kind: CompletionItemKind.Module,
        detail: file ? `partial · _${name}.prompt` : 'inline partial',
        documentation: file ? { kind: MarkupKind.Markdown, value: '```handlebars\n' + file.text.slice(0, 400) + (file.text.length > 400 ? '\n…' : '') + '\n```' } : undefined,
        textEdit: { range: lines.range(offset - word.length, offset), newText: name },
      });
    }
    return { isIncomplete: false, items };
  }

  if (word.includes('.') || word.startsWith('../')) {
    const pathText = word.slice(0, lastSep);
    const data = pathText.startsWith('@');
    const parts = pathText.replace(/^@/, '').split(/[./]/).filter((p) => p && p !== '..');
    const depth = (word.match(/\.\.\//g) ?? []).length;
    let usable = frames;
    if (depth) {
      let remaining = depth;
      let i = frames.length - 1;
      while (remaining > 0 && i > 0) {
        if (frames[i].changesContext) remaining--;
        i--;
      }
      usable = frames.slice(0, i + 1);
    }
    const ctx = resolvePath(doc, usable, parts, data, options.schemas);
    const kids = childrenOf(doc, ctx, options.schemas);
    for (const f of kids?.fields ?? []) {
      items.push({ label: f.name, kind: CompletionItemKind.Field, detail: fieldTypeLabel(f), documentation: fieldDoc(doc, f, [...kids!.path, f.name]), textEdit: { range, newText: f.name } });
    }
    return { isIncomplete: false, items };
  }

  const atRange = lines.range(offset - word.length, offset);
  const inEach = frames.some((f) => f.inEach);
  const language = formatOf(doc).template;
  for (const d of language.dataVariables) {
    if (d.eachOnly && !inEach) continue;
    items.push({ label: `@${d.name}`, kind: CompletionItemKind.Constant, detail: 'data variable', documentation: { kind: MarkupKind.Markdown, value: d.description }, textEdit: { range: atRange, newText: `@${d.name}` }, sortText: `3@${d.name}` });
  }
  if (word.startsWith('@')) return { isIncomplete: false, items };

  const current = frames[frames.length - 1].context;
  const kids = childrenOf(doc, current, options.schemas);
  for (const f of kids?.fields ?? []) {
    items.push({ label: f.name, kind: kids!.path.length ? CompletionItemKind.Field : CompletionItemKind.Variable, detail: fieldTypeLabel(f), documentation: fieldDoc(doc, f, [...kids!.path, f.name]), textEdit: { range: atRange, newText: f.name }, sortText: `0${f.name}` });
  }
  const seen = new Set<string>();
  for (let i = frames.length - 1; i >= 0; i--) {
    for (const l of frames[i].locals) {
      if (seen.has(l.name)) continue;
      seen.add(l.name);
      items.push({ label: l.name, kind: CompletionItemKind.Variable, detail: 'block parameter', documentation: { kind: MarkupKind.Markdown, value: `Block parameter: ${l.description}.` }, textEdit: { range: atRange, newText: l.name }, sortText: `0${l.name}` });
    }
  }
  if (current.kind !== 'root') items.push({ label: 'this', kind: CompletionItemKind.Keyword, detail: 'the current item', textEdit: { range: atRange, newText: 'this' }, sortText: '1this' });

  if (atHead) items.push(...helperItems(language, sigil, atRange, closeFollows, tag, options));
  return { isIncomplete: false, items };
}

function helperItems(language: TemplateLanguage, sigil: string, range: CompletionItem['textEdit'] extends infer _ ? any : never, closeFollows: boolean, tag: Tag, options: AnalysisOptions): CompletionItem[] {
  const items: CompletionItem[] = [];
  const isBlockContext = sigil === '#';
  if (sigil && !isBlockContext) return items;
  for (const h of language.helpers) {
    if (isBlockContext && !h.block) continue;
    let body = h.snippet;
    if (isBlockContext) body = body.replace(/^#/, '');
    if (!closeFollows || tag.kind === 'block-open' && !tag.closed) body += '}}';
    items.push({
      label: h.name,
      kind: h.block ? CompletionItemKind.Keyword : CompletionItemKind.Function,
      detail: `${h.source} helper`,
      documentation: { kind: MarkupKind.Markdown, value: `\`${h.signature}\`\n\n${h.description}` },
      insertTextFormat: InsertTextFormat.Snippet,
      textEdit: { range, newText: body },
      sortText: `2${h.name}`,
    });
  }
  for (const name of options.customHelpers ?? []) {
    if (language.helper(name)) continue;
    items.push({ label: name, kind: CompletionItemKind.Function, detail: 'helper registered in code (setting)', textEdit: { range, newText: name }, sortText: `2${name}` });
  }
  return items;
}

const PATH_CHAR = /[\w$.\-/]/;

/**
 * The path expression that ends the text (`../@index`, `user.name`, `@ro`): what the regex
 * `(?:\.\.\/)*@?[\w$.\-/]*$` matches, found by a scan from the end, which stays linear on a
 * long run of path characters where the regex would retry from every one of them.
 */
function pathSuffix(text: string): string {
  let i = text.length;
  while (i > 0 && PATH_CHAR.test(text[i - 1])) i--;
  if (i > 0 && text[i - 1] === '@') {
    i--;
    while (i >= 3 && text.startsWith('../', i - 3)) i -= 3;
  }
  return text.slice(i);
}
