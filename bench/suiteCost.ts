// Test suite cost estimate and the status bar's fixture-case counts (docs/benchmarks.md, "Test
// suite cost"): the per-keystroke path (a new prompt version re-renders and re-counts the cases;
// the fixture's values are reused), the same version again (memoised), and a whole estimate.
//
//   node --import tsx bench/suiteCost.ts
import { parsePromptDocument } from '../server/src/service';
import { estimateSuiteCost, fixtureCaseTokens, parseFixtureFile, STATUS_CASE_LIMIT } from '../server/src/service/testing';
import { encodingCounter } from '../server/src/service/tokens';

const PROMPT = `---
model: openai/gpt-4o-mini
config: { maxOutputTokens: 300 }
input:
  schema:
    customer: string
    ticket: string
---
{{role "system"}}
You are a support engineer. Answer briefly and politely.
{{role "user"}}
Customer {{customer}} wrote:

{{ticket}}
`;

function fixture(cases: number): string {
  const body = 'The checkout page fails with error 502 since this morning; every payment attempt ends there. '.repeat(8);
  return `cases:\n${Array.from({ length: cases }, (_, i) => `  - name: case ${i}\n    vars:\n      customer: Customer ${i}\n      ticket: "${body}${i}"\n`).join('')}`;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

async function main(): Promise<void> {
  encodingCounter('o200k_base');
  const read = async () => '';
  for (const n of [5, STATUS_CASE_LIMIT]) {
    const f = parseFixtureFile(fixture(n), 'file:///w/p.tests.yaml');
    const edits: number[] = [];
    const same: number[] = [];
    for (let i = 0; i < 30; i++) {
      const doc = parsePromptDocument(PROMPT.replace('briefly', `briefly ${'x'.repeat(i)}`), 'file:///w/p.prompt', i + 1);
      let t = performance.now();
      await fixtureCaseTokens(doc, [f], {}, read);
      edits.push(performance.now() - t);
      t = performance.now();
      await fixtureCaseTokens(doc, [f], {}, read);
      same.push(performance.now() - t);
    }
    console.log(`status bar, ${n} cases: new prompt version median ${median(edits.slice(5)).toFixed(2)} ms (max ${Math.max(...edits.slice(5)).toFixed(2)}), same version ${median(same).toFixed(3)} ms`);
  }
  for (const n of [100, 1000]) {
    const suite = { fixture: parseFixtureFile(fixture(n), 'file:///w/p.tests.yaml'), prompt: parsePromptDocument(PROMPT, 'file:///w/p.prompt'), relativePath: 'p.tests.yaml', promptPath: 'p.prompt' };
    const t = performance.now();
    const e = await estimateSuiteCost([suite], { readText: read, repeat: 2 });
    console.log(`estimate, ${n} cases × 2 repeats: ${(performance.now() - t).toFixed(0)} ms (${e.totals.cases} runs, ${e.totals.inputTokens.toLocaleString('en-US')} input tokens)`);
  }
}

void main();
