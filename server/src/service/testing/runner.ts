// Runs test cases: render each case's prompt with its values, ask its provider (through the
// cache), check the assertions, and report each result as it comes. Bounded concurrency; an
// AbortSignal stops the run and aborts the HTTP requests in flight at once.
import { createHash } from 'node:crypto';
import { outputSchemaOf, promptOutputFormat, promptParameters, promptResponseFormat } from './request';
import type { PromptDocument } from '../document';
import { renderPrompt } from '../render';
import type { AnalysisOptions } from '../scope';
import { costOf, resolveModel } from '../tokens';
import { mergeCatalogue } from '../tokens/catalogue';
import { countPlain } from '../tokens/tokenizer';
import { caseVerdict, evaluateAssertion, type AssertionResult } from './assertions';
import { cacheKey, type ResponseCache } from './cache';
import { PROVIDER_IDS, type FixtureCase, type FixtureFile, type MatrixVariant, type PromptVariantSpec, type ProviderId } from './fixtures';
import { PROVIDER_LABELS, ProviderError, type ChatMessage, type EmbedReply, type ModelReply, type OutputSpec, type Provider, type ProviderErrorKind, type SentRequest, type ToolDefinition, type Usage } from './providers/types';
import { checksFingerprint } from './records';
import { redact } from './redact';
import { caseRenderData, caseVars, VarsError, type ValueReader } from './vars';

export interface TestSuite {
  fixture: FixtureFile;
  /** The prompt under test; undefined when it could not be read (each case reports it). */
  prompt?: PromptDocument;
  /** The fixture file's path relative to the workspace or working folder (ids, records, shards). */
  relativePath: string;
  /** The prompt file's path relative to the same root. */
  promptPath: string;
  /** The fixture file's `variants:`, loaded (see `loadPromptVariants`); empty or absent without one. */
  promptVariants?: PromptVariant[];
}

/** A prompt variant, loaded: the prompt every case of the variant runs, or why it cannot be read. */
export interface PromptVariant extends PromptVariantSpec {
  /** The prompt's path relative to the run's root, with `@REV` for a revision (`prompts/a.prompt@HEAD~1`). */
  promptPath: string;
  prompt?: PromptDocument;
  /** What the records keep: the hash of the text that ran and, for a revision, its commit. */
  hash?: string;
  commit?: string;
  /** Why it could not be loaded (names the file and the revision). */
  error?: string;
}

export interface CaseJob {
  /** Stable across runs and machines: `relative/path.tests.yaml#case name` (+ `#2` for repeats after the first). */
  id: string;
  caseKey: string;
  suite: TestSuite;
  testCase: FixtureCase;
  /** 1-based. */
  repeat: number;
  repeats: number;
  /** The matrix variant this job runs on (its model, provider and parameters win over the case's). */
  variant?: MatrixVariant;
  /** The prompt variant this job runs (its prompt instead of the suite's). */
  promptVariant?: PromptVariant;
  /** The job's variant label: the prompt variant's and the matrix variant's, joined by ` × `. */
  label?: string;
}

export type CaseStatus = 'passed' | 'failed' | 'error' | 'skipped';

export interface CaseResult {
  id: string;
  caseKey: string;
  fixtureUri: string;
  promptUri: string;
  fixturePath: string;
  promptPath: string;
  caseName: string;
  /** The label of the variant the case ran on: the prompt variant's and the matrix variant's, joined by ` × `. */
  variant?: string;
  /** The label of the prompt variant alone, when there is one. */
  promptVariant?: string;
  /** The commit of a prompt variant that is a git revision. */
  promptCommit?: string;
  /** sha256 of the prompt variant's text that ran. */
  promptHash?: string;
  /** `checksFingerprint` of the case's assertions and threshold when it ran. */
  checks?: string;
  /** Zero-based line of the case in the fixture file. */
  caseLine: number;
  repeat: number;
  repeats: number;
  status: CaseStatus;
  provider?: ProviderId;
  endpoint?: string;
  requestedModel?: string;
  returnedModel?: string;
  parameters: Record<string, unknown>;
  vars: Record<string, unknown>;
  messages?: ChatMessage[];
  /** The request as sent: kept in the run record, so a case can be replayed exactly. */
  request?: CaseRequest;
  /** Why the model stopped (`stop`, `length`, `end_turn`, `STOP`, ...), as the API said it. */
  finishReason?: string;
  /** For a replay: the record and case id it sent again. */
  replayOf?: { record: string; id: string };
  output?: string;
  usage?: Usage;
  latencyMs?: number;
  firstTokenMs?: number;
  /** US dollars; 0 for `render`; undefined when the model has no price. */
  cost?: number;
  /**
   * US dollars of the calls the checks made (judges of `llm-rubric`, `factuality`,
   * `model-graded-closedqa`; embeddings of `similar`), apart from the case's own call; undefined
   * when they made none or one had no price.
   */
  assertionCost?: number;
  cached: boolean;
  assertions: AssertionResult[];
  score?: number;
  /** Why it passed, failed, errored or was skipped, in one sentence. */
  reason: string;
  error?: { kind: ProviderErrorKind | 'vars' | 'render' | 'config' | 'assertion'; message: string; line?: number };
}

