// Editing support for fixture files in the language server: diagnostics (the schema's, plus the
// variable checks against the prompt's declared inputs), completion of keys, assertion types,
// providers and input names, and hover documentation.
import { CompletionItemKind, InsertTextFormat, MarkupKind, type CompletionItem, type CompletionList, type Diagnostic, type Hover } from 'vscode-languageserver-types';
import { isMap, isScalar, isSeq, type Node, type Pair } from 'yaml';
import { toLspDiagnostic, type PromptDiagnostic } from '../diagnostic';
import type { PromptDocument } from '../document';
import { fieldTypeLabel } from '../formats/model';
import { analyze } from '../scope';
import { closest } from '../suggest';
import { LineIndex, type Span } from '../text';
import { BUILTIN_CATALOGUE } from '../tokens/catalogue';
import { ASSERTION_TYPES, BASE_ASSERTION_TYPES, FixtureFileSchema, HISTORY_ROLES, PromptVariantEntrySchema, PROVIDER_IDS, type BaseAssertionType, type FixtureFile, type ProviderId } from './fixtures';
import { PROVIDER_LABELS } from './providers/types';

export const ASSERTION_DOCS: Record<BaseAssertionType, string> = {
  equals: 'The output is exactly `value` (text; a mapping or list is compared with the output parsed as JSON).',
  contains: 'The output contains the text `value` (case-sensitive).',
  icontains: 'The output contains the text `value`, ignoring case.',
  'contains-any': 'The output contains at least one of the texts in `value` (a list).',
  'contains-all': 'The output contains every text in `value` (a list).',
  'starts-with': 'The output starts with the text `value`.',
  regex: 'The output matches the regular expression `value` (JavaScript syntax; `flags: i` ignores case).',
  'is-json': 'The output is valid JSON (and matches the JSON Schema in `value`, when given).',
  'contains-json': 'The output contains a JSON object or array, e.g. inside a code fence (matching the JSON Schema in `value`, when given).',
  'json-schema': "The output is JSON that matches the JSON Schema in `value`; without `value`, the prompt's `output.schema` (Picoschema or JSON Schema).",
  'max-tokens': 'The output has at most `value` tokens (the usage the provider reports, else counted with the model\'s tokenizer).',
  latency: 'The call took at most `value` milliseconds.',
  cost: "The call cost at most `value` US dollars (the usage times the model catalogue's prices).",
  javascript: 'A JavaScript expression or function body of `output` and `context` (`vars`, `usage`, `latencyMs`, `model`) that returns true/false, a score from 0 to 1, or `{ pass, score, reason }` (or a Promise of one). Runs in a sandbox (no `process`, `require` or I/O; 2 s, 32 MB), only in trusted workspaces; `--no-javascript` or `testing.javascript: false` skips it.',
  'llm-rubric': 'A judge model grades the output against the rubric in `value` and explains why (`provider`/`model` choose the judge; `threshold` the lowest passing score).',
  'icontains-any': 'The output contains at least one of the texts in `value` (a list), ignoring case.',
  'icontains-all': 'The output contains every text in `value` (a list), ignoring case; the score is the share found.',
  levenshtein: 'The output is at most `threshold` single-character edits (insertions, deletions, substitutions; default 5) away from the text `value`.',
  similar: 'The cosine similarity of the embeddings of the output and `value` (a text, or a list: the closest counts) reaches `threshold` (default 0.75); the score is the similarity. Embeddings come from the case\'s provider (OpenAI `text-embedding-3-large`, Gemini `gemini-embedding-001`) or `provider`/`model`; Anthropic has no embeddings endpoint, so Anthropic cases name another.',
  'is-xml': 'The whole output is one well-formed XML document; `value: { requiredElements: [root.child] }` also requires elements by dot-separated path.',
  'contains-xml': 'The output contains a well-formed XML element (e.g. between sentences); `value: { requiredElements: [root.child] }` also requires elements, from the fragment\'s root.',
  'finish-reason': 'The model stopped for the reason `value`: `stop`, `length`, `tool_calls` or `content_filter` (the same names for every provider; the API\'s own reason, such as `end_turn` or `MAX_TOKENS`, matches too).',
  'is-valid-openai-tools-call': 'The model called tools (OpenAI `tool_calls`), each a tool of the fixture file\'s `tools:`, with arguments that match its `parameters` JSON Schema; the score is the share of valid calls.',
  'is-valid-anthropic-tools-call': 'The model called tools (Anthropic `tool_use` blocks), each a tool of the fixture file\'s `tools:`, with input that matches its `parameters` JSON Schema; the score is the share of valid calls.',
  'is-valid-gemini-tools-call': 'The model called functions (Gemini `functionCall` parts), each a tool of the fixture file\'s `tools:`, with arguments that match its `parameters` JSON Schema; the score is the share of valid calls.',
  'is-valid-function-call': 'The model called tools (any provider\'s format), each a tool of the fixture file\'s `tools:`, with arguments that match its `parameters` JSON Schema.',
  perplexity: 'The output\'s perplexity, exp(−mean log probability of its tokens), is at most `threshold` (required, 1 or more). Needs log probabilities: OpenAI-compatible and Gemini models (they are asked for when the case has this check); Anthropic has none.',
  'perplexity-score': 'The score 1 / (1 + perplexity), from 0 to 1, higher is better; passes from `threshold` when given. Needs log probabilities, like `perplexity`.',
  factuality: 'A judge model compares the output with the reference answer in `value` and puts it in one of five categories (OpenAI evals\' factuality): a consistent subset (A), superset (B), the same facts (C), a contradiction (D), or a difference that does not matter (E). D fails; the others pass.',
  'model-graded-closedqa': 'A judge model decides, after reasoning, whether the output meets the criterion in `value` (yes or no; OpenAI evals\' closed QA).',
};

