// The editor's "Replay Case from Run Record…" logic without VS Code, and the replay engine's
// target: which recorded cases can be replayed, the case behind a Test Explorer item, where a
// replay goes (the recorded or a provider-qualified model), and the root a record's paths hang off.
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { test } from 'node:test';
import { parseRunRecord, type RecordedCase } from '../../server/src/service/testing';
import { recordRoot, ReplayError, replayTarget } from '../../server/src/service/testing/replay';
import type { ReplayComparison } from '../../server/src/service/testing/replay';
import { caseOfItem, casePickItem, replayableCases, replaySummary } from '../../client/src/testing/replayModel';

const REQUEST = { model: 'gpt-4o-mini', messages: [{ role: 'user', text: 'Hi' }], parameters: { temperature: 0 }, output: null, tools: [], sent: null };
function line(id: string, extra: Record<string, unknown> = {}): string {
  return JSON.stringify({ type: 'case', id, caseKey: id.replace(/#\d+$/, ''), fixture: 'evals/a.tests.yaml', prompt: 'evals/a.prompt', case: id.split('#')[1], caseLine: 4, repeat: /#\d+$/.test(id) ? 2 : 1, repeats: /#\d+$/.test(id) ? 2 : 1, status: 'passed', provider: 'openai', requestedModel: 'openai/gpt-4o-mini', output: 'Hello there', latencyMs: 10, cost: null, reason: 'ok', assertions: [], request: REQUEST, ...extra });
}
const record = parseRunRecord(
  [
    '{"type":"run","version":2,"tool":"prompt-workbench","toolVersion":"0.1.0","origin":"cli","startedAt":"2026-12-01T10:00:00.000Z","finishedAt":"2026-12-01T10:00:01.000Z","durationMs":1000,"counts":{"passed":3,"failed":0,"error":0,"skipped":0},"cache":null}',
    line('evals/a.tests.yaml#greets'),
    line('evals/a.tests.yaml#greets#2'),
    line('evals/a.tests.yaml#offline', { status: 'skipped', request: null, output: null, reason: 'Skipped: offline' }),
  ].join('\n'),
);

test('only cases that hold their request can be replayed; a Test Explorer item finds its case', () => {
  assert.deepEqual(record.problems, []);
  assert.deepEqual(replayableCases(record.cases).map((c) => c.id), ['evals/a.tests.yaml#greets', 'evals/a.tests.yaml#greets#2']);
  assert.equal(caseOfItem(record.cases, 'file:///w/evals/a.tests.yaml#greets#2')?.id, 'evals/a.tests.yaml#greets#2');
  assert.equal(caseOfItem(record.cases, 'file:///w/evals/a.tests.yaml#greets')?.id, 'evals/a.tests.yaml#greets');
  assert.equal(caseOfItem(record.cases, 'file:///w/evals/a.tests.yaml#other'), undefined);
  assert.deepEqual(casePickItem(record.cases[1]), { label: 'greets [2/2]', description: 'passed · openai · openai/gpt-4o-mini', detail: 'Hello there' });
});

test('a replay goes to the recorded model, or to a provider-qualified one; anything else is refused with the reason', () => {
  const c = record.cases[0] as RecordedCase;
  assert.deepEqual(replayTarget(c), { provider: 'openai', model: 'gpt-4o-mini', qualified: 'openai/gpt-4o-mini' });
  assert.deepEqual(replayTarget(c, 'anthropic/claude-sonnet-4-5'), { provider: 'anthropic', model: 'claude-sonnet-4-5', qualified: 'anthropic/claude-sonnet-4-5' });
  assert.deepEqual(replayTarget(c, 'github/openai/gpt-4.1'), { provider: 'github', model: 'openai/gpt-4.1', qualified: 'github/openai/gpt-4.1' });
  assert.throws(() => replayTarget(c, 'gpt-4o'), (e: Error) => e instanceof ReplayError && /provider-qualified/.test(e.message));
  assert.throws(() => replayTarget(c, 'openai/'), /names a provider but no model/);
  assert.throws(() => replayTarget(record.cases[2]), (e: Error) => e instanceof ReplayError && /recorded without its request.*run `prompt-workbench test` again/.test(e.message));
});

test("a record's paths hang off the folder holding .prompt-workbench/runs, else the fallback's project root", () => {
  const root = path.join(path.sep, 'w', 'proj');
  assert.equal(recordRoot(path.join(root, '.prompt-workbench', 'runs', 'run-1.jsonl'), path.sep, () => false), root);
  assert.equal(recordRoot(path.join(path.sep, 'tmp', 'r.jsonl'), root, (p) => p === path.join(root, 'prompt-workbench.yaml')), root);
});

/** A replay of "greets" on openai/gpt-4o-mini that failed where the record passed. */
function comparison(extra: Partial<ReplayComparison> = {}): ReplayComparison {
  return {
    target: { provider: 'openai', model: 'gpt-4o-mini', qualified: 'openai/gpt-4o-mini' },
    recorded: { status: 'passed', output: 'Hello Ada', usage: { inputTokens: 10, outputTokens: 5 }, cost: 0.0000045, latencyMs: 100, model: 'gpt-4o-mini' },
    replay: { caseName: 'greets', status: 'failed', reason: 'icontains failed', output: 'Good morning', usage: { inputTokens: 10, outputTokens: 4 }, cost: 0.0000035, assertions: [] } as unknown as ReplayComparison['replay'],
    outputChanged: true,
    tokenDelta: { input: 0, output: -1 },
    costDelta: -0.000001,
    assertionChanges: [{ type: 'icontains', line: 9, before: true, after: false }],
    notes: [],
    ...extra,
  };
}

test("the replay's notification names the verdict change, what changed and the new record", () => {
  assert.equal(
    replaySummary(comparison(), '.prompt-workbench/runs/run-b.jsonl'),
    'Replay of "greets" on openai/gpt-4o-mini: passed → failed; the answer changed; output tokens 5 → 4; cost -$0.000001; icontains (line 9) pass → fail. Record: .prompt-workbench/runs/run-b.jsonl',
  );
});

test("an assertion added or removed since the record has no verdict on that side, and the engine's notes are shown", () => {
  const text = replaySummary(comparison({
    assertionChanges: [{ type: 'icontains', line: 9, before: true, after: false }, { type: 'equals', line: 11, before: undefined, after: false }, { type: 'contains', line: 12, before: true, after: undefined }],
    notes: ["The case's assertions changed in evals/a.tests.yaml since the record: today's ran on the new answer."],
  }));
  assert.match(text, /; equals \(line 11\) \(none\) → fail; contains \(line 12\) pass → \(none\)\./);
  assert.ok(text.endsWith(". The case's assertions changed in evals/a.tests.yaml since the record: today's ran on the new answer."), text);
});
