// The history engine's pure parts: git output parsers, line counts (checked against git itself),
// change summaries in detail, run comparisons with synthetic records, and their text and HTML.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { comparisonHtml, escapeHtml } from '../../client/src/history/comparisonHtml';
import {
  compareRuns,
  comparisonHeadline,
  describeChange,
  describeChangeLines,
  exactTime,
  formatComparisonText,
  formatCostDelta,
  formatDelta,
  lineChanges,
  parseCatFileBatch,
  parseLog,
  parseStatus,
  relativeTime,
  summarizeChange,
  type RunRecord,
} from '../../server/src/service/history';
import { GIT_ENV } from '../support/gitRepo';

test('parseLog reads fields by position: NULs separate them, any other character is data', () => {
  const h1 = 'a'.repeat(40);
  const h2 = 'b'.repeat(40);
  const blob = (c: string) => c.repeat(40);
  const out =
    `\u001e${h1}\u0000${h2}\u0000Zoë\u0000z@x\u00002026-01-02T03:04:05+01:00\u0000Subject with \u001e and : and "quotes"\u0000\n` +
    `:100644 100644 ${blob('1')} ${blob('2')} R087\u0000old dir/a.prompt\u0000new é.prompt\u0000` +
    `\u001e${h2}\u0000\u0000Ann\u0000a@x\u00002026-01-01T00:00:00Z\u0000:100644 lookalike subject\u0000\n` +
    `:000000 100644 ${'0'.repeat(40)} ${blob('1')} A\u0000old dir/a.prompt\u0000`;
  const entries = parseLog(out, 'new é.prompt');
  assert.equal(entries.length, 2);
  assert.deepEqual(entries[0], {
    hash: h1,
    parents: [h2],
    authorName: 'Zoë',
    authorEmail: 'z@x',
    authorDate: '2026-01-02T03:04:05+01:00',
    subject: 'Subject with \u001e and : and "quotes"',
    path: 'new é.prompt',
    previousPath: 'old dir/a.prompt',
    change: 'R',
    similarity: 87,
    blob: blob('2'),
    previousBlob: blob('1'),
  });
  assert.deepEqual([entries[1].subject, entries[1].change, entries[1].path, entries[1].previousPath, entries[1].previousBlob, entries[1].parents], [':100644 lookalike subject', 'A', 'old dir/a.prompt', undefined, undefined, []]);
  // A commit without a raw line keeps the path it had and no blob ids.
  const bare = parseLog(`\u001e${h1}\u0000${h2} ${h1}\u0000A\u0000a@x\u00002026-01-01T00:00:00Z\u0000Merge\u0000`, 'p.prompt');
  assert.deepEqual([bare[0].path, bare[0].blob, bare[0].parents.length], ['p.prompt', undefined, 2]);
  assert.deepEqual(parseLog('', 'p.prompt'), []);
});

test('parseCatFileBatch splits by byte sizes (multi-byte text, missing objects)', () => {
  const text = 'héllo 名前\nsecond line\n';
  const bytes = Buffer.from(text, 'utf8');
  const batch = Buffer.concat([Buffer.from(`${'a'.repeat(40)} blob ${bytes.length}\n`), bytes, Buffer.from('\n'), Buffer.from(`${'b'.repeat(40)} missing\n`), Buffer.from(`${'c'.repeat(40)} blob 0\n\n`)]);
  const map = parseCatFileBatch(batch);
  assert.equal(map.get('a'.repeat(40)), text);
  assert.equal(map.has('b'.repeat(40)), false);
  assert.equal(map.get('c'.repeat(40)), '');
});

test('parseStatus maps porcelain codes to states', () => {
  const cases: [string, string][] = [
    ['', 'clean'],
    [' M p.prompt\u0000', 'modified'],
    ['M  p.prompt\u0000', 'modified'],
    ['A  p.prompt\u0000', 'added'],
    ['?? p.prompt\u0000', 'untracked'],
    ['!! p.prompt\u0000', 'ignored'],
    [' D p.prompt\u0000', 'deleted'],
    ['R  new.prompt\u0000old.prompt\u0000', 'renamed'],
    ['UU p.prompt\u0000', 'conflicted'],
  ];
  for (const [out, state] of cases) assert.equal(parseStatus(out).state, state, JSON.stringify(out));
});