/**
 * The request of one case as the runner gave it to the provider (the model as the provider knows
 * it, the rendered messages, every parameter, the output format and schema, the prompt's tools)
 * and, for HTTP providers, as the SDK sent it (`sent`: method, URL and JSON body; no header).
 */
export interface CaseRequest {
  model: string;
  messages: ChatMessage[];
  parameters: Record<string, unknown>;
  output: OutputSpec | null;
  /** The tools sent (the fixture file's `tools:` definitions); names only in records written before tools were sent. */
  tools: Array<string | ToolDefinition>;
  /** Log probabilities were asked for (a `perplexity` check). */
  logprobs?: boolean;
  sent: SentRequest | null;
}

export interface RunOptions {
  /** Returns the provider for an id (may throw a ProviderError, e.g. no key). */
  providerFor(id: ProviderId): Provider;
  /** The run's provider (run profile, `--provider`) for cases that do not name one. */
  defaultProvider?: ProviderId;
  /** Model names mapped before the call (`promptWorkbench.test.models`, e.g. `{"openai/gpt-4o-mini": "llama3.1"}`). */
  models?: Record<string, string>;
  /** Catalogue additions (`promptWorkbench.models`) for cost and token counts. */
  catalogue?: Record<string, unknown>;
  concurrency: number;
  cache?: ResponseCache;
  /** Overrides every case's `repeat`. */
  repeat?: number;
  /** `javascript` assertions run only when true. */
  trusted: boolean;
  /** Only `render` cases run; the others are skipped (CLI --offline, untrusted workspaces). */
  offline?: { reason: string };
  /** Why a suite's `javascript` assertions are skipped, if they are (`--no-javascript`, the project config's `testing.javascript: false`). */
  javascriptOff?: (suite: TestSuite) => string | undefined;
  javascriptTimeoutMs?: number;
  /** The judge of `llm-rubric` when the assertion names none. */
  judge?: { provider?: ProviderId; model?: string };
  /** Reads the cases' `file://` values: the doors pass `guardedReader` (project root, size, trust). */
  readText: ValueReader;
  analysis?: AnalysisOptions;
  /** The named schemas of a suite's project config, when they differ per suite (else `analysis.schemas`). */
  schemasFor?: (suite: TestSuite) => AnalysisOptions['schemas'];
  /** Redacted from every message and output kept. */
  secrets?: readonly (string | undefined)[];
  signal?: AbortSignal;
  onStart?(job: CaseJob): void;
  onResult?(result: CaseResult, job: CaseJob): void;
  now?: () => number;
}

export interface RunSummary {
  results: CaseResult[];
  startedAt: string;
  finishedAt: string;
  durationMs: number;
  cancelled: boolean;
  counts: Record<CaseStatus, number>;
  cache?: { hits: number; misses: number; writes: number };
}

export interface PlanOptions {
  /** Run each fixture file's `matrix:` and `variants:` (the command line does; the Test Explorer runs each case once unless a variant profile asks). */
  matrix?: boolean;
  /** Variants for every suite instead of their `matrix:` (`--models a,b,c`). */
  variants?: readonly MatrixVariant[];
  /** Prompt variants for every suite instead of their `variants:` (`--variants a,b`). */
  prompts?: readonly PromptVariant[];
  /** Only the jobs of this variant label among the varied ones (a Test Explorer run profile); cases without variants still run. */
  only?: string;
}

