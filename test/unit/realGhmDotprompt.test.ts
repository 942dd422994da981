// Patterns met in GitHub Models prompt files and Dotprompt files written by others, each on a
// minimal file of its own: where the files live (`.github/prompts/`), YAML layout inside message
// texts, files with no `messages`, built-in judges without `input`, Genkit's own frontmatter keys
// and output formats, `model: {{name}}`, and Jinja written as code in a Handlebars template.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { parseDocument, promptDiagnostics, promptFileGlobs } from '../../server/src/service';
import type { PromptDiagnostic } from '../../server/src/service/diagnostic';
import { runCli } from '../support/cli';

const GH = 'file:///w/.github/prompts/ask.prompt.yml';
const DP = 'file:///w/prompts/ask.prompt';

function diags(text: string, uri: string, lint = false): PromptDiagnostic[] {
  return promptDiagnostics(parseDocument(text, uri), lint ? { lint: {} } : {});
}

const at = (text: string, d: PromptDiagnostic) => text.slice(d.span.start, d.span.end);
const lineOf = (text: string, d: PromptDiagnostic) => text.slice(0, d.span.start).split('\n').length;

// ---- where GitHub Models prompt files live ----

test('a folder search finds prompt files under .github/ (dot folders are otherwise skipped)', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'pw-ghm-'));
  mkdirSync(path.join(dir, '.github', 'prompts'), { recursive: true });
  mkdirSync(path.join(dir, 'sub', '.github', 'prompts'), { recursive: true });
  mkdirSync(path.join(dir, '.cache'), { recursive: true });
  const file = 'messages:\n  - role: user\n    content: Hi\nmodel: openai/gpt-4o-mini\nmodelParameters:\n  maxTokens: 10\n';
  writeFileSync(path.join(dir, '.github', 'prompts', 'a.prompt.yml'), file);
  writeFileSync(path.join(dir, 'sub', '.github', 'prompts', 'b.prompt.yaml'), file);
  writeFileSync(path.join(dir, '.cache', 'c.prompt.yml'), file);
  assert.ok(promptFileGlobs().includes('**/.github/**/*.prompt.yml'));
  const r = await runCli(['tokens', '.', '--json'], dir);
  assert.equal(r.code, 0, r.stderr);
  const files = (JSON.parse(r.stdout) as { file: string }[]).map((f) => f.file.split(path.sep).join('/')).sort();
  assert.deepEqual(files, ['.github/prompts/a.prompt.yml', 'sub/.github/prompts/b.prompt.yaml']);
  // The names in the "none found" message stay the plain ones.
  const none = await runCli(['lint', 'nothing-here'], dir);
  assert.equal(none.code, 2);
  assert.match(none.stderr, /\(\*\.prompt, \*\.prompty, \*\.prompt\.yml, \*\.prompt\.yaml, or agent/);
});

// ---- YAML layout in message texts is not white space sent to the model ----

test('a block scalar line holding only its indentation is not trailing white space; blanks past the indentation are', () => {
  const text = 'messages:\n  - role: user\n    content: |\n      Hello {{name}}.\n      \n        \n      Bye \n  - role: system\n    content: "one   \n      two"\n';
  const found = diags(text, GH, true).filter((d) => d.code === 'whitespace');
  // Line 5 is indentation only (an empty line of the value), line 6 keeps two spaces of text, line 7
  // is the block's last line (its blank is in the value: "Bye \n"), line 9 ends a line of a quoted
  // string (folded away by YAML).
  assert.deepEqual(found.map((d) => [lineOf(text, d), at(text, d)]), [[6, '        '], [7, ' ']]);
  for (const d of found) assert.match(d.message, /but sent to the model/);
});

test('a folded (>) message and a judge prompt: indentation-only lines are not reported', () => {
  const text = 'messages:\n  - role: system\n    content: >\n      Rules:\n      \n      be brief.\nevaluators:\n  - name: judge\n    llm:\n      modelId: openai/gpt-4o\n      prompt: |\n        Is {{completion}} brief?\n        \n        Answer yes or no.\n      choices:\n        - choice: "yes"\n          score: 1\n';
  assert.deepEqual(diags(text, GH, true).filter((d) => d.code === 'whitespace'), []);
});

// ---- files without messages ----

