// The project and the workspace host: the project config's sections and their problems, the
// project root, the one skip list, the Node host's reads and searches, cancellation, and the
// command line's drifts (`.tests.yml`, helpers, ids from any folder, the cache kept out of git).
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { pathToFileURL } from 'node:url';
import { createNodeHost } from '../../server/src/node/host';
import { CancelledError, commonProjectRoot, excludeGlobs, findProjectRoot, FixtureFileCache, fixtureTexts, isExcluded, lint, parsePromptDocument, ProjectConfigs, references, WORKBENCH_GITIGNORE } from '../../server/src/service';
import { runCli } from '../support/cli';
import { TempRepo } from '../support/gitRepo';
import { MockProvider } from '../support/mockProvider';

function tree(files: Record<string, string>, prefix = 'pw-project-'): string {
  const dir = mkdtempSync(path.join(tmpdir(), prefix));
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    writeFileSync(path.join(dir, name), text);
  }
  return dir;
}

const cancelled = { isCancellationRequested: true };

test('project config: every section parsed, problems on the node at fault, valid sections still apply', () => {
  const text = 'rules:\n  vague-language: off\ntemplate:\n  helpers: [shout, upper]\nfiles:\n  exclude: [generated, legacy/**]\ntokens:\n  model: openai/gpt-4o\n  budget: 3000\n  warnAtShare: 0.5\n';
  const ok = lint.parseLintConfig(text, lint.RULES, 'prompt-workbench.yaml');
  assert.deepEqual(ok.problems, []);
  assert.deepEqual(ok.config.helpers, ['shout', 'upper']);
  assert.deepEqual(ok.config.exclude, ['generated', 'legacy/**']);
  assert.deepEqual(ok.config.tokens, { model: 'openai/gpt-4o', budget: 3000, warnAtShare: 0.5 });
  assert.equal(ok.config.rules['vague-language'].level, 'off');

  const bad = 'templat:\n  helpers: [x]\ntokens:\n  warnAtShare: 3\nfiles:\n  exclud: [a]\ntemplate:\n  helpers: [shout]\n';
  const r = lint.parseLintConfig(bad, lint.RULES, 'prompt-workbench.yaml');
  const at = (p: { span: { start: number; end: number } }) => bad.slice(p.span.start, p.span.end);
  const unknownTop = r.problems.find((p) => p.message.includes('`templat`'));
  assert.ok(unknownTop && /Did you mean `template`\?/.test(unknownTop.message), JSON.stringify(r.problems));
  assert.equal(at(unknownTop), 'templat');
  const nested = r.problems.find((p) => p.message.includes('`exclud`'));
  assert.ok(nested && /in `files:`/.test(nested.message) && /Did you mean `exclude`\?/.test(nested.message));
  assert.equal(at(nested), 'exclud');
  const share = r.problems.find((p) => p.message.includes('tokens.warnAtShare'));
  assert.ok(share, JSON.stringify(r.problems.map((p) => p.message)));
  assert.equal(at(share), '3');
  assert.deepEqual(r.config.helpers, ['shout'], 'the valid section applies');
  assert.equal(r.config.tokens, undefined, 'the invalid one does not');
});

test('project root: the nearest config up to the git root, else the git root, else the start folder', () => {
  const dir = tree({ 'repo/.git/HEAD': 'ref: refs/heads/main\n', 'repo/a/b/x.prompt': '', 'repo/a/prompt-workbench.yaml': '', 'loose/y.prompt': '' });
  const exists = (p: string) => existsSync(p);
  assert.deepEqual(findProjectRoot(path.join(dir, 'repo', 'a', 'b'), exists), { root: path.join(dir, 'repo', 'a'), reason: 'config', configFile: path.join(dir, 'repo', 'a', 'prompt-workbench.yaml') });
  assert.deepEqual(findProjectRoot(path.join(dir, 'repo'), exists), { root: path.join(dir, 'repo'), reason: 'git' });
  assert.deepEqual(findProjectRoot(path.join(dir, 'loose'), exists), { root: path.join(dir, 'loose'), reason: 'start' });
  // A run over files of one project gets that project's root from any working folder.
  const files = [path.join(dir, 'repo', 'a', 'b', 'x.prompt')];
  assert.equal(commonProjectRoot(files, exists, dir), path.join(dir, 'repo', 'a'));
  assert.equal(commonProjectRoot(files, exists, path.join(dir, 'repo', 'a', 'b')), path.join(dir, 'repo', 'a'));
  // `.promptlintrc.yaml` still counts as a project config.
  writeFileSync(path.join(dir, 'loose', '.promptlintrc.yaml'), 'rules: {}\n');
  assert.equal(findProjectRoot(path.join(dir, 'loose'), exists).reason, 'config');
});