/** The label of a prompt variant × matrix variant pair (either may be absent). */
export function variantLabel(prompt: { label: string } | undefined, model: { label: string } | undefined): string | undefined {
  return prompt && model ? `${prompt.label} × ${model.label}` : (prompt?.label ?? model?.label);
}

/**
 * Every case × prompt variant × matrix variant × repeat of the suites, in file order, the variants
 * of a case together. A variant's case key is the case's with `@label` (`path#case@openai/gpt-4o`,
 * `path#case@v2.prompt × openai/gpt-4o`): shards, records, the cache and reports keep the variants
 * apart, and the repeats of one stay together. Cases whose own provider is `render` have no model
 * to vary and run once per prompt variant.
 */
export function planJobs(suites: readonly TestSuite[], repeatOverride?: number, plan: PlanOptions = {}): CaseJob[] {
  const jobs: CaseJob[] = [];
  for (const suite of suites) {
    const variants = plan.variants?.length ? plan.variants : plan.matrix ? suite.fixture.matrix : [];
    const prompts = plan.prompts?.length ? plan.prompts : plan.matrix ? (suite.promptVariants ?? []) : [];
    for (const c of suite.fixture.cases) {
      const repeats = repeatOverride ?? c.repeat;
      const key = `${suite.relativePath.replace(/\\/g, '/')}#${c.name}`;
      for (const promptVariant of prompts.length ? prompts : [undefined]) {
        for (const variant of variants.length && c.provider !== 'render' ? variants : [undefined]) {
          const label = variantLabel(promptVariant, variant);
          if (plan.only !== undefined && label !== undefined && label !== plan.only) continue;
          const caseKey = label !== undefined ? `${key}@${label}` : key;
          for (let r = 1; r <= repeats; r++) jobs.push({ id: r === 1 ? caseKey : `${caseKey}#${r}`, caseKey, suite, testCase: c, repeat: r, repeats, variant, promptVariant, label });
        }
      }
    }
  }
  return jobs;
}

/** Deterministic shard `k` of `n` (1-based) by a hash of the case id, so repeats stay together. */
export function inShard(caseKey: string, k: number, n: number): boolean {
  const h = createHash('sha256').update(caseKey).digest();
  return (h.readUInt32BE(0) % n) + 1 === k;
}

/**
 * The provider of a case that names none, in a run that names none: GitHub Models for the test
 * cases of a GitHub Models prompt file (its model names are GitHub's), else the model's prefix.
 */
export function suiteProvider(suite: TestSuite, model: string | undefined): ProviderId | undefined {
  if (suite.fixture.uri === suite.fixture.promptUri && suite.prompt?.format === 'github-models') return 'github';
  return providerOfModel(model);
}

/** `openai/gpt-4o` -> `openai`, for the providers that serve such names. */
export function providerOfModel(model: string | undefined): ProviderId | undefined {
  const prefix = model?.split('/')[0];
  return prefix && (PROVIDER_IDS as readonly string[]).includes(prefix) && prefix !== 'render' ? (prefix as ProviderId) : undefined;
}

export { outputSchemaOf } from './request';

/** The embedding model `similar` uses on a provider when none is named. */
export const DEFAULT_EMBEDDING_MODELS: Partial<Record<ProviderId, string>> = {
  openai: 'text-embedding-3-large',
  'azure-openai': 'text-embedding-3-large',
  github: 'openai/text-embedding-3-large',
  googleai: 'gemini-embedding-001',
  vertexai: 'gemini-embedding-001',
};

/** Checks that need the output tokens' log probabilities. */
const LOGPROB_CHECKS = new Set(['perplexity', 'perplexity-score']);

/**
 * The tools a case sends: the fixture file's `tools:`; when the prompt lists `tools:` by name,
 * only those (a name the fixture does not define is an error). `prompt` is the one that runs (a
 * prompt variant's), the suite's by default.
 */
