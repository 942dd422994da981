// Patterns that Prompty files written by others use and that Prompty's runtimes accept: each test
// is a minimal file reproducing one, with the findings (and where they are) the engine must give.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { completePromptDiagnostics, lint, parseDocument } from '../../server/src/service';

async function findings(text: string, name = 'p.prompty') {
  const doc = parseDocument(text, `file:///w/${name}`);
  const ds = await completePromptDiagnostics(doc, { lint: { config: lint.resolveLintConfig(lint.RULES) } });
  return { doc, ds, at: (code: string) => ds.filter((d) => d.code === code).map((d) => text.slice(d.span.start, d.span.end)) };
}

test('a `thread` input in the system message becomes turns: neither variable-in-system-role nor untrusted-input-undelimited; a string input beside it still is', async () => {
  const text = '---\nname: t\nmodel:\n  id: gpt-4o\ninputs:\n  - name: conversation\n    kind: thread\n  - name: topic\n    kind: string\n---\nsystem:\nTalk about {{topic}}.\n\n{{conversation}}\n\nuser:\nGo on.\n';
  const { at } = await findings(text);
  assert.deepEqual(at('variable-in-system-role'), ['{{topic}}']);
  assert.deepEqual(at('untrusted-input-undelimited'), ['{{topic}}']);
});
