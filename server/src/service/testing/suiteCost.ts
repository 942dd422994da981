// What a test run would cost before anything is sent: every case (every repeat) of the fixture
// suites rendered exactly as the runner renders it (`caseVars` + `renderPrompt`), counted for the
// model the case would use, with `config.maxOutputTokens` (else the model's maximum) as the upper
// bound of the answer. Also the rendered counts of one prompt's fixture cases for the status bar.
import { promptParameters } from './request';
import type { PromptDocument } from '../document';
import { formatOf } from '../formats/registry';
import { renderPrompt, type RenderedMessage } from '../render';
import type { AnalysisOptions } from '../scope';
import { costOf, countMessages, mergeCatalogue, resolveModel, type ResolvedModel } from '../tokens';
import { catalogueFor, type TokenOptions } from '../tokens/count';
import { ESTIMATE_LABELS, isEstimateFamily, type Catalogue } from '../tokens/catalogue';
import type { FixtureCaseTokens } from '../tokens/present';
import type { FixtureAssertion, FixtureCase, FixtureFile, ProviderId } from './fixtures';
import { closedQaMessages, factualityMessages, questionOf } from './assertions/graded';
import { judgeMessages } from './assertions/rubric';
import { judgeSpec } from './assertions/githubModels';
import { substitutePlaceholders } from '../placeholders';
import type { ChatMessage } from './providers/types';
import { planJobs, suiteProvider, type CaseJob, type PlanOptions, type TestSuite } from './runner';
import { caseRenderData, caseVars, VarsError, type UnreadValue, type ValueReader } from './vars';

export interface SuiteCostOptions {
  readText: ValueReader;
  analysis?: AnalysisOptions;
  /** The named schemas of a suite's project config, when they differ per suite (else `analysis.schemas`). */
  schemasFor?: (suite: TestSuite) => AnalysisOptions['schemas'];
  /** Catalogue additions (`promptWorkbench.models`). */
  catalogue?: Record<string, unknown>;
  /** The run's provider for cases that name none (as `--provider` / the run profile). */
  defaultProvider?: ProviderId;
  /** Overrides every case's `repeat`. */
  repeat?: number;
  /** The matrix, as the run would plan it (`prompt-workbench test` runs `matrix:`, or `--models`). */
  plan?: PlanOptions;
  /** The judge of `llm-rubric` assertions that name none (as `--judge-provider` / `--judge-model`). */
  judge?: { provider?: ProviderId; model?: string };
  signal?: AbortSignal;
  /** Called after each case is counted (for progress). */
  onProgress?(done: number, total: number): void;
}

export interface CostRange {
  currency: string;
  /** The prompt tokens only (an answer of zero tokens). */
  low: number;
  /** The prompt tokens plus the maximum answer: an upper bound. */
  high: number;
}

export interface CaseCost {
  id: string;
  caseName: string;
  /** 1-based line of the case in the fixture file. */
  line: number;
  repeat: number;
  provider: ProviderId;
  /** The model as requested (matrix variant / case / fixture file / prompt), or undefined. */
  model?: string;
  /** The matrix variant's label. */
  variant?: string;
  inputTokens: number;
  maxOutputTokens: number;
  estimated: boolean;
  /** Undefined when the model has no price; 0 for the render provider. */
  cost?: CostRange;
}

export interface ModelCost {
  provider: ProviderId;
  /** As requested; `null` when no model is set. */
  model: string | null;
  /** The variant's label, `prompt × model` with both (the cases of one variant are one row). */
  variant?: string;
  /** A judge row (`PromptCost.judges`): the calls of model-graded assertions made to this model. */
  judgeCalls?: number;
  /** Its catalogue id, when known. */
  modelId: string | null;
  /** How the tokens were counted (`o200k_base`, `Claude estimate (o200k_base × 1.20)`, ...). */
  tokenizer: string;
  /** ≈: counted with a calibrated estimate, not the model's tokenizer. */
  estimated: boolean;
  /** Case runs (each repeat counts). */
  cases: number;
  inputTokens: number;
  /** The sum of the answers' upper bounds. */
  maxOutputTokens: number;
  /** Where the answer's bound came from (`config.maxOutputTokens`, `model default`, `none`). */
  outputSources: string[];
  /** `free`: nothing is sent (render); `unpriced`: the catalogue has no price for it. */
  price: 'priced' | 'free' | 'unpriced';
  cost?: CostRange;
  note?: string;
}

