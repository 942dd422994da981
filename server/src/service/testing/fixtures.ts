// Fixture files (`name.tests.yaml` beside `name.prompt`): the zod schema, and a parse that keeps
// the YAML range of every case, variable and assertion, so diagnostics, test results and failure
// messages point at the exact line. Plain data in, plain data out: no files are read here.
import { isMap, isScalar, isSeq, visit, type Document, type Node, type Pair } from 'yaml';
import { z } from 'zod';
import type { PromptDiagnostic } from '../diagnostic';
import type { HistoryMessage } from '../formats/types';
import { closest } from '../suggest';
import { LineIndex, type Span } from '../text';
import { describeValue, locate } from '../yamlPath';
import { parseYamlDocument } from '../yamlParse';

export const BASE_ASSERTION_TYPES = [
  'equals',
  'contains',
  'icontains',
  'contains-any',
  'contains-all',
  'starts-with',
  'regex',
  'is-json',
  'contains-json',
  'json-schema',
  'max-tokens',
  'latency',
  'cost',
  'javascript',
  'llm-rubric',
  'icontains-any',
  'icontains-all',
  'levenshtein',
  'similar',
  'is-xml',
  'contains-xml',
  'finish-reason',
  'is-valid-openai-tools-call',
  'is-valid-anthropic-tools-call',
  'is-valid-gemini-tools-call',
  'is-valid-function-call',
  'perplexity',
  'perplexity-score',
  'factuality',
  'model-graded-closedqa',
] as const;
export type BaseAssertionType = (typeof BASE_ASSERTION_TYPES)[number];
export const ASSERTION_TYPES: readonly string[] = [...BASE_ASSERTION_TYPES, ...BASE_ASSERTION_TYPES.map((t) => `not-${t}`)];

export const PROVIDER_IDS = ['render', 'openai', 'anthropic', 'azure-openai', 'googleai', 'vertexai', 'vscode-lm', 'github'] as const;
export type ProviderId = (typeof PROVIDER_IDS)[number];

/** A file path relative to the fixture file, written `file://relative/path`. */
export const FILE_PREFIX = 'file://';

const VALUE_KIND: Record<BaseAssertionType, 'text' | 'texts' | 'text-or-texts' | 'number' | 'any' | 'optional-schema' | 'optional-xml' | 'none' | 'code'> = {
  equals: 'any',
  contains: 'text',
  icontains: 'text',
  'contains-any': 'texts',
  'contains-all': 'texts',
  'starts-with': 'text',
  regex: 'text',
  'is-json': 'optional-schema',
  'contains-json': 'optional-schema',
  'json-schema': 'optional-schema',
  'max-tokens': 'number',
  latency: 'number',
  cost: 'number',
  javascript: 'code',
  'llm-rubric': 'text',
  'icontains-any': 'texts',
  'icontains-all': 'texts',
  levenshtein: 'text',
  similar: 'text-or-texts',
  'is-xml': 'optional-xml',
  'contains-xml': 'optional-xml',
  'finish-reason': 'text',
  'is-valid-openai-tools-call': 'none',
  'is-valid-anthropic-tools-call': 'none',
  'is-valid-gemini-tools-call': 'none',
  'is-valid-function-call': 'none',
  perplexity: 'none',
  'perplexity-score': 'none',
  factuality: 'text',
  'model-graded-closedqa': 'text',
};

/** The judge-model checks: `provider` and `model` name their judge. */
export const JUDGE_ASSERTION_TYPES: readonly BaseAssertionType[] = ['llm-rubric', 'factuality', 'model-graded-closedqa'];

/**
 * What `threshold` means per type, where it is not a score from 0 to 1: `levenshtein`'s is the
 * largest edit distance that passes (default 5), `perplexity`'s the largest perplexity (required).
 */
export const THRESHOLD_DEFAULTS: Partial<Record<BaseAssertionType, number>> = { levenshtein: 5, similar: 0.75 };

/** The fixture's `tools:`: functions the model may call, sent with every request of the file. */
export interface FixtureTool {
  name: string;
  description?: string;
  parameters: Record<string, unknown>;
  line: number;
}

const AssertionSchema = z
  .object({
    type: z.enum(ASSERTION_TYPES as [string, ...string[]]).describe('The check: `contains`, `regex`, `json-schema`, `llm-rubric`, ... or its `not-` form.'),
    value: z.unknown().optional().describe('What the check compares with: text, a list of texts, a number, a JSON Schema, code or a rubric, depending on the type.'),
    weight: z.number().min(0).optional().describe('How much this check counts in the case score (default 1; 0 reports it without counting it).'),
    threshold: z.number().min(0).optional().describe('The score (0 to 1) from which `llm-rubric`, `javascript`, `similar` (default 0.75), `perplexity-score`, `factuality` and `model-graded-closedqa` pass; for `levenshtein` the largest edit distance that passes (default 5); for `perplexity` the largest perplexity that passes (1 or more).'),
    flags: z.string().regex(/^[dgimsuy]*$/).optional().describe('`regex` only: flags such as `i` (ignore case), `m` (multi-line), `s` (dot matches line breaks).'),
    provider: z.enum(PROVIDER_IDS).optional().describe('The judge provider of `llm-rubric`, `factuality` and `model-graded-closedqa`, or the embedding provider of `similar` (default: the case\'s provider).'),
    model: z.string().optional().describe('The judge model of `llm-rubric`, `factuality` and `model-graded-closedqa` (default: the case\'s model), or the embedding model of `similar` (default: `text-embedding-3-large` for OpenAI, `gemini-embedding-001` for Gemini).'),
    description: z.string().optional().describe('A note shown with the result.'),
  })
  .strict();

const VarsSchema = z.union([z.record(z.string(), z.unknown()), z.string().startsWith(FILE_PREFIX)]);

export const HISTORY_ROLES = ['user', 'model', 'system', 'tool'] as const;

const HistoryPartSchema = z.union([
  z.object({ text: z.string() }).strict(),
  z.object({ media: z.object({ url: z.string().min(1), contentType: z.string().optional() }).strict() }).strict(),
]);

const HistoryMessageSchema = z
  .object({
    role: z.enum(HISTORY_ROLES).describe('Who said it: `user`, `model`, `system` or `tool`.'),
    text: z.string().optional().describe('What was said.'),
    content: z.array(HistoryPartSchema).min(1).optional().describe('What was said, as Dotprompt parts: `{ text: ... }` or `{ media: { url, contentType } }`.'),
  })
  .strict();

const ContextSchema = z.record(z.string(), z.unknown()).describe('The render context: each key is a `@` data variable of the template (`state:` is `@state`, `auth:` is `@auth`).');

