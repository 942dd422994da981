// Prompt variants: `variants:` in a fixture file (schema, diagnostics at the exact entry,
// completion) and `--variants`, `file.prompt@REV` read through git (a real temporary repository),
// the plan (case × prompt variant × model variant × repeat), and runs against the local provider
// server: each variant's own rendered prompt, labels in results, records, JUnit, shards and the
// Markdown comparison; clear errors for an unknown revision and a folder without git.
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { after, before, beforeEach, test } from 'node:test';
import { pathToFileURL } from 'node:url';
import { compareVariants, completeFixture, createProviders, estimateSuiteCost, fixtureDiagnostics, formatSuiteCost, inShard, loadPromptVariants, loadSuite, parseFixtureFile, planJobs, recordLines, runTests, splitRevision, variantsFromList, type CaseResult, type TestSuite } from '../../server/src/service/testing';
import { NodeGit } from '../../server/src/node/git';
import { parseDocument } from '../../server/src/service/document';
import { renderPrompt } from '../../server/src/service/render';
import { countMessages, resolveModel } from '../../server/src/service/tokens';
import { judgeMessages } from '../../server/src/service/testing/assertions/rubric';
import { closedQaMessages, factualityMessages } from '../../server/src/service/testing/assertions/graded';
import { readTextUri } from '../../server/src/node/workspaceReads';
import { runCli } from '../support/cli';
import { TempRepo } from '../support/gitRepo';
import { withCursor } from '../support/markers';
import { MockProvider } from '../support/mockProvider';
import { itemJobId, jobsForRun, matrixJobs, planItems, selectJobs, variantProfiles, type ItemNode } from '../../client/src/testing/items';
import { InlineResults } from '../../client/src/testing/inlineResults';

const KEY = 'sk-test-VARIANTS-0123';
let mock: MockProvider;
before(async () => {
  mock = await MockProvider.start();
});
after(async () => {
  await mock.stop();
});
beforeEach(() => mock.reset());

function diag(text: string) {
  const f = parseFixtureFile(text, 'file:///w/p.tests.yaml');
  return fixtureDiagnostics(f, undefined).map((d) => {
    const s = f.lines.positionAt(d.span.start);
    return { code: d.code, at: `${s.line + 1}:${s.character + 1}`, text: text.slice(d.span.start, d.span.end), message: d.message };
  });
}

const V1 = '---\nmodel: openai/gpt-4o-mini\n---\n{{role "system"}}You are terse.\n{{role "user"}}Summarize: {{text}}\n';
const V2 = '---\nmodel: openai/gpt-4o-mini\n---\n{{role "system"}}You are friendly and thorough.\n{{role "user"}}Please summarize this text for a child: {{text}}\n';

test('variants: entries parse as files or revisions, with labels (default: as written) and lines', () => {
  const f = parseFixtureFile('variants:\n  - a.prompt\n  - sub/b.prompty@HEAD~1\n  - prompt: c.prompt.yml@v1.2\n    label: old\n  - prompt: d@x.prompt\ncases:\n  - name: a\n', 'file:///w/t/p.tests.yaml');
  assert.deepEqual(f.diagnostics, []);
  assert.deepEqual(
    f.variants.map((v) => [v.label, v.spec, v.uri, v.revision, v.line]),
    [
      ['a.prompt', 'a.prompt', 'file:///w/t/a.prompt', undefined, 1],
      ['sub/b.prompty@HEAD~1', 'sub/b.prompty@HEAD~1', 'file:///w/t/sub/b.prompty', 'HEAD~1', 2],
      ['old', 'c.prompt.yml@v1.2', 'file:///w/t/c.prompt.yml', 'v1.2', 3],
      // `@` in a file name before the extension stays part of the path.
      ['d@x.prompt', 'd@x.prompt', 'file:///w/t/d@x.prompt', undefined, 5],
    ],
  );
  assert.deepEqual(splitRevision('p.prompt@origin/main'), { file: 'p.prompt', revision: 'origin/main' });
  assert.deepEqual(splitRevision('notes@HEAD'), { file: 'notes', revision: 'HEAD' });
  assert.deepEqual(splitRevision('dir@x/p.prompt'), { file: 'dir@x/p.prompt' });
});

