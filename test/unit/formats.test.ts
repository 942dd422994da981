// Prompt formats: which files the registry gives to which front-end, the shared model Dotprompt's
// front-end builds from real files (values and the source text under every span), a second format
// registered here that the generic features serve without Dotprompt, and the rule that nothing but
// the registry reaches into a front-end's folder.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import {
  documentSymbols,
  foldingRanges,
  formatById,
  formatFor,
  formatForLanguage,
  formatOf,
  lint,
  parseDocument,
  parsePromptDocument,
  PromptDocumentCache,
  promptDiagnostics,
  promptFileGlobs,
  registerFormat,
  renderPrompt,
  type PromptDocument,
  type PromptFormat,
} from '../../server/src/service';
import { allParameters, baseDocument, emptyModel } from '../../server/src/service/formats/model';
import type { Span } from '../../server/src/service/text';
import { documentTokens } from '../../server/src/service/tokens';
import { AGENT_FILE_PATTERNS } from '../../server/src/service/agents';

const ROOT = path.resolve(__dirname, '..', '..');
const read = (rel: string) => readFileSync(path.join(ROOT, rel), 'utf8');
const open = (rel: string) => parseDocument(read(rel), `file:///w/${rel}`, 1);
/** The source text a span covers. */
const at = (doc: PromptDocument, span: Span | undefined) => (span ? doc.text.slice(span.start, span.end) : undefined);

test('registry: Dotprompt claims `*.prompt` files, and not the other formats\' names', () => {
  const claims = (uri: string) => formatFor(uri)?.id;
  for (const uri of ['file:///w/summarize.prompt', 'file:///w/_footer.prompt', 'file:///w/My%20Prompt.prompt', 'prompt-history:/w/summarize.prompt?%7B%22ref%22%3A%22HEAD%22%7D', 'untitled:/Draft.prompt']) {
    assert.equal(claims(uri), 'dotprompt', uri);
  }
  for (const uri of ['file:///w/a.tests.yaml', 'file:///w/prompt', 'file:///w/README.md', 'untitled:Untitled-1']) {
    assert.equal(claims(uri), undefined, uri);
  }
  // VS Code's prompt and instruction files are the agent instruction format's, never Dotprompt's.
  for (const uri of ['file:///w/x.prompt.md', 'file:///w/AGENTS.md', 'file:///w/review.instructions.md', 'file:///w/SKILL.md']) assert.equal(claims(uri), 'agent-instructions', uri);
  // GitHub Models' names are that format's, never Dotprompt's.
  for (const uri of ['file:///w/x.prompt.yml', 'file:///w/x.prompt.yaml']) assert.equal(claims(uri), 'github-models', uri);
  assert.equal(formatById('dotprompt')?.displayName, 'Dotprompt');
  assert.equal(formatFor('file:///w/x.prompty')?.id, 'prompty', 'Prompty claims its own names');
  assert.equal(formatFor('file:///w/x.prompty.md'), undefined);
  assert.equal(formatForLanguage('dotprompt')?.id, 'dotprompt');
  assert.equal(formatForLanguage('prompt'), undefined, "VS Code's own language id for *.prompt.md");
  assert.deepEqual(promptFileGlobs(), ['**/*.prompt', '**/*.prompty', '**/*.prompt.yml', '**/*.prompt.yaml', '.github/**/*.prompt.yml', '.github/**/*.prompt.yaml', '**/.github/**/*.prompt.yml', '**/.github/**/*.prompt.yaml', ...AGENT_FILE_PATTERNS]);
});

test('registry: parseDocument picks the front-end; a name no format claims is parsed as Dotprompt, the language the editor sent it as', () => {
  const text = '---\nmodel: openai/gpt-4o\n---\nHi {{name}}\n';
  const doc = parseDocument(text, 'file:///w/a.prompt', 3);
  assert.equal(doc.format, 'dotprompt');
  assert.equal(doc.version, 3);
  assert.equal(formatOf(doc).id, 'dotprompt');
  assert.equal(parseDocument(text, 'untitled:Untitled-1').format, 'dotprompt');
  // The Dotprompt parse itself, whatever the name.
  assert.equal(parsePromptDocument(text, 'file:///w/a.prompt.md').format, 'dotprompt');
});