const HistorySchema = z.array(HistoryMessageSchema).describe('The conversation so far, for `{{history}}`: a list of `{ role, text }` messages (Dotprompt inserts them where the template says `{{history}}`, else before the last user message).');

const CaseSchema = z
  .object({
    name: z.string().min(1).describe('The case\'s name, unique in the file: the test\'s name in the Test Explorer, JUnit and the run records.'),
    description: z.string().optional().describe('What the case checks, for people.'),
    vars: VarsSchema.optional().describe('The input values, over the prompt\'s `input.default` and the file\'s `defaults.vars`. A value `file://path` is read from that file (relative to this one); `vars: file://path.yaml` loads them all from a YAML or JSON file.'),
    context: ContextSchema.optional().describe('The render context over `defaults.context`: each key is a `@` data variable of the template (`state:` is `@state`, `auth:` is `@auth`).'),
    history: HistorySchema.optional().describe('The conversation so far, for `{{history}}` (instead of `defaults.history`): a list of `{ role, text }` messages.'),
    provider: z.enum(PROVIDER_IDS).optional().describe('Always run this case with this provider (`render`, `openai`, `anthropic`, `googleai`, `vertexai`, `vscode-lm`, `github`), whatever the run\'s provider.'),
    model: z.string().optional().describe('The model for this case instead of the prompt\'s `model:`, e.g. `openai/gpt-4o-mini`.'),
    config: z.record(z.string(), z.unknown()).optional().describe('Model parameters over the prompt\'s `config` (`temperature`, `maxOutputTokens`, `topP`, `stopSequences`, ...).'),
    repeat: z.number().int().min(1).max(100).optional().describe('Run the case this many times (a stability check); each run is its own test.'),
    threshold: z.number().min(0).max(1).optional().describe('The case passes when the weighted score of its assertions reaches this (0 to 1). Without it every assertion must pass.'),
    assert: z.array(AssertionSchema).optional().describe('The checks on the output, after the file\'s `defaults.assert`.'),
    skip: z.boolean().optional().describe('`true` skips the case (reported as skipped).'),
  })
  .strict();

const DefaultsSchema = z
  .object({
    vars: z.record(z.string(), z.unknown()).optional().describe('Input values every case starts from.'),
    context: ContextSchema.optional().describe('The render context every case starts from (`state:` is `@state`, `auth:` is `@auth`).'),
    history: HistorySchema.optional().describe('The conversation so far for every case that gives none, for `{{history}}`.'),
    assert: z.array(AssertionSchema).optional().describe('Checks every case runs, before its own.'),
    threshold: z.number().min(0).max(1).optional().describe('The score every case must reach unless it sets its own `threshold`.'),
    repeat: z.number().int().min(1).max(100).optional().describe('How often every case runs unless it sets its own `repeat`.'),
    config: z.record(z.string(), z.unknown()).optional().describe('Model parameters for every case, over the prompt\'s `config`.'),
  })
  .strict();

const ToolSchema = z
  .object({
    name: z.string().regex(/^[A-Za-z_][A-Za-z0-9_.-]{0,63}$/, 'a function name: letters, digits, `_`, `.` or `-`, at most 64 characters').describe('The function\'s name, as the model calls it.'),
    description: z.string().optional().describe('What the function does, for the model.'),
    parameters: z.record(z.string(), z.unknown()).optional().describe('The function\'s arguments as JSON Schema (default: an object with no properties). The tool-call checks validate the model\'s arguments against it.'),
  })
  .strict();

const MatrixVariantSchema = z
  .object({
    label: z.string().min(1).optional().describe('The variant\'s name in reports, JUnit and run records (default: its model). Unique in the matrix.'),
    model: z.string().min(1).describe('The model of this variant, provider-qualified (`openai/gpt-4o-mini`, `anthropic/claude-sonnet-4-5`, `googleai/gemini-2.5-flash`), over the prompt\'s, the file\'s and each case\'s `model`.'),
    provider: z.enum(PROVIDER_IDS).optional().describe('The provider of this variant (default: the model\'s prefix), e.g. `openai` for a model an OpenAI-compatible server serves under another name.'),
    config: z.record(z.string(), z.unknown()).optional().describe('Model parameters of this variant, over the prompt\'s `config` and each case\'s (`temperature`, `maxOutputTokens`, ...).'),
  })
  .strict();

export const PromptVariantEntrySchema = z
  .object({
    prompt: z.string().min(1).describe('A prompt file to run the cases over, relative to this file (`summarize-v2.prompt`), or a git revision of one (`summarize.prompt@HEAD~1`, `summarize.prompt@main`).'),
    label: z.string().min(1).optional().describe('The variant\'s name in reports, JUnit and run records (default: `prompt` as written). Unique in the list.'),
  })
  .strict();

export const FixtureFileSchema = z
  .object({
    prompt: z.string().min(1).optional().describe('The prompt under test, relative to this file (a `.prompt` or `.prompty` file). Default: the `.prompt` file of the same name (`summarize.tests.yaml` tests `summarize.prompt`).'),
    description: z.string().optional().describe('What this suite checks.'),
    provider: z.enum(PROVIDER_IDS).optional().describe('Run every case of this file with this provider, whatever the run\'s provider (a case\'s own `provider` wins).'),
    model: z.string().optional().describe('The model for every case instead of the prompt\'s `model:`.'),
    defaults: DefaultsSchema.optional().describe('Values, checks and parameters that apply to every case.'),
    tools: z.array(ToolSchema).min(1).optional().describe('Functions the model may call, sent with every case of this file (OpenAI `tools`, Anthropic `tools`, Gemini `functionDeclarations`); when the prompt lists `tools:` by name, only those are sent. `is-valid-openai-tools-call` and its kin check the calls against them.'),
    matrix: z.array(MatrixVariantSchema).min(1).optional().describe('Run every case on each of these variants (a model, its provider and parameters, with a label) and compare them: `prompt-workbench test` runs case × variant (`--models a,b` replaces the list). Cases with `provider: render` run once.'),
    variants: z.array(z.union([z.string().min(1), PromptVariantEntrySchema])).min(1).optional().describe('Run every case over each of these prompts and compare them: prompt files (`a.prompt`) or git revisions of one (`summarize.prompt@HEAD~1`), each as a path or `{ prompt, label }`. `prompt-workbench test` runs case × variant (× `matrix:` model); `--variants a,b` replaces the list.'),
    cases: z.array(CaseSchema).min(1).describe('The test cases.'),
  })
  .strict();

/** The checks of test cases written in a GitHub Models prompt file (its evaluators), never in a fixture file. */
export type GitHubAssertionType = 'gh-string' | 'gh-llm' | 'gh-uses';

