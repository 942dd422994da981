// The prompt-aware summary of a change between two versions of a prompt: model, parameters,
// variables, messages by role, tools, the frontmatter `version`, the token delta for each
// version's model, and lines changed. Shown on history entries, in tooltips and by `diff`.
import { parsePromptDocument, type PromptDocument } from '../document';
import { analyze, declaredInputs } from '../scope';
import { documentTokens, type TokenOptions } from '../tokens/count';
import { lineChanges } from './lineDiff';

export interface ValueChange {
  from?: string;
  to?: string;
}

export interface ParameterChange extends ValueChange {
  /** The `config` key (`temperature`, `maxOutputTokens`, ...). */
  key: string;
}

export interface VersionFacts {
  model?: string;
  version?: string;
  tokens: number;
  /** The tokenizer the count used (`o200k_base`, or an estimate family). */
  tokenizer: string;
  estimated: boolean;
  variables: string[];
  /** Messages per role, in order of first appearance. */
  messages: Record<string, number>;
  /** Errors in the file at this version (YAML, schema, template syntax). */
  errors: number;
}

export interface ChangeSummary {
  kind: 'added' | 'deleted' | 'modified' | 'unchanged';
  before?: VersionFacts;
  after?: VersionFacts;
  model?: ValueChange;
  /** Set only when the frontmatter `version` changed. */
  version?: ValueChange;
  parameters: ParameterChange[];
  variables: { added: string[]; removed: string[] };
  /** Change in the number of messages per role (`{ system: 1 }` is one system message more). */
  messages: { role: string; delta: number }[];
  tools: { added: string[]; removed: string[] };
  /** Template tokens after minus before (each version counted for its own model). */
  tokenDelta: number;
  tokensEstimated: boolean;
  lines: { added: number; removed: number };
  /** Other frontmatter keys whose value changed (`output`, `description`, ...). */
  otherKeys: string[];
}

export interface SummaryOptions {
  /** Catalogue additions (`promptWorkbench.models`); the model is always each version's own. */
  models?: unknown;
}

function record(v: unknown): Record<string, unknown> {
  return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
}

/** A frontmatter value as one short line. */
export function showValue(v: unknown, max = 40): string {
  const s = typeof v === 'string' ? v : JSON.stringify(v) ?? String(v);
  return s.length > max ? `${s.slice(0, max - 1)}…` : s;
}

function facts(doc: PromptDocument, options: SummaryOptions): VersionFacts {
  const fm = record(doc.frontmatter.value);
  const tokenOptions: TokenOptions = { models: options.models };
  const t = documentTokens(doc, tokenOptions);
  const variables = new Set(declaredInputs(doc).map((f) => f.name));
  if (!doc.notice) for (const name of analyze(doc).usedInputs) variables.add(name);
  const messages: Record<string, number> = {};
  for (const m of t.messages) messages[m.role] = (messages[m.role] ?? 0) + 1;
  return {
    model: doc.model,
    version: fm.version === undefined || fm.version === null ? undefined : showValue(fm.version),
    tokens: t.template,
    tokenizer: t.model.exact ? t.model.encoding : t.model.tokenizer,
    estimated: t.estimated,
    variables: [...variables].sort(),
    messages,
    errors: doc.diagnostics.filter((d) => d.severity === 'error').length,
  };
}

function tools(doc: PromptDocument | undefined): string[] {
  const t = record(doc?.frontmatter.value).tools;
  return Array.isArray(t) ? t.map((x) => showValue(x)) : [];
}

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

/**
 * Summarises the change from `before` to `after` (either may be undefined: the file was added or
 * deleted). `uri` only names the document for the parser (partials are not resolved here).
 */
