// What the Test Explorer says about a result, as plain text and data: the test output, the failure
// messages and where they point, the "Debug output" document, and the action offered for a
// provider problem. reporting.ts hands them to the Testing API.
import type { CaseResult, ProviderErrorKind, RecordedCase } from '../../../server/src/service/testing';

/** A TestMessage to be: a diff when both sides are known; `line` (zero-based, in the fixture file) when it points somewhere. */
export interface FailureMessage {
  text: string;
  expected?: string;
  actual?: string;
  line?: number;
}

/** The terminal output of one result (the Testing API's output wants CRLF). */
export function resultOutput(r: CaseResult): string {
  const facts = [r.provider, r.returnedModel ?? r.requestedModel, r.latencyMs !== undefined ? `${Math.round(r.latencyMs)} ms` : undefined, r.usage ? `${r.usage.inputTokens ?? '?'} in / ${r.usage.outputTokens ?? '?'} out tokens` : undefined, r.cost !== undefined ? `$${r.cost.toPrecision(3)}` : undefined, r.cached ? 'from the cache' : undefined].filter(Boolean);
  const title = `${r.caseName}${r.variant !== undefined ? ` [${r.variant}]` : ''}${r.repeats > 1 ? ` (run ${r.repeat} of ${r.repeats})` : ''}`;
  const lines = [`── ${title} ── ${r.status.toUpperCase()} · ${facts.join(' · ')}`];
  if (r.status === 'skipped' && r.reason) lines.push(r.reason);
  if (r.output !== undefined) lines.push(r.output);
  for (const a of r.assertions) lines.push(`${a.pass ? '✓' : a.error ? '!' : a.skipped ? '-' : '✗'} ${a.type} (line ${a.line + 1}): ${a.reason}`);
  return lines.join('\r\n').replace(/\r?\n/g, '\r\n') + '\r\n\r\n';
}

/** The messages of a failed or errored result: each failing assertion at its line, else the reason at the case. */
export function failureMessages(r: CaseResult): FailureMessage[] {
  if (r.status === 'error') return [{ text: r.reason, line: r.error?.line ?? r.caseLine }];
  const messages: FailureMessage[] = r.assertions
    .filter((a) => !a.pass && a.weight > 0)
    .map((a) => (a.expected !== undefined && a.actual !== undefined ? { text: `${a.type}: ${a.reason}`, expected: a.expected, actual: a.actual, line: a.line } : { text: `${a.type}: ${a.reason}`, line: a.line }));
  return messages.length ? messages : [{ text: r.reason, line: r.caseLine }];
}

/**
 * One item's verdict over the results of its variants (a matrix run reports every variant of a
 * case to the case's item): failed when one failed, else errored when one errored, else passed
 * when one passed, else skipped; the messages of the variants that did not pass, each prefixed
 * with its variant's label.
 */
export function variantsVerdict(results: readonly CaseResult[]): { status: CaseResult['status']; messages: FailureMessage[] } {
  const has = (s: CaseResult['status']) => results.some((r) => r.status === s);
  const status = has('failed') ? 'failed' : has('error') ? 'error' : has('passed') ? 'passed' : 'skipped';
  const messages = results
    .filter((r) => r.status === 'failed' || r.status === 'error')
    .flatMap((r) => failureMessages(r).map((m) => ({ ...m, text: r.variant !== undefined ? `[${r.variant}] ${m.text}` : m.text })));
  return { status, messages };
}

/** The Markdown document "Debug output" opens beside the editor. */
export function debugMarkdown(r: CaseResult): string {
  const parts = [`# ${r.caseName}${r.repeats > 1 ? ` (run ${r.repeat} of ${r.repeats})` : ''}: ${r.status}`, '', r.reason, ''];
  parts.push('## Rendered prompt', '');
  for (const m of r.messages ?? []) parts.push(`### ${m.role}`, '', m.text.trim(), '');
  parts.push('## Answer', '', `Provider ${r.provider ?? '-'}, model ${r.returnedModel ?? r.requestedModel ?? '-'}${r.latencyMs !== undefined ? `, ${Math.round(r.latencyMs)} ms` : ''}${r.cached ? ' (from the cache)' : ''}`, '', '```', r.output ?? '(none)', '```', '', '## Assertions', '');
  for (const a of r.assertions) parts.push(`- ${a.pass ? 'pass' : a.error || a.skipped ? 'not run' : 'FAIL'} \`${a.type}\` (line ${a.line + 1}): ${a.reason}${a.reasoning ? `\n  Judge: ${a.reasoning}` : ''}`);
  parts.push('', '## Values', '', '```json', JSON.stringify(r.vars, null, 2), '```');
  return parts.join('\n');
}

/** The kinds of provider problem that get a notification after the run (one per kind). */
const ANNOUNCED: readonly string[] = ['no-key', 'auth', 'unreachable', 'rate-limited', 'timeout', 'bad-response', 'model', 'unavailable'] satisfies ProviderErrorKind[];

export function isAnnounced(r: CaseResult): r is CaseResult & { error: NonNullable<CaseResult['error']> } {
  return !!r.error && ANNOUNCED.includes(r.error.kind);
}

export type ProblemAction = { button: 'Set API Key'; provider: 'openai' | 'anthropic' | 'azure-openai' | 'googleai' | 'github' } | { button: 'Open Settings'; setting: string } | { button?: undefined };

/** The button of a problem's notification (none: a warning only). */
export function problemAction(r: CaseResult): ProblemAction {
  const kind = r.error?.kind;
  // Vertex AI has no key: its credentials and project are settings and the machine's sign-in.
  if (r.provider === 'vertexai') {
    if (kind === 'no-key' || kind === 'auth' || kind === 'config') return { button: 'Open Settings', setting: 'promptWorkbench.providers.vertexai.project' };
    if (kind === 'unreachable' || kind === 'model') return { button: 'Open Settings', setting: 'promptWorkbench.providers.vertexai.baseUrl' };
    return {};
  }
  const provider = r.provider === 'anthropic' || r.provider === 'googleai' || r.provider === 'github' ? r.provider : 'openai';
  if (kind === 'no-key' || kind === 'auth') return { button: 'Set API Key', provider };
  if (kind === 'unreachable' || kind === 'model') return { button: 'Open Settings', setting: `promptWorkbench.providers.${provider === 'googleai' ? 'gemini' : provider}.baseUrl` };
  return {};
}

/** The terminal output of a recorded case replayed from a run record. */
export function recordedOutput(c: RecordedCase): string {
  return `── ${c.case} ── ${c.status.toUpperCase()} · ${c.provider ?? '-'} · ${c.latencyMs ?? '-'} ms\r\n${(c.output ?? '').replace(/\r?\n/g, '\r\n')}\r\n`;
}

/** A recorded failure's messages (records keep one-based lines); the reason alone, unplaced, when no assertion failed. */
export function recordedFailureMessages(c: RecordedCase): FailureMessage[] {
  const messages = c.assertions.filter((a) => !a.pass && a.weight > 0).map((a) => (a.expected !== null && a.actual !== null ? { text: `${a.type}: ${a.reason}`, expected: a.expected, actual: a.actual, line: a.line - 1 } : { text: `${a.type}: ${a.reason}`, line: a.line - 1 }));
  return messages.length ? messages : [{ text: c.reason }];
}
