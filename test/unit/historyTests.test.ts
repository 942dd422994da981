// "Compare Test Results" headless: `prompt-workbench diff --tests` runs a prompt's fixture suite
// against two versions from git (a local OpenAI-compatible server on 127.0.0.1 plays the model),
// compares per case, and reuses recorded results of the same text instead of asking again;
// `diff --runs` compares two run records.
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import * as path from 'node:path';
import { PassThrough } from 'node:stream';
import { after, before, test } from 'node:test';
import { diffMain, type DiffResult } from '../../server/src/cli/diff';
import { prompt, TempRepo } from '../support/gitRepo';
import { MockProvider } from '../support/mockProvider';

let mock: MockProvider;

before(async () => {
  // The "model" offers a refund only when the prompt's policy tells it to.
  mock = await MockProvider.start({
    script: (req) => {
      const system = ((req.body.messages as { role: string; content: string }[]) ?? []).find((m) => m.role === 'system')?.content ?? '';
      return { text: system.includes('always offer a refund') ? 'Thank you for writing. We will refund you today.' : 'Thank you for writing. We cannot help with that.', usage: { input: 40, output: 12 } };
    },
  });
});

after(async () => {
  await mock.stop();
});

const V1 = prompt('model: openai/gpt-4o-mini\ninput:\n  schema:\n    message: string', '{{role "system"}}\nYou answer customers. Refund policy: always offer a refund.\n{{role "user"}}\n{{message}}\n');
const V2 = prompt('model: openai/gpt-4o-mini\ninput:\n  schema:\n    message: string', '{{role "system"}}\nYou answer customers. Be brief.\n{{role "user"}}\n{{message}}\n');
const FIXTURE = `prompt: ./support.prompt
defaults:
  vars:
    message: My order arrived broken.
cases:
  - name: offers a refund
    assert:
      - type: icontains
        value: refund
  - name: polite
    assert:
      - type: icontains
        value: thank
  - name: policy is in the prompt
    provider: render
    assert:
      - type: contains
        value: Refund policy
`;

function repoWithTwoVersions(): TempRepo {
  const repo = TempRepo.init();
  repo.write('prompts/support.tests.yaml', FIXTURE);
  repo.commitFile('prompts/support.prompt', V1, 'Support prompt with a refund policy');
  repo.commitFile('prompts/support.prompt', V2, 'Shorter support prompt');
  return repo;
}

async function diff(args: string[], cwd: string) {
  const out = new PassThrough();
  let stdout = '';
  out.on('data', (d) => (stdout += d));
  const env = { ...process.env, OPENAI_API_KEY: 'sk-test-not-a-real-key', OPENAI_BASE_URL: mock.openaiBaseUrl };
  const code = await diffMain(args, cwd, out, env);
  return { code, stdout };
}

test('diff --tests: both versions run with the same provider, cases compared, newly failing exits 1', async () => {
  const repo = repoWithTwoVersions();
  const before = mock.requests.length;
  const r = await diff(['prompts/support.prompt', 'HEAD~1', 'HEAD', '--tests', '--no-cache', '--json'], repo.dir);
  assert.equal(r.code, 1, 'a case newly fails');
  const json = JSON.parse(r.stdout) as DiffResult;
  assert.equal(mock.requests.length - before, 4, 'two model cases per version');
  assert.ok(mock.requests.slice(before).every((q) => q.body.model === 'gpt-4o-mini'));
  const t = json.tests!;
  assert.deepEqual(t.a.fixtures, ['prompts/support.tests.yaml']);
  assert.deepEqual([t.a.ran, t.a.reused, t.b.ran, t.b.reused], [3, 0, 3, 0]);
  const byName = Object.fromEntries(t.comparison.cases.map((c) => [c.caseName, c]));
  assert.equal(byName['offers a refund'].change, 'newly-failing');
  assert.equal(byName['offers a refund'].a!.output, 'Thank you for writing. We will refund you today.');
  assert.equal(byName['offers a refund'].b!.output, 'Thank you for writing. We cannot help with that.');
  assert.deepEqual(byName['offers a refund'].assertionChanges, [{ type: 'icontains', value: 'contains "refund" (any case)', a: true, b: false }]);
  assert.equal(byName['policy is in the prompt'].change, 'newly-failing');
  assert.equal(byName.polite.change, 'still-passing');
  assert.equal(byName.polite.outputChanged, true);
  assert.equal(byName.polite.tokensDelta, 0);
  assert.deepEqual(t.comparison.a.commits, [repo.git('rev-parse', 'HEAD~1').trim()]);
  assert.deepEqual(t.comparison.b.models, ['gpt-4o-mini', 'render']);
  // Each version's fresh results were recorded, with the hash of the text that ran.
  const records = readdirSync(path.join(repo.dir, '.prompt-workbench', 'runs')).filter((f) => f.endsWith('.jsonl'));
  assert.equal(records.length, 2);
});