test('lineChanges agrees with git diff --numstat on random edits', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'pw-numstat-'));
  let seed = 42;
  const rand = (n: number) => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    return seed % n;
  };
  const words = ['alpha', 'beta', 'gamma', 'delta', '{{name}}', '{{role "user"}}', '', 'the same line'];
  for (let round = 0; round < 40; round++) {
    const a = Array.from({ length: 5 + rand(30) }, () => words[rand(words.length)]);
    const b = [...a];
    for (let k = rand(8); k >= 0; k--) {
      const op = rand(3);
      const at = rand(b.length + 1);
      if (op === 0) b.splice(at, 0, words[rand(words.length)]);
      else if (op === 1 && b.length) b.splice(Math.min(at, b.length - 1), 1);
      else if (b.length) b[Math.min(at, b.length - 1)] = `changed ${rand(100)}`;
    }
    const ta = `${a.join('\n')}\n`;
    const tb = `${b.join('\n')}\n`;
    writeFileSync(path.join(dir, 'a'), ta);
    writeFileSync(path.join(dir, 'b'), tb);
    let out = '';
    try {
      out = execFileSync('git', ['diff', '--no-index', '--numstat', '--minimal', 'a', 'b'], { cwd: dir, env: GIT_ENV, encoding: 'utf8' });
    } catch (e) {
      out = (e as { stdout: string }).stdout; // exit code 1: the files differ
    }
    const [added, removed] = out.trim() ? out.trim().split('\t').map(Number) : [0, 0];
    assert.deepEqual(lineChanges(ta, tb), { added, removed }, `round ${round}`);
  }
  assert.deepEqual(lineChanges('', 'a\nb\n'), { added: 2, removed: 0 });
  assert.deepEqual(lineChanges('a\r\nb\r\n', 'a\nb\n'), { added: 0, removed: 0 });
});

test('summarizeChange: model, parameters, variables (declared or used), messages by role, tools, other keys', () => {
  const before = '---\nmodel: googleai/gemini-2.0-flash\nconfig:\n  temperature: 0.2\n  topK: 40\ntools: [search]\ninput:\n  schema:\n    question: string\n    style?: string\n---\n{{role "system"}}\nBe brief.\n{{role "user"}}\n{{question}} in {{style}}\n';
  const after = '---\nmodel: googleai/gemini-2.0-flash\nconfig:\n  temperature: 0.7\n  stopSequences: ["END"]\ntools: [search, calculator]\ndescription: Answers questions\ninput:\n  schema:\n    question: string\n---\n{{role "system"}}\nBe brief.\n{{role "user"}}\n{{question}} for {{audience}}\n{{role "model"}}\nSure.\n{{role "user"}}\nAgain.\n';
  const s = summarizeChange(before, after);
  assert.equal(s.kind, 'modified');
  assert.equal(s.model, undefined);
  assert.deepEqual(s.parameters, [
    { key: 'temperature', path: 'config.temperature', from: '0.2', to: '0.7' },
    { key: 'topK', path: 'config.topK', from: '40', to: undefined },
    { key: 'stopSequences', path: 'config.stopSequences', from: undefined, to: '["END"]' },
  ]);
  assert.deepEqual(s.variables, { added: ['audience'], removed: ['style'] }, 'a variable used without a declaration counts');
  assert.deepEqual(s.messages, [
    { role: 'user', delta: 1 },
    { role: 'model', delta: 1 },
  ]);
  assert.deepEqual(s.tools, { added: ['calculator'], removed: [] });
  assert.deepEqual(s.otherKeys, ['description']);
  assert.equal(s.tokensEstimated, true, 'Gemini counts are estimates');
  const line = describeChange(s, { arrow: '->' });
  assert.match(line, /^temperature 0\.2 -> 0\.7, -topK, \+1 more parameter, \+1 variable, -1 variable, \+1 user message, \+1 model message, \+1 tool, ≈\+\d+ tokens$/);
  const lines = describeChangeLines(s, { arrow: '->' });
  assert.ok(lines.includes('config.topK: 40 -> (unset)'), lines.join('\n'));
  assert.ok(lines.includes('Added 1 user message (1 -> 2)'), lines.join('\n'));
  assert.ok(lines.includes('Variables added: audience'));
  assert.ok(lines.some((l) => /^Tokens: ≈\d+ -> ≈\d+ \(\+\d+\) \(gemini\)$/.test(l)), lines.join('\n'));

  assert.equal(summarizeChange(undefined, after).kind, 'added');
  assert.equal(describeChange(summarizeChange(before, undefined)), 'deleted');
  assert.equal(describeChange(summarizeChange(before, before)), 'no change to the text');
  // Whitespace only: same tokens, lines counted.
  assert.equal(describeChange(summarizeChange('Hello\nthere\n', 'Hello\n\nthere\n')), 'text: +1 -0 lines, same tokens');
  // A broken version still summarises, and says it has errors.
  const broken = summarizeChange('---\nmodel: openai/gpt-4o\n---\nHi\n', '---\nmodel: [unclosed\n---\nHi {{#if x}}\n');
  assert.ok(describeChangeLines(broken).some((l) => /This version has \d+ errors?/.test(l)));
});

