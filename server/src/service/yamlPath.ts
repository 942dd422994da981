// Finding a YAML node by its path of keys, and wording a value for messages: shared by everything
// that reads YAML with ranges (settings, fixture files, the lint config).
import { isMap, isScalar, isSeq, type Document, type Node, type Pair } from 'yaml';

export interface Located {
  pair?: Pair<Node, Node | null>;
  node?: Node | null;
}

/** The YAML pair and value node at a path of keys / indexes. */
export function locate(doc: Document, path: readonly PropertyKey[]): Located {
  let node: Node | null | undefined = doc.contents as Node | null;
  let pair: Pair<Node, Node | null> | undefined;
  for (const seg of path) {
    if (isMap(node)) {
      pair = (node.items as Pair<Node, Node | null>[]).find((p) => isScalar(p.key) && String(p.key.value) === String(seg));
      if (!pair) return { pair: undefined, node: undefined };
      node = pair.value;
    } else if (isSeq(node) && typeof seg === 'number') {
      node = node.items[seg] as Node | null;
      pair = undefined;
    } else {
      return { pair, node: undefined };
    }
  }
  return { pair, node };
}

export function describeValue(value: unknown): string {
  if (value === null || value === undefined) return 'nothing';
  if (typeof value === 'string') return `the text "${value.length > 40 ? value.slice(0, 40) + '…' : value}"`;
  if (typeof value === 'number') return `the number ${value}`;
  if (typeof value === 'boolean') return `\`${value}\``;
  if (Array.isArray(value)) return 'a list';
  return 'a mapping';
}