test('recorded results of the same text are reused instead of asking the model again', async () => {
  const repo = repoWithTwoVersions();
  await diff(['prompts/support.prompt', 'HEAD~1', 'HEAD', '--tests', '--no-cache'], repo.dir);
  const before = mock.requests.length;
  // The response cache is off: only the run records can spare the model calls.
  const again = await diff(['prompts/support.prompt', 'HEAD~1', 'HEAD', '--tests', '--no-cache'], repo.dir);
  assert.equal(mock.requests.length, before, 'no model call the second time');
  assert.equal(again.code, 1);
  assert.match(again.stdout, /\n {2}A: 0 run, 3 reused; B: 0 run, 3 reused\n/);
  assert.match(again.stdout, /Result: 2 newly failing, 3 outputs changed/);
  assert.match(again.stdout, /NEWLY FAILING, output changed: offers a refund/);
  assert.match(again.stdout, / {2}icontains - contains "refund" \(any case\): pass -> fail/);
  // The working copy has the same text as HEAD: its results are reused too.
  const working = await diff(['prompts/support.prompt', 'HEAD~1', '--tests', '--no-cache', '--json'], repo.dir);
  assert.equal(mock.requests.length, before);
  assert.equal((JSON.parse(working.stdout) as DiffResult).tests!.b.reused, 3);
  // A changed case (different values) is not the recorded one: it runs again.
  repo.write('prompts/support.tests.yaml', FIXTURE.replace('My order arrived broken.', 'My parcel is late.'));
  const changed = await diff(['prompts/support.prompt', 'HEAD~1', 'HEAD', '--tests', '--no-cache', '--json'], repo.dir);
  const t = (JSON.parse(changed.stdout) as DiffResult).tests!;
  assert.deepEqual([t.a.ran, t.b.ran], [3, 3]);
  assert.equal(mock.requests.length - before, 4);
  // A changed expectation (same assertion type, another value) must not reuse the recorded verdict.
  const afterValues = mock.requests.length;
  repo.write('prompts/support.tests.yaml', FIXTURE.replace('My order arrived broken.', 'My parcel is late.').replace('value: thank', 'value: sorry'));
  const rechecked = await diff(['prompts/support.prompt', 'HEAD~1', 'HEAD', '--tests', '--no-cache', '--json'], repo.dir);
  const r = (JSON.parse(rechecked.stdout) as DiffResult).tests!;
  assert.deepEqual([r.a.reused, r.a.ran, r.b.reused, r.b.ran], [2, 1, 2, 1], 'only the case whose assertion changed runs again');
  assert.equal(mock.requests.length - afterValues, 2);
});

test('diff --runs compares two run records; without fixtures --tests says what to do', async () => {
  const repo = repoWithTwoVersions();
  await diff(['prompts/support.prompt', 'HEAD~1', 'HEAD', '--tests'], repo.dir);
  const dir = path.join(repo.dir, '.prompt-workbench', 'runs');
  const [first, second] = readdirSync(dir).filter((f) => f.endsWith('.jsonl')).sort();
  const r = await diff(['--runs', path.join(dir, first), path.join(dir, second)], repo.dir);
  assert.equal(r.code, 1);
  assert.match(r.stdout, /Result: 2 newly failing, 3 outputs changed/);

  const bare = TempRepo.init();
  bare.commitFile('p.prompt', V1, 'One');
  bare.commitFile('p.prompt', V2, 'Two');
  await assert.rejects(diff(['p.prompt', 'HEAD~1', 'HEAD', '--tests'], bare.dir), /--tests: No fixture file tests this prompt: create one beside it/);
  await assert.rejects(diff(['--runs', 'only-one.jsonl'], bare.dir), /takes two run record files/);
});