test('variants diagnostics: each wrong entry at its exact range, with what to write', () => {
  assert.deepEqual(diag('variants:\n  - a.prompt@\ncases:\n  - name: a\n'), [
    { code: 'fixture-variants', at: '2:5', text: 'a.prompt@', message: '`a.prompt@` names no revision after `@`: write one such as `HEAD~1`, a branch, a tag or a commit hash.' },
  ]);
  assert.deepEqual(diag('variants:\n  - a.prompt@--output=x\ncases:\n  - name: a\n').map((d) => [d.at, d.text, /starts with `-`/.test(d.message)]), [['2:5', 'a.prompt@--output=x', true]]);
  assert.deepEqual(diag('variants:\n  - 42\ncases:\n  - name: a\n'), [
    { code: 'fixture-variants', at: '2:5', text: '42', message: 'Expected a prompt file (`summarize-v2.prompt`), a revision (`summarize.prompt@HEAD~1`) or a mapping with `prompt:` and `label:` for `variants[0]`, got the number 42.' },
  ]);
  assert.deepEqual(diag('variants:\n  - prompt: a.prompt\n    labl: x\ncases:\n  - name: a\n'), [
    { code: 'fixture-unknown-key', at: '3:5', text: 'labl', message: 'Unknown key `labl` in `variants[0]`. Did you mean `label`?' },
  ]);
  assert.deepEqual(diag('variants:\n  - label: x\ncases:\n  - name: a\n').map((d) => [d.at, d.message]), [['2:5', '`variants[0]` needs `prompt:`: a prompt file relative to this one, or a revision such as `summarize.prompt@HEAD~1`.']]);
  assert.deepEqual(diag('variants:\n  - a.prompt\n  - prompt: b.prompt\n    label: a.prompt\ncases:\n  - name: a\n'), [
    { code: 'fixture-variants', at: '4:12', text: 'a.prompt', message: 'Another variant is already labelled "a.prompt" (line 2). Labels name the variants in reports and records: give this one another `label`.' },
  ]);
  assert.deepEqual(diag('variants: a.prompt\ncases:\n  - name: a\n').map((d) => [d.code, d.at, d.message]), [['fixture-schema', '1:11', 'Expected a list for `variants`, got the text "a.prompt".']]);
  assert.deepEqual(diag('variants: []\ncases:\n  - name: a\n').map((d) => [d.at, d.message]), [['1:11', '`variants` must not be empty.']]);
});

test('variants in the editor: the key with its description, and the entry keys', () => {
  const root = withCursor('|\ncases:\n  - name: a\n');
  const f = parseFixtureFile(root.text, 'file:///w/p.tests.yaml');
  const items = completeFixture(root.text, root.offset, f.lines, undefined)!.items;
  const variants = items.find((i) => i.label === 'variants');
  assert.ok(variants, items.map((i) => i.label).join(','));
  assert.match(String((variants.documentation as { value: string }).value), /git revisions of one \(`summarize\.prompt@HEAD~1`\)/);
  const entry = withCursor('variants:\n  - prompt: a.prompt\n    |\ncases:\n  - name: a\n');
  const f2 = parseFixtureFile(entry.text, 'file:///w/p.tests.yaml');
  assert.deepEqual(completeFixture(entry.text, entry.offset, f2.lines, undefined)!.items.map((i) => i.label), ['label']);
});

test('--variants: a list relative to the working folder; a bad revision or a repeated entry is refused', () => {
  assert.deepEqual(
    variantsFromList('a.prompt, p/b.prompt@HEAD~2', 'file:///w/').map((v) => [v.label, v.uri, v.revision]),
    [
      ['a.prompt', 'file:///w/a.prompt', undefined],
      ['p/b.prompt@HEAD~2', 'file:///w/p/b.prompt', 'HEAD~2'],
    ],
  );
  assert.throws(() => variantsFromList('a.prompt,a.prompt', 'file:///w/'), /--variants names "a.prompt" twice/);
  assert.throws(() => variantsFromList('a.prompt@-x', 'file:///w/'), /--variants: The revision `-x` in `a.prompt@-x` starts with `-`/);
  assert.throws(() => variantsFromList(' , ', 'file:///w/'), /--variants needs a comma-separated list/);
});

function repo(): TempRepo {
  const r = TempRepo.init('pw-variants-');
  r.write('p.prompt', V1);
  r.commit('first wording');
  r.write('p.prompt', V2);
  r.commit('second wording');
  return r;
}

