// Completion in the frontmatter: keys of the mapping at the cursor (config keys filtered by the
// model's family) and enum values, all from the schema's documentation tree.
import { CompletionItemKind, InsertTextFormat, MarkupKind, type CompletionItem, type CompletionList } from 'vscode-languageserver-types';
import type { PromptDocument } from './document';
import { keyInfoAt, modelFamily, type KeyInfo } from './keys';
import { SCALAR_TYPES } from './picoschema';
import { outputFormatDoc } from './schema';
import { yamlCursor } from './yamlContext';

function keyDocumentation(info: KeyInfo) {
  return { kind: MarkupKind.Markdown, value: `\`${info.type}\`\n\n${info.description}` };
}

function keySnippet(info: KeyInfo): string {
  if (info.children) return `${info.key}:\n  $0`;
  if (info.enumValues) return `${info.key}: \${1|${info.enumValues.join(',')}|}`;
  if (info.type.endsWith('[]')) return `${info.key}:\n  - $0`;
  return `${info.key}: $0`;
}

export function completeFrontmatter(doc: PromptDocument, offset: number): CompletionList | null {
  const cursor = yamlCursor(doc, offset);
  if (!cursor) return null;
  const range = doc.lines.range(cursor.prefixStart, offset);
  const items: CompletionItem[] = [];

  if (cursor.mode === 'key') {
    const parent = keyInfoAt(cursor.path);
    if (!parent?.children) return { isIncomplete: false, items };
    const family = modelFamily(doc.model);
    for (const info of parent.children.values()) {
      if (cursor.siblings.has(info.key)) continue;
      const forOtherFamily = info.families && family && !info.families.includes(family);
      if (forOtherFamily) continue;
      items.push({
        label: info.key,
        kind: info.children ? CompletionItemKind.Module : CompletionItemKind.Property,
        detail: info.families ? `${info.type} · ${info.families.join(', ')}` : info.type,
        documentation: keyDocumentation(info),
        textEdit: { range, newText: keySnippet(info) },
        insertTextFormat: InsertTextFormat.Snippet,
        // Common keys first, provider-specific ones after.
        sortText: `${info.families ? '1' : '0'}${info.key}`,
        command: info.children || info.enumValues ? { title: 'Suggest', command: 'editor.action.triggerSuggest' } : undefined,
      });
    }
    return { isIncomplete: false, items };
  }

  const key = cursor.key!;
  const info = keyInfoAt([...cursor.path, key]);
  if (info?.enumValues) {
    for (const value of info.enumValues) {
      const doc = [cursor.path.join('.'), key].filter(Boolean).join('.') === 'output.format' ? outputFormatDoc(value) : undefined;
      items.push({ label: value, kind: CompletionItemKind.EnumMember, detail: info.path.join('.'), documentation: doc, textEdit: { range, newText: value } });
    }
  } else if (cursor.path[0] === 'input' && cursor.path[1] === 'schema' || cursor.path[0] === 'output' && cursor.path[1] === 'schema') {
    // Picoschema field types.
    for (const type of SCALAR_TYPES) {
      items.push({ label: type, kind: CompletionItemKind.TypeParameter, detail: 'Picoschema type', textEdit: { range, newText: type } });
    }
  }
  return { isIncomplete: false, items };
}
