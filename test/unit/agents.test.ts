// Agent instruction files: which names are recognised (and that ordinary Markdown is not), the
// Markdown sections, the frontmatter that decides loading, per-file and per-section tokens, the
// always-loaded set through a workspace host (budget diagnostic, recount after an edit, findings
// across files), the change summary, the project config key and `tokens --agents`.
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { test } from 'node:test';
import { AGENT_INSTRUCTION_LANGUAGES, AGENT_INSTRUCTION_PATTERNS, isAgentInstructionPath, PROMPT_LANGUAGES } from '../../server/src/languages';
import { createNodeHost } from '../../server/src/node/host';
import { formatFor, lint, parseDocument, promptFileGlobs, registeredFormats, type PromptDocument } from '../../server/src/service';
import { AgentFiles, agentCodeLenses, agentFileTokens, agentInfo, agentSetDiagnostics, agentSetTable, globMatcher, loadingOf } from '../../server/src/service/agents';
import { headingsOf, linksOf, sectionsOf } from '../../server/src/service/formats/registry';
import { describeChange, describeChangeLines, summarizeChange } from '../../server/src/service/history';
import { countPlain } from '../../server/src/service/tokens/tokenizer';
import { runCli } from '../support/cli';
import { TempRepo } from '../support/gitRepo';
import { agents as agentsExpected } from '../e2e/expectations';
import { tempWorkspace } from '../support/workspace';

const root = path.resolve(__dirname, '..', '..');

test('recognition: the agent file names, and no ordinary Markdown, prompt or fixture file', () => {
  const claimed = [
    'file:///w/AGENTS.md',
    'file:///w/pkg/AGENTS.md',
    'file:///w/.github/copilot-instructions.md',
    'file:///w/.github/instructions/ts.instructions.md',
    'file:///w/.github/prompts/review.prompt.md',
    'file:///w/.github/agents/planner.agent.md',
    'file:///w/.claude/skills/pdf/SKILL.md',
    'file:///w/CLAUDE.md',
    'file:///w/.cursor/rules/ts.mdc',
    'file:///w/.cursor/rules/backend/api.mdc',
  ];
  const notClaimed = ['file:///w/README.md', 'file:///w/docs/guide.md', 'file:///w/copilot-instructions.md', 'file:///w/rules/ts.mdc', 'file:///w/agents.md.bak', 'file:///w/x.prompt', 'file:///w/x.prompt.yml', 'file:///w/x.tests.yaml', 'file:///w/CHANGELOG.md'];
  for (const uri of claimed) {
    assert.equal(formatFor(uri)?.id, 'agent-instructions', uri);
    assert.equal(isAgentInstructionPath(uri), true, `languages.ts agrees on ${uri}`);
  }
  for (const uri of notClaimed) {
    assert.notEqual(formatFor(uri)?.id, 'agent-instructions', uri);
    assert.equal(isAgentInstructionPath(uri), false, `languages.ts agrees on ${uri}`);
  }
  assert.equal(formatFor('file:///w/x.prompt')?.id, 'dotprompt');
});

test('the format takes no VS Code language id; the client attaches by path to the ids VS Code gives', () => {
  const agents = registeredFormats().find((f) => f.id === 'agent-instructions')!;
  assert.deepEqual(agents.languageIds, []);
  for (const id of ['prompt', 'instructions', 'chatagent', 'skill', 'markdown']) assert.ok((AGENT_INSTRUCTION_LANGUAGES as readonly string[]).includes(id), id);
  for (const id of AGENT_INSTRUCTION_LANGUAGES) assert.ok(!(PROMPT_LANGUAGES as readonly string[]).includes(id), `${id} is not contributed`);
  // Every client pattern is searched by the doors (promptFileGlobs), beside the dot-folder variants.
  for (const p of AGENT_INSTRUCTION_PATTERNS) assert.ok(agents.filePatterns.includes(p), p);
  for (const p of AGENT_INSTRUCTION_PATTERNS) assert.ok(promptFileGlobs().includes(p), p);
  // The client's selectors: each agent entry names a pattern, so no other Markdown file is sent.
  const session = readFileSync(path.join(root, 'client', 'src', 'session.ts'), 'utf8');
  assert.match(session, /AGENT_INSTRUCTION_LANGUAGES\.flatMap\(\(language\) => AGENT_INSTRUCTION_PATTERNS\.map\(\(pattern\) => \(\{ language, scheme: 'file', pattern \}\)\)\)/);
  assert.doesNotMatch(session, /language: 'markdown'/);
  const manifest = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8'));
  assert.ok(!manifest.contributes.languages.some((l: { id: string }) => (AGENT_INSTRUCTION_LANGUAGES as readonly string[]).includes(l.id)), 'no agent language is contributed');
  assert.ok(manifest.activationEvents.includes('workspaceContains:AGENTS.md'));
});

