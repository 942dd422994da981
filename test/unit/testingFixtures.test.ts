// Fixture files: the schema with exact ranges, the variable checks against the prompt, completion,
// hover, and loading values from files.
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { pathToFileURL } from 'node:url';
import { parsePromptDocument } from '../../server/src/service';
import { caseVars, completeFixture, fixtureCursor, fixtureDiagnostics, hoverFixture, parseFixtureFile, VarsError } from '../../server/src/service/testing';
import { withCursor } from '../support/markers';

const PROMPT = parsePromptDocument(
  '---\ninput:\n  schema:\n    customerName: string, who wrote\n    ticket(object):\n      subject: string\n    history?(array): string\n  default:\n    customerName: there\n---\nHi {{customerName}} {{ticket.subject}}\n',
  'file:///w/summarize.prompt',
);

function diag(text: string, prompt = PROMPT) {
  const f = parseFixtureFile(text, 'file:///w/summarize.tests.yaml');
  return fixtureDiagnostics(f, prompt).map((d) => {
    const s = f.lines.positionAt(d.span.start);
    return { code: d.code, at: `${s.line + 1}:${s.character + 1}`, text: text.slice(d.span.start, d.span.end), message: d.message };
  });
}

test('a valid fixture file parses into cases with lines, defaults, repeats and assertions', () => {
  const text = 'defaults:\n  vars:\n    customerName: Ada\n  assert:\n    - type: not-contains\n      value: "{{"\ncases:\n  - name: one\n    vars:\n      ticket: { subject: Hi }\n    repeat: 3\n    threshold: 0.5\n    assert:\n      - type: contains\n        value: Hi\n        weight: 2\n';
  const f = parseFixtureFile(text, 'file:///w/summarize.tests.yaml');
  assert.deepEqual(f.diagnostics, []);
  assert.equal(f.promptUri, 'file:///w/summarize.prompt');
  assert.equal(f.cases.length, 1);
  const c = f.cases[0];
  assert.equal(c.name, 'one');
  assert.equal(c.line, 7);
  assert.equal(c.repeat, 3);
  assert.equal(c.threshold, 0.5);
  assert.deepEqual(c.assert.map((a) => [a.type, a.base, a.negate, a.weight, a.line]), [
    ['not-contains', 'contains', true, 1, 4],
    ['contains', 'contains', false, 2, 13],
  ]);
  assert.deepEqual(diag(text), []);
});

test('schema errors sit on the exact value, with a did-you-mean', () => {
  const d = diag('cases:\n  - name: one\n    vars:\n      ticket: { subject: Hi }\n    repeat: 0\n    assert:\n      - type: contans\n        value: x\n    providr: openai\n');
  assert.deepEqual(
    d.map((x) => [x.code, x.at, x.text]),
    [
      ['fixture-schema', '5:13', '0'],
      ['fixture-schema', '7:15', 'contans'],
      ['fixture-unknown-key', '9:5', 'providr'],
    ],
  );
  assert.match(d[1].message, /Did you mean `contains`\?/);
  assert.match(d[2].message, /Unknown key `providr` in `cases\[0\]`\. Did you mean `provider`\?/);
  assert.match(d[0].message, /`cases\[0\]\.repeat` must be at least 1; got 0/);
});

test('assertion values are checked per type (regex syntax, lists, numbers)', () => {
  const d = diag('cases:\n  - name: a\n    vars: { ticket: { subject: x } }\n    assert:\n      - type: regex\n        value: "(a"\n      - type: contains-any\n        value: nope\n      - type: latency\n        value: fast\n      - type: json-schema\n');
  assert.deepEqual(d.map((x) => [x.code, x.at]), [
    ['fixture-assertion', '6:16'],
    ['fixture-assertion', '8:16'],
    ['fixture-assertion', '10:16'],
  ]);
  assert.match(d[0].message, /not a valid regular expression/);
  assert.match(d[1].message, /a list of texts, got the text "nope"/);
  assert.match(d[2].message, /milliseconds/);
});

test('a case that omits a required input, or sets one the prompt does not declare, is a diagnostic on that line', () => {
  const d = diag('cases:\n  - name: no ticket\n    vars:\n      customerName: Bo\n  - name: typo\n    vars:\n      ticket: { subject: x }\n      tiket: 1\n  - name: defaults cover it\n    vars:\n      ticket: { subject: y }\n');
  assert.deepEqual(d.map((x) => [x.code, x.at, x.text]), [
    ['fixture-missing-var', '3:5', 'vars'],
    ['fixture-undeclared-var', '8:7', 'tiket'],
  ]);
  assert.match(d[0].message, /Case "no ticket" gives no value for the required input `ticket` \(object\)/);
  assert.match(d[1].message, /Did you mean `ticket`\?/);
  // Optional inputs (history?) and input.default (customerName) need no value.
  assert.equal(d.length, 2);
});

