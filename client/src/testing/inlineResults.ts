// The last result of each case, as the text shown at the end of its line in the fixture file, kept
// per fixture file until it or its prompt changes. decorations.ts paints it.
import type { CaseResult, TestSuite } from '../../../server/src/service/testing';

export interface InlineResult {
  /** Zero-based line of the case. */
  line: number;
  text: string;
  status: CaseResult['status'];
  /** Repeats: the runs passed and finished so far. */
  passed?: number;
  total?: number;
  /** Variants: the last status of each variant label that ran. */
  variants?: Map<string, CaseResult['status']>;
}

export class InlineResults {
  private readonly byFixture = new Map<string, Map<number, InlineResult>>();

  /**
   * Takes a new result; a case with repeats keeps one line that counts its runs ("runs: 2/3
   * passed"), and a case run on variants one line over its variants ("variants: 1/2 passed · ✗ old").
   */
  add(r: CaseResult): void {
    let map = this.byFixture.get(r.fixtureUri);
    if (!map) this.byFixture.set(r.fixtureUri, (map = new Map()));
    if (r.variant !== undefined) {
      const variants = new Map(map.get(r.caseLine)?.variants);
      // A variant's repeats: it passes only while every run of it has.
      const prev = r.repeat > 1 ? variants.get(r.variant) : undefined;
      variants.set(r.variant, prev && prev !== 'passed' ? prev : r.status);
      const ran = [...variants].filter(([, st]) => st !== 'skipped');
      const passed = ran.filter(([, st]) => st === 'passed').length;
      const notPassed = ran.filter(([, st]) => st !== 'passed').map(([label]) => label);
      const text = `variants: ${passed}/${ran.length} passed${notPassed.length ? ` · ✗ ${notPassed.slice(0, 3).join(', ')}${notPassed.length > 3 ? ', …' : ''}` : ''}`;
      map.set(r.caseLine, { line: r.caseLine, text, status: !ran.length ? 'skipped' : passed === ran.length ? 'passed' : 'failed', variants });
      return;
    }
    if (r.repeats > 1) {
      const prev = map.get(r.caseLine);
      const passed = (prev?.passed ?? 0) + (r.status === 'passed' ? 1 : 0);
      const total = (prev?.total ?? 0) + 1;
      map.set(r.caseLine, { line: r.caseLine, text: `runs: ${passed}/${total} passed${total < r.repeats ? ' …' : ''}`, status: passed === total ? 'passed' : 'failed', passed, total });
      return;
    }
    const icon = r.status === 'passed' ? '✓' : r.status === 'failed' ? '✗' : r.status === 'error' ? '!' : '–';
    const facts = [r.latencyMs !== undefined ? `${Math.round(r.latencyMs)} ms` : undefined, r.cost ? `$${r.cost.toPrecision(2)}` : undefined].filter(Boolean).join(' · ');
    map.set(r.caseLine, { line: r.caseLine, text: `${icon} ${r.status}${facts ? ` · ${facts}` : ''}${r.status === 'passed' ? '' : ` — ${r.reason.slice(0, 120)}`}`, status: r.status });
  }

  of(fixtureUri: string): InlineResult[] {
    return [...(this.byFixture.get(fixtureUri)?.values() ?? [])];
  }

  /** Drops a fixture file's results; true when it had any. */
  forgetFixture(fixtureUri: string): boolean {
    return this.byFixture.delete(fixtureUri);
  }

  /** Drops the results of every fixture file that tests the prompt; true when any went. */
  forgetPrompt(promptUri: string, suites: Iterable<TestSuite>): boolean {
    let changed = false;
    for (const s of suites) {
      if (s.fixture.promptUri === promptUri && this.byFixture.delete(s.fixture.uri)) changed = true;
    }
    return changed;
  }
}