export interface UnrenderableCase {
  caseName: string;
  line: number;
  fixturePath: string;
  reason: string;
  /** How many runs (repeats) it stands for. */
  runs: number;
}

export interface PromptCost {
  promptPath: string;
  promptUri: string;
  /** Where the prompt's format writes the answer's limit (`config.maxOutputTokens`, `modelParameters.maxTokens`, `model.options.maxOutputTokens`). */
  outputKey: string;
  fixturePaths: string[];
  models: ModelCost[];
  /** The judge calls of model-graded assertions, per judge model (one per assertion and case run). */
  judges: ModelCost[];
  cases: CaseCost[];
  unrenderable: UnrenderableCase[];
  skipped: { caseName: string; line: number; fixturePath: string; runs: number }[];
}

export interface SuiteCostEstimate {
  prompts: PromptCost[];
  totals: {
    cases: number;
    inputTokens: number;
    maxOutputTokens: number;
    /** Over the priced and free models only, judge calls included. */
    cost: CostRange;
    /** Calls to judge models (model-graded assertions); their tokens are in `inputTokens` and `maxOutputTokens`. */
    judgeCalls: number;
    estimated: boolean;
    /** Models without a price (their cost is not in `cost`). */
    unpriced: string[];
    unrenderable: number;
    skipped: number;
  };
  catalogueAsOf: string;
  currency: string;
  cancelled: boolean;
}

export function tokenizerLabel(model: ResolvedModel): string {
  if (isEstimateFamily(model.tokenizer)) return ESTIMATE_LABELS[model.tokenizer];
  return model.exact ? model.encoding : `${model.encoding} (estimate: the model's own tokenizer is unknown)`;
}

/**
 * The answer's upper bound: the case's (or prompt's) limit, else the model's maximum output.
 * `source` names where the limit was written (the prompt format's own key, e.g.
 * `modelParameters.maxTokens` in a GitHub Models prompt file).
 */
export function outputBound(parameters: Record<string, unknown>, model: ResolvedModel, source = 'config.maxOutputTokens'): { tokens: number; source: string } {
  const v = parameters.maxOutputTokens;
  if (typeof v === 'number' && Number.isFinite(v) && v > 0) return { tokens: Math.floor(v), source };
  if (model.entry?.maxOutputTokens) return { tokens: model.entry.maxOutputTokens, source: 'model default' };
  return { tokens: 0, source: 'none' };
}

type Rendered = { ok: true; messages: RenderedMessage[]; vars: Record<string, unknown> } | { ok: false; reason: string };

/**
 * The judge prompt of a model-graded assertion for one case, as its check sends it but with an
 * empty answer (the answer's tokens are counted as its upper bound), and the judge model it names
 * itself (`undefined`: the assertion's `model`, else the run's judge, else the case's model).
 * One entry per model-graded assertion type; a type without one asks no judge.
 */
export const JUDGE_PROMPTS: Record<string, (a: FixtureAssertion, vars: Record<string, unknown>, messages: readonly RenderedMessage[]) => { messages: ChatMessage[]; model?: string } | undefined> = {
  'llm-rubric': (a) => (typeof a.value === 'string' ? { messages: judgeMessages(a.value, '') } : undefined),
  // The question is the rendered prompt's user turns, as `factuality` and `model-graded-closedqa` ask it.
  factuality: (a, _vars, messages) => (typeof a.value === 'string' ? { messages: factualityMessages(questionOf(chatOf(messages)), a.value, '') } : undefined),
  'model-graded-closedqa': (a, _vars, messages) => (typeof a.value === 'string' ? { messages: closedQaMessages(questionOf(chatOf(messages)), a.value, '') } : undefined),
  // GitHub Models evaluators: `llm` and the built-in `uses: github/...` judges, templated with the row's values.
  'gh-llm': githubJudgePrompt,
  'gh-uses': githubJudgePrompt,
};