export interface FixtureAssertion {
  /** As written, e.g. `not-contains`; an evaluator's name for a prompt file's evaluators. */
  type: string;
  base: BaseAssertionType | GitHubAssertionType;
  negate: boolean;
  value: unknown;
  weight: number;
  threshold?: number;
  flags?: string;
  provider?: ProviderId;
  model?: string;
  description?: string;
  span: Span;
  /** Zero-based line of the assertion in the fixture file. */
  line: number;
}

export interface FixtureCase {
  index: number;
  name: string;
  description?: string;
  /** Inline values (file references still as `file://` strings: see loadCaseVars). */
  vars: Record<string, unknown>;
  /** `vars: file://...`: all values come from that file (relative to the fixture file). */
  varsFile?: string;
  /** The render context (`defaults.context`, then the case's own keys): `@state`, `@auth`, ... */
  context?: Record<string, unknown>;
  /** The conversation so far (the case's `history`, else `defaults.history`). */
  history?: HistoryMessage[];
  /** Ranges of the context keys as written (the case's own, else the defaults'), for diagnostics. */
  contextKeySpans: Record<string, Span>;
  historySpan?: Span;
  provider?: ProviderId;
  model?: string;
  config: Record<string, unknown>;
  repeat: number;
  threshold?: number;
  assert: FixtureAssertion[];
  skip: boolean;
  span: Span;
  nameSpan: Span;
  /** Zero-based line of the case (its `- name:` line). */
  line: number;
  /** Ranges of the case's own variable keys (for diagnostics on the exact line). */
  varKeySpans: Record<string, Span>;
  varsSpan?: Span;
}

export interface FixtureFile {
  uri: string;
  text: string;
  lines: LineIndex;
  yaml?: Document;
  /** The prompt's URI, resolved against the fixture file's URI. */
  promptUri: string;
  promptSpan?: Span;
  description?: string;
  provider?: ProviderId;
  model?: string;
  defaultVars: Record<string, unknown>;
  defaultVarKeySpans: Record<string, Span>;
  /** `matrix:`: the variants every case runs on (empty without one). */
  matrix: MatrixVariant[];
  /** `variants:`: the prompts (files or git revisions) every case runs over (empty without one). */
  variants: PromptVariantSpec[];
  /** `tools:`: the functions the model may call (empty without them). */
  tools: FixtureTool[];
  cases: FixtureCase[];
  diagnostics: PromptDiagnostic[];
}

export const FIXTURE_SUFFIX = '.tests.yaml';

