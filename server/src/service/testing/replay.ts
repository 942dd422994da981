// Replay: a recorded case's request sent again, exactly (the rendered messages, parameters and
// output format kept in the record, not a new render of today's prompt), to the recorded model or
// another (provider-qualified), and the new answer compared with the recorded one: the case's
// assertions re-run on it, the text, tokens, cost and latency. The result is a `CaseResult` that
// points to the case it replays (`replayOf`), for a new run record. No I/O here: the doors load
// the record and the fixture file, build the providers and write the record.
import type { FixtureCase, ProviderId } from './fixtures';
import { PROVIDER_IDS } from './fixtures';
import { ProviderError, type ModelReply, type Provider, type ToolDefinition, type Usage } from './providers/types';
import type { RecordedCase } from './records';
import { checksFingerprint } from './records';
import { redact } from './redact';
import { checkAnswer, DEFAULT_EMBEDDING_MODELS, providerOfModel, type CaseRequest, type CaseResult, type RunOptions, type TestSuite } from './runner';
import { mergeCatalogue } from '../tokens/catalogue';
import * as path from 'node:path';
import { commonProjectRoot, RUNS_DIR } from '../project';

/**
 * The project root a record's paths are relative to: the folder holding `.prompt-workbench/runs/`
 * when the record is there, else the project root of `fallback` (the working or workspace folder).
 */
export function recordRoot(recordFile: string, fallback: string, exists: (p: string) => boolean): string {
  const dir = path.dirname(path.resolve(fallback, recordFile));
  const runs = RUNS_DIR.split('/');
  const parts = dir.split(path.sep);
  if (parts.slice(-runs.length).join('/') === RUNS_DIR) return parts.slice(0, -runs.length).join(path.sep) || path.sep;
  return commonProjectRoot([], exists, fallback);
}

/** Why a case cannot be replayed (no request in the record, a model that names no provider, ...). */
export class ReplayError extends Error {}

export interface ReplayTarget {
  provider: ProviderId;
  /** The model as the provider knows it (for Azure OpenAI, the deployment). */
  model: string;
  /** Provider-qualified, as a catalogue and `--models` write it (`openai/gpt-4o-mini`). */
  qualified: string;
}

/**
 * Where a replay goes: `--model provider/name` (GitHub Models' names keep their publisher:
 * `github/openai/gpt-4.1`), else the recorded provider and model.
 */
export function replayTarget(recorded: RecordedCase, model?: string): ReplayTarget {
  if (model !== undefined) {
    const provider = providerOfModel(model);
    if (!provider || provider === 'vscode-lm') throw new ReplayError(`--model needs a provider-qualified model, such as openai/gpt-4o-mini, anthropic/claude-sonnet-4-5, googleai/gemini-2.5-flash, vertexai/gemini-2.5-pro, azure-openai/DEPLOYMENT or github/openai/gpt-4.1; got "${model}". Providers: ${PROVIDER_IDS.filter((p) => p !== 'vscode-lm' && p !== 'render').join(', ')}.`);
    const native = model.slice(provider.length + 1);
    if (!native) throw new ReplayError(`--model "${model}" names a provider but no model.`);
    return { provider, model: native, qualified: model };
  }
  const request = requestOf(recorded);
  const provider = recorded.provider as ProviderId | null;
  if (!provider || !(PROVIDER_IDS as readonly string[]).includes(provider)) throw new ReplayError(`The case "${recorded.case}" has no provider in the record; name one with --model provider/name.`);
  const requested = (recorded as { requestedModel?: string | null }).requestedModel;
  const qualified = requested ? (providerOfModel(requested) ? requested : `${provider}/${requested}`) : `${provider}/${request.model}`;
  return { provider, model: request.model, qualified };
}

/** The request a case was recorded with; a record of version 1 (or a case that never rendered) has none. */
export function requestOf(recorded: RecordedCase): CaseRequest {
  const request = recorded.request as CaseRequest | null | undefined;
  if (!request) throw new ReplayError(`The case "${recorded.case}" (${recorded.id}) was recorded without its request (a record of version 1, or the case stopped before its prompt was rendered: ${recorded.reason}). It cannot be replayed exactly: run \`prompt-workbench test\` again to record it.`);
  return request;
}