export function caseTools(suite: TestSuite, prompt: PromptDocument | undefined = suite.prompt): { tools?: ToolDefinition[]; error?: string } {
  const defined = suite.fixture.tools ?? [];
  if (!defined.length) return {};
  const named = (prompt?.prompt.tools ?? []).map((t) => t.value).filter((n): n is string => typeof n === 'string');
  const strip = ({ name, description, parameters }: ToolDefinition) => ({ name, ...(description ? { description } : {}), parameters });
  if (!named.length) return { tools: defined.map(strip) };
  const missing = named.filter((n) => !defined.some((t) => t.name === n));
  if (missing.length) return { error: `The prompt names the tool${missing.length === 1 ? '' : 's'} ${missing.map((n) => `\`${n}\``).join(', ')}, which the fixture file's \`tools:\` does not define: add ${missing.length === 1 ? 'it' : 'them'} (name, description, parameters).` };
  return { tools: defined.filter((t) => named.includes(t.name)).map(strip) };
}

class Semaphore {
  private active = 0;
  private waiting: (() => void)[] = [];
  constructor(private readonly limit: number) {}
  async run<T>(fn: () => Promise<T>): Promise<T> {
    if (this.active >= this.limit) await new Promise<void>((r) => this.waiting.push(r));
    this.active++;
    try {
      return await fn();
    } finally {
      this.active--;
      this.waiting.shift()?.();
    }
  }
}

/** A case's result before (or instead of) a model call: identity, fixture position, no verdict. */
function blankResult(job: CaseJob): CaseResult {
  const { suite, testCase: c } = job;
  return {
    id: job.id,
    caseKey: job.caseKey,
    fixtureUri: suite.fixture.uri,
    promptUri: job.promptVariant?.uri ?? suite.fixture.promptUri,
    fixturePath: suite.relativePath,
    promptPath: job.promptVariant?.promptPath ?? suite.promptPath,
    caseName: c.name,
    variant: job.label ?? variantLabel(job.promptVariant, job.variant),
    ...(job.promptVariant ? { promptVariant: job.promptVariant.label, promptHash: job.promptVariant.hash, ...(job.promptVariant.commit ? { promptCommit: job.promptVariant.commit } : {}) } : {}),
    checks: checksFingerprint(c),
    caseLine: c.line,
    repeat: job.repeat,
    repeats: job.repeats,
    status: 'error',
    parameters: {},
    vars: {},
    cached: false,
    assertions: [],
    reason: '',
  };
}