test('summarizeChange reads the shared model: parameters by the key as written, the inputs messages read, settings that changed', () => {
  const before = '---\nmodel: openai/gpt-4o\nconfig:\n  max_tokens: 100\nmetadata:\n  owner: a\ninput:\n  schema:\n    items(array): string\n---\n{{#each items}}- {{this}} for {{@root.customer}}\n{{/each}}\n';
  const after = '---\nmodel: openai/gpt-4o\nconfig:\n  max_tokens: 200\nmetadata:\n  owner: b\ninput:\n  schema:\n    items(array): string\n---\n{{#each items}}- {{this}} for {{@root.customer}} in {{../region}}\n{{/each}}\n';
  const s = summarizeChange(before, after);
  assert.deepEqual(s.parameters, [{ key: 'max_tokens', path: 'config.max_tokens', from: '100', to: '200' }]);
  // `{{this}}` is the item; `@root.customer` and `../region` climb back to the inputs.
  assert.deepEqual(s.after?.variables, ['customer', 'items', 'region']);
  assert.deepEqual(s.variables, { added: ['region'], removed: [] });
  assert.deepEqual(s.otherKeys, ['metadata']);
});

test('relative and exact dates', () => {
  const now = Date.parse('2026-03-01T12:00:00Z');
  assert.equal(relativeTime('2026-03-01T11:59:40Z', now), 'just now');
  assert.equal(relativeTime('2026-03-01T11:55:00Z', now), '5 minutes ago');
  assert.equal(relativeTime('2026-02-27T12:00:00Z', now), '2 days ago');
  assert.equal(relativeTime('2026-02-01T12:00:00Z', now), '4 weeks ago');
  assert.equal(relativeTime('2025-01-01T12:00:00Z', now), '1 year ago');
  assert.equal(relativeTime('2026-03-01T12:10:00Z', now), 'in 10 minutes');
  assert.equal(exactTime('2026-01-07T10:30:00+01:00'), '2026-01-07 10:30:00 +01:00');
  assert.equal(exactTime('2026-01-07T10:30:00Z'), '2026-01-07 10:30:00 +00:00');
});

function record(caseId: string, pass: boolean, output: string, extra: Partial<RunRecord> = {}): RunRecord {
  return {
    promptFile: 'prompts/summarize.prompt',
    contentHash: 'hash-a',
    provider: 'openai',
    model: 'gpt-4o-mini',
    caseId,
    caseName: `Case ${caseId}`,
    output,
    assertions: [{ type: 'contains', value: 'refund', pass }],
    pass,
    tokens: { input: 100, output: 20 },
    cost: 0.001,
    latencyMs: 500,
    ...extra,
  };
}

