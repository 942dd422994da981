// Completion and hover in the project config (prompt-workbench.yaml): its sections and keys from
// the zod schema that validates the file, the lint rules' ids under `rules:` (with what each checks
// and its level in the preset), levels and presets, and the lifecycle's statuses (the names this
// file gives them) as the values of `catalog.defaults`.
import { CompletionItemKind, InsertTextFormat, MarkupKind, type CompletionItem, type CompletionList, type Hover } from 'vscode-languageserver-types';
import { parseDocument } from 'yaml';
import { z } from 'zod';
import { lifecycleOf } from '../catalog/lifecycle';
import { findPair } from '../hover';
import { LineIndex } from '../text';
import { yamlCursorIn } from '../yamlContext';
import { LintConfigFileSchema } from './config';
import { PRESET_DESCRIPTIONS, PRESETS, presetLevel, DEFAULT_PRESET } from './presets';
import { LEVELS, type LintRule } from './types';

type JsonSchema = Record<string, any>;

/** One documented key of the config file. */
interface ConfigKey {
  description: string;
  type: string;
  children?: Map<string, ConfigKey>;
  values?: string[];
}

function typeOf(s: JsonSchema): string {
  if (Array.isArray(s.enum)) return s.enum.map((v: unknown) => JSON.stringify(v)).join(' | ');
  if (Array.isArray(s.anyOf)) return [...new Set(s.anyOf.map(typeOf))].join(' | ');
  if (s.type === 'array') return `${s.items ? typeOf(s.items) : 'any'}[]`;
  if (s.type === 'object') return s.properties ? 'mapping' : 'mapping of names to values';
  return String(s.type ?? 'any');
}

function keyOf(s: JsonSchema): ConfigKey {
  const key: ConfigKey = { description: s.description ?? '', type: typeOf(s) };
  if (Array.isArray(s.enum)) key.values = s.enum.map(String);
  else if (s.type === 'boolean') key.values = ['true', 'false'];
  if (s.type === 'object' && s.properties) key.children = new Map(Object.entries<JsonSchema>(s.properties).map(([k, c]) => [k, keyOf(c)]));
  return key;
}

let root: ConfigKey | undefined;
function configKeys(): ConfigKey {
  return (root ??= keyOf(z.toJSONSchema(LintConfigFileSchema, { io: 'input', unrepresentable: 'any' }) as JsonSchema));
}

function keyAt(path: readonly string[]): ConfigKey | undefined {
  let node: ConfigKey | undefined = configKeys();
  for (const seg of path) node = node?.children?.get(seg);
  return node;
}

const markdown = (value: string) => ({ kind: MarkupKind.Markdown, value });

function ruleDoc(rule: LintRule<any>, docsBase?: string): string {
  const levels = PRESETS.map((p) => `\`${presetLevel(rule, p)}\` in \`${p}\``).join(', ');
  return [`**${rule.id}** (${rule.category})`, rule.description, `Level: ${levels}.`, ...(docsBase ? [`[Documentation](${docsBase}${rule.id}.md)`] : [])].join('\n\n');
}

export interface ConfigLanguageOptions {
  rules: readonly LintRule<any>[];
  /** Where the rules' pages are (`docs/rules/`), for links in hovers. */
  docsBase?: string;
}

