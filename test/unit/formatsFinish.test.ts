// The Prompty and GitHub Models pieces that follow the Dotprompt ones: a fixture `x.tests.yaml`
// beside `x.prompty` tests it by the naming convention (the runner's loadSuite, the Test
// Explorer's items, the prompt's side), `untrusted-input-undelimited` on Prompty's Jinja2 and
// Mustache output tags and on GitHub Models messages (with ranges), a GitHub Models file's
// `testData` rows as the preview's value sets, and the suite cost estimate naming each format's
// own key for the answer's limit.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { after, before, test } from 'node:test';
import { pathToFileURL } from 'node:url';
import { planItems } from '../../client/src/testing/items';
import { embeddedCasesOf, fixtureCasesOf, fixturesOf, parseDocument, renderFixtureCase } from '../../server/src/service';
import { lintDiagnostics } from '../../server/src/service/lint';
import { defaultPromptUris, estimateSuiteCost, formatSuiteCost, loadSuite, parseFixtureFile, resolveDefaultPrompt } from '../../server/src/service/testing';
import { readTextUri } from '../../server/src/node/workspaceReads';

const PROMPTY = `---
name: Answer
model:
  id: gpt-4o-mini
  provider: openai
  options:
    maxOutputTokens: 250
inputs:
  question:
    kind: string
    default: Where is my parcel?
---
user:
<question>
{{ question }}
</question>
`;
const FIXTURE = `cases:
  - name: the default question
    provider: render
    assert:
      - type: contains
        value: Where is my parcel?
  - name: another question
    vars:
      question: Can I pay by card?
    assert:
      - type: contains
        value: pay by card
`;

let dir: string;
const uri = (name: string) => pathToFileURL(path.join(dir, name)).toString();
before(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'pw-formats-finish-'));
  mkdirSync(path.join(dir, 'only-prompty'));
  writeFileSync(path.join(dir, 'only-prompty', 'answer.prompty'), PROMPTY);
  writeFileSync(path.join(dir, 'only-prompty', 'answer.tests.yaml'), FIXTURE);
  mkdirSync(path.join(dir, 'both'));
  writeFileSync(path.join(dir, 'both', 'answer.prompty'), PROMPTY);
  writeFileSync(path.join(dir, 'both', 'answer.prompt'), '---\ninput:\n  schema:\n    question: string\n---\n{{question}}\n');
  writeFileSync(path.join(dir, 'both', 'answer.tests.yaml'), FIXTURE);
  mkdirSync(path.join(dir, 'named'));
  writeFileSync(path.join(dir, 'named', 'answer.prompty'), PROMPTY);
  writeFileSync(path.join(dir, 'named', 'other.prompt'), '---\ninput:\n  schema:\n    question: string\n---\n{{question}}\n');
  writeFileSync(path.join(dir, 'named', 'answer.tests.yml'), `prompt: other.prompt\n${FIXTURE}`);
  mkdirSync(path.join(dir, 'none'));
  writeFileSync(path.join(dir, 'none', 'answer.tests.yaml'), FIXTURE);
});
after(() => rmSync(dir, { recursive: true, force: true }));

test('the naming convention: x.tests.yaml names x.prompt, then x.prompty', () => {
  assert.deepEqual(defaultPromptUris('file:///w/a.tests.yaml'), ['file:///w/a.prompt', 'file:///w/a.prompty']);
  assert.deepEqual(defaultPromptUris('file:///w/a.tests.yml'), ['file:///w/a.prompt', 'file:///w/a.prompty']);
});

