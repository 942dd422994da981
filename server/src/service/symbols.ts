// The outline: frontmatter keys (nested), then the prompt's messages from the shared model, with
// the template blocks inside each.
import { SymbolKind, type DocumentSymbol } from 'vscode-languageserver-types';
import { isMap, isScalar, isSeq, type Node, type Pair, type Scalar } from 'yaml';
import type { PromptDocument } from './document';
import { markerSpan } from './formats/model';
import type { Block } from './template';

/**
 * Outline levels shown; anything deeper joins the deepest level shown. Nobody reads a deeper
 * outline, and an answer nested thousands of levels deep overflows the stack, here and in the
 * `JSON.stringify` that sends it.
 */
export const MAX_OUTLINE_DEPTH = 64;

/** Builds a tree level by level with an explicit stack, so no input depth grows the JavaScript stack. */
function nested<T>(roots: readonly T[], depth: number, symbol: (item: T) => DocumentSymbol, children: (item: T) => readonly T[]): DocumentSymbol[] {
  const top: DocumentSymbol[] = [];
  const work: { items: readonly T[]; into: DocumentSymbol[]; depth: number }[] = [{ items: roots, into: top, depth }];
  while (work.length) {
    const { items, into, depth: level } = work.pop()!;
    for (const item of items) {
      const s = symbol(item);
      into.push(s);
      const kids = children(item);
      if (!kids.length) continue;
      if (level < MAX_OUTLINE_DEPTH) work.push({ items: kids, into: (s.children = []), depth: level + 1 });
      else work.push({ items: kids, into, depth: level });
    }
  }
  return top;
}

function yamlPairs(node: Node | null | undefined): Pair<Node, Node | null>[] {
  return isMap(node) ? (node.items as Pair<Node, Node | null>[]).filter((p) => isScalar(p.key) && p.key.range) : [];
}

function yamlSymbols(doc: PromptDocument, node: Node | null | undefined, base: number, depth: number): DocumentSymbol[] {
  return nested(
    yamlPairs(node),
    depth,
    (pair) => {
      const k = pair.key as Scalar & { range: [number, number, number] };
      const v = pair.value;
      const end = v?.range ? v.range[1] : k.range[1];
      const kind = isMap(v) ? SymbolKind.Object : isSeq(v) ? SymbolKind.Array : typeof (isScalar(v) ? v.value : undefined) === 'number' ? SymbolKind.Number : SymbolKind.Property;
      const detail = isScalar(v) && v.value != null ? String(v.value).slice(0, 60) : undefined;
      return {
        name: String(k.value),
        detail,
        kind,
        range: doc.lines.range(base + k.range[0], base + Math.max(end, k.range[1])),
        selectionRange: doc.lines.range(base + k.range[0], base + k.range[1]),
        children: [],
      };
    },
    (pair) => yamlPairs(pair.value),
  );
}

function blockSymbol(doc: PromptDocument, b: Block): DocumentSymbol {
  // Only the start of the tag is shown: no need to normalise the whitespace of a long one.
  const head = doc.text.slice(b.open.span.start, Math.min(b.open.span.end, b.open.span.start + 200)).replace(/\s+/g, ' ');
  return {
    name: head.length > 60 ? head.slice(0, 59) + '…' : head,
    kind: SymbolKind.Struct,
    range: doc.lines.range(b.span.start, b.span.end),
    selectionRange: doc.lines.range(b.open.span.start, b.open.span.end),
    children: [],
  };
}

/** The first line with text (the message's text trimmed, up to its first line break), without copying the rest. */
function firstLine(text: string, start: number, end: number): string {
  let from = start;
  while (from < end && /\s/.test(text[from])) from++;
  const nl = text.indexOf('\n', from);
  if (nl < 0 || nl >= end) return text.slice(from, end).trimEnd();
  return text.slice(from, text[nl - 1] === '\r' ? nl - 1 : nl);
}

export function documentSymbols(doc: PromptDocument): DocumentSymbol[] {
  const symbols: DocumentSymbol[] = [];
  const fm = doc.frontmatter;
  if (fm.present) {
    // A whole-YAML file (GitHub Models) holds its messages inside its settings: not "frontmatter".
    const whole = doc.prompt.messages.some((m) => m.span.start >= fm.span.start && m.span.end <= fm.span.end);
    symbols.push({
      name: whole ? 'settings' : 'frontmatter',
      kind: SymbolKind.Module,
      range: doc.lines.range(fm.span.start, fm.span.end),
      selectionRange: doc.lines.range(fm.span.start, fm.span.start + 3),
      children: yamlSymbols(doc, fm.yaml?.contents as Node | undefined, fm.content.start, 2),
    });
  }
  for (const m of doc.prompt.messages) {
    const firstText = firstLine(doc.text, m.contentSpan.start, m.contentSpan.end);
    const blocks = doc.template.blocks.filter((b) => b.span.start >= m.span.start && b.span.start < m.span.end);
    const selection = markerSpan(m) ?? { start: m.span.start, end: m.span.start };
    symbols.push({
      name: m.kind === 'history' ? 'history' : m.role || '(role)',
      detail: firstText.length > 60 ? firstText.slice(0, 59) + '…' : firstText,
      kind: m.kind === 'history' ? SymbolKind.Array : SymbolKind.Namespace,
      range: doc.lines.range(m.span.start, m.span.end),
      selectionRange: doc.lines.range(selection.start, selection.end),
      children: nested(blocks, 2, (b) => blockSymbol(doc, b), (b) => b.children),
    });
  }
  return symbols;
}
