// Real-world Dotprompt files (test/samples/dotprompt/): license comments before `---`, comments
// holding braces, broken frontmatter, and the small things around them. Each test asserts where a
// finding is, not only that it exists.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { afterLeadingComments } from '../../server/src/service/formats/frontmatter';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { allCodeActions, complete, completePromptDiagnostics, diagnostics, hover, lint, parsePromptDocument, promptDiagnostics, renderPrompt, type PromptDocument } from '../../server/src/service';
import { documentTokens } from '../../server/src/service/tokens';
import { covered } from '../support/markers';

const samples = path.resolve(__dirname, '..', 'samples', 'dotprompt');
const sample = (name: string): PromptDocument => parsePromptDocument(readFileSync(path.join(samples, name), 'utf8'), `file:///samples/${name}`);
const at = (doc: PromptDocument, offset: number) => doc.lines.positionAt(offset);

// ---- 1. comment and blank lines before the frontmatter ----

test('license comment lines before --- : the frontmatter is read, with spans on the right lines', async () => {
  const doc = sample('license-header.prompt');
  assert.equal(doc.frontmatter.present, true);
  assert.equal(doc.frontmatter.closed, true);
  assert.deepEqual(at(doc, doc.frontmatter.span.start), { line: 7, character: 0 });
  assert.equal(doc.model, 'googleai/gemini-2.0-flash');
  assert.deepEqual(doc.input.fields.map((f) => f.name), ['productName', 'reviews']);
  const product = doc.input.fields[0];
  assert.equal(covered(doc, product.keySpan!), 'productName');
  assert.deepEqual(at(doc, product.keySpan!.start), { line: 14, character: 4 });
  assert.equal(doc.prompt.parameters.maxOutputTokens?.value, 512);
  assert.equal(doc.prompt.output?.format?.value, 'json');
  assert.equal(doc.text.slice(doc.template.span.start).split('\n')[0], '{{role "system"}}');

  const all = await completePromptDiagnostics(doc);
  assert.deepEqual(all.filter((d) => d.code === 'undefined-variable' || d.code === 'missing-max-tokens' || d.code === 'output-format-mismatch'), []);
  const hint = all.filter((d) => d.code === 'frontmatter-preamble');
  assert.equal(hint.length, 1);
  assert.equal(hint[0].severity, 'hint');
  assert.deepEqual([at(doc, hint[0].span.start), at(doc, hint[0].span.end)], [{ line: 0, character: 0 }, { line: 5, character: 37 }]);
  assert.match(hint[0].message, /`dotprompt` npm package \(1\.1\.2\) does not/);
});

test('a real YAML error inside a frontmatter after comment lines is reported where it is', async () => {
  const doc = sample('license-header-yaml-error.prompt');
  const yaml = (await completePromptDiagnostics(doc)).filter((d) => d.code.startsWith('yaml-'));
  assert.equal(yaml.length, 1);
  assert.equal(yaml[0].code, 'yaml-duplicate-key');
  assert.ok(doc.text.startsWith('default:', yaml[0].span.start));
  assert.deepEqual(at(doc, yaml[0].span.start), { line: 15, character: 2 });
});

test('render leaves the lines before --- out, as Dotprompt does', async () => {
  const doc = sample('license-header.prompt');
  const r = await renderPrompt(doc);
  assert.equal(r.error, undefined, r.error?.message);
  assert.deepEqual(r.messages?.map((m) => m.role), ['system', 'user']);
  assert.ok(!r.messages!.some((m) => m.text.includes('Copyright') || m.text.includes('model:')), JSON.stringify(r.messages));
  assert.match(r.messages![1].text, /Product: Trail Runner 3/);
});

