// Edits of a Dotprompt file's frontmatter that the shared features ask the front-end for (the
// missing-max-tokens quick fix), written the way a person would: under `config`, in its indentation.
import { isMap, isScalar, type Node, type Pair } from 'yaml';
import type { TextEdit } from 'vscode-languageserver-types';
import type { PromptDocument } from '../../document';
import { locate } from '../../yamlPath';

function eol(doc: PromptDocument): string {
  return doc.text.includes('\r\n') ? '\r\n' : '\n';
}

function column(doc: PromptDocument, offset: number): number {
  return offset - doc.lines.lineStart(doc.lines.lineAt(offset));
}

/** Adds `key: value` under `config`, creating `config:` (or the frontmatter) when needed; undefined when the YAML's shape allows no safe edit. */
export function addConfigEdit(doc: PromptDocument, key: string, value: string): TextEdit | undefined {
  const fm = doc.frontmatter;
  const nl = eol(doc);
  const at = (offset: number, text: string): TextEdit => ({ range: doc.lines.range(offset, offset), newText: text.replace(/\n/g, nl) });
  if (!fm.present) return at(doc.template.span.start, `---\nconfig:\n  ${key}: ${value}\n---\n`);
  if (!fm.closed || !fm.yaml || fm.yaml.errors.length) return undefined;
  const base = fm.content.start;
  const config = locate(fm.yaml, ['config']);
  if (config.pair) {
    const node = config.node;
    if (isMap(node) && node.flow && node.items.length) return undefined;
    const keyStart = base + config.pair.key.range![0];
    if (isMap(node) && node.items.length) {
      const pairs = node.items as Pair<Node, Node | null>[];
      const indent = ' '.repeat(column(doc, base + pairs[0].key.range![0]));
      const last = pairs[pairs.length - 1];
      const lastEnd = base + (last.value?.range?.[1] ?? last.key.range![1]);
      const endLine = doc.lines.lineAt(Math.max(keyStart, lastEnd - 1));
      return at(doc.lines.lineEnd(endLine), `\n${indent}${key}: ${value}`);
    }
    if (node == null || (isScalar(node) && node.value == null) || (isMap(node) && !node.items.length)) {
      const indent = ' '.repeat(column(doc, keyStart) + 2);
      const line = doc.lines.lineAt(keyStart);
      const lineEnd = doc.lines.lineEnd(line);
      const rest = doc.text.slice(keyStart, lineEnd);
      const colon = rest.indexOf(':');
      // `config: {}` or `config:` alone: rewrite the value part.
      return { range: doc.lines.range(keyStart + colon + 1, lineEnd), newText: `${nl}${indent}${key}: ${value}` };
    }
    return undefined;
  }
  if (fm.value == null) return at(fm.content.start, `config:\n  ${key}: ${value}\n`);
  if (!isMap(fm.yaml.contents) || fm.yaml.contents.flow) return undefined;
  // After the `model:` line when there is one, else at the end of the frontmatter.
  const model = locate(fm.yaml, ['model']);
  if (model.pair && model.node?.range) {
    const end = base + model.node.range[1];
    return at(doc.lines.lineEnd(doc.lines.lineAt(Math.max(base, end - 1))), `\nconfig:\n  ${key}: ${value}`);
  }
  return at(fm.content.end, `${fm.content.end > fm.content.start ? '\n' : ''}config:\n  ${key}: ${value}`);
}
