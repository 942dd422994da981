// Run records: one JSON Lines file per run (a `run` header line, then one `case` line per result),
// written atomically through the FileStore when the run has finished, never after a cancel. Every
// line is redacted against the secrets in use. Readable back for "Open Test Run Record", `replay`,
// `diff --runs` and the history comparisons. The format is versioned (`version` in the header) and
// described by `schemas/run-record.schema.json`, generated from the zod schemas below; records of
// older versions still load (their missing fields are absent).
import { createHash, randomBytes } from 'node:crypto';
import { z } from 'zod';
import { redact } from './redact';
import type { CaseResult, RunSummary } from './runner';
import type { FileStore } from './store';

/**
 * The record format's version, in every header line. 1: verdicts, outputs, parameters, values.
 * 2: each case also holds its request as sent (`request`: rendered messages, parameters, output
 * format and schema, tools, the SDK's wire body) and the answer's `finishReason`; a replay's
 * header and cases say what they replay (`replayOf`).
 */
export const RECORD_VERSION = 2;

export interface GitInfo {
  commit?: string;
  /** The file differs from that commit (or is not committed). */
  dirty?: boolean;
}

export interface RunMeta {
  tool: string;
  toolVersion: string;
  /** The run's default provider, when one was chosen. */
  provider?: string;
  /** Where the run was started: `editor` or `cli`. */
  origin: 'editor' | 'cli';
  /** A replay: the record file it sent again (its name) and that run's start. */
  replayOf?: { record: string; startedAt?: string };
}

export interface PromptInfo {
  /** sha256 of the prompt file's text when it ran. */
  hash: string;
  git?: GitInfo;
}

