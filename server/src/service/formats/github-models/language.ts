// The editor features of a prompt file: keys and values anywhere in the YAML (from the schema),
// and the variables: completion inside `{{ }}` (the test data rows' keys with a sample value, and
// `completion` in a judge's prompt), hover, go to definition (the first row that sets it), find
// references and rename across messages, string evaluators, judge prompts and test data keys.
import { CompletionItemKind, MarkupKind, type CompletionItem, type CompletionList, type Hover, type Location, type TextEdit, type WorkspaceEdit } from 'vscode-languageserver-types';
import { completeFrontmatter, type FrontmatterContext } from '../../completion';
import type { PromptDocument } from '../../document';
import { hoverFrontmatter } from '../../hover';
import { contains, type Span } from '../../text';
import type { FormatFeatures } from '../types';
import { promptFileInfo, type TemplatedText } from './parse';
import { valueText } from './render';
import { BUILTIN_EVALUATORS, EVALUATOR_VARIABLES } from './schema';

/** A variable under the cursor: a placeholder's name or a test data key. */
function variableAt(doc: PromptDocument, offset: number): { name: string; span: Span } | undefined {
  const info = promptFileInfo(doc);
  for (const t of info.texts) {
    if (!contains(t.span, offset) && t.span.end !== offset) continue;
    for (const p of t.placeholders) if (contains(p.nameSpan, offset) || p.nameSpan.end === offset) return { name: p.name, span: p.nameSpan };
  }
  for (const r of info.rows) for (const v of r.values) if (contains(v.keySpan, offset) || v.keySpan.end === offset) return { name: v.name, span: v.keySpan };
  return undefined;
}

/** Every place the variable is written: row keys (declarations) and placeholders. */
function occurrences(doc: PromptDocument, name: string): { span: Span; declaration: boolean }[] {
  const info = promptFileInfo(doc);
  const out: { span: Span; declaration: boolean }[] = [];
  for (const r of info.rows) for (const v of r.values) if (v.name === name) out.push({ span: v.keySpan, declaration: true });
  for (const t of info.texts) for (const p of t.placeholders) if (p.name === name) out.push({ span: p.nameSpan, declaration: false });
  return out.sort((a, b) => a.span.start - b.span.start);
}

function sample(value: unknown): string {
  const s = valueText(value).replace(/\s+/g, ' ').trim();
  return s.length > 60 ? `${s.slice(0, 60)}…` : s;
}

/** The templated string whose `{{` the cursor follows, and the partial name typed so far. */
function openPlaceholder(doc: PromptDocument, offset: number): { text: TemplatedText; start: number; closed: boolean } | undefined {
  const t = promptFileInfo(doc).texts.find((x) => x.span.start <= offset && offset <= x.span.end);
  if (!t) return undefined;
  const before = doc.text.slice(Math.max(t.span.start, offset - 200), offset);
  const open = before.lastIndexOf('{{');
  if (open < 0 || before.indexOf('}}', open) >= 0 || /[\r\n]/.test(before.slice(open))) return undefined;
  const start = offset - (before.length - open - 2);
  const typed = doc.text.slice(start, offset);
  if (/[{}]/.test(typed)) return undefined;
  return { text: t, start: start + (typed.length - typed.trimStart().length), closed: doc.text.startsWith('}}', offset + (/^[^{}\r\n]*?(?=\}\})/.exec(doc.text.slice(offset, offset + 200))?.[0].length ?? 0)) };
}

function complete(doc: PromptDocument, offset: number, context?: FrontmatterContext): CompletionList | null {
  const open = openPlaceholder(doc, offset);
  if (!open) return completeFrontmatter(doc, offset, context);
  const info = promptFileInfo(doc);
  const items: CompletionItem[] = [];
  const seen = new Set<string>();
  // The end of the name already written after the cursor (`{{inp|ut}}`), so accepting replaces it.
  const rest = /^[^{}\s]*/.exec(doc.text.slice(offset, offset + 200))![0];
  const range = doc.lines.range(open.start, offset + rest.length);
  for (const row of info.rows) {
    for (const v of row.values) {
      if (seen.has(v.name)) continue;
      seen.add(v.name);
      const rows = info.rows.filter((r) => r.values.some((x) => x.name === v.name)).length;
      items.push({
        label: v.name,
        kind: CompletionItemKind.Variable,
        detail: sample(v.value),
        documentation: { kind: MarkupKind.Markdown, value: `Test data variable, set in ${rows} of ${info.rows.length} row${info.rows.length === 1 ? '' : 's'}. Row ${row.index + 1}: \`${sample(v.value)}\`` },
        textEdit: { range, newText: open.closed ? v.name : `${v.name}}}` },
        sortText: `0${v.name}`,
      });
    }
  }
  if (open.text.scope === 'judge') {
    for (const [name, description] of Object.entries(EVALUATOR_VARIABLES)) {
      if (seen.has(name)) continue;
      items.push({ label: name, kind: CompletionItemKind.Constant, detail: 'the answer being judged', documentation: { kind: MarkupKind.Markdown, value: description }, textEdit: { range, newText: open.closed ? name : `${name}}}` }, sortText: `1${name}` });
    }
  }
  return { isIncomplete: false, items };
}

