// Agent instruction files as people write them (patterns met in public repositories, each
// reproduced in a minimal file written here): Cursor's unquoted globs, custom agents under their
// older and folder names, GEMINI.md, VS Code's model names, the skill fields VS Code and Claude
// Code read, and YAML mistakes reported with a message that says what to do.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { test } from 'node:test';
import { isAgentInstructionPath } from '../../server/src/languages';
import { createNodeHost } from '../../server/src/node/host';
import { formatFor, lint, parseDocument } from '../../server/src/service';
import { AgentFiles, agentFileTokens, agentInfo, loadingOf } from '../../server/src/service/agents';
import { resolveModel } from '../../server/src/service/tokens/catalogue';

const slice = (text: string, span: { start: number; end: number }) => text.slice(span.start, span.end);

function findings(text: string, uri: string, rules: Record<string, string> = {}) {
  const doc = parseDocument(text, uri);
  const config = lint.resolveLintConfig(lint.RULES, Object.keys(rules).length === 0 ? undefined : lint.parseLintConfig(`rules:\n${Object.entries(rules).map(([k, v]) => `  ${k}: ${v}`).join('\n')}\n`, lint.RULES).config);
  return { doc, diagnostics: [...doc.diagnostics, ...lint.lintDiagnostics(doc, { config })] };
}

test('a Cursor rule with unquoted globs (`globs: *.ts,*.tsx`) is read as Cursor reads it: no YAML error, the globs apply', () => {
  const text = '---\ndescription: TypeScript rules\nglobs: *.tsx,*.ts\nalwaysApply: false\n---\n# TypeScript\n\nUse strict mode.\n';
  const doc = parseDocument(text, 'file:///w/.cursor/rules/ts.mdc');
  assert.deepEqual(doc.diagnostics, []);
  const info = agentInfo(doc)!;
  assert.deepEqual(info.applyTo?.value, ['*.tsx', '*.ts']);
  assert.equal(slice(text, info.applyTo!.span), '*.tsx,*.ts');
  assert.deepEqual(loadingOf(doc, '.cursor/rules/ts.mdc'), { loading: 'matching', reason: 'globs: "*.tsx,*.ts"' });
  assert.deepEqual(info.fields, { description: 'TypeScript rules', globs: '*.tsx,*.ts', alwaysApply: false });
  // Spaces after the commas, `**`, and trailing blanks as Cursor's editor leaves them.
  const spaced = '---\ndescription: d\nglobs: **/*.ts, **/*.tsx  \n---\nx\n';
  const s = parseDocument(spaced, 'file:///w/.cursor/rules/s.mdc');
  assert.deepEqual(s.diagnostics, []);
  assert.deepEqual(agentInfo(s)!.applyTo?.value, ['**/*.ts', '**/*.tsx']);
  // `globs: **` on its own sends the rule with every request.
  const all = parseDocument('---\nglobs: **\n---\nx\n', 'file:///w/.cursor/rules/all.mdc');
  assert.deepEqual(all.diagnostics, []);
  assert.equal(loadingOf(all, '.cursor/rules/all.mdc').loading, 'always');
  // The frontmatter's settings (hover, completion, history) see the glob as written.
  assert.equal(doc.prompt.settings.find((x) => x.key === 'globs')?.value, '*.tsx,*.ts');
  assert.equal(doc.frontmatter.yaml?.get('globs'), '*.tsx,*.ts');
  // With another mistake in the YAML, that one is reported, and what parses keeps the glob as written.
  const other = '---\nglobs: *.ts\ndescription: [unclosed\n---\nx\n';
  const o = parseDocument(other, 'file:///w/.cursor/rules/o.mdc');
  assert.deepEqual(o.diagnostics.map((d) => d.code), ['yaml-syntax']);
  assert.ok(slice(other, o.diagnostics[0].span).startsWith('[unclosed'));
  assert.equal(o.frontmatter.recovered?.get('globs'), '*.ts');
});