export function isFixtureUri(uri: string): boolean {
  return /\.tests\.ya?ml$/i.test(uri.split(/[?#]/)[0]);
}

/** `summarize.tests.yaml` -> `summarize.prompt` in the same folder. */
export function defaultPromptUri(fixtureUri: string): string {
  return fixtureUri.replace(/\.tests\.ya?ml$/i, '.prompt');
}

/**
 * The prompts a fixture file without `prompt:` may test, by the naming convention, in order of
 * preference: `x.tests.yaml` tests `x.prompt`, else `x.prompty` beside it.
 */
export function defaultPromptUris(fixtureUri: string): string[] {
  const base = fixtureUri.replace(/\.tests\.ya?ml$/i, '');
  return base === fixtureUri ? [defaultPromptUri(fixtureUri)] : [`${base}.prompt`, `${base}.prompty`];
}

/**
 * Settles the prompt of a fixture file that has no `prompt:`: `x.prompt` when it exists, else
 * `x.prompty` when that exists (else `x.prompt` stays, reported missing). `exists` is the host's.
 * A `prompt:` written in the file is left as it is. Returns the same file.
 */
export async function resolveDefaultPrompt(file: FixtureFile, exists: (uri: string) => Promise<boolean>): Promise<FixtureFile> {
  if (file.promptSpan || file.uri === file.promptUri) return file;
  const [dotprompt, ...others] = defaultPromptUris(file.uri);
  if (await exists(dotprompt).catch(() => false)) {
    file.promptUri = dotprompt;
    return file;
  }
  for (const uri of others) {
    if (await exists(uri).catch(() => false)) {
      file.promptUri = uri;
      return file;
    }
  }
  return file;
}

export function resolveRelative(baseUri: string, relative: string): string {
  try {
    return new URL(relative.replace(/\\/g, '/'), baseUri).toString();
  } catch {
    return relative;
  }
}

function record(v: unknown): Record<string, unknown> {
  return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
}

function nodeSpan(node: Node | null | undefined): Span | undefined {
  const r = node?.range;
  return r ? { start: r[0], end: Math.max(r[1], r[0] + 1) } : undefined;
}

function keySpans(node: Node | null | undefined): Record<string, Span> {
  const out: Record<string, Span> = {};
  if (!isMap(node)) return out;
  for (const pair of node.items as Pair<Node, Node | null>[]) {
    if (isScalar(pair.key) && pair.key.range) out[String(pair.key.value)] = { start: pair.key.range[0], end: pair.key.range[1] };
  }
  return out;
}

const KNOWN_KEYS: Record<string, readonly string[]> = {
  root: Object.keys(FixtureFileSchema.shape),
  case: Object.keys(CaseSchema.shape),
  defaults: Object.keys(DefaultsSchema.shape),
  assertion: Object.keys(AssertionSchema.shape),
  matrix: Object.keys(MatrixVariantSchema.shape),
  variants: Object.keys(PromptVariantEntrySchema.shape),
  tool: Object.keys(ToolSchema.shape),
  history: Object.keys(HistoryMessageSchema.shape),
};

function keysFor(path: readonly PropertyKey[]): readonly string[] {
  if (path.length === 0) return KNOWN_KEYS.root;
  if (path[0] === 'defaults' && path.length === 1) return KNOWN_KEYS.defaults;
  if (path[0] === 'cases' && path.length === 2) return KNOWN_KEYS.case;
  if (path[path.length - 2] === 'assert') return KNOWN_KEYS.assertion;
  if (path[0] === 'matrix' && path.length === 2) return KNOWN_KEYS.matrix;
  if (path[0] === 'variants' && path.length === 2) return KNOWN_KEYS.variants;
  if (path[0] === 'tools' && path.length === 2) return KNOWN_KEYS.tool;
  if (path[path.length - 2] === 'history') return KNOWN_KEYS.history;
  return [];
}

function dottedPath(path: readonly PropertyKey[]): string {
  return path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`)).join('').replace(/^\./, '');
}

/** `threshold` out of the range its type gives it (the schema only knows it is a number of 0 or more). */
function thresholdDiagnostic(a: Record<string, unknown>, base: BaseAssertionType): string | undefined {
  const t = a.threshold;
  if (typeof t !== 'number') return base === 'perplexity' ? '`perplexity` needs `threshold`: the largest perplexity that passes (1 or more; 1 is a model certain of every token).' : undefined;
  if (base === 'levenshtein') return Number.isInteger(t) ? undefined : `\`threshold\` of \`levenshtein\` is the largest edit distance that passes: a whole number of 0 or more, got ${t}.`;
  if (base === 'perplexity') return t >= 1 ? undefined : `\`threshold\` of \`perplexity\` is the largest perplexity that passes: 1 or more (perplexity is never below 1), got ${t}.`;
  return t <= 1 ? undefined : `\`threshold\` of \`${String(a.type)}\` is a score from 0 to 1, got ${t}.`;
}

function valueDiagnostic(a: Record<string, unknown>, base: BaseAssertionType): string | undefined {
  const v = a.value;
  switch (VALUE_KIND[base]) {
    case 'text':
      if (typeof v !== 'string') return `\`${String(a.type)}\` needs \`value\`: a text, got ${describeValue(v)}.`;
      if (base === 'regex') {
        try {
          new RegExp(v, typeof a.flags === 'string' ? a.flags : undefined);
        } catch (e) {
          return `\`value\` is not a valid regular expression: ${(e as Error).message.replace(/^Invalid regular expression: /, '')}.`;
        }
      }
      return undefined;
    case 'texts':
      return Array.isArray(v) && v.length && v.every((x) => typeof x === 'string') ? undefined : `\`${String(a.type)}\` needs \`value\`: a list of texts, got ${describeValue(v)}.`;
    case 'text-or-texts':
      return typeof v === 'string' || (Array.isArray(v) && v.length && v.every((x) => typeof x === 'string')) ? undefined : `\`${String(a.type)}\` needs \`value\`: the expected text, or a list of texts (passing when any is similar enough), got ${describeValue(v)}.`;
    case 'optional-xml': {
      if (v === undefined) return undefined;
      const req = v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>).requiredElements : undefined;
      const extra = v && typeof v === 'object' && !Array.isArray(v) ? Object.keys(v).filter((k) => k !== 'requiredElements') : [];
      if (Array.isArray(req) && req.length && req.every((x) => typeof x === 'string' && /^[^.\s]+(\.[^.\s]+)*$/.test(x)) && !extra.length) return undefined;
      return `\`${String(a.type)}\` takes an optional \`value\` with \`requiredElements\`: a list of dot-separated element paths (\`root.child\`), got ${describeValue(v)}.`;
    }
    case 'none':
      return v === undefined ? undefined : `\`${String(a.type)}\` takes no \`value\`${base.startsWith('perplexity') ? ' (the limit is `threshold`)' : base.includes('tools-call') || base === 'is-valid-function-call' ? ' (the tools are the fixture file\'s `tools:`)' : ''}.`;
    case 'number':
      return typeof v === 'number' && v >= 0 ? undefined : `\`${String(a.type)}\` needs \`value\`: a number of 0 or more (${base === 'latency' ? 'milliseconds' : base === 'cost' ? 'US dollars' : 'tokens'}), got ${describeValue(v)}.`;
    case 'code':
      return typeof v === 'string' && v.trim() ? undefined : '`javascript` needs `value`: an expression or function body of `output` and `context`, returning true/false, a score from 0 to 1, or `{ pass, score, reason }`.';
    case 'optional-schema':
      return v === undefined || (v && typeof v === 'object' && !Array.isArray(v)) ? undefined : `\`${String(a.type)}\` takes an optional JSON Schema (a mapping) as \`value\`, got ${describeValue(v)}.`;
    case 'any':
      return v === undefined ? '`equals` needs `value`: the exact expected output (text, or a mapping/list compared as JSON).' : undefined;
  }
}

/**
 * Keys written as a YAML mapping or list, such as `{{question}}: ...` (braces are a flow mapping in
 * YAML): valid YAML, but the key becomes text like `{ {question}: null }`, which names nothing.
 */
function collectionKeys(doc: Document, text: string, diagnostics: PromptDiagnostic[]): void {
  // The end of the last key reported: keys inside it (`{question}` of `{{question}}`) are part of it.
  let reportedEnd = -1;
  visit(doc, {
    Pair(_, pair) {
      const key = pair.key as Node | null;
      if (!(isMap(key) || isSeq(key)) || !key.range || key.range[0] < reportedEnd) return;
      reportedEnd = key.range[1];
      const written = text.slice(key.range[0], key.range[1]);
      const braces = /^\{\{\s*([\w.-]+)\s*\}\}$/.exec(written);
      diagnostics.push({
        code: 'fixture-yaml',
        severity: 'error',
        message: braces
          ? `\`${written}\` is a YAML mapping in braces, not a name: write the key without braces (\`${braces[1]}:\`).`
          : `This key is a YAML ${isMap(key) ? 'mapping' : 'list'}, not a name: write a plain key, or quote it if the braces or brackets are part of the name.`,
        span: { start: key.range[0], end: Math.max(key.range[1], key.range[0] + 1) },
      });
    },
  });
}

/** Parses a fixture file. Never throws: every problem is a diagnostic with a range. */
export function parseFixtureFile(text: string, uri: string): FixtureFile {
  const lines = new LineIndex(text);
  const diagnostics: PromptDiagnostic[] = [];
  const file: FixtureFile = { uri, text, lines, promptUri: defaultPromptUri(uri), defaultVars: {}, defaultVarKeySpans: {}, matrix: [], variants: [], tools: [], cases: [], diagnostics };
  const whole: Span = { start: 0, end: Math.min(text.length, Math.max(1, lines.lineEnd(0))) };
  let doc: Document;
  try {
    // `logLevel: 'error'`: a mapping used as a key is reported below, not as a process warning.
    doc = parseYamlDocument(text, { prettyErrors: false, uniqueKeys: true, logLevel: 'error' });
  } catch (e) {
    diagnostics.push({ code: 'fixture-yaml', severity: 'error', message: `This is not valid YAML: ${(e as Error).message}`, span: whole });
    return file;
  }
  file.yaml = doc;
  for (const err of doc.errors) {
    const [s, e] = err.pos;
    diagnostics.push({ code: 'fixture-yaml', severity: 'error', message: `YAML: ${err.message.split('\n')[0]}`, span: { start: s, end: Math.max(e, s + 1) } });
  }
  if (doc.errors.length) return file;
  collectionKeys(doc, text, diagnostics);
  let value: unknown;
  try {
    value = doc.toJS({ maxAliasCount: 100 });
  } catch (e) {
    diagnostics.push({ code: 'fixture-yaml', severity: 'error', message: `YAML: ${(e as Error).message} (aliases are limited to 100 expansions).`, span: whole });
    return file;
  }
  if (value == null || typeof value !== 'object' || Array.isArray(value)) {
    diagnostics.push({
      code: 'fixture-schema',
      severity: 'error',
      message: 'A fixture file is a YAML mapping with `cases:` (a list of test cases), and optionally `prompt:`, `defaults:`, `provider:` and `model:`.',
      span: nodeSpan(doc.contents as Node) ?? whole,
    });
    return file;
  }
  const root = value as Record<string, unknown>;

  const result = FixtureFileSchema.safeParse(root);
  const bad = new Set<string>();
  if (!result.success) {
    for (const issue of result.error.issues) {
      const path = issue.path;
      // A `variants:` entry is a text or a mapping: parseVariants says precisely what is wrong.
      if (path[0] === 'variants' && path.length >= 2) continue;
      if (path[0] === 'cases' && typeof path[1] === 'number') bad.add(`case:${path[1]}`);
      if (issue.code === 'unrecognized_keys') {
        const { node } = locate(doc, path);
        for (const key of issue.keys) {
          const keyNode = isMap(node) ? (node.items as Pair<Node, Node | null>[]).find((p) => isScalar(p.key) && String(p.key.value) === key)?.key : undefined;
          const near = closest(key, keysFor(path));
          diagnostics.push({
            code: 'fixture-unknown-key',
            severity: 'error',
            message: `Unknown key \`${key}\`${path.length ? ` in \`${dottedPath(path)}\`` : ''}.${near ? ` Did you mean \`${near}\`?` : ` Expected one of ${keysFor(path).map((k) => `\`${k}\``).join(', ')}.`}`,
            span: nodeSpan(keyNode as Node) ?? nodeSpan(node) ?? whole,
            data: near ? { replacement: near } : undefined,
          });
        }
        continue;
      }
      const { pair, node } = locate(doc, path);
      const dotted = dottedPath(path);
      let actual: unknown = root;
      for (const seg of path) actual = actual == null ? undefined : (actual as Record<PropertyKey, unknown>)[seg as PropertyKey];
      let message: string;
      if (issue.code === 'invalid_value') {
        const options = issue.values.map(String);
        const near = typeof actual === 'string' ? closest(actual.replace(/^not-/, ''), options) : undefined;
        message = `Expected one of ${options.filter((o) => !o.startsWith('not-')).map((o) => `\`${o}\``).join(', ')}${options.some((o) => o.startsWith('not-')) ? ' (or a `not-` form)' : ''} for \`${dotted}\`, got ${describeValue(actual)}.${near ? ` Did you mean \`${typeof actual === 'string' && actual.startsWith('not-') ? 'not-' : ''}${near}\`?` : ''}`;
      } else if (issue.code === 'invalid_type') {
        message = actual === undefined ? `\`${dotted}\` is required.` : `Expected ${issue.expected === 'array' ? 'a list' : issue.expected === 'object' || issue.expected === 'record' ? 'a mapping' : issue.expected === 'string' ? 'text' : `a ${issue.expected}`} for \`${dotted}\`, got ${describeValue(actual)}.`;
      } else if (issue.code === 'invalid_union' && path[path.length - 1] === 'vars') {
        message = `\`${dotted}\` must be a mapping of input names to values, or \`file://path\` to a YAML or JSON file with them; got ${describeValue(actual)}.`;
      } else if (issue.code === 'too_small') {
        message = Array.isArray(actual) ? `\`${dotted}\` must not be empty.` : typeof actual === 'string' ? `\`${dotted}\` must not be empty.` : `\`${dotted}\` must be at least ${String(issue.minimum)}; got ${String(actual)}.`;
      } else if (issue.code === 'too_big') {
        message = `\`${dotted}\` must be at most ${String(issue.maximum)}; got ${String(actual)}.`;
      } else message = `\`${dotted}\`: ${issue.message}`;
      const parentNode = path.length ? locate(doc, path.slice(0, -1)).node : undefined;
      const at = nodeSpan(node) ?? nodeSpan(pair?.key as Node) ?? (actual === undefined ? nodeSpan(parentNode as Node) : undefined) ?? whole;
      // A case without a name: point at the start of the case, not the whole list.
      diagnostics.push({ code: 'fixture-schema', severity: 'error', message, span: actual === undefined && parentNode ? { start: nodeSpan(parentNode as Node)!.start, end: lines.lineEnd(lines.lineAt(nodeSpan(parentNode as Node)!.start)) } : at });
    }
  }

  // Build the model from what is usable, even when some parts are invalid.
  if (typeof root.prompt === 'string' && root.prompt.trim()) {
    file.promptUri = resolveRelative(uri, root.prompt.trim());
    file.promptSpan = nodeSpan(locate(doc, ['prompt']).node);
  }
  if (typeof root.description === 'string') file.description = root.description;
  if (typeof root.provider === 'string' && (PROVIDER_IDS as readonly string[]).includes(root.provider)) file.provider = root.provider as ProviderId;
  if (typeof root.model === 'string') file.model = root.model;
  const defaults = record(root.defaults);
  file.defaultVars = record(defaults.vars);
  file.defaultVarKeySpans = keySpans(locate(doc, ['defaults', 'vars']).node);
  const defaultAssert = parseAssertions(doc, ['defaults', 'assert'], defaults.assert, lines, diagnostics);
  const defaultConfig = record(defaults.config);
  file.matrix = parseMatrix(doc, root.matrix, lines, diagnostics);
  file.variants = parseVariants(doc, root.variants, uri, lines, diagnostics);
  file.tools = parseTools(doc, root.tools, lines, diagnostics);
  checkHistoryMessages(doc, text, ['defaults', 'history'], defaults.history, diagnostics);
  if (Array.isArray(root.cases)) root.cases.forEach((c, i) => checkHistoryMessages(doc, text, ['cases', i, 'history'], record(c).history, diagnostics));
  const defaultContext = defaults.context && typeof defaults.context === 'object' && !Array.isArray(defaults.context) ? record(defaults.context) : undefined;
  const defaultContextSpans = keySpans(locate(doc, ['defaults', 'context']).node);
  const defaultHistory = historyOf(defaults.history);
  const defaultHistorySpan = nodeSpan(locate(doc, ['defaults', 'history']).pair?.key as Node);

  const cases = Array.isArray(root.cases) ? root.cases : [];
  const seen = new Map<string, number>();
  cases.forEach((raw, index) => {
    const c = record(raw);
    const { node } = locate(doc, ['cases', index]);
    const span = nodeSpan(node) ?? whole;
    const name = typeof c.name === 'string' && c.name.trim() ? c.name.trim() : `case ${index + 1}`;
    const nameNode = locate(doc, ['cases', index, 'name']).node;
    const nameSpan = nodeSpan(nameNode) ?? { start: span.start, end: lines.lineEnd(lines.lineAt(span.start)) };
    if (seen.has(name)) {
      diagnostics.push({ code: 'fixture-duplicate-case', severity: 'error', message: `Another case is already named "${name}" (line ${lines.positionAt(cases.length && seen.get(name)! >= 0 ? file.cases[seen.get(name)!].span.start : 0).line + 1}). Case names identify tests and records: make them unique.`, span: nameSpan });
    } else seen.set(name, file.cases.length);
    const varsNode = locate(doc, ['cases', index, 'vars']);
    const assertions = [...defaultAssert, ...parseAssertions(doc, ['cases', index, 'assert'], c.assert, lines, diagnostics)];
    const repeat = typeof c.repeat === 'number' && Number.isInteger(c.repeat) && c.repeat >= 1 ? Math.min(100, c.repeat) : typeof defaults.repeat === 'number' && defaults.repeat >= 1 ? Math.min(100, Math.floor(defaults.repeat)) : 1;
    const threshold = typeof c.threshold === 'number' ? c.threshold : typeof defaults.threshold === 'number' ? defaults.threshold : undefined;
    file.cases.push({
      index,
      name,
      description: typeof c.description === 'string' ? c.description : undefined,
      vars: typeof c.vars === 'string' ? {} : record(c.vars),
      varsFile: typeof c.vars === 'string' && c.vars.startsWith(FILE_PREFIX) ? c.vars.slice(FILE_PREFIX.length) : undefined,
      provider: typeof c.provider === 'string' && (PROVIDER_IDS as readonly string[]).includes(c.provider) ? (c.provider as ProviderId) : file.provider,
      model: typeof c.model === 'string' ? c.model : file.model,
      config: { ...defaultConfig, ...record(c.config) },
      repeat,
      threshold: threshold !== undefined && threshold >= 0 && threshold <= 1 ? threshold : undefined,
      assert: assertions,
      skip: c.skip === true || bad.has(`case:${index}`),
      span,
      nameSpan,
      line: lines.positionAt(span.start).line,
      varKeySpans: keySpans(varsNode.node),
      varsSpan: nodeSpan(varsNode.pair?.key as Node),
      ...caseContext(c, defaultContext),
      contextKeySpans: { ...defaultContextSpans, ...keySpans(locate(doc, ['cases', index, 'context']).node) },
      ...(historyOf(c.history) ? { history: historyOf(c.history), historySpan: nodeSpan(locate(doc, ['cases', index, 'history']).pair?.key as Node) } : defaultHistory ? { history: defaultHistory, historySpan: defaultHistorySpan } : {}),
    });
  });
  return file;
}

