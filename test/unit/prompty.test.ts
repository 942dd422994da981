// The Prompty front-end in plain node: the shared model with the source under each span, validation
// of version 2 and version 1 frontmatter on the exact key or value, the short forms, references,
// bad input (one clear diagnostic each, the rest served), the Jinja2 and Mustache checks, and the
// template intelligence (completion, hover, definition, references, rename).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { CompletionList } from 'vscode-languageserver-types';
import { allCodeActions, complete, completePromptDiagnostics, definition, diagnostics, hover, lint, parseDocument, prepareRename, promptDiagnostics, references, rename, renderPrompt, type PromptDiagnostic, type PromptDocument } from '../../server/src/service';
import { withCursor } from '../support/markers';

const URI = 'file:///w/support.prompty';
const open = (text: string, uri = URI) => parseDocument(text, uri, 1);
const at = (doc: PromptDocument, span: { start: number; end: number } | undefined) => (span ? doc.text.slice(span.start, span.end) : undefined);
const codes = (ds: PromptDiagnostic[]) => ds.map((d) => d.code);
const problems = (doc: PromptDocument) => promptDiagnostics(doc).filter((d) => d.severity !== 'hint');

const V2 = `---
name: Support reply
description: Answers a customer
metadata:
  authors: [ana]
  version: "2.1"
model:
  id: gpt-4o-mini
  provider: openai
  connection:
    kind: key
    apiKey: \${env:OPENAI_API_KEY}
  options:
    temperature: 0.2
    maxOutputTokens: 400
    stopSequences: ["###"]
inputs:
  - name: customer
    kind: object
    description: The customer
    properties:
      - name: firstName
        kind: string
      - name: orders
        kind: array
        items:
          kind: object
          properties:
            - name: id
              kind: string
  - name: question
    kind: string
    default: Where is my order?
template:
  format:
    kind: jinja2
  parser:
    kind: prompty
---
system:
You help {{ customer.firstName }}.
{% for order in customer.orders %}- {{ order.id }} ({{ loop.index }})
{% endfor %}

user:
{{ question }}
`;

test('model: metadata, provider-qualified model, options as parameters, inputs and messages, with their source text', () => {
  const doc = open(V2);
  assert.equal(doc.format, 'prompty');
  const m = doc.prompt;
  assert.equal(m.metadata.name?.value, 'Support reply');
  assert.equal(m.metadata.version?.value, '2.1');
  assert.equal(m.model?.value, 'openai/gpt-4o-mini');
  assert.equal(at(doc, m.model?.span), 'gpt-4o-mini');
  assert.equal(m.parameters.temperature?.value, 0.2);
  assert.equal(m.parameters.maxOutputTokens?.path, 'model.options.maxOutputTokens');
  assert.equal(at(doc, m.parameters.maxOutputTokens?.valueSpan), '400');
  assert.deepEqual(m.parameters.stop?.value, ['###']);
  assert.deepEqual(m.inputs.map((i) => [i.name, i.type, at(doc, i.nameSpan)]), [['customer', 'object', 'customer'], ['question', 'string', 'question']]);
  assert.equal(m.inputs[1].default, 'Where is my order?');
  assert.deepEqual(m.inputs[0].field.children?.map((c) => c.name), ['firstName', 'orders']);
  assert.deepEqual(m.messages.map((x) => [x.role, at(doc, x.span)?.split('\n')[0]]), [['system', 'system:'], ['user', 'user:']]);
  assert.equal(at(doc, m.messages[1].contentSpan), '{{ question }}');
  assert.deepEqual(m.messages[0].variables.map((v) => [v.name, v.path.join('.'), at(doc, v.span)]), [['customer', 'customer.firstName', 'customer'], ['customer', 'customer.orders', 'customer']]);
  assert.deepEqual(problems(doc), []);
});

test('validation: a wrong value on the value, an unknown key with "did you mean", a misspelt option', () => {
  const doc = open('---\nname: x\ndescriptin: y\nmodel:\n  id: gpt-4o\n  options:\n    temperature: hot\n    maxOutputTokns: 5\n---\nuser:\nHi\n');
  const ds = problems(doc);
  const temp = ds.find((d) => d.code === 'frontmatter-schema')!;
  assert.equal(at(doc, temp.span), 'hot');
  assert.match(temp.message, /Expected a number .* for `model\.options\.temperature`/);
  const unknown = ds.filter((d) => d.code === 'frontmatter-unknown-key');
  assert.deepEqual(unknown.map((d) => [at(doc, d.span), d.data?.replacement]), [['descriptin', 'description'], ['maxOutputTokns', 'maxOutputTokens']]);
  const fixes = allCodeActions(doc, diagnostics(doc));
  assert.ok(fixes.some((f) => f.title === 'Change to `description`'));
});