test('only a Cursor rule reads a bare `*` value literally (its globs and description lines): elsewhere, and for other keys, it is still a YAML error', () => {
  const skillText = '---\nname: s\ndescription: d\nglobs: *.ts\n---\nx\n';
  const skill = parseDocument(skillText, 'file:///w/.claude/skills/s/SKILL.md');
  // An alias without its anchor is a syntax error with a fix, not an alias bomb.
  assert.deepEqual(skill.diagnostics.map((d) => [d.code, slice(skillText, d.span)]), [['yaml-syntax', '*.ts']]);
  assert.match(skill.diagnostics[0].message, /`\*\.ts` is an alias, and no anchor `&\.ts` comes before it\. If it is text .*quote it: `'\*\.ts'`/);
  // Cursor reads its description line as written too.
  const described = parseDocument('---\ndescription: *bold*\n---\nx\n', 'file:///w/.cursor/rules/a.mdc');
  assert.deepEqual(described.diagnostics, []);
  assert.equal(described.prompt.metadata.description?.value, '*bold*');
  const other = parseDocument('---\nalwaysApply: *yes\n---\nx\n', 'file:///w/.cursor/rules/a.mdc');
  assert.ok(other.diagnostics.some((d) => d.code === 'yaml-syntax'));
  // A nested `globs:` key is no top-level line.
  const nested = parseDocument('---\nmeta:\n  globs: *.ts\n---\nx\n', 'file:///w/.cursor/rules/b.mdc');
  assert.ok(nested.diagnostics.some((d) => d.code === 'yaml-syntax'));
});

test('custom agents under their older name (`*.chatmode.md`) and any `.md` in `.github/agents/` are custom agents; GEMINI.md is Gemini CLI\'s context file', () => {
  const cases: [string, string][] = [
    ['file:///w/.github/chatmodes/plan.chatmode.md', 'agent'],
    ['file:///w/chatmodes/tdd.chatmode.md', 'agent'],
    ['file:///w/.github/agents/data.md', 'agent'],
    ['file:///w/GEMINI.md', 'gemini'],
    ['file:///w/pkg/GEMINI.md', 'gemini'],
  ];
  for (const [uri, kind] of cases) {
    assert.equal(formatFor(uri)?.id, 'agent-instructions', uri);
    assert.equal(isAgentInstructionPath(uri), true, uri);
    assert.equal(agentInfo(parseDocument('---\ndescription: d\n---\nx\n', uri))?.kind, kind, uri);
  }
  // Markdown elsewhere under .github is not claimed.
  for (const uri of ['file:///w/.github/agents/sub/notes.md', 'file:///w/.github/PULL_REQUEST_TEMPLATE.md', 'file:///w/docs/agents/x.md', 'file:///w/gemini.md.bak']) {
    assert.notEqual(formatFor(uri)?.id, 'agent-instructions', uri);
    assert.equal(isAgentInstructionPath(uri), false, uri);
  }
  const gemini = parseDocument('# Project\n', 'file:///w/GEMINI.md');
  assert.deepEqual(loadingOf(gemini, 'GEMINI.md'), { loading: 'always', reason: 'at the project root' });
  assert.deepEqual(loadingOf(gemini, 'pkg/GEMINI.md'), { loading: 'folder', reason: 'for work in pkg/' });
});

test('the set finds GEMINI.md, chat modes, `.github/agents/*.md` and skills under `.agents/` and `.cursor/`', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'pw-agents-real-'));
  const files: Record<string, string> = {
    'GEMINI.md': '# Gemini\n\nRun the preflight check before you submit.\n',
    '.github/chatmodes/plan.chatmode.md': '---\ndescription: plan\n---\nPlan only.\n',
    '.github/agents/data.md': '---\nname: Data\n---\nQuery the data.\n',
    '.agents/skills/lint/SKILL.md': '---\nname: lint\ndescription: Lint the code.\n---\nRun the linter.\n',
    '.cursor/skills/deploy/SKILL.md': '---\nname: deploy\ndescription: Deploy.\n---\nDeploy it.\n',
    'docs/notes.md': '# Not an instruction file\n',
  };
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    writeFileSync(path.join(dir, name), text);
  }
  const rootUri = pathToFileURL(dir).toString();
  const set = await new AgentFiles(createNodeHost({ roots: [rootUri] })).set(rootUri, {}, {}, { all: true });
  assert.deepEqual(
    set.files.map((f) => [f.path, f.kind, f.loading]).sort(),
    [
      ['.agents/skills/lint/SKILL.md', 'skill', 'on-demand'],
      ['.cursor/skills/deploy/SKILL.md', 'skill', 'on-demand'],
      ['.github/agents/data.md', 'agent', 'on-demand'],
      ['.github/chatmodes/plan.chatmode.md', 'agent', 'on-demand'],
      ['GEMINI.md', 'gemini', 'always'],
    ],
  );
  assert.deepEqual(set.always.map((f) => f.path), ['GEMINI.md']);
});