export async function runTests(suites: readonly TestSuite[], options: RunOptions, jobs: CaseJob[] = planJobs(suites, options.repeat)): Promise<RunSummary> {
  const now = options.now ?? Date.now;
  const started = now();
  const t0 = performance.now();
  const results: CaseResult[] = [];
  const catalogue = mergeCatalogue(options.catalogue);
  const providers = new Map<ProviderId, Provider | ProviderError>();
  const providerFor = (id: ProviderId): Provider => {
    let p = providers.get(id);
    if (!p) {
      try {
        p = options.providerFor(id);
      } catch (e) {
        p = e instanceof ProviderError ? e : new ProviderError('unavailable', (e as Error).message, id);
      }
      providers.set(id, p);
    }
    if (p instanceof ProviderError) throw p;
    return p;
  };
  // One semaphore for every model call (cases and judges alike), so the bound holds for the whole run.
  const calls = new Semaphore(Math.max(1, options.concurrency));
  const secrets = options.secrets ?? [];
  const r = (s: string) => redact(s, secrets);

  async function callModel(provider: Provider, model: string, messages: ChatMessage[], parameters: Record<string, unknown>, output: OutputSpec | undefined, repeat: number, extra: { tools?: ToolDefinition[]; logprobs?: boolean } = {}): Promise<{ reply: ModelReply; latencyMs: number; cached: boolean }> {
    const key = options.cache && provider.id !== 'render' ? cacheKey({ provider: provider.id, endpoint: provider.endpoint, model, parameters, messages, output, repeat, ...(extra.tools?.length ? { tools: extra.tools } : {}), ...(extra.logprobs ? { logprobs: true } : {}) }) : undefined;
    if (key) {
      const hit = await options.cache!.get(key);
      if (hit) return { reply: hit.reply, latencyMs: hit.latencyMs, cached: true };
    }
    if (options.signal?.aborted) throw new ProviderError('cancelled', 'Cancelled.', provider.id);
    await provider.prepare?.();
    const t = performance.now();
    const reply = await provider.call({ model, messages, parameters, output, signal: options.signal, ...(extra.tools?.length ? { tools: extra.tools } : {}), ...(extra.logprobs ? { logprobs: true } : {}) });
    const latencyMs = performance.now() - t;
    if (key && !options.signal?.aborted) await options.cache!.set(key, reply, latencyMs).catch(() => undefined);
    return { reply, latencyMs, cached: false };
  }

  /** Embeddings through the cache like a model call (the vectors kept as the reply's JSON output). */
  async function embedTexts(provider: Provider, model: string, texts: string[]): Promise<EmbedReply & { cached: boolean }> {
    const key = options.cache ? cacheKey({ provider: provider.id, endpoint: provider.endpoint, model, parameters: { embeddings: true }, messages: texts.map((text) => ({ role: 'input', text })) }) : undefined;
    if (key) {
      const hit = await options.cache!.get(key);
      if (hit) return { vectors: JSON.parse(hit.reply.output) as number[][], model: hit.reply.model, inputTokens: hit.reply.usage?.inputTokens, cached: true };
    }
    if (options.signal?.aborted) throw new ProviderError('cancelled', 'Cancelled.', provider.id);
    await provider.prepare?.();
    const t = performance.now();
    const reply = await provider.embed!({ model, texts, signal: options.signal });
    if (key && !options.signal?.aborted) await options.cache!.set(key, { output: JSON.stringify(reply.vectors), model: reply.model, usage: { inputTokens: reply.inputTokens, outputTokens: 0 } }, performance.now() - t).catch(() => undefined);
    return { ...reply, cached: false };
  }

  /** US dollars of a call of `model` (provider-qualified or not), or undefined without a price. */
  function priceOf(model: string | undefined, inputTokens: number | undefined, outputTokens: number | undefined): number | undefined {
    const resolved = resolveModel(model, undefined, catalogue);
    if (!resolved.entry || inputTokens === undefined || outputTokens === undefined) return undefined;
    return costOf(inputTokens, outputTokens, resolved.entry, catalogue.currency)?.total;
  }

  async function runJob(job: CaseJob): Promise<CaseResult | undefined> {
    const { suite, testCase: c } = job;
    const base = blankResult(job);
    const fail = (kind: NonNullable<CaseResult['error']>['kind'], message: string, line?: number): CaseResult => ({ ...base, status: 'error', reason: r(message), error: { kind, message: r(message), line } });
    if (c.skip) return { ...base, status: 'skipped', reason: 'Skipped (`skip: true`, or the case has schema errors: see the Problems view).' };
    if (job.promptVariant && !job.promptVariant.prompt) return fail('config', job.promptVariant.error ?? `The prompt variant ${job.promptVariant.spec} cannot be read.`);
    const prompt = job.promptVariant ? job.promptVariant.prompt : suite.prompt;
    if (!prompt) return fail('config', `The prompt under test (${suite.promptPath}) cannot be read.`);
    const promptPath = job.promptVariant?.promptPath ?? suite.promptPath;

    const variant = job.variant;
    // A variant's model and provider win: comparing them is the point of the matrix. In a GitHub
    // Models prompt file, a model's `openai/` prefix is GitHub Models' publisher, served by `github`.
    const requestedModel = variant ? variant.model : (c.model ?? prompt.model);
    const providerId: ProviderId = variant ? (variant.provider ?? suiteProvider(suite, variant.model) ?? 'render') : (c.provider ?? options.defaultProvider ?? suiteProvider(suite, requestedModel) ?? 'render');
    base.provider = providerId;
    base.requestedModel = requestedModel;
    base.parameters = { ...promptParameters(prompt), ...c.config, ...variant?.config };
    if (options.offline && providerId !== 'render') return { ...base, status: 'skipped', reason: `Skipped: ${options.offline.reason} (this case runs with ${providerId}).` };

    try {
      base.vars = await caseVars(prompt, suite.fixture, c, options.readText);
    } catch (e) {
      return fail('vars', e instanceof VarsError ? e.message : String(e), e instanceof VarsError ? e.line : c.line);
    }
    const analysis = { ...options.analysis, schemas: options.schemasFor?.(suite) ?? options.analysis?.schemas };
    const rendered = await renderPrompt(prompt, base.vars, analysis, caseRenderData(c));
    if (rendered.error) return fail('render', `The prompt cannot be rendered for this case: ${rendered.error.message}${rendered.error.line !== undefined ? ` (${promptPath}, line ${rendered.error.line + 1})` : ''}`);
    const messages = (rendered.messages ?? []).map((m) => ({ role: m.role, text: m.text }));
    base.messages = messages;

    const mapped = requestedModel ? (options.models?.[requestedModel] ?? requestedModel) : undefined;
    const nativeModel = mapped?.startsWith(`${providerId}/`) ? mapped.slice(providerId.length + 1) : mapped;
    if (providerId !== 'render' && providerId !== 'vscode-lm' && !nativeModel) return fail('config', `No model for ${providerId}: set \`model:\` in the prompt, or \`model\` in the case or fixture file.`);
    const outputSchema = await outputSchemaOf(prompt, analysis.schemas);
    const responseFormat = promptResponseFormat(prompt);
    const outputSpec: OutputSpec | undefined = promptOutputFormat(prompt) === 'json' ? { format: 'json', schema: outputSchema, ...(responseFormat ? { responseFormat } : {}) } : responseFormat ? { responseFormat } : undefined;
    const toolSet = caseTools(suite, prompt);
    if (toolSet.error) return fail('config', toolSet.error);
    const tools = providerId === 'render' ? undefined : toolSet.tools;
    const logprobs = providerId !== 'render' && c.assert.some((a) => LOGPROB_CHECKS.has(a.base));

    // Kept with an error too: what was about to be sent is what a person debugging it needs.
    const request: CaseRequest = { model: nativeModel ?? '', messages, parameters: base.parameters, output: outputSpec ?? null, tools: tools ?? [], ...(logprobs ? { logprobs } : {}), sent: null };
    let provider: Provider;
    let call: { reply: ModelReply; latencyMs: number; cached: boolean };
    try {
      provider = providerFor(providerId);
      base.endpoint = provider.endpoint;
      options.onStart?.(job);
      call = await calls.run(() => callModel(provider, nativeModel ?? '', messages, base.parameters, outputSpec, job.repeats > 1 ? job.repeat : 0, { tools, logprobs }));
    } catch (e) {
      if (e instanceof ProviderError && e.kind === 'cancelled') return undefined;
      if (options.signal?.aborted) return undefined;
      const err = e instanceof ProviderError ? e : new ProviderError('bad-response', (e as Error).message ?? String(e), providerId);
      return { ...fail(err.kind, err.message), provider: providerId, request };
    }
    const reply = call.reply;
    // What the checks' own calls cost; NaN once one has no price (then the total is unknown).
    let assertionCost: number | undefined;
    const addCost = (dollars: number | undefined) => {
      assertionCost = (assertionCost ?? 0) + (dollars ?? Number.NaN);
    };
    const judge = async (req: { messages: ChatMessage[]; provider?: string; model?: string; parameters?: Record<string, unknown> }): Promise<ModelReply> => {
      const judgeProvider = (req.provider ?? options.judge?.provider ?? providerId) as ProviderId;
      if (judgeProvider === 'render') throw new ProviderError('config', 'A judge check needs a model to judge, and the `render` provider has none. Name one on the assertion (`provider`, `model`) or in the setting promptWorkbench.test.judge.', 'render');
      const judgeModel = req.model ?? options.judge?.model ?? requestedModel;
      const judgeMapped = judgeModel ? (options.models?.[judgeModel] ?? judgeModel) : '';
      const native = judgeMapped.startsWith(`${judgeProvider}/`) ? judgeMapped.slice(judgeProvider.length + 1) : judgeMapped;
      const p = providerFor(judgeProvider);
      const res = await calls.run(() => callModel(p, native, req.messages, req.parameters ?? { temperature: 0 }, undefined, 0));
      addCost(res.cached ? 0 : priceOf(judgeModel, res.reply.usage?.inputTokens, res.reply.usage?.outputTokens));
      return res.reply;
    };
    const embed = async (req: { texts: string[]; provider?: string; model?: string }): Promise<EmbedReply & { provider: string; model: string }> => {
      const embedProvider = (req.provider ?? providerId) as ProviderId;
      if (embedProvider === 'render') throw new ProviderError('config', '`similar` needs an embedding model, and the `render` provider has none. Name one on the assertion (`provider: openai` with `model: text-embedding-3-small`, or `provider: googleai` with `model: gemini-embedding-001`).', 'render');
      const p = providerFor(embedProvider);
      if (!p.embed) throw new ProviderError('unavailable', `${PROVIDER_LABELS[embedProvider]} has no embeddings endpoint. Name an embedding provider and model on the assertion: \`provider: openai\` with \`model: text-embedding-3-small\`, or \`provider: googleai\` with \`model: gemini-embedding-001\`.`, embedProvider);
      const model = req.model ?? DEFAULT_EMBEDDING_MODELS[embedProvider];
      if (!model) throw new ProviderError('config', `\`similar\` needs an embedding model for ${PROVIDER_LABELS[embedProvider]}: name one on the assertion (\`model\`).`, embedProvider);
      const mapped = options.models?.[model] ?? model;
      const native = mapped.startsWith(`${embedProvider}/`) ? mapped.slice(embedProvider.length + 1) : mapped;
      const { cached, ...reply } = await calls.run(() => embedTexts(p, native, req.texts));
      // Embeddings are priced by input tokens: as reported, else counted with the model's tokenizer.
      const entry = resolveModel(model, undefined, catalogue);
      const tokens = reply.inputTokens ?? req.texts.reduce((n, t) => n + Math.round(countPlain(t, entry.encoding) * entry.factor), 0);
      addCost(cached ? 0 : priceOf(model, tokens, 0));
      return { ...reply, provider: PROVIDER_LABELS[embedProvider], model: reply.model ?? native };
    };

    request.sent = reply.sent ?? null;
    let checked: CheckedAnswer | undefined;
    try {
      checked = await checkAnswer(c, { suite, providerId, requestedModel, vars: base.vars, reply, latencyMs: call.latencyMs, outputSchema, catalogue, judge, embed, messages, tools }, options);
    } catch (e) {
      if (e instanceof ProviderError && e.kind === 'cancelled') return undefined;
      throw e;
    }
    return {
      ...base,
      ...checked,
      ...(assertionCost !== undefined && !Number.isNaN(assertionCost) ? { assertionCost } : {}),
      request,
      finishReason: reply.finishReason,
      returnedModel: reply.model,
      usage: reply.usage,
      latencyMs: call.latencyMs,
      firstTokenMs: reply.firstTokenMs,
      cached: call.cached,
    };
  }

  // Cases are prepared (values, rendering) without a bound; model calls share the semaphore. The
  // number of cases in preparation is bounded too, so a huge suite does not render everything at once.
  const prepare = new Semaphore(Math.max(4, options.concurrency * 2));
  await Promise.all(
    jobs.map((job) =>
      prepare.run(async () => {
        if (options.signal?.aborted) return;
        let result: CaseResult | undefined;
        try {
          result = await runJob(job);
        } catch (e) {
          const message = r(`Unexpected error: ${(e as Error).message}`);
          result = { ...blankResult(job), reason: message, error: { kind: 'config', message } };
        }
        if (!result || options.signal?.aborted) return;
        results.push(result);
        options.onResult?.(result, job);
      }),
    ),
  );
  const order = new Map(jobs.map((j, i) => [j.id, i]));
  results.sort((a, b) => (order.get(a.id) ?? 0) - (order.get(b.id) ?? 0));
  const counts: Record<CaseStatus, number> = { passed: 0, failed: 0, error: 0, skipped: 0 };
  for (const x of results) counts[x.status]++;
  return {
    results,
    startedAt: new Date(started).toISOString(),
    finishedAt: new Date(now()).toISOString(),
    durationMs: performance.now() - t0,
    cancelled: !!options.signal?.aborted,
    counts,
    cache: options.cache ? { hits: options.cache.hits, misses: options.cache.misses, writes: options.cache.writes } : undefined,
  };
}