test('short forms: no frontmatter, empty frontmatter, only a name, the model as a string: no problems', () => {
  for (const text of ['You are terse.\n\nuser:\nHello', '---\n---\nsystem:\nHi', '---\nname: Only a name\n---\nuser:\nHi', '---\nmodel: gpt-4o\n---\nsystem:\nHi {{ who }}']) {
    const doc = open(text);
    assert.deepEqual(problems(doc), [], text);
  }
  const bare = open('You are terse.\n\nuser:\nHello');
  assert.deepEqual(bare.prompt.messages.map((m) => [m.role, at(bare, m.contentSpan)]), [['system', 'You are terse.'], ['user', 'Hello']]);
  assert.equal(open('---\nmodel: gpt-4o\n---\nHi').prompt.model?.value, 'gpt-4o');
  // Short-form inputs: `name: example value` declares an input whose example is its default.
  const short = open('---\ninputs:\n  city: Paris\n  days: 3\n---\nuser:\n{{ city }} for {{ days }} days');
  assert.deepEqual(short.prompt.inputs.map((i) => [i.name, i.type, i.default]), [['city', 'string', 'Paris'], ['days', 'integer', 3]]);
  assert.deepEqual(problems(short), []);
});

test('version 1: detected, each field hinted with its version 2 spelling, renames offered as quick fixes', () => {
  const text = '---\nname: legacy\nauthors: [ana]\nmodel:\n  api: chat\n  configuration:\n    type: azure_openai\n    azure_deployment: gpt-35-turbo\n  parameters:\n    max_tokens: 300\ninputs:\n  question:\n    type: string\n    sample: Hi\ntemplate: jinja2\n---\nuser:\n{{ question }}\n';
  const doc = open(text);
  assert.deepEqual(problems(doc), []);
  const hints = promptDiagnostics(doc).filter((d) => d.code === 'prompty-v1-field');
  const byKey = new Map(hints.map((h) => [at(doc, h.span), h]));
  assert.match(byKey.get('max_tokens')!.message, /version 2 writes it as `model\.options\.maxOutputTokens`/);
  assert.match(byKey.get('authors')!.message, /`metadata\.authors`/);
  assert.ok(byKey.has('api') && byKey.has('configuration') && byKey.has('parameters') && byKey.has('type') && byKey.has('sample'));
  assert.equal(doc.prompt.parameters.maxOutputTokens?.value, 300);
  assert.equal(doc.prompt.model?.value, 'azure-openai/gpt-35-turbo');
  assert.equal(doc.prompt.inputs[0].default, 'Hi');
  const actions = allCodeActions(doc, diagnostics(doc));
  const rename = actions.find((a) => a.title === 'Rename `max_tokens` to `maxOutputTokens` (Prompty version 2)');
  assert.ok(rename, actions.map((a) => a.title).join('\n'));
  assert.equal(rename.edit!.changes![URI][0].newText, 'maxOutputTokens');
  const tmpl = actions.find((a) => a.title.startsWith('Rewrite as `template.format.kind`'))!;
  const edit = tmpl.edit!.changes![URI][0];
  const lines = text.split('\n');
  lines[edit.range.start.line] = lines[edit.range.start.line].slice(0, edit.range.start.character) + edit.newText + lines[edit.range.end.line].slice(edit.range.end.character);
  const rewritten = open(lines.join('\n'));
  assert.ok(rewritten.text.includes('template:\n  format:\n    kind: jinja2\n  parser:\n    kind: prompty'), rewritten.text);
});

test('references: `${env:...}` and `${file:...}` shapes checked, never resolved', () => {
  const doc = open('---\nmodel:\n  id: gpt-4o\n  connection:\n    endpoint: ${env:AZURE-ENDPOINT}\n    apiKey: ${env:AZURE_KEY:}\n    name: ${vault:key}\ninputs: ${file:inputs.json}\n---\nuser:\nHi\n');
  const ds = promptDiagnostics(doc).filter((d) => d.code === 'prompty-reference');
  assert.deepEqual(ds.map((d) => [d.severity, at(doc, d.span)]), [['error', '${env:AZURE-ENDPOINT}'], ['warning', '${vault:key}']]);
  assert.match(ds[1].message, /only `\$\{env:\.\.\.\}` and `\$\{file:\.\.\.\}`/);
  // A reference may stand for any value (`inputs: ${file:...}` is a list at run time): no type error.
  assert.ok(!promptDiagnostics(doc).some((d) => d.code === 'frontmatter-schema'));
  const endpoint = doc.prompt.settings.find((s) => s.key === 'model')!.children!.find((s) => s.key === 'connection')!.children!.find((s) => s.key === 'endpoint')!;
  assert.equal(endpoint.value, '${env:AZURE-ENDPOINT}', 'kept as written');
});