/** A history message needs what was said: `text` or `content` (the schema cannot say which is missing). */
function checkHistoryMessages(doc: Document, text: string, path: (string | number)[], raw: unknown, diagnostics: PromptDiagnostic[]): void {
  if (!Array.isArray(raw)) return;
  raw.forEach((item, i) => {
    const m = record(item);
    // Only `role:` written: other keys are unknown keys, reported as such.
    if (Object.keys(m).some((k) => k !== 'role')) return;
    const node = locate(doc, [...path, i]).node;
    const at = nodeSpan(node);
    diagnostics.push({
      code: 'fixture-schema',
      severity: 'error',
      message: `\`${dottedPath([...path, i])}\` says nothing: give \`text:\` (what was said) or \`content:\` (Dotprompt parts such as \`{ text: ... }\` or \`{ media: { url: ... } }\`).`,
      // The message's first line: a mapping's range runs on to the next item.
      span: at ? { start: at.start, end: Math.max(at.start + 1, text.slice(at.start, at.end).search(/\r?\n|$/) + at.start) } : { start: 0, end: 1 },
    });
  });
}

function caseContext(c: Record<string, unknown>, defaults: Record<string, unknown> | undefined): { context?: Record<string, unknown> } {
  const own = c.context && typeof c.context === 'object' && !Array.isArray(c.context) ? record(c.context) : undefined;
  return own || defaults ? { context: { ...defaults, ...own } } : {};
}