/** What a case's verdict is made of, from one answer: the (redacted) output, its cost and the assertions' results. */
export type CheckedAnswer = Pick<CaseResult, 'status' | 'output' | 'cost' | 'assertions' | 'score' | 'reason' | 'error'>;

export interface AnswerContext {
  suite: TestSuite;
  providerId: ProviderId;
  requestedModel?: string;
  vars: Record<string, unknown>;
  reply: ModelReply;
  latencyMs: number;
  outputSchema?: Record<string, unknown>;
  catalogue: ReturnType<typeof mergeCatalogue>;
  /** Asks the judge of `llm-rubric` (the run's semaphore and cache). */
  judge(req: { messages: ChatMessage[]; provider?: string; model?: string; parameters?: Record<string, unknown> }): Promise<ModelReply>;
  /** Embeds texts for `similar` (the run's semaphore and cache); without it, `similar` says it cannot run. */
  embed?(req: { texts: string[]; provider?: string; model?: string }): Promise<EmbedReply & { provider: string; model: string }>;
  /** The messages sent (for the judge checks that read the question). */
  messages?: ChatMessage[];
  /** The tools offered to the model (for the tool-call checks). */
  tools?: ToolDefinition[];
}

/**
 * Checks one answer against a case's assertions: the cost from the catalogue, each assertion, the
 * verdict. The runner and `replay` (which sends a recorded request again) both judge answers here.
 */