test('headings: ATX and setext, not inside fences, not #hashtags, closing hashes dropped', () => {
  const text = [
    '# Title #',
    'intro',
    '```md',
    '# not a heading',
    '```',
    '~~~~',
    '## still code',
    '```',
    '## still code (a ``` does not close ~~~~)',
    '~~~~',
    '#hashtag is text',
    '',
    'Setext title',
    'over two lines',
    '===',
    '',
    '---',
    'Second',
    '------',
    '    # indented code',
    '  ### Spaced ###  ',
    '######',
  ].join('\n');
  const h = headingsOf(text);
  assert.deepEqual(
    h.map((x) => [x.level, x.title, text.slice(x.span.start, x.span.end)]),
    [
      [1, 'Title', '# Title #'],
      [1, 'Setext title over two lines', 'Setext title\nover two lines\n==='],
      [2, 'Second', 'Second\n------'],
      [3, 'Spaced', '  ### Spaced ###  '],
      [6, '', '######'],
    ],
  );
  // Sections cover the text from each heading to the next; the text before the first one comes first when not blank.
  const s = sectionsOf('Preamble.\n# A\na\n## B\nb\n');
  assert.deepEqual(s.map((x) => [x.heading?.title ?? null, 'Preamble.\n# A\na\n## B\nb\n'.slice(x.span.start, x.span.end)]), [[null, 'Preamble.\n'], ['A', '# A\na\n'], ['B', '## B\nb\n']]);
  assert.deepEqual(sectionsOf('\n\n# A\n').map((x) => x.heading?.title), ['A']);
});

test('links: inline, images, reference definitions; not in code', () => {
  const text = 'See [a](docs/a.md "t") and ![i](<img/b c.png>).\n`[x](code.md)`\n```\n[y](fence.md)\n```\n[r]: ./r.md\n';
  assert.deepEqual(linksOf(text).map((l) => [l.target, text.slice(l.span.start, l.span.end)]), [['docs/a.md', 'docs/a.md'], ['img/b c.png', 'img/b c.png'], ['./r.md', './r.md']]);
});