test('what counts as lines before --- follows Dotprompt: # in the first column, blank lines, LF', () => {
  assert.equal(afterLeadingComments('# a\n\n---\nx: 1\n---\n', 0), 5);
  assert.equal(afterLeadingComments('\n  \t\n---\n', 0), 5);
  assert.equal(afterLeadingComments('# a\r\n---\r\n', 0), 5, 'a comment line takes its \\r');
  assert.equal(afterLeadingComments('\r\n---\n', 0), undefined, 'a blank CRLF line is not accepted by the regex');
  assert.equal(afterLeadingComments('  # indented\n---\n', 0), undefined);
  assert.equal(afterLeadingComments('Hello\n---\n', 0), undefined);
  assert.equal(afterLeadingComments('# only a comment', 0), undefined);
  assert.equal(afterLeadingComments('---\n', 0), undefined, 'no lines before: the ordinary case');

  const plain = parsePromptDocument('# Heading\n\nHello {{name}}');
  assert.equal(plain.frontmatter.present, false, 'a markdown heading without --- stays template text');
  assert.equal(plain.template.span.start, 0);
  const crlf = parsePromptDocument('# c\r\n---\r\nmodel: openai/gpt-4o\r\n---\r\nHi');
  assert.equal(crlf.model, 'openai/gpt-4o');
  const bom = parsePromptDocument('\uFEFF# c\n---\nmodel: 42\n---\nHi');
  const d = bom.diagnostics.find((x) => x.code === 'frontmatter-schema')!;
  assert.equal(covered(bom, d.span), '42');
  assert.equal(bom.frontmatter.preamble?.start, 1);
});

