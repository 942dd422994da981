// ReDoS: every regular expression the lint rules run on document text, on 100 KB of adversarial
// input (long runs of the characters each one repeats, nearly-matching prefixes). The goal is
// < 50 ms each (measured in bench/lint.ts); this test only catches catastrophic backtracking.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { asyncPromptDiagnostics, lint, parsePromptDocument, promptDiagnostics } from '../../server/src/service';
import { PROSE_PATTERNS } from '../../server/src/service/lint/prose';
import { PARSE_PATTERNS as AGENT_PARSE_PATTERNS } from '../../server/src/service/formats/agents/parse';
import { ADVERSARIAL } from '../support/lintFixtures';

const PATTERNS: { name: string; re: RegExp }[] = [
  ...PROSE_PATTERNS.map((re, i) => ({ name: `prose#${i}`, re })),
  ...AGENT_PARSE_PATTERNS.map((re, i) => ({ name: `agent-parse#${i}`, re })),
  ...lint.RULES.flatMap((r) => (r.patterns ?? []).map((re, i) => ({ name: `${r.id}#${i}`, re }))),
];

function runAll(re: RegExp, input: string): void {
  if (re.global || re.sticky) {
    const copy = new RegExp(re.source, re.flags);
    copy.lastIndex = 0;
    for (let m = copy.exec(input); m; m = copy.exec(input)) if (m[0] === '') copy.lastIndex++;
  } else re.exec(input);
}

test('every rule regular expression finishes on 100 KB of adversarial input', () => {
  assert.ok(PATTERNS.length >= 20, `only ${PATTERNS.length} patterns registered`);
  for (const { name, re } of PATTERNS) {
    for (const [kind, input] of Object.entries(ADVERSARIAL)) {
      const t = performance.now();
      runAll(re, input);
      const ms = performance.now() - t;
      assert.ok(ms < 2000, `${name} on ${kind}: ${ms.toFixed(0)} ms`);
    }
  }
});

test('all rules (secretlint included) finish on 100 KB adversarial prompts', async () => {
  for (const [kind, input] of Object.entries(ADVERSARIAL)) {
    const doc = parsePromptDocument(`---\nmodel: openai/gpt-4o\n---\n${input}\n`, `file:///w/${kind}.prompt`);
    const config = lint.resolveLintConfig(lint.RULES, undefined, { 'missing-metadata': 'warning' });
    const t = performance.now();
    promptDiagnostics(doc, { lint: { config, countTokens: false } });
    await asyncPromptDiagnostics(doc, { lint: { config } });
    const ms = performance.now() - t;
    assert.ok(ms < 5000, `${kind}: ${ms.toFixed(0)} ms`);
  }
});