/** The valid messages of a `history:` list (invalid ones have their diagnostic from the schema). */
function historyOf(raw: unknown): HistoryMessage[] | undefined {
  if (!Array.isArray(raw)) return undefined;
  const out: HistoryMessage[] = [];
  for (const item of raw) {
    const parsed = HistoryMessageSchema.safeParse(item);
    if (!parsed.success) continue;
    const m = parsed.data;
    const parts = m.content?.map((p) => ('text' in p ? { kind: 'text' as const, text: p.text } : { kind: 'media' as const, url: p.media.url, ...(p.media.contentType ? { contentType: p.media.contentType } : {}) }));
    out.push({ role: m.role, ...(m.text !== undefined ? { text: m.text } : {}), ...(parts ? { parts } : {}) });
  }
  return out;
}

function parseAssertions(doc: Document, path: (string | number)[], raw: unknown, lines: LineIndex, diagnostics: PromptDiagnostic[]): FixtureAssertion[] {
  if (!Array.isArray(raw)) return [];
  const out: FixtureAssertion[] = [];
  const seq = locate(doc, path).node;
  raw.forEach((item, i) => {
    const a = record(item);
    const node = isSeq(seq) ? (seq.items[i] as Node) : undefined;
    const span = nodeSpan(node) ?? { start: 0, end: 1 };
    if (typeof a.type !== 'string' || !ASSERTION_TYPES.includes(a.type)) return; // the schema reported it
    const negate = a.type.startsWith('not-');
    const base = (negate ? a.type.slice(4) : a.type) as BaseAssertionType;
    const problem = valueDiagnostic(a, base);
    if (problem) {
      diagnostics.push({ code: 'fixture-assertion', severity: 'error', message: problem, span: nodeSpan(locate(doc, [...path, i, 'value']).node) ?? span });
      return;
    }
    const thresholdProblem = thresholdDiagnostic(a, base);
    if (thresholdProblem) {
      diagnostics.push({ code: 'fixture-assertion', severity: 'error', message: thresholdProblem, span: nodeSpan(locate(doc, [...path, i, 'threshold']).node) ?? nodeSpan(locate(doc, [...path, i, 'type']).node) ?? span });
      return;
    }
    out.push({
      type: a.type,
      base,
      negate,
      value: a.value,
      weight: typeof a.weight === 'number' && a.weight >= 0 ? a.weight : 1,
      threshold: typeof a.threshold === 'number' ? a.threshold : undefined,
      flags: typeof a.flags === 'string' ? a.flags : undefined,
      provider: typeof a.provider === 'string' && (PROVIDER_IDS as readonly string[]).includes(a.provider) ? (a.provider as ProviderId) : undefined,
      model: typeof a.model === 'string' ? a.model : undefined,
      description: typeof a.description === 'string' ? a.description : undefined,
      span,
      line: lines.positionAt(span.start).line,
    });
  });
  return out;
}