export interface ReplayOptions extends Pick<RunOptions, 'providerFor' | 'trusted' | 'offline' | 'judge' | 'secrets' | 'signal' | 'javascriptOff' | 'javascriptTimeoutMs' | 'catalogue' | 'models'> {
  /** The record's file name, for `replayOf`. */
  recordName: string;
  /** The case in today's fixture file (its assertions re-run); undefined when it is gone. */
  current?: { suite: TestSuite; testCase: FixtureCase };
  /** The URIs of the case's files (the fixture and the prompt), for the result. */
  fixtureUri: string;
  promptUri: string;
  now?: () => number;
}

export interface ReplayComparison {
  target: ReplayTarget;
  recorded: { status: string; output: string | null; usage?: Usage | null; cost: number | null; latencyMs: number | null; model: string | null };
  replay: CaseResult;
  /** The texts differ. */
  outputChanged: boolean;
  /** Input and output tokens, replay minus recorded (undefined when either side has no usage). */
  tokenDelta: { input?: number; output?: number };
  costDelta?: number;
  latencyDelta?: number;
  /** Assertions whose verdict differs from the record's (matched by type and line). */
  assertionChanges: { type: string; line: number; before?: boolean; after?: boolean }[];
  notes: string[];
}

/** Sends one recorded case's request again and compares the answer with the recorded one. */
export async function replayCase(recorded: RecordedCase, options: ReplayOptions & { model?: string }): Promise<ReplayComparison> {
  const request = requestOf(recorded);
  const target = replayTarget(recorded, options.model);
  const r = (s: string) => redact(s, options.secrets ?? []);
  const notes: string[] = [];
  const rec = recorded as RecordedCase & { requestedModel?: string | null; returnedModel?: string | null; usage?: Usage | null; vars?: Record<string, unknown>; variant?: string; checks?: string | null };
  const base: CaseResult = {
    id: recorded.id,
    caseKey: recorded.caseKey,
    fixtureUri: options.fixtureUri,
    promptUri: options.promptUri,
    fixturePath: recorded.fixture,
    promptPath: recorded.prompt,
    caseName: recorded.case,
    variant: rec.variant,
    checks: options.current ? checksFingerprint(options.current.testCase) : (rec.checks ?? undefined),
    caseLine: recorded.caseLine - 1,
    repeat: recorded.repeat,
    repeats: recorded.repeats,
    status: 'error',
    provider: target.provider,
    requestedModel: target.qualified,
    parameters: request.parameters,
    vars: rec.vars ?? {},
    messages: request.messages,
    cached: false,
    assertions: [],
    reason: '',
    replayOf: { record: options.recordName, id: recorded.id },
  };
  const recordedSide = { status: recorded.status, output: recorded.output, usage: rec.usage, cost: recorded.cost, latencyMs: recorded.latencyMs, model: rec.returnedModel ?? null };
  const done = (replay: CaseResult): ReplayComparison => compare(target, recordedSide, replay, recorded, notes);
  const newRequest: CaseRequest = { ...request, model: target.model, sent: null };
  base.request = newRequest;
  if (options.offline && target.provider !== 'render') return done({ ...base, status: 'skipped', reason: `Skipped: ${options.offline.reason} (this replay goes to ${target.provider}).` });
  if (!options.current) notes.push(`The case is no longer in ${recorded.fixture}: its assertions were not run on the new answer.`);
  else if (rec.checks && checksFingerprint(options.current.testCase) !== rec.checks) notes.push(`The case's assertions changed in ${recorded.fixture} since the record: today's ran on the new answer.`);
  if (target.provider !== recorded.provider || target.model !== request.model) notes.push(`Sent to ${target.qualified} instead of the recorded ${recorded.provider}/${request.model}.`);

  let provider: Provider;
  let reply: ModelReply;
  let latencyMs: number;
  const providers = new Map<ProviderId, Provider>();
  const providerFor = (id: ProviderId) => {
    let p = providers.get(id);
    if (!p) providers.set(id, (p = options.providerFor(id)));
    return p;
  };
  try {
    provider = providerFor(target.provider);
    base.endpoint = provider.endpoint;
    await provider.prepare?.();
    const t = performance.now();
    // The tool definitions as sent (older records name tools only, and sent none).
    const tools = request.tools.filter((t): t is ToolDefinition => typeof t === 'object');
    reply = await provider.call({ model: target.model, messages: request.messages, parameters: request.parameters, output: request.output ?? undefined, signal: options.signal, ...(tools.length ? { tools } : {}), ...(request.logprobs ? { logprobs: true } : {}) });
    latencyMs = performance.now() - t;
  } catch (e) {
    const err = e instanceof ProviderError ? e : new ProviderError('bad-response', (e as Error).message ?? String(e), target.provider);
    return done({ ...base, status: 'error', reason: r(err.message), error: { kind: err.kind, message: r(err.message) } });
  }
  newRequest.sent = reply.sent ?? null;
  const answered = { ...base, returnedModel: reply.model, usage: reply.usage, latencyMs, firstTokenMs: reply.firstTokenMs, finishReason: reply.finishReason };
  if (!options.current) {
    const output = r(reply.output);
    return done({ ...answered, output, status: 'skipped', reason: `Not judged: the case is no longer in ${recorded.fixture}.` });
  }
  const catalogue = mergeCatalogue(options.catalogue);
  const judge = async (req: { messages: { role: string; text: string }[]; provider?: string; model?: string; parameters?: Record<string, unknown> }): Promise<ModelReply> => {
    const judgeProvider = (req.provider ?? options.judge?.provider ?? target.provider) as ProviderId;
    if (judgeProvider === 'render') throw new ProviderError('config', '`llm-rubric` needs a model to judge, and the `render` provider has none. Name one on the assertion (`provider`, `model`) or with --judge-provider / --judge-model.', 'render');
    const judgeModel = req.model ?? options.judge?.model ?? target.qualified;
    const mapped = options.models?.[judgeModel] ?? judgeModel;
    const native = mapped.startsWith(`${judgeProvider}/`) ? mapped.slice(judgeProvider.length + 1) : mapped;
    return providerFor(judgeProvider).call({ model: native, messages: req.messages, parameters: req.parameters ?? { temperature: 0 }, signal: options.signal });
  };
  // `similar` embeds through the same providers (no cache: a replay asks again).
  const embed = async (req: { texts: string[]; provider?: string; model?: string }) => {
    const id = (req.provider ?? target.provider) as ProviderId;
    const p = providerFor(id);
    const model = req.model ?? DEFAULT_EMBEDDING_MODELS[id];
    if (!p.embed || !model) throw new ProviderError('unavailable', `${id} has no embeddings endpoint or default embedding model: name \`provider\` and \`model\` on the \`similar\` assertion.`, id);
    const mapped = options.models?.[model] ?? model;
    const native = mapped.startsWith(`${id}/`) ? mapped.slice(id.length + 1) : mapped;
    await p.prepare?.();
    const out = await p.embed({ model: native, texts: req.texts, signal: options.signal });
    return { ...out, provider: id, model: out.model ?? native };
  };
  const sentTools = request.tools.filter((t): t is ToolDefinition => typeof t === 'object');
  const checked = await checkAnswer(
    options.current.testCase,
    { suite: options.current.suite, providerId: target.provider, requestedModel: target.qualified, vars: base.vars, reply, latencyMs, outputSchema: request.output?.schema, catalogue, judge, embed, messages: request.messages, tools: sentTools },
    options,
  );
  return done({ ...answered, ...checked });
}