const KEY_DOCS = {
  root: docsOf(FixtureFileSchema.shape as Record<string, unknown>),
};

function descriptionOf(schema: unknown): string {
  const s = schema as { description?: string; unwrap?: () => unknown };
  return s.description ?? (s.unwrap ? descriptionOf(s.unwrap()) : '');
}

function docsOf(shape: Record<string, unknown>): Record<string, string> {
  return Object.fromEntries(Object.entries(shape).map(([k, v]) => [k, descriptionOf(v)]));
}

function unwrapObjectShape(schema: unknown): Record<string, unknown> {
  let s = schema as { shape?: Record<string, unknown>; unwrap?: () => unknown; element?: unknown };
  for (let i = 0; i < 4 && !s.shape; i++) {
    if (s.unwrap) s = s.unwrap() as typeof s;
    else if (s.element) s = s.element as typeof s;
    else break;
  }
  return s.shape ?? {};
}

const CASE_SHAPE = unwrapObjectShape(FixtureFileSchema.shape.cases);
const DEFAULTS_SHAPE = unwrapObjectShape(FixtureFileSchema.shape.defaults);
const ASSERT_SHAPE = unwrapObjectShape(CASE_SHAPE.assert);
const MATRIX_SHAPE = unwrapObjectShape(FixtureFileSchema.shape.matrix);
const HISTORY_SHAPE = unwrapObjectShape(CASE_SHAPE.history);
const VARIANT_SHAPE = PromptVariantEntrySchema.shape;
const TOOL_SHAPE = unwrapObjectShape(FixtureFileSchema.shape.tools);
const DOCS: Record<string, Record<string, string>> = {
  root: KEY_DOCS.root,
  matrix: docsOf(MATRIX_SHAPE),
  tool: docsOf(TOOL_SHAPE),
  variants: docsOf(VARIANT_SHAPE),
  case: docsOf(CASE_SHAPE),
  defaults: docsOf(DEFAULTS_SHAPE),
  assertion: docsOf(ASSERT_SHAPE),
  history: docsOf(HISTORY_SHAPE),
};

/** Which key set a YAML path (with `[]` for list items) is in. */
function scopeOf(path: readonly string[]): keyof typeof DOCS | 'vars' | undefined {
  const p = path.join('/');
  if (p === '') return 'root';
  if (p === 'cases/[]') return 'case';
  if (p === 'defaults') return 'defaults';
  if (p === 'matrix/[]') return 'matrix';
  if (p === 'variants/[]') return 'variants';
  if (p === 'tools/[]') return 'tool';
  if (/(^|\/)assert\/\[\]$/.test(p)) return 'assertion';
  if (/(^|\/)history\/\[\]$/.test(p)) return 'history';
  if (p === 'cases/[]/vars' || p === 'defaults/vars') return 'vars';
  return undefined;
}