function hover(doc: PromptDocument, offset: number, context?: FrontmatterContext): Hover | null {
  const v = variableAt(doc, offset);
  if (!v) return hoverFrontmatter(doc, offset, context);
  const info = promptFileInfo(doc);
  const range = doc.lines.range(v.span.start, v.span.end);
  const rows = info.rows.filter((r) => r.values.some((x) => x.name === v.name));
  if (!rows.length) {
    const builtin = EVALUATOR_VARIABLES[v.name];
    return { range, contents: { kind: MarkupKind.Markdown, value: builtin ? `**${v.name}**: ${builtin}` : `**${v.name}**: no \`testData\` row sets it.` } };
  }
  const lines = rows.slice(0, 5).map((r) => `- row ${r.index + 1}: \`${sample(r.values.find((x) => x.name === v.name)!.value)}\``);
  if (rows.length > 5) lines.push(`- … ${rows.length - 5} more`);
  const uses = occurrences(doc, v.name).filter((o) => !o.declaration).length;
  const judges = info.evaluators.filter((e) => e.uses && BUILTIN_EVALUATORS[e.uses.value.replace(/^github\//, '')]?.variables.includes(v.name)).map((e) => `\`${e.uses!.value}\``);
  return {
    range,
    contents: { kind: MarkupKind.Markdown, value: `**${v.name}**: test data variable, set in ${rows.length} of ${info.rows.length} row${info.rows.length === 1 ? '' : 's'}, used ${uses} time${uses === 1 ? '' : 's'}${judges.length ? `, read by ${judges.join(', ')}` : ''}.\n\n${lines.join('\n')}` },
  };
}

function definition(doc: PromptDocument, offset: number): Location[] {
  const v = variableAt(doc, offset);
  if (!v) return [];
  const first = occurrences(doc, v.name).find((o) => o.declaration);
  return first ? [{ uri: doc.uri, range: doc.lines.range(first.span.start, first.span.end) }] : [];
}

function references(doc: PromptDocument, offset: number, includeDeclaration: boolean): Location[] {
  const v = variableAt(doc, offset);
  if (!v) return [];
  return occurrences(doc, v.name)
    .filter((o) => includeDeclaration || !o.declaration)
    .map((o) => ({ uri: doc.uri, range: doc.lines.range(o.span.start, o.span.end) }));
}

const NAME_RE = /^[^\s{}:#'"][^{}:#\r\n]*$/;

function rename(doc: PromptDocument, offset: number, newName: string): WorkspaceEdit | null {
  const v = variableAt(doc, offset);
  if (!v) return null;
  if (!NAME_RE.test(newName) || newName !== newName.trim()) throw new Error(`\`${newName}\` cannot be a variable name here: no spaces around it, and no \`{\`, \`}\`, \`:\`, \`#\` or quotes.`);
  const info = promptFileInfo(doc);
  if (newName !== v.name && info.rows.some((r) => r.values.some((x) => x.name === newName))) throw new Error(`A test data row already has \`${newName}\`: renaming would give it two values.`);
  if (newName !== v.name && newName in EVALUATOR_VARIABLES) throw new Error(`\`${newName}\` is the answer in a judge's prompt; choose another name.`);
  const edits: TextEdit[] = occurrences(doc, v.name).map((o) => ({ range: doc.lines.range(o.span.start, o.span.end), newText: newName }));
  return { changes: { [doc.uri]: edits } };
}

export const features: FormatFeatures = {
  complete,
  hover,
  definition,
  references,
  prepareRename: (doc, offset) => {
    const v = variableAt(doc, offset);
    return v && !(v.name in EVALUATOR_VARIABLES && !promptFileInfo(doc).rows.some((r) => r.values.some((x) => x.name === v.name))) ? { range: doc.lines.range(v.span.start, v.span.end), placeholder: v.name } : null;
  },
  rename,
};