function compare(target: ReplayTarget, recorded: ReplayComparison['recorded'], replay: CaseResult, rc: RecordedCase, notes: string[]): ReplayComparison {
  const d = (a: number | null | undefined, b: number | null | undefined) => (a === undefined || a === null || b === undefined || b === null ? undefined : b - a);
  const before = new Map(rc.assertions.map((a) => [`${a.type}:${a.line}`, a.pass]));
  const after = new Map(replay.assertions.map((a) => [`${a.type}:${a.line + 1}`, a.pass]));
  const assertionChanges: ReplayComparison['assertionChanges'] = [];
  for (const key of new Set([...before.keys(), ...after.keys()])) {
    if (before.get(key) === after.get(key)) continue;
    const i = key.lastIndexOf(':');
    assertionChanges.push({ type: key.slice(0, i), line: Number(key.slice(i + 1)), before: before.get(key), after: after.get(key) });
  }
  return {
    target,
    recorded,
    replay,
    outputChanged: replay.output !== undefined && (recorded.output ?? '') !== replay.output,
    tokenDelta: { input: d(recorded.usage?.inputTokens, replay.usage?.inputTokens), output: d(recorded.usage?.outputTokens, replay.usage?.outputTokens) },
    costDelta: d(recorded.cost, replay.cost),
    latencyDelta: d(recorded.latencyMs, replay.latencyMs),
    assertionChanges,
    notes,
  };
}
