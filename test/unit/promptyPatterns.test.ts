// Patterns that Prompty files written by others use and that Prompty's runtimes accept: each test
// is a minimal file reproducing one, with the findings (and where they are) the engine must give.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { codeActions, completePromptDiagnostics, diagnostics, lint, parseDocument } from '../../server/src/service';
import { resolveModel } from '../../server/src/service/tokens/catalogue';

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

test('blank lines before `---` (Prompty\'s Python runtime skips them): the frontmatter is read, with one hint on the blank lines and a fix that removes them', async () => {
  const text = '\n\n---\nname: e\nmodel:\n  api: chat\n  parameters:\n    max_tokens: 64\ninputs:\n  answer:\n    type: string\n---\n\n# system:\nRate the answer.\n\n# user:\n{{answer}}\n';
  const { doc, ds, at } = await findings(text);
  assert.equal(doc.frontmatter.present, true);
  assert.equal(doc.frontmatter.span.start, 2);
  assert.deepEqual(doc.prompt.messages.map((m) => m.role), ['system', 'user']);
  assert.equal(doc.prompt.parameters.maxOutputTokens?.value, 64);
  assert.deepEqual(at('prompty-unknown-role'), []);
  assert.deepEqual(at('prompty-undeclared-input'), []);
  const hint = ds.filter((d) => d.code === 'frontmatter-preamble');
  assert.equal(hint.length, 1);
  assert.equal(hint[0].severity, 'hint');
  assert.deepEqual(hint[0].span, { start: 0, end: 1 });
  assert.match(hint[0].message, /TypeScript runtime/);
  const actions = codeActions(doc, diagnostics(doc).filter((d) => d.code === 'frontmatter-preamble'));
  const action = actions.find((a) => /blank lines/.test(a.title));
  assert.ok(action, actions.map((a) => a.title).join(', '));
  const edits = action!.edit!.changes![doc.uri];
  assert.deepEqual(edits.map((e) => [doc.lines.offsetAt(e.range.start), doc.lines.offsetAt(e.range.end), e.newText]), [[0, 2, '']]);
});

test('a file of blank lines then body text without `---` stays a body-only file', async () => {
  const text = '\n\nsystem:\nHello.\n---\nuser:\nHi\n';
  const { doc, ds } = await findings(text);
  assert.equal(doc.frontmatter.present, false);
  assert.deepEqual(ds.filter((d) => d.code === 'frontmatter-preamble'), []);
});

test('output-format-mismatch on Prompty: `outputs` (sent as a strict JSON schema) needs no JSON in the text; a `response_format` asks for JSON; without either, the note names Prompty\'s keys', async () => {
  // Declared outputs, instructions silent about JSON: Prompty sends the schema, nothing to say.
  const outputs = await findings('---\nname: o\nmodel:\n  id: gpt-4o\noutputs:\n  - name: answer\n    kind: string\n---\nsystem:\nAnswer the question.\n\nuser:\n{{question}}\n');
  assert.deepEqual(outputs.at('output-format-mismatch'), []);
  // Version 1 with `response_format` in `model.parameters` and the instructions asking for JSON.
  const v1 = '---\nname: j\nmodel:\n  api: chat\n  parameters:\n    response_format:\n      type: json_object\n---\nsystem:\nReturn a JSON object with a score.\n\nuser:\n{{question}}\n';
  assert.deepEqual((await findings(v1)).at('output-format-mismatch'), []);
  // Asking for JSON with neither: one note, on the words that ask, naming `outputs` and `response_format`.
  const none = '---\nname: n\nmodel:\n  api: chat\n---\nsystem:\nReturn a JSON object with a score.\n\nuser:\n{{question}}\n';
  const r = await findings(none);
  assert.deepEqual(r.at('output-format-mismatch'), ['Return a JSON']);
  const d = r.ds.find((x) => x.code === 'output-format-mismatch')!;
  assert.match(d.message, /`outputs:`/);
  assert.match(d.message, /`response_format: \{ type: json_object \}`/);
  assert.doesNotMatch(d.message, /outputs: json/);
});