function githubJudgePrompt(a: FixtureAssertion, vars: Record<string, unknown>) {
  const spec = judgeSpec(a);
  if (!spec || typeof spec.prompt !== 'string') return undefined;
  return { messages: [...(spec.systemPrompt ? [{ role: 'system', text: spec.systemPrompt }] : []), { role: 'user', text: substitutePlaceholders(spec.prompt, { ...vars, completion: '' }) }], model: spec.modelId };
}

/** Renders one case the way the runner does: its values (`caseVars`), then `renderPrompt`. */
async function renderCase(prompt: PromptDocument, fixture: FixtureFile, c: FixtureCase, read: ValueReader, analysis: AnalysisOptions | undefined, promptPath: string): Promise<Rendered> {
  let vars: Record<string, unknown>;
  try {
    vars = await caseVars(prompt, fixture, c, read);
  } catch (e) {
    return { ok: false, reason: e instanceof VarsError ? e.message : String(e) };
  }
  const rendered = await renderPrompt(prompt, vars, analysis, caseRenderData(c));
  if (rendered.error) return { ok: false, reason: `The prompt cannot be rendered for this case: ${rendered.error.message}${rendered.error.line !== undefined ? ` (${promptPath}, line ${rendered.error.line + 1})` : ''}` };
  return { ok: true, messages: rendered.messages ?? [], vars };
}