test('a missing prompt is reported, on `prompt:` when it is named', () => {
  const named = parseFixtureFile('prompt: other.prompt\ncases:\n  - name: a\n', 'file:///w/x.tests.yaml');
  assert.equal(named.promptUri, 'file:///w/other.prompt');
  const d = fixtureDiagnostics(named, null);
  assert.equal(d[0].code, 'fixture-prompt-missing');
  assert.equal(named.text.slice(d[0].span.start, d[0].span.end), 'other.prompt');
  assert.equal(fixtureDiagnostics(parseFixtureFile('cases:\n  - name: a\n', 'file:///w/x.tests.yaml'), null)[0].message.includes('x.prompt'), true);
});

test('bad input never throws: YAML errors, duplicates, wrong root, alias bombs', () => {
  assert.equal(parseFixtureFile('cases: [\n', 'file:///a.tests.yaml').diagnostics[0].code, 'fixture-yaml');
  assert.equal(parseFixtureFile('- 1\n- 2\n', 'file:///a.tests.yaml').diagnostics[0].code, 'fixture-schema');
  assert.equal(parseFixtureFile('', 'file:///a.tests.yaml').diagnostics[0].code, 'fixture-schema');
  const dup = parseFixtureFile('cases:\n  - name: a\n  - name: a\n', 'file:///a.tests.yaml');
  assert.deepEqual(dup.diagnostics.map((d) => [d.code, dup.lines.positionAt(d.span.start).line]), [['fixture-duplicate-case', 2]]);
  let bomb = 'a: &a [x, x, x, x, x, x, x, x, x, x]\n';
  for (let i = 0; i < 12; i++) bomb += `${String.fromCharCode(98 + i)}: &${String.fromCharCode(98 + i)} [*${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}]\n`;
  const f = parseFixtureFile(bomb + 'cases:\n  - name: a\n', 'file:///a.tests.yaml');
  assert.equal(f.diagnostics[0].code, 'fixture-yaml');
  assert.match(f.diagnostics[0].message, /alias/i);
  assert.equal(parseFixtureFile('cases:\n  - 7\n  - name: ok\n', 'file:///a.tests.yaml').cases[1].name, 'ok');
});

test('a key written as a YAML mapping or list (`{{question}}: x`) is an error on the key, once, and no process warning', async () => {
  const warnings: string[] = [];
  const onWarning = (w: Error) => warnings.push(w.message);
  process.on('warning', onWarning);
  const cases: [string, string, RegExp][] = [
    ['cases:\n  - name: a\n    vars:\n      {{question}}: x\n', '{{question}}', /mapping in braces, not a name: write the key without braces \(`question:`\)/],
    ['cases:\n  - name: a\n    vars:\n      { q: 1 }: x\n', '{ q: 1 }', /YAML mapping, not a name/],
    ['cases:\n  - name: a\n    vars:\n      [a, b]: x\n', '[a, b]', /YAML list, not a name/],
  ];
  for (const [text, key, message] of cases) {
    const found = parseFixtureFile(text, 'file:///w/p.tests.yaml').diagnostics;
    assert.deepEqual(found.map((d) => [d.code, d.severity, text.slice(d.span.start, d.span.end)]), [['fixture-yaml', 'error', key]], text);
    assert.match(found[0].message, message);
  }
  assert.deepEqual(parseFixtureFile('cases:\n  - name: a\n    vars:\n      "{{question}}": x\n', 'file:///w/p.tests.yaml').diagnostics, [], 'a quoted key is a name');
  // The library warned through process.emitWarning, which emits on a later tick.
  await new Promise((resolve) => setImmediate(resolve));
  process.off('warning', onWarning);
  assert.deepEqual(warnings, []);
});

test('the cursor path follows lists and mappings while the YAML is half-typed', () => {
  const at = (src: string) => {
    const { text, offset } = withCursor(src);
    const c = fixtureCursor(text, offset)!;
    return `${c.path.join('/')} ${c.mode}${c.key ? `:${c.key}` : ''} [${[...c.siblings].join(',')}]`;
  };
  assert.equal(at('cases:\n  - name: a\n    vars:\n      x: 1\n      |'), 'cases/[]/vars key [x]');
  assert.equal(at('cases:\n  - name: a\n    assert:\n      - type: co|'), 'cases/[]/assert/[] value:type []');
  assert.equal(at('cases:\n  - name: a\n    |\n    repeat: 2\n'), 'cases/[] key [name,repeat]');
  assert.equal(at('cases:\n- name: a\n  assert:\n  - |'), 'cases/[]/assert/[] key []');
  assert.equal(at('defaults:\n  |'), 'defaults key []');
  assert.equal(at('|'), ' key []');
});

