// Agent instruction files as the engine's documents: the YAML frontmatter (optional, read with
// ranges by formats/frontmatter.ts), the body as the one message the agent sends (a system
// instruction), its Markdown sections, and what decides whether the agent sends the file with every
// request (its kind, `applyTo`, `alwaysApply`). Unknown frontmatter fields are never errors: these
// files are read by several tools, each with its own fields (the `agent-unknown-field` rule, off by
// default, lists them).
import type { PromptDocument } from '../../document';
import type { PromptDiagnostic } from '../../diagnostic';
import { isScalar, isSeq } from 'yaml';
import { parseFrontmatterYaml, splitFrontmatter, frontmatterSettings, type FrontmatterBlock } from '../frontmatter';
import { baseDocument, emptyModel, fileBaseName } from '../model';
import type { ParseOptions, PromptModel, SourceValue } from '../types';
import { DEFAULT_MAX_TEMPLATE_SIZE } from '../types';
import { sectionsOf, type Section } from './markdown';
import { KNOWN_FIELDS } from './schema';

export const AGENTS_ID = 'agent-instructions';

/** Which tool's file it is, which says when the tool sends it. */
export type AgentFileKind =
  /** `AGENTS.md` (Codex, Copilot coding agent, Cursor, ...): read by every request in its folder and below. */
  | 'agents-md'
  /** `.github/copilot-instructions.md`: every Copilot chat request in the repository. */
  | 'copilot-instructions'
  /** `*.instructions.md`: requests about files its `applyTo` glob matches. */
  | 'instructions'
  /** `*.prompt.md`: a prompt run on demand (a slash command). */
  | 'prompt'
  /** `*.agent.md` (and the older `*.chatmode.md`, and any `.md` in `.github/agents/`): a custom agent, used when chosen. */
  | 'agent'
  /** `SKILL.md`: a skill; its name and description are listed, its body read when used. */
  | 'skill'
  /** `CLAUDE.md`: Claude Code's memory, read at the start of every session in its folder. */
  | 'claude'
  /** `GEMINI.md`: Gemini CLI's context file, sent with every prompt in its workspace (a nested one when a tool reads its folder). */
  | 'gemini'
  /** `.cursor/rules/*.mdc`: a Cursor rule; `alwaysApply: true` sends it with every request. */
  | 'cursor-rule'
  /** A file the project config names (`agents.files`) that has none of the names above. */
  | 'other';

export const KIND_LABELS: Record<AgentFileKind, string> = {
  'agents-md': 'AGENTS.md',
  'copilot-instructions': 'Copilot instructions',
  instructions: 'instructions (applyTo)',
  prompt: 'prompt file',
  agent: 'custom agent',
  skill: 'skill',
  claude: 'CLAUDE.md',
  gemini: 'GEMINI.md',
  'cursor-rule': 'Cursor rule',
  other: 'instruction file',
};