/** Sums the rendered prompt tokens, answer bounds and cost of every case run of the suites. */
export async function estimateSuiteCost(suites: readonly TestSuite[], options: SuiteCostOptions): Promise<SuiteCostEstimate> {
  const catalogue: Catalogue = mergeCatalogue(options.catalogue);
  const jobs = planJobs(suites, options.repeat, options.plan);
  const prompts = new Map<string, PromptCost & { byModel: Map<string, ModelCost>; byJudge: Map<string, ModelCost> }>();
  // One section per prompt that runs: the suite's, or each prompt variant (a revision is its own).
  const promptOf = (s: TestSuite, job?: CaseJob) => {
    const v = job?.promptVariant;
    const key = v ? `${v.uri}@${v.revision ?? ''}` : s.fixture.promptUri;
    let p = prompts.get(key);
    if (!p) {
      p = { promptPath: v ? v.promptPath : s.promptPath, promptUri: v ? v.uri : s.fixture.promptUri, outputKey: (v ? v.prompt : s.prompt) ? outputKeyOf((v ? v.prompt : s.prompt)!) : 'config.maxOutputTokens', fixturePaths: [], models: [], judges: [], cases: [], unrenderable: [], skipped: [], byModel: new Map(), byJudge: new Map() };
      prompts.set(key, p);
    }
    if (!p.fixturePaths.includes(s.relativePath)) p.fixturePaths.push(s.relativePath);
    return p;
  };
  for (const s of suites) if (!planJobs([s], 1, options.plan).some((j) => j.promptVariant)) promptOf(s);
  // Repeats render the same messages: render once per case and prompt, count once per case and model.
  const renders = new Map<PromptDocument, Map<FixtureCase, Promise<Rendered>>>();
  let done = 0;
  let cancelled = false;
  for (const job of jobs) {
    if (options.signal?.aborted) {
      cancelled = true;
      break;
    }
    const { suite, testCase: c } = job;
    const p = promptOf(suite, job);
    const prompt = job.promptVariant ? job.promptVariant.prompt : suite.prompt;
    const promptPath = job.promptVariant?.promptPath ?? suite.promptPath;
    if (c.skip) {
      if (job.repeat === 1) p.skipped.push({ caseName: c.name, line: c.line + 1, fixturePath: suite.relativePath, runs: job.repeats });
      options.onProgress?.(++done, jobs.length);
      continue;
    }
    if (!prompt) {
      if (job.repeat === 1) p.unrenderable.push({ caseName: c.name, line: c.line + 1, fixturePath: suite.relativePath, reason: job.promptVariant?.error ?? `The prompt under test (${suite.promptPath}) cannot be read.`, runs: job.repeats });
      options.onProgress?.(++done, jobs.length);
      continue;
    }
    let perPrompt = renders.get(prompt);
    if (!perPrompt) renders.set(prompt, (perPrompt = new Map()));
    let rendering = perPrompt.get(c);
    if (!rendering) {
      rendering = renderCase(prompt, suite.fixture, c, options.readText, { ...options.analysis, schemas: options.schemasFor?.(suite) ?? options.analysis?.schemas }, promptPath);
      perPrompt.set(c, rendering);
    }
    const rendered = await rendering;
    if (!rendered.ok) {
      if (job.repeat === 1) p.unrenderable.push({ caseName: c.name, line: c.line + 1, fixturePath: suite.relativePath, reason: rendered.reason, runs: job.repeats });
      options.onProgress?.(++done, jobs.length);
      continue;
    }
    // The same choices as the runner: a matrix variant's model and provider; else the case's (or
    // fixture file's) model, else the prompt's; the case's provider, else the run's, else the
    // model's prefix (a GitHub Models prompt file's own: `github`), else render.
    const variant = job.variant;
    const label = job.label;
    const requested = variant ? variant.model : (c.model ?? prompt.model);
    const provider: ProviderId = variant ? (variant.provider ?? suiteProvider(suite, variant.model) ?? 'render') : (c.provider ?? options.defaultProvider ?? suiteProvider(suite, requested) ?? 'render');
    const model = resolveModel(requested, undefined, catalogue);
    const counted = countMessages(rendered.messages, model);
    const parameters = { ...promptParameters(prompt), ...c.config, ...variant?.config };
    // The limit's source: a fixture case's (or matrix variant's) `config`, else the prompt's own key.
    const fromCase = typeof c.config.maxOutputTokens === 'number' || typeof variant?.config?.maxOutputTokens === 'number';
    const bound = provider === 'render' ? { tokens: 0, source: 'none' } : outputBound(parameters, model, fromCase ? 'config.maxOutputTokens' : p.outputKey);
    let cost: CostRange | undefined;
    if (provider === 'render') cost = { currency: catalogue.currency, low: 0, high: 0 };
    else {
      const low = costOf(counted.tokens, 0, model.entry, catalogue.currency);
      const high = costOf(counted.tokens, bound.tokens, model.entry, catalogue.currency);
      if (low && high) cost = { currency: catalogue.currency, low: low.total, high: high.total };
    }
    p.cases.push({ id: job.id, caseName: c.name, line: c.line + 1, repeat: job.repeat, provider, model: requested, ...(label !== undefined ? { variant: label } : {}), inputTokens: counted.tokens, maxOutputTokens: bound.tokens, estimated: counted.estimated, cost });

    // Each model-graded assertion asks its judge once per case run: its judge prompt for this
    // case and the answer (up to the answer's bound) in, the verdict (up to the judge model's
    // maximum output) out, priced at the judge model's price.
    for (const a of c.assert) {
      const judged = JUDGE_PROMPTS[a.base]?.(a, rendered.vars, rendered.messages);
      if (!judged) continue;
      const judgeProvider = (a.provider ?? options.judge?.provider ?? provider) as ProviderId;
      if (judgeProvider === 'render') continue; // the runner refuses it: nothing is sent
      const judgeRequested = judged.model ?? a.model ?? options.judge?.model ?? requested;
      const judgeModel = resolveModel(judgeRequested, undefined, catalogue);
      const judgePrompt = countMessages(judged.messages, judgeModel);
      const answerIn = bound.tokens;
      const judgeOut = outputBound({}, judgeModel).tokens;
      const low = costOf(judgePrompt.tokens, 0, judgeModel.entry, catalogue.currency);
      const high = costOf(judgePrompt.tokens + answerIn, judgeOut, judgeModel.entry, catalogue.currency);
      const judgeKey = `${judgeProvider}\u0000${judgeRequested ?? ''}`;
      let j = p.byJudge.get(judgeKey);
      if (!j) {
        j = { provider: judgeProvider, model: judgeRequested ?? null, modelId: judgeModel.id ?? null, tokenizer: tokenizerLabel(judgeModel), estimated: false, cases: 0, judgeCalls: 0, inputTokens: 0, maxOutputTokens: 0, outputSources: [], price: low && high ? 'priced' : 'unpriced', cost: low && high ? { currency: catalogue.currency, low: 0, high: 0 } : undefined, note: low && high ? 'judge of model-graded assertions: the judge prompt and the answer in, a verdict out' : `judge of model-graded assertions: no price for \`${judgeRequested ?? '(no model)'}\`` };
        p.byJudge.set(judgeKey, j);
      }
      j.judgeCalls! += 1;
      j.inputTokens += judgePrompt.tokens + answerIn;
      j.maxOutputTokens += judgeOut;
      j.estimated ||= judgePrompt.estimated || answerIn > 0;
      if (judgeOut && !j.outputSources.includes('model default')) j.outputSources.push('model default');
      if (j.cost && low && high) {
        j.cost.low += low.total;
        j.cost.high += high.total;
      }
    }

    const key = `${provider}\u0000${requested ?? ''}\u0000${label ?? ''}`;
    let m = p.byModel.get(key);
    if (!m) {
      const price: ModelCost['price'] = provider === 'render' ? 'free' : cost ? 'priced' : 'unpriced';
      m = {
        provider,
        model: requested ?? null,
        ...(label !== undefined ? { variant: label } : {}),
        modelId: model.id ?? null,
        tokenizer: tokenizerLabel(model),
        estimated: false,
        cases: 0,
        inputTokens: 0,
        maxOutputTokens: 0,
        outputSources: [],
        price,
        cost: price === 'unpriced' ? undefined : { currency: catalogue.currency, low: 0, high: 0 },
        note:
          provider === 'render'
            ? 'render: nothing is sent, no cost'
            : price === 'unpriced'
              ? !requested
                ? 'no model set'
                : model.unknown
                  ? `\`${requested}\` is not in the model catalogue: add it with a price in promptWorkbench.models`
                  : `no price for \`${model.id}\` in the catalogue: add one in promptWorkbench.models`
              : provider === 'vscode-lm'
                ? 'VS Code Language Model: billed by its vendor (list price shown)'
                : undefined,
      };
      p.byModel.set(key, m);
    }
    m.cases++;
    m.inputTokens += counted.tokens;
    m.maxOutputTokens += bound.tokens;
    m.estimated ||= counted.estimated;
    if (bound.tokens && !m.outputSources.includes(bound.source)) m.outputSources.push(bound.source);
    if (m.cost && cost) {
      m.cost.low += cost.low;
      m.cost.high += cost.high;
    }
    options.onProgress?.(++done, jobs.length);
  }

  const list: PromptCost[] = [...prompts.values()].map(({ byModel, byJudge, ...p }) => ({ ...p, models: [...byModel.values()], judges: [...byJudge.values()] }));
  const all = list.flatMap((p) => [...p.models, ...p.judges]);
  return {
    prompts: list,
    totals: {
      cases: all.reduce((s, m) => s + m.cases, 0),
      inputTokens: all.reduce((s, m) => s + m.inputTokens, 0),
      maxOutputTokens: all.reduce((s, m) => s + m.maxOutputTokens, 0),
      cost: { currency: catalogue.currency, low: all.reduce((s, m) => s + (m.cost?.low ?? 0), 0), high: all.reduce((s, m) => s + (m.cost?.high ?? 0), 0) },
      judgeCalls: all.reduce((s, m) => s + (m.judgeCalls ?? 0), 0),
      estimated: all.some((m) => m.estimated),
      unpriced: [...new Set(all.filter((m) => m.price === 'unpriced').map((m) => m.model ?? '(no model)'))],
      unrenderable: list.reduce((s, p) => s + p.unrenderable.reduce((t, u) => t + u.runs, 0), 0),
      skipped: list.reduce((s, p) => s + p.skipped.reduce((t, u) => t + u.runs, 0), 0),
    },
    catalogueAsOf: catalogue.asOf,
    currency: catalogue.currency,
    cancelled,
  };
}