test('one skip list: built-in folders plus files.exclude, as globs and for single paths', () => {
  assert.deepEqual(excludeGlobs(['generated', './legacy/', 'build/**']), ['**/node_modules/**', '**/.git/**', '**/dist/**', '**/out/**', '**/.prompt-workbench/**', '**/generated/**', '**/legacy/**', 'build/**']);
  assert.equal(isExcluded('a/dist/x.tests.yaml'), true);
  assert.equal(isExcluded('a/distant/x.tests.yaml'), false);
  assert.equal(isExcluded('generated/x.prompt', ['generated']), true);
  assert.equal(isExcluded('legacy/sub/x.prompt', ['legacy/**']), true);
  assert.equal(isExcluded('src/legacy/x.prompt', ['legacy/**']), false);
});

test('the Node host: searches skip the same folders, reads prefer the open text and re-read a changed file', async () => {
  const dir = tree({ 'a.tests.yaml': 'cases: []\n', 'b.tests.yml': 'cases: []\n', 'dist/c.tests.yaml': '', 'out/d.tests.yaml': '', 'node_modules/e.tests.yaml': '', 'gen/f.tests.yaml': '', '.prompt-workbench/runs/g.tests.yaml': '' });
  const open = new Map<string, string>();
  const host = createNodeHost({ roots: [dir], exclude: ['gen'], openText: (u) => open.get(u) });
  const found = (await host.findFiles(['**/*.tests.yaml', '**/*.tests.yml'])).map((u) => path.relative(dir, new URL(u).pathname));
  assert.deepEqual(found, ['a.tests.yaml', 'b.tests.yml']);

  const uri = pathToFileURL(path.join(dir, 'a.tests.yaml')).toString();
  assert.equal(await host.readText(uri), 'cases: []\n');
  writeFileSync(path.join(dir, 'a.tests.yaml'), 'cases: [1]\n');
  utimesSync(path.join(dir, 'a.tests.yaml'), new Date(), new Date(Date.now() + 5000));
  assert.equal(await host.readText(uri), 'cases: [1]\n', 'a new modification time is read again');
  open.set(uri, 'editor text');
  assert.equal(await host.readText(uri), 'editor text');
  assert.equal(host.exists(path.join(dir, 'nope.prompt')), false);
  assert.deepEqual(await host.stat(pathToFileURL(path.join(dir, 'nope.prompt')).toString()), undefined);
  await assert.rejects(host.readText(pathToFileURL(path.join(dir, 'nope.prompt')).toString()));
});

test('project configs through the host: the nearest one per file, the editor text first, re-read after clear()', async () => {
  const dir = tree({ 'prompt-workbench.yaml': 'template:\n  helpers: [a]\n', 'sub/.promptlintrc.yaml': 'template:\n  helpers: [b]\n', 'sub/x.prompt': '', 'y.prompt': '' });
  const open = new Map<string, string>();
  const host = createNodeHost({ roots: [dir], openText: (u) => open.get(u) });
  const configs = new ProjectConfigs(host);
  assert.deepEqual((await configs.configFor(pathToFileURL(path.join(dir, 'sub', 'x.prompt')).toString()))?.helpers, ['b']);
  assert.deepEqual((await configs.configFor(path.join(dir, 'y.prompt')))?.helpers, ['a']);
  open.set(pathToFileURL(path.join(dir, 'prompt-workbench.yaml')).toString(), 'template:\n  helpers: [edited]\n');
  configs.clear();
  assert.deepEqual((await configs.configFor(path.join(dir, 'y.prompt')))?.helpers, ['edited']);
});