test('PromptModel of examples/summarize.prompt: metadata, model, parameters, inputs, output, with their source text', () => {
  const doc = open('examples/summarize.prompt');
  const m = doc.prompt;
  assert.equal(m.metadata.name?.value, 'summarize');
  assert.equal(at(doc, m.metadata.name?.keySpan), 'name');
  assert.equal(m.metadata.description?.value, 'Summarise a support ticket for the on-call engineer.');
  assert.equal(m.metadata.version?.value, '1.3.0');
  assert.equal(at(doc, m.metadata.version?.span), '"1.3.0"');
  assert.equal(m.metadata.owner?.value, 'support-tools');
  assert.equal(at(doc, m.metadata.owner?.keySpan), 'owner', 'metadata.owner');
  assert.equal(m.metadata.tags, undefined);
  assert.equal(m.model?.value, 'openai/gpt-4o-mini');
  assert.equal(at(doc, m.model?.span), 'openai/gpt-4o-mini');

  const max = m.parameters.maxOutputTokens!;
  assert.equal(max.value, 400);
  assert.equal(max.key, 'maxOutputTokens');
  assert.equal(max.path, 'config.maxOutputTokens');
  assert.equal(at(doc, max.span), 'maxOutputTokens: 400');
  assert.equal(at(doc, max.keySpan), 'maxOutputTokens');
  assert.equal(at(doc, max.valueSpan), '400');
  assert.equal(m.parameters.temperature?.value, 0.2);
  assert.equal(at(doc, m.parameters.temperature?.span), 'temperature: 0.2');
  // Dotprompt's stopSequences is the shared `stop`.
  assert.deepEqual(m.parameters.stop?.value, ['\n\n\n']);
  assert.equal(m.parameters.stop?.key, 'stopSequences');
  assert.equal(at(doc, m.parameters.stop?.valueSpan), '["\\n\\n\\n"]');
  assert.deepEqual(Object.keys(m.parameters), ['temperature', 'maxOutputTokens', 'stop']);
  assert.deepEqual(m.otherParameters, []);
  assert.deepEqual(m.tools, []);

  assert.deepEqual(
    m.inputs.map((i) => [i.name, i.type, i.required, i.description, i.default, at(doc, i.nameSpan)]),
    [
      ['customerName', 'string', true, "the customer's display name", 'there', 'customerName'],
      ['ticket', 'object', true, 'the ticket as stored in the help desk', undefined, 'ticket'],
      ['history', 'array', false, 'earlier messages on the ticket', undefined, 'history'],
    ],
  );
  assert.equal(at(doc, m.inputs[0].span), "customerName: string, the customer's display name");
  assert.equal(at(doc, m.inputs[2].span), 'history?(array, earlier messages on the ticket): string');
  assert.deepEqual(m.inputs[1].field.children?.map((c) => c.name), ['subject', 'body', 'priority']);

  assert.equal(m.output?.format?.value, 'text');
  assert.equal(at(doc, m.output?.format?.span), 'text');
  assert.equal(at(doc, m.output?.span), 'output:\n  format: text');
  assert.equal(m.output?.schema, undefined);
  assert.deepEqual(m.tests, [], 'Dotprompt files carry no test cases');
  assert.deepEqual(m.settings.map((s) => s.key), ['name', 'description', 'version', 'model', 'config', 'input', 'output', 'metadata']);
});

