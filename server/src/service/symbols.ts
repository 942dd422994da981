// The outline: frontmatter keys (nested), then the prompt's messages from the shared model, with
// the template blocks inside each.
import { SymbolKind, type DocumentSymbol } from 'vscode-languageserver-types';
import { isMap, isScalar, isSeq, type Node, type Pair } from 'yaml';
import type { PromptDocument } from './document';
import { markerSpan } from './formats/model';
import type { Block } from './template';

function yamlSymbols(doc: PromptDocument, node: Node | null | undefined, base: number): DocumentSymbol[] {
  if (!isMap(node)) return [];
  const out: DocumentSymbol[] = [];
  for (const pair of node.items as Pair<Node, Node | null>[]) {
    const k = pair.key;
    if (!isScalar(k) || !k.range) continue;
    const v = pair.value;
    const end = v?.range ? v.range[1] : k.range[1];
    const kind = isMap(v) ? SymbolKind.Object : isSeq(v) ? SymbolKind.Array : typeof (isScalar(v) ? v.value : undefined) === 'number' ? SymbolKind.Number : SymbolKind.Property;
    const detail = isScalar(v) && v.value != null ? String(v.value).slice(0, 60) : undefined;
    out.push({
      name: String(k.value),
      detail,
      kind,
      range: doc.lines.range(base + k.range[0], base + Math.max(end, k.range[1])),
      selectionRange: doc.lines.range(base + k.range[0], base + k.range[1]),
      children: yamlSymbols(doc, v, base),
    });
  }
  return out;
}

/**
 * Outline entries nest no deeper than this below a message: the LSP message and the editor's
 * outline are nested objects that their serialisers walk recursively.
 */
const MAX_OUTLINE_DEPTH = 100;

function blockSymbol(doc: PromptDocument, root: Block): DocumentSymbol {
  const make = (b: Block): DocumentSymbol => {
    const head = doc.text.slice(b.open.span.start, b.open.span.end).replace(/\s+/g, ' ');
    return {
      name: head.length > 60 ? head.slice(0, 59) + '…' : head,
      kind: SymbolKind.Struct,
      range: doc.lines.range(b.span.start, b.span.end),
      selectionRange: doc.lines.range(b.open.span.start, b.open.span.end),
      children: [],
    };
  };
  const top = make(root);
  const stack: [Block, DocumentSymbol, number][] = [[root, top, 1]];
  while (stack.length) {
    const [b, symbol, depth] = stack.pop()!;
    if (depth >= MAX_OUTLINE_DEPTH) continue;
    for (const c of b.children) {
      const child = make(c);
      symbol.children!.push(child);
      stack.push([c, child, depth + 1]);
    }
  }
  return top;
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
    symbols.push({
      name: 'frontmatter',
      kind: SymbolKind.Module,
      range: doc.lines.range(fm.span.start, fm.span.end),
      selectionRange: doc.lines.range(fm.span.start, fm.span.start + 3),
      children: yamlSymbols(doc, fm.yaml?.contents as Node | undefined, fm.content.start),
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
      children: blocks.map((b) => blockSymbol(doc, b)),
    });
  }
  return symbols;
}