test('compareRuns: newly failing and passing, output changed, added and removed cases, deltas, newest record per case', () => {
  const a = [
    record('1', true, 'We will refund you.'),
    record('2', false, 'No.'),
    record('3', true, 'Refund issued.'),
    record('4', true, 'Same output.'),
    record('gone', true, 'x'),
    // Two runs of case 5: the newer one counts.
    record('5', false, 'old run', { startedAt: '2026-01-01T00:00:00Z' }),
    record('5', true, 'refund, newer run', { startedAt: '2026-01-02T00:00:00Z' }),
  ];
  const b = [
    record('1', false, 'Sorry, no.', { contentHash: 'hash-b', tokens: { input: 90, output: 40 }, cost: 0.0015, latencyMs: 700 }),
    record('2', true, 'A refund is on its way.', { contentHash: 'hash-b' }),
    record('3', true, 'Refund issued!', { contentHash: 'hash-b' }),
    record('4', true, 'Same output.', { contentHash: 'hash-b' }),
    record('new', true, 'y', { contentHash: 'hash-b' }),
    record('5', true, 'refund, newer run', { contentHash: 'hash-b' }),
  ];
  const c = compareRuns(a, b);
  assert.deepEqual(
    c.cases.map((x) => [x.caseId, x.change, x.outputChanged]),
    [
      ['1', 'newly-failing', true],
      ['2', 'newly-passing', true],
      ['gone', 'removed', false],
      ['new', 'added', false],
      ['3', 'still-passing', true],
      ['4', 'still-passing', false],
      ['5', 'still-passing', false],
    ],
  );
  const one = c.cases[0];
  assert.deepEqual([one.tokensDelta, one.latencyDelta], [10, 200]);
  assert.ok(Math.abs(one.costDelta! - 0.0005) < 1e-12);
  assert.deepEqual(one.assertionChanges, [{ type: 'contains', value: 'refund', a: true, b: false }]);
  assert.deepEqual(c.cases.find((x) => x.caseId === '5')!.runs, { a: 2, b: 1 });
  assert.deepEqual({ ...c.counts }, { 'newly-failing': 1, 'newly-passing': 1, 'still-failing': 0, 'still-passing': 3, added: 1, removed: 1, outputChanged: 3 });
  assert.deepEqual([c.a.cases, c.a.passed, c.b.cases, c.b.passed], [6, 5, 6, 5]);
  assert.deepEqual(c.notes, []);
  assert.equal(comparisonHeadline(c), '1 newly failing, 1 newly passing, 1 only in B, 1 only in A, 3 outputs changed');
});

test('compareRuns between two runs of one version: the notes say it is drift, or that the model differs', () => {
  const week1 = [record('1', true, 'refund', { startedAt: '2026-01-01T00:00:00Z' })];
  const week5 = [record('1', false, 'no', { startedAt: '2026-02-01T00:00:00Z' })];
  const drift = compareRuns(week1, week5);
  assert.equal(drift.cases[0].change, 'newly-failing');
  assert.match(drift.notes.join(' '), /same prompt text: differences come from the model or provider \(drift\)/);
  const other = compareRuns(week1, [record('1', true, 'refund', { model: 'gpt-4.1' })]);
  assert.match(other.notes.join(' '), /The models differ: gpt-4o-mini and gpt-4\.1/);
});

test('the comparison as text (CLI) and as the HTML page (escaped, both outputs, a diff button per changed pair)', () => {
  const c = compareRuns([record('1', true, 'We will <refund> you.'), record('2', true, 'same')], [record('1', false, 'Sorry & "no".', { error: undefined }), record('2', true, 'same')]);
  const text = formatComparisonText(c, { labels: { a: 'abc1234', b: 'working copy' } });
  assert.match(text, /^A: abc1234 {2}\(2\/2 passed, gpt-4o-mini\)\nB: working copy {2}\(1\/2 passed, gpt-4o-mini\)\nResult: 1 newly failing, 1 output changed; tokens ±0, cost ±\$0\n/);
  assert.match(text, /NEWLY FAILING, output changed: Case 1 \[1\]\n {2}verdict pass -> FAIL/);
  assert.match(text, / {2}contains - refund: pass -> fail/);
  assert.match(text, / {4}\| We will <refund> you\./);
  assert.match(text, /1 unchanged case not shown\.\n$/);

  const html = comparisonHtml({ comparison: c, labels: { a: 'abc1234', b: 'working <copy>' } }, 'NONCE', 'vscode-resource:');
  assert.ok(html.includes('We will &lt;refund&gt; you.'));
  assert.ok(html.includes('Sorry &amp; &quot;no&quot;.'));
  assert.ok(html.includes('working &lt;copy&gt;'));
  assert.ok(!html.includes('<refund>'));
  assert.equal((html.match(/<button class="diff"/g) ?? []).length, 2, 'a diff button for each case with two outputs');
  assert.match(html, /<span class="badge newly-failing">newly failing<\/span> Case 1/);
  assert.match(html, /script-src 'nonce-NONCE'/);
  assert.equal((html.match(/<script nonce="NONCE">/g) ?? []).length, 1);
  assert.equal(escapeHtml(`<a href="x">'&'</a>`), '&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;');
});

test('deltas are signed as shown: a rounded zero is no change', () => {
  assert.equal(formatDelta(-0.3), '±0');
  assert.equal(formatDelta(12), '+12');
  assert.equal(formatDelta(-1500), '-1,500');
  assert.equal(formatDelta(undefined), '-');
  assert.equal(formatCostDelta(0), '±$0');
  assert.equal(formatCostDelta(0.0005), '+$0.00050');
  assert.equal(formatCostDelta(-0.25), '-$0.2500');
});