test('git revisions load through the Git interface; an unknown revision and a folder without git get errors naming both', async () => {
  const r = repo();
  const rootUri = pathToFileURL(r.dir).toString();
  const specs = variantsFromList('p.prompt@HEAD~1,p.prompt,p.prompt@nope', `${rootUri}/`);
  const loaded = await loadPromptVariants(specs, rootUri, readTextUri, new NodeGit());
  assert.equal(loaded[0].promptPath, 'p.prompt@HEAD~1');
  assert.equal(loaded[0].prompt?.text, V1);
  assert.equal(loaded[0].commit, r.git('rev-parse', 'HEAD~1').trim());
  assert.equal(loaded[1].prompt?.text, V2);
  assert.equal(loaded[1].commit, undefined);
  assert.equal(loaded[2].prompt, undefined);
  assert.equal(loaded[2].error, 'The prompt variant p.prompt@nope: "nope" is not a known revision of the repository that holds p.prompt. Use a commit hash, a branch or tag name, or HEAD~N.');

  const plain = mkdtempSync(path.join(tmpdir(), 'pw-variants-nogit-'));
  writeFileSync(path.join(plain, 'p.prompt'), V1);
  const plainUri = pathToFileURL(plain).toString();
  const [noRepo] = await loadPromptVariants(variantsFromList('p.prompt@HEAD~1', `${plainUri}/`), plainUri, readTextUri, new NodeGit());
  assert.equal(noRepo.error, 'The prompt variant p.prompt@HEAD~1: p.prompt is not in a git repository, so it has no revision HEAD~1.');
  const [noGit] = await loadPromptVariants(variantsFromList('p.prompt@HEAD~1', `${plainUri}/`), plainUri, readTextUri, new NodeGit({ gitPath: path.join(plain, 'no-such-git') }));
  assert.equal(noGit.error, 'The prompt variant p.prompt@HEAD~1: git is not installed or not on PATH, so revision HEAD~1 of p.prompt cannot be read.');
  const [notPrompt] = await loadPromptVariants(variantsFromList('notes.txt', `${plainUri}/`), plainUri, async () => 'hello', undefined);
  assert.equal(notPrompt.error, 'The prompt variant notes.txt: notes.txt is not a prompt file (.prompt, .prompty, .prompt.yml).');
});

async function variantSuite(dir: string, tests: string): Promise<TestSuite> {
  writeFileSync(path.join(dir, 'p.tests.yaml'), tests);
  return loadSuite(pathToFileURL(path.join(dir, 'p.tests.yaml')).toString(), pathToFileURL(dir).toString(), readTextUri, undefined, { git: new NodeGit() });
}

test('the plan: case × prompt variant × model variant × repeat, render cases once per prompt variant, labels joined with ×, one variant alone', async () => {
  const r = repo();
  const suite = await variantSuite(r.dir, 'variants:\n  - prompt: p.prompt@HEAD~1\n    label: old\n  - prompt: p.prompt\n    label: new\nmatrix:\n  - model: openai/a\n  - model: openai/b\ncases:\n  - name: c\n    repeat: 2\n  - name: r\n    provider: render\n');
  const ids = planJobs([suite], undefined, { matrix: true }).map((j) => j.id);
  assert.deepEqual(ids, [
    'p.tests.yaml#c@old × openai/a', 'p.tests.yaml#c@old × openai/a#2', 'p.tests.yaml#c@old × openai/b', 'p.tests.yaml#c@old × openai/b#2',
    'p.tests.yaml#c@new × openai/a', 'p.tests.yaml#c@new × openai/a#2', 'p.tests.yaml#c@new × openai/b', 'p.tests.yaml#c@new × openai/b#2',
    'p.tests.yaml#r@old', 'p.tests.yaml#r@new',
  ]);
  // Without the matrix flag (the Test Explorer's default run): each case once, the suite's prompt.
  assert.deepEqual(planJobs([suite]).map((j) => j.id), ['p.tests.yaml#c', 'p.tests.yaml#c#2', 'p.tests.yaml#r']);
  assert.deepEqual(planJobs([suite], 1, { matrix: true, only: 'new × openai/b' }).map((j) => j.id), ['p.tests.yaml#c@new × openai/b']);
  // Shards split by case and variant; the repeats of one stay together.
  const jobs = planJobs([suite], undefined, { matrix: true });
  const shards = [1, 2, 3].map((k) => jobs.filter((j) => inShard(j.caseKey, k, 3)).map((j) => j.id));
  assert.equal(shards.flat().length, jobs.length);
  for (const s of shards) for (const id of s) if (id.endsWith('#2')) assert.ok(s.includes(id.slice(0, -2)));
});