test('VS Code model names (`Claude Sonnet 4.5 (copilot)`, `GPT-4.1`) resolve to the catalogue; an unknown name is still reported where it is', () => {
  assert.equal(resolveModel('Claude Sonnet 4.5 (copilot)', undefined).id, 'claude-sonnet-4-5');
  assert.equal(resolveModel('GPT-4.1 (copilot)', undefined).id, 'gpt-4.1');
  assert.equal(resolveModel('gpt-4o', undefined).id, 'gpt-4o');
  const known = findings('---\nagent: agent\nmodel: Claude Sonnet 4.5 (copilot)\n---\nFind duplicates.\n', 'file:///w/.github/prompts/dup.prompt.md');
  assert.deepEqual(known.diagnostics.filter((d) => d.code === 'unknown-model'), []);
  const text = "---\nmodel: 'copilot-chat'\n---\nWhat context do you need?\n";
  const unknown = findings(text, 'file:///w/.github/prompts/ctx.prompt.md').diagnostics.filter((d) => d.code === 'unknown-model');
  assert.equal(unknown.length, 1);
  assert.equal(slice(text, unknown[0].span), "'copilot-chat'");
});

test('skill fields VS Code and Claude Code read (`argument-hint`, `disable-model-invocation`, ...) are known; a misspelt one is still reported', () => {
  const text = '---\nname: find-issue\ndescription: Search for an issue.\ndisable-model-invocation: true\nargument-hint: Describe the issue.\nuser-invocable: false\nargument-hnt: x\n---\nSearch.\n';
  const d = findings(text, 'file:///w/.github/skills/find-issue/SKILL.md', { 'agent-unknown-field': 'warning' }).diagnostics.filter((x) => x.code === 'agent-unknown-field');
  assert.equal(d.length, 1);
  assert.equal(slice(text, d[0].span), 'argument-hnt');
  assert.match(d[0].message, /Did you mean `argument-hint`\?/);
  const agent = '---\nname: Feature Builder\ntools: [agent]\nagents: [Researcher]\nuser-invokable: false\n---\nBuild.\n';
  assert.deepEqual(findings(agent, 'file:///w/.github/agents/builder.agent.md', { 'agent-unknown-field': 'warning' }).diagnostics.filter((x) => x.code === 'agent-unknown-field'), []);
});

test('a `: ` inside an unquoted description and a lone `*` are reported on the value with the fix (quote it)', () => {
  const text = '---\nname: commit\ndescription: Commit changes to git: pick files, then commit.\nallowed-tools: *\n---\n# Commit\n';
  const doc = parseDocument(text, 'file:///w/.claude/skills/commit/SKILL.md');
  assert.deepEqual(
    doc.diagnostics.map((d) => [d.code, slice(text, d.span)]),
    [
      ['yaml-syntax', 'Commit changes to git: pick files, then commit.'],
      ['yaml-syntax', '*'],
    ],
  );
  assert.match(doc.diagnostics[0].message, /holds `: `.*Quote the whole value/);
  assert.match(doc.diagnostics[1].message, /quote it: `'\*'`/);
  // Quoted, both are fine.
  assert.deepEqual(parseDocument('---\nname: commit\ndescription: "Commit changes to git: pick files."\nallowed-tools: "*"\n---\nx\n', 'file:///w/.claude/skills/commit/SKILL.md').diagnostics, []);
});

test('a custom agent listing models (tried in order) is counted with the first; each name resolves as VS Code writes it', () => {
  const text = "---\nname: Planner\nmodel: ['Claude Opus 4.5', 'GPT-5.2']\n---\n# Plan\n\nPlan the change.\n";
  const doc = parseDocument(text, 'file:///w/.github/agents/planner.agent.md');
  assert.deepEqual(doc.diagnostics, []);
  assert.equal(doc.prompt.model?.value, 'Claude Opus 4.5');
  assert.equal(slice(text, doc.prompt.model!.span), "'Claude Opus 4.5'");
  const t = agentFileTokens(doc)!;
  assert.equal(t.model.id, 'claude-opus-4-5');
  assert.equal(t.estimated, true, 'a Claude count is an estimate');
  assert.deepEqual(findings(text, 'file:///w/.github/agents/planner.agent.md').diagnostics.filter((d) => d.code === 'unknown-model'), []);
});