test('a prompt file without messages (keys of another tool) is an error on its first line', () => {
  const text = 'name: triage\nmodel: openai/gpt-4o\nsystem_prompt: |\n  Sort the issue.\nuser_prompt: "{{ title }}"\n';
  const found = diags(text, GH).filter((d) => d.code === 'prompt-file-no-messages');
  assert.equal(found.length, 1);
  assert.equal(found[0].severity, 'error');
  assert.equal(at(text, found[0]), 'name: triage');
  assert.match(found[0].message, /no `messages`.*actions\/ai-inference/);
  // The other tool's keys are still named on their own keys.
  assert.deepEqual(diags(text, GH).filter((d) => d.code === 'prompt-file-unknown-key').map((d) => at(text, d)), ['system_prompt', 'user_prompt']);
});

test('`messages: []` is reported on the empty list; a file with messages is not', () => {
  const text = 'model: openai/gpt-4o\nmessages: []\n';
  const found = diags(text, GH).filter((d) => d.code === 'prompt-file-no-messages');
  assert.deepEqual(found.map((d) => at(text, d)), ['[]']);
  assert.match(found[0].message, /`messages` is empty/);
  assert.deepEqual(diags('messages:\n  - role: user\n    content: Hi\n', GH).filter((d) => d.code === 'prompt-file-no-messages'), []);
});

// ---- a built-in judge without `input` ----

test('github/similarity without `input` in the rows is a warning on `uses` (the judge still runs)', () => {
  const text = 'messages:\n  - role: user\n    content: Explain it\ntestData:\n  - expected: A summary\nevaluators:\n  - name: sim\n    uses: github/similarity\n';
  const found = diags(text, GH).filter((d) => d.code === 'undefined-variable');
  assert.equal(found.length, 1);
  assert.equal(found[0].severity, 'warning');
  assert.equal(at(text, found[0]), 'github/similarity');
  assert.match(found[0].message, /reads `\{\{input\}\}`.*gets `\{\{input\}\}` as written/);
});

// ---- Genkit's frontmatter keys and output formats ----

test('Genkit keys (maxTurns, toolChoice, returnToolRequests, use, output.instructions) are known; wrong values are errors on the value', () => {
  const text = '---\nmodel: googleai/gemini-2.5-flash\nmaxTurns: 3\ntoolChoice: required\nreturnToolRequests: false\nuse:\n  - retry\n  - name: fallback\n    config:\n      models: [a]\noutput:\n  instructions: false\n---\nHi\n';
  assert.deepEqual(diags(text, DP).filter((d) => d.code === 'frontmatter-unknown-key' || d.code === 'frontmatter-schema'), []);
  const bad = '---\nmaxTurns: 0\ntoolChoice: always\n---\nHi\n';
  const found = diags(bad, DP).filter((d) => d.code === 'frontmatter-schema');
  assert.deepEqual(found.map((d) => at(bad, d)), ['0', 'always']);
});

test('a custom output format is an info on the value; a near miss of a built-in one is a warning with the fix', () => {
  const custom = '---\noutput:\n  format: decision\n---\nHi\n';
  let found = diags(custom, DP).filter((d) => d.code === 'output-format-unknown' || d.code === 'frontmatter-schema');
  assert.equal(found.length, 1);
  assert.equal(found[0].code, 'output-format-unknown');
  assert.equal(found[0].severity, 'info');
  assert.equal(at(custom, found[0]), 'decision');
  assert.match(found[0].message, /ai\.defineFormat/);
  const typo = '---\noutput:\n  format: jsonn\n---\nHi\n';
  found = diags(typo, DP).filter((d) => d.code === 'output-format-unknown');
  assert.equal(found[0].severity, 'warning');
  assert.equal((found[0].data as { replacement?: string }).replacement, 'json');
  for (const ok of ['json', 'text', 'media', 'array', 'enum', 'jsonl']) assert.deepEqual(diags(`---\noutput:\n  format: ${ok}\n---\nHi\n`, DP).filter((d) => d.code === 'output-format-unknown'), [], ok);
});

// ---- `model: {{name}}` ----

test('`model: {{name}}` says the frontmatter is not templated, on the value, and writes nothing to stderr', () => {
  const warnings: string[] = [];
  const listen = (w: Error) => warnings.push(w.message);
  process.on('warning', listen);
  try {
    const text = '---\nmodel: {{resolvedModelId}}\ninput:\n  schema:\n    resolvedModelId: string\n---\nHi\n';
    const found = diags(text, DP).filter((d) => d.code === 'frontmatter-schema');
    assert.equal(found.length, 1);
    assert.equal(at(text, found[0]), '{{resolvedModelId}}');
    assert.match(found[0].message, /`model: \{\{resolvedModelId\}\}` is not filled in: the frontmatter is YAML, not a template/);
    // Any other mapping keeps the plain message.
    const plain = diags('---\nmodel:\n  name: x\n---\nHi\n', DP).filter((d) => d.code === 'frontmatter-schema');
    assert.match(plain[0].message, /Expected text for `model`, got a mapping/);
  } finally {
    process.off('warning', listen);
  }
  assert.deepEqual(warnings.filter((w) => /collection values/.test(w)), []);
});

