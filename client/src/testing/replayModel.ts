// "Replay Case from Run Record…" without `vscode` (tested in node): which cases of an opened record
// can be replayed, the case behind a Test Explorer item, the labels of the pick, the diff's title
// and the message that sums the replay up.
import type { RecordedCase } from '../../../server/src/service/testing';
import type { ReplayComparison } from '../../../server/src/service/testing/replay';
import { jobIdOfRecord } from './items';

/** The cases that hold their request (records of version 2 and later), in record order. */
export function replayableCases(cases: readonly RecordedCase[]): RecordedCase[] {
  return cases.filter((c) => c.request);
}

/** The recorded case of a Test Explorer item (a case or a repeat), if the record has it. */
export function caseOfItem(cases: readonly RecordedCase[], itemId: string): RecordedCase | undefined {
  return cases.find((c) => jobIdOfRecord([itemId], c.id) === itemId);
}

export function casePickItem(c: RecordedCase): { label: string; description: string; detail: string } {
  const rc = c as RecordedCase & { requestedModel?: string | null; variant?: string };
  return {
    label: `${c.case}${rc.variant ? ` [${rc.variant}]` : ''}${c.repeats > 1 ? ` [${c.repeat}/${c.repeats}]` : ''}`,
    description: `${c.status} · ${c.provider ?? '?'}${rc.requestedModel ? ` · ${rc.requestedModel}` : ''}`,
    detail: (c.output ?? c.reason).replace(/\s+/g, ' ').slice(0, 120),
  };
}

export function diffTitle(c: ReplayComparison): string {
  return `${c.replay.caseName}: recorded ↔ replay (${c.target.qualified})`;
}

/** The notification: verdict, answer, tokens, cost, assertions that changed, the engine's notes, the new record. */
export function replaySummary(c: ReplayComparison, recordFile?: string): string {
  const r = c.replay;
  const parts = [`Replay of "${r.caseName}" on ${c.target.qualified}: ${c.recorded.status === r.status ? r.status : `${c.recorded.status} → ${r.status}`}`];
  if (r.status === 'error' || r.status === 'skipped') parts.push(r.reason);
  else parts.push(c.outputChanged ? 'the answer changed' : 'the same answer');
  if (c.tokenDelta.output !== undefined) parts.push(`output tokens ${c.recorded.usage?.outputTokens} → ${r.usage?.outputTokens}`);
  if (c.costDelta !== undefined) parts.push(`cost ${c.costDelta >= 0 ? '+' : '-'}$${Math.abs(c.costDelta).toFixed(6)}`);
  // an assertion added or removed since the record has no verdict on that side
  const verdict = (pass: boolean | undefined) => (pass === undefined ? '(none)' : pass ? 'pass' : 'fail');
  for (const a of c.assertionChanges) parts.push(`${a.type} (line ${a.line}) ${verdict(a.before)} → ${verdict(a.after)}`);
  // what the verdicts rest on: the case gone from its fixture, its assertions changed, another model
  const notes = c.notes.map((n) => ` ${n.replace(/\.$/, '')}.`).join('');
  return `${parts.join('; ')}.${notes}${recordFile ? ` Record: ${recordFile}` : ''}`;
}