test('a run over two git revisions: each variant sends its own rendered prompt, results carry the label, records the revision\'s commit and hash', async () => {
  const r = repo();
  const suite = await variantSuite(r.dir, 'variants:\n  - prompt: p.prompt@HEAD~1\n    label: old\n  - p.prompt\ncases:\n  - name: c\n    vars: { text: "The cat sat." }\n    assert:\n      - type: contains\n        value: child\n');
  mock.script = (req) => ({ text: req.prompt.includes('child') ? 'for a child: a cat sat' : 'cat sat' });
  const summary = await runTests([suite], { ...createProviders({ keys: { openai: KEY }, baseUrls: { openai: mock.openaiBaseUrl }, timeoutMs: 5000, maxRetries: 0, trusted: true }), concurrency: 2, readText: readTextUri }, planJobs([suite], undefined, { matrix: true }));
  assert.deepEqual(summary.results.map((x) => [x.id, x.variant, x.promptVariant, x.promptPath, x.status]), [
    ['p.tests.yaml#c@old', 'old', 'old', 'p.prompt@HEAD~1', 'failed'],
    ['p.tests.yaml#c@p.prompt', 'p.prompt', 'p.prompt', 'p.prompt', 'passed'],
  ]);
  const sent = mock.requests.map((q) => (q.body.messages as { role: string; content: string }[]).map((m) => m.content.trim()).join(' | ')).sort();
  assert.deepEqual(sent, ['You are friendly and thorough. | Please summarize this text for a child: The cat sat.', 'You are terse. | Summarize: The cat sat.']);
  const lines = recordLines(summary, { tool: 't', toolVersion: '0', origin: 'cli' }, () => ({ hash: 'working-copy-hash', git: { commit: 'head', dirty: true } })).slice(1).map((l) => JSON.parse(l));
  assert.deepEqual(lines.map((l) => [l.variant, l.promptVariant, l.prompt, l.gitCommit, l.gitDirty]), [
    ['old', 'old', 'p.prompt@HEAD~1', r.git('rev-parse', 'HEAD~1').trim(), false],
    ['p.prompt', 'p.prompt', 'p.prompt', 'head', true],
  ]);
  assert.notEqual(lines[0].promptHash, lines[1].promptHash);
  assert.notEqual(lines[0].promptHash, 'working-copy-hash');
});

test('prompt-workbench test --variants × --models: JUnit names each testcase with its variant, the markdown comparison has a column per variant, an unknown revision stops the run', async () => {
  const r = repo();
  writeFileSync(path.join(r.dir, 'p.tests.yaml'), 'cases:\n  - name: c\n    vars: { text: "The cat sat." }\n    assert:\n      - type: contains\n        value: child\n');
  mock.script = (req) => ({ text: req.prompt.includes('child') ? 'for a child' : 'short', usage: { input: 10, output: 2 } });
  const env = { OPENAI_API_KEY: KEY, OPENAI_BASE_URL: mock.openaiBaseUrl };
  const junit = await runCli(['test', '--variants', 'p.prompt@HEAD~1,p.prompt', '--models', 'openai/gpt-4o-mini,openai/gpt-4.1-nano', '--reporter', 'junit', '--no-cache'], r.dir, env);
  assert.equal(junit.code, 1, junit.stderr);
  assert.deepEqual([...junit.stdout.matchAll(/<testcase [^>]*name="([^"]+)"/g)].map((m) => m[1]), ['c [p.prompt@HEAD~1 × openai/gpt-4o-mini]', 'c [p.prompt@HEAD~1 × openai/gpt-4.1-nano]', 'c [p.prompt × openai/gpt-4o-mini]', 'c [p.prompt × openai/gpt-4.1-nano]']);
  assert.match(junit.stdout, /name="c \[p\.prompt@HEAD~1 × openai\/gpt-4o-mini\]"[^]*?<failure /);
  const records = readdirSync(path.join(r.dir, '.prompt-workbench', 'runs'));
  const recorded = readFileSync(path.join(r.dir, '.prompt-workbench', 'runs', records[0]), 'utf8').trim().split('\n').slice(1).map((l) => JSON.parse(l));
  assert.deepEqual(recorded.map((l) => [l.promptVariant, l.requestedModel, l.status]), [
    ['p.prompt@HEAD~1', 'openai/gpt-4o-mini', 'failed'],
    ['p.prompt@HEAD~1', 'openai/gpt-4.1-nano', 'failed'],
    ['p.prompt', 'openai/gpt-4o-mini', 'passed'],
    ['p.prompt', 'openai/gpt-4.1-nano', 'passed'],
  ]);

  const md = await runCli(['test', '--variants', 'p.prompt@HEAD~1,p.prompt', '--reporter', 'markdown', '--no-cache', '--no-record'], r.dir, env);
  assert.match(md.stdout, /\| case \| p\.prompt@HEAD~1 \| p\.prompt \|/);
  assert.match(md.stdout, /\*\*≠\*\* `p\.tests\.yaml:2` c \| ❌ fail 0\.00: [^|]+\| ✅ pass 1\.00 \|/);

  const estimate = await runCli(['test', '--estimate', '--variants', 'p.prompt@HEAD~1,p.prompt', '--models', 'openai/gpt-4o-mini,openai/gpt-4.1-nano', '--json'], r.dir, env);
  assert.equal(estimate.code, 0, estimate.stderr);
  const e = JSON.parse(estimate.stdout) as { prompts: { promptPath: string; models: { variant: string; cases: number }[] }[]; totals: { cases: number } };
  assert.deepEqual(e.prompts.map((p) => [p.promptPath, p.models.map((m) => m.variant)]), [
    ['p.prompt@HEAD~1', ['p.prompt@HEAD~1 × openai/gpt-4o-mini', 'p.prompt@HEAD~1 × openai/gpt-4.1-nano']],
    ['p.prompt', ['p.prompt × openai/gpt-4o-mini', 'p.prompt × openai/gpt-4.1-nano']],
  ]);
  assert.equal(e.totals.cases, 4);

  const bad = await runCli(['test', '--variants', 'p.prompt@nope,p.prompt'], r.dir, env);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /--variants: The prompt variant p\.prompt@nope: "nope" is not a known revision of the repository that holds p\.prompt\./);
  writeFileSync(path.join(r.dir, 'p.tests.yaml'), 'variants:\n  - p.prompt\n  - p.prompt@v9\ncases:\n  - name: c\n');
  const inFile = await runCli(['test', '--no-record'], r.dir, env);
  assert.equal(inFile.code, 2);
  assert.match(inFile.stderr, /^p\.tests\.yaml:3:5 {2}error {2}The prompt variant p\.prompt@v9: "v9" is not a known revision[^\n]* {2}fixture-variants$/m);
  assert.equal(mock.requests.length, 6);
});