export function contentHash(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/**
 * A fingerprint of what decides a case's verdict besides the model's output: its assertions (type,
 * value, weight, options) and threshold. A recorded result is reused only while it is unchanged.
 */
export function checksFingerprint(c: { assert: readonly { type: string; value: unknown; weight: number; threshold?: number; flags?: string; provider?: string; model?: string }[]; threshold?: number }): string {
  const spec = c.assert.map((a) => [a.type, a.value ?? null, a.weight, a.threshold ?? null, a.flags ?? null, a.provider ?? null, a.model ?? null]);
  return contentHash(JSON.stringify([spec, c.threshold ?? null]));
}

export function recordFileName(startedAt: string): string {
  return `run-${startedAt.replace(/[:.]/g, '-')}-${randomBytes(3).toString('hex')}.jsonl`;
}

export function recordLines(summary: RunSummary, meta: RunMeta, promptInfo: (promptUri: string) => PromptInfo | undefined): string[] {
  const header = { type: 'run', version: RECORD_VERSION, ...meta, startedAt: summary.startedAt, finishedAt: summary.finishedAt, durationMs: Math.round(summary.durationMs), counts: summary.counts, cache: summary.cache ?? null };
  const lines = [JSON.stringify(header)];
  for (const r of summary.results) {
    const info = promptInfo(r.promptUri);
    lines.push(
      JSON.stringify({
        type: 'case',
        id: r.id,
        caseKey: r.caseKey,
        fixture: r.fixturePath,
        prompt: r.promptPath,
        // A prompt variant that is a git revision ran that commit's text: its own hash and commit.
        promptHash: r.promptHash ?? info?.hash ?? null,
        gitCommit: r.promptCommit ?? info?.git?.commit ?? null,
        gitDirty: r.promptCommit ? false : (info?.git?.dirty ?? null),
        case: r.caseName,
        ...(r.variant !== undefined ? { variant: r.variant } : {}),
        ...(r.promptVariant !== undefined ? { promptVariant: r.promptVariant } : {}),
        caseLine: r.caseLine + 1,
        repeat: r.repeat,
        repeats: r.repeats,
        status: r.status,
        provider: r.provider ?? null,
        endpoint: r.endpoint ?? null,
        requestedModel: r.requestedModel ?? null,
        returnedModel: r.returnedModel ?? null,
        parameters: r.parameters,
        vars: r.vars,
        ...(r.replayOf ? { replayOf: r.replayOf } : {}),
        request: r.request ? { ...r.request, output: r.request.output ?? null } : null,
        output: r.output ?? null,
        finishReason: r.finishReason ?? null,
        usage: r.usage ?? null,
        latencyMs: r.latencyMs === undefined ? null : Math.round(r.latencyMs),
        firstTokenMs: r.firstTokenMs === undefined ? null : Math.round(r.firstTokenMs),
        cost: r.cost ?? null,
        ...(r.assertionCost !== undefined ? { assertionCost: r.assertionCost } : {}),
        cached: r.cached,
        score: r.score ?? null,
        reason: r.reason,
        error: r.error ?? null,
        checks: r.checks ?? null,
        assertions: r.assertions.map((a) => ({ type: a.type, pass: a.pass, score: a.score, weight: a.weight, reason: a.reason, expected: a.expected ?? null, actual: a.actual ?? null, reasoning: a.reasoning ?? null, error: a.error ?? false, line: a.line + 1 })),
      }),
    );
  }
  return lines;
}

/** Writes the record of a finished run; returns the file name. A cancelled run writes nothing. */
export async function writeRunRecord(store: FileStore, summary: RunSummary, meta: RunMeta, promptInfo: (promptUri: string) => PromptInfo | undefined, secrets: readonly (string | undefined)[] = []): Promise<string | undefined> {
  if (summary.cancelled) return undefined;
  const name = recordFileName(summary.startedAt);
  await store.writeAtomic(name, redact(recordLines(summary, meta, promptInfo).join('\n') + '\n', secrets));
  return name;
}

const AssertionLine = z.object({ type: z.string(), pass: z.boolean(), score: z.number(), weight: z.number(), reason: z.string(), expected: z.string().nullable(), actual: z.string().nullable(), reasoning: z.string().nullable(), error: z.boolean(), line: z.number() });
const Message = z.object({ role: z.string().describe('Dotprompt\'s role: system, user, model, tool.'), text: z.string().describe('The rendered text of the message.') });
const Usage = z.object({ inputTokens: z.number().optional(), outputTokens: z.number().optional() });
const SentRequest = z.object({
  method: z.string(),
  url: z.string().describe('Where the request went; credentials in the query are removed.'),
  body: z.unknown().describe('The JSON body exactly as the provider SDK sent it. Headers (keys, tokens) are never recorded.'),
});
const CaseRequestLine = z.object({
  model: z.string().describe('The model as the provider knows it (no `openai/` prefix); for Azure OpenAI the deployment.'),
  messages: z.array(Message).describe('The rendered messages given to the provider adapter.'),
  parameters: z.record(z.string(), z.unknown()).describe('Every model parameter, in the providers\' shared vocabulary (`maxOutputTokens`, `stopSequences`, ...).'),
  output: z.object({ format: z.string().optional(), schema: z.record(z.string(), z.unknown()).optional() }).nullable().describe('The output format asked for, and its JSON Schema.'),
  tools: z
    .array(z.union([z.string(), z.object({ name: z.string(), description: z.string().optional(), parameters: z.record(z.string(), z.unknown()) })]))
    .describe('The tools sent with the request: the definitions from the fixture file\'s `tools:` (name, description, arguments as JSON Schema). Records written before tools were sent hold the names the prompt declares.'),
  logprobs: z.boolean().optional().describe('Log probabilities were asked for (a `perplexity` check).'),
  sent: SentRequest.nullable().describe('The request on the wire (HTTP providers); null for render and vscode-lm, and when the call failed before sending.'),
});
const ReplayOf = z.object({ record: z.string().describe('The file name of the record replayed.'), id: z.string().describe('The id of the case replayed in it.') });

// What is read back: lenient, so records of every version load (version 1 has no request).
const CaseLine = z.looseObject({
  type: z.literal('case'),
  id: z.string(),
  caseKey: z.string(),
  fixture: z.string(),
  prompt: z.string(),
  case: z.string(),
  caseLine: z.number(),
  repeat: z.number(),
  repeats: z.number(),
  status: z.enum(['passed', 'failed', 'error', 'skipped']),
  provider: z.string().nullable(),
  output: z.string().nullable(),
  latencyMs: z.number().nullable(),
  cost: z.number().nullable(),
  reason: z.string(),
  assertions: z.array(AssertionLine),
  request: CaseRequestLine.nullable().optional(),
  replayOf: ReplayOf.optional(),
});
const RunLine = z.looseObject({ type: z.literal('run'), version: z.number(), startedAt: z.string(), finishedAt: z.string(), counts: z.record(z.string(), z.number()), replayOf: z.object({ record: z.string(), startedAt: z.string().optional() }).optional() });

// What version RECORD_VERSION writes, every field: the source of schemas/run-record.schema.json.
const nullable = <T extends z.ZodType>(t: T) => t.nullable();
const RunHeaderSchema = z
  .object({
    type: z.literal('run'),
    version: z.number().int().describe('The record format\'s version (2). Version 1 records have no `request` in their cases.'),
    tool: z.string(),
    toolVersion: z.string(),
    provider: z.string().optional().describe('The run\'s default provider, when one was chosen.'),
    origin: z.enum(['editor', 'cli']),
    replayOf: z.object({ record: z.string(), startedAt: z.string().optional() }).optional().describe('A replay: the record it sent again.'),
    startedAt: z.string().describe('ISO 8601.'),
    finishedAt: z.string(),
    durationMs: z.number(),
    counts: z.object({ passed: z.number(), failed: z.number(), error: z.number(), skipped: z.number() }),
    cache: nullable(z.object({ hits: z.number(), misses: z.number(), writes: z.number() })),
  })
  .describe('The first line of a record: the run.');
const CaseRecordSchema = z
  .object({
    type: z.literal('case'),
    id: z.string().describe('`fixture path#case name`, `@variant` and `#repeat` when there are several.'),
    caseKey: z.string(),
    fixture: z.string().describe('The fixture file, relative to the project root.'),
    prompt: z.string().describe('The prompt file, relative to the project root.'),
    promptHash: nullable(z.string()).describe('sha256 of the prompt file\'s text when it ran.'),
    gitCommit: nullable(z.string()),
    gitDirty: nullable(z.boolean()),
    case: z.string(),
    variant: z.string().optional(),
    caseLine: z.number().int().describe('1-based line of the case in the fixture file.'),
    repeat: z.number().int(),
    repeats: z.number().int(),
    status: z.enum(['passed', 'failed', 'error', 'skipped']),
    provider: nullable(z.string()),
    endpoint: nullable(z.string()),
    requestedModel: nullable(z.string()),
    returnedModel: nullable(z.string()).describe('The model that answered, as the API reported it (a snapshot name).'),
    parameters: z.record(z.string(), z.unknown()),
    vars: z.record(z.string(), z.unknown()),
    replayOf: ReplayOf.optional(),
    request: CaseRequestLine.nullable().describe('The request as sent; null when the case did not get as far as rendering.'),
    output: nullable(z.string()).describe('The answer\'s text.'),
    finishReason: nullable(z.string()).describe('Why the model stopped, in the API\'s words.'),
    usage: nullable(Usage),
    latencyMs: nullable(z.number()),
    firstTokenMs: nullable(z.number()).describe('Streaming only: time to the first token.'),
    cost: nullable(z.number()).describe('US dollars, from the model catalogue.'),
    cached: z.boolean(),
    score: nullable(z.number()),
    reason: z.string(),
    error: nullable(z.object({ kind: z.string(), message: z.string(), line: z.number().optional() })),
    checks: nullable(z.string()),
    assertions: z.array(AssertionLine),
  })
  .describe('One line per case result.');

/** The JSON Schema of one line of a run record (`schemas/run-record.schema.json`, `prompt-workbench schema run-record`). */
export function runRecordJsonSchema(): Record<string, unknown> {
  const schema = z.toJSONSchema(z.union([RunHeaderSchema, CaseRecordSchema]), { target: 'draft-2020-12', unrepresentable: 'any' }) as Record<string, unknown>;
  return {
    $schema: schema.$schema,
    $id: 'https://github.com/prompt-workbench/prompt-workbench/schemas/run-record.schema.json',
    title: `Prompt Workbench run record, version ${RECORD_VERSION} (one JSON object per line: a run header, then the cases)`,
    ...Object.fromEntries(Object.entries(schema).filter(([k]) => k !== '$schema')),
  };
}

export type RecordedCase = z.infer<typeof CaseLine>;
export type RecordedRun = z.infer<typeof RunLine>;

/** Reads a record file back; each bad line is a problem with its line number, never an exception. */
export function parseRunRecord(text: string): { run?: RecordedRun; cases: RecordedCase[]; problems: string[] } {
  const cases: RecordedCase[] = [];
  const problems: string[] = [];
  let run: RecordedRun | undefined;
  text.split(/\r?\n/).forEach((line, i) => {
    if (!line.trim()) return;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      problems.push(`Line ${i + 1} is not JSON.`);
      return;
    }
    const type = (value as { type?: unknown })?.type;
    const parsed = type === 'run' ? RunLine.safeParse(value) : CaseLine.safeParse(value);
    if (!parsed.success) {
      problems.push(`Line ${i + 1} is not a ${type === 'run' ? 'run header' : 'case result'}: ${parsed.error.issues.map((x) => `${x.path.join('.') || '(line)'} ${x.message}`).slice(0, 3).join('; ')}.`);
      return;
    }
    if (parsed.data.type === 'run') run = parsed.data as RecordedRun;
    else cases.push(parsed.data as RecordedCase);
  });
  if (!run) problems.unshift('The file has no run header line: is it a Prompt Workbench run record?');
  return { run, cases, problems };
}