test('parse: the body is the one message; frontmatter fields decide loading; unknown fields are no error', () => {
  const text = '---\napplyTo: "src/**/*.ts, **/*.tsx"\nowner: web-team\n---\n# TypeScript\n\nUse strict mode.\n';
  const doc = parseDocument(text, 'file:///w/.github/instructions/ts.instructions.md');
  const info = agentInfo(doc)!;
  assert.equal(info.kind, 'instructions');
  assert.deepEqual(info.applyTo?.value, ['src/**/*.ts', '**/*.tsx']);
  assert.equal(text.slice(info.applyTo!.span.start, info.applyTo!.span.end), '"src/**/*.ts, **/*.tsx"');
  assert.equal(doc.prompt.messages.length, 1);
  assert.equal(text.slice(doc.prompt.messages[0].contentSpan.start), '# TypeScript\n\nUse strict mode.\n');
  assert.deepEqual(doc.diagnostics, [], 'an unknown field (owner) is not an error');
  assert.deepEqual(loadingOf(doc, '.github/instructions/ts.instructions.md'), { loading: 'matching', reason: 'applyTo: "src/**/*.ts,**/*.tsx"' });
  const all = parseDocument('---\napplyTo: "**"\n---\nx\n', 'file:///w/a.instructions.md');
  assert.equal(loadingOf(all, '.github/instructions/a.instructions.md').loading, 'always');
  assert.deepEqual(loadingOf(all, 'pkg/.github/instructions/a.instructions.md'), { loading: 'folder', reason: 'applyTo: "**", for work in pkg/' });
  // Outside `.github/instructions/` Copilot does not read it on its own, whatever its applyTo says.
  for (const where of ['a.instructions.md', 'docs/a.instructions.md', '.github/a.instructions.md']) assert.equal(loadingOf(all, where).loading, 'on-demand', where);
  assert.match(loadingOf(all, 'docs/a.instructions.md').reason, /outside \.github\/instructions\//);
  assert.equal(loadingOf(all, 'docs/a.instructions.md', { alwaysLoaded: ['docs/*.md'] }).loading, 'always');
  const rule = parseDocument('---\ndescription: d\nalwaysApply: true\n---\nx\n', 'file:///w/.cursor/rules/a.mdc');
  assert.equal(loadingOf(rule, '.cursor/rules/a.mdc').loading, 'always');
  const agents = parseDocument('# A\n', 'file:///w/pkg/AGENTS.md');
  assert.deepEqual(loadingOf(agents, 'pkg/AGENTS.md'), { loading: 'folder', reason: 'for work in pkg/' });
  assert.equal(loadingOf(agents, 'AGENTS.md').loading, 'always');
  assert.equal(loadingOf(agents, 'pkg/AGENTS.md', { alwaysLoaded: ['pkg/*.md'] }).loading, 'always');
  // A broken frontmatter is reported where it is, and the file is still counted.
  const broken = parseDocument('---\napplyTo: [\n---\n# A\nText\n', 'file:///w/b.instructions.md');
  assert.ok(broken.diagnostics.some((d) => d.severity === 'error'));
  assert.ok(agentFileTokens(broken)!.tokens > 0);
});

test('globs: ** across folders, * within one, a name without / at any depth, {a,b}', () => {
  assert.ok(globMatcher('src/**/*.ts')('src/a/b/c.ts'));
  assert.ok(globMatcher('src/**/*.ts')('src/c.ts'));
  assert.ok(!globMatcher('src/*.ts')('src/a/c.ts'));
  assert.ok(globMatcher('*.ts')('a/b/c.ts'));
  assert.ok(globMatcher('**/*.{ts,tsx}')('a/b.tsx'));
  assert.ok(!globMatcher('**/*.{ts,tsx}')('a/b.js'));
});

test('tokens: per section, summing to the file exactly; lenses above the file and each heading', () => {
  const body = '# Project\n\nThis repository builds a CLI. Use TypeScript.\n\n## Tests\n\nRun `npm test` before committing.\n\n```sh\n# not a section\nnpm test\n```\n\n## Style\n\nPrefer small functions.\n';
  const text = `---\ndescription: root\n---\n${body}`;
  const doc = parseDocument(text, 'file:///w/AGENTS.md');
  const t = agentFileTokens(doc)!;
  assert.deepEqual(t.sections.map((s) => [s.title, s.line]), [['Project', 3], ['Tests', 7], ['Style', 16]]);
  assert.equal(t.tokens, t.sections.reduce((s, x) => s + x.tokens, 0));
  assert.equal(t.tokens, countPlain(body, 'o200k_base'), 'the sections add up to the body counted whole');
  assert.ok(t.frontmatter > 0);
  const lenses = agentCodeLenses(doc);
  assert.deepEqual(lenses.map((l) => [l.range.start.line, l.command!.title]), [
    [0, `AGENTS.md: ${t.tokens} tokens · o200k_base`],
    [3, `# Project: ${t.sections[0].tokens} tokens`],
    [7, `## Tests: ${t.sections[1].tokens} tokens`],
    [16, `## Style: ${t.sections[2].tokens} tokens`],
  ]);
  // No chat framing: the text joins the tool's system message.
  assert.equal(agentFileTokens(doc, { model: 'gpt-4o' })!.tokens, t.tokens);
  // Claude is an estimate.
  const claude = agentFileTokens(doc, { model: 'claude-sonnet-4' })!;
  assert.equal(claude.estimated, true);
  assert.match(agentCodeLenses(doc, { model: 'claude-sonnet-4' })[0].command!.title, /≈/);
});

const workspace = (files: Record<string, string>): string => tempWorkspace('pw-agents-', files);

const FILES = {
  'AGENTS.md': '# Project\n\nAlways cite the source.\nUse TypeScript for every new module you add.\n\n## Links\n\nSee [setup](docs/setup.md).\n',
  '.github/copilot-instructions.md': '# Copilot\n\nNever cite the source.\nUse TypeScript for every new module you add.\n',
  '.github/instructions/ts.instructions.md': '---\napplyTo: "**/*.ts"\n---\nUse TypeScript for every new module you add.\n',
  '.github/instructions/all.instructions.md': '---\napplyTo: "**"\n---\nWrite commit messages in the imperative mood.\n',
  '.cursor/rules/always.mdc': '---\ndescription: always\nalwaysApply: true\n---\nKeep functions short and pure when you can.\n',
  '.github/prompts/review.prompt.md': '---\nmodel: gpt-4o\n---\nReview the change.\n',
  'pkg/AGENTS.md': '# Package\n\nPackage notes.\n',
  'README.md': '# Not an instruction file\n',
  'docs/guide.md': '# Not one either\n',
};

test('the always-loaded set through the host: which files, the sum, the budget diagnostic and where it is', async () => {
  const dir = workspace(FILES);
  const rootUri = pathToFileURL(dir).toString();
  const host = createNodeHost({ roots: [rootUri] });
  const files = new AgentFiles(host);
  const set = await files.set(rootUri, { budget: 30 });
  assert.deepEqual(
    set.files.map((f) => [f.path, f.loading]),
    [
      ['.cursor/rules/always.mdc', 'always'],
      ['.github/copilot-instructions.md', 'always'],
      ['.github/instructions/all.instructions.md', 'always'],
      ['.github/instructions/ts.instructions.md', 'matching'],
      ['.github/prompts/review.prompt.md', 'on-demand'],
      ['AGENTS.md', 'always'],
      ['pkg/AGENTS.md', 'folder'],
    ],
  );
  assert.equal(set.total, set.always.reduce((s, f) => s + f.tokens!, 0));
  assert.equal(set.always.length, 4);
  assert.ok(set.total > 30);
  assert.equal(set.over, set.total - 30);
  const agents = set.files.find((f) => f.path === 'AGENTS.md')!;
  const diags = agentSetDiagnostics(agents.doc!, set, lint.resolveLintConfig(lint.RULES));
  const budget = diags.find((d) => d.code === 'agents-budget')!;
  assert.equal(budget.severity, 'warning');
  assert.equal(FILES['AGENTS.md'].slice(budget.span.start, budget.span.end), '# Project');
  assert.match(budget.message, new RegExp(`${set.total} tokens, ${set.over} over the budget of 30`));
  // A file whose name puts it outside the set is not even read; `all` reads and counts every file.
  const pkg = set.files.find((f) => f.path === 'pkg/AGENTS.md')!;
  assert.equal(pkg.doc, undefined);
  assert.equal(pkg.tokens, undefined);
  assert.ok((await files.set(rootUri, {}, {}, { all: true })).files.every((f) => f.tokens !== undefined && f.doc));
  // A file outside the set gets no set diagnostics.
  assert.deepEqual(agentSetDiagnostics(parseDocument(FILES['pkg/AGENTS.md'], pkg.uri), set), []);
  // Within the budget: no diagnostic.
  const roomy = await files.set(rootUri, { budget: 10_000 });
  assert.equal(agentSetDiagnostics(agents.doc!, roomy).filter((d) => d.code === 'agents-budget').length, 0);
  // The table lists every file and the sum.
  const table = agentSetTable(set, 'text');
  assert.match(table, /Always loaded\s+4 files\s+\d+ \/ budget 30/);
  assert.doesNotMatch(table, /README|guide/);
  files.dispose();
});

test('the set across files: the same instruction in two files, two files contradicting, at the sentence', async () => {
  const dir = workspace(FILES);
  const rootUri = pathToFileURL(dir).toString();
  const files = new AgentFiles(createNodeHost({ roots: [rootUri] }));
  const set = await files.set(rootUri);
  const agents = set.files.find((f) => f.path === 'AGENTS.md')!;
  const config = lint.resolveLintConfig(lint.RULES);
  const found = agentSetDiagnostics(agents.doc!, set, config).map((d) => [d.code, FILES['AGENTS.md'].slice(d.span.start, d.span.end), d.severity]);
  assert.deepEqual(found, [
    ['conflicting-instructions', 'Always cite the source.', 'info'],
    ['duplicate-instruction', 'Use TypeScript for every new module you add.', 'warning'],
  ]);
  const messages = agentSetDiagnostics(agents.doc!, set, config).map((d) => d.message);
  assert.match(messages[0], /\.github\/copilot-instructions\.md line 3/);
  assert.match(messages[1], /\.github\/copilot-instructions\.md line 4/);
  // ts.instructions.md holds the same sentence but only loads for .ts files: not compared.
  assert.ok(!messages.some((m) => m.includes('ts.instructions.md')));
  // The rules' levels apply: off is off.
  const off = { ...config, levels: { ...config.levels, 'duplicate-instruction': 'off' as const, 'conflicting-instructions': 'off' as const } };
  assert.deepEqual(agentSetDiagnostics(agents.doc!, set, off), []);
  files.dispose();
});

test('a recount after an edit parses and counts the edited file only', async () => {
  const dir = workspace(FILES);
  const rootUri = pathToFileURL(dir).toString();
  const host = createNodeHost({ roots: [rootUri] });
  const files = new AgentFiles(host);
  const first = await files.set(rootUri);
  const agentsUri = pathToFileURL(path.join(dir, 'AGENTS.md')).toString();
  writeFileSync(path.join(dir, 'AGENTS.md'), `${FILES['AGENTS.md']}\nOne more instruction about error handling in every module.\n`);
  host.changed(agentsUri, 'changed');
  const second = await files.set(rootUri);
  for (const f of second.files) {
    const before = first.files.find((x) => x.uri === f.uri)!;
    if (f.uri === agentsUri) {
      assert.notEqual(f.doc, before.doc);
      assert.ok(f.tokens! > before.tokens!);
    } else assert.equal(f.doc, before.doc, `${f.path} was not parsed again`);
  }
  assert.equal(second.total - first.total, second.files.find((f) => f.uri === agentsUri)!.tokens! - first.files.find((f) => f.uri === agentsUri)!.tokens!);
  // The editor's unsaved text counts first.
  const open = parseDocument('# Short\n', agentsUri);
  const third = await files.set(rootUri, {}, {}, { open: (u) => (u === agentsUri ? open : undefined) });
  assert.equal(third.files.find((f) => f.uri === agentsUri)!.doc, open);
  // A cancelled search gives up.
  await assert.rejects(files.set(rootUri, { files: ['other/**/*.md'] }, {}, { token: { isCancellationRequested: true } }));
  files.dispose();
});

test('history: sections added, removed and changed, the token delta and frontmatter fields changed', () => {
  const before = '---\napplyTo: "**/*.ts"\n---\n# Rules\n\nUse strict mode.\n\n## Tests\n\nRun the tests.\n\n## Old\n\nGone soon.\n';
  const after = '---\napplyTo: "**"\n---\n# Rules\n\nUse strict mode.\n\n## Tests\n\nRun the tests with coverage, always.\n\n## Security\n\nNever log secrets.\n';
  const s = summarizeChange(before, after, {}, 'prompt-history:/.github/instructions/ts.instructions.md');
  assert.deepEqual(s.sections, { added: ['## Security'], removed: ['## Old'], changed: ['## Tests'] });
  assert.deepEqual(s.otherKeys, ['applyTo']);
  const body = (t: string) => t.slice(t.indexOf('# Rules'));
  assert.equal(s.tokenDelta, countPlain(body(after), 'o200k_base') - countPlain(body(before), 'o200k_base'));
  assert.match(describeChange(s), /^\+1 section, -1 section, 1 section changed, applyTo changed, [+-]\d+ tokens$/);
  const lines = describeChangeLines(s);
  assert.ok(lines.includes('Sections added: ## Security'));
  assert.ok(lines.includes('Sections removed: ## Old'));
  assert.ok(lines.includes('Sections changed: ## Tests'));
  assert.ok(lines.includes('Frontmatter fields changed: applyTo'));
  // A Dotprompt file has no sections in its summary.
  assert.equal(summarizeChange('Hi', 'Hello', {}, 'prompt-history:/a.prompt').sections, undefined);
});

test('project config: agents keys are validated where they are written', () => {
  const ok = lint.parseLintConfig('agents:\n  budget: 2000\n  alwaysLoaded: ["docs/agents/*.md"]\n  files: ["docs/agents/*.md"]\n  model: claude-sonnet-4\n', lint.RULES);
  assert.deepEqual(ok.problems, []);
  assert.deepEqual(ok.config.agents, { budget: 2000, alwaysLoaded: ['docs/agents/*.md'], files: ['docs/agents/*.md'], model: 'claude-sonnet-4' });
  const text = 'agents:\n  budget: -5\n  alwaysloaded: []\n';
  const bad = lint.parseLintConfig(text, lint.RULES);
  assert.equal(bad.problems.length, 2);
  const at = bad.problems.map((p) => text.slice(p.span.start, p.span.end)).sort();
  assert.deepEqual(at, ['-5', 'alwaysloaded']);
  assert.equal(bad.config.agents, undefined);
});

test('prompt-workbench tokens --agents prints the table and exits 1 over the budget', async () => {
  const dir = workspace({ ...FILES, 'prompt-workbench.yaml': 'agents:\n  budget: 30\n' });
  const r = await runCli(['tokens', '--agents'], dir);
  assert.equal(r.code, 1, r.stderr);
  // review.prompt.md names gpt-4o: the files were counted two ways, and the header and a column say so.
  assert.match(r.stdout, /^Agent instruction files under .*, counted per file:\n  6 files with o200k_base \(exact; no model named\)\n  1 file for gpt-4o \(named in the file\), o200k_base \(exact\)\n/);
  assert.match(r.stdout, /\.github\/prompts\/review\.prompt\.md\s+prompt file\s+on-demand\s+\d+\s+gpt-4o\n/);
  assert.match(r.stdout, /AGENTS\.md\s+AGENTS\.md\s+always\s+\d+/);
  assert.match(r.stdout, /pkg\/AGENTS\.md\s+AGENTS\.md\s+folder/);
  assert.match(r.stdout, /over its budget of 30/);
  const json = await runCli(['tokens', '--agents', '--json'], dir);
  const data = JSON.parse(json.stdout);
  assert.deepEqual(data.alwaysLoaded.files, ['.cursor/rules/always.mdc', '.github/copilot-instructions.md', '.github/instructions/all.instructions.md', 'AGENTS.md']);
  assert.equal(data.alwaysLoaded.budget, 30);
  assert.equal(data.files.find((f: { file: string }) => f.file === 'AGENTS.md').sections[1].title, 'Links');
  writeFileSync(path.join(dir, 'prompt-workbench.yaml'), 'agents:\n  budget: 100000\n');
  assert.equal((await runCli(['tokens', '--agents'], dir)).code, 0);
  // lint: the broken link and the set's findings, with their places.
  const l = await runCli(['lint', 'AGENTS.md', '--format', 'json'], dir);
  const found = JSON.parse(l.stdout)[0].diagnostics.map((d: { line: number; column: number; code: string }) => `${d.line}:${d.column} ${d.code}`);
  assert.deepEqual(found, ['3:1 conflicting-instructions', '4:1 duplicate-instruction', '8:13 broken-link']);
});

test('tokens --agents says what the numbers were counted for and how: no model, a Claude model, an OpenAI model', async () => {
  const dir = workspace({ 'CLAUDE.md': '# Project\n\nUse pnpm. Run the tests with pnpm test.\n', 'AGENTS.md': '# Agents\n\nKeep answers short.\n' });
  const plain = await runCli(['tokens', '--agents'], dir);
  assert.equal(plain.code, 0, plain.stderr);
  assert.match(plain.stdout, /^Agent instruction files under .*, counted with o200k_base \(exact; no model named\):\n/);
  assert.doesNotMatch(plain.stdout, /≈/);
  // No model named in a CLAUDE.md set: the note says the numbers are not Claude's and how to get an estimate of them.
  assert.match(plain.stdout, /note: CLAUDE\.md is read by Claude models, whose tokenizer differs: --model claude-sonnet-4-5 \(or agents\.model\) counts an estimate for one\.\n/);
  const claude = await runCli(['tokens', '--agents', '--model', 'claude-sonnet-4-5'], dir);
  assert.match(claude.stdout, /^Agent instruction files under .*, counted for claude-sonnet-4-5, Claude estimate \(o200k_base × 1\.20\):\n/);
  assert.doesNotMatch(claude.stdout, /o200k_base \(exact/);
  assert.match(claude.stdout, /CLAUDE\.md\s+CLAUDE\.md\s+always\s+≈\d+\n/);
  assert.match(claude.stdout, /≈ marks estimates\.\n/);
  assert.doesNotMatch(claude.stdout, /note: CLAUDE/, 'a model is named: no note');
  // agents.model of the project config counts the same way as --model.
  writeFileSync(path.join(dir, 'prompt-workbench.yaml'), 'agents:\n  model: claude-sonnet-4-5\n');
  assert.equal((await runCli(['tokens', '--agents'], dir)).stdout, claude.stdout);
  const gpt = await runCli(['tokens', '--agents', '--model', 'gpt-4o'], dir);
  assert.match(gpt.stdout, /^Agent instruction files under .*, counted for gpt-4o, o200k_base \(exact\):\n/);
  const json = JSON.parse((await runCli(['tokens', '--agents', '--json', '--model', 'claude-sonnet-4-5'], dir)).stdout);
  assert.deepEqual(json.counting, [{ model: 'claude-sonnet-4-5', source: 'setting', how: 'Claude estimate (o200k_base × 1.20)', exact: false, files: 2 }]);
  assert.equal(json.files.find((f: { file: string }) => f.file === 'CLAUDE.md').tokenizer, 'Claude estimate (o200k_base × 1.20)');
});

test('tokens --agents: a prompt file that names its own model is counted for it, and only the files shown as estimates make the ≈ line', async () => {
  // The estimate is outside the always-loaded set: the line explaining ≈ is still printed.
  const dir = workspace({ 'AGENTS.md': '# Agents\n\nKeep answers short.\n', '.github/prompts/plan.prompt.md': '---\nmodel: Claude Sonnet 4.5 (copilot)\n---\nPlan the change.\n' });
  const r = await runCli(['tokens', '--agents'], dir);
  // As many files each way: in the order the files are listed.
  assert.match(r.stdout, /counted per file:\n  1 file for claude-sonnet-4-5 \(named in the file\), Claude estimate \(o200k_base × 1\.20\)\n  1 file with o200k_base \(exact; no model named\)\n/);
  assert.match(r.stdout, /plan\.prompt\.md\s+prompt file\s+on-demand\s+≈\d+\s+claude-sonnet-4-5\n/);
  assert.match(r.stdout, /AGENTS\.md\s+AGENTS\.md\s+always\s+\d+\s+o200k_base\n/);
  assert.match(r.stdout, /≈ marks estimates\.\n/);
});

test('the format is in the registry as its own kind, for every door that lists formats', () => {
  const f = registeredFormats().find((x) => x.id === 'agent-instructions');
  assert.ok(f);
  assert.equal(f.displayName, 'Agent instructions');
  const doc: PromptDocument = parseDocument('# A\n', 'file:///w/CLAUDE.md');
  assert.equal(doc.format, 'agent-instructions');
});

test('prompt-workbench diff on an instruction file names the sections and fields that changed', async () => {
  const repo = TempRepo.init('pw-agents-diff-');
  repo.write('.github/instructions/ts.instructions.md', '---\napplyTo: "**/*.ts"\n---\n# Rules\n\nUse strict mode.\n\n## Old\n\nGone soon.\n');
  repo.commit('first');
  repo.write('.github/instructions/ts.instructions.md', '---\napplyTo: "**"\n---\n# Rules\n\nUse strict mode everywhere.\n\n## New\n\nNever log secrets.\n');
  repo.commit('second');
  const r = await runCli(['diff', '.github/instructions/ts.instructions.md'], repo.dir);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /\+1 section, -1 section, 1 section changed, applyTo changed, \+\d+ tokens/);
  assert.match(r.stdout, /Sections added: ## New\n\s+Sections removed: ## Old\n\s+Sections changed: # Rules\n\s+Frontmatter fields changed: applyTo/);
});

test('the end-to-end agents scenario: its expected counts are the files\' (o200k_base, sections, set)', async () => {
  const expected = agentsExpected;
  const dir = path.join(root, 'test', 'e2e', 'scenarios', 'agents');
  const text = readFileSync(path.join(dir, 'AGENTS.md'), 'utf8');
  const t = agentFileTokens(parseDocument(text, pathToFileURL(path.join(dir, 'AGENTS.md')).toString()))!;
  assert.equal(t.tokens, expected.tokens);
  assert.deepEqual(t.sections.map((s) => ({ title: `${'#'.repeat(s.level)} ${s.title}`, line: s.line, tokens: s.tokens })), expected.sections);
  const files = new AgentFiles(createNodeHost({ roots: [pathToFileURL(dir).toString()] }));
  const set = await files.set(pathToFileURL(dir).toString(), lint.parseLintConfig(readFileSync(path.join(dir, 'prompt-workbench.yaml'), 'utf8'), lint.RULES).config.agents);
  assert.equal(set.total, expected.total);
  assert.equal(set.budget, expected.budget);
  files.dispose();
});

test('files a CLAUDE.md or GEMINI.md imports (@path) join the always-loaded set, hop by hop, each once', async () => {
  const chain = Object.fromEntries(Array.from({ length: 7 }, (_, i) => [`chain/c${i}.md`, `Step ${i} of the chain.\n${i < 6 ? `@./c${i + 1}.md\n` : ''}`]));
  const dir = workspace({
    'CLAUDE.md': '# Claude\n\n@AGENTS.md\n- Style: @docs/style.md.\n@docs/missing.md\n@~/personal.md\n```\n@docs/in-code.md\n```\n',
    'AGENTS.md': '# Project\n\nAlways cite the source.\n',
    'docs/style.md': '# Style\n\nWrite short sentences.\n@./deeper.md\n',
    'docs/deeper.md': 'Prefer lists.\n@style.md\n',
    'docs/in-code.md': 'Never read.\n',
    'GEMINI.md': 'Gemini notes.\n@chain/c0.md\n',
    ...chain,
  });
  const rootUri = pathToFileURL(dir).toString();
  const files = new AgentFiles(createNodeHost({ roots: [rootUri] }));
  const set = await files.set(rootUri);
  const always = new Map(set.always.map((f) => [f.path, f.reason]));
  // AGENTS.md is in the set by its name already: not added again; the cycle back to style.md ends.
  assert.equal(set.always.filter((f) => f.path === 'AGENTS.md').length, 1);
  assert.equal(always.get('docs/style.md'), 'imported by CLAUDE.md');
  assert.equal(always.get('docs/deeper.md'), 'imported by docs/style.md');
  assert.equal(set.always.filter((f) => f.path === 'docs/style.md').length, 1);
  // Not imports: in code, from the home folder; a missing file is left to broken-link.
  assert.ok(!always.has('docs/in-code.md') && !always.has('docs/missing.md'));
  // Five hops from GEMINI.md: c0 (1) ... c4 (5); c5 and c6 are beyond Claude Code's limit.
  assert.deepEqual(['chain/c0.md', 'chain/c1.md', 'chain/c2.md', 'chain/c3.md', 'chain/c4.md', 'chain/c5.md', 'chain/c6.md'].map((p) => always.has(p)), [true, true, true, true, true, false, false]);
  assert.equal(always.get('chain/c1.md'), 'imported by chain/c0.md');
  // The total is the sum of the set, imports included.
  assert.equal(set.total, set.always.reduce((s, f) => s + (f.tokens ?? 0), 0));
  const style = set.always.find((f) => f.path === 'docs/style.md')!;
  assert.ok((style.tokens ?? 0) > 0);
  files.dispose();
});
