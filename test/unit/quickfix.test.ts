// Golden before/after files for every quick fix: test/golden/quickfix/<case>.before.prompt is
// fixed with the named action and must equal <case>.after.prompt. UPDATE_GOLDEN=1 rewrites the
// after files (review the diff!); a missing after file fails, naming that command.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import type { TextEdit } from 'vscode-languageserver-types';
import { codeActions, diagnostics, parsePromptDocument, PartialIndex } from '../../server/src/service';
import { LineIndex } from '../../server/src/service/text';
import { expectGolden, GOLDEN_COMMAND } from '../support/golden';

const DIR = path.resolve(__dirname, '..', 'golden', 'quickfix');

function applyEdits(text: string, edits: TextEdit[]): string {
  const lines = new LineIndex(text);
  const sorted = edits.map((e) => ({ start: lines.offsetAt(e.range.start), end: lines.offsetAt(e.range.end), text: e.newText })).sort((a, b) => b.start - a.start);
  let out = text;
  for (const e of sorted) out = out.slice(0, e.start) + e.text + out.slice(e.end);
  return out;
}

const CASES: [name: string, code: string, title: string][] = [
  ['declare-picoschema', 'undefined-variable', 'Declare `email` in input.schema'],
  ['declare-json-schema', 'undefined-variable', 'Declare `sender` in input.schema'],
  ['declare-no-input', 'undefined-variable', 'Declare `document` in input.schema'],
  ['declare-no-frontmatter', 'undefined-variable', 'Declare `text` in input.schema'],
  ['declare-each-guess', 'undefined-variable', 'Declare `sources` in input.schema'],
  ['declare-object-guess', 'undefined-variable', 'Declare `user` in input.schema'],
  ['crlf-declare', 'undefined-variable', 'Declare `b` in input.schema'],
  ['near-miss-variable', 'undefined-variable', 'Change to `customerName`'],
  ['remove-unused', 'unused-variable', 'Remove unused `legacy` from input.schema'],
  ['escape-json', 'template-json-collision', 'Escape as `\\{{` (literal text)'],
  ['unknown-role', 'unknown-role', 'Change to `model`'],
  ['unmatched-close', 'template-unmatched-close', 'Change to `{{/each}}`'],
  ['unknown-key', 'frontmatter-unknown-key', 'Change to `description`'],
  ['enum-value', 'frontmatter-schema', 'Change to `required`'],
  ['output-format', 'output-format-unknown', 'Change to `json`'],
  ['foreign-comment', 'template-foreign-syntax', 'Change to a Handlebars comment'],
];

for (const [name, code, title] of CASES) {
  test(`quick fix: ${name}`, () => {
    const before = readFileSync(path.join(DIR, `${name}.before.prompt`), 'utf8');
    const uri = `file:///golden/${name}.prompt`;
    const doc = parsePromptDocument(before, uri);
    const all = diagnostics(doc);
    const diagnostic = all.find((d) => d.code === code && (code !== 'unused-variable' || String(d.message).includes('legacy')));
    assert.ok(diagnostic, `no ${code} in ${all.map((d) => d.code)}`);
    const actions = codeActions(doc, [diagnostic]);
    const action = actions.find((a) => a.title === title);
    assert.ok(action, `no action "${title}" in ${actions.map((a) => a.title)}`);
    const after = applyEdits(before, action.edit!.changes![uri]);
    const file = path.join(DIR, `${name}.after.prompt`);
    expectGolden(file, after, { update: process.env.UPDATE_GOLDEN === '1', command: GOLDEN_COMMAND, root: path.resolve(__dirname, '..', '..'), what: `${name}: the fix differs from` });
    // The fix removes the problem it was offered for.
    const fixed = diagnostics(parsePromptDocument(after, uri)).filter((d) => d.code === code);
    assert.ok(fixed.length < all.filter((d) => d.code === code).length, `${code} still reported after the fix`);
  });
}

test('quick fix: a missing partial can be created beside the prompt', () => {
  const partials = new PartialIndex();
  partials.set('file:///w/_footer.prompt', 'Bye');
  const doc = parsePromptDocument('Hello {{> signature}}', 'file:///w/my%20prompts/greet.prompt');
  const d = diagnostics(doc, { partials }).find((x) => x.code === 'missing-partial')!;
  const create = codeActions(doc, [d], { partials }).find((a) => a.title === 'Create partial file `_signature.prompt`')!;
  const [op, edit] = create.edit!.documentChanges! as [{ kind: string; uri: string }, { edits: TextEdit[] }];
  assert.deepEqual(op, { kind: 'create', uri: 'file:///w/my%20prompts/_signature.prompt', options: { ignoreIfExists: true } });
  assert.match(edit.edits[0].newText, /\{\{> signature\}\}/);
});
