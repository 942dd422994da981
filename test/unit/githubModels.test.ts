// The GitHub Models front-end (`*.prompt.yml`): detection, the shared model with the source text
// under every span, validation on the exact key or value, bad input, and the doors' plumbing
// (languages, globs) derived from the registry.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { allCodeActions, diagnostics, diagnostics as lspDiagnostics, formatFor, formatForLanguage, parseDocument, promptDiagnostics, promptFileGlobs, registeredFormats } from '../../server/src/service';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { PROMPT_LANGUAGES } from '../../server/src/languages';
import type { PromptDiagnostic } from '../../server/src/service/diagnostic';

const root = path.resolve(__dirname, '..', '..');
const URI = 'file:///w/ask.prompt.yml';

function parse(text: string, uri = URI) {
  return parseDocument(text, uri);
}

function diags(text: string): PromptDiagnostic[] {
  return promptDiagnostics(parse(text));
}

/** The text under a diagnostic, and the diagnostic with that code (exactly one). */
function only(text: string, code: string): { d: PromptDiagnostic; at: string } {
  const found = diags(text).filter((d) => d.code === code);
  assert.equal(found.length, 1, `${code}: ${JSON.stringify(diags(text).map((d) => [d.code, d.message]))}`);
  return { d: found[0], at: text.slice(found[0].span.start, found[0].span.end) };
}

test('detection: *.prompt.yml and *.prompt.yaml are GitHub Models files; other names are not', () => {
  for (const uri of ['file:///a/x.prompt.yml', 'file:///a/x.prompt.yaml', 'file:///a/X.PROMPT.YML', 'prompt-history:/a/x.prompt.yml?rev=abc']) assert.equal(formatFor(uri)?.id, 'github-models', uri);
  for (const uri of ['file:///a/x.prompt', 'file:///a/x.yml', 'file:///a/x.tests.yaml', 'file:///a/x.prompt.md', 'file:///a/prompt.yml']) assert.notEqual(formatFor(uri)?.id, 'github-models', uri);
  assert.equal(formatFor('file:///a/x.prompt')?.id, 'dotprompt');
  // The prompt formats' globs (the agent instruction files' are checked in agents.test.ts).
  assert.deepEqual(promptFileGlobs().filter((g) => g.includes('prompt') && !g.endsWith('.md')).sort(), ['**/*.prompt', '**/*.prompt.yaml', '**/*.prompt.yml', '**/*.prompty', '**/.github/**/*.prompt.yaml', '**/.github/**/*.prompt.yml', '.github/**/*.prompt.yaml', '.github/**/*.prompt.yml']);
  assert.equal(formatForLanguage('github-models-prompt')?.id, 'github-models');
  // An untitled buffer set to the language parses as the format.
  assert.equal(parseDocument('messages: []\n', 'untitled:Untitled-1', 0, {}, undefined, 'github-models-prompt').format, 'github-models');
});

test('the client languages, the manifest languages and the formats agree', () => {
  const manifest = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8'));
  const declared = manifest.contributes.languages.map((l: { id: string }) => l.id).sort();
  assert.deepEqual([...PROMPT_LANGUAGES].sort(), declared);
  assert.deepEqual(registeredFormats().flatMap((f) => f.languageIds).sort(), declared);
  for (const id of declared) {
    assert.ok(manifest.activationEvents.includes(`onLanguage:${id}`), id);
    assert.ok(manifest.contributes.grammars.some((g: { language: string }) => g.language === id), id);
  }
  const gh = manifest.contributes.languages.find((l: { id: string }) => l.id === 'github-models-prompt');
  assert.deepEqual(gh.extensions, ['.prompt.yml', '.prompt.yaml']);
});

const FILE = `name: Summarizer
description: Summarizes text
model: openai/gpt-4o-mini
modelParameters:
  temperature: 0.5
  maxTokens: 300
messages:
  - role: system
    content: You summarize text for {{audience}}.
  - role: user
    content: |
      Summarize this:
      <text>{{input}}</text>
  - role: assistant
    content: "Sure: \\"{{input}}\\""
testData:
  - input: The fox jumped.
    audience: kids
    expected: A fox jumped.
evaluators:
  - name: starts right
    string:
      startsWith: 'Summary'
  - name: judged
    llm:
      modelId: openai/gpt-4o
      prompt: Is {{completion}} a summary of {{input}}?
      choices:
        - choice: "yes"
          score: 1
        - choice: "no"
          score: 0
`;

test('the model: metadata, parameters on the shared vocabulary, messages with content spans and variables', () => {
  const doc = parse(FILE);
  const m = doc.prompt;
  const at = (s: { start: number; end: number }) => FILE.slice(s.start, s.end);
  assert.equal(doc.format, 'github-models');
  assert.equal(m.metadata.name?.value, 'Summarizer');
  assert.equal(at(m.metadata.name!.span), 'Summarizer');
  assert.equal(m.model?.value, 'openai/gpt-4o-mini');
  assert.equal(m.parameters.maxOutputTokens?.value, 300);
  assert.equal(m.parameters.maxOutputTokens?.path, 'modelParameters.maxTokens');
  assert.equal(at(m.parameters.maxOutputTokens!.keySpan), 'maxTokens');
  assert.equal(at(m.parameters.temperature!.valueSpan), '0.5');
  assert.deepEqual(m.messages.map((x) => x.role), ['system', 'user', 'assistant']);
  assert.equal(at(m.messages[0].contentSpan), 'You summarize text for {{audience}}.');
  assert.equal(at(m.messages[1].contentSpan), 'Summarize this:\n      <text>{{input}}</text>');
  assert.equal(m.messages[1].text, 'Summarize this:\n<text>{{input}}</text>\n');
  assert.equal(at(m.messages[2].contentSpan), 'Sure: \\"{{input}}\\"');
  assert.equal(m.messages[2].text, 'Sure: "{{input}}"');
  assert.deepEqual(m.messages.map((x) => x.variables.map((v) => `${v.name}@${at(v.span)}`)), [['audience@audience'], ['input@input'], ['input@input']]);
  assert.deepEqual(m.inputs.map((i) => `${i.name}@${at(i.nameSpan)}`), ['input@input', 'audience@audience', 'expected@expected']);
  assert.equal(m.tests.length, 1);
  assert.deepEqual(m.tests[0].values, { input: 'The fox jumped.', audience: 'kids', expected: 'A fox jumped.' });
  assert.deepEqual(m.tests[0].checks.map((c) => c.type), ['string.startsWith', 'llm']);
  // The placeholders of messages and evaluators are the template's tags.
  assert.deepEqual(doc.template.tags.map((t) => at(t.span)), ['{{audience}}', '{{input}}', '{{input}}', '{{completion}}', '{{input}}']);
  assert.deepEqual(promptDiagnostics(doc), []);
});