// ---- the report ----

const int = (n: number) => Math.round(n).toLocaleString('en-US');

export function formatAmount(amount: number): string {
  if (amount === 0) return '$0';
  if (amount < 0.000001) return '<$0.000001';
  if (amount >= 1) return `$${amount.toFixed(2)}`;
  if (amount >= 0.01) return `$${amount.toFixed(3)}`;
  return `$${amount.toPrecision(2)}`;
}

function range(c: CostRange | undefined, price: ModelCost['price']): string {
  if (price === 'unpriced' || !c) return 'no price';
  if (price === 'free') return '$0';
  return `${formatAmount(c.low)} – ${formatAmount(c.high)}`;
}

function tok(n: number, estimated: boolean): string {
  return `${estimated ? '≈' : ''}${int(n)}`;
}

/** Where a prompt writes its answer's limit: the key it uses, else where its format puts it. */
function outputKeyOf(prompt: PromptDocument): string {
  return prompt.prompt.parameters.maxOutputTokens?.path ?? formatOf(prompt).keyPath('maxOutputTokens') ?? 'config.maxOutputTokens';
}

/** Which keys bound the answers, in each format's own words: `config.maxOutputTokens` of the case or prompt; `modelParameters.maxTokens` of the prompt; ... */
function outputBoundWords(prompts: readonly PromptCost[]): string {
  const keys = [...new Set(prompts.map((p) => p.outputKey))];
  // Fixture files (cases with their own `config`) rather than only prompt files with their own test data.
  const fixtures = prompts.some((p) => p.fixturePaths.some((f) => f !== p.promptPath));
  if (!keys.length) return '`config.maxOutputTokens` of the case or prompt';
  if (fixtures && keys.length === 1 && keys[0] === 'config.maxOutputTokens') return '`config.maxOutputTokens` of the case or prompt';
  const prompt = keys.length === 1 ? `\`${keys[0]}\` of the prompt` : `the prompt's own limit, as its format writes it (${keys.map((k) => `\`${k}\``).join(', ')})`;
  return fixtures ? `\`config.maxOutputTokens\` of the case, else ${prompt}` : prompt;
}