export function summarizeChange(before: string | undefined, after: string | undefined, options: SummaryOptions = {}, uri = 'prompt-history:/version.prompt'): ChangeSummary {
  const a = before === undefined ? undefined : parsePromptDocument(before, uri);
  const b = after === undefined ? undefined : parsePromptDocument(after, uri);
  const fa = a && facts(a, options);
  const fb = b && facts(b, options);
  const kind: ChangeSummary['kind'] = !a ? (b ? 'added' : 'unchanged') : !b ? 'deleted' : before === after ? 'unchanged' : 'modified';
  const summary: ChangeSummary = {
    kind,
    before: fa,
    after: fb,
    parameters: [],
    variables: { added: [], removed: [] },
    messages: [],
    tools: { added: [], removed: [] },
    tokenDelta: (fb?.tokens ?? 0) - (fa?.tokens ?? 0),
    tokensEstimated: !!(fa?.estimated || fb?.estimated),
    lines: lineChanges(before ?? '', after ?? ''),
    otherKeys: [],
  };
  if (!a || !b || !fa || !fb) return summary;

  if (fa.model !== fb.model) summary.model = { from: fa.model, to: fb.model };
  if (fa.version !== fb.version) summary.version = { from: fa.version, to: fb.version };
  const ca = record(record(a.frontmatter.value).config);
  const cb = record(record(b.frontmatter.value).config);
  for (const key of new Set([...Object.keys(ca), ...Object.keys(cb)])) {
    if (same(ca[key], cb[key])) continue;
    summary.parameters.push({ key, from: key in ca ? showValue(ca[key]) : undefined, to: key in cb ? showValue(cb[key]) : undefined });
  }
  summary.variables = { added: fb.variables.filter((v) => !fa.variables.includes(v)), removed: fa.variables.filter((v) => !fb.variables.includes(v)) };
  for (const role of new Set([...Object.keys(fa.messages), ...Object.keys(fb.messages)])) {
    const delta = (fb.messages[role] ?? 0) - (fa.messages[role] ?? 0);
    if (delta) summary.messages.push({ role, delta });
  }
  const ta = tools(a);
  const tb = tools(b);
  summary.tools = { added: tb.filter((t) => !ta.includes(t)), removed: ta.filter((t) => !tb.includes(t)) };
  const va = record(a.frontmatter.value);
  const vb = record(b.frontmatter.value);
  for (const key of new Set([...Object.keys(va), ...Object.keys(vb)])) {
    if (['model', 'version', 'config', 'tools', 'input'].includes(key)) continue;
    if (!same(va[key], vb[key])) summary.otherKeys.push(key);
  }
  // Input defaults and schema details that did not add or remove a variable still count as a change.
  if (!same(va.input, vb.input) && !summary.variables.added.length && !summary.variables.removed.length) summary.otherKeys.push('input');
  return summary;
}

export interface DescribeOptions {
  /** Arrow between old and new values (`→` in the editor, `->` in plain text). */
  arrow?: string;
  /** Parameters listed in the short form before "+N more". */
  maxParameters?: number;
}

