// Run records of one prompt over three versions and ten runs, written as `prompt-workbench test`
// writes them, for the Prompt Trends view's end-to-end scenario and the HTML report's picture:
// version 1 (runs 1-3), version 2 (runs 4-8: at run 8 the model's snapshot changed and the same
// text passed 4 of 10, drift), version 3 (runs 9-10). Deterministic: no clock, no randomness.
import { mkdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';

export const TREND_PROMPT = 'summarize.prompt';
export const TREND_VERSIONS = [
  { hash: '1a'.repeat(32), commit: '3f2c9e1d0b8a7c6e5f4d3c2b1a09f8e7d6c5b4a3' },
  { hash: '2b'.repeat(32), commit: '7d41c0aa9e8f7d6c5b4a39281706f5e4d3c2b1a0' },
  { hash: '3c'.repeat(32), commit: 'c9b8a7f6e5d4c3b2a1908f7e6d5c4b3a29180716' },
];
/** Per run: version index, passes out of 10, the answering model, base latency (ms). */
export const TREND_RUNS = [
  { v: 0, passed: 9, model: 'gpt-4o-mini-2024-07-18', latency: 820 },
  { v: 0, passed: 8, model: 'gpt-4o-mini-2024-07-18', latency: 790 },
  { v: 0, passed: 9, model: 'gpt-4o-mini-2024-07-18', latency: 860 },
  { v: 1, passed: 10, model: 'gpt-4o-mini-2024-07-18', latency: 610 },
  { v: 1, passed: 10, model: 'gpt-4o-mini-2024-07-18', latency: 640 },
  { v: 1, passed: 9, model: 'gpt-4o-mini-2024-07-18', latency: 600 },
  { v: 1, passed: 10, model: 'gpt-4o-mini-2024-07-18', latency: 630 },
  { v: 1, passed: 4, model: 'gpt-4o-mini-2024-12-17', latency: 540 },
  { v: 2, passed: 10, model: 'gpt-4o-mini-2024-12-17', latency: 520 },
  { v: 2, passed: 9, model: 'gpt-4o-mini-2024-12-17', latency: 560 },
];
export const CASES_PER_RUN = 10;

/** Writes the ten records into `<dir>/.prompt-workbench/runs/`; returns the folder. */
export function writeTrendRecords(dir: string): string {
  const runs = path.join(dir, '.prompt-workbench', 'runs');
  mkdirSync(runs, { recursive: true });
  TREND_RUNS.forEach((r, i) => {
    const day = String(i + 1).padStart(2, '0');
    const startedAt = `2026-11-${day}T09:00:00.000Z`;
    const version = TREND_VERSIONS[r.v];
    const cases = Array.from({ length: CASES_PER_RUN }, (_, k) => {
      const pass = k < r.passed;
      const latencyMs = r.latency + k * 37 + (i % 3) * 11;
      return {
        type: 'case',
        id: `summarize.tests.yaml#case ${k + 1}`,
        caseKey: `summarize.tests.yaml#case ${k + 1}`,
        fixture: 'summarize.tests.yaml',
        prompt: TREND_PROMPT,
        promptHash: version.hash,
        gitCommit: version.commit,
        gitDirty: false,
        case: `case ${k + 1}`,
        caseLine: 3 + k * 6,
        repeat: 1,
        repeats: 1,
        status: pass ? 'passed' : 'failed',
        provider: 'openai',
        endpoint: null,
        requestedModel: 'openai/gpt-4o-mini',
        returnedModel: r.model,
        parameters: { temperature: 0.2 },
        vars: { text: `Article ${k + 1}` },
        output: pass ? 'A short summary.' : 'I cannot summarize this.',
        usage: { inputTokens: 400 + 20 * r.v, outputTokens: 60 - 8 * r.v },
        latencyMs,
        firstTokenMs: null,
        cost: Number((((400 + 20 * r.v) * 0.15 + (60 - 8 * r.v) * 0.6) / 1e6).toFixed(8)),
        cached: false,
        score: pass ? 1 : 0.25,
        reason: pass ? 'All assertions passed.' : '1 of 2 assertions failed.',
        error: null,
        checks: 'f'.repeat(64),
        assertions: [{ type: 'contains', pass, score: pass ? 1 : 0, weight: 1, reason: pass ? 'ok' : 'The output does not contain "summary".', expected: 'summary', actual: null, reasoning: null, error: false, line: 6 + k * 6 }],
      };
    });
    const passed = r.passed;
    const header = { type: 'run', version: 1, tool: 'prompt-workbench', toolVersion: '0.1.0', origin: 'cli', startedAt, finishedAt: startedAt.replace('09:00:00', '09:01:00'), durationMs: 60000, counts: { passed, failed: CASES_PER_RUN - passed, error: 0, skipped: 0 }, cache: null };
    writeFileSync(path.join(runs, `run-2026-11-${day}T09-00-00-000Z-00000${i}.jsonl`), [header, ...cases].map((x) => JSON.stringify(x)).join('\n') + '\n');
  });
  return runs;
}