test('validation: wrong values on the value, unknown keys with did you mean, on the key', () => {
  let r = only('model: x\nmodelParameters:\n  temperature: hot\nmessages: []\n', 'prompt-file-schema');
  assert.equal(r.at, 'hot');
  assert.match(r.d.message, /Expected a number \(0 to 2\) for `modelParameters.temperature`/);
  r = only('modelParameters:\n  maxTokens: -3\n', 'prompt-file-schema');
  assert.equal(r.at, '-3');
  r = only('modelParameters:\n  topP: 1.5\n', 'prompt-file-schema');
  assert.match(r.d.message, /at most 1/);
  r = only('modelParamters:\n  temperature: 1\n', 'prompt-file-unknown-key');
  assert.equal(r.at, 'modelParamters');
  assert.match(r.d.message, /Did you mean `modelParameters`\?/);
  assert.equal(r.d.data?.replacement, 'modelParameters');
  r = only('messages:\n  - role: user\n    contnet: hi\n', 'prompt-file-unknown-key');
  assert.equal(r.at, 'contnet');
  assert.match(r.d.message, /in `messages`.*Did you mean `content`/);
  r = only('evaluators:\n  - name: a\n    string:\n      contain: x\n', 'prompt-file-unknown-key');
  assert.equal(r.at, 'contain');
  assert.match(r.d.message, /Did you mean `contains`/);
  r = only('responseFormat: json\n', 'prompt-file-schema');
  assert.equal(r.at, 'json');
  assert.match(r.d.message, /`text`, `json_object`, `json_schema`/);
  // testData rows are open: any key is a variable.
  assert.deepEqual(diags('testData:\n  - anything: 1\n').filter((d) => d.code === 'prompt-file-unknown-key'), []);
});

test('responseFormat json_schema without jsonSchema is an error on responseFormat; jsonSchema is checked as JSON Schema', () => {
  let r = only('responseFormat: json_schema\nmessages: []\n', 'prompt-file-schema');
  assert.equal(r.at, 'json_schema');
  assert.match(r.d.message, /needs a `jsonSchema`/);
  r = only(`responseFormat: json_schema\njsonSchema: |\n  {"name": "person", "schema": {"type": "objekt"}}\n`, 'prompt-file-json-schema');
  assert.match(r.d.message, /not a valid JSON Schema/);
  r = only("responseFormat: json_schema\njsonSchema: '{\"name\": \"p\", \"schema\": {'\n", 'prompt-file-json-schema');
  assert.match(r.d.message, /not valid JSON/);
  assert.equal(r.at, '\'{"name": "p", "schema": {\'');
  r = only(`responseFormat: json_schema\njsonSchema: '{"name": "person"}'\n`, 'prompt-file-json-schema');
  assert.match(r.d.message, /needs a `schema`/);
  assert.equal(r.at, 'jsonSchema');
  // The JSON text form, as gh models reads it, in quotes or in a block.
  const hi = 'messages:\n  - role: user\n    content: hi\n';
  assert.deepEqual(diags(`responseFormat: json_schema\njsonSchema: '{"name": "p", "schema": {"type": "object"}}'\n${hi}`), []);
  assert.deepEqual(diags(`responseFormat: json_schema\njsonSchema: |\n  {\n    "name": "p",\n    "strict": true,\n    "schema": {"type": "object"}\n  }\n${hi}`), []);
});

test('jsonSchema as gh models reads it: a YAML mapping is refused (with a fix to JSON text), a bare schema lacks name, responseFormat has three values', () => {
  const hi = 'messages:\n  - role: user\n    content: hi\n';
  // gh models: "jsonSchema must be a JSON string".
  const text = `responseFormat: json_schema\njsonSchema:\n  name: person\n  strict: true\n  schema:\n    type: object\n    properties:\n      age: {type: integer}\n${hi}`;
  let r = only(text, 'prompt-file-json-schema');
  assert.equal(r.at, 'jsonSchema');
  assert.match(r.d.message, /refuses this file \("jsonSchema must be a JSON string"\)/);
  const doc = parse(text);
  const actions = allCodeActions(doc, diagnostics(doc).filter((d) => d.code === 'prompt-file-json-schema'));
  assert.equal(actions.length, 1);
  assert.equal(actions[0].title, 'Write `jsonSchema` as JSON text');
  const edit = actions[0].edit!.changes![doc.uri][0];
  const fixed = TextDocument.applyEdits(TextDocument.create(doc.uri, 'github-models-prompt', 0, text), [edit]);
  assert.equal(fixed, `responseFormat: json_schema\njsonSchema: |\n  {\n    "name": "person",\n    "strict": true,\n    "schema": {\n      "type": "object",\n      "properties": {\n        "age": {\n          "type": "integer"\n        }\n      }\n    }\n  }\n${hi}`);
  assert.deepEqual(diags(fixed), []);
  // A flow mapping and CRLF line ends: the fix keeps the file's line ends.
  const crlf = `responseFormat: json_schema\r\njsonSchema: {name: p, schema: {type: object}}\r\n${hi.replace(/\n/g, '\r\n')}`;
  const d2 = parse(crlf);
  const a2 = allCodeActions(d2, diagnostics(d2).filter((d) => d.code === 'prompt-file-json-schema'));
  const fixed2 = TextDocument.applyEdits(TextDocument.create(d2.uri, 'github-models-prompt', 0, crlf), [a2[0].edit!.changes![d2.uri][0]]);
  assert.ok(fixed2.startsWith('responseFormat: json_schema\r\njsonSchema: |\r\n  {\r\n    "name": "p",\r\n'), JSON.stringify(fixed2));
  assert.deepEqual(diags(fixed2), []);
  // A list is refused too (no fix: it is no JSON object either).
  r = only(`jsonSchema:\n  - a\n${hi}`, 'prompt-file-json-schema');
  assert.match(r.d.message, /not as a YAML list/);
  // A bare schema with json_schema: gh models wants `name` and `schema`.
  r = only(`responseFormat: json_schema\njsonSchema: '{"type": "object"}'\n${hi}`, 'prompt-file-json-schema');
  assert.match(r.d.message, /needs `name` and `schema`.*Wrap it/);
  // JSON that is not an object.
  r = only(`responseFormat: json_schema\njsonSchema: '[1]'\n${hi}`, 'prompt-file-json-schema');
  assert.match(r.d.message, /must be a JSON object/);
  // A schema without responseFormat is never sent.
  r = only(`jsonSchema: '{"name": "p", "schema": {"type": "object"}}'\n${hi}`, 'prompt-file-json-schema');
  assert.equal(r.d.severity, 'warning');
  assert.match(r.d.message, /no effect without `responseFormat`/);
  // gh models accepts text, json_object and json_schema only.
  r = only(`responseFormat: guidance\n${hi}`, 'prompt-file-schema');
  assert.equal(r.at, 'guidance');
  assert.match(r.d.message, /Expected one of `text`, `json_object`, `json_schema`/);
  assert.deepEqual(diags(`responseFormat: json_object\n${hi}`), []);
});