/** The estimate as Markdown (the editor's preview) or plain text (the CLI). */
export function formatSuiteCost(e: SuiteCostEstimate, format: 'markdown' | 'text', scope?: string): string {
  const md = format === 'markdown';
  const out: string[] = [];
  const t = e.totals;
  const esc = (s: string) => (md ? s.replace(/\|/g, '\\|') : s);
  if (md) out.push(`# Test suite cost estimate${scope ? `: ${scope}` : ''}`, '');
  const totalLine = `${int(t.cases)} case run${t.cases === 1 ? '' : 's'}${t.judgeCalls ? ` and ${int(t.judgeCalls)} judge call${t.judgeCalls === 1 ? '' : 's'}` : ''}, ${tok(t.inputTokens, t.estimated)} input tokens, up to ${int(t.maxOutputTokens)} output tokens: ${formatAmount(t.cost.low)} – ${formatAmount(t.cost.high)}${t.unpriced.length ? ` plus ${t.unpriced.length} model${t.unpriced.length === 1 ? '' : 's'} without a price (${t.unpriced.join(', ')})` : ''}.`;
  out.push(md ? `**Total:** ${totalLine}` : `Total: ${totalLine}`, '');
  if (e.cancelled) out.push(md ? '_Cancelled: the figures cover only the cases counted before cancelling._' : 'Cancelled: the figures cover only the cases counted before cancelling.', '');
  for (const p of e.prompts) {
    out.push(md ? `## ${p.promptPath}` : `${p.promptPath}  (${p.fixturePaths.join(', ')})`);
    if (md) out.push('', `Fixtures: ${p.fixturePaths.map((f) => `\`${f}\``).join(', ')}`, '');
    if (p.models.length) {
      const rows = [...p.models, ...p.judges].map((m) => [`${m.judgeCalls !== undefined ? 'judge: ' : ''}${m.provider}${m.model ? ` · ${m.model}` : ''}${m.variant !== undefined && m.variant !== m.model ? ` [${m.variant}]` : ''}`, int(m.judgeCalls ?? m.cases), tok(m.inputTokens, m.estimated), int(m.maxOutputTokens), range(m.cost, m.price), `${m.tokenizer}${m.note ? `; ${m.note}` : ''}`]);
      const head = ['provider · model', p.judges.length ? 'calls' : 'cases', 'input tokens', 'max output tokens', 'estimated cost', 'counted with'];
      if (md) {
        out.push(`| ${head.join(' | ')} |`, '|---|---:|---:|---:|---:|---|');
        for (const r of rows) out.push(`| ${r.map(esc).join(' | ')} |`);
      } else {
        const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
        const line = (r: string[]) => `  ${r.map((c, i) => (i >= 1 && i <= 4 ? c.padStart(widths[i]) : i === 5 ? c : c.padEnd(widths[i]))).join('  ')}`.trimEnd();
        out.push(line(head));
        for (const r of rows) out.push(line(r));
      }
    } else out.push(md ? '_No case can be counted._' : '  No case can be counted.');
    if (p.unrenderable.length) {
      out.push(md ? '' : '', md ? '**Cases that cannot be rendered** (not counted):' : '  Cases that cannot be rendered (not counted):');
      for (const u of p.unrenderable) out.push(`${md ? '- ' : '  - '}${md ? `\`${u.fixturePath}:${u.line}\`` : `${u.fixturePath}:${u.line}`} ${esc(u.caseName)}${u.runs > 1 ? ` (×${u.runs})` : ''}: ${u.reason}`);
    }
    if (p.skipped.length) {
      out.push(md ? '' : '', md ? '**Skipped cases** (`skip: true`, not counted):' : '  Skipped cases (skip: true, not counted):');
      for (const s of p.skipped) out.push(`${md ? '- ' : '  - '}${md ? `\`${s.fixturePath}:${s.line}\`` : `${s.fixturePath}:${s.line}`} ${esc(s.caseName)}`);
    }
    out.push('');
  }
  const notes = [
    'Input tokens are the rendered prompt of every case run (each repeat counts), chat framing included, counted for the model each case uses.',
    `Output tokens are an upper bound: ${outputBoundWords(e.prompts)}, else the model's maximum output. The cost range runs from an empty answer to that bound.`,
    ...(e.totals.judgeCalls ? ['Judge calls (model-graded assertions: `llm-rubric`, `factuality`, `model-graded-closedqa`, GitHub Models evaluators): one per assertion and case run; in, the judge prompt for the case and the answer up to its bound; out, up to the judge model\'s maximum output; at the judge model\'s price.'] : []),
    `≈ marks estimates (models without a public tokenizer here). List prices as of ${e.catalogueAsOf}; \`promptWorkbench.models\` adds or overrides prices. Nothing was sent.`,
  ];
  for (const n of notes) out.push(md ? `_${n}_` : n.replace(/`/g, ''));
  return out.join('\n') + '\n';
}

// ---- the status bar: the rendered counts of one prompt's fixture cases ----

/** At most this many cases are rendered for the status bar (the first ones in file order). */
export const STATUS_CASE_LIMIT = 50;

type StatusVars = { vars: Record<string, unknown>; unread: UnreadValue[] } | VarsError;
// One cache per trust state: values read once trusted must not be served to an untrusted view.
const statusVars = { trusted: new WeakMap<FixtureFile, Map<FixtureCase, Promise<StatusVars>>>(), untrusted: new WeakMap<FixtureFile, Map<FixtureCase, Promise<StatusVars>>>() };
const statusMemo = new WeakMap<PromptDocument, { key: string; value: Promise<FixtureCaseTokens | undefined> }>();

/**
 * The rendered token counts of a prompt for its fixture cases (skipped cases left out): min and
 * max over the cases, and the first case's count. The cases' values are resolved once per parsed
 * fixture file (callers keep one `FixtureFile` per fixture text); counting is memoised per
 * document version, options and fixture files. Undefined when there is no case.
 */
export function fixtureCaseTokens(doc: PromptDocument, fixtures: readonly FixtureFile[], options: TokenOptions, read: ValueReader, trusted = true): Promise<FixtureCaseTokens | undefined> {
  const key = `${trusted}\u0000${JSON.stringify(options.model ?? '')}\u0000${options.models ? JSON.stringify(options.models) : ''}\u0000${fixtures.map((f) => `${f.uri}:${f.text.length}:${fixtureIds.get(f) ?? register(f)}`).join('|')}`;
  const hit = statusMemo.get(doc);
  if (hit && hit.key === key) return hit.value;
  const value = computeFixtureCaseTokens(doc, fixtures, options, read, trusted);
  statusMemo.set(doc, { key, value });
  return value;
}

const fixtureIds = new WeakMap<FixtureFile, number>();
let nextFixtureId = 1;
function register(f: FixtureFile): number {
  const id = nextFixtureId++;
  fixtureIds.set(f, id);
  return id;
}

async function computeFixtureCaseTokens(doc: PromptDocument, fixtures: readonly FixtureFile[], options: TokenOptions, read: ValueReader, trusted: boolean): Promise<FixtureCaseTokens | undefined> {
  const cases = fixtures.flatMap((f) => f.cases.filter((c) => !c.skip).map((c) => ({ f, c })));
  if (!cases.length) return undefined;
  const catalogue = catalogueFor(options);
  const counted: { name: string; tokens: number; estimated: boolean }[] = [];
  const unavailable: { name: string; reason: string }[] = [];
  const unread: { name: string; refs: string[] }[] = [];
  const cacheOf = trusted ? statusVars.trusted : statusVars.untrusted;
  for (const { f, c } of cases.slice(0, STATUS_CASE_LIMIT)) {
    let perFile = cacheOf.get(f);
    if (!perFile) cacheOf.set(f, (perFile = new Map()));
    let vars = perFile.get(c);
    if (!vars) {
      // Values without the prompt's defaults: those are merged below, so a prompt edit does not re-read files.
      const notRead: UnreadValue[] = [];
      vars = caseVars(undefined, f, c, read, { unread: notRead }).then(
        (v) => ({ vars: v, unread: notRead }),
        (e: unknown) => (e instanceof VarsError ? e : new VarsError(String(e), c.line)),
      );
      perFile.set(c, vars);
    }
    const v = await vars;
    if (v instanceof VarsError) {
      unavailable.push({ name: c.name, reason: v.message });
      continue;
    }
    if (v.unread.length) unread.push({ name: c.name, refs: v.unread.map((u) => u.ref) });
    const rendered = await renderPrompt(doc, { ...doc.defaults, ...v.vars }, options.analysis, caseRenderData(c));
    if (rendered.error || !rendered.messages) {
      unavailable.push({ name: c.name, reason: rendered.error?.message ?? 'the prompt rendered no messages' });
      continue;
    }
    // The case's own model when it names one, as the runner would use; else the prompt's.
    const model = resolveModel(c.model ?? doc.model, c.model ? undefined : options.model, catalogue);
    const t = countMessages(rendered.messages, model);
    counted.push({ name: c.name, tokens: t.tokens, estimated: t.estimated });
  }
  const tokens = counted.map((c) => c.tokens);
  return {
    cases: cases.length,
    counted: counted.length,
    limited: cases.length > STATUS_CASE_LIMIT,
    first: counted[0],
    min: tokens.length ? Math.min(...tokens) : undefined,
    max: tokens.length ? Math.max(...tokens) : undefined,
    estimated: counted.some((c) => c.estimated),
    unavailable,
    ...(unread.length ? { unread } : {}),
    fixtures: fixtures.map((f) => f.uri),
  };
}

function chatOf(messages: readonly RenderedMessage[]): ChatMessage[] {
  return messages.map((m) => ({ role: m.role, text: m.text }));
}