test('the lines before --- agree with the dotprompt reference regex', async () => {
  // Dotprompt's parser (its repository) in the form it documents; the package on npm predates it.
  const reference = /^(?:(?:#[^\n]*|[ \t]*)\n)*---\s*(?:\r\n|\r|\n)([\s\S]*?)(?:\r\n|\r|\n)---\s*(?:\r\n|\r|\n)([\s\S]*)$/;
  const cases = ['# a\n---\nx: 1\n---\nB', '\n\n---\nx: 1\n---\nB', '# a\n  # b\n---\nx: 1\n---\nB', '#\n#\n\t\n---\nx: 1\n---\nB', 'a\n---\nx: 1\n---\nB', '# a\r\n\r\n---\nx: 1\n---\nB'];
  for (const text of cases) {
    const doc = parsePromptDocument(text);
    const m = reference.exec(text);
    assert.equal(doc.frontmatter.closed, !!m, JSON.stringify(text));
    if (m) {
      assert.equal(covered(doc, doc.frontmatter.content), m[1], JSON.stringify(text));
      assert.equal(doc.text.slice(doc.template.span.start), m[2], JSON.stringify(text));
    }
  }
});

test('quick fix: the comment lines move into the frontmatter, and the result has no hint', async () => {
  const doc = sample('license-header.prompt');
  const ds = diagnostics(doc).filter((d) => d.code === 'frontmatter-preamble');
  assert.equal(ds.length, 1);
  const action = allCodeActions(doc, ds).find((a) => a.title === 'Move the comment lines into the frontmatter');
  assert.ok(action);
  const fixed = TextDocument.applyEdits(TextDocument.create(doc.uri, 'dotprompt', 1, doc.text), action.edit!.changes![doc.uri]);
  assert.ok(fixed.startsWith('---\n# Copyright 2025 Example Corp\n#\n'), fixed.slice(0, 80));
  assert.ok(fixed.includes('# SPDX-License-Identifier: Apache-2.0\nmodel: googleai/gemini-2.0-flash\n'));
  const again = parsePromptDocument(fixed);
  assert.deepEqual(again.diagnostics.map((d) => d.code), []);
  assert.equal(again.frontmatter.preamble, undefined);
  assert.deepEqual(again.input.fields.map((f) => f.name), ['productName', 'reviews']);
});

// ---- 2. comments end where Handlebars' lexer ends them ----

test('a comment holding {{> partial}} gives no unclosed-tag or missing-partial finding', async () => {
  const doc = sample('comment-braces.prompt');
  const all = await completePromptDiagnostics(doc);
  assert.deepEqual(all.filter((d) => d.severity === 'error'), []);
  const comments = doc.template.tags.filter((t) => t.kind === 'comment');
  assert.deepEqual(comments.map((t) => covered(doc, t.span)), [
    '{{!-- The greeting used to live in {{> greeting}}; see {{> partialName}} for the old version. --}}',
    '{{! TODO: move the sign-off into {{> signoff}}',
  ]);
  assert.ok(!doc.template.tags.some((t) => t.kind === 'partial'));
});

/** The source text of every comment Handlebars' own parser finds. */
function handlebarsComments(body: string): string[] {
  const Handlebars = require('handlebars') as typeof import('handlebars');
  const lines = [0];
  for (let i = 0; i < body.length; i++) if (body[i] === '\n') lines.push(i + 1);
  const program = Handlebars.parseWithoutProcessing(body) as unknown as { body: { type: string; loc: { start: { line: number; column: number }; end: { line: number; column: number } } }[] };
  return program.body
    .filter((n) => n.type === 'CommentStatement')
    .map((n) => body.slice(lines[n.loc.start.line - 1] + n.loc.start.column, lines[n.loc.end.line - 1] + n.loc.end.column));
}

test('comment boundaries equal Handlebars\' on tricky cases', () => {
  const cases = [
    'a {{! see {{> foo}} }} b',
    '{{!--}}x{{y}}',
    '{{~!--}}x',
    '{{!-- a {{> p}} --}} {{q}}',
    '{{!-- a --~}}x',
    '{{!a}}}b',
    '{{!-- a --}}}b',
    '{{! a\n b }}c {{d}}',
    '{{!--a--b--}}c',
    '{{!-}}',
    '{{! one }}{{! two }}',
    '{{!-- x }} y --}}z',
  ];
  for (const body of cases) {
    const doc = parsePromptDocument(body);
    const ours = doc.template.tags.filter((t) => t.kind === 'comment').map((t) => covered(doc, t.span));
    assert.deepEqual(ours, handlebarsComments(body), JSON.stringify(body));
    assert.deepEqual(doc.diagnostics.filter((d) => d.severity === 'error'), [], JSON.stringify(body));
  }
});

test('unclosed comments: Handlebars rejects them, and so do we, on the opener\'s line', () => {
  const short = parsePromptDocument('Hi {{! note\nno end');
  assert.deepEqual(short.diagnostics.map((d) => [d.code, covered(short, d.span)]), [['template-unclosed-comment', '{{! note']]);
  const long = parsePromptDocument('Hi {{!-- note }}\n{{x}}');
  assert.deepEqual(long.diagnostics.map((d) => [d.code, covered(long, d.span)]), [['template-unclosed-comment', '{{!--']]);
  const Handlebars = require('handlebars') as typeof import('handlebars');
  assert.throws(() => Handlebars.parseWithoutProcessing('Hi {{! note\nno end'));
  assert.throws(() => Handlebars.parseWithoutProcessing('Hi {{!-- note }}\n{{x}}'));
});

test('many unclosed {{! stay linear (no }} after them)', () => {
  const body = '{{! '.repeat(20_000);
  const doc = parsePromptDocument(body);
  assert.equal(doc.diagnostics.filter((d) => d.code === 'template-unclosed-comment').length, 1);
});

// ---- 3. broken frontmatter: what did parse still serves, one mistake gives one finding ----

test('a quoted value followed by | is one YAML error on the text after the value, and one partial-check note', async () => {
  const doc = sample('broken-frontmatter.prompt');
  const all = await completePromptDiagnostics(doc);
  const yaml = all.filter((d) => d.code.startsWith('yaml-'));
  assert.equal(yaml.length, 1);
  assert.equal(covered(doc, yaml[0].span), '| "medium" | "high"');
  assert.deepEqual(at(doc, yaml[0].span.start), { line: 11, character: 20 });
  assert.match(yaml[0].message, /text after a complete value .* Picoschema writes `name\(enum\): \[low, medium, high\]`/);
  assert.deepEqual(all.filter((d) => d.code === 'undefined-variable' || d.code === 'unused-variable'), []);
  const partial = all.filter((d) => d.code === 'variables-unchecked');
  assert.equal(partial.length, 1);
  assert.equal(covered(doc, partial[0].span), 'severity');
  assert.deepEqual(at(doc, partial[0].span.start), { line: 29, character: 34 });
  assert.match(partial[0].message, /Variable checks are partial: .* `severity` is not checked/);
  assert.equal(doc.input.partial, true);
});

test('completion and hover in the template use the declarations that did parse', () => {
  const base = readFileSync(path.join(samples, 'broken-frontmatter.prompt'), 'utf8');
  const names = (add: string) => {
    const text = base + add;
    const doc = parsePromptDocument(text, 'file:///samples/broken.prompt');
    return complete(doc, text.length)?.items.map((i) => i.label) ?? [];
  };
  const top = names('{{');
  for (const n of ['ticketId', 'title', 'body', 'product', 'reporter', 'labels']) assert.ok(top.includes(n), `${n} in ${top}`);
  assert.ok(!top.includes('severity'), 'the broken declaration is not offered');
  assert.deepEqual(names('{{reporter.'), ['name', 'email']);
  const doc = sample('broken-frontmatter.prompt');
  const h = hover(doc, doc.text.indexOf('{{body}}') + 3);
  assert.match(JSON.stringify(h?.contents), /the customer's message/);
});

const TRIAGE = readFileSync(path.join(samples, 'incident-triage.prompt'), 'utf8');
const VALID_TRIAGE = TRIAGE.replace('    severity: "low" | "medium" | "high"\n', '    severity: string\n');

test('one YAML mistake, one YAML finding on its line; no cascade of undeclared variables', async () => {
  // The mistake, the text it is on, and the text the finding covers.
  const mutations: [string, string, string, string][] = [
    ['enum written as TypeScript', TRIAGE, '    severity: "low" | "medium" | "high"', '| "medium" | "high"'],
    ['unclosed quote', VALID_TRIAGE.replace('    title: string', '    title: "string'), '    title: "string', '"string'],
    ['tab in the indentation', VALID_TRIAGE.replace('    startedAt: string', '\tstartedAt: string'), '\tstartedAt: string', ''],
    ['key indented by 3 spaces', VALID_TRIAGE.replace('    detectedBy: string', '   detectedBy: string'), '   detectedBy: string', ''],
    ['unclosed [', VALID_TRIAGE.replace('    alerts(array): string', '    alerts(array): [string'), '    alerts(array): [string', '[string'],
    ['missing colon', VALID_TRIAGE.replace('    environment: string', '    environment string'), '    environment string', ''],
  ];
  assert.deepEqual((await completePromptDiagnostics(parsePromptDocument(VALID_TRIAGE))).map((d) => d.code), []);
  for (const [name, text, line, shown] of mutations) {
    const doc = parsePromptDocument(text, 'file:///samples/incident-triage.prompt');
    const all = await completePromptDiagnostics(doc);
    const yaml = all.filter((d) => d.code.startsWith('yaml-'));
    assert.equal(yaml.length, 1, `${name}: ${yaml.map((d) => d.message).join(' | ')}`);
    assert.deepEqual(all.filter((d) => d.code === 'undefined-variable'), [], name);
    assert.equal(all.filter((d) => d.code === 'variables-unchecked').length, 1, name);
    assert.ok(all.length <= 2, `${name}: ${all.length} findings`);
    const mistakeLine = text.slice(0, text.indexOf(line)).split('\n').length - 1;
    const found = at(doc, yaml[0].span.start).line;
    // YAML reports some mistakes where it notices them: on the line or the one after it.
    assert.ok(found === mistakeLine || found === mistakeLine + 1, `${name}: line ${found}, mistake on ${mistakeLine}`);
    if (shown) assert.equal(covered(doc, yaml[0].span), shown, name);
    // What did parse still declares the inputs away from the mistake.
    assert.ok(doc.input.fields.some((f) => f.name === 'owner'), `${name}: ${doc.input.fields.map((f) => f.name)}`);
  }
});

// ---- 6. small wrong things ----

const withRules = (doc: PromptDocument) => promptDiagnostics(doc, { lint: { config: lint.resolveLintConfig(lint.RULES) } });

test('trailing whitespace: only the blanks that reach the model are said to be sent', () => {
  const doc = sample('comment-whitespace.prompt');
  const notes = withRules(doc).filter((d) => d.code === 'whitespace');
  assert.deepEqual(notes.map((d) => [at(doc, d.span.start), covered(doc, d.span)]), [
    [{ line: 6, character: 27 }, '  '],
    [{ line: 8, character: 15 }, '   '],
  ]);
  assert.match(notes[0].message, /in a comment: not sent to the model/);
  assert.doesNotMatch(notes[0].message, /but sent to the model/);
  // The last line ends the template, which Dotprompt trims (`body.trim()`): its blanks are not sent either.
  assert.match(notes[1].message, /at the end of the template: not sent to the model \(Dotprompt trims the template\)/);
});

test('trailing whitespace that Handlebars strips (standalone tags, ~) is not said to be sent, as Handlebars renders it', async () => {
  const body = '{{#if a}}   \nhi {{x~}}   \nyo   \n  {{~y}}\nkept {{z}}  \n{{/if}}\n{{! standalone }}   \n';
  const doc = parsePromptDocument(`---\nmodel: openai/gpt-4o\n---\n${body}`);
  const notes = withRules(doc).filter((d) => d.code === 'whitespace');
  assert.deepEqual(notes.map((d) => [at(doc, d.span.start).line, /but sent to the model/.test(d.message)]), [[3, false], [4, false], [5, false], [7, true], [9, false]]);
  const Handlebars = require('handlebars') as typeof import('handlebars');
  assert.equal(Handlebars.compile(body)({ a: 1, x: 'X', y: 'Y', z: 'Z' }), 'hi XyoY\nkept Z  \n', 'only the line reported as sent keeps its blanks');
});

test('{{role}} and {{media}} over items with those fields: Handlebars calls the helper; the message says so, the fix writes this.', () => {
  const doc = sample('role-shadow.prompt');
  const found = diagnostics(doc).filter((d) => d.code === 'helper-shadows-field' || d.code === 'unknown-role');
  assert.deepEqual(found.map((d) => [d.code, d.severity, d.range.start, doc.text.slice(doc.lines.offsetAt(d.range.start), doc.lines.offsetAt(d.range.end))]), [
    ['helper-shadows-field', 1, { line: 13, character: 2 }, 'role'],
    ['helper-shadows-field', 2, { line: 13, character: 21 }, 'media'],
  ]);
  assert.match(String(found[0].message), /`\{\{role\}\}` calls `role`, a Dotprompt helper, not the `role` field of an item of `turns`: Handlebars calls a helper before it reads a field/);
  const fixes = allCodeActions(doc, found);
  assert.deepEqual(fixes.map((a) => a.title), ['Change to `{{this.role}}` (the field)', 'Change to `{{this.media}}` (the field)']);
  let fixed = TextDocument.create(doc.uri, 'dotprompt', 1, doc.text);
  fixed = TextDocument.update(fixed, fixes[0].edit!.changes![doc.uri].map((e) => ({ range: e.range, text: e.newText })), 2);
  assert.match(fixed.getText(), /\{\{this\.role\}\}: \{\{text\}\}/);
  const again = parsePromptDocument(fixed.getText(), doc.uri);
  assert.deepEqual(diagnostics(again).filter((d) => d.code === 'helper-shadows-field').map((d) => d.range.start), [{ line: 13, character: 26 }]);
});

test('{{role}} in {{#each}} over undeclared items: the role error says how to read the field, with a fix', () => {
  const text = '{{#each turns}}\n{{role}}: {{text}}\n{{/each}}\n';
  const doc = parsePromptDocument(text, 'file:///t.prompt');
  const [d] = diagnostics(doc).filter((x) => x.code === 'unknown-role');
  assert.equal(doc.text.slice(doc.lines.offsetAt(d.range.start), doc.lines.offsetAt(d.range.end)), '{{role}}');
  assert.match(String(d.message), /If you meant a `role` field of the item, write `\{\{this\.role\}\}`/);
  const [fix] = allCodeActions(doc, [d]);
  assert.equal(fix.title, "Change to `{{this.role}}` (the item's field)");
  assert.equal(fix.edit!.changes![doc.uri][0].newText, '{{this.role}}');
  // Outside {{#each}}, no such hint: a role is simply missing.
  const [plain] = diagnostics(parsePromptDocument('{{role}} hi')).filter((x) => x.code === 'unknown-role');
  assert.doesNotMatch(String(plain.message), /this\.role/);
});

test('a block parameter named like a helper is the parameter, as Handlebars compiles it', () => {
  const doc = parsePromptDocument('---\ninput:\n  schema:\n    people(array): string\n---\n{{#each people as |role|}}{{role}}{{/each}}');
  assert.deepEqual(diagnostics(doc).filter((d) => d.code === 'unknown-role' || d.code === 'helper-shadows-field'), []);
});

test('a stray }} in plain text is a warning with quick fixes; the end of literal JSON is not', () => {
  const doc = sample('stray-braces.prompt');
  const found = diagnostics(doc).filter((d) => d.code === 'template-stray-close');
  assert.equal(found.length, 1);
  assert.deepEqual(found[0].range, { start: { line: 7, character: 17 }, end: { line: 7, character: 19 } });
  assert.equal(found[0].severity, 2);
  assert.match(String(found[0].message), /Handlebars prints it as text.*Did you mean `\{\{city\}\}`\?/);
  const fixes = allCodeActions(doc, found);
  assert.deepEqual(fixes.map((a) => a.title), ['Make it a tag: `{{city}}`', 'Remove the stray `}}`']);
  const fixed = TextDocument.applyEdits(TextDocument.create(doc.uri, 'dotprompt', 1, doc.text), fixes[0].edit!.changes![doc.uri]);
  assert.match(fixed, /They live in \{\{city\}\}, so/);
  assert.deepEqual(diagnostics(parsePromptDocument(fixed)).filter((d) => d.code === 'template-stray-close' || d.code === 'unused-variable'), []);

  const json = parsePromptDocument('Reply like {"user": {"name": "{{name}}"}} or {"a": {"b": [1]}}\nand \\{{literal}} too');
  assert.deepEqual(json.diagnostics.filter((d) => d.code === 'template-stray-close'), []);
  const Handlebars = require('handlebars') as typeof import('handlebars');
  assert.equal(Handlebars.compile('They live in city}}, so')({}), 'They live in city}}, so', 'Handlebars prints it');
});

test('a }} left over by a {{! }} comment that held a tag: the fix makes it one {{!-- --}} comment', () => {
  const text = 'Hi\n{{! see {{> signoff}} }}\nBye';
  const doc = parsePromptDocument(text, 'file:///c.prompt');
  const [d] = diagnostics(doc).filter((x) => x.code === 'template-stray-close');
  assert.deepEqual(d.range, { start: { line: 1, character: 22 }, end: { line: 1, character: 24 } });
  assert.match(String(d.message), /the `\{\{! \}\}` comment before it ended at the first `\}\}`/);
  const [fix] = allCodeActions(doc, [d]);
  assert.equal(fix.title, 'Make it a `{{!-- --}}` comment');
  const fixed = TextDocument.applyEdits(TextDocument.create(doc.uri, 'dotprompt', 1, text), fix.edit!.changes![doc.uri]);
  assert.equal(fixed, 'Hi\n{{!-- see {{> signoff}} --}}\nBye');
  const Handlebars = require('handlebars') as typeof import('handlebars');
  assert.equal(Handlebars.compile(fixed)({}), 'Hi\nBye');
});

test('{{role}} without a role name, as the reference renderer treats it: no message boundary; first in a message, its text is not sent', async () => {
  // Each case: the template, the roles of the prompt's messages, whether the `{{role}}` loses its message's text.
  const cases: [string, string[], boolean][] = [
    ['---\nmodel: x\n---\nHi {{role}} there\n', ['user'], false],
    ['---\nmodel: x\n---\n{{role}}\nHello.\n{{role "system"}}\nBe nice.\n', ['system'], true],
    ['\n{{role}}hello', ['user'], false],
    ['---\nmodel: x\n---\n{{role "user"}}{{! c }}{{role}}lost\n{{role "model"}}kept', ['model'], true],
    ['---\nmodel: x\n---\n{{role "user"}}\n{{role}}kept', ['user'], false],
    ['---\nmodel: x\n---\n{{role "user"}}\n{{~role}}lost\n{{role "model"}}kept', ['model'], true],
    ['---\nmodel: x\ninput:\n  schema:\n    turns(array):\n      role: string\n      text: string\n---\n{{#each turns}}\n{{role}}: {{text}}\n{{/each}}\n{{role "user"}}question', ['user'], true],
  ];
  for (const [text, roles, lost] of cases) {
    const doc = parsePromptDocument(text, 'file:///t.prompt');
    assert.deepEqual(doc.prompt.messages.map((m) => m.role), roles, text);
    // The reference renderer sends the same messages.
    const rendered = await renderPrompt(doc, { turns: [{ role: 'a', text: 'b' }] });
    assert.deepEqual(rendered.messages!.map((m) => m.role), roles, text);
    assert.equal(rendered.messages!.some((m) => /lost|Hello|: b/.test(m.text)), false, text);
    const [d] = promptDiagnostics(doc).filter((x) => x.code === 'unknown-role' || x.code === 'helper-shadows-field');
    assert.equal(text.slice(d.span.start, d.span.end).replace(/^\{\{~?|\}\}$/g, ''), 'role', text);
    assert.match(d.message, lost ? /none of that text is sent/ : /writes `<<<dotprompt:role:\[object Object\]>>>`/, text);
    if (!lost) assert.ok(rendered.messages!.some((m) => m.text.includes('<<<dotprompt:role:[object Object]>>>')), text);
  }
  // Token counts follow: the lost text is not counted, and no message has an empty role.
  const doc = parsePromptDocument(cases[1][0], 'file:///t.prompt');
  assert.deepEqual(documentTokens(doc).messages.map((m) => m.role), ['system']);
});

test('a TypeScript list type in Picoschema (`any[]`) is a warning that says how Dotprompt fails and how to write the list', async () => {
  const text = '---\ninput:\n  schema:\n    message: string\n    history?: any[]\n---\n{{message}} {{history}}\n';
  const doc = parsePromptDocument(text, 'file:///t.prompt');
  const found = promptDiagnostics(doc).filter((d) => d.code === 'input-schema-type');
  assert.equal(found.length, 1);
  assert.equal(found[0].severity, 'warning');
  assert.equal(text.slice(found[0].span.start, found[0].span.end), 'any[]');
  assert.match(found[0].message, /TypeScript's notation for a list.*`name\?\(array\): any`/);
  // The reference renderer indeed fails on it.
  const r = await renderPrompt(doc, { message: 'm' });
  assert.match(r.error?.message ?? '', /any\[\]/);
  // The Picoschema way is clean.
  assert.deepEqual(promptDiagnostics(parsePromptDocument('---\ninput:\n  schema:\n    message: string\n    history?(array): any\n---\n{{message}} {{history}}\n', 'file:///t.prompt')).filter((d) => d.code === 'input-schema-type'), []);
});

test('Go template field syntax ({{.Query}}) is a template error that names the Handlebars spelling, with a fix', () => {
  const text = '---\ninput:\n  schema:\n    Query: string\n---\n{{.Query}}\n\n{{ .user.name }}\n';
  const doc = parsePromptDocument(text, 'file:///t.prompt');
  const found = diagnostics(doc).filter((d) => d.code === 'template-expression');
  assert.equal(found.length, 2);
  assert.match(String(found[0].message), /`\{\{\.Query\}\}` is Go template syntax; Handlebars reads the input as `\{\{Query\}\}`/);
  let fixed = TextDocument.create(doc.uri, 'dotprompt', 1, text);
  for (const d of [...found].reverse()) {
    const [a] = allCodeActions(doc, [d]);
    fixed = TextDocument.update(fixed, a.edit!.changes![doc.uri].map((e) => ({ range: e.range, text: e.newText })), fixed.version + 1);
  }
  assert.equal(fixed.getText(), '---\ninput:\n  schema:\n    Query: string\n---\n{{Query}}\n\n{{ user.name }}\n');
  assert.deepEqual(diagnostics(parsePromptDocument(fixed.getText(), doc.uri)).filter((d) => d.code === 'template-expression'), []);
  // The input the broken tag names is not also reported as never used.
  assert.deepEqual(diagnostics(doc).filter((d) => d.code === 'unused-variable'), []);
  const unused = parsePromptDocument('---\ninput:\n  schema:\n    Query: string\n    Other: string\n---\n{{.Query}}\n', 'file:///v.prompt');
  assert.deepEqual(diagnostics(unused).filter((d) => d.code === 'unused-variable').map((d) => String(d.message).split('`')[1]), ['Other']);
  // Other invalid expressions get no such fix.
  const other = parsePromptDocument('{{a b=}}\n', 'file:///u.prompt');
  const [e] = diagnostics(other).filter((d) => d.code === 'template-expression');
  assert.doesNotMatch(String(e.message), /Go template/);
  assert.deepEqual(allCodeActions(other, [e]), []);
});

test('empty-message says what Dotprompt does with an empty role block: it sends no message for it', async () => {
  const text = '---\nmodel: openai/gpt-4o\n---\n{{role "system"}}\n\n{{role "user"}}\nHello\n';
  const doc = parsePromptDocument(text, 'file:///t.prompt');
  const [d] = lint.lintDiagnostics(doc).filter((x) => x.code === 'empty-message');
  assert.equal(text.slice(d.span.start, d.span.end), '{{role "system"}}');
  assert.match(d.message, /Dotprompt sends no message for a marker without text/);
  const rendered = await renderPrompt(doc, {});
  assert.deepEqual(rendered.messages!.map((m) => m.role), ['user']);
});

test('a model setting at the top of the frontmatter (temperature: 0.3) says it belongs under config:', () => {
  const text = '---\ntemperature: 0.3\nmodell: googleai/gemini-2.5-flash\n---\nhi\n';
  const found = promptDiagnostics(parsePromptDocument(text, 'file:///t.prompt')).filter((d) => d.code === 'frontmatter-unknown-key');
  assert.deepEqual(found.map((d) => text.slice(d.span.start, d.span.end)), ['temperature', 'modell']);
  assert.match(found[0].message, /Dotprompt ignores it here, so the model never gets it\. A model setting belongs under `config:`/);
  assert.match(found[1].message, /Did you mean `model`\?/);
});

test('an empty role block is not one of the prompt\'s messages, as Dotprompt sends none for it; a block with a variable is', async () => {
  const text = '---\nmodel: openai/gpt-4o\n---\n{{role "system"}}\n{{! later }}\n{{role "user"}}\nHello {{name}}\n{{role "model"}}{{name}}\n{{role "user"}}\n';
  const doc = parsePromptDocument(text, 'file:///t.prompt');
  assert.deepEqual(doc.prompt.messages.map((m) => m.role), ['user', 'model']);
  assert.deepEqual(documentTokens(doc).messages.map((m) => m.role), ['user', 'model']);
  const rendered = await renderPrompt(doc, { name: 'Ann' });
  assert.deepEqual(rendered.messages!.map((m) => m.role), ['user', 'model']);
  // The rule still reports both empty blocks, on their markers.
  assert.deepEqual(lint.lintDiagnostics(doc).filter((d) => d.code === 'empty-message').map((d) => doc.lines.positionAt(d.span.start).line), [3, 8]);
});