test('variables: a row missing a message variable is a warning on the row; an evaluator variable no row has is an error', () => {
  const text = 'messages:\n  - role: user\n    content: "{{a}} and {{b}}"\ntestData:\n  - a: 1\n    b: 2\n  - a: 3\nevaluators:\n  - name: e\n    string:\n      contains: "{{c}}"\n';
  let r = only(text, 'test-row-missing-variable');
  assert.equal(r.at, 'a: 3');
  assert.match(r.d.message, /no `b`/);
  r = only(text, 'undefined-variable');
  assert.equal(r.at, 'c');
  assert.equal(r.d.severity, 'error');
  // `completion` is the answer in a judge prompt, and nowhere else.
  assert.deepEqual(diags('testData:\n  - a: 1\nmessages:\n  - role: user\n    content: "{{a}}"\nevaluators:\n  - name: j\n    llm:\n      modelId: m\n      prompt: "{{completion}} {{a}}"\n      choices: [{choice: "1", score: 1}]\n'), []);
  r = only('testData:\n  - a: 1\nmessages:\n  - role: user\n    content: "{{a}}"\nevaluators:\n  - name: s\n    string:\n      equals: "{{completion}}"\n', 'undefined-variable');
  assert.match(r.d.message, /only in an `llm` evaluator/);
  // A built-in evaluator that reads a variable no row has.
  r = only('testData:\n  - question: q\nmessages:\n  - role: user\n    content: "{{question}}"\nevaluators:\n  - name: s\n    uses: github/relevance\n', 'undefined-variable');
  assert.equal(r.at, 'github/relevance');
  assert.match(r.d.message, /\{\{input\}\}/);
  r = only('evaluators:\n  - name: s\n    uses: github/similarty\n', 'prompt-file-evaluator');
  assert.match(r.d.message, /Did you mean `github\/similarity`/);
  // A message variable no row defines, with test data present; and a placeholder with spaces.
  r = only('testData:\n  - input: 1\nmessages:\n  - role: user\n    content: "{{inpt}}"\n', 'undefined-variable');
  assert.equal(r.at, 'inpt');
  assert.equal(r.d.data?.replacement, 'input');
  r = only('testData:\n  - input: 1\nmessages:\n  - role: user\n    content: "{{ input }}"\n', 'placeholder-spaces');
  assert.equal(r.at, '{{ input }}');
  // An unused row key is a hint on its first key; `expected` is not reported.
  r = only('testData:\n  - input: 1\n    extra: 2\n    expected: 3\nmessages:\n  - role: user\n    content: "{{input}}"\n', 'unused-variable');
  assert.equal(r.at, 'extra');
});

test('bad input: one clear diagnostic each, and the rest of the file still served', () => {
  // A YAML error.
  let ds = diags('name: x\nmessages:\n  - role: user\n    content: "open\n');
  assert.ok(ds.length >= 1 && ds.every((d) => d.code.startsWith('yaml')), JSON.stringify(ds));
  assert.match(ds[0].message, /^Invalid YAML: /);
  // A message without role: one error on the message, and the model still has the others.
  const noRole = 'messages:\n  - content: hi {{x}}\n  - role: user\n    content: "{{x}}"\ntestData:\n  - x: 1\n';
  let r = only(noRole, 'prompt-file-schema');
  assert.equal(r.at, '- content: hi {{x}}'.slice(2));
  assert.match(r.d.message, /has no `role`/);
  assert.equal(parse(noRole).prompt.messages.length, 2);
  // An unknown role, with did you mean.
  r = only('messages:\n  - role: sytem\n    content: hi\n', 'unknown-role');
  assert.equal(r.at, 'sytem');
  assert.equal(r.d.data?.replacement, 'system');
  // Another case: gh models lower-cases it, actions/ai-inference refuses it: a warning with the fix, and the row still runs.
  const upper = 'messages:\n  - role: System\n    content: hi {{a}}\ntestData:\n  - a: 1\n';
  r = only(upper, 'role-case');
  assert.equal(r.at, 'System');
  assert.equal(r.d.severity, 'warning');
  assert.match(r.d.message, /actions\/ai-inference/);
  assert.deepEqual(diags(upper).map((d) => d.code), ['role-case']);
  assert.equal(parse(upper).prompt.messages[0].role, 'system');
  assert.deepEqual(embeddedFixture(parse(upper))!.diagnostics, []);
  const upperDoc = parse(upper);
  const fixIt = allCodeActions(upperDoc, lspDiagnostics(upperDoc).filter((d) => d.code === 'role-case'));
  assert.equal(fixIt.length, 1);
  assert.deepEqual(fixIt[0].edit!.changes![upperDoc.uri].map((e) => [upper.slice(upperDoc.lines.offsetAt(e.range.start), upperDoc.lines.offsetAt(e.range.end)), e.newText]), [['System', 'system']]);
  // An OpenAI model without its publisher, in `model` and in a judge's `modelId`: a warning each, with the full id as the fix.
  const bare = 'model: gpt-4o-mini\nmessages:\n  - role: user\n    content: hi\nevaluators:\n  - name: j\n    llm:\n      modelId: o3\n      prompt: "{{completion}}"\n      choices:\n        - choice: good\n          score: 1\n';
  const bareDoc = parse(bare);
  const ids = diags(bare).filter((d) => d.code === 'model-id-publisher');
  assert.deepEqual(ids.map((d) => [bare.slice(d.span.start, d.span.end), d.severity, (d.data as { replacement?: string }).replacement]), [['gpt-4o-mini', 'warning', 'openai/gpt-4o-mini'], ['o3', 'warning', 'openai/o3']]);
  const idFixes = allCodeActions(bareDoc, lspDiagnostics(bareDoc).filter((d) => d.code === 'model-id-publisher'));
  assert.deepEqual(idFixes.map((a) => a.edit!.changes![bareDoc.uri][0].newText), ['openai/gpt-4o-mini', 'openai/o3']);
  // A full id, or a name that is not OpenAI's (a deployment's own name): nothing.
  for (const model of ['openai/gpt-4o-mini', 'my-deployment', 'Phi-4', 'gpt4all-local/x']) assert.deepEqual(diags(bare.replace('gpt-4o-mini', model).replace('modelId: o3', 'modelId: openai/o3')).filter((d) => d.code === 'model-id-publisher'), [], model);
  // testData that is not a list: one error, the messages still read.
  const notList = 'messages:\n  - role: user\n    content: "{{a}}"\ntestData:\n  a: 1\n';
  ds = diags(notList);
  assert.deepEqual(ds.map((d) => d.code), ['prompt-file-schema']);
  assert.equal(notList.slice(ds[0].span.start, ds[0].span.end), 'a: 1');
  assert.equal(parse(notList).prompt.messages.length, 1);
  // Not a mapping at all; binary content.
  assert.deepEqual(diags('- a\n- b\n').map((d) => d.code), ['prompt-file-not-mapping']);
  assert.deepEqual(diags('a\u0000b').map((d) => d.code), ['file-binary']);
  assert.deepEqual(diags(''), []);
});

