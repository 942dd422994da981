// The reference index of the lifecycle rules finds exactly what the plain search over every text
// finds, for names that are one run of word characters and dots and for names that are not.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { findReferences, ReferenceIndex, type TextFile } from '../../server/src/service/catalog/references';

const files: TextFile[] = [
  { uri: 'file:///w/app.ts', path: 'app.ts', text: "load('prompts/old.prompt');\nload('prompts/old.prompt.bak');\nconst x = 'bold.prompt';\n" },
  { uri: 'file:///w/docs.md', path: 'docs.md', text: 'See old.prompt. Also my old.prompty and old.prompt-v2 and (old.prompt)\n' },
  { uri: 'file:///w/main.prompt', path: 'main.prompt', text: '---\nmodel: x\n---\n{{> header}}\n{{~> "header" }}\n{{>headers}}\n' },
  { uri: 'file:///w/old.prompt', path: 'prompts/old.prompt', text: 'old.prompt names itself\n' },
  { uri: 'file:///w/space.md', path: 'space.md', text: 'the file my prompt.prompt and a+b.prompt\n' },
  { uri: 'file:///w/suite.tests.yaml', path: 'suite.tests.yaml', text: 'prompt: prompts/old.prompt\ncases: []\n' },
];

const targets = [
  { uri: 'file:///w/old.prompt', path: 'prompts/old.prompt' },
  { uri: 'file:///w/_header.prompt', path: 'partials/_header.prompt', partialName: 'header' },
  { uri: 'file:///w/my prompt.prompt', path: 'my prompt.prompt' },
  { uri: 'file:///w/a+b.prompt', path: 'a+b.prompt' },
  { uri: 'file:///w/none.prompt', path: 'none.prompt' },
];

test('the reference index gives the plain search\'s references, in the same order', () => {
  const index = new ReferenceIndex(files);
  for (const t of targets) assert.deepEqual(index.find(t), findReferences(t, files), t.path);
});

test('the index finds a name where it starts a run and ends it or goes on with a dot, nowhere else', () => {
  const found = new ReferenceIndex(files).find(targets[0]);
  assert.deepEqual(
    found.map((r) => `${r.path}:${r.range.start.line}:${r.range.start.character}`),
    ['app.ts:0:14', 'app.ts:1:14', 'docs.md:0:4', 'docs.md:0:59', 'suite.tests.yaml:0:16'],
    'after a `/`, before a `.` (`old.prompt.bak`, a sentence\'s full stop) and in brackets; not bold.prompt, old.prompty, old.prompt-v2, nor the prompt itself',
  );
});