// ---- diagnostics ----

/**
 * Every problem of a fixture file. `prompt` is the prompt under test: `null` when it does not
 * exist, `undefined` when it is not known (the variable checks are skipped).
 */
export function fixtureDiagnostics(file: FixtureFile, prompt: PromptDocument | null | undefined): PromptDiagnostic[] {
  const out = [...file.diagnostics];
  if (prompt === null) {
    const name = decodeURIComponent(file.promptUri.split('/').pop() ?? file.promptUri);
    out.push({
      code: 'fixture-prompt-missing',
      severity: 'error',
      message: `The prompt under test, \`${name}\`, does not exist. ${file.promptSpan ? 'Fix the path (relative to this file)' : 'Create it beside this file, or name it with `prompt: path/to/file.prompt` (or a `.prompty` file)'}.`,
      span: file.promptSpan ?? { start: 0, end: Math.max(1, file.lines.lineEnd(0)) },
    });
  }
  if (prompt) out.push(...variableDiagnostics(file, prompt));
  return out.sort((a, b) => a.span.start - b.span.start);
}

/** With `tools:` in the fixture file, each tool the prompt lists by name must be defined there (else its cases are errors). */
function toolDiagnostics(file: FixtureFile, prompt: PromptDocument, promptName: string): PromptDiagnostic[] {
  if (!file.tools.length || !file.yaml) return [];
  const defined = new Set(file.tools.map((t) => t.name));
  const missing = (prompt.prompt.tools ?? []).map((t) => t.value).filter((n): n is string => typeof n === 'string' && !defined.has(n));
  if (!missing.length) return [];
  const key = (file.yaml.contents as { items?: { key?: { value?: unknown; range?: [number, number, number] } }[] } | null)?.items?.find((i) => i.key?.value === 'tools')?.key?.range;
  return [{ code: 'fixture-undefined-tool', severity: 'error', message: `${promptName} lists the tool${missing.length === 1 ? '' : 's'} ${missing.map((n) => `\`${n}\``).join(', ')}, which \`tools:\` does not define: add ${missing.length === 1 ? 'it' : 'them'} (name, description, parameters), or every case is an error.`, span: key ? { start: key[0], end: key[1] } : { start: 0, end: 1 } }];
}

/** `extra`: diagnostics the caller computed asynchronously (the `file://` value checks). */
export function fixtureLspDiagnostics(file: FixtureFile, prompt: PromptDocument | null | undefined, extra: readonly PromptDiagnostic[] = []): Diagnostic[] {
  return [...fixtureDiagnostics(file, prompt), ...extra].sort((a, b) => a.span.start - b.span.start).map((d) => toLspDiagnostic(d, file.lines));
}

/** The variable checks of the template, applied to each case: missing required inputs, undeclared names. */
export function variableDiagnostics(file: FixtureFile, prompt: PromptDocument): PromptDiagnostic[] {
  const out: PromptDiagnostic[] = [];
  const fields = prompt.input.fields;
  const declared = new Set(fields.map((f) => f.name));
  // A schema registered in code (a name) or no schema: the names cannot be checked. Prompty
  // passes every value to its template: a name is unseen when neither declared nor read there.
  const prompty = prompt.input.style === 'prompty';
  const read = new Set(prompty ? prompt.prompt.messages.flatMap((m) => m.variables.map((v) => v.name)) : []);
  const checkUndeclared = prompt.input.style === 'picoschema' || prompt.input.style === 'json-schema' || prompty;
  const promptName = decodeURIComponent(prompt.uri.split('/').pop() ?? 'the prompt');
  const undeclared = (name: string, span: Span) => {
    const near = closest(name, declared);
    out.push({
      code: 'fixture-undeclared-var',
      severity: 'warning',
      message: `\`${name}\` is not an input of ${promptName}${near ? `. Did you mean \`${near}\`? The template never sees it.` : ` (its inputs: ${[...declared].map((d) => `\`${d}\``).join(', ') || 'none'}). The template never sees it.`}`,
      span,
      data: near ? { replacement: near } : undefined,
    });
  };
  if (checkUndeclared) for (const [name, span] of Object.entries(file.defaultVarKeySpans)) if (!declared.has(name) && !read.has(name)) undeclared(name, span);
  out.push(...renderDataDiagnostics(file, prompt, promptName));
  out.push(...toolDiagnostics(file, prompt, promptName));
  for (const c of file.cases) {
    if (checkUndeclared) for (const [name, span] of Object.entries(c.varKeySpans)) if (!declared.has(name) && !read.has(name)) undeclared(name, span);
    if (c.varsFile) continue; // values come from a file: checked when the case runs
    const given = new Set([...Object.keys(prompt.defaults), ...Object.keys(file.defaultVars), ...Object.keys(c.vars)]);
    const missing = fields.filter((f) => !f.optional && !given.has(f.name));
    if (missing.length) {
      out.push({
        code: 'fixture-missing-var',
        severity: 'error',
        message: `Case "${c.name}" gives no value for the required input${missing.length > 1 ? 's' : ''} ${missing.map((m) => `\`${m.name}\` (${fieldTypeLabel(m)})`).join(', ')} of ${promptName}. Add ${missing.length > 1 ? 'them' : 'it'} to the case's \`vars\` or to \`defaults.vars\`, or mark ${missing.length > 1 ? 'them' : 'it'} optional (\`name?\`) in the prompt.`,
        span: c.varsSpan ?? c.nameSpan,
        data: { missing: missing.map((m) => m.name) },
      });
    }
  }
  return out;
}