/** Completion at `offset` of a project config file's text. */
export function completeConfig(text: string, offset: number, options: ConfigLanguageOptions): CompletionList | null {
  const lines = new LineIndex(text);
  const cursor = yamlCursorIn({ text, lines, content: { start: 0, end: text.length } }, offset);
  if (!cursor) return null;
  const range = lines.range(cursor.prefixStart, offset);
  const items: CompletionItem[] = [];
  const byId = new Map(options.rules.map((r) => [r.id, r]));
  const levelItems = (detail: string) => LEVELS.map((l, i) => ({ label: l, kind: CompletionItemKind.EnumMember, detail, sortText: String(i), textEdit: { range, newText: l } }));

  if (cursor.mode === 'key') {
    if (cursor.path.length === 1 && cursor.path[0] === 'rules') {
      for (const rule of options.rules) {
        if (cursor.siblings.has(rule.id)) continue;
        items.push({ label: rule.id, kind: CompletionItemKind.Property, detail: `${rule.category} · ${presetLevel(rule, DEFAULT_PRESET)} in ${DEFAULT_PRESET}`, documentation: markdown(ruleDoc(rule, options.docsBase)), textEdit: { range, newText: `${rule.id}: \${1|${LEVELS.join(',')}|}` }, insertTextFormat: InsertTextFormat.Snippet });
      }
      return { isIncomplete: false, items };
    }
    if (cursor.path.length === 2 && cursor.path[0] === 'rules') {
      // `rules: { <id>: { level, ...options } }`: the level and the rule's own options.
      const rule = byId.get(cursor.path[1]);
      const own = rule?.options ? keyOf(z.toJSONSchema(rule.options, { io: 'input', unrepresentable: 'any' }) as JsonSchema).children : undefined;
      const keys = new Map<string, ConfigKey>([['level', { description: 'The rule\'s level.', type: LEVELS.join(' | '), values: [...LEVELS] }], ...(own ?? [])]);
      for (const [k, info] of keys) if (!cursor.siblings.has(k)) items.push({ label: k, kind: CompletionItemKind.Property, detail: info.type, documentation: markdown(info.description), textEdit: { range, newText: `${k}: ` } });
      return { isIncomplete: false, items };
    }
    const parent = keyAt(cursor.path);
    for (const [k, info] of parent?.children ?? []) {
      if (cursor.siblings.has(k)) continue;
      const newText = info.children ? `${k}:\n  $0` : info.values ? `${k}: \${1|${info.values.join(',')}|}` : info.type.endsWith('[]') ? `${k}:\n  - $0` : `${k}: $0`;
      items.push({ label: k, kind: info.children ? CompletionItemKind.Module : CompletionItemKind.Property, detail: info.type, documentation: markdown(info.description), textEdit: { range, newText }, insertTextFormat: InsertTextFormat.Snippet });
    }
    return { isIncomplete: false, items };
  }

  const key = cursor.key!;
  const path = [...cursor.path, key];
  if (path.length === 2 && path[0] === 'rules') return { isIncomplete: false, items: byId.has(key) ? levelItems(key) : [] };
  if (path.length === 3 && path[0] === 'rules' && key === 'level') return { isIncomplete: false, items: levelItems(path[1]) };
  if (path.length === 3 && path[0] === 'catalog' && path[1] === 'defaults') {
    // A default status: by the names this file gives the statuses.
    // (read from the YAML as written: the value being typed leaves the file invalid)
    const raw = parseDocument(text).getIn(['catalog', 'statuses']);
    const renamed = raw && typeof raw === 'object' && 'toJSON' in raw ? Object.fromEntries(Object.entries((raw as { toJSON(): Record<string, unknown> }).toJSON() ?? {}).filter((e): e is [string, string] => typeof e[1] === 'string' && !!e[1].trim())) : {};
    const names = lifecycleOf({ statuses: renamed }).names;
    Object.values(names).forEach((name, i) => items.push({ label: name, kind: CompletionItemKind.EnumMember, detail: 'lifecycle status', sortText: String(i), textEdit: { range, newText: name } }));
    return { isIncomplete: false, items };
  }
  if (path.length === 1 && key === 'preset') {
    PRESETS.forEach((p, i) => items.push({ label: p, kind: CompletionItemKind.EnumMember, detail: 'preset', documentation: PRESET_DESCRIPTIONS[p], sortText: String(i), textEdit: { range, newText: p } }));
    return { isIncomplete: false, items };
  }
  for (const v of keyAt(path)?.values ?? []) items.push({ label: v, kind: CompletionItemKind.EnumMember, detail: path.join('.'), textEdit: { range, newText: v } });
  return { isIncomplete: false, items };
}

/** Hover at `offset` of a project config file's text: a section's or key's documentation, a rule's description and levels. */
export function hoverConfig(text: string, offset: number, options: ConfigLanguageOptions): Hover | null {
  const doc = parseDocument(text, { keepSourceTokens: false });
  const hit = findPair(doc.contents, offset, []);
  if (!hit) return null;
  const lines = new LineIndex(text);
  const range = lines.range(hit.span.start, hit.span.end);
  if (hit.path[0] === 'rules' && hit.path.length >= 2) {
    const rule = options.rules.find((r) => r.id === hit.path[1]);
    if (!rule) return { contents: markdown(`\`${hit.path[1]}\` is no lint rule of Prompt Workbench.`), range };
    if (hit.path.length === 2 || hit.part === 'key') return { contents: markdown(ruleDoc(rule, options.docsBase)), range };
  }
  const info = hit.path[0] === 'rules' ? undefined : keyAt(hit.path);
  if (!info) return null;
  const lines2 = [`**${hit.path.join('.')}**: \`${info.type}\``, info.description];
  if (hit.part === 'value' && hit.path[0] === 'preset' && typeof hit.value === 'string' && (PRESETS as readonly string[]).includes(hit.value)) lines2.push(`\`${hit.value}\`: ${PRESET_DESCRIPTIONS[hit.value as keyof typeof PRESET_DESCRIPTIONS]}`);
  return { contents: markdown(lines2.filter(Boolean).join('\n\n')), range };
}