test('loadSuite: x.tests.yaml beside x.prompty alone tests it; beside both, x.prompt; a written prompt: wins; neither: x.prompt, missing', async () => {
  const only = await loadSuite(uri('only-prompty/answer.tests.yaml'), uri(''), readTextUri);
  assert.equal(only.fixture.promptUri, uri('only-prompty/answer.prompty'));
  assert.equal(only.prompt?.format, 'prompty');
  assert.equal(only.promptPath, 'only-prompty/answer.prompty');

  const both = await loadSuite(uri('both/answer.tests.yaml'), uri(''), readTextUri);
  assert.equal(both.fixture.promptUri, uri('both/answer.prompt'));
  assert.equal(both.prompt?.format, 'dotprompt');

  const named = await loadSuite(uri('named/answer.tests.yml'), uri(''), readTextUri);
  assert.equal(named.fixture.promptUri, uri('named/other.prompt'));

  const none = await loadSuite(uri('none/answer.tests.yaml'), uri(''), readTextUri);
  assert.equal(none.fixture.promptUri, uri('none/answer.prompt'));
  assert.equal(none.prompt, undefined);
});

test('resolveDefaultPrompt asks the host which files exist and leaves a written prompt: alone', async () => {
  const asked: string[] = [];
  const file = parseFixtureFile(FIXTURE, 'file:///w/a.tests.yaml');
  await resolveDefaultPrompt(file, async (u) => (asked.push(u), u.endsWith('.prompty')));
  assert.equal(file.promptUri, 'file:///w/a.prompty');
  assert.deepEqual(asked, ['file:///w/a.prompt', 'file:///w/a.prompty']);
  const written = parseFixtureFile(`prompt: b.prompt\n${FIXTURE}`, 'file:///w/a.tests.yaml');
  await resolveDefaultPrompt(written, async () => true);
  assert.equal(written.promptUri, 'file:///w/b.prompt');
});

test('the Test Explorer lists the cases under the .prompty file, at their lines in the fixture', async () => {
  const suite = await loadSuite(uri('only-prompty/answer.tests.yaml'), uri(''), readTextUri);
  const items = planItems([suite]);
  assert.deepEqual(items.map((n) => [n.id, n.label]), [[uri('only-prompty/answer.prompty'), 'only-prompty/answer.prompty']]);
  assert.deepEqual(items[0].children.map((c) => [c.label, c.line, c.uri, c.data.kind]), [
    ['the default question', 1, uri('only-prompty/answer.tests.yaml'), 'case'],
    ['another question', 6, uri('only-prompty/answer.tests.yaml'), 'case'],
  ]);
});

test('from the prompt: the fixture of the same name tests the .prompty file (cases for the preview, a case rendered)', async () => {
  const fixtures = [{ uri: 'file:///w/answer.tests.yaml', text: FIXTURE }, { uri: 'file:///w/other.tests.yaml', text: FIXTURE }];
  assert.deepEqual(fixturesOf('file:///w/answer.prompty', fixtures).map((f) => f.uri), ['file:///w/answer.tests.yaml']);
  assert.deepEqual(fixtureCasesOf('file:///w/answer.prompty', fixtures).map((c) => `${c.fixtureName}: ${c.name} (line ${c.line})`), ['answer.tests.yaml: the default question (line 1)', 'answer.tests.yaml: another question (line 6)']);
  // a fixture that names another prompt does not test it
  assert.deepEqual(fixturesOf('file:///w/answer.prompty', [{ uri: 'file:///w/answer.tests.yaml', text: `prompt: other.prompt\n${FIXTURE}` }]), []);
  const doc = parseDocument(PROMPTY, 'file:///w/answer.prompty');
  const r = await renderFixtureCase(doc, fixtures[0], 'another question', async () => '');
  assert.equal(r.error, undefined);
  assert.match(r.messages!.map((m) => m.text).join('\n'), /<question>\nCan I pay by card\?\n<\/question>/);
});

const lintOf = (text: string, uri: string) => {
  const doc = parseDocument(text, uri);
  return lintDiagnostics(doc)
    .filter((d) => d.code === 'untrusted-input-undelimited')
    .map((d) => ({ at: `${doc.lines.positionAt(d.span.start).line + 1}:${doc.lines.positionAt(d.span.start).character + 1}-${doc.lines.positionAt(d.span.end).character + 1}`, text: text.slice(d.span.start, d.span.end), message: d.message }));
};