/**
 * `context:` and `history:` against the template: a context key the template never reads as `@key`
 * (unless partials, which may read it, are used), and history for a prompt without `{{history}}`
 * (Dotprompt then inserts it before the last user message).
 */
function renderDataDiagnostics(file: FixtureFile, prompt: PromptDocument, promptName: string): PromptDiagnostic[] {
  const out: PromptDiagnostic[] = [];
  const analysis = analyze(prompt);
  // `@this` names nothing (no parts): it reads no context key.
  const read = new Set(analysis.refs.flatMap((r) => (r.kind === 'data' && r.expr.parts.length ? [r.expr.parts[0]] : [])));
  const seen = new Set<number>();
  for (const c of file.cases) {
    if (c.context && !analysis.partials.length) {
      for (const [key, span] of Object.entries(c.contextKeySpans)) {
        if (read.has(key) || seen.has(span.start)) continue;
        seen.add(span.start);
        const near = closest(key, read);
        out.push({ code: 'fixture-unused-context', severity: 'warning', message: `${promptName} never reads \`@${key}\`${near ? `. Did you mean \`${near}\`?` : read.size ? ` (it reads ${[...read].map((r) => `\`@${r}\``).join(', ')})` : ''}; this context value is not used.`, span });
      }
    }
    if (c.history?.length && c.historySpan && !seen.has(c.historySpan.start) && !prompt.prompt.messages.some((m) => m.kind === 'history')) {
      seen.add(c.historySpan.start);
      out.push({ code: 'fixture-history-placement', severity: 'info', message: `${promptName} has no \`{{history}}\`: Dotprompt inserts these messages before its last user message (or after its last message when that is not a user message).`, span: c.historySpan });
    }
  }
  return out;
}

// ---- where the cursor is ----

interface FixtureCursor {
  path: string[];
  mode: 'key' | 'value';
  key?: string;
  prefix: string;
  prefixStart: number;
  siblings: Set<string>;
}