test('--estimate covers every prompt variant × model variant and the judge calls of model-graded assertions, priced at the judge model', async () => {
  const r = repo();
  // Two revisions (V1, then V2: longer) × two models; one llm-rubric judged by gpt-4o ($2.50 / $10 per million).
  const suite = await variantSuite(r.dir, 'variants:\n  - prompt: p.prompt@HEAD~1\n    label: old\n  - prompt: p.prompt\n    label: new\nmatrix:\n  - label: mini\n    model: openai/gpt-4o-mini\n    config: { maxOutputTokens: 100 }\n  - label: nano\n    model: openai/gpt-4.1-nano\n    config: { maxOutputTokens: 50 }\ncases:\n  - name: c\n    repeat: 2\n    vars: { text: "The cat sat on the mat." }\n    assert:\n      - type: llm-rubric\n        value: Is it a faithful summary?\n        model: openai/gpt-4o\n');
  const e = await estimateSuiteCost([suite], { readText: readTextUri, plan: { matrix: true } });
  assert.deepEqual(e.prompts.map((p) => p.promptPath), ['p.prompt@HEAD~1', 'p.prompt']);
  const rows = e.prompts.flatMap((p) => p.models.map((m) => [p.promptPath, m.variant, m.model, m.cases, m.maxOutputTokens]));
  assert.deepEqual(rows, [
    ['p.prompt@HEAD~1', 'old × mini', 'openai/gpt-4o-mini', 2, 200],
    ['p.prompt@HEAD~1', 'old × nano', 'openai/gpt-4.1-nano', 2, 100],
    ['p.prompt', 'new × mini', 'openai/gpt-4o-mini', 2, 200],
    ['p.prompt', 'new × nano', 'openai/gpt-4.1-nano', 2, 100],
  ]);
  // Each variant is counted from its own rendered prompt: the second wording is longer.
  const [oldMini, , newMini] = e.prompts.flatMap((p) => p.models);
  const render = (text: string) => renderPrompt(parseDocument(text, 'file:///x/p.prompt'), { text: 'The cat sat on the mat.' });
  const tokensOf = async (text: string) => countMessages((await render(text)).messages!, resolveModel('openai/gpt-4o-mini', undefined)).tokens;
  assert.equal(oldMini.inputTokens, 2 * (await tokensOf(V1)));
  assert.equal(newMini.inputTokens, 2 * (await tokensOf(V2)));
  assert.ok(newMini.inputTokens > oldMini.inputTokens);
  // gpt-4o-mini: $0.15 in, $0.60 out per million tokens.
  assert.ok(Math.abs(oldMini.cost!.low - (oldMini.inputTokens * 0.15) / 1e6) < 1e-12);
  assert.ok(Math.abs(oldMini.cost!.high - (oldMini.inputTokens * 0.15 + 200 * 0.6) / 1e6) < 1e-12);
  // One judge call per case run of every variant pair: 2 prompts × 2 models × 2 repeats = 8, in
  // the rubric prompt plus the answer's bound (100 for mini, 50 for nano), at gpt-4o's price.
  const judges = e.prompts.flatMap((p) => p.judges);
  assert.deepEqual(judges.map((j) => [j.model, j.judgeCalls]), [['openai/gpt-4o', 4], ['openai/gpt-4o', 4]]);
  const rubric = countMessages(judgeMessages('Is it a faithful summary?', ''), resolveModel('openai/gpt-4o', undefined)).tokens;
  const judgeOut = resolveModel('openai/gpt-4o', undefined).entry!.maxOutputTokens!;
  assert.equal(judges[0].inputTokens, 4 * rubric + 2 * 100 + 2 * 50);
  assert.equal(judges[0].maxOutputTokens, 4 * judgeOut);
  assert.ok(Math.abs(judges[0].cost!.low - (4 * rubric * 2.5) / 1e6) < 1e-12, String(judges[0].cost!.low));
  assert.ok(Math.abs(judges[0].cost!.high - ((4 * rubric + 300) * 2.5 + 4 * judgeOut * 10) / 1e6) < 1e-12);
  assert.equal(e.totals.judgeCalls, 8);
  assert.equal(e.totals.cases, 8);
  assert.match(formatSuiteCost(e, 'text'), /8 case runs and 8 judge calls/);
});