test('a file mixing the versions: a key of either is known; version 1 spellings get their hint (with the rename) instead of an unknown-key warning; a key of neither is still unknown', async () => {
  // Version 2 (metadata, model.id, outputs) keeping a root `version:` and snake_case options.
  const v2 = '---\nid: claims\nversion: 1.0.0\nname: c\nmetadata:\n  authors:\n    - a\nmodel:\n  id: gpt-4o\n  options:\n    temperature: 0.5\n    top_p: 1\n---\nsystem:\nHelp.\n';
  const r2 = await findings(v2);
  assert.deepEqual(r2.at('frontmatter-unknown-key'), ['id']);
  assert.deepEqual(r2.at('prompty-v1-field'), ['version', 'top_p']);
  const topP = r2.ds.find((d) => d.code === 'prompty-v1-field' && v2.slice(d.span.start, d.span.end) === 'top_p')!;
  assert.equal((topP.data as { replacement?: string }).replacement, 'topP');
  assert.match(topP.message, /^`top_p` under `model\.options` is Prompty version 1's spelling; version 2 writes it as `model\.options\.topP`/);
  // Version 1 inputs (`type`, `sample`) with version 2's top-level `tools` and `template.format`.
  const v1 = '---\nname: w\nmodel:\n  id: gpt-4o\ninputs:\n  question:\n    type: string\n    sample: Hi\ntools:\n  - id: data_source\n    type: bing_search\ntemplate:\n  format: mustache\n  parser: prompty\n---\nuser:\n{{question}}\n';
  const r1 = await findings(v1);
  assert.deepEqual(r1.at('frontmatter-unknown-key'), []);
  assert.deepEqual(r1.at('prompty-v1-field'), ['type', 'sample']);
  // A string model has no `model.api`: no hint lands on `model`.
  const short = await findings('---\nname: s\nmodel: gpt-4o\n---\nuser:\nHi\n');
  assert.deepEqual(short.at('prompty-v1-field'), []);
});

test('an `outputs` entry typed with version 1\'s `type` (no `kind`): one warning on `type`, with the rename to `kind` as its fix', async () => {
  const text = '---\nname: o\nmetadata:\n  authors: [a]\nmodel:\n  id: gpt-4o\noutputs:\n  - name: response\n    type: string\n  - name: score\n    kind: integer\n---\nsystem:\nAnswer.\n';
  const { ds } = await findings(text);
  const w = ds.filter((d) => d.code === 'frontmatter-schema');
  assert.equal(w.length, 1);
  assert.equal(text.slice(w[0].span.start, w[0].span.end), 'type');
  assert.equal(w[0].span.start, text.indexOf('type: string'));
  assert.match(w[0].message, /Rename `type` to `kind`/);
  assert.deepEqual((w[0].data as { fix: { edits: unknown[] } }).fix.edits, [{ start: w[0].span.start, end: w[0].span.end, newText: 'kind' }]);
});

test('version 1: a name that only `sample:` gives and the template never reads is reported as sample data, on its key in `sample`; an unused `inputs` entry keeps its own message', async () => {
  const text = '---\nname: m\nmodel:\n  api: chat\ninputs:\n  table:\n    type: string\ntemplate: mustache\nsample:\n  question: Why?\n  top_n: 5\n---\nuser:\n{{question}}\n';
  const { ds } = await findings(text);
  const unused = ds.filter((d) => d.code === 'prompty-unused-input');
  assert.deepEqual(unused.map((d) => text.slice(d.span.start, d.span.end)), ['table', 'top_n']);
  assert.equal(unused[1].span.start, text.indexOf('top_n'));
  assert.match(unused[0].message, /remove it from `inputs`/);
  assert.match(unused[1].message, /^`sample` gives a value for `top_n`.*remove it from `sample`\.$/);
});

test('Azure OpenAI\'s `gpt-35-turbo` (a version 1 `azure_deployment`) is GPT-3.5 Turbo of the catalogue: no unknown-model, counted with cl100k_base', async () => {
  const text = '---\nname: a\nmodel:\n  api: chat\n  configuration:\n    type: azure_openai\n    azure_deployment: gpt-35-turbo\n  parameters:\n    max_tokens: 128\n---\nsystem:\nHelp.\n';
  const { doc, at } = await findings(text);
  assert.equal(doc.model, 'azure-openai/gpt-35-turbo');
  assert.deepEqual(at('unknown-model'), []);
  const hit = resolveModel('azure-openai/gpt-35-turbo', undefined);
  assert.equal(hit.id, 'gpt-3.5-turbo');
  assert.equal(hit.encoding, 'cl100k_base');
  assert.equal(hit.unknown, false);
});

test('version 1 with `sample:` and no `inputs:`: names the sample does not give are passed at run time (no warning), a near miss of a sample name is; unused sample keys still are', async () => {
  const text = '---\nname: s\nmodel:\n  api: chat\nsample:\n  user_query: Hi\n  firstName: Ana\n---\nsystem:\n{% if override_prompt %}{{ override_prompt }}{% endif %}\nSources: {% for c in citations %}[{{ c }}]{% endfor %}\n\nuser:\n{{ user_querry }}\n';
  const { ds } = await findings(text);
  const undeclared = ds.filter((d) => d.code === 'prompty-undeclared-input');
  assert.deepEqual(undeclared.map((d) => text.slice(d.span.start, d.span.end)), ['user_querry']);
  assert.equal(undeclared[0].span.start, text.indexOf('user_querry'));
  assert.match(undeclared[0].message, /has no value in `sample`, which gives `user_query`: a misspelling\?/);
  assert.deepEqual(ds.filter((d) => d.code === 'prompty-unused-input').map((d) => text.slice(d.span.start, d.span.end)), ['user_query', 'firstName']);
  // With `inputs:`, every name read must be declared, as before.
  const declared = await findings('---\nname: d\ninputs:\n  question:\n    type: string\n---\nuser:\n{{ question }} {{ context }}\n');
  assert.deepEqual(declared.at('prompty-undeclared-input'), ['context']);
});

test('a backslash in a Jinja2 tag (Markdown escaping, `past\\_messages`) is the syntax error Jinja2 gives, on the backslash; the names of that tag are not reported', async () => {
  const text = '---\nname: b\nsample:\n  past_messages: []\n  user_query: q\n---\nsystem:\n{% for message in past\\_messages %}\n{{ message\\["role"] }}:\n{% endfor %}\nuser:\n{{ user_query }} {{ "a\\"b" }}\n';
  const { ds, at } = await findings(text);
  const syntax = ds.filter((d) => d.code === 'prompty-template-syntax');
  assert.equal(syntax.length, 1);
  assert.equal(syntax[0].severity, 'error');
  assert.deepEqual(syntax[0].span, { start: text.indexOf('\\_'), end: text.indexOf('\\_') + 1 });
  assert.match(syntax[0].message, /unexpected char `\\`/);
  assert.deepEqual(at('prompty-undeclared-input'), []);
  assert.deepEqual(at('variable-in-system-role'), []);
});

test('Mustache or Handlebars block tags in a Jinja2 body: one error on the first, naming the way to choose Mustache; no name checks on a body that cannot render', async () => {
  const text = '---\nname: m\nmodel:\n  api: chat\ninputs:\n  conversation:\n    type: array\n---\nuser:\n{{#conversation}}\n - {{role}}: {{content}}\n{{/conversation}}\n';
  const { ds, at } = await findings(text);
  const syntax = ds.filter((d) => d.code === 'prompty-template-syntax');
  assert.equal(syntax.length, 1);
  assert.deepEqual([text.slice(syntax[0].span.start, syntax[0].span.end)], ['{{#conversation}}']);
  assert.match(syntax[0].message, /Mustache or Handlebars block syntax, but this body is Jinja2.*\(the 1 other such tag too\).*template: mustache/);
  assert.deepEqual(at('prompty-undeclared-input'), []);
  assert.deepEqual(at('prompty-unused-input'), []);
  // Handlebars' `{{else}}` between such tags is no name either.
  const hb = await findings('---\nname: h\nsample:\n  topic: x\n---\nuser:\n{{#if topic}}\nA {{topic}}\n{{else}}\nB\n{{/if}}\n');
  assert.deepEqual(hb.at('prompty-template-syntax'), ['{{#if topic}}']);
  assert.deepEqual(hb.at('untrusted-input-undelimited'), ['{{topic}}']);
  // Named as Mustache, the same body is fine.
  const ok = await findings(text.replace('---\nuser:', 'template: mustache\n---\nuser:'));
  assert.deepEqual(ok.at('prompty-template-syntax'), []);
});

test('a role line followed at once by another role line, or ending the body, starts no message (the parser sends none): no empty-message, no zero-token message', async () => {
  const text = '---\nname: e\n---\nsystem:\nSYSTEM:  \nRate it.\n\nUSER:\n{{ answer }}\nassistant:\n\n';
  const { doc, at } = await findings(text);
  assert.deepEqual(doc.prompt.messages.map((m) => [m.role, text.slice(m.contentSpan.start, m.contentSpan.end)]), [['system', 'Rate it.'], ['user', '{{ answer }}']]);
  assert.deepEqual(at('empty-message'), []);
  // A blank line after a role line is a line: the runtime sends that message, empty.
  const blank = await findings('---\nname: e\n---\nsystem:\n\nuser:\nHi\n');
  assert.deepEqual(blank.at('empty-message'), ['system:']);
});
