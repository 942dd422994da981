// Run records: one JSON Lines file per run (a `run` header line, then one `case` line per result),
// written atomically through the FileStore when the run has finished, never after a cancel. Every
// line is redacted against the secrets in use. Readable back for "Open Test Run Record".
import { createHash, randomBytes } from 'node:crypto';
import { z } from 'zod';
import { redact } from './redact';
import type { CaseResult, RunSummary } from './runner';
import type { FileStore } from './store';

export const RECORD_VERSION = 1;

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
        output: r.output ?? null,
        usage: r.usage ?? null,
        latencyMs: r.latencyMs === undefined ? null : Math.round(r.latencyMs),
        firstTokenMs: r.firstTokenMs === undefined ? null : Math.round(r.firstTokenMs),
        cost: r.cost ?? null,
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
});
const RunLine = z.looseObject({ type: z.literal('run'), version: z.number(), startedAt: z.string(), finishedAt: z.string(), counts: z.record(z.string(), z.number()) });

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