test('PromptModel of examples/summarize.prompt: messages, their tags, the inputs they read, the partial included', () => {
  const doc = open('examples/summarize.prompt');
  const [system, user, ...rest] = doc.prompt.messages;
  assert.equal(rest.length, 0);
  assert.equal(system.role, 'system');
  assert.equal(doc.text.slice(system.span.start, system.contentSpan.start), '{{role "system"}}');
  assert.ok(at(doc, system.contentSpan)!.startsWith('\nYou summarise support tickets'));
  assert.deepEqual(system.tags.map((t) => at(doc, t.span)), ['{{> footer}}']);
  assert.deepEqual(system.variables, []);
  assert.equal(user.role, 'user');
  assert.equal(doc.text.slice(user.span.start, user.contentSpan.start), '{{role "user"}}');
  assert.equal(user.contentSpan.end, doc.text.length);
  // `{{@index}}` and `{{this}}` inside `{{#each history}}` are the item's, not inputs.
  assert.deepEqual(
    user.variables.map((v) => [v.name, v.path.join('.'), at(doc, v.span)]),
    [
      ['customerName', 'customerName', 'customerName'],
      ['ticket', 'ticket.subject', 'ticket'],
      ['ticket', 'ticket.priority', 'ticket'],
      ['ticket', 'ticket.body', 'ticket'],
      ['history', 'history', 'history'],
      ['history', 'history', 'history'],
    ],
  );
  assert.ok(user.tags.some((t) => at(doc, t.span) === '{{#each history}}'));
  assert.deepEqual(doc.prompt.includes.map((i) => [i.name, at(doc, i.span)]), [['footer', 'footer']]);
});

test('PromptModel of examples/classify-intent.prompt: JSON Schema inputs, a history placeholder, a JSON output with a schema', () => {
  const doc = open('examples/classify-intent.prompt');
  const m = doc.prompt;
  assert.equal(m.model?.value, 'anthropic/claude-sonnet-4-5');
  assert.deepEqual(allParameters(m).map((p) => [p.name, p.key, p.value, at(doc, p.span)]), [
    ['temperature', 'temperature', 0, 'temperature: 0'],
    ['maxOutputTokens', 'maxOutputTokens', 200, 'maxOutputTokens: 200'],
    ['topK', 'topK', 20, 'topK: 20'],
  ]);
  assert.deepEqual(m.inputs.map((i) => [i.name, i.type, i.required, i.description, at(doc, i.nameSpan)]), [
    ['message', 'string', true, "The customer's message, verbatim.", 'message'],
    ['locale', 'string', false, 'BCP 47 language tag, e.g. en-GB.', 'locale'],
  ]);
  assert.deepEqual(m.messages.map((x) => [x.role, x.kind, doc.text.slice(x.span.start, x.contentSpan.start)]), [
    ['system', 'message', '{{role "system"}}'],
    ['history', 'history', '{{history}}'],
    ['user', 'message', '{{role "user"}}'],
  ]);
  assert.deepEqual(m.messages[2].variables.map((v) => v.name), ['locale', 'locale', 'message']);
  assert.equal(m.output?.format?.value, 'json');
  assert.equal(at(doc, m.output?.schema?.keySpan), 'schema');
  assert.deepEqual(Object.keys(m.output?.schema?.value as object), ['team(enum, the team that should answer)', 'confidence', 'reason']);
});

test('PromptModel of corpus files: tools, an implicit user message, names inside `{{#each}}`, a partial', () => {
  const order = open('test/corpus/agents/order-assistant.prompt');
  assert.deepEqual(order.prompt.tools.map((t) => [t.value, at(order, t.span)]), [
    ['lookupOrder', 'lookupOrder'],
    ['cancelOrder', 'cancelOrder'],
  ]);
  assert.equal(order.prompt.metadata.owner?.value, 'prompt-platform');
  assert.deepEqual(order.prompt.messages.map((m) => m.role), ['system', 'history', 'user']);
  assert.deepEqual(order.prompt.messages[2].variables.map((v) => at(order, v.span)), ['request']);

  const glossary = open('test/corpus/translation/glossary.prompt');
  const [only] = glossary.prompt.messages;
  assert.equal(glossary.prompt.messages.length, 1);
  assert.equal(only.role, 'user');
  assert.equal(only.span.start, only.contentSpan.start, 'no role marker');
  assert.equal(only.span.start, glossary.text.indexOf('Translate the text'));
  // `{{source}}` and `{{target}}` are fields of each glossary item.
  assert.deepEqual(only.variables.map((v) => v.name), ['target_language', 'glossary', 'source_text']);
  assert.equal(glossary.prompt.parameters.maxOutputTokens?.value, 900);

  const brief = open('test/corpus/partials/research-brief.prompt');
  assert.deepEqual(brief.prompt.includes.map((i) => i.name), ['citation-format']);
  assert.deepEqual(brief.prompt.messages[0].variables.map((v) => v.name), ['topic', 'sources']);
});