function shortModel(m: string | undefined): string {
  if (!m) return '(none)';
  const slash = m.lastIndexOf('/');
  return slash >= 0 ? m.slice(slash + 1) : m;
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

function signed(n: number): string {
  return n > 0 ? `+${n.toLocaleString('en-US')}` : n < 0 ? `-${(-n).toLocaleString('en-US')}` : '±0';
}

/** One line for a history entry: `model gpt-4o → gpt-4o-mini, +1 variable, -120 tokens`. */
export function describeChange(s: ChangeSummary, options: DescribeOptions = {}): string {
  const arrow = options.arrow ?? '→';
  const approx = s.tokensEstimated ? '≈' : '';
  if (s.kind === 'added') {
    const f = s.after!;
    return [`created`, f.model ? shortModel(f.model) : undefined, `${approx}${f.tokens.toLocaleString('en-US')} tokens`, f.variables.length ? plural(f.variables.length, 'variable') : undefined].filter(Boolean).join(', ');
  }
  if (s.kind === 'deleted') return 'deleted';
  if (s.kind === 'unchanged') return 'no change to the text';
  const parts: string[] = [];
  if (s.model) parts.push(`model ${shortModel(s.model.from)} ${arrow} ${shortModel(s.model.to)}`);
  const maxParams = options.maxParameters ?? 2;
  for (const p of s.parameters.slice(0, maxParams)) parts.push(p.from === undefined ? `+${p.key} ${p.to}` : p.to === undefined ? `-${p.key}` : `${p.key} ${p.from} ${arrow} ${p.to}`);
  if (s.parameters.length > maxParams) parts.push(`+${s.parameters.length - maxParams} more ${s.parameters.length - maxParams === 1 ? 'parameter' : 'parameters'}`);
  if (s.variables.added.length) parts.push(`+${plural(s.variables.added.length, 'variable')}`);
  if (s.variables.removed.length) parts.push(`-${plural(s.variables.removed.length, 'variable')}`);
  for (const m of s.messages) parts.push(`${m.delta > 0 ? '+' : '-'}${Math.abs(m.delta)} ${m.role} message${Math.abs(m.delta) === 1 ? '' : 's'}`);
  if (s.tools.added.length) parts.push(`+${plural(s.tools.added.length, 'tool')}`);
  if (s.tools.removed.length) parts.push(`-${plural(s.tools.removed.length, 'tool')}`);
  if (s.tokenDelta) parts.push(`${approx}${signed(s.tokenDelta)} tokens`);
  if (!parts.length) {
    if (s.otherKeys.length) parts.push(`${s.otherKeys.join(', ')} changed`);
    else if (s.lines.added || s.lines.removed) parts.push(`text: +${s.lines.added} -${s.lines.removed} lines, same tokens`);
    else parts.push('no change to the text');
  }
  return parts.join(', ');
}

/** Every detail, one per line (tooltips and the CLI). */
export function describeChangeLines(s: ChangeSummary, options: DescribeOptions = {}): string[] {
  const arrow = options.arrow ?? '→';
  const out: string[] = [];
  const approx = (e: boolean | undefined) => (e ? '≈' : '');
  if (s.kind === 'added') {
    const f = s.after!;
    out.push('File added.');
    out.push(`Model: ${f.model ?? '(none)'}`);
    out.push(`Tokens: ${approx(f.estimated)}${f.tokens.toLocaleString('en-US')} (${f.tokenizer})`);
    if (f.variables.length) out.push(`Variables: ${f.variables.join(', ')}`);
    const roles = Object.entries(f.messages).map(([r, n]) => `${n} ${r}`);
    if (roles.length) out.push(`Messages: ${roles.join(', ')}`);
    if (f.version) out.push(`Version: ${f.version}`);
    return out;
  }
  if (s.kind === 'deleted') return ['File deleted.'];
  if (s.kind === 'unchanged') return ['No change to the text.'];
  const b = s.before!;
  const a = s.after!;
  if (s.version) out.push(`Version: ${s.version.from ?? '(none)'} ${arrow} ${s.version.to ?? '(none)'}`);
  if (s.model) out.push(`Model: ${s.model.from ?? '(none)'} ${arrow} ${s.model.to ?? '(none)'}`);
  for (const p of s.parameters) out.push(`config.${p.key}: ${p.from ?? '(unset)'} ${arrow} ${p.to ?? '(unset)'}`);
  if (s.variables.added.length) out.push(`Variables added: ${s.variables.added.join(', ')}`);
  if (s.variables.removed.length) out.push(`Variables removed: ${s.variables.removed.join(', ')}`);
  for (const m of s.messages) out.push(`${m.delta > 0 ? 'Added' : 'Removed'} ${plural(Math.abs(m.delta), `${m.role} message`)} (${b.messages[m.role] ?? 0} ${arrow} ${a.messages[m.role] ?? 0})`);
  if (s.tools.added.length) out.push(`Tools added: ${s.tools.added.join(', ')}`);
  if (s.tools.removed.length) out.push(`Tools removed: ${s.tools.removed.join(', ')}`);
  if (s.otherKeys.length) out.push(`Also changed: ${s.otherKeys.join(', ')}`);
  const tok = b.tokenizer === a.tokenizer ? `(${a.tokenizer})` : `(${b.tokenizer} ${arrow} ${a.tokenizer})`;
  out.push(`Tokens: ${approx(b.estimated)}${b.tokens.toLocaleString('en-US')} ${arrow} ${approx(a.estimated)}${a.tokens.toLocaleString('en-US')} (${signed(s.tokenDelta)}) ${tok}`);
  out.push(`Lines: +${s.lines.added} -${s.lines.removed}`);
  if (a.errors && !b.errors) out.push(`This version has ${plural(a.errors, 'error')} (YAML, schema or template).`);
  return out;
}