test('every example prompt file but needs-fixing is clean', () => {
  for (const f of ['release-notes.prompt.yml', 'support-reply.prompt.yml']) {
    const text = readFileSync(path.join(root, 'examples', f), 'utf8');
    assert.deepEqual(promptDiagnostics(parseDocument(text, `file:///examples/${f}`)).map((d) => d.message), [], f);
  }
});

import { complete, definition, hover, prepareRename, references, rename } from '../../server/src/service';

/** The text with `‸` removed, and the cursor offset where it was (`|` is YAML's block scalar). */
function cursor(marked: string): { text: string; offset: number } {
  const offset = marked.indexOf('‸');
  return { text: marked.slice(0, offset) + marked.slice(offset + 1), offset };
}

const VARS = `messages:
  - role: user
    content: |
      Answer {{question}} for {{‸
testData:
  - question: What is 2 + 2?
    audience: kids
evaluators:
  - name: j
    llm:
      modelId: openai/gpt-4o
      prompt: Is {{completion}} right for {{question}}?
      choices: [{choice: "yes", score: 1}]
`;

test('completion inside {{ }}: the rows\' variables with a sample value; `completion` only in a judge prompt; keys elsewhere', () => {
  const { text, offset } = cursor(VARS);
  const doc = parse(text);
  const list = complete(doc, offset)!;
  assert.deepEqual(list.items.map((i) => i.label), ['question', 'audience']);
  assert.equal(list.items[0].detail, 'What is 2 + 2?');
  const edit = list.items[1].textEdit as { newText: string; range: { start: { line: number; character: number } } };
  assert.equal(edit.newText, 'audience}}');
  assert.deepEqual(edit.range.start, { line: 3, character: 32 }); // right after `{{`
  // In the judge's prompt, `completion` is offered too, and a closed tag gets no second `}}`.
  const judge = cursor(VARS.replace('{{‸\n', '{{x}}\n').replace('Is {{completion}}', 'Is {{co‸}}'));
  const items = complete(parse(judge.text), judge.offset)!.items;
  assert.deepEqual(items.map((i) => i.label), ['question', 'audience', 'completion']);
  assert.equal((items[2].textEdit as { newText: string }).newText, 'completion');
  // Keys, from the schema, at a key position inside a list item.
  const keys = cursor('messages:\n  - role: user\n    ‸\n');
  assert.deepEqual(complete(parse(keys.text), keys.offset)!.items.map((i) => i.label), ['content']);
  const top = cursor('name: x\n‸\n');
  assert.ok(complete(parse(top.text), top.offset)!.items.map((i) => i.label).includes('testData'));
});

test('navigation: definition, references, rename and hover across messages, evaluators and test data keys', () => {
  const text = VARS.replace('{{‸\n', '{{audience}}\n');
  const doc = parse(text);
  const lineText = (r: { start: { line: number; character: number }; end: { line: number; character: number } }) => text.split('\n')[r.start.line].slice(r.start.character, r.end.character);
  const at = text.indexOf('{{question}}') + 3;
  const def = definition(doc, at);
  assert.equal(def.length, 1);
  assert.equal(def[0].range.start.line, 5);
  assert.equal(lineText(def[0].range), 'question');
  const refs = references(doc, at, true);
  assert.deepEqual(refs.map((r) => [r.range.start.line, lineText(r.range)]), [[3, 'question'], [5, 'question'], [11, 'question']]);
  assert.equal(references(doc, at, false).length, 2);
  assert.equal(prepareRename(doc, at)?.placeholder, 'question');
  const edit = rename(doc, at, 'query')!;
  assert.equal(edit.changes![doc.uri].length, 3);
  assert.ok(edit.changes![doc.uri].every((e) => e.newText === 'query'));
  assert.throws(() => rename(doc, at, 'audience'), /already has `audience`/);
  const h = hover(doc, at)!;
  assert.match((h.contents as { value: string }).value, /test data variable, set in 1 of 1 row, used 2 times/);
  assert.match((hover(doc, text.indexOf('{{completion}}') + 3)!.contents as { value: string }).value, /answer/);
  // Hover on a key documents it from the schema.
  assert.match((hover(doc, text.indexOf('modelId') + 2)!.contents as { value: string }).value, /judge model/);
});

test('lint: message-text rules read message contents and judge prompts only, with ranges on the characters written', () => {
  const text = [
    'name: Maybe a helper',
    'model: openai/gpt-4o-mini',
    'modelParameters:',
    '  maxTokens: 100',
    'messages:',
    '  - role: system',
    '    content: "Be exact.\\n Try to answer maybe, etc."',
    '  - role: user',
    '    content: |',
    '      Please try to help with <q>{{question}}</q>, etc.',
    "  - role: user",
    "    content: 'It''s maybe fine'",
    'testData:',
    '  - question: maybe try something, etc.',
    'evaluators:',
    '  - name: try to be nice etc',
    '    llm:',
    '      modelId: openai/gpt-4o',
    "      prompt: 'Maybe judge <a>{{completion}}</a>.'",
    '      choices: [{choice: "yes", score: 1}]',
    '',
  ].join('\n');
  const doc = parse(text);
  const found = promptDiagnostics(doc, { lint: {} }).filter((d) => d.code === 'vague-language');
  const lines = found.map((d) => [doc.lines.positionAt(d.span.start).line, text.slice(d.span.start, d.span.end)]);
  assert.deepEqual(lines, [
    [6, 'Try to'],
    [6, 'maybe'],
    [6, 'etc.'],
    [9, 'try to'],
    [9, 'etc.'],
    [11, 'maybe'],
    [18, 'Maybe'],
  ]);
  // No white space finding from the YAML around the prose, and none on names, keys or test data.
  assert.deepEqual(promptDiagnostics(doc, { lint: {} }).filter((d) => d.code === 'whitespace'), []);
});