// ---- Jinja written as code ----

test('Jinja between backticks or in a fenced block is quoted on purpose; in the text it is still reported', () => {
  const text = '---\nmodel: openai/gpt-4o\n---\nDo not use `{% if x %}` or `{% endif %}` here.\n```\n{% for a in b %}\n```\nBut this one: {% if y %} is wrong.\n';
  const found = diags(text, DP).filter((d) => d.code === 'template-foreign-syntax');
  assert.deepEqual(found.map((d) => [lineOf(text, d), at(text, d)]), [[8, '{% if y %}']]);
  // An unclosed backtick does not hide it.
  const open = '---\nmodel: openai/gpt-4o\n---\nA stray ` then {% if z %}.\n';
  assert.deepEqual(diags(open, DP).filter((d) => d.code === 'template-foreign-syntax').map((d) => at(open, d)), ['{% if z %}']);
});

// ---- a YAML list written as a Picoschema type ----

test('`field:` followed by a YAML list of one item shape is an error on the list, and the item fields still check the template', () => {
  const text = '---\ninput:\n  schema:\n    history:\n      - role: string\n        content: string\n    tags: [string]\n---\n{{#each history}}{{role}}: {{this.content}} {{this.nope}}{{/each}} {{#each tags}}{{this}}{{/each}}\n';
  const all = diags(text, DP);
  const invalid = all.filter((d) => d.code === 'input-schema-invalid');
  assert.deepEqual(invalid.map((d) => [lineOf(text, d), at(text, d).split('\n')[0]]), [[5, '- role: string'], [7, '[string]']]);
  assert.match(invalid[0].message, /Dotprompt reads `history` as an object with a field "0"\. For a list, write `history\(array\):` with the item's fields/);
  assert.match(invalid[1].message, /write `tags\(array\): string`/);
  // The item's fields are known: `{{role}}` is the helper shadowing the field, `this.nope` is not a field.
  assert.deepEqual(all.filter((d) => d.code === 'helper-shadows-field').map((d) => at(text, d)), ['role']);
  assert.deepEqual(all.filter((d) => d.code === 'undefined-variable').map((d) => at(text, d)), ['nope']);
});

// ---- blanks at the end of a Dotprompt template ----

test('blanks after the last text of a template with frontmatter are not sent (Dotprompt trims it); without frontmatter they are', () => {
  const text = '---\nmodel: openai/gpt-4o\n---\nHello {{name}}.  \nThere.  \n\n  \n';
  const found = diags(text, DP, true).filter((d) => d.code === 'whitespace');
  assert.deepEqual(found.map((d) => [lineOf(text, d), at(text, d)]), [[4, '  '], [5, '  '], [7, '  ']]);
  assert.match(found[0].message, /invisible, but sent to the model/);
  assert.match(found[1].message, /end of the template: not sent to the model \(Dotprompt trims the template\)/);
  assert.match(found[2].message, /end of the template: not sent/);
  const bare = '{{>common}}\n\nYou are generating ';
  const plain = diags(bare, DP, true).filter((d) => d.code === 'whitespace');
  assert.deepEqual(plain.map((d) => at(bare, d)), [' ']);
  assert.match(plain[0].message, /invisible, but sent to the model/);
});

test('`test DIR` runs the test rows of prompt files under .github/, and a broken prompt file without test data does not stop them', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'pw-ghm-test-'));
  mkdirSync(path.join(dir, '.github', 'prompts'), { recursive: true });
  writeFileSync(path.join(dir, '.github', 'prompts', 'say.prompt.yml'), 'model: openai/gpt-4o\nmessages:\n  - role: user\n    content: Say {{word}}\ntestData:\n  - word: hello\nevaluators:\n  - name: has it\n    string:\n      contains: hello\n');
  // Written for another tool: `model` is a mapping (an error `gh models` refuses), and it has no rows.
  writeFileSync(path.join(dir, '.github', 'prompts', 'other.prompt.yml'), 'model:\n  name: gpt-4\nprompt: Review {{code}}\n');
  const r = await runCli(['test', '.', '--provider', 'render', '--no-record'], dir);
  assert.equal(r.code, 0, r.stdout + r.stderr);
  assert.match(r.stdout, /1 passed, 0 failed/);
  assert.doesNotMatch(r.stderr, /other\.prompt\.yml/);
});
