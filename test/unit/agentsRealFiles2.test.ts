// Agent instruction files as people write them, second set of patterns met in public repositories
// (each reproduced in a minimal file written here): instruction files of several projects in one
// tree (nested `.github/` and `.cursor/rules/` folders).
import assert from 'node:assert/strict';
import { pathToFileURL } from 'node:url';
import { test } from 'node:test';
import { createNodeHost } from '../../server/src/node/host';
import { complete, definition, lint, parseDocument } from '../../server/src/service';
import { AgentFiles, agentFileTokens, agentInfo, agentSetDiagnostics, loadingOf } from '../../server/src/service/agents';
import { proseOf } from '../../server/src/service/lint/prose';
import { tempWorkspace } from '../support/workspace';

const workspace = (files: Record<string, string>): string => tempWorkspace('pw-agents2-', files);

test('a nested .github/copilot-instructions.md, .cursor/rules/ or .github/instructions/ is loaded for its folder, not with every request', () => {
  const copilot = parseDocument('# Copilot\n\nRun the tests.\n', 'file:///w/apps/web/.github/copilot-instructions.md');
  assert.deepEqual(loadingOf(copilot, 'apps/web/.github/copilot-instructions.md'), { loading: 'folder', reason: 'for work in apps/web/' });
  assert.deepEqual(loadingOf(copilot, '.github/copilot-instructions.md'), { loading: 'always', reason: 'every Copilot request' });
  const rule = parseDocument('---\nalwaysApply: true\n---\nUse tabs.\n', 'file:///w/svc/.cursor/rules/style.mdc');
  assert.deepEqual(loadingOf(rule, 'svc/.cursor/rules/style.mdc'), { loading: 'folder', reason: 'alwaysApply: true, for work in svc/' });
  assert.deepEqual(loadingOf(rule, '.cursor/rules/style.mdc'), { loading: 'always', reason: 'alwaysApply: true' });
  const all = parseDocument('---\napplyTo: "**"\n---\nUse tabs.\n', 'file:///w/svc/.github/instructions/all.instructions.md');
  assert.deepEqual(loadingOf(all, 'svc/.github/instructions/all.instructions.md'), { loading: 'folder', reason: 'applyTo: "**", for work in svc/' });
  assert.equal(loadingOf(all, '.github/instructions/all.instructions.md').loading, 'always');
  // A narrower applyTo stays "matching" wherever the file is.
  const ts = parseDocument('---\napplyTo: "**/*.ts"\n---\nUse strict mode.\n', 'file:///w/svc/.github/instructions/ts.instructions.md');
  assert.equal(loadingOf(ts, 'svc/.github/instructions/ts.instructions.md').loading, 'matching');
});

test('two projects\' copies of the same instructions in one tree are not duplicates of the always-loaded set', async () => {
  const text = '# Tool\n\nAlways run the linter before you commit a change.\n';
  const dir = workspace({ '.github/copilot-instructions.md': text, 'tools/old/.github/copilot-instructions.md': text, 'tools/old/.cursor/rules/a.mdc': `---\nalwaysApply: true\n---\n${text}` });
  const rootUri = pathToFileURL(dir).toString();
  const files = new AgentFiles(createNodeHost({ roots: [rootUri] }));
  try {
    const set = await files.set(rootUri, {}, {}, { all: true });
    assert.deepEqual(set.always.map((f) => f.path), ['.github/copilot-instructions.md']);
    assert.deepEqual(
      set.files.map((f) => [f.path, f.loading]),
      [
        ['.github/copilot-instructions.md', 'always'],
        ['tools/old/.cursor/rules/a.mdc', 'folder'],
        ['tools/old/.github/copilot-instructions.md', 'folder'],
      ],
    );
    const nested = set.files.find((f) => f.path === 'tools/old/.github/copilot-instructions.md')!;
    assert.deepEqual(agentSetDiagnostics(nested.doc!, set), []);
  } finally {
    files.dispose();
  }
});