test('files written for other tools: nested row values and evaluator keys one level too high get a pointed message', () => {
  const text = 'messages:\n  - role: user\n    content: "<t>{{topic}}</t>"\ntestData:\n  - vars:\n      topic: cats\nevaluators:\n  - name: judge\n    prompt: "Is it about {{topic}}?"\n    choices: ["yes", "no"]\n';
  let r = only(text, 'undefined-variable');
  assert.equal(r.at, 'topic');
  assert.match(r.d.message, /under `vars:`; `gh models` reads only a row's own keys/);
  const keys = diags(text).filter((d) => d.code === 'prompt-file-unknown-key').map((d) => [text.slice(d.span.start, d.span.end), d.message.replace(/^.*ignores it\. /, '')]);
  assert.deepEqual(keys, [['prompt', '`prompt` belongs under `llm:`.'], ['choices', '`choices` belongs under `llm:`.']]);
  r = only(text, 'prompt-file-evaluator');
  assert.equal(r.at, 'judge');
  // A string evaluator's placeholder is compared, not sent: no prompt-injection finding on it.
  const compare = 'modelParameters:\n  maxTokens: 10\nmessages:\n  - role: user\n    content: "<t>{{topic}}</t>"\ntestData:\n  - topic: cats\nevaluators:\n  - name: mentions\n    string:\n      contains: "{{topic}}"\n';
  assert.deepEqual(promptDiagnostics(parse(compare), { lint: {} }).map((d) => d.code), []);
});

import { documentTokens, testRowLenses, testRowTokens, tokenCodeLenses, tokenSummary } from '../../server/src/service/tokens';

test('tokens: per message from the string as sent, maxTokens as the reserved output, each test data row rendered', async () => {
  const text = 'model: openai/gpt-4o-mini\nmodelParameters:\n  maxTokens: 250\nmessages:\n  - role: system\n    content: |\n      You sort mail for {{team}}.\n      Answer with one word.\n  - role: user\n    content: "Sort: <m>{{mail}}</m>"\ntestData:\n  - team: billing\n    mail: Where is my refund?\n  - team: support of the west coast office\n    mail: The printer on floor two is broken again and nobody answers.\n';
  const doc = parse(text);
  const t = documentTokens(doc);
  assert.equal(t.output.tokens, 250);
  assert.equal(t.output.source, 'modelParameters.maxTokens');
  // The block scalar counts as its value (no indentation), the quoted string without quotes.
  const same = parse('model: openai/gpt-4o-mini\nmodelParameters:\n  maxTokens: 250\nmessages:\n  - role: system\n    content: "You sort mail for {{team}}.\\nAnswer with one word.\\n"\n  - role: user\n    content: "Sort: <m>{{mail}}</m>"\n');
  assert.deepEqual(t.messages.map((m) => m.tokens), documentTokens(same).messages.map((m) => m.tokens));
  // Row 2 rendered = the prompt with its values written in.
  const rows = await testRowTokens(doc);
  assert.equal(rows.length, 2);
  const written = parse('model: openai/gpt-4o-mini\nmodelParameters:\n  maxTokens: 250\nmessages:\n  - role: system\n    content: "You sort mail for support of the west coast office.\\nAnswer with one word.\\n"\n  - role: user\n    content: "Sort: <m>The printer on floor two is broken again and nobody answers.</m>"\n');
  assert.ok(rows[1].rendered.available);
  assert.equal(rows[1].rendered.tokens, documentTokens(written).template);
  assert.ok(rows[1].rendered.tokens > (rows[0].rendered.available ? rows[0].rendered.tokens : Infinity));
  // Lenses: one per message, the prompt's, and one per row on the row's line; no "frontmatter" lens.
  const titles = tokenCodeLenses(doc).map((l) => [l.range.start.line, l.command!.title]);
  assert.ok(!titles.some(([, title]) => /Frontmatter/.test(String(title))), JSON.stringify(titles));
  assert.deepEqual(titles.slice(1).map(([line]) => line), [4, 8]);
  const rowLenses = await testRowLenses(doc);
  assert.deepEqual(rowLenses.map((l) => l.range.start.line), [11, 13]);
  assert.match(rowLenses[1].command!.title, new RegExp(`^row 2 rendered: ${rows[1].rendered.tokens} tokens`));
  const summary = await tokenSummary(doc);
  assert.match(JSON.stringify(summary), /test data rows: min–max over 2/);
});

import { describeChange, describeChangeLines } from '../../server/src/service/history/describe';
import { summarizeChange } from '../../server/src/service/history/summary';

test('history: a change summary of a prompt file names its model, parameters, messages, variables, test rows and evaluators', () => {
  const before = 'model: openai/gpt-4o-mini\nmodelParameters:\n  maxTokens: 100\nmessages:\n  - role: user\n    content: "<q>{{question}}</q>"\ntestData:\n  - question: a\nevaluators:\n  - name: says yes\n    string:\n      contains: "yes"\n';
  const after = 'model: openai/gpt-4o\nmodelParameters:\n  maxTokens: 300\nmessages:\n  - role: system\n    content: "Be exact for <a>{{audience}}</a>."\n  - role: user\n    content: "<q>{{question}}</q>"\ntestData:\n  - question: a\n    audience: kids\n  - question: b\n    audience: adults\nevaluators:\n  - name: says yes\n    string:\n      contains: "yes"\n  - name: fluent\n    uses: github/fluency\n';
  const s = summarizeChange(before, after, {}, 'file:///w/ask.prompt.yml');
  assert.deepEqual(s.model, { from: 'openai/gpt-4o-mini', to: 'openai/gpt-4o' });
  assert.deepEqual(s.parameters, [{ key: 'maxTokens', path: 'modelParameters.maxTokens', from: '100', to: '300' }]);
  assert.deepEqual(s.variables, { added: ['audience'], removed: [] });
  assert.deepEqual(s.messages, [{ role: 'user', delta: 0 }].filter((m) => m.delta).concat([{ role: 'system', delta: 1 }]));
  assert.deepEqual(s.tests, { delta: 1, checksAdded: ['fluent'], checksRemoved: [] });
  assert.ok(!s.otherKeys.includes('testData'), JSON.stringify(s.otherKeys));
  assert.ok(s.tokenDelta > 0);
  const short = describeChange(s, { arrow: '->' });
  assert.match(short, /^model gpt-4o-mini -> gpt-4o, maxTokens 100 -> 300, \+1 variable, \+1 system message, \+1 test row, \+1 evaluator, \+\d+ tokens$/);
  const lines = describeChangeLines(s, { arrow: '->' });
  assert.ok(lines.includes('modelParameters.maxTokens: 100 -> 300'), lines.join('\n'));
  assert.ok(lines.includes('Test rows: 1 -> 2'));
  assert.ok(lines.includes('Evaluators added: fluent'));
  // Without the file's name the texts would be read as Dotprompt: the name decides.
  assert.equal(summarizeChange(undefined, after, {}, 'file:///w/ask.prompt.yml').after?.tests, 2);
});

import { runCli } from '../support/cli';

test('CLI on the examples: lint finds the prompt files in the folder; tokens counts messages and rows', async () => {
  const lint = await runCli(['lint', 'examples', '--format', 'json'], root);
  assert.equal(lint.code, 1);
  const files = JSON.parse(lint.stdout) as { file: string; diagnostics: { code: string; line: number; column: number }[] }[];
  const yml = files.filter((f) => f.file.endsWith('.prompt.yml')).map((f) => f.file).sort();
  assert.deepEqual(yml, ['examples/needs-fixing.prompt.yml', 'examples/release-notes.prompt.yml', 'examples/support-reply.prompt.yml']);
  const broken = files.find((f) => f.file === 'examples/needs-fixing.prompt.yml')!;
  const codes = broken.diagnostics.map((d) => `${d.line}:${d.column} ${d.code}`);
  for (const c of ['4:1 prompt-file-unknown-key', '6:17 prompt-file-schema', '8:11 unknown-role', '11:57 placeholder-spaces', '15:5 test-row-missing-variable', '19:7 prompt-file-unknown-key', '23:53 undefined-variable']) assert.ok(codes.includes(c), `${c} in ${codes.join(', ')}`);
  const tokens = await runCli(['tokens', 'examples/support-reply.prompt.yml', '--json'], root);
  assert.equal(tokens.code, 0, tokens.stderr);
  const [t] = JSON.parse(tokens.stdout) as { messages: { role: string; line: number }[]; rows: { name: string; line: number; rendered: { available: boolean; tokens: number } }[]; output: { tokens: number; source: string }; frontmatter: number | null }[];
  assert.deepEqual(t.messages.map((m) => [m.role, m.line]), [['system', 32], ['user', 37]]);
  assert.deepEqual(t.rows.map((r) => [r.name, r.line, r.rendered.available]), [['row 1', 44, true], ['row 2', 46, true]]);
  assert.deepEqual(t.output, { tokens: 500, source: 'modelParameters.maxTokens' });
  assert.equal(t.frontmatter, null);
});

import { embeddedFixture, evaluateAssertion, loadSuite, type AssertionContext, type FixtureAssertion } from '../../server/src/service/testing';
import { planItems } from '../../client/src/testing/items';
import { testLenses } from '../../client/src/testing/codeLenses';

function ctx(output: string, vars: Record<string, unknown>, judgeAnswer?: string, seen?: { messages: unknown[]; model?: string }[]): AssertionContext {
  return {
    output,
    vars,
    latencyMs: 1,
    provider: 'openai',
    countTokens: (t) => t.length,
    trusted: true,
    judge: judgeAnswer === undefined ? undefined : async (req) => {
      seen?.push({ messages: req.messages, model: req.model });
      return { output: judgeAnswer, model: req.model } as never;
    },
  };
}

const gh = (base: FixtureAssertion['base'], value: unknown): FixtureAssertion => ({ type: 'e', base, negate: false, value, weight: 1, span: { start: 0, end: 0 }, line: 0 });

test('evaluators: gh models eval semantics for string checks and judges', async () => {
  // equals is exact (case matters) on the trimmed answer; the others ignore case; the text is templated with the row.
  assert.equal((await evaluateAssertion(gh('gh-string', { equals: 'Yes' }), ctx('  Yes \n', {}))).pass, true);
  assert.equal((await evaluateAssertion(gh('gh-string', { equals: 'Yes' }), ctx('yes', {}))).pass, false);
  assert.equal((await evaluateAssertion(gh('gh-string', { contains: '{{city}}' }), ctx('It is in PARIS.', { city: 'paris' }))).pass, true);
  assert.equal((await evaluateAssertion(gh('gh-string', { startsWith: 'summary -' }), ctx('Summary - ok', {}))).pass, true);
  assert.equal((await evaluateAssertion(gh('gh-string', { endsWith: 'END' }), ctx('the end', {}))).pass, true);
  // Only the first set check counts (equals, contains, startsWith, endsWith), as gh models does.
  assert.equal((await evaluateAssertion(gh('gh-string', { contains: 'zzz', startsWith: 'a' }), ctx('abc', {}))).pass, false);
  // A judge: the prompt templated with the row and `completion`, after the system prompt; the first choice found wins; pass above 0.
  const seen: { messages: unknown[]; model?: string }[] = [];
  const spec = { modelId: 'openai/gpt-4o-mini', systemPrompt: 'Judge {{x}}', prompt: 'Is <a>{{completion}}</a> about {{topic}}?', choices: [{ choice: 'Yes', score: 1 }, { choice: 'no', score: 0 }] };
  let r = await evaluateAssertion(gh('gh-llm', spec), ctx(' cats are nice ', { topic: 'cats' }, 'YES, it is.', seen));
  assert.deepEqual([r.pass, r.score], [true, 1]);
  assert.deepEqual(seen[0], { messages: [{ role: 'system', text: 'Judge {{x}}' }, { role: 'user', text: 'Is <a>cats are nice</a> about cats?' }], model: 'openai/gpt-4o-mini' });
  r = await evaluateAssertion(gh('gh-llm', spec), ctx('x', { topic: 'cats' }, 'No.'));
  assert.deepEqual([r.pass, r.score], [false, 0]);
  r = await evaluateAssertion(gh('gh-llm', spec), ctx('x', { topic: 'cats' }, 'maybe'));
  assert.equal(r.pass, false);
  assert.match(r.reason, /matched none of the choices/);
  // A built-in judge rates 1 to 5 onto 0 .. 1; 1 scores 0 and fails.
  r = await evaluateAssertion(gh('gh-uses', 'github/coherence'), ctx('x', { input: 'q' }, '3'));
  assert.deepEqual([r.pass, r.score], [true, 0.5]);
  r = await evaluateAssertion(gh('gh-uses', 'github/coherence'), ctx('x', { input: 'q' }, '1'));
  assert.deepEqual([r.pass, r.score], [false, 0]);
  r = await evaluateAssertion(gh('gh-uses', 'github/unknown'), ctx('x', {}, '5'));
  assert.match(r.reason, /not found/);
});

test('Test Explorer: a prompt file with test data is its own fixture: items per row, lenses per row and "Run all tests"', async () => {
  const file = path.join(root, 'examples', 'release-notes.prompt.yml');
  const uri = `file://${file}`;
  const suite = await loadSuite(uri, `file://${root}`, async () => readFileSync(file, 'utf8'));
  assert.equal(suite.relativePath, 'examples/release-notes.prompt.yml');
  assert.deepEqual(suite.fixture.cases.map((c) => [c.name, c.line, c.assert.map((a) => `${a.base}:${a.type}`)]), [
    ['row 1', 19, ['gh-string:starts with the heading', "gh-llm:names the product's change", 'gh-uses:reads well']],
    ['row 2', 24, ['gh-string:starts with the heading', "gh-llm:names the product's change", 'gh-uses:reads well']],
  ]);
  const [item] = planItems([suite]);
  assert.equal(item.id, uri);
  assert.deepEqual(item.children.map((c) => [c.id, c.line]), [[`${uri}#row 1`, 19], [`${uri}#row 2`, 24]]);
  const lenses = testLenses(uri, file, new Map([[uri, suite]]));
  assert.deepEqual(lenses.map((l) => [l.line, l.title]), [[0, '$(beaker) Run all tests'], [19, '$(play) Run'], [19, 'Debug output'], [24, '$(play) Run'], [24, 'Debug output']]);
  // A file the YAML or the schema refuses runs nothing: its errors are the fixture's.
  assert.deepEqual(embeddedFixture(parse('messages:\n  - role: sytem\n    content: x\ntestData:\n  - a: 1\n'))!.diagnostics.map((d) => d.code), ['unknown-role']);
});

import { createProviders, GITHUB_MODELS_DEFAULT_BASE_URL, suiteProvider } from '../../server/src/service/testing';

test('the github provider: GitHub Models endpoint by default, a base URL for servers like it, the token redacted, the default for prompt files', async () => {
  const p = createProviders({ keys: { github: 'ghp_x' }, trusted: true });
  assert.equal(p.providerFor('github').id, 'github');
  assert.equal(p.providerFor('github').endpoint, GITHUB_MODELS_DEFAULT_BASE_URL);
  assert.ok(p.secrets.includes('ghp_x'));
  assert.equal(createProviders({ keys: {}, baseUrls: { github: 'http://127.0.0.1:9/v1/' }, trusted: true }).providerFor('github').endpoint, 'http://127.0.0.1:9/v1');
  await assert.rejects(createProviders({ keys: {}, trusted: true }).providerFor('github').call({ model: 'openai/gpt-4o', messages: [], parameters: {} } as never), /No GitHub token/);
  // A prompt file's cases go to GitHub Models unless the run or the case names a provider; a fixture's go by the model's prefix.
  const file = path.join(root, 'examples', 'release-notes.prompt.yml');
  const suite = await loadSuite(`file://${file}`, `file://${root}`, async () => readFileSync(file, 'utf8'));
  assert.equal(suiteProvider(suite, 'openai/gpt-4o-mini'), 'github');
  assert.equal(suiteProvider({ ...suite, fixture: { ...suite.fixture, uri: 'file:///w/a.tests.yaml' } }, 'openai/gpt-4o-mini'), 'openai');
});

import { documentSymbols } from '../../server/src/service';

test('quick fixes replace the exact text of a misspelt key, role, placeholder and evaluator; the outline names the settings', () => {
  const text = readFileSync(path.join(root, 'examples', 'needs-fixing.prompt.yml'), 'utf8');
  const doc = parseDocument(text, 'file:///w/needs-fixing.prompt.yml');
  const actions = allCodeActions(doc, lspDiagnostics(doc));
  const edits = actions.flatMap((a) => Object.values(a.edit?.changes ?? {}).flat().map((e) => [text.split('\n')[e.range.start.line].slice(e.range.start.character, e.range.end.character), e.newText]));
  assert.deepEqual(edits, [['modelParamters', 'modelParameters'], ['sytem', 'system'], ['{{ team }}', '{{team}}'], ['contain', 'contains'], ['reprot', 'report']]);
  assert.deepEqual(documentSymbols(doc).map((s) => s.name), ['settings', 'sytem', 'user']);
});

import { PassThrough } from 'node:stream';
import { diffMain, type DiffResult } from '../../server/src/cli/diff';
import { TempRepo } from '../support/gitRepo';
import { MockProvider } from '../support/mockProvider';

test('diff --tests on a prompt file: each version runs its own rows and evaluators on GitHub Models; the summary names test rows', async () => {
  const mock = await MockProvider.start({ script: (req) => ({ text: req.prompt.includes('politely') ? 'Dear customer, thank you.' : 'No.' }) });
  try {
    const v1 = 'model: openai/gpt-4o-mini\nmodelParameters:\n  maxTokens: 50\nmessages:\n  - role: user\n    content: "Answer politely: <m>{{message}}</m>"\ntestData:\n  - message: hi\nevaluators:\n  - name: polite\n    string:\n      contains: thank\n';
    const v2 = v1.replace('Answer politely', 'Answer').replace('  - message: hi\n', '  - message: hi\n  - message: hello\n');
    const repo = TempRepo.init();
    repo.commitFile('support.prompt.yml', v1, 'One');
    repo.commitFile('support.prompt.yml', v2, 'Two');
    const out = new PassThrough();
    let stdout = '';
    out.on('data', (d) => (stdout += d));
    const code = await diffMain(['support.prompt.yml', 'HEAD~1', 'HEAD', '--tests', '--no-cache', '--json'], repo.dir, out, { ...process.env, GITHUB_TOKEN: 'ghp_test', GITHUB_MODELS_BASE_URL: mock.openaiBaseUrl });
    assert.equal(code, 1, stdout);
    const json = JSON.parse(stdout) as DiffResult;
    assert.match(json.short, /\+1 test row/);
    assert.deepEqual([json.tests!.a.ran, json.tests!.b.ran], [1, 2]);
    assert.ok(mock.requests.every((q) => q.headers.authorization === 'Bearer ghp_test' && q.body.model === 'openai/gpt-4o-mini'));
    assert.match(JSON.stringify(json.tests), /row 1/);
  } finally {
    await mock.stop();
  }
});

import { foldingRanges, semanticTokens } from '../../server/src/service';

test('mutated prompt files (seeded): every feature answers without throwing, every range inside the text', async () => {
  let seed = 20261206;
  const rand = () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const seeds = ['release-notes.prompt.yml', 'support-reply.prompt.yml', 'needs-fixing.prompt.yml'].map((f) => readFileSync(path.join(root, 'examples', f), 'utf8'));
  const pieces = ['{{', '}}', '{{input}}', '\n', '  ', '- ', ': ', '"', "'", '|\n', '>-\n', '\t', '#', '&a ', '*a', '[', ']', '{', '}', 'role: x\n', 'testData: 1\n', '\\', '\r\n'];
  for (let i = 0; i < 300; i++) {
    let text = seeds[i % seeds.length];
    for (let k = 1 + Math.floor(rand() * 4); k > 0; k--) {
      const at = Math.floor(rand() * (text.length + 1));
      const op = rand();
      if (op < 0.4) text = text.slice(0, at) + pieces[Math.floor(rand() * pieces.length)] + text.slice(at);
      else if (op < 0.7) text = text.slice(0, at) + text.slice(Math.min(text.length, at + 1 + Math.floor(rand() * 40)));
      else {
        const from = Math.floor(rand() * text.length);
        text = text.slice(0, at) + text.slice(from, from + Math.floor(rand() * 60)) + text.slice(at);
      }
    }
    const doc = parseDocument(text, `file:///w/m${i}.prompt.yml`);
    const where = `mutant ${i}: ${JSON.stringify(text.slice(0, 80))}`;
    const ds = promptDiagnostics(doc, { lint: {} });
    for (const d of ds) assert.ok(d.span.start >= 0 && d.span.start <= d.span.end && d.span.end <= text.length, `${where} ${d.code} ${JSON.stringify(d.span)}`);
    documentSymbols(doc);
    foldingRanges(doc);
    semanticTokens(doc, {} as never);
    documentTokens(doc);
    await testRowLenses(doc);
    allCodeActions(doc, lspDiagnostics(doc));
    for (let k = 0; k < 8; k++) {
      const at = Math.floor(rand() * (text.length + 1));
      complete(doc, at);
      hover(doc, at);
      definition(doc, at);
      references(doc, at, true);
      prepareRename(doc, at);
    }
  }
});

import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { pathToFileURL } from 'node:url';
import { estimateSuiteCost, planJobs, runTests, variantsFromModels } from '../../server/src/service/testing';
import { readTextUri } from '../../server/src/node/workspaceReads';

test('--models on a prompt file: each variant\'s model is a GitHub Models name, run and estimated with github', async () => {
  const mock = await MockProvider.start({ script: () => ({ text: 'Dear customer, thank you.' }) });
  try {
    const dir = mkdtempSync(path.join(tmpdir(), 'pw-ghm-matrix-'));
    writeFileSync(path.join(dir, 'support.prompt.yml'), 'model: openai/gpt-4o-mini\nmodelParameters:\n  maxTokens: 50\nmessages:\n  - role: user\n    content: "Answer politely: <m>{{message}}</m>"\ntestData:\n  - message: hi\nevaluators:\n  - name: polite\n    string:\n      contains: thank\n');
    const uri = pathToFileURL(path.join(dir, 'support.prompt.yml')).toString();
    const suite = await loadSuite(uri, pathToFileURL(dir).toString(), readTextUri);
    const variants = variantsFromModels('openai/gpt-4o-mini,openai/gpt-4.1');
    const jobs = planJobs([suite], undefined, { variants });
    assert.deepEqual(jobs.map((j) => j.id), ['support.prompt.yml#row 1@openai/gpt-4o-mini', 'support.prompt.yml#row 1@openai/gpt-4.1']);
    const providers = createProviders({ keys: { github: 'ghp_matrix', openai: 'sk-not-used' }, baseUrls: { github: mock.openaiBaseUrl }, timeoutMs: 5000, maxRetries: 0, trusted: true });
    const summary = await runTests([suite], { ...providers, concurrency: 2, readText: readTextUri }, jobs);
    assert.deepEqual(summary.results.map((r) => [r.variant, r.provider, r.status]), [['openai/gpt-4o-mini', 'github', 'passed'], ['openai/gpt-4.1', 'github', 'passed']]);
    assert.deepEqual(mock.requests.map((q) => [q.headers.authorization, q.body.model]).sort(), [['Bearer ghp_matrix', 'openai/gpt-4.1'], ['Bearer ghp_matrix', 'openai/gpt-4o-mini']]);
    const estimate = await estimateSuiteCost([suite], { plan: { variants }, readText: readTextUri });
    assert.deepEqual(estimate.prompts[0].models.map((m) => [m.variant, m.provider, m.model]), [['openai/gpt-4o-mini', 'github', 'openai/gpt-4o-mini'], ['openai/gpt-4.1', 'github', 'openai/gpt-4.1']]);
  } finally {
    await mock.stop();
  }
});

test('modelParameters under the names other APIs use (maxCompletionTokens, max_tokens, top_p): not sent by gh models, with the name it reads as a fix', () => {
  const hi = 'messages:\n  - role: user\n    content: hi\n';
  for (const [key, name] of [['maxCompletionTokens', 'maxTokens'], ['max_tokens', 'maxTokens'], ['max_completion_tokens', 'maxTokens'], ['top_p', 'topP']]) {
    const r = only(`modelParameters:\n  ${key}: 400\n${hi}`, 'prompt-file-unknown-key');
    assert.equal(r.at, key);
    assert.match(r.d.message, new RegExp(`ignores it, so this value is not sent. \`gh models\` calls it \`${name}\``));
    assert.equal((r.d.data as { replacement?: string }).replacement, name);
  }
  // A name of Object's prototype is no alias.
  const r = only(`modelParameters:\n  constructor: 1\n${hi}`, 'prompt-file-unknown-key');
  assert.match(r.d.message, /Known keys: maxTokens, temperature, topP/);
});

import { promptParameters } from '../../server/src/service/testing/request';
import { lint as lintApi } from '../../server/src/service';

test('a test run sends only the parameters gh models sends (maxTokens, temperature, topP), not other modelParameters keys', () => {
  const doc = parse('modelParameters:\n  temperature: 0.3\n  max_tokens: 2000\n  maxTokens: 100\n  frequencyPenalty: 1\nmessages:\n  - role: user\n    content: hi\n');
  assert.deepEqual(promptParameters(doc), { temperature: 0.3, maxOutputTokens: 100 });
  // A Dotprompt file's other config keys are passed through (providers read them).
  const dp = parseDocument('---\nconfig:\n  temperature: 0.3\n  safetySettings: []\n---\nhi\n', 'file:///w/a.prompt');
  assert.deepEqual(promptParameters(dp), { temperature: 0.3, safetySettings: [] });
});

test('output-format-mismatch in a prompt file names the responseFormat values gh models accepts', () => {
  const text = 'messages:\n  - role: user\n    content: Respond as JSON with the fields a and b.\n';
  const found = lintApi.lintDiagnostics(parse(text)).filter((d) => d.code === 'output-format-mismatch');
  assert.equal(found.length, 1);
  assert.equal(text.slice(found[0].span.start, found[0].span.end), 'Respond as JSON');
  assert.match(found[0].message, /the file sets no `responseFormat`.*`responseFormat: json_object` \(JSON mode\), or `json_schema` with a `jsonSchema`/);
  assert.doesNotMatch(found[0].message, /frontmatter|responseFormat: json`/);
  assert.deepEqual(lintApi.lintDiagnostics(parse(`responseFormat: json_object\n${text}`)).filter((d) => d.code === 'output-format-mismatch'), []);
});

test('missing-metadata on a prompt file speaks of a top-level key, not of frontmatter', () => {
  const file = lintApi.parseLintConfig('rules:\n  missing-metadata:\n    level: warning\n    required: [description]\n', lintApi.RULES).config;
  const config = lintApi.resolveLintConfig(lintApi.RULES, file);
  const [d] = lintApi.lintDiagnostics(parse('messages:\n  - role: user\n    content: hi\n'), { config }).filter((x) => x.code === 'missing-metadata');
  assert.match(d.message, /requires `description` in every prompt's file \(a top-level key of a `\.prompt\.yml`\)/);
});

test('jsonSchema is documented as text; any other value gets one error saying what gh models does', () => {
  const hi = 'messages:\n  - role: user\n    content: hi\n';
  const text = `responseFormat: json_schema\njsonSchema: '{"name": "p", "schema": {"type": "object"}}'\n${hi}`;
  const h = hover(parse(text), text.indexOf('jsonSchema') + 2);
  assert.match(JSON.stringify(h?.contents), /\*\*jsonSchema\*\*: `string`/);
  let found = diags(`responseFormat: json_schema\njsonSchema: 5\n${hi}`).filter((d) => d.code.startsWith('prompt-file'));
  assert.deepEqual(found.map((d) => d.code), ['prompt-file-json-schema']);
  assert.match(found[0].message, /must be a JSON object/);
  found = diags(`responseFormat: json_schema\njsonSchema:\n  name: p\n  schema: {type: object}\n${hi}`).filter((d) => d.code.startsWith('prompt-file'));
  assert.deepEqual(found.map((d) => d.code), ['prompt-file-json-schema']);
});