const KEY_AT = /^(\s*)(-\s+)?(["']?)([^:#'"\s][^:#'"]*?)\3\s*:(?:\s|$)/;

/** The YAML key path at the cursor, worked out from indentation (`[]` marks a list item), so it works on half-typed text. */
export function fixtureCursor(text: string, offset: number): FixtureCursor | undefined {
  const lines = new LineIndex(text);
  const line = lines.lineAt(offset);
  const before = text.slice(lines.lineStart(line), offset);
  if (/(^|\s)#/.test(before)) return undefined;
  const keyMatch = /^(\s*)(-\s+)?([\w.-]*)$/.exec(before);
  const valueMatch = /^(\s*)(-\s+)?([^:#\s][^:#]*?)\s*:\s*(\S*)$/.exec(before);
  let mode: 'key' | 'value';
  let key: string | undefined;
  let prefix: string;
  let indent: number;
  let onDash: boolean;
  let m: RegExpExecArray;
  if (keyMatch) {
    m = keyMatch;
    mode = 'key';
    prefix = keyMatch[3];
  } else if (valueMatch) {
    m = valueMatch;
    mode = 'value';
    key = valueMatch[3];
    prefix = valueMatch[4];
  } else return undefined;
  indent = m[1].length;
  onDash = !!m[2];
  const path: string[] = [];
  // Inside a list item whose dash is on this line: the item is the innermost container.
  let t = indent;
  let afterDash = onDash;
  for (let l = line - 1; l >= 0; l--) {
    const lt = lines.lineText(l);
    if (!lt.trim() || lt.trimStart().startsWith('#')) continue;
    const ind = /^\s*/.exec(lt)![0].length;
    const dash = /^\s*-(\s|$)/.test(lt);
    if (dash) {
      if (afterDash) {
        if (ind < t) {
          path.unshift('[]');
          t = ind;
          afterDash = true;
        }
        continue;
      }
      if (ind < t) {
        // the item that holds this line
        path.unshift('[]');
        t = ind;
        afterDash = true;
      }
      continue;
    }
    const km = KEY_AT.exec(lt);
    if (!km) continue;
    if (ind < t || (afterDash && ind <= t)) {
      path.unshift(km[4]);
      t = ind;
      afterDash = false;
      if (ind === 0) break;
    }
  }
  if (onDash) path.push('[]');
  const siblings = new Set<string>();
  if (mode === 'key') {
    const contentIndent = indent + (m[2]?.length ?? 0);
    const scan = (from: number, step: number) => {
      for (let l = from; l >= 0 && l < lines.lineCount; l += step) {
        const lt = lines.lineText(l);
        if (!lt.trim() || lt.trimStart().startsWith('#')) continue;
        const km = KEY_AT.exec(lt);
        const ind = km ? km[1].length + (km[2]?.length ?? 0) : /^\s*/.exec(lt)![0].length;
        if (ind < contentIndent) break;
        if (km && km[2] && step < 0 && ind === contentIndent) {
          siblings.add(km[4]);
          break; // the first key of this item
        }
        if (km && km[2] && step > 0) break; // the next item
        if (ind === contentIndent && km) siblings.add(km[4]);
      }
    };
    if (!onDash) scan(line - 1, -1);
    scan(line + 1, 1);
  }
  return { path, mode, key, prefix, prefixStart: offset - prefix.length, siblings };
}

// ---- completion ----

function md(value: string) {
  return { kind: MarkupKind.Markdown, value };
}

const KEY_SNIPPETS: Record<string, string> = {
  cases: 'cases:\n  - name: $1\n    vars:\n      $2\n    assert:\n      - type: ${3:contains}\n        value: $0',
  assert: 'assert:\n  - type: ${1:contains}\n    value: $0',
  vars: 'vars:\n  $0',
  defaults: 'defaults:\n  $0',
  config: 'config:\n  $0',
  variants: 'variants:\n  - prompt: ${1:summarize.prompt@HEAD~1}\n    label: ${2:before}\n  - prompt: ${3:summarize.prompt}\n    label: ${0:after}',
  matrix: 'matrix:\n  - label: ${1:a}\n    model: ${2:openai/gpt-4o-mini}\n  - label: ${3:b}\n    model: ${0:googleai/gemini-2.5-flash}',
};

export function completeFixture(text: string, offset: number, lines: LineIndex, prompt: PromptDocument | undefined): CompletionList | null {
  const cursor = fixtureCursor(text, offset);
  if (!cursor) return null;
  const range = lines.range(cursor.prefixStart, offset);
  const items: CompletionItem[] = [];
  const scope = scopeOf(cursor.path);
  if (cursor.mode === 'key') {
    if (scope === 'vars') {
      for (const f of prompt?.input.fields ?? []) {
        if (cursor.siblings.has(f.name)) continue;
        items.push({
          label: f.name,
          kind: CompletionItemKind.Variable,
          detail: `${fieldTypeLabel(f)}${f.optional ? ' (optional)' : ''}`,
          documentation: f.description ? md(f.description) : undefined,
          textEdit: { range, newText: f.type === 'object' || f.type === 'array' ? `${f.name}:\n  $0` : `${f.name}: $0` },
          insertTextFormat: InsertTextFormat.Snippet,
          sortText: `${f.optional ? 1 : 0}${f.name}`,
        });
      }
      return { isIncomplete: false, items };
    }
    if (!scope) return { isIncomplete: false, items };
    for (const [key, doc] of Object.entries(DOCS[scope])) {
      if (cursor.siblings.has(key)) continue;
      items.push({
        label: key,
        kind: CompletionItemKind.Property,
        documentation: md(doc),
        textEdit: { range, newText: KEY_SNIPPETS[key] ?? (key === 'type' ? 'type: $0' : `${key}: $0`) },
        insertTextFormat: InsertTextFormat.Snippet,
        sortText: key === 'name' || key === 'type' ? `0${key}` : `1${key}`,
        command: key === 'type' || key === 'provider' ? { title: 'Suggest', command: 'editor.action.triggerSuggest' } : undefined,
      });
    }
    return { isIncomplete: false, items };
  }
  if (cursor.key === 'type' && scope === 'assertion') {
    for (const t of ASSERTION_TYPES) {
      const base = t.replace(/^not-/, '') as BaseAssertionType;
      items.push({ label: t, kind: CompletionItemKind.EnumMember, documentation: md(`${t.startsWith('not-') ? '**Negated:** passes when this fails.\n\n' : ''}${ASSERTION_DOCS[base]}`), textEdit: { range, newText: t }, sortText: `${t.startsWith('not-') ? 1 : 0}${String(BASE_ASSERTION_TYPES.indexOf(base)).padStart(2, '0')}` });
    }
  } else if (cursor.key === 'role' && scope === 'history') {
    for (const role of HISTORY_ROLES) items.push({ label: role, kind: CompletionItemKind.EnumMember, documentation: md(role === 'model' ? 'The model\'s turn (Dotprompt\'s name for `assistant`).' : `A \`${role}\` message.`), textEdit: { range, newText: role } });
  } else if (cursor.key === 'provider') {
    for (const p of PROVIDER_IDS) items.push({ label: p, kind: CompletionItemKind.EnumMember, documentation: md(PROVIDER_DOCS[p]), textEdit: { range, newText: p } });
  } else if (cursor.key === 'name' && scope === 'tool') {
    // The tools the prompt lists by name (Dotprompt's `tools:`), to define here.
    for (const t of prompt?.prompt.tools ?? []) if (typeof t.value === 'string') items.push({ label: t.value, kind: CompletionItemKind.Function, documentation: md('A tool the prompt under test lists in `tools:`.'), textEdit: { range, newText: t.value } });
  } else if (cursor.key === 'model' && scope === 'matrix') {
    // A variant's model is provider-qualified: the catalogue's models under each provider that serves them.
    for (const [name, entry] of Object.entries(BUILTIN_CATALOGUE.models)) {
      if (entry.kind === 'embedding') continue;
      for (const p of CATALOGUE_PROVIDERS[entry.provider] ?? []) {
        const label = `${p}/${name}`;
        items.push({ label, kind: CompletionItemKind.Value, detail: PROVIDER_LABELS[p], documentation: entry.inputPerMTok != null && entry.outputPerMTok != null ? md(`$${entry.inputPerMTok} / $${entry.outputPerMTok} per million input / output tokens (list price)`) : undefined, textEdit: { range, newText: label } });
      }
    }
  }
  return { isIncomplete: false, items };
}

/** Which test providers serve the catalogue's provider families. */
const CATALOGUE_PROVIDERS: Record<string, ProviderId[]> = { openai: ['openai'], anthropic: ['anthropic'], google: ['googleai', 'vertexai'] };

export const PROVIDER_DOCS: Record<(typeof PROVIDER_IDS)[number], string> = {
  render: 'No model: the output is the rendered prompt. Runs offline and in CI without keys; for checks of the template itself.',
  openai: 'The OpenAI chat completions API (official `openai` SDK). With a base URL (setting or `OPENAI_BASE_URL`) any OpenAI-compatible server: Azure OpenAI, Ollama, vLLM, LM Studio, llama.cpp, OpenRouter.',
  anthropic: 'The Anthropic messages API (official `@anthropic-ai/sdk`).',
  'azure-openai': 'Azure OpenAI / Foundry chat completions through the official `openai` SDK\'s `AzureOpenAI` client: the model is the deployment name; endpoint from the setting `promptWorkbench.providers.azureOpenAI.endpoint` or `AZURE_OPENAI_ENDPOINT`, key from "Set API Key" or `AZURE_OPENAI_API_KEY`. Prompty files with `provider: azure` run with it.',
  googleai: 'Gemini through the Gemini API with an API key (official `@google/genai` SDK); models `googleai/gemini-...`. Key: "Set API Key" or `GEMINI_API_KEY`; another server: setting or `GOOGLE_GEMINI_BASE_URL`.',
  vertexai: 'Gemini on Vertex AI (official `@google/genai` SDK) with application default credentials; models `vertexai/gemini-...`. Project and location: settings or `GOOGLE_CLOUD_PROJECT`, `GOOGLE_CLOUD_LOCATION`.',
  'vscode-lm': "The VS Code Language Model API: the chat models the editor has (e.g. GitHub Copilot's), without a key. Editor only.",
  github: "GitHub Models' OpenAI-compatible inference endpoint (`https://models.github.ai/inference`, or `GITHUB_MODELS_BASE_URL`), with a GitHub token (`GITHUB_TOKEN`, or VS Code's GitHub sign-in); models as GitHub names them (`openai/gpt-4o`, `meta/llama-3.3-70b-instruct`).",
};

// ---- hover ----

interface Hit {
  path: string[];
  part: 'key' | 'value';
  span: Span;
  value?: unknown;
}

function findHit(node: Node | null | undefined, offset: number, path: string[]): Hit | undefined {
  if (isMap(node)) {
    for (const pair of node.items as Pair<Node, Node | null>[]) {
      const k = pair.key;
      if (!isScalar(k) || !k.range) continue;
      const key = String(k.value);
      if (offset >= k.range[0] && offset <= k.range[1]) return { path: [...path, key], part: 'key', span: { start: k.range[0], end: k.range[1] } };
      const v = pair.value;
      if (v?.range && offset >= v.range[0] && offset <= v.range[1]) {
        if (isScalar(v)) return { path: [...path, key], part: 'value', span: { start: v.range[0], end: v.range[1] }, value: v.value };
        return findHit(v, offset, [...path, key]);
      }
    }
  } else if (isSeq(node)) {
    for (const item of node.items as Node[]) if (item?.range && offset >= item.range[0] && offset <= item.range[1]) return findHit(item, offset, [...path, '[]']);
  }
  return undefined;
}

export function hoverFixture(file: FixtureFile, offset: number, prompt: PromptDocument | undefined): Hover | null {
  if (!file.yaml) return null;
  const hit = findHit(file.yaml.contents as Node, offset, []);
  if (!hit) return null;
  const range = file.lines.range(hit.span.start, hit.span.end);
  const key = hit.path[hit.path.length - 1];
  const parent = hit.path.slice(0, -1);
  const scope = scopeOf(parent);
  if (scope === 'vars' && hit.part === 'key') {
    const f = prompt?.input.fields.find((x) => x.name === key);
    if (!f) return null;
    return { contents: md(`**${f.name}**${f.optional ? ' (optional)' : ''}: \`${fieldTypeLabel(f)}\`${f.description ? `\n\n${f.description}` : ''}\n\n_Input of the prompt under test._`), range };
  }
  if (scope === 'assertion' && key === 'type' && hit.part === 'value' && typeof hit.value === 'string') {
    const base = hit.value.replace(/^not-/, '') as BaseAssertionType;
    const doc = ASSERTION_DOCS[base];
    if (!doc) return null;
    return { contents: md(`**${hit.value}**\n\n${hit.value.startsWith('not-') ? `Passes when \`${base}\` fails. ` : ''}${doc}`), range };
  }
  if (key === 'provider' && hit.part === 'value' && typeof hit.value === 'string' && hit.value in PROVIDER_DOCS) {
    return { contents: md(`**${hit.value}**\n\n${PROVIDER_DOCS[hit.value as keyof typeof PROVIDER_DOCS]}`), range };
  }
  if (!scope || scope === 'vars') return null;
  const doc = DOCS[scope][key];
  if (!doc) return null;
  return { contents: md(`**${key}**\n\n${doc}`), range };
}
