// `agents.files` globs: read from a project config's text by the client and turned into document
// selectors (client/src/agentGlobs.ts), and matched against a file's path by the server
// (matchesAgentFiles), the same way the search of the always-loaded set finds files.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { glob } from 'tinyglobby';
import { agentGlobSelectors, agentGlobsOf, globsKey, PROJECT_CONFIG_NAMES } from '../../client/src/agentGlobs';
import { AGENT_INSTRUCTION_LANGUAGES } from '../../server/src/languages';
import { matchesAgentFiles } from '../../server/src/service/agents';
import { CONFIG_FILE_NAMES } from '../../server/src/service/lint/config';

test('agentGlobsOf: the usable globs of agents.files, none for a config without them or not valid YAML', () => {
  assert.deepEqual(agentGlobsOf("agents:\n  files: ['notes/*.md', 'docs/**/*.rules.md']\n  budget: 100\n"), ['notes/*.md', 'docs/**/*.rules.md']);
  // Climbing out of the root, absolute, empty, not a string, repeated: left out.
  assert.deepEqual(agentGlobsOf("agents:\n  files: ['../x/*.md', '/etc/*.md', '', 3, 'a/*.md', 'a/*.md']\n"), ['a/*.md']);
  assert.deepEqual(agentGlobsOf('agents:\n  budget: 100\n'), []);
  assert.deepEqual(agentGlobsOf("agents:\n  files: 'notes/*.md'\n"), []);
  assert.deepEqual(agentGlobsOf('lint:\n  preset: strict\n'), []);
  assert.deepEqual(agentGlobsOf(''), []);
  assert.deepEqual(agentGlobsOf('agents: [\n'), []);
});

test('agentGlobSelectors: every instruction language, on disk, each glob relative to its own folder', () => {
  const selectors = agentGlobSelectors(
    [
      { folder: 'file:///a', globs: ['notes/*.md'] },
      { folder: 'file:///b', globs: [] },
      { folder: 'file:///c', globs: ['x.md', '../y.md'] },
    ],
    (folder, glob) => ({ baseUri: folder, pattern: glob }),
  );
  assert.equal(selectors.length, 2 * AGENT_INSTRUCTION_LANGUAGES.length);
  assert.deepEqual(
    selectors.filter((s) => s.language === 'markdown'),
    [
      { language: 'markdown', scheme: 'file', pattern: { baseUri: 'file:///a', pattern: 'notes/*.md' } },
      { language: 'markdown', scheme: 'file', pattern: { baseUri: 'file:///c', pattern: 'x.md' } },
    ],
  );
  assert.deepEqual(new Set(selectors.map((s) => s.language)), new Set(AGENT_INSTRUCTION_LANGUAGES));
  assert.deepEqual(agentGlobSelectors([{ folder: 'file:///a', globs: [] }], (f, g) => `${f}/${g}`), []);
});

test('globsKey: changes when a folder\'s globs do, not for folders without globs', () => {
  const a = globsKey([{ folder: 'file:///a', globs: ['notes/*.md'] }]);
  assert.equal(globsKey([{ folder: 'file:///a', globs: ['notes/*.md'] }, { folder: 'file:///b', globs: [] }]), a);
  assert.notEqual(globsKey([{ folder: 'file:///a', globs: ['docs/*.md'] }]), a);
  assert.notEqual(globsKey([{ folder: 'file:///b', globs: ['notes/*.md'] }]), a);
  assert.equal(globsKey([]), '[]');
});

test('the client looks for the project config under the names the server does, in its order', () => {
  assert.deepEqual([...PROJECT_CONFIG_NAMES], [...CONFIG_FILE_NAMES]);
});

test('matchesAgentFiles: relative to the project root, anchored there, as the search of the set finds files', async () => {
  const globs = ['notes/*.md', '*.rules.md', 'docs/**/guide.md', '../up.md'];
  assert.equal(matchesAgentFiles(globs, 'notes/rules.md'), true);
  assert.equal(matchesAgentFiles(globs, 'other/readme.md'), false);
  assert.equal(matchesAgentFiles(globs, 'notes/sub/rules.md'), false);
  assert.equal(matchesAgentFiles(globs, 'a.rules.md'), true);
  assert.equal(matchesAgentFiles(globs, 'src/a.rules.md'), false);
  assert.equal(matchesAgentFiles(globs, 'docs/x/y/guide.md'), true);
  assert.equal(matchesAgentFiles([], 'notes/rules.md'), false);
  assert.equal(matchesAgentFiles(undefined, 'notes/rules.md'), false);
  // The same files as the host's search (tinyglobby, no dot folders) over a real folder.
  const dir = mkdtempSync(path.join(tmpdir(), 'pw-agent-globs-'));
  const files = ['notes/rules.md', 'notes/sub/rules.md', 'other/readme.md', 'a.rules.md', 'src/a.rules.md', 'docs/guide.md', 'docs/x/y/guide.md', '.hidden/notes/rules.md', 'notes/.rules.md'];
  for (const f of files) {
    mkdirSync(path.dirname(path.join(dir, f)), { recursive: true });
    writeFileSync(path.join(dir, f), '# x\n');
  }
  const found = (await glob(globs.filter((g) => !g.startsWith('..')), { cwd: dir, dot: false })).sort();
  assert.deepEqual(found, ['a.rules.md', 'docs/guide.md', 'docs/x/y/guide.md', 'notes/rules.md']);
  assert.deepEqual(files.filter((f) => matchesAgentFiles(globs, f)).sort(), found);
});
