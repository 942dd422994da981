// The test verdicts of prompt texts, from the run records (`.prompt-workbench/runs/*.jsonl`):
// every case line carries the sha256 of the prompt text it ran (`promptHash`). For each text, the
// newest result of each case counts; a text passes when every case's newest result passed.
import { parseRunRecord } from '../testing/records';

export interface TextVerdict {
  /** `passed` when every case's newest result passed, else `failed`. */
  verdict: 'passed' | 'failed';
  passed: number;
  total: number;
  /** passed / total. */
  passRate: number;
  /** The newest run that tested the text (ISO 8601). */
  lastRun?: string;
  /** The record files that hold its results. */
  records: string[];
}

interface CaseResult {
  pass: boolean;
  at: string;
}

/** Verdicts by content hash, built from run record files' texts; files that do not parse are skipped line by line. */
export class RecordIndex {
  private readonly byHash = new Map<string, { cases: Map<string, CaseResult>; records: Set<string>; lastRun?: string }>();
  private readonly verdicts = new Map<string, TextVerdict>();

  add(name: string, text: string): void {
    const parsed = parseRunRecord(text);
    const at = parsed.run?.startedAt ?? '';
    for (const c of parsed.cases) {
      const hash = (c as { promptHash?: string | null }).promptHash;
      if (!hash || (c.status !== 'passed' && c.status !== 'failed')) continue;
      let e = this.byHash.get(hash);
      if (!e) this.byHash.set(hash, (e = { cases: new Map(), records: new Set() }));
      const key = `${c.id}#${c.repeat}`;
      const prev = e.cases.get(key);
      if (!prev || at >= prev.at) e.cases.set(key, { pass: c.status === 'passed', at });
      e.records.add(name);
      if (!e.lastRun || at > e.lastRun) e.lastRun = at || e.lastRun;
      this.verdicts.delete(hash);
    }
  }

  /** The verdict of a prompt text, undefined when no record tested it. */
  verdictOf(hash: string): TextVerdict | undefined {
    const cached = this.verdicts.get(hash);
    if (cached) return cached;
    const e = this.byHash.get(hash);
    if (!e || !e.cases.size) return undefined;
    let passed = 0;
    for (const r of e.cases.values()) if (r.pass) passed++;
    const total = e.cases.size;
    const v: TextVerdict = { verdict: passed === total ? 'passed' : 'failed', passed, total, passRate: passed / total, lastRun: e.lastRun || undefined, records: [...e.records].sort() };
    this.verdicts.set(hash, v);
    return v;
  }
}