test('--estimate counts the judge calls of factuality and model-graded-closedqa: their judge prompt with the prompt\'s user turns as the question, and the answer\'s bound', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'pw-variants-graded-'));
  writeFileSync(path.join(dir, 'p.prompt'), V1);
  writeFileSync(path.join(dir, 'p.tests.yaml'), 'cases:\n  - name: c\n    config: { maxOutputTokens: 40 }\n    vars: { text: "The cat sat on the mat." }\n    assert:\n      - type: factuality\n        value: A cat sat on a mat.\n        model: openai/gpt-4o\n      - type: model-graded-closedqa\n        value: Is it one sentence?\n        model: openai/gpt-4.1\n');
  const suite = await loadSuite(pathToFileURL(path.join(dir, 'p.tests.yaml')).toString(), pathToFileURL(dir).toString(), readTextUri);
  const e = await estimateSuiteCost([suite], { readText: readTextUri });
  const judges = e.prompts[0].judges;
  assert.deepEqual(judges.map((j) => [j.model, j.judgeCalls]), [['openai/gpt-4o', 1], ['openai/gpt-4.1', 1]]);
  // The question is the user turn alone (the system turn left out), as the checks ask it.
  const question = 'Summarize: The cat sat on the mat.';
  const gpt4o = resolveModel('openai/gpt-4o', undefined);
  const gpt41 = resolveModel('openai/gpt-4.1', undefined);
  assert.equal(judges[0].inputTokens, countMessages(factualityMessages(question, 'A cat sat on a mat.', ''), gpt4o).tokens + 40);
  assert.equal(judges[1].inputTokens, countMessages(closedQaMessages(question, 'Is it one sentence?', ''), gpt41).tokens + 40);
  assert.equal(judges[0].maxOutputTokens, gpt4o.entry!.maxOutputTokens);
  assert.equal(e.totals.judgeCalls, 2);
  assert.match(formatSuiteCost(e, 'text'), /1 case run and 2 judge calls,/);
  assert.match(formatSuiteCost(e, 'text'), /Judge calls \(model-graded assertions: llm-rubric, factuality, model-graded-closedqa/);
});