test('untrusted-input-undelimited on Prompty Jinja2: plain output tags and text filters of string inputs and loop items; not in delimiters, not numbers, not expressions', () => {
  const text = `---
inputs:
  q:
    kind: string
  n:
    kind: integer
  orders:
    kind: array
    items:
      kind: object
      properties:
        - name: id
          kind: string
        - name: count
          kind: integer
---
user:
Answer {{ q }} now, {{ q | trim }}, {{ n }}, {{ q ~ "!" }}.
<q>{{ q }}</q>
{% for o in orders %}{{ o.id }} {{ o.count }}{% endfor %}
{{- q -}}
`;
  const found = lintOf(text, 'file:///w/a.prompty');
  assert.deepEqual(found.map((f) => [f.at, f.text]), [
    ['18:8-15', '{{ q }}'],
    ['18:21-35', '{{ q | trim }}'],
    ['20:22-32', '{{ o.id }}'],
    ['21:1-10', '{{- q -}}'],
  ]);
  assert.match(found[0].message, /^`\{\{ q \}\}` writes the input `q` into the prompt with nothing marking where it starts and ends.*e\.g\. <q>\{\{ q \}\}<\/q>/);
  assert.match(found[2].message, /writes the input `orders`/);
});

test('untrusted-input-undelimited on Prompty Mustache: {{x}}, {{{x}}} and a section item; quoted text is delimited', () => {
  const text = `---
inputs:
  q: hello
  items:
    kind: array
template:
  format:
    kind: mustache
---
user:
Answer {{q}} and {{{q}}} and "{{q}}".
{{#items}}{{name}}{{/items}}
`;
  const found = lintOf(text, 'file:///w/m.prompty');
  assert.deepEqual(found.map((f) => [f.at, f.text]), [
    ['11:8-13', '{{q}}'],
    ['11:18-25', '{{{q}}}'],
    ['12:11-19', '{{name}}'],
  ]);
  assert.match(found[2].message, /writes the input `items`/);
});

test('untrusted-input-undelimited on GitHub Models messages, inside the YAML strings', () => {
  const text = `name: x
model: openai/gpt-4o
messages:
  - role: system
    content: You answer questions.
  - role: user
    content: "Answer this: {{question}} now"
  - role: user
    content: |
      Details:
      <details>{{details}}</details>
      {{question}}
      {{ question }} and {{qestion}} stay as written: gh models does not replace them.
testData:
  - question: hi
    details: none
`;
  const found = lintOf(text, 'file:///w/a.prompt.yml');
  assert.deepEqual(found.map((f) => [f.at, f.text]), [
    ['7:28-40', '{{question}}'],
    ['12:7-19', '{{question}}'],
  ]);
});

test('a GitHub Models file\'s testData rows are the preview\'s value sets, rendered as the runner renders them', async () => {
  const text = `name: x
model: openai/gpt-4o-mini
messages:
  - role: user
    content: "Sort <ticket>{{ticket}}</ticket> for the {{plan}} plan"
testData:
  - ticket: I was charged twice.
    plan: premium
  - ticket: My parcel is late.
    plan: basic
`;
  const doc = parseDocument(text, 'file:///w/t.prompt.yml');
  const cases = embeddedCasesOf(doc);
  assert.deepEqual(cases.map((c) => [c.fixtureUri, c.fixtureName, c.name, c.line, c.description]), [
    ['file:///w/t.prompt.yml', 't.prompt.yml', 'row 1', 6, 'ticket: I was charged twice., plan: premium'],
    ['file:///w/t.prompt.yml', 't.prompt.yml', 'row 2', 8, 'ticket: My parcel is late., plan: basic'],
  ]);
  const r = await renderFixtureCase(doc, { uri: doc.uri, text }, 'row 2', async () => '');
  assert.equal(r.error, undefined);
  assert.equal(r.label, 'case "row 2" (t.prompt.yml)');
  assert.equal(r.messages![0].text, 'Sort <ticket>My parcel is late.</ticket> for the basic plan');
  // a Dotprompt or Prompty file has none of its own
  assert.deepEqual(embeddedCasesOf(parseDocument(PROMPTY, 'file:///w/answer.prompty')), []);
});