/** Stable id of a case across runs and machines: the fixture path (relative to a root) and the case name. */
export function caseKey(relativeFixturePath: string, caseName: string): string {
  return `${relativeFixturePath.replace(/\\/g, '/')}#${caseName}`;
}

// ---- tools ----

function parseTools(doc: Document, raw: unknown, lines: LineIndex, diagnostics: PromptDiagnostic[]): FixtureTool[] {
  if (!Array.isArray(raw)) return [];
  const out: FixtureTool[] = [];
  const seen = new Map<string, number>();
  raw.forEach((item, i) => {
    const t = record(item);
    if (typeof t.name !== 'string' || !/^[A-Za-z_][A-Za-z0-9_.-]{0,63}$/.test(t.name)) return; // the schema reported it
    const span = nodeSpan(locate(doc, ['tools', i]).node) ?? { start: 0, end: 1 };
    const line = lines.positionAt(span.start).line;
    if (seen.has(t.name)) {
      diagnostics.push({ code: 'fixture-schema', severity: 'error', message: `Another tool is already named \`${t.name}\` (line ${seen.get(t.name)! + 1}). Tool names must be unique.`, span: nodeSpan(locate(doc, ['tools', i, 'name']).node) ?? span });
      return;
    }
    seen.set(t.name, line);
    const parameters = t.parameters && typeof t.parameters === 'object' && !Array.isArray(t.parameters) ? (t.parameters as Record<string, unknown>) : { type: 'object', properties: {} };
    out.push({ name: t.name, ...(typeof t.description === 'string' ? { description: t.description } : {}), parameters, line });
  });
  return out;
}

// ---- matrix ----

/** One variant of a matrix: every case runs on it (a model with its provider and parameters). */
export interface MatrixVariant {
  label: string;
  /** Provider-qualified, as written (`openai/gpt-4o-mini`). */
  model: string;
  /** The variant's own `provider:`; else the model's prefix decides. */
  provider?: ProviderId;
  config: Record<string, unknown>;
  /** Zero-based line of the variant in the fixture file (none for `--models`). */
  line?: number;
}

/** `openai/gpt-4o` -> `openai`; undefined when the prefix is no provider that serves models. */
export function modelProviderPrefix(model: string): ProviderId | undefined {
  const prefix = model.split('/')[0];
  return model.includes('/') && prefix !== 'render' && (PROVIDER_IDS as readonly string[]).includes(prefix) ? (prefix as ProviderId) : undefined;
}

/** The variants of `--models a,b,c`: provider-qualified names, each its own label. Throws a message on a bad list. */
export function variantsFromModels(list: string): MatrixVariant[] {
  const names = list.split(',').map((s) => s.trim()).filter(Boolean);
  if (!names.length) throw new Error('--models needs a comma-separated list of provider-qualified models, e.g. openai/gpt-4o-mini,googleai/gemini-2.5-flash.');
  const seen = new Set<string>();
  return names.map((model) => {
    if (!modelProviderPrefix(model)) throw new Error(`--models: "${model}" names no provider. Write it provider-qualified: ${PROVIDER_IDS.filter((p) => p !== 'render').map((p) => `${p}/...`).join(', ')}.`);
    if (seen.has(model)) throw new Error(`--models names "${model}" twice.`);
    seen.add(model);
    return { label: model, model, config: {} };
  });
}

function parseMatrix(doc: Document, raw: unknown, lines: LineIndex, diagnostics: PromptDiagnostic[]): MatrixVariant[] {
  if (!Array.isArray(raw)) return [];
  const out: MatrixVariant[] = [];
  const labels = new Map<string, number>();
  raw.forEach((item, i) => {
    const v = record(item);
    if (typeof v.model !== 'string' || !v.model.trim()) return; // the schema reported it
    const model = v.model.trim();
    const provider = typeof v.provider === 'string' && (PROVIDER_IDS as readonly string[]).includes(v.provider) ? (v.provider as ProviderId) : undefined;
    const span = nodeSpan(locate(doc, ['matrix', i]).node) ?? { start: 0, end: 1 };
    if (!provider && !modelProviderPrefix(model)) {
      diagnostics.push({ code: 'fixture-matrix', severity: 'error', message: `The variant's model \`${model}\` names no provider: write it provider-qualified (\`openai/${model}\`, \`googleai/${model}\`, ...) or add \`provider:\`.`, span: nodeSpan(locate(doc, ['matrix', i, 'model']).node) ?? span });
      return;
    }
    if (provider === 'render') {
      diagnostics.push({ code: 'fixture-matrix', severity: 'error', message: 'A matrix variant cannot use the `render` provider: it has no model to compare. Cases with `provider: render` run once, outside the matrix.', span: nodeSpan(locate(doc, ['matrix', i, 'provider']).node) ?? span });
      return;
    }
    const label = typeof v.label === 'string' && v.label.trim() ? v.label.trim() : model;
    const line = lines.positionAt(span.start).line;
    if (labels.has(label)) {
      diagnostics.push({ code: 'fixture-matrix', severity: 'error', message: `Another variant is already labelled "${label}" (line ${labels.get(label)! + 1}). Labels name the variants in reports and records: give ${typeof v.label === 'string' ? 'this one another `label`' : 'one of them a `label`'}.`, span: nodeSpan(locate(doc, ['matrix', i, typeof v.label === 'string' ? 'label' : 'model']).node) ?? span });
      return;
    }
    labels.set(label, line);
    out.push({ label, model, provider, config: record(v.config), line });
  });
  return out;
}

// ---- prompt variants ----

/** One entry of `variants:` (or of `--variants`): a prompt file, or a git revision of one. */
export interface PromptVariantSpec {
  /** Unique in the list: the variant's name in reports, JUnit and records. */
  label: string;
  /** As written, e.g. `summarize.prompt@HEAD~1`. */
  spec: string;
  /** The file, resolved against the fixture file (or the working folder for `--variants`). */
  uri: string;
  /** The git revision after `@`, if any. */
  revision?: string;
  /** Zero-based line of the entry in the fixture file (none for `--variants`). */
  line?: number;
  /** The range of the file (and revision) as written in the fixture file. */
  span?: Span;
}