test('a literal API key is an error of the secret rule; an env reference is not', async () => {
  const config = lint.resolveLintConfig(lint.RULES);
  const literal = open('---\nmodel:\n  id: gpt-4o\n  connection:\n    kind: key\n    apiKey: 3f2b9c1d8e7a6b5c4d3e2f1a0b9c8d7e\n---\nuser:\nHi\n');
  const found = (await completePromptDiagnostics(literal, { lint: { config } })).filter((d) => d.code === 'secret-in-prompt');
  assert.equal(found.length, 1);
  assert.equal(found[0].severity, 'error');
  assert.equal(at(literal, found[0].span), '3f2b9c1d8e7a6b5c4d3e2f1a0b9c8d7e');
  assert.ok(!found[0].message.includes('3f2b9c1d8e7a6b5c4d3e2f1a0b9c8d7e'), 'the key is masked');
  const env = open('---\nmodel:\n  id: gpt-4o\n  connection:\n    apiKey: ${env:OPENAI_API_KEY}\n---\nuser:\nHi\n');
  assert.deepEqual((await completePromptDiagnostics(env, { lint: { config } })).filter((d) => d.code === 'secret-in-prompt'), []);
});

test('bad input: broken YAML, an unknown template.format, a Jinja2 syntax error, a misspelt role line: one diagnostic each, the rest served', () => {
  const yaml = open('---\nname: [unclosed\nmodel: gpt-4o\n---\nsystem:\nBe brief.\n\nuser:\n{{ q }}\n');
  assert.deepEqual(codes(problems(yaml)), ['yaml-syntax']);
  assert.deepEqual(yaml.prompt.messages.map((m) => m.role), ['system', 'user']);

  const engine = open('---\ntemplate:\n  format:\n    kind: jinja3\n---\nuser:\n{% if x %}unclosed\n');
  const e = problems(engine);
  assert.deepEqual(codes(e), ['frontmatter-schema']);
  assert.equal(at(engine, e[0].span), 'jinja3');
  assert.match(e[0].message, /Did you mean `jinja2`\?/);
  assert.deepEqual(engine.prompt.messages.map((m) => m.role), ['user']);

  const syntax = open('---\nname: x\n---\nuser:\nHello {{ name + }} there\n');
  const s = problems(syntax);
  assert.deepEqual(codes(s), ['prompty-template-syntax']);
  assert.equal(syntax.lines.positionAt(s[0].span.start).line, 4);
  assert.match(s[0].message, /^Jinja2 syntax error: unexpected token: \}\}/);

  const role = open('sytem:\nBe brief.\n\nuser:\nHi\n');
  const r = problems(role);
  assert.deepEqual(codes(r), ['prompty-unknown-role']);
  assert.equal(at(role, r[0].span), 'sytem');
  assert.equal(r[0].data?.replacement, 'system');
  assert.deepEqual(role.prompt.messages.map((m) => [m.role, at(role, m.contentSpan)]), [['system', 'sytem:\nBe brief.'], ['user', 'Hi']]);
  // Role lines in any case, with `#` and attributes, are role lines; prose with a colon is not.
  const ok = open('# System:\nA\nUSER[name="ana"]:\nB\nNote: this is text\nassistant :\nC');
  assert.deepEqual(ok.prompt.messages.map((m) => m.role), ['system', 'user', 'assistant']);
  assert.deepEqual(problems(ok), []);
});

test('Jinja2 blocks: unclosed and unmatched, on the tag at fault', () => {
  const unclosed = open('user:\n{% for x in xs %}{% if x %}{{ x }}{% endfor %}\n');
  const u = problems(unclosed);
  assert.deepEqual(u.map((d) => [d.code, at(unclosed, d.span)]), [['prompty-template-unclosed', '{% if x %}']]);
  const unmatched = open('user:\n{% if a %}x{% endif %}{% endfor %}\n');
  const m = problems(unmatched);
  assert.deepEqual(m.map((d) => [d.code, at(unmatched, d.span)]), [['prompty-template-unmatched', '{% endfor %}']]);
  const open1 = open('user:\nHi {{ name\n');
  assert.deepEqual(codes(problems(open1)), ['prompty-template-unclosed-tag']);
});