test('completion offers keys, assertion types, providers and the prompt\'s input names', () => {
  const labels = (src: string) => {
    const { text, offset } = withCursor(src);
    const f = parseFixtureFile(text, 'file:///w/summarize.tests.yaml');
    return completeFixture(text, offset, f.lines, PROMPT)?.items.map((i) => i.label) ?? [];
  };
  assert.deepEqual(labels('cases:\n  - name: a\n    vars:\n      customerName: x\n      |'), ['ticket', 'history']);
  const types = labels('cases:\n  - name: a\n    assert:\n      - type: |');
  assert.ok(types.includes('contains') && types.includes('not-llm-rubric') && types.includes('json-schema'));
  assert.equal(types.length, 60);
  assert.ok(types.includes('levenshtein') && types.includes('not-similar') && types.includes('is-valid-gemini-tools-call'));
  assert.deepEqual(labels('cases:\n  - name: a\n    provider: |'), ['render', 'openai', 'anthropic', 'azure-openai', 'googleai', 'vertexai', 'vscode-lm', 'github']);
  const caseKeys = labels('cases:\n  - name: a\n    |');
  assert.ok(caseKeys.includes('vars') && caseKeys.includes('assert') && caseKeys.includes('repeat') && !caseKeys.includes('name'));
  assert.deepEqual(labels('|').sort(), ['cases', 'defaults', 'description', 'matrix', 'model', 'prompt', 'provider', 'tools', 'variants']);
  assert.ok(labels('cases:\n  - name: a\n    assert:\n      - type: regex\n        |').includes('flags'));
});

test('hover documents keys, assertion types, providers and input variables', () => {
  const text = 'cases:\n  - name: a\n    provider: render\n    vars:\n      ticket: { subject: x }\n    assert:\n      - type: not-regex\n        value: x\n';
  const f = parseFixtureFile(text, 'file:///w/summarize.tests.yaml');
  const hover = (needle: string) => JSON.stringify(hoverFixture(f, text.indexOf(needle) + 1, PROMPT)?.contents ?? null);
  assert.match(hover('not-regex'), /Passes when `regex` fails.*regular expression/);
  assert.match(hover('ticket'), /\*\*ticket\*\*: `object`/);
  assert.match(hover('render'), /offline/);
  assert.match(hover('assert'), /checks on the output/);
  assert.match(hover('provider'), /Always run this case with this provider/);
});

test('case values: input.default, then defaults.vars, then the case, with file:// references', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'pw-fixture-'));
  mkdirSync(path.join(dir, 'data'));
  writeFileSync(path.join(dir, 'data', 'body.txt'), 'A long body\n');
  writeFileSync(path.join(dir, 'data', 'all.yaml'), 'ticket:\n  subject: From file\n');
  const uri = pathToFileURL(path.join(dir, 'summarize.tests.yaml')).toString();
  const f = parseFixtureFile('defaults:\n  vars:\n    note: file://data/body.txt\ncases:\n  - name: a\n    vars:\n      ticket: { subject: Inline }\n  - name: b\n    vars: file://data/all.yaml\n  - name: c\n    vars:\n      x: file://data/missing.txt\n', uri);
  const read = (u: string) => readFile(new URL(u), 'utf8');
  assert.deepEqual(await caseVars(PROMPT, f, f.cases[0], read), { customerName: 'there', note: 'A long body\n', ticket: { subject: 'Inline' } });
  assert.deepEqual(await caseVars(PROMPT, f, f.cases[1], read), { customerName: 'there', note: 'A long body\n', ticket: { subject: 'From file' } });
  await assert.rejects(caseVars(PROMPT, f, f.cases[2], read), (e: unknown) => e instanceof VarsError && /Cannot read the value of `x`, `data\/missing.txt`.*no such file/.test(e.message) && e.line === 9);
});

test('the example fixture files are valid against their prompts', () => {
  const root = path.resolve(__dirname, '..', '..', 'examples');
  for (const name of ['summarize', 'classify-intent']) {
    const f = parseFixtureFile(readFileSync(path.join(root, `${name}.tests.yaml`), 'utf8'), pathToFileURL(path.join(root, `${name}.tests.yaml`)).toString());
    const p = parsePromptDocument(readFileSync(path.join(root, `${name}.prompt`), 'utf8'), f.promptUri);
    assert.deepEqual(fixtureDiagnostics(f, p), [], name);
    assert.ok(f.cases.length >= 4);
  }
});
