// Every rule is reachable and documented: a file named after it, a setting in package.json with a
// description, a docs page with the required sections, and positive and negative test cases.
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { lint } from '../../server/src/service';
import { lintSettingsContributions } from '../../scripts/lint-settings';
import { CASES } from './lintRules.test';
import { LIFECYCLE_CASES } from './catalogRules.test';

const root = path.resolve(__dirname, '..', '..');
const manifest = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8'));

test('rule ids are unique kebab-case, each in its own file <rule-id>.ts', () => {
  const ids = lint.RULES.map((r) => r.id);
  assert.equal(new Set(ids).size, ids.length);
  for (const r of lint.RULES) {
    assert.match(r.id, /^[a-z]+(-[a-z]+)*$/);
    assert.ok(existsSync(path.join(root, 'server', 'src', 'service', 'lint', `${r.id}.ts`)), `${r.id}.ts`);
    assert.ok(r.description.length > 20, r.id);
    assert.ok(lint.LEVELS.includes(r.defaultLevel));
  }
});

test('every rule has its setting in package.json, as scripts/lint-settings.ts writes it', () => {
  const props: Record<string, { scope: string; enum: string[] }> = manifest.contributes.configuration.properties;
  const expected = lintSettingsContributions();
  for (const r of lint.RULES) {
    const key = `promptWorkbench.lint.${r.id}`;
    assert.deepEqual(props[key], expected[key], `${key}: run node --import tsx scripts/lint-settings.ts`);
    assert.equal(props[key].scope, 'resource');
    assert.deepEqual(props[key].enum, ['default', 'off', 'hint', 'info', 'warning', 'error']);
  }
  const declared = Object.keys(props).filter((k) => k.startsWith('promptWorkbench.lint.') && k !== 'promptWorkbench.lint.preset');
  assert.equal(declared.length, lint.RULES.length, 'no setting for a rule that does not exist');
});

test('every rule has a docs page with the required sections, listed in docs/rules/README.md', () => {
  const index = readFileSync(path.join(root, 'docs', 'rules', 'README.md'), 'utf8');
  for (const r of lint.RULES) {
    const page = readFileSync(path.join(root, lint.docsPath(r.id)), 'utf8');
    for (const section of ['## What it catches', '## Why it matters', '## Example that fails', '## Example that passes', '## Configure it', '## Known limits']) assert.ok(page.includes(section), `${r.id}: ${section}`);
    // Each preset's level is checked in lintPresets.test.ts.
    assert.ok(page.includes(`Presets: \`recommended\` **${r.defaultLevel}**`), `${r.id}: level in the default preset`);
    assert.ok(index.includes(`[\`${r.id}\`](${r.id}.md)`), `${r.id} in the index`);
  }
});

test('every rule has positive and negative test cases', () => {
  for (const r of lint.RULES) {
    // Lifecycle rules check catalogue rows, not documents: their cases are in catalogRules.test.ts.
    const cases = r.catalog ? LIFECYCLE_CASES[r.id] : CASES[r.id];
    assert.ok(cases, `${r.id} has no cases in ${r.catalog ? 'catalogRules' : 'lintRules'}.test.ts`);
    assert.ok(cases.fails.length >= 1 && cases.passes.length >= 1, r.id);
  }
});

test('the docs pages ship in the VSIX (.vscodeignore)', () => {
  assert.ok(readFileSync(path.join(root, '.vscodeignore'), 'utf8').split('\n').includes('!docs/rules/**'));
});

test('the client sends lint config files to the server and watches them', () => {
  const session = readFileSync(path.join(root, 'client', 'src', 'session.ts'), 'utf8');
  assert.ok(session.includes("{ scheme: 'file', pattern: '**/.promptlintrc.{yaml,yml}' }"));
  assert.ok(session.includes("createFileSystemWatcher('**/.promptlintrc.{yaml,yml}')"));
});

test('the client sends project config files (prompt-workbench.yaml) to the server and watches them', () => {
  const session = readFileSync(path.join(root, 'client', 'src', 'session.ts'), 'utf8');
  assert.ok(session.includes("{ scheme: 'file', pattern: '**/prompt-workbench.{yaml,yml}' }"));
  assert.ok(session.includes("createFileSystemWatcher('**/prompt-workbench.{yaml,yml}')"));
  assert.ok(session.includes("createFileSystemWatcher('**/*.tests.{yaml,yml}')"), 'fixture files created or deleted reach the server');
});