test('PromptModel: every example and corpus file builds one, with spans inside the text', () => {
  const files: string[] = [];
  const walk = (dir: string) => {
    for (const name of readdirSync(path.join(ROOT, dir))) {
      const rel = `${dir}/${name}`;
      if (statSync(path.join(ROOT, rel)).isDirectory()) walk(rel);
      else if (name.endsWith('.prompt')) files.push(rel);
    }
  };
  walk('examples');
  walk('test/corpus');
  assert.ok(files.length > 50);
  for (const rel of files) {
    const doc = open(rel);
    const m = doc.prompt;
    assert.equal(doc.prompt, m, 'memoised per version');
    const spans: Span[] = [...allParameters(m).map((p) => p.span), ...m.inputs.map((i) => i.span), ...m.messages.flatMap((x) => [x.span, x.contentSpan, ...x.variables.map((v) => v.span)])];
    if (m.model) spans.push(m.model.span);
    for (const s of spans) assert.ok(s.start >= 0 && s.start <= s.end && s.end <= doc.text.length, `${rel}: ${JSON.stringify(s)}`);
    for (const x of m.messages) for (const v of x.variables) assert.equal(at(doc, v.span), v.name, rel);
    if (m.model) assert.equal(at(doc, m.model.span)!.replace(/^["']|["']$/g, ''), m.model.value, rel);
    assert.equal(m.model?.value, doc.model, `${rel}: the model agrees with the document's`);
  }
});

test('PromptModel: the output limit under any name runtimes accept, Dotprompt\'s own first; other keys pass through in order', () => {
  const doc = parseDocument('---\nconfig:\n  max_tokens: 300\n  safetySettings: []\n  maxOutputTokens: 200\n  top_p: 0.5\n---\nHi\n', 'file:///w/a.prompt');
  const m = doc.prompt;
  assert.equal(m.parameters.maxOutputTokens?.key, 'maxOutputTokens');
  assert.equal(m.parameters.maxOutputTokens?.value, 200);
  assert.equal(m.parameters.topP?.key, 'top_p');
  assert.deepEqual(m.otherParameters.map((p) => [p.name, p.key, p.path]), [
    [undefined, 'max_tokens', 'config.max_tokens'],
    [undefined, 'safetySettings', 'config.safetySettings'],
  ]);
  assert.deepEqual(allParameters(m).map((p) => p.key), ['max_tokens', 'safetySettings', 'maxOutputTokens', 'top_p']);
  const alone = parseDocument('---\nconfig:\n  max_tokens: 300\n---\nHi\n', 'file:///w/a.prompt').prompt.parameters.maxOutputTokens;
  assert.deepEqual([alone?.key, alone?.path, alone?.value], ['max_tokens', 'config.max_tokens', 300]);
});

test('PromptModel: the frontmatter half is reused while the frontmatter is unchanged; broken and binary files give an empty model', () => {
  const cache = new PromptDocumentCache();
  const text = '---\nmodel: openai/gpt-4o\nconfig:\n  temperature: 1\n---\nHello {{name}}\n';
  const v1 = cache.get({ uri: 'file:///w/a.prompt', version: 1, getText: () => text });
  const v2 = cache.get({ uri: 'file:///w/a.prompt', version: 2, getText: () => text + 'More {{other}}\n' });
  assert.equal(v2.prompt.parameters, v1.prompt.parameters);
  assert.deepEqual(v2.prompt.messages[0].variables.map((v) => v.name), ['name', 'other']);
  const broken = parseDocument('---\nmodel: [unclosed\n---\nHi\n', 'file:///w/b.prompt').prompt;
  assert.equal(broken.model, undefined);
  assert.deepEqual(broken.settings, []);
  assert.equal(broken.messages.length, 1);
  assert.deepEqual(parseDocument('a\u0000b', 'file:///w/c.prompt').prompt, emptyModel());
});

test('PromptModel: a file over maxFileSize still has its messages, from a plain scan of the role markers', () => {
  const body = '{{role "system"}}\nBe brief.\n{{history}}\n{{role "user"}}\nHi {{name}}\n';
  const doc = parseDocument(`---\nmodel: openai/gpt-4o\n---\n${body}`, 'file:///w/big.prompt', 1, { maxTemplateSize: 10 });
  assert.equal(doc.notice, 'too-large');
  assert.deepEqual(doc.prompt.messages.map((m) => [m.role, m.kind, doc.text.slice(m.span.start, m.contentSpan.start)]), [
    ['system', 'message', '{{role "system"}}'],
    ['history', 'history', '{{history}}'],
    ['user', 'message', '{{role "user"}}'],
  ]);
  assert.match(doc.prompt.approximate ?? '', /plain scan/);
  assert.equal(doc.prompt.model?.value, 'openai/gpt-4o');
});

// ---- a second format, served by the generic features alone ----

/** A plain-text prompt: an optional first line `model: <id>`, then the whole text is one user message. */
const PLAIN_ID = 'plain-text-test';
const plainText: PromptFormat = {
  id: PLAIN_ID,
  displayName: 'Plain text (test)',
  languageIds: ['plain-prompt-test'],
  filePatterns: ['**/*.txtprompt'],
  detect: (uri) => uri.endsWith('.txtprompt'),
  parse(text, uri, version) {
    const prompt = emptyModel();
    const header = /^model: *(\S*)[^\n]*\n/.exec(text);
    if (header) prompt.model = { value: header[1], span: { start: header[0].indexOf(header[1]), end: header[0].indexOf(header[1]) + header[1].length }, keySpan: { start: 0, end: 5 } };
    const start = header ? header[0].length : 0;
    const variables = [...text.slice(start).matchAll(/\$(\w+)/g)].map((v) => ({ name: v[1], span: { start: start + v.index! + 1, end: start + v.index! + 1 + v[1].length }, path: [v[1]] }));
    prompt.messages = [{ role: 'user', kind: 'message', span: { start, end: text.length }, contentSpan: { start, end: text.length }, tags: [], variables }];
    return baseDocument({ format: PLAIN_ID, uri, version, text, prompt });
  },
  template: { id: 'plain', name: 'Plain text', helpers: [], helper: () => undefined, dataVariables: [], roles: ['user'], partials: false },
  check: () => [],
  render: async (doc, values) => ({ values, messages: [{ role: 'user', text: doc.text.slice(doc.prompt.messages[0].contentSpan.start).replace(/\$(\w+)/g, (_, n: string) => String(values[n] ?? '')) }] }),
  keyPath: (fact) => (fact === 'model' ? 'model' : undefined),
};

test('a second format registers, and token counts, the outline, render and model-reading lint rules serve it without Dotprompt', async (t) => {
  const unregister = registerFormat(plainText);
  t.after(unregister);
  assert.throws(() => registerFormat(plainText), /already registered/);
  assert.deepEqual(promptFileGlobs(), ['**/*.prompt', '**/*.prompty', '**/*.prompt.yml', '**/*.prompt.yaml', '.github/**/*.prompt.yml', '.github/**/*.prompt.yaml', '**/.github/**/*.prompt.yml', '**/.github/**/*.prompt.yaml', ...AGENT_FILE_PATTERNS, '**/*.txtprompt']);
  const uri = 'file:///w/greet.txtprompt';
  const text = 'model: openai/gpt-4o-mnii\nSay hello to $name in one short sentence.\n\nThen stop.\n';
  assert.equal(formatFor(uri)?.id, PLAIN_ID);
  assert.equal(formatForLanguage('plain-prompt-test')?.id, PLAIN_ID);

  const doc = new PromptDocumentCache().get({ uri, version: 1, getText: () => text });
  assert.equal(doc.format, PLAIN_ID);
  assert.equal(formatOf(doc), plainText);
  assert.equal(doc.frontmatter.present, false);
  assert.deepEqual(doc.template.tags, []);

  // Token counts: one user message, counted like the same text as the body of a Dotprompt file.
  const tokens = documentTokens(doc);
  assert.equal(tokens.model.id, 'gpt-4o');
  assert.deepEqual(tokens.messages.map((m) => [m.role, m.span.start]), [['user', text.indexOf('Say')]]);
  const body = text.slice(text.indexOf('Say'));
  const same = documentTokens(parsePromptDocument(`---\nmodel: openai/gpt-4o-mnii\n---\n${body}`, 'file:///w/same.prompt'));
  assert.equal(tokens.messages[0].content, same.messages[0].content);
  assert.equal(tokens.template, same.template);
  assert.equal(tokens.frontmatter, 0);
  assert.equal(tokens.output.source, 'model default');

  // The outline and folding.
  const symbols = documentSymbols(doc);
  assert.deepEqual(symbols.map((s) => [s.name, s.detail]), [['user', 'Say hello to $name in one short sentence.']]);
  assert.deepEqual(symbols[0].range.start, { line: 1, character: 0 });
  assert.deepEqual(foldingRanges(doc), []);

  // unknown-model reads the model from the shared model; rules whose facts the format has no place for stay quiet.
  const diags = promptDiagnostics(doc, { lint: { config: lint.resolveLintConfig(lint.RULES) } });
  const unknown = diags.find((d) => d.code === 'unknown-model');
  assert.ok(unknown, JSON.stringify(diags));
  assert.equal(at(doc, unknown.span), 'openai/gpt-4o-mnii');
  assert.match(unknown.message, /Did you mean `openai\/gpt-4o-mini`\?/);
  assert.deepEqual(diags.filter((d) => ['missing-max-tokens', 'output-format-mismatch', 'deprecated-parameter'].includes(d.code)), []);
  assert.ok(!diags.some((d) => d.code.startsWith('template-') || d.code === 'undefined-variable'), 'no Handlebars checks on a plain-text file');

  const rendered = await renderPrompt(doc, { name: 'Ada' });
  assert.deepEqual(rendered.messages, [{ role: 'user', text: 'Say hello to Ada in one short sentence.\n\nThen stop.\n' }]);

  unregister();
  assert.equal(formatFor(uri), undefined);
});

// ---- the architecture rule ----

test('only the registry (and the old helpers.ts path kept for the template scope) imports a front-end\'s folder', () => {
  const serverSrc = path.join(ROOT, 'server', 'src');
  const dotprompt = path.join(serverSrc, 'service', 'formats', 'dotprompt');
  const allowed = new Set([path.join(serverSrc, 'service', 'formats', 'registry.ts'), path.join(serverSrc, 'service', 'helpers.ts')]);
  const files: string[] = [];
  const walk = (dir: string) => {
    for (const name of readdirSync(dir)) {
      const full = path.join(dir, name);
      if (statSync(full).isDirectory()) walk(full);
      else if (name.endsWith('.ts')) files.push(full);
    }
  };
  walk(serverSrc);
  walk(path.join(ROOT, 'client', 'src'));
  const offenders: string[] = [];
  for (const file of files) {
    if (file.startsWith(dotprompt + path.sep)) continue;
    const source = readFileSync(file, 'utf8');
    for (const m of source.matchAll(/(?:^|\n)\s*(?:import|export)\b[^'"]*?from\s*['"]([^'"]+)['"]|\bimport\(\s*['"]([^'"]+)['"]\s*\)|\brequire\(\s*['"]([^'"]+)['"]\s*\)/g)) {
      const spec = m[1] ?? m[2] ?? m[3];
      if (!spec.startsWith('.')) continue;
      const target = path.resolve(path.dirname(file), spec);
      if ((target === dotprompt || target.startsWith(dotprompt + path.sep)) && !allowed.has(file)) offenders.push(`${path.relative(ROOT, file)} imports ${spec}`);
    }
  }
  assert.deepEqual(offenders, []);
  assert.ok(files.length > 100);
});