test('Compare Models over prompt variants: each variant job has its own item, itemJobId strips the full `prompt × model` label, the comparison groups by it', async () => {
  const r = repo();
  const suite = await variantSuite(r.dir, 'variants:\n  - prompt: p.prompt@HEAD~1\n    label: old\n  - prompt: p.prompt\n    label: new\nmatrix:\n  - label: mini\n    model: openai/gpt-4o-mini\ncases:\n  - name: c\n    vars: { text: "The cat sat." }\n    assert:\n      - type: contains\n        value: child\n  - name: twice\n    repeat: 2\n    vars: { text: "A dog." }\n');
  const [item] = planItems([suite]);
  const itemIds = new Set<string>();
  const walk = (n: ItemNode) => {
    if (n.data.jobId) itemIds.add(n.data.jobId);
    n.children.forEach(walk);
  };
  walk(item);
  // "Run every matrix variant, then Compare Models" on case c: every variant, each on its own item.
  const jobs = jobsForRun([suite], [item.children[0].data], [], { label: 'Run every matrix variant, then Compare Models' });
  assert.deepEqual(jobs.map((j) => [j.id, itemJobId(j), itemIds.has(j.id)]), [
    ['p.tests.yaml#c@old × mini', 'p.tests.yaml#c', true],
    ['p.tests.yaml#c@new × mini', 'p.tests.yaml#c', true],
  ]);
  // From a plain selection, the variants of each job reach back to its case or repeat item.
  const twice = item.children[1];
  assert.deepEqual(matrixJobs(selectJobs(planJobs([suite]), [twice.data], [])).map((j) => [j.id, itemJobId(j)]), [
    ['p.tests.yaml#twice@old × mini', 'p.tests.yaml#twice'],
    ['p.tests.yaml#twice@old × mini#2', 'p.tests.yaml#twice#2'],
    ['p.tests.yaml#twice@new × mini', 'p.tests.yaml#twice'],
    ['p.tests.yaml#twice@new × mini#2', 'p.tests.yaml#twice#2'],
  ]);
  mock.script = (req) => ({ text: req.prompt.includes('child') ? 'for a child: a cat sat' : 'cat sat' });
  const summary = await runTests([suite], { ...createProviders({ keys: { openai: KEY }, baseUrls: { openai: mock.openaiBaseUrl }, timeoutMs: 5000, maxRetries: 0, trusted: true }), concurrency: 2, readText: readTextUri }, jobs);
  const cmp = compareVariants(summary.results);
  assert.deepEqual(cmp.variants.map((v) => [v.label, v.counts.passed, v.counts.failed]), [['old × mini', 0, 1], ['new × mini', 1, 0]]);
  assert.deepEqual(cmp.cases.map((c) => [c.key, Object.entries(c.verdicts).map(([label, v]) => [label, v.status])]), [
    ['p.tests.yaml#c', [['old × mini', 'failed'], ['new × mini', 'passed']]],
  ]);
});

test('--estimate counts the judge prompt of a GitHub Models `llm` evaluator per row, with the row\'s values and the evaluator\'s own model', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'pw-variants-gh-'));
  const file = path.join(dir, 'q.prompt.yml');
  writeFileSync(file, 'name: q\nmodel: openai/gpt-4o-mini\nmessages:\n  - role: user\n    content: "Answer: {{question}}"\ntestData:\n  - question: "Why is the sky blue? Explain the scattering of light in the atmosphere."\n  - question: "Hi"\nevaluators:\n  - name: judged\n    llm:\n      modelId: openai/gpt-4.1\n      prompt: "Question: {{question}}\\nAnswer: {{completion}}\\nGood?"\n      choices:\n        - choice: "yes"\n          score: 1\n        - choice: "no"\n          score: 0\n');
  const suite = await loadSuite(pathToFileURL(file).toString(), pathToFileURL(dir).toString(), readTextUri);
  const e = await estimateSuiteCost([suite], { readText: readTextUri, plan: { matrix: true } });
  const [j] = e.prompts[0].judges;
  assert.deepEqual([j.model, j.judgeCalls], ['openai/gpt-4.1', 2]);
  const gpt41 = resolveModel('openai/gpt-4.1', undefined);
  const judgePrompt = (q: string) => countMessages([{ role: 'user', text: `Question: ${q}\nAnswer: \nGood?` }], gpt41).tokens;
  const bound = resolveModel('openai/gpt-4o-mini', undefined).entry!.maxOutputTokens!;
  assert.equal(j.inputTokens, judgePrompt('Why is the sky blue? Explain the scattering of light in the atmosphere.') + judgePrompt('Hi') + 2 * bound);
});

