// The TextMate grammar of GitHub Models prompt files (syntaxes/github-models-prompt.tmLanguage.json),
// tokenised with VS Code's engine (vscode-textmate + vscode-oniguruma) over the test-only YAML
// grammar (VS Code supplies the real `source.yaml`): `{{variables}}` are highlighted in plain,
// quoted and block strings, not in comments, and the YAML around them keeps its scopes.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { grammarTokenizer } from '../support/textmate';

const tokens = grammarTokenizer('source.github-models-prompt', 'github-models-prompt.tmLanguage.json');

function scopesOf(lines: { text: string; scopes: string[] }[][], line: number, text: string): string[] {
  const t = lines[line].find((x) => x.text === text);
  assert.ok(t, `no token ${JSON.stringify(text)} on line ${line + 1}: ${JSON.stringify(lines[line].map((x) => x.text))}`);
  return t.scopes;
}

const VAR = 'variable.other.placeholder.github-models-prompt';

test('placeholders are variables in plain, double-quoted, single-quoted and block strings', async () => {
  const lines = await tokens(['messages:', '  - role: user', '    content: Summarize {{input}} now', '  - role: user', '    content: "Say {{name}}"', '  - role: user', "    content: 'Hi {{ who }}'", '  - role: system', '    content: |', '      Text for {{audience}}.', 'testData:', '  - input: x'].join('\n'));
  assert.ok(scopesOf(lines, 2, 'input').includes(VAR));
  assert.ok(scopesOf(lines, 2, '{{').includes('punctuation.definition.placeholder.begin.github-models-prompt'));
  assert.ok(scopesOf(lines, 2, '}}').includes('punctuation.definition.placeholder.end.github-models-prompt'));
  const quoted = scopesOf(lines, 4, 'name');
  assert.ok(quoted.includes(VAR) && quoted.includes('string.quoted.double.yaml'), quoted.join(' '));
  assert.ok(scopesOf(lines, 6, 'who').includes(VAR));
  assert.ok(scopesOf(lines, 9, 'audience').includes(VAR));
  // The YAML around keeps its own scopes.
  assert.ok(scopesOf(lines, 2, 'content').includes('entity.name.tag.yaml'));
  assert.ok(scopesOf(lines, 10, 'testData').includes('entity.name.tag.yaml'));
});

test('a placeholder in a comment is a comment, and braces without a name are not placeholders', async () => {
  const lines = await tokens(['# uses {{input}}', 'name: "{{}} and { {x} }"'].join('\n'));
  assert.ok(!lines[0].some((t) => t.scopes.includes(VAR)), JSON.stringify(lines[0]));
  assert.ok(!lines[1].some((t) => t.scopes.includes(VAR)), JSON.stringify(lines[1]));
});