test('cancellation stops file searches, fixture collection and references', async () => {
  const dir = tree({ 'p.prompt': '---\ninput:\n  schema:\n    name: string\n---\nHi {{name}}\n', 'p.tests.yaml': 'cases:\n  - name: a\n    vars: { name: x }\n' });
  const host = createNodeHost({ roots: [dir] });
  await assert.rejects(host.findFiles(['**/*.tests.yaml'], { token: cancelled }), CancelledError);
  await assert.rejects(fixtureTexts(host, [], cancelled), CancelledError);
  const fixtures = await fixtureTexts(host, []);
  assert.equal(fixtures.length, 1);
  const text = readFileSync(path.join(dir, 'p.prompt'), 'utf8');
  const doc = parsePromptDocument(text, pathToFileURL(path.join(dir, 'p.prompt')).toString());
  const offset = text.indexOf('{{name}}') + 3;
  assert.equal(references(doc, offset, true, { fixtures }).length, 3, 'declaration, use and the fixture key');
  assert.throws(() => references(doc, offset, true, { fixtures, token: cancelled }), CancelledError);
});

test('the engine imports neither node:fs nor node:child_process (nor a file-system library)', () => {
  const engine = path.resolve(__dirname, '..', '..', 'server', 'src', 'service');
  const offenders: string[] = [];
  const walk = (dir: string) => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (/\.ts$/.test(e.name)) {
        const src = readFileSync(p, 'utf8');
        for (const m of src.matchAll(/(?:from\s+|require\(|import\()\s*['"]((?:node:)?(?:fs|fs\/promises|child_process)|tinyglobby|vscode)['"]/g)) offenders.push(`${path.relative(engine, p)}: ${m[1]}`);
      }
    }
  };
  walk(engine);
  assert.deepEqual(offenders, []);
});

const PROMPT = '---\nmodel: openai/gpt-4o\ninput:\n  schema:\n    name: string\n---\nHello {{shout name}}!\n';
const SUITE = (prompt: string) => `prompt: ${prompt}\ncases:\n  - name: greets\n    provider: render\n    vars: { name: Ada }\n    assert:\n      - type: contains\n        value: Ada\n`;

test('CLI: *.tests.yml runs like *.tests.yaml, in folders and by name; dist/ and files.exclude are skipped', async () => {
  const dir = tree({ 'p.prompt': PROMPT.replace('{{shout name}}', '{{name}}'), 'suites/p.tests.yml': SUITE('../p.prompt'), 'q.tests.yaml': SUITE('p.prompt'), 'dist/p.tests.yaml': SUITE('../p.prompt'), 'gen/p.tests.yml': SUITE('../p.prompt'), 'prompt-workbench.yaml': 'files:\n  exclude: [gen]\n' });
  const all = await runCli(['test', '.', '--reporter', 'json', '--no-record'], dir);
  assert.equal(all.code, 0, all.stderr);
  const ids = (JSON.parse(all.stdout) as { results: { id: string; status: string }[] }).results.map((r) => `${r.id} ${r.status}`).sort();
  assert.deepEqual(ids, ['q.tests.yaml#greets passed', 'suites/p.tests.yml#greets passed']);
  const one = await runCli(['test', 'suites/p.tests.yml', '--no-record'], dir);
  assert.equal(one.code, 0, one.stderr);
  assert.match(one.stdout, /PASS {2}suites\/p\.tests\.yml:3 greets/);
});

test('CLI: a helper in the project config silences unknown-helper in lint', async () => {
  const dir = tree({ 'p.prompt': PROMPT });
  const before = await runCli(['lint', 'p.prompt', '--format', 'json'], dir);
  const codesOf = (out: string) => (JSON.parse(out) as { diagnostics: { code: string; line: number }[] }[])[0].diagnostics.map((d) => `${d.line}:${d.code}`);
  assert.ok(codesOf(before.stdout).includes('7:unknown-helper'), before.stdout);
  writeFileSync(path.join(dir, 'prompt-workbench.yaml'), 'template:\n  helpers: [shout]\n');
  const after = await runCli(['lint', 'p.prompt', '--format', 'json'], dir);
  assert.ok(!codesOf(after.stdout).some((c) => c.endsWith('unknown-helper')), after.stdout);
  writeFileSync(path.join(dir, 'prompt-workbench.yaml'), 'template:\n  helper: [shout]\n');
  const broken = await runCli(['lint', 'p.prompt'], dir);
  assert.equal(broken.code, 2);
  assert.match(broken.stderr, /prompt-workbench\.yaml:2:3: Unknown key `helper` in `template:`.*Did you mean `helpers`\?/);
});

test('CLI: one suite run from the repository root and from its own folder gives the same ids, and diff --runs pairs them', async () => {
  const repo = TempRepo.init('pw-project-repo-');
  repo.write('prompts/greet/p.prompt', PROMPT.replace('{{shout name}}', '{{name}}'));
  repo.write('prompts/greet/p.tests.yaml', SUITE('p.prompt'));
  repo.commit('a prompt and its suite');
  const fromRoot = await runCli(['test', 'prompts', '--reporter', 'json'], repo.dir);
  const fromFolder = await runCli(['test', '.', '--reporter', 'json'], repo.path('prompts/greet'));
  assert.equal(fromRoot.code, 0, fromRoot.stderr);
  assert.equal(fromFolder.code, 0, fromFolder.stderr);
  const idsOf = (out: string) => (JSON.parse(out) as { results: { id: string }[] }).results.map((r) => r.id);
  assert.deepEqual(idsOf(fromRoot.stdout), ['prompts/greet/p.tests.yaml#greets']);
  assert.deepEqual(idsOf(fromFolder.stdout), idsOf(fromRoot.stdout));
  // Both runs wrote their records at the project root (the git root here).
  const runs = readdirSync(repo.path('.prompt-workbench/runs')).sort();
  assert.equal(runs.length, 2);
  const diff = await runCli(['diff', '--runs', `.prompt-workbench/runs/${runs[0]}`, `.prompt-workbench/runs/${runs[1]}`, '--json'], repo.dir);
  const comparison = (JSON.parse(diff.stdout) as { comparison: { counts: Record<string, number> } }).comparison;
  assert.equal(comparison.counts.added, 0, diff.stdout);
  assert.equal(comparison.counts.removed, 0, diff.stdout);
  assert.equal(comparison.counts['still-passing'], 1, diff.stdout);
});

test('CLI: .prompt-workbench/.gitignore keeps the response cache out of git status; records stay visible', async () => {
  const repo = TempRepo.init('pw-project-cache-');
  repo.write('p.prompt', PROMPT.replace('{{shout name}}', '{{name}}'));
  repo.write('p.tests.yaml', SUITE('p.prompt').replace('provider: render', 'provider: openai\n    model: gpt-4o-mini'));
  repo.commit('suite');
  const server = await MockProvider.start({ script: () => ({ text: 'Hello Ada!' }) });
  try {
    const r = await runCli(['test', '.'], repo.dir, { OPENAI_API_KEY: 'sk-test', OPENAI_BASE_URL: server.openaiBaseUrl });
    assert.equal(r.code, 0, r.stderr + r.stdout);
  } finally {
    await server.stop();
  }
  assert.equal(readFileSync(repo.path('.prompt-workbench/.gitignore'), 'utf8'), WORKBENCH_GITIGNORE);
  assert.ok(readdirSync(repo.path('.prompt-workbench/cache')).length > 0, 'an answer was cached');
  const status = repo.git('status', '--porcelain', '--untracked-files=all').split('\n').filter(Boolean).sort();
  assert.ok(status.every((l) => !l.includes('cache/')), status.join('\n'));
  assert.ok(status.some((l) => l.includes('.prompt-workbench/runs/')), 'records are meant to be committed');
});

test('change events: a fixture file created on disk joins the cached list once the host is told', async () => {
  const dir = tree({ 'p.prompt': PROMPT, 'a.tests.yaml': SUITE('p.prompt') });
  const host = createNodeHost({ roots: [dir] });
  const cache = new FixtureFileCache(host, 60_000);
  const promptUri = pathToFileURL(path.join(dir, 'p.prompt')).toString();
  assert.equal((await cache.forPrompt(promptUri, [])).length, 1);
  writeFileSync(path.join(dir, 'b.tests.yaml'), SUITE('p.prompt'));
  assert.equal((await cache.forPrompt(promptUri, [])).length, 1, 'the list is cached');
  host.changed(pathToFileURL(path.join(dir, 'b.tests.yaml')).toString(), 'created');
  const after = await cache.forPrompt(promptUri, []);
  assert.deepEqual(after.map((f) => path.basename(new URL(f.uri).pathname)), ['a.tests.yaml', 'b.tests.yaml']);
});