test('the Test Explorer: one run profile per variant plus all variants, variant items below each case, the jobs each profile runs', async () => {
  const r = repo();
  const varied = await variantSuite(r.dir, 'variants:\n  - prompt: p.prompt@HEAD~1\n    label: old\n  - prompt: p.prompt\n    label: new\nmatrix:\n  - model: openai/a\ncases:\n  - name: c\n  - name: twice\n    repeat: 2\n');
  writeFileSync(path.join(r.dir, 'plain.tests.yaml'), 'prompt: p.prompt\ncases:\n  - name: solo\n');
  const plain = await loadSuite(pathToFileURL(path.join(r.dir, 'plain.tests.yaml')).toString(), pathToFileURL(r.dir).toString(), readTextUri);
  assert.deepEqual(variantProfiles([plain]), []);
  assert.deepEqual(variantProfiles([plain, varied]), [
    { label: 'Run all variants (matrix and prompt variants)' },
    { label: 'Run variant: old × openai/a', only: 'old × openai/a' },
    { label: 'Run variant: new × openai/a', only: 'new × openai/a' },
  ]);

  const [item] = planItems([varied]);
  const tree = (n: ItemNode): unknown => (n.children.length ? [n.label, n.data.kind, n.children.map(tree)] : [n.label, n.data.kind, n.data.jobId]);
  assert.deepEqual(item.children.map(tree), [
    ['c', 'case', [['old × openai/a', 'variant', 'p.tests.yaml#c@old × openai/a'], ['new × openai/a', 'variant', 'p.tests.yaml#c@new × openai/a']]],
    ['twice', 'case', [
      ['run 1 of 2', 'repeat', 'p.tests.yaml#twice'],
      ['run 2 of 2', 'repeat', 'p.tests.yaml#twice#2'],
      ['old × openai/a', 'variant', [['run 1 of 2', 'repeat', 'p.tests.yaml#twice@old × openai/a'], ['run 2 of 2', 'repeat', 'p.tests.yaml#twice@old × openai/a#2']]],
      ['new × openai/a', 'variant', [['run 1 of 2', 'repeat', 'p.tests.yaml#twice@new × openai/a'], ['run 2 of 2', 'repeat', 'p.tests.yaml#twice@new × openai/a#2']]],
    ]],
  ]);

  const suites = [varied, plain];
  const ids = (jobs: { id: string }[]) => jobs.map((j) => j.id);
  // The default profile: every case once with the suite's prompt.
  assert.deepEqual(ids(jobsForRun(suites, undefined, [])), ['p.tests.yaml#c', 'p.tests.yaml#twice', 'p.tests.yaml#twice#2', 'plain.tests.yaml#solo']);
  // One variant's profile: that variant of the varied suite, the plain suite as usual.
  assert.deepEqual(ids(jobsForRun(suites, undefined, [], variantProfiles(suites)[1])), ['p.tests.yaml#c@old × openai/a', 'p.tests.yaml#twice@old × openai/a', 'p.tests.yaml#twice@old × openai/a#2', 'plain.tests.yaml#solo']);
  // All variants, for one case item.
  const c = item.children[0];
  assert.deepEqual(ids(jobsForRun(suites, [c.data], [], variantProfiles(suites)[0])), ['p.tests.yaml#c@old × openai/a', 'p.tests.yaml#c@new × openai/a']);
  // A variant item runs its variant from any profile; excluding a variant item leaves it out.
  assert.deepEqual(ids(jobsForRun(suites, [c.children[1].data], [])), ['p.tests.yaml#c@new × openai/a']);
  assert.deepEqual(ids(jobsForRun(suites, [c.data], [c.children[0].data], variantProfiles(suites)[0])), ['p.tests.yaml#c@new × openai/a']);
});

test('inline results: a case run on variants keeps one line over its variants, naming the ones that did not pass', () => {
  const inline = new InlineResults();
  const result = (variant: string, status: CaseResult['status'], repeat = 1, repeats = 1) => ({ fixtureUri: 'file:///w/p.tests.yaml', caseLine: 4, variant, status, repeat, repeats, reason: '', cached: false, assertions: [] }) as unknown as CaseResult;
  inline.add(result('old × a', 'failed'));
  assert.deepEqual(inline.of('file:///w/p.tests.yaml').map((e) => [e.line, e.text, e.status]), [[4, 'variants: 0/1 passed · ✗ old × a', 'failed']]);
  inline.add(result('new × a', 'passed'));
  inline.add(result('new × b', 'passed', 1, 2));
  inline.add(result('new × b', 'failed', 2, 2));
  assert.deepEqual(inline.of('file:///w/p.tests.yaml').map((e) => [e.text, e.status]), [['variants: 1/3 passed · ✗ old × a, new × b', 'failed']]);
  inline.add(result('old × a', 'passed'));
  inline.add(result('new × b', 'passed', 1, 2));
  assert.deepEqual(inline.of('file:///w/p.tests.yaml').map((e) => [e.text, e.status]), [['variants: 3/3 passed', 'passed']]);
});