test('Mustache: sections unclosed and unopened, names in sections, undeclared and unused inputs', () => {
  const head = '---\ninputs:\n  - name: items\n    kind: array\n    items:\n      kind: object\n      properties:\n        - name: title\n          kind: string\n  - name: unused\n    kind: string\ntemplate:\n  format:\n    kind: mustache\n---\n';
  const good = open(`${head}user:\n{{#items}}- {{title}}\n{{/items}}{{missing}}`);
  const g = problems(good);
  assert.deepEqual(g.map((d) => [d.code, at(good, d.span)]), [['prompty-unused-input', 'unused'], ['prompty-undeclared-input', 'missing']]);
  const unclosed = open(`${head}user:\n{{#items}}- {{title}}\n`);
  const u = problems(unclosed).filter((d) => d.code.startsWith('prompty-template'));
  assert.deepEqual(u.map((d) => [d.code, at(unclosed, d.span)]), [['prompty-template-unclosed', '{{#items}}']]);
  const unopened = open(`${head}user:\n{{title}}{{/items}}`);
  const o = problems(unopened).filter((d) => d.code.startsWith('prompty-template'));
  assert.deepEqual(o.map((d) => d.code), ['prompty-template-unmatched']);
  assert.equal(at(unopened, o[0].span)?.slice(0, 2), '{{');
});

test('Jinja2 names: loop variables, set, macros and globals are not inputs; undeclared has "did you mean"', () => {
  const doc = open('---\ninputs:\n  - name: customer\n    kind: string\n  - name: items\n    kind: array\n---\nuser:\n{% set greeting = "Hi" %}{{ greeting }} {{ custmer }}\n{% for it in items %}{{ it }} {{ loop.index }} {{ range }}{% endfor %}\n{{ customer | upper }}');
  const ds = problems(doc);
  assert.deepEqual(ds.map((d) => [d.code, at(doc, d.span), d.data?.replacement]), [['prompty-undeclared-input', 'custmer', 'customer']]);
});

function completionAt(source: string): { doc: PromptDocument; list: CompletionList } {
  const { text, offset } = withCursor(source);
  const doc = open(text);
  return { doc, list: complete(doc, offset)! };
}

test('completion: inputs with kind, description and default; nested fields; loop variables and loop', () => {
  const body = V2.slice(V2.indexOf('---\nsystem:') + 4);
  const head = V2.slice(0, V2.indexOf('---\nsystem:') + 4);
  const top = completionAt(`${head}user:\n{{ cu| }}`).list;
  const customer = top.items.find((i) => i.label === 'customer')!;
  assert.equal(customer.detail, 'object');
  assert.match(String((customer.documentation as { value: string }).value), /The customer/);
  const question = top.items.find((i) => i.label === 'question')!;
  assert.match(String((question.documentation as { value: string }).value), /Default: `"Where is my order\?"`/);
  assert.deepEqual(completionAt(`${head}user:\n{{ customer.| }}`).list.items.map((i) => i.label), ['firstName', 'orders']);
  const loop = completionAt(`${head}user:\n{% for o in customer.orders %}{{ o.| }}{% endfor %}`).list;
  assert.deepEqual(loop.items.map((i) => i.label), ['id']);
  const inLoop = completionAt(`${head}user:\n{% for o in customer.orders %}{{ | }}{% endfor %}`).list.items.map((i) => i.label);
  assert.ok(inLoop.includes('o') && inLoop.includes('loop') && inLoop.includes('customer'), inLoop.join());
  const outside = completionAt(`${head}user:\n{% for o in customer.orders %}{% endfor %}{{ | }}`).list.items.map((i) => i.label);
  assert.ok(!outside.includes('o') && !outside.includes('loop'), outside.join());
  assert.ok(completionAt(`${head}user:\n{% for o in customer.orders %}{{ loop.| }}{% endfor %}`).list.items.some((i) => i.label === 'index'));
  // While typing: an unclosed tag still completes.
  assert.ok(completionAt(`${head}user:\n{{ qu|`).list.items.some((i) => i.label === 'question'));
  void body;
});

test('completion in Mustache: inputs, and the fields of a section\'s items inside it', () => {
  const head = '---\ninputs:\n  - name: items\n    kind: array\n    items:\n      kind: object\n      properties:\n        - name: title\n          kind: string\ntemplate:\n  format:\n    kind: mustache\n---\n';
  const labels = completionAt(`${head}user:\n{{#items}}{{|}}{{/items}}`).list.items.map((i) => i.label);
  assert.ok(labels.includes('title') && labels.includes('items'), labels.join());
});

