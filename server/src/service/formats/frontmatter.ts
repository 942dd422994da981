// YAML frontmatter, which Dotprompt, Prompty and agent instruction files share: splits a file into
// its `---` block and body, parses the YAML with ranges, and lists its settings for the shared
// model. Never throws: every problem becomes a diagnostic.
import { isMap, isScalar, parseDocument, type Document, type Node, type Pair } from 'yaml';
import type { PromptDiagnostic } from '../diagnostic';
import type { Span } from '../text';
import type { PromptSetting } from './types';

export interface FrontmatterBlock {
  /** Whether the file starts with a `---` line. */
  present: boolean;
  closed: boolean;
  /** The whole block including both `---` lines. */
  span: Span;
  /** The YAML text between the delimiters. */
  content: Span;
  yaml?: Document.Parsed;
  /** The frontmatter as plain data, or undefined when the YAML could not be read. */
  value: unknown;
}

/** Aliases allowed per document before the YAML is treated as an alias bomb. */
export const MAX_ALIAS_COUNT = 100;

const OPEN_RE = /^---[ \t]*(?:\r?\n|$)/;
const CLOSE_RE = /^---[ \t]*\r?$/m;

export function splitFrontmatter(text: string, from: number): { block: FrontmatterBlock; bodyStart: number } {
  const open = OPEN_RE.exec(text.slice(from, from + 64));
  if (!open) {
    return { block: { present: false, closed: false, span: { start: from, end: from }, content: { start: from, end: from }, value: undefined }, bodyStart: from };
  }
  const contentStart = from + open[0].length;
  const rest = text.slice(contentStart);
  const close = open[0].endsWith('\n') ? CLOSE_RE.exec(rest) : null;
  if (!close) {
    return {
      block: { present: true, closed: false, span: { start: from, end: text.length }, content: { start: contentStart, end: text.length }, value: undefined },
      bodyStart: text.length,
    };
  }
  const closeStart = contentStart + close.index;
  let closeEnd = closeStart + close[0].length;
  const contentEnd = closeStart > contentStart ? closeStart - (text[closeStart - 2] === '\r' ? 2 : 1) : closeStart;
  if (text[closeEnd] === '\n') closeEnd++;
  return {
    block: { present: true, closed: true, span: { start: from, end: closeEnd }, content: { start: contentStart, end: Math.max(contentStart, contentEnd) }, value: undefined },
    bodyStart: closeEnd,
  };
}

export function parseFrontmatterYaml(text: string, block: FrontmatterBlock, diagnostics: PromptDiagnostic[]): void {
  if (!block.present) return;
  if (!block.closed) {
    diagnostics.push({
      code: 'frontmatter-unclosed',
      severity: 'error',
      message: 'The frontmatter starts with `---` but has no closing `---` line. Add a line with `---` after the YAML; the template follows it.',
      span: { start: block.span.start, end: block.span.start + 3 },
    });
  }
  const offset = block.content.start;
  const source = text.slice(block.content.start, block.content.end);
  const doc = parseDocument(source, { prettyErrors: false, uniqueKeys: true, keepSourceTokens: false });
  block.yaml = doc;
  for (const err of doc.errors) {
    const [s, e] = err.pos;
    diagnostics.push({
      code: err.code === 'DUPLICATE_KEY' ? 'yaml-duplicate-key' : 'yaml-syntax',
      severity: 'error',
      message: `Invalid YAML in the frontmatter: ${err.message.replace(/\s+at line \d+, column \d+:?[\s\S]*$/, '').trim()}`,
      span: { start: offset + s, end: offset + Math.max(e, s + 1) },
    });
  }
  for (const warn of doc.warnings) {
    const [s, e] = warn.pos;
    diagnostics.push({ code: 'yaml-warning', severity: 'warning', message: warn.message, span: { start: offset + s, end: offset + Math.max(e, s + 1) } });
  }
  if (doc.errors.length) return;
  try {
    block.value = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    diagnostics.push({
      code: 'yaml-alias-limit',
      severity: 'error',
      message: `The frontmatter YAML expands too many aliases (${message}). Aliases are limited to ${MAX_ALIAS_COUNT} to guard against alias bombs; write the values out instead.`,
      span: { start: block.content.start, end: Math.min(block.content.end, block.content.start + Math.max(1, source.indexOf('\n'))) },
    });
  }
}

const settingsMemo = new WeakMap<FrontmatterBlock, PromptSetting[]>();

/** The frontmatter's settings with their ranges (empty while the YAML cannot be read); memoised per block. */
export function frontmatterSettings(text: string, block: FrontmatterBlock): PromptSetting[] {
  let settings = settingsMemo.get(block);
  if (!settings) {
    settings = block.yaml && block.value !== undefined ? mapSettings(text, block.yaml.contents as Node | null, block.value, block.content.start) : [];
    settingsMemo.set(block, settings);
  }
  return settings;
}

/** The end of a span without the line breaks and blanks YAML counts into a block collection's range. */
export function trimEnd(text: string, start: number, end: number): number {
  while (end > start && /\s/.test(text[end - 1])) end--;
  return end;
}

function mapSettings(text: string, node: Node | null | undefined, value: unknown, base: number): PromptSetting[] {
  if (!isMap(node) || !value || typeof value !== 'object' || Array.isArray(value)) return [];
  const out: PromptSetting[] = [];
  for (const pair of node.items as Pair<Node, Node | null>[]) {
    const k = pair.key;
    if (!isScalar(k) || !k.range) continue;
    const key = String(k.value);
    if (!Object.prototype.hasOwnProperty.call(value, key)) continue; // a merge key (`<<`) and the like
    const v = (value as Record<string, unknown>)[key];
    const keySpan = { start: base + k.range[0], end: base + k.range[1] };
    const r = pair.value?.range;
    const valueSpan = r ? { start: base + r[0], end: trimEnd(text, base + r[0], base + r[1]) } : undefined;
    const setting: PromptSetting = { key, value: v, keySpan, valueSpan, span: { start: keySpan.start, end: Math.max(keySpan.end, valueSpan?.end ?? 0) } };
    if (isMap(pair.value)) setting.children = mapSettings(text, pair.value, v, base);
    out.push(setting);
  }
  return out;
}