test('text after a block scalar\'s `|` on the same line (`description: | Use when ...`) is reported on that text, with the fix', () => {
  for (const [header, rest] of [['|', 'Use when this capability is needed.'], ['>-', 'Folded text.'], ['|2', 'Indented text.']]) {
    const text = `---\nname: x-research\ndescription: ${header} ${rest}\n---\n# X\n`;
    const doc = parseDocument(text, 'file:///w/.claude/skills/x-research/SKILL.md');
    const yaml = doc.diagnostics.filter((d) => d.code === 'yaml-syntax');
    assert.equal(yaml.length, 1, header);
    assert.equal(text.slice(yaml[0].span.start, yaml[0].span.end), rest);
    assert.match(yaml[0].message, /text after `\|` or `>` on the same line\. A block scalar's text starts on the next line, indented; or drop the `\|` and quote the value/);
  }
  // `|` inside a plain value is text, not a block scalar: no error.
  assert.deepEqual(parseDocument('---\nname: a\ndescription: Use a | b here.\n---\n', 'file:///w/.claude/skills/a/SKILL.md').diagnostics, []);
});

function lintCodes(text: string, uri: string) {
  const doc = parseDocument(text, uri);
  return lint.lintDiagnostics(doc, { config: lint.resolveLintConfig(lint.RULES) }).map((d) => ({ code: d.code, at: text.slice(d.span.start, d.span.end) }));
}

test('vague-language: an emphasised negation (`**never** try to`, `__not__ try to`) negates the effort word; a plain "try to" is still reported where it is', () => {
  const text = '# Notes\n\n- Static analysis: use the CLI. **never** try to fetch the web UI, it needs a login.\n- Do __not__ try to guess the schema.\n- Try to keep the change small.\n';
  const found = lintCodes(text, 'file:///w/CLAUDE.md').filter((f) => f.code === 'vague-language');
  assert.deepEqual(found, [{ code: 'vague-language', at: 'Try to' }]);
});

test('applyTo and globs split at commas outside braces, as VS Code splits them: `**/*.{ts,tsx}` is one glob', () => {
  const doc = parseDocument('---\napplyTo: "**/*.{ts,tsx}, docs/[a,b]*.md,src/**"\n---\n# TS\n', 'file:///w/.github/instructions/ts.instructions.md');
  assert.deepEqual(agentInfo(doc)!.applyTo!.value, ['**/*.{ts,tsx}', 'docs/[a,b]*.md', 'src/**']);
  assert.deepEqual(loadingOf(doc, '.github/instructions/ts.instructions.md'), { loading: 'matching', reason: 'applyTo: "**/*.{ts,tsx},docs/[a,b]*.md,src/**"' });
  const rule = parseDocument('---\nglobs: src/**/*.{js,jsx},*.json\n---\nRule.\n', 'file:///w/.cursor/rules/js.mdc');
  assert.deepEqual(agentInfo(rule)!.applyTo!.value, ['src/**/*.{js,jsx}', '*.json']);
});

test('frontmatter completion offers each kind its own fields: a skill the skill\'s, a Cursor rule its three, a custom agent the agent\'s', () => {
  const keysAt = (text: string, uri: string) => {
    const doc = parseDocument(text, uri);
    const at = text.indexOf('\n\n---') + 1;
    return (complete(doc, at)?.items ?? []).map((i) => i.label).sort();
  };
  assert.deepEqual(keysAt('---\nname: post\n\n---\n# Post\n', 'file:///w/.claude/skills/post/SKILL.md'), ['allowed-tools', 'argument-hint', 'compatibility', 'description', 'disable-model-invocation', 'license', 'metadata', 'model', 'agent', 'user-invokable'].sort());
  assert.deepEqual(keysAt('---\ndescription: x\n\n---\nRule.\n', 'file:///w/.cursor/rules/a.mdc'), ['alwaysApply', 'globs']);
  const agent = keysAt('---\nname: Reviewer\n\n---\nReview.\n', 'file:///w/.github/agents/reviewer.agent.md');
  assert.ok(agent.includes('handoffs') && agent.includes('tools') && agent.includes('model'));
  assert.ok(!agent.includes('applyTo') && !agent.includes('globs') && !agent.includes('license'), agent.join(','));
  // AGENTS.md: no tool documents its fields, so every field is offered.
  assert.ok(keysAt('---\n\n---\n# A\n', 'file:///w/AGENTS.md').includes('applyTo'));
});

test('a full stop inside inline code ends no sentence: a duplicated instruction holding `ruff check .` is one finding over the whole sentence', async () => {
  const line = '**IMPORTANT:** Always run `ruff check . && ruff format .` before committing to fix lint errors.';
  const dir = workspace({ 'AGENTS.md': `# A\n\n${line}\n`, '.github/copilot-instructions.md': `# Copilot\n\nThe tests take ten seconds.\n${line} Then push.\n` });
  const rootUri = pathToFileURL(dir).toString();
  const files = new AgentFiles(createNodeHost({ roots: [rootUri] }));
  try {
    const set = await files.set(rootUri);
    // The later file in path order (`.github/...` sorts first) gets the finding.
    const agents = set.always.find((f) => f.path === 'AGENTS.md')!;
    const found = agentSetDiagnostics(agents.doc!, set).filter((d) => d.code === 'duplicate-instruction');
    assert.deepEqual(found.map((d) => agents.doc!.text.slice(d.span.start, d.span.end)), [line]);
    assert.match(found[0].message, /also in \.github\/copilot-instructions\.md line 4: "\*\*IMPORTANT:\*\* Always run `ruff check \. && ruff format \.` b…"/);
  } finally {
    files.dispose();
  }
});

test('the full stop of `e.g.`, `i.e.`, `vs.` ends no sentence; one after a word does', () => {
  const doc = parseDocument('# A\n\nUse a runner, e.g. pytest or tox, for every test. Prefer tabs vs. spaces. Keep it short.\n', 'file:///w/AGENTS.md');
  const sentences = proseOf(doc).sentences.map((s) => s.words);
  assert.deepEqual(sentences.slice(-3), ['Use a runner, e.g. pytest or tox, for every test.', 'Prefer tabs vs. spaces.', 'Keep it short.']);
});

test('go to definition: a relative link, and an `@path` import of a CLAUDE.md, go to the file they name; a URL or plain text goes nowhere', () => {
  const text = '# A\n\nSee [setup](docs/setup.md#install) and https://example.com.\n@./docs/style.md and @AGENTS.md\n';
  const doc = parseDocument(text, 'file:///w/CLAUDE.md');
  const go = (needle: string, delta = 1) => definition(doc, text.indexOf(needle) + delta).map((l) => l.uri);
  assert.deepEqual(go('docs/setup.md'), ['file:///w/docs/setup.md']);
  assert.deepEqual(go('@./docs/style.md', 0), ['file:///w/docs/style.md'], 'on the @');
  assert.deepEqual(go('AGENTS.md'), ['file:///w/AGENTS.md']);
  assert.deepEqual(go('https://example.com'), []);
  assert.deepEqual(go('See'), []);
  // An AGENTS.md has no imports: `@x.md` there is text.
  const agents = parseDocument('Use @CLAUDE.md as the source.\n', 'file:///w/AGENTS.md');
  assert.deepEqual(definition(agents, 6), []);
});

test('an AGENTS.md or CLAUDE.md opening with a `---` never closed opens with a thematic break: all body, counted, no frontmatter error; a skill keeps the error', () => {
  const text = '---\n\n# Title\n\nText that is long enough to count.\n\n## More\n\nMore text.\n';
  for (const uri of ['file:///w/AGENTS.md', 'file:///w/CLAUDE.md']) {
    const doc = parseDocument(text, uri);
    assert.deepEqual(doc.diagnostics, [], uri);
    assert.equal(doc.frontmatter.present, false);
    assert.deepEqual(agentInfo(doc)!.body, { start: 0, end: text.length });
    assert.deepEqual(agentInfo(doc)!.sections.map((s) => s.heading?.title), [undefined, 'Title', 'More']);
    assert.ok(agentFileTokens(doc)!.tokens > 10);
  }
  const skill = parseDocument('---\nname: a\ndescription: Does a.\n# A\n', 'file:///w/skills/a/SKILL.md');
  assert.ok(skill.diagnostics.some((d) => d.code === 'frontmatter-unclosed'));
});

test('a Cursor rule\'s description and globs lines are read as Cursor reads them: `: ` and ` #` inside, `*` first, CRLF; quoted values and lists stay YAML\'s', () => {
  const cases: [string, string | undefined, string[] | undefined][] = [
    ['---\ndescription: Rules for the API: keep handlers thin\nglobs: src/api/**\nalwaysApply: false\n---\nRule.\n', 'Rules for the API: keep handlers thin', ['src/api/**']],
    ['---\ndescription: Use # as the heading marker\nglobs:\n---\nRule.\n', 'Use # as the heading marker', undefined],
    ['---\r\ndescription: TS\r\nglobs: *.ts,*.tsx\r\nalwaysApply: false\r\n---\r\nRule.\r\n', 'TS', ['*.ts', '*.tsx']],
    ['---\ndescription: "Quoted: stays"\nglobs: ["**/*.py"]\n---\nRule.\n', 'Quoted: stays', ['**/*.py']],
  ];
  for (const [text, description, globs] of cases) {
    const doc = parseDocument(text, 'file:///w/.cursor/rules/a.mdc');
    assert.deepEqual(doc.diagnostics, [], JSON.stringify(text));
    assert.equal(doc.prompt.metadata.description?.value, description);
    if (description) assert.equal(text.slice(doc.prompt.metadata.description!.span.start, doc.prompt.metadata.description!.span.end).replace(/^"|"$/g, ''), description);
    assert.deepEqual(agentInfo(doc)!.applyTo?.value, globs);
  }
  // Only a Cursor rule: a skill's description with `: ` is still a YAML error, with its fix.
  const skill = parseDocument('---\nname: a\ndescription: Does a: then b\n---\n', 'file:///w/skills/a/SKILL.md');
  assert.deepEqual(skill.diagnostics.map((d) => d.code), ['yaml-syntax']);
});
