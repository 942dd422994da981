// The prompt-aware summary of a change between two versions of a prompt, read from the shared
// model: model, parameters, variables, messages by role, tools, the `version`, the token delta for
// each version's model, and lines changed. Shown on history entries, in tooltips and by `diff`.
import { parseDocument, type PromptDocument } from '../document';
import { allParameters } from '../formats/model';
import { agentInfo, formatOf } from '../formats/registry';
import type { ModelFact } from '../formats/types';
import { documentTokens, type TokenOptions } from '../tokens/count';
import type { Git, LogEntry, RepositoryInfo } from './git';
import { entryTexts } from './history';
import { lineChanges } from './lineDiff';

export interface ValueChange {
  from?: string;
  to?: string;
}

export interface ParameterChange extends ValueChange {
  /** The format's own key (Dotprompt's `config` keys: `temperature`, `maxOutputTokens`, ...). */
  key: string;
  /** The format's path to it (`config.temperature`, `modelParameters.maxTokens`). */
  path?: string;
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
  /** Test cases written in the file itself (GitHub Models `testData` rows). */
  tests: number;
  /** The checks those cases run (evaluator names), in order. */
  checks: string[];
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
  /** Test cases written in the file: how many more or fewer, and the checks added and removed. */
  tests: { delta: number; checksAdded: string[]; checksRemoved: string[] };
  /** Markdown sections (by heading) added, removed and changed: agent instruction files only. */
  sections?: { added: string[]; removed: string[]; changed: string[] };
}

export interface SummaryOptions {
  /** Catalogue additions (`promptWorkbench.models`); the model is always each version's own. */
  models?: unknown;
}

/** A frontmatter value as one short line. */
export function showValue(v: unknown, max = 40): string {
  const s = typeof v === 'string' ? v : JSON.stringify(v) ?? String(v);
  return s.length > max ? `${s.slice(0, max - 1)}…` : s;
}

function facts(doc: PromptDocument, options: SummaryOptions): VersionFacts {
  const p = doc.prompt;
  const tokenOptions: TokenOptions = { models: options.models };
  const t = documentTokens(doc, tokenOptions);
  const variables = new Set(p.inputs.map((i) => i.name));
  for (const m of p.messages) for (const v of m.variables) variables.add(v.name);
  const messages: Record<string, number> = {};
  for (const m of t.messages) messages[m.role] = (messages[m.role] ?? 0) + 1;
  return {
    model: p.model?.value,
    version: p.metadata.version === undefined ? undefined : showValue(p.metadata.version.value),
    tokens: t.template,
    tokenizer: t.model.exact ? t.model.encoding : t.model.tokenizer,
    estimated: t.estimated,
    variables: [...variables].sort(),
    messages,
    errors: doc.diagnostics.filter((d) => d.severity === 'error').length,
    tests: p.tests.length,
    checks: [...new Set(p.tests.flatMap((t) => t.checks.map((c) => c.name || c.type)))],
  };
}

function tools(doc: PromptDocument): string[] {
  return doc.prompt.tools.map((t) => showValue(t.value));
}

function parameters(doc: PromptDocument): Map<string, { value: unknown; path: string }> {
  return new Map(allParameters(doc.prompt).map((p) => [p.key, { value: p.value, path: p.path }]));
}

function settings(doc: PromptDocument): Record<string, unknown> {
  return Object.fromEntries(doc.prompt.settings.map((s) => [s.key, s.value]));
}

/** The top-level key a fact is written under (`config` for parameters), to leave it out of "other keys". */
function topKey(doc: PromptDocument, fact: ModelFact): string | undefined {
  return formatOf(doc).keyPath(fact)?.split('.')[0];
}

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

/**
 * Summarises the change from `before` to `after` (either may be undefined: the file was added or
 * deleted). `uri` only names the document for the parser (partials are not resolved here).
 */