test('hover, definition, references and rename between inputs and the body', () => {
  const doc = open(V2);
  const use = V2.indexOf('{{ question }}') + 3;
  const h = hover(doc, use + 1)!;
  assert.match((h.contents as { value: string }).value, /\*\*question\*\* \(optional\): `string`/);
  const decl = doc.prompt.inputs[1].nameSpan;
  assert.deepEqual(definition(doc, use + 1).map((l) => l.range.start.line), [doc.lines.positionAt(decl.start).line]);
  const refs = references(doc, decl.start + 1, true).map((l) => l.range.start.line);
  assert.deepEqual(refs, [doc.lines.positionAt(decl.start).line, doc.lines.positionAt(use).line]);
  assert.equal(prepareRename(doc, use + 1)?.placeholder, 'question');
  const edit = rename(doc, use + 1, 'ask')!;
  assert.equal(edit.changes![URI].length, 2);
  assert.ok(edit.changes![URI].every((e) => e.newText === 'ask'));
  assert.throws(() => rename(doc, use + 1, 'customer'), /already declared/);
  // A loop variable: its declaration and its uses only.
  const loopUse = V2.indexOf('{{ order.id }}') + 3;
  const loopRefs = references(doc, loopUse + 1, true);
  assert.equal(loopRefs.length, 2);
  const fieldHover = hover(doc, V2.indexOf('firstName }}') + 1)!;
  assert.match((fieldHover.contents as { value: string }).value, /Field of `customer`/);
});

test('frontmatter completion and hover come from the Prompty schema (version 1 keys listed last)', () => {
  const keys = completionAt('---\nmodel:\n  id: gpt-4o\n  |\n---\nuser:\nHi').list.items;
  const labels = keys.map((i) => i.label);
  for (const k of ['provider', 'apiType', 'connection', 'options']) assert.ok(labels.includes(k), labels.join());
  const v1 = keys.find((i) => i.label === 'parameters')!;
  assert.match(String(v1.detail), /Prompty version 1/);
  assert.ok(String(v1.sortText) > String(keys.find((i) => i.label === 'options')!.sortText), 'version 1 keys sort after version 2 keys');
  const options = completionAt('---\nmodel:\n  options:\n    max|\n---\nuser:\nHi').list.items.map((i) => i.label);
  assert.ok(options.includes('maxOutputTokens'), options.join());
  const text = '---\nmodel:\n  options:\n    maxOutputTokens: 5\ntemplate:\n  format:\n    kind: mustache\n---\nuser:\nHi';
  const doc = open(text);
  const h = hover(doc, text.indexOf('maxOutputTokens') + 2)!;
  assert.match((h.contents as { value: string }).value, /Upper limit on the tokens the model may generate/);
  const kind = hover(doc, text.indexOf('mustache') + 2);
  assert.match((kind?.contents as { value: string } | undefined)?.value ?? '', /Mustache/);
});

test('an edit of the body reuses the frontmatter\'s parse and checks; an edit of the frontmatter does not', () => {
  const first = parseDocument(V2, URI, 1);
  const body = parseDocument(V2.replace('{{ question }}', '{{ question }} now'), URI, 2, {}, first);
  assert.equal(body.frontmatter, first.frontmatter);
  assert.equal(body.prompt.inputs, first.prompt.inputs);
  assert.equal(at(body, body.prompt.messages[1].contentSpan), '{{ question }} now');
  const head = parseDocument(V2.replace('temperature: 0.2', 'temperature: hot'), URI, 3, {}, body);
  assert.notEqual(head.frontmatter, first.frontmatter);
  assert.deepEqual(problems(head).map((d) => at(head, d.span)), ['hot']);
});

test('an input mapping without `kind` is a warning on its name; the short form `name: value` needs none', () => {
  const list = open('---\ninputs:\n  - name: city\n    default: Paris\n  - name: days\n    kind: integer\n---\nuser:\n{{ city }} {{ days }}\n');
  assert.deepEqual(problems(list).map((d) => [d.severity, at(list, d.span)]), [['warning', 'city']]);
  const map = open('---\ninputs:\n  days:\n    default: 3\n  mood: calm\n---\nuser:\n{{ days }} {{ mood }}\n');
  assert.deepEqual(problems(map).map((d) => [d.severity, at(map, d.span)]), [['warning', 'days']]);
});

test('{% include %} and friends: a warning on the tag, since Prompty renders the body without a loader', async () => {
  const doc = open('user:\n{% include "footer.txt" %}\nHi\n');
  const d = problems(doc);
  assert.deepEqual(d.map((x) => [x.code, at(doc, x.span)]), [['prompty-template-include', '{% include "footer.txt" %}']]);
  const r = await renderPrompt(doc, {});
  assert.match(r.error?.message ?? '', /template not found|include/i);
});