export async function checkAnswer(c: FixtureCase, ctx: AnswerContext, options: Pick<RunOptions, 'trusted' | 'javascriptOff' | 'javascriptTimeoutMs' | 'secrets' | 'signal'>): Promise<CheckedAnswer> {
  const r = (s: string) => redact(s, options.secrets ?? []);
  const { reply, providerId, requestedModel, catalogue } = ctx;
  const output = r(reply.output);
  const resolved = resolveModel(requestedModel, undefined, catalogue);
  const countTokens = (text: string) => Math.round(countPlain(text, resolved.encoding) * resolved.factor);
  let cost: number | undefined;
  let costNote: string | undefined;
  if (providerId === 'render') cost = 0;
  else if (!resolved.entry) costNote = `the model \`${requestedModel}\` is not in the catalogue`;
  else if (reply.usage?.inputTokens === undefined || reply.usage?.outputTokens === undefined) costNote = 'the provider reported no token usage';
  else {
    cost = costOf(reply.usage.inputTokens, reply.usage.outputTokens, resolved.entry, catalogue.currency)?.total;
    if (cost === undefined) costNote = `no price for \`${resolved.id}\` in the catalogue`;
  }
  const assertions: AssertionResult[] = [];
  for (const a of c.assert) {
    const result = await evaluateAssertion(a, {
      output,
      vars: ctx.vars,
      usage: reply.usage,
      latencyMs: ctx.latencyMs,
      cost,
      costNote,
      model: reply.model,
      provider: providerId,
      outputSchema: ctx.outputSchema,
      countTokens,
      trusted: options.trusted,
      javascriptOff: options.javascriptOff?.(ctx.suite),
      javascriptTimeoutMs: options.javascriptTimeoutMs,
      judge: ctx.judge,
      embed: ctx.embed,
      messages: ctx.messages,
      finishReason: reply.finishReason,
      toolCalls: reply.toolCalls,
      tools: ctx.tools,
      logprobs: reply.logprobs,
      signal: options.signal,
    });
    assertions.push({ ...result, reason: r(result.reason), reasoning: result.reasoning && r(result.reasoning) });
  }
  const verdict = caseVerdict(assertions, c.threshold);
  return {
    status: verdict.error ? 'error' : verdict.skipped ? 'skipped' : verdict.pass ? 'passed' : 'failed',
    output,
    cost,
    assertions,
    score: verdict.score,
    reason: verdict.error ? `An assertion could not run: ${verdict.error}` : verdict.reason,
    error: verdict.error ? { kind: 'assertion', message: verdict.error, line: assertions.find((a) => a.error)?.line } : undefined,
  };
}