export function summarizeChange(before: string | undefined, after: string | undefined, options: SummaryOptions = {}, uri = 'prompt-history:/version.prompt'): ChangeSummary {
  const a = before === undefined ? undefined : parseDocument(before, uri);
  const b = after === undefined ? undefined : parseDocument(after, uri);
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
    tests: { delta: (fb?.tests ?? 0) - (fa?.tests ?? 0), checksAdded: [], checksRemoved: [] },
  };
  if (!a || !b || !fa || !fb) return summary;
  summary.tests.checksAdded = fb.checks.filter((c) => !fa.checks.includes(c));
  summary.tests.checksRemoved = fa.checks.filter((c) => !fb.checks.includes(c));

  if (fa.model !== fb.model) summary.model = { from: fa.model, to: fb.model };
  if (fa.version !== fb.version) summary.version = { from: fa.version, to: fb.version };
  const ca = parameters(a);
  const cb = parameters(b);
  for (const key of new Set([...ca.keys(), ...cb.keys()])) {
    if (same(ca.get(key)?.value, cb.get(key)?.value)) continue;
    summary.parameters.push({ key, path: (cb.get(key) ?? ca.get(key))!.path, from: ca.has(key) ? showValue(ca.get(key)!.value) : undefined, to: cb.has(key) ? showValue(cb.get(key)!.value) : undefined });
  }
  summary.variables = { added: fb.variables.filter((v) => !fa.variables.includes(v)), removed: fa.variables.filter((v) => !fb.variables.includes(v)) };
  for (const role of new Set([...Object.keys(fa.messages), ...Object.keys(fb.messages)])) {
    const delta = (fb.messages[role] ?? 0) - (fa.messages[role] ?? 0);
    if (delta) summary.messages.push({ role, delta });
  }
  const ta = tools(a);
  const tb = tools(b);
  summary.tools = { added: tb.filter((t) => !ta.includes(t)), removed: ta.filter((t) => !tb.includes(t)) };
  const va = settings(a);
  const vb = settings(b);
  const reported = new Set((['model', 'version', 'parameters', 'tools', 'inputs', 'inputDefaults'] as const).map((f) => topKey(b, f)));
  // Rows added or removed are said as such; evaluators added or removed likewise (when rows run them).
  if (summary.tests.delta && topKey(b, 'inputs') === 'testData') reported.add('testData');
  for (const key of new Set([...Object.keys(va), ...Object.keys(vb)])) {
    if (reported.has(key)) continue;
    if (!same(va[key], vb[key])) summary.otherKeys.push(key);
  }
  if (agentInfo(a) || agentInfo(b)) summary.sections = sectionChanges(a, b);
  // Input defaults and schema details that did not add or remove a variable still count as a change.
  const inputs = topKey(b, 'inputs');
  if (inputs && !same(va[inputs], vb[inputs]) && !summary.variables.added.length && !summary.variables.removed.length) summary.otherKeys.push(inputs);
  return summary;
}

/**
 * An agent instruction file's sections by heading (`## Setup`; the text before the first heading is
 * `(top)`; a heading written twice gets ` (2)`), each with its text, to compare two versions.
 */
function sectionTexts(doc: PromptDocument): Map<string, string> {
  const out = new Map<string, string>();
  const info = agentInfo(doc);
  if (!info) return out;
  info.sections.forEach((sec, i) => {
    const base = sec.heading ? `${'#'.repeat(sec.heading.level)} ${sec.heading.title}` : '(top)';
    let name = base;
    for (let n = 2; out.has(name); n++) name = `${base} (${n})`;
    const start = i === 0 ? info.body.start : sec.span.start;
    out.set(name, doc.text.slice(sec.heading ? sec.heading.span.end : start, sec.span.end).trim());
  });
  return out;
}

function sectionChanges(a: PromptDocument, b: PromptDocument): { added: string[]; removed: string[]; changed: string[] } {
  const sa = sectionTexts(a);
  const sb = sectionTexts(b);
  return {
    added: [...sb.keys()].filter((k) => !sa.has(k)),
    removed: [...sa.keys()].filter((k) => !sb.has(k)),
    changed: [...sb.keys()].filter((k) => sa.has(k) && sa.get(k) !== sb.get(k)),
  };
}

/** Summaries of history entries, computed in this process (the CLI, tests, benchmarks). */
export async function summarizeEntries(git: Git, repo: RepositoryInfo, entries: readonly LogEntry[], options: SummaryOptions = {}): Promise<ChangeSummary[]> {
  const pairs = await entryTexts(git, repo, entries);
  // The file's name picks its format (a `.prompt.yml` is not Dotprompt).
  return pairs.map((p, i) => summarizeChange(p.before, p.after, options, `prompt-history:/${encodeURI(entries[i].path)}`));
}