/**
 * `file.prompt@REV` -> the file and the revision. The revision starts at the first `@` after a
 * prompt file's extension (`.prompt`, `.prompty`, `.prompt.yml`, `.prompt.yaml`), so `@` in a
 * folder or file name stays part of the path; other names take the last `@` after the last `/`.
 */
export function splitRevision(spec: string): { file: string; revision?: string } {
  const m = /^(.*?\.(?:prompt\.ya?ml|prompty|prompt))@(.*)$/i.exec(spec);
  if (m) return { file: m[1], revision: m[2] };
  if (/\.(?:prompt\.ya?ml|prompty|prompt)$/i.test(spec)) return { file: spec };
  const at = spec.lastIndexOf('@');
  if (at > 0 && at > spec.lastIndexOf('/')) return { file: spec.slice(0, at), revision: spec.slice(at + 1) };
  return { file: spec };
}

/** What is wrong with a revision as written, or undefined. Revisions never start with `-` (git would read an option). */
export function revisionProblem(spec: string, revision: string): string | undefined {
  if (!revision.trim()) return `\`${spec}\` names no revision after \`@\`: write one such as \`HEAD~1\`, a branch, a tag or a commit hash.`;
  if (revision.startsWith('-')) return `The revision \`${revision}\` in \`${spec}\` starts with \`-\`: no git revision does. Write a commit hash, a branch, a tag or \`HEAD~N\`.`;
  // eslint-disable-next-line no-control-regex
  if (/[\s\u0000-\u001f]/.test(revision)) return `The revision \`${revision}\` in \`${spec}\` contains spaces or control characters: no git revision does.`;
  return undefined;
}

/** The variants of `--variants a.prompt,b.prompt@HEAD~1`, resolved against `baseUri` (a folder URI ending in `/`). Throws a message on a bad list. */
export function variantsFromList(list: string, baseUri: string): PromptVariantSpec[] {
  const specs = list.split(',').map((s) => s.trim()).filter(Boolean);
  if (!specs.length) throw new Error('--variants needs a comma-separated list of prompt files or revisions, e.g. summarize.prompt,summarize-v2.prompt or summarize.prompt@HEAD~1,summarize.prompt.');
  const seen = new Set<string>();
  return specs.map((spec) => {
    const { file, revision } = splitRevision(spec);
    const problem = revision !== undefined ? revisionProblem(spec, revision) : undefined;
    if (problem) throw new Error(`--variants: ${problem}`);
    if (seen.has(spec)) throw new Error(`--variants names "${spec}" twice.`);
    seen.add(spec);
    return { label: spec, spec, uri: resolveRelative(baseUri, file), ...(revision !== undefined ? { revision } : {}) };
  });
}

function parseVariants(doc: Document, raw: unknown, uri: string, lines: LineIndex, diagnostics: PromptDiagnostic[]): PromptVariantSpec[] {
  if (!Array.isArray(raw)) return [];
  const out: PromptVariantSpec[] = [];
  const labels = new Map<string, number>();
  const error = (message: string, span: Span, data?: PromptDiagnostic['data']) => diagnostics.push({ code: 'fixture-variants', severity: 'error', message, span, ...(data ? { data } : {}) });
  raw.forEach((item, i) => {
    const node = locate(doc, ['variants', i]).node;
    const span = nodeSpan(node) ?? { start: 0, end: 1 };
    let spec: string;
    let label: string | undefined;
    let specSpan = span;
    if (typeof item === 'string') spec = item.trim();
    else if (item && typeof item === 'object' && !Array.isArray(item)) {
      const v = item as Record<string, unknown>;
      let bad = false;
      for (const key of Object.keys(v)) {
        if (key in PromptVariantEntrySchema.shape) continue;
        const keyNode = isMap(node) ? (node.items as Pair<Node, Node | null>[]).find((p) => isScalar(p.key) && String(p.key.value) === key)?.key : undefined;
        const near = closest(key, KNOWN_KEYS.variants);
        diagnostics.push({ code: 'fixture-unknown-key', severity: 'error', message: `Unknown key \`${key}\` in \`variants[${i}]\`.${near ? ` Did you mean \`${near}\`?` : ' Expected `prompt` and `label`.'}`, span: nodeSpan(keyNode as Node) ?? span, data: near ? { replacement: near } : undefined });
        bad = true;
      }
      if (typeof v.prompt !== 'string' || !v.prompt.trim()) {
        error(v.prompt === undefined ? `\`variants[${i}]\` needs \`prompt:\`: a prompt file relative to this one, or a revision such as \`summarize.prompt@HEAD~1\`.` : `Expected a prompt file for \`variants[${i}].prompt\`, got ${describeValue(v.prompt)}.`, nodeSpan(locate(doc, ['variants', i, 'prompt']).node) ?? span);
        return;
      }
      if (v.label !== undefined && (typeof v.label !== 'string' || !v.label.trim())) {
        error(`Expected a non-empty text for \`variants[${i}].label\`, got ${describeValue(v.label)}.`, nodeSpan(locate(doc, ['variants', i, 'label']).node) ?? span);
        return;
      }
      if (bad) return;
      spec = v.prompt.trim();
      label = typeof v.label === 'string' ? v.label.trim() : undefined;
      specSpan = nodeSpan(locate(doc, ['variants', i, 'prompt']).node) ?? span;
    } else {
      error(`Expected a prompt file (\`summarize-v2.prompt\`), a revision (\`summarize.prompt@HEAD~1\`) or a mapping with \`prompt:\` and \`label:\` for \`variants[${i}]\`, got ${describeValue(item)}.`, span);
      return;
    }
    if (!spec) {
      error(`\`variants[${i}]\` is empty: name a prompt file or a revision such as \`summarize.prompt@HEAD~1\`.`, specSpan);
      return;
    }
    const { file, revision } = splitRevision(spec);
    const problem = revision !== undefined ? revisionProblem(spec, revision) : undefined;
    if (problem) {
      error(problem, specSpan);
      return;
    }
    const name = label ?? spec;
    const line = lines.positionAt(span.start).line;
    if (labels.has(name)) {
      error(`Another variant is already labelled "${name}" (line ${labels.get(name)! + 1}). Labels name the variants in reports and records: give ${label ? 'this one another `label`' : 'one of them a `label`'}.`, label ? (nodeSpan(locate(doc, ['variants', i, 'label']).node) ?? span) : specSpan);
      return;
    }
    labels.set(name, line);
    out.push({ label: name, spec, uri: resolveRelative(uri, file), ...(revision !== undefined ? { revision } : {}), line, span: specSpan });
  });
  return out;
}
