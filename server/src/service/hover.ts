// Hover in the frontmatter: the documentation of the key under the cursor (or of the key whose
// value it is) and of documented values, from the document's format's schema, and the declared
// type of an input field.
import { MarkupKind, type Hover } from 'vscode-languageserver-types';
import { isMap, isScalar, isSeq, type Node, type Pair } from 'yaml';
import type { PromptDocument } from './document';
import { fieldTypeLabel } from './formats/model';
import { formatOf } from './formats/registry';
import type { SchemaField } from './formats/types';
import { contains, type Span } from './text';
import { isStatusPath, lifecycleOf, statusHover } from './catalog/lifecycle';
import type { FrontmatterContext } from './completion';

export interface Hit {
  path: string[];
  /** The key or the value under the cursor. */
  part: 'key' | 'value';
  span: Span;
  value?: unknown;
}

export function findPair(node: Node | null | undefined, rel: number, path: string[]): Hit | undefined {
  if (isMap(node)) {
    for (const pair of node.items as Pair<Node, Node | null>[]) {
      const k = pair.key;
      if (!isScalar(k) || !k.range) continue;
      const key = String(k.value);
      if (rel >= k.range[0] && rel <= k.range[1]) return { path: [...path, key], part: 'key', span: { start: k.range[0], end: k.range[1] } };
      const v = pair.value;
      if (v?.range && rel >= v.range[0] && rel <= v.range[1]) {
        if (isScalar(v)) return { path: [...path, key], part: 'value', span: { start: v.range[0], end: v.range[1] }, value: v.value };
        return findPair(v, rel, [...path, key]);
      }
    }
  } else if (isSeq(node)) {
    for (const item of node.items as Node[]) {
      if (!item?.range || rel < item.range[0] || rel > item.range[1]) continue;
      // An item of a list of values (`model: [a, b]`, `tools:` items) is a value of the list's key.
      if (isScalar(item)) return { path, part: 'value', span: { start: item.range[0], end: item.range[1] }, value: item.value };
      return findPair(item, rel, path);
    }
  }
  return undefined;
}

function findField(fields: SchemaField[], offset: number): SchemaField | undefined {
  for (const f of fields) {
    if (f.keySpan && contains(f.keySpan, offset)) return f;
    const nested = f.children ?? f.items?.children;
    if (nested && f.span && contains(f.span, offset)) {
      const inner = findField(nested, offset);
      if (inner) return inner;
    }
  }
  return undefined;
}

export function fieldMarkdown(f: SchemaField): string {
  const parts = [`**${f.name}**${f.optional ? ' (optional)' : ''}: \`${fieldTypeLabel(f)}\``];
  if (f.description) parts.push(f.description);
  return parts.join('\n\n');
}

export function hoverFrontmatter(doc: PromptDocument, offset: number, context: FrontmatterContext = {}): Hover | null {
  const fm = doc.frontmatter;
  const schema = formatOf(doc).schema;
  if (!schema || !fm.yaml || offset < fm.content.start || offset > fm.content.end) return null;
  const field = findField(doc.input.fields, offset);
  if (field?.keySpan) {
    return { contents: { kind: MarkupKind.Markdown, value: `${fieldMarkdown(field)}\n\n_Input variable declared in ${schema.inputsLabel}._` }, range: doc.lines.range(field.keySpan.start, field.keySpan.end) };
  }
  const base = fm.content.start;
  const hit = findPair(fm.yaml.contents as Node, offset - base, []);
  if (!hit) return null;
  const info = schema.keyInfoAt(hit.path);
  const range = doc.lines.range(base + hit.span.start, base + hit.span.end);
  if (!info) {
    const unlisted = schema.unlistedKeyDoc(hit.path);
    return unlisted ? { contents: { kind: MarkupKind.Markdown, value: `**${hit.path.join('.')}**\n\n${unlisted}` }, range } : null;
  }
  const lines = [`**${info.path.join('.')}**: \`${info.type}\``, info.description];
  if (info.families) {
    const family = schema.modelFamily(doc.prompt.model?.value);
    lines.push(`Accepted by: ${info.families.join(', ')}${family && !info.families.includes(family) ? ` (not by \`${family}\`, the family of this prompt's model)` : ''}.`);
  }
  if (hit.part === 'value' && typeof hit.value === 'string') {
    const meaning = isStatusPath(info.path) ? statusHover(lifecycleOf(context.catalog), hit.value) : schema.valueDoc(info.path, hit.value);
    if (meaning) lines.push(isStatusPath(info.path) ? meaning : `\`${hit.value}\`: ${meaning}`);
  }
  return { contents: { kind: MarkupKind.Markdown, value: lines.join('\n\n') }, range };
}
