// Completion in the frontmatter: keys of the mapping at the cursor (keys only some providers
// accept filtered by the model's family) and values, all from the document's format's schema.
import { CompletionItemKind, InsertTextFormat, MarkupKind, type CompletionItem, type CompletionList } from 'vscode-languageserver-types';
import type { PromptDocument } from './document';
import { formatOf } from './formats/registry';
import type { KeyInfo } from './formats/types';
import { isStatusPath, lifecycleOf, statusChoices } from './catalog/lifecycle';
import type { CatalogConfig } from './lint/config';
import { yamlCursor } from './yamlContext';

/** What frontmatter completion and hover read from the project config: the lifecycle's status names. */
export interface FrontmatterContext {
  catalog?: CatalogConfig;
}

function keyDocumentation(info: KeyInfo) {
  return { kind: MarkupKind.Markdown, value: `\`${info.type}\`\n\n${info.description}` };
}

function keySnippet(info: KeyInfo): string {
  if (info.children) return `${info.key}:\n  $0`;
  if (info.enumValues) return `${info.key}: \${1|${info.enumValues.join(',')}|}`;
  if (info.type.endsWith('[]')) return `${info.key}:\n  - $0`;
  return `${info.key}: $0`;
}

export function completeFrontmatter(doc: PromptDocument, offset: number, context: FrontmatterContext = {}): CompletionList | null {
  const schema = formatOf(doc).schema;
  const cursor = schema && yamlCursor(doc, offset);
  if (!schema || !cursor) return null;
  const range = doc.lines.range(cursor.prefixStart, offset);
  const items: CompletionItem[] = [];

  if (cursor.mode === 'key') {
    const parent = schema.keyInfoAt(cursor.path);
    if (!parent?.children) return { isIncomplete: false, items };
    const family = schema.modelFamily(doc.prompt.model?.value);
    for (const info of parent.children.values()) {
      if (cursor.siblings.has(info.key) || (schema.offersKey && !schema.offersKey(doc, cursor.path, info.key))) continue;
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
  const info = schema.keyInfoAt([...cursor.path, key]);
  if (info && isStatusPath(info.path)) {
    // The lifecycle statuses by the project's names (`catalog.statuses`), in their order.
    statusChoices(lifecycleOf(context.catalog)).forEach((c, i) => {
      items.push({ label: c.name, kind: CompletionItemKind.EnumMember, detail: info.path.join('.'), documentation: c.doc, sortText: String(i), textEdit: { range, newText: c.name } });
    });
  } else if (info?.enumValues) {
    for (const value of info.enumValues) {
      items.push({ label: value, kind: CompletionItemKind.EnumMember, detail: info.path.join('.'), documentation: schema.valueDoc(info.path, value), textEdit: { range, newText: value } });
    }
  } else {
    // Values the schema leaves open, such as the type names of a schema language (Picoschema's).
    for (const v of schema.valueCompletions(cursor.path) ?? []) {
      items.push({ label: v.label, kind: CompletionItemKind.TypeParameter, detail: v.detail, textEdit: { range, newText: v.label } });
    }
  }
  return { isIncomplete: false, items };
}