/** The kind of a file by its name; undefined when no built-in name matches. */
export function agentKindOf(uri: string): AgentFileKind | undefined {
  const path = uri.replace(/[?#].*$/, '').replace(/\\/g, '/');
  const base = fileBaseName(uri);
  if (base === 'AGENTS.md') return 'agents-md';
  if (base === 'CLAUDE.md') return 'claude';
  if (base === 'GEMINI.md') return 'gemini';
  if (base === 'SKILL.md') return 'skill';
  if (base === 'copilot-instructions.md' && /(?:^|\/)\.github\/copilot-instructions\.md$/.test(path)) return 'copilot-instructions';
  if (base.endsWith('.instructions.md')) return 'instructions';
  if (base.endsWith('.prompt.md')) return 'prompt';
  // `*.chatmode.md` is the older name of a custom agent, and VS Code reads every `.md` in `.github/agents/` as one.
  if (base.endsWith('.agent.md') || base.endsWith('.chatmode.md') || /(?:^|\/)\.github\/agents\/[^/]+\.md$/.test(path)) return 'agent';
  if (base.endsWith('.mdc') && /(?:^|\/)\.cursor\/rules\//.test(path)) return 'cursor-rule';
  return undefined;
}

/** What the engine knows of one instruction file beside the shared model. */
export interface AgentFileInfo {
  kind: AgentFileKind;
  /** The Markdown sections of the body, in order (the text before the first heading first, when not blank). */
  sections: Section[];
  /** The body: the text after the frontmatter. */
  body: { start: number; end: number };
  /** `applyTo` (`*.instructions.md`) or `globs` (`.mdc`), split at commas, with where it is written. */
  applyTo?: SourceValue<string[]>;
  /** `alwaysApply` of a Cursor rule. */
  alwaysApply?: boolean;
  /** The frontmatter as plain data (undefined without one, or when its YAML cannot be read). */
  fields?: Record<string, unknown>;
}

const info = new WeakMap<PromptDocument, AgentFileInfo>();

/** The instruction-file facts of a document this format parsed; undefined for any other document. */
export function agentInfo(doc: PromptDocument): AgentFileInfo | undefined {
  return info.get(doc);
}

/** Whether an `applyTo` / `globs` value matches every file (`**`, `**\/*`), as VS Code and Cursor treat it. */
export function matchesEverything(globs: readonly string[]): boolean {
  return globs.some((g) => g === '**' || g === '**/*' || g === '*' || g === '**/**');
}

/**
 * `a,b` -> `[a, b]`, splitting only at commas outside `{}` and `[]` as VS Code does
 * (`splitGlobAware`): `**\/*.{ts,tsx}` is one glob.
 */
export function splitGlobList(value: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let bracket = false;
  let start = 0;
  for (let i = 0; i < value.length; i++) {
    const c = value[i];
    if (c === '\\') i++;
    else if (bracket) bracket = c !== ']';
    else if (c === '[') bracket = true;
    else if (c === '{') depth++;
    else if (c === '}') depth = Math.max(0, depth - 1);
    else if (c === ',' && depth === 0) {
      out.push(value.slice(start, i));
      start = i + 1;
    }
  }
  out.push(value.slice(start));
  return out.map((s) => s.trim()).filter(Boolean);
}

function splitGlobs(value: unknown): string[] | undefined {
  if (typeof value === 'string') return splitGlobList(value);
  if (Array.isArray(value) && value.every((v) => typeof v === 'string')) return value.map((s) => s.trim()).filter(Boolean);
  return undefined;
}

// Cursor reads a rule's `description:` and `globs:` lines as written, and writes them unquoted
// itself (`globs: *.ts,*.tsx`, `description: API rules: keep handlers thin`). A value that YAML
// would read otherwise (an alias `*`, a `: ` or ` #` inside, a reserved first character) is the
// literal text there. Quoted values, flow lists (`globs: ["*.py"]`) and block scalars stay YAML's.
// The rest of the line is taken whole (no `$`: a CRLF line ends before its `\r`), then trimmed.
const CURSOR_LITERAL_LINE = /^(description|globs):([^\r\n]*)/gm;
const YAML_READS_OTHERWISE = /^[*&!%@`]|: |:$| #/;

/** The regular expressions the parse runs on document text (for the ReDoS test). */
export const PARSE_PATTERNS = [CURSOR_LITERAL_LINE, YAML_READS_OTHERWISE];

/** The text with those values masked (same length, a plain scalar), and each value as Cursor reads it. */
function cursorLiterals(text: string, content: { start: number; end: number }): { masked: string; values: Map<string, string> } | undefined {
  const values = new Map<string, string>();
  let masked = text;
  const yaml = text.slice(content.start, content.end);
  CURSOR_LITERAL_LINE.lastIndex = 0;
  for (let m = CURSOR_LITERAL_LINE.exec(yaml); m; m = CURSOR_LITERAL_LINE.exec(yaml)) {
    const rest = m[2];
    const value = rest.trim();
    // `key:` then a blank; an empty value, quoted values, flow lists and block scalars are YAML's.
    if (!/^[ \t]/.test(rest) || !value || /^["'[{|>]/.test(value) || !YAML_READS_OTHERWISE.test(value)) continue;
    const start = content.start + m.index + m[0].length - rest.length + (rest.length - rest.trimStart().length);
    masked = masked.slice(0, start) + 'x'.repeat(value.length) + masked.slice(start + value.length);
    values.set(m[1], value);
  }
  return values.size ? { masked, values } : undefined;
}

function restoreCursorLiterals(block: FrontmatterBlock, values: Map<string, string>): void {
  for (const [key, value] of values) {
    if (block.value && typeof block.value === 'object' && !Array.isArray(block.value) && key in block.value) (block.value as Record<string, unknown>)[key] = value;
    for (const yaml of [block.yaml, block.recovered]) {
      const node = yaml?.get(key, true);
      if (isScalar(node)) node.value = value;
    }
  }
}

function firstListedModel(block: FrontmatterBlock, keySpan: { start: number; end: number } | undefined): SourceValue<string> | undefined {
  const node = block.yaml?.get('model', true);
  const first = isSeq(node) ? node.items[0] : undefined;
  if (!isScalar(first) || typeof first.value !== 'string' || !first.range) return undefined;
  const base = block.content.start;
  return { value: first.value, span: { start: base + first.range[0], end: base + first.range[1] }, keySpan };
}

export function parseAgentFile(text: string, uri: string, version: number, options: ParseOptions, kind: AgentFileKind = agentKindOf(uri) ?? 'other'): PromptDocument {
  const diagnostics: PromptDiagnostic[] = [];
  const bom = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  const prompt: PromptModel = emptyModel();
  if (text.includes('\u0000')) {
    const doc = baseDocument({ format: AGENTS_ID, uri, version, text, prompt, diagnostics: [{ code: 'binary-file', severity: 'info', message: 'This file holds binary data (a NUL byte): it is not analysed.', span: { start: 0, end: 0 } }] });
    doc.notice = 'binary';
    info.set(doc, { kind, sections: [], body: { start: 0, end: 0 } });
    return doc;
  }
  let { block, bodyStart } = splitFrontmatter(text, bom);
  // A file whose tool reads no frontmatter (AGENTS.md, CLAUDE.md, ...) and that opens with a `---`
  // never closed opens with a Markdown thematic break: it is all body, as the tool sends it.
  if (block.present && !block.closed && KNOWN_FIELDS[kind].length === 0) {
    block = { present: false, closed: false, span: { start: bom, end: bom }, content: { start: bom, end: bom }, value: undefined };
    bodyStart = bom;
  }
  // Cursor reads a rule's `description:` and `globs:` lines as written (`cursorLiterals`).
  const literal = kind === 'cursor-rule' && block.present ? cursorLiterals(text, block.content) : undefined;
  parseFrontmatterYaml(literal ? literal.masked : text, block, diagnostics);
  if (literal) restoreCursorLiterals(block, literal.values);
  const settings = frontmatterSettings(text, block);
  prompt.settings = settings;
  const fields = block.value && typeof block.value === 'object' && !Array.isArray(block.value) ? (block.value as Record<string, unknown>) : undefined;
  const setting = (key: string) => settings.find((s) => s.key === key);
  const str = (key: string): SourceValue<string> | undefined => {
    const s = setting(key);
    return s && typeof s.value === 'string' && s.valueSpan ? { value: s.value, span: s.valueSpan, keySpan: s.keySpan } : undefined;
  };
  const name = str('name');
  const description = str('description');
  if (name) prompt.metadata.name = name;
  if (description) prompt.metadata.description = description;
  // A custom agent may list models, tried in order (`model: ['Claude Opus 4.5', 'GPT-5.2']`): the first one counts.
  const model = str('model') ?? firstListedModel(block, settings.find((s) => s.key === 'model')?.keySpan);
  if (model) prompt.model = model;
  const tools = setting('tools');
  if (tools && Array.isArray(tools.value) && tools.valueSpan) prompt.tools = tools.value.filter((t): t is string => typeof t === 'string').map((t) => ({ value: t, span: tools.valueSpan! }));

  const applySetting = setting(kind === 'cursor-rule' ? 'globs' : 'applyTo') ?? setting('applyTo');
  const applyGlobs = applySetting ? splitGlobs(applySetting.value) : undefined;
  const applyTo = applySetting && applyGlobs && applySetting.valueSpan ? { value: applyGlobs, span: applySetting.valueSpan, keySpan: applySetting.keySpan } : undefined;
  const alwaysApply = fields?.alwaysApply === true;

  const end = text.length;
  const tooLarge = end - bodyStart > (options.maxTemplateSize ?? DEFAULT_MAX_TEMPLATE_SIZE);
  // The body is the one message: what the agent adds to its system instructions.
  if (bodyStart < end || !block.present) prompt.messages.push({ role: 'system', kind: 'message', span: { start: bodyStart, end }, contentSpan: { start: bodyStart, end }, tags: [], variables: [] });
  if (tooLarge) prompt.approximate = 'The file is larger than promptWorkbench.maxFileSize: its sections are not listed; the text is counted as one piece.';
  const sections = tooLarge ? [{ span: { start: bodyStart, end } }] : sectionsOf(text, bodyStart, end);
  const doc = baseDocument({ format: AGENTS_ID, uri, version, text, prompt, diagnostics });
  doc.frontmatter = block;
  doc.frontmatterDiagnostics = diagnostics.filter((d) => d.span.start < block.span.end);
  doc.template = { ...doc.template, span: { start: bodyStart, end } };
  if (tooLarge) doc.notice = 'too-large';
  info.set(doc, { kind, sections, body: { start: bodyStart, end }, applyTo, alwaysApply, fields });
  return doc;
}
