// Folding: the frontmatter, multi-line YAML mappings and lists, template blocks, the messages of
// the shared model that have a role marker, and long comments.
import { FoldingRangeKind, type FoldingRange } from 'vscode-languageserver-types';
import { isMap, isSeq, type Node, type Pair } from 'yaml';
import type { PromptDocument } from './document';
import { markerSpan } from './formats/model';
import { allBlocks } from './template';

export function foldingRanges(doc: PromptDocument): FoldingRange[] {
  const out: FoldingRange[] = [];
  const lines = doc.lines;
  const add = (start: number, end: number, kind?: string) => {
    const a = lines.lineAt(start);
    let b = lines.lineAt(end);
    // Keep the closing line (`{{/each}}`, `---`) visible when the range ends on it.
    if (b > a && end > 0 && lines.lineStart(b) === end) b--;
    if (b > a) out.push({ startLine: a, endLine: b, kind });
  };
  const fm = doc.frontmatter;
  if (fm.present) {
    add(fm.span.start, Math.max(fm.span.start, fm.span.end - 1), FoldingRangeKind.Region);
    const walk = (node: Node | null | undefined) => {
      if (isMap(node)) {
        for (const pair of node.items as Pair<Node, Node | null>[]) {
          const v = pair.value;
          if ((isMap(v) || isSeq(v)) && pair.key?.range && v.range) {
            add(fm.content.start + pair.key.range[0], fm.content.start + v.range[1]);
            walk(v);
          }
        }
      } else if (isSeq(node)) {
        for (const item of node.items as Node[]) walk(item);
      }
    };
    walk(fm.yaml?.contents as Node | undefined);
  }
  for (const b of allBlocks(doc.template.blocks)) add(b.open.span.start, b.close ? lines.lineStart(lines.lineAt(b.close.span.start)) : b.span.end);
  for (const m of doc.prompt.messages) if (markerSpan(m)) add(m.span.start, Math.max(m.span.start, m.span.end - 1));
  for (const t of doc.template.tags) if (t.kind === 'comment') add(t.span.start, t.span.end, FoldingRangeKind.Comment);
  return out;
}