test('the suite cost estimate names the key that bounds the answer in each format', async () => {
  const gh = `name: x
model: openai/gpt-4o-mini
modelParameters:
  maxTokens: 120
messages:
  - role: user
    content: "Sort <ticket>{{ticket}}</ticket>"
testData:
  - ticket: I was charged twice.
evaluators:
  - name: says billing
    string:
      contains: billing
`;
  const ghSuite = await loadSuite('file:///w/t.prompt.yml', 'file:///w', async () => gh, gh);
  const ghEstimate = await estimateSuiteCost([ghSuite], { readText: async () => '' });
  const model = ghEstimate.prompts[0].models[0];
  assert.equal(model.maxOutputTokens, 120);
  assert.deepEqual(model.outputSources, ['modelParameters.maxTokens']);
  const ghText = formatSuiteCost(ghEstimate, 'text');
  assert.match(ghText, /Output tokens are an upper bound: modelParameters\.maxTokens of the prompt, else the model's maximum output\./);
  assert.doesNotMatch(ghText, /config\.maxOutputTokens/);

  const files: Record<string, string> = { 'file:///w/answer.prompty': PROMPTY.replace('provider: render', '') };
  const fixture = FIXTURE.replace('    provider: render\n', '');
  const prSuite = await loadSuite('file:///w/answer.tests.yaml', 'file:///w', async (u) => {
    if (u in files) return files[u];
    throw new Error(`ENOENT ${u}`);
  }, fixture);
  assert.equal(prSuite.prompt?.format, 'prompty');
  const prEstimate = await estimateSuiteCost([prSuite], { readText: async () => '', defaultProvider: 'openai' });
  assert.deepEqual(prEstimate.prompts[0].models[0].outputSources, ['model.options.maxOutputTokens']);
  assert.match(formatSuiteCost(prEstimate, 'markdown'), /Output tokens are an upper bound: `config\.maxOutputTokens` of the case, else `model\.options\.maxOutputTokens` of the prompt, else the model's maximum output\./);

  // both together: each format's key
  const both = await estimateSuiteCost([ghSuite, prSuite], { readText: async () => '', defaultProvider: 'openai' });
  assert.match(formatSuiteCost(both, 'text'), /Output tokens are an upper bound: config\.maxOutputTokens of the case, else the prompt's own limit, as its format writes it \(modelParameters\.maxTokens, model\.options\.maxOutputTokens\), else the model's maximum output\./);
});

test('whitespace in a Prompty Jinja2 body: blanks after a block tag or a comment are sent (no trimBlocks); inside a tag they are not', () => {
  const text = '---\nname: x\ninputs:\n  a: 1\n---\nuser:\nhi {{ a }}  \n{% if a %}  \nyes\n{% endif %}\n{# note #}  \n{{ a \n}}\n';
  const doc = parseDocument(text, 'file:///w/w.prompty');
  const found = lintDiagnostics(doc).filter((d) => d.code === 'whitespace').map((d) => [doc.lines.positionAt(d.span.start).line + 1, doc.lines.positionAt(d.span.start).character + 1, d.message.replace(/:.*$/, '')]);
  assert.deepEqual(found, [
    [7, 11, 'Trailing whitespace'],
    [8, 11, 'Trailing whitespace'],
    [11, 11, 'Trailing whitespace'],
    [12, 5, 'Trailing whitespace inside a tag'],
  ]);
  for (const d of lintDiagnostics(doc).filter((x) => x.code === 'whitespace' && doc.lines.positionAt(x.span.start).line < 11)) assert.match(d.message, /sent to the model and noisy in diffs/);
});
