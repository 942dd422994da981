// The shortcuts a catalogue row takes on its common inputs give what the general path gives: line
// starts found by jumping between `\n`s equal those of the character scan, a file name without `%`,
// `?` or `#` equals the decoded one, a bare Picoschema key reads as Dotprompt's key pattern reads
// it, a model name is resolved per catalogue (memoised answers are not shared across catalogues),
// and a row's path is relative to its root whatever the URI's escapes and the root's separators.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseDocument as parseYaml } from 'yaml';
import { catalog as cat } from '../../server/src/service';
import { LineIndex } from '../../server/src/service/text';
import { fileBaseName } from '../../server/src/service/formats/model';
import { parseInputSchema } from '../../server/src/service/formats/dotprompt/picoschema';
import { mergeCatalogue, resolveModel } from '../../server/src/service/tokens/catalogue';

/** The line starts as the rule says: after every `\r\n`, lone `\r` and `\n`. */
function referenceStarts(text: string): number[] {
  const out = [0];
  for (const m of text.matchAll(/\r\n|\r|\n/g)) out.push(m.index! + m[0].length);
  return out;
}

function startsOf(index: LineIndex): number[] {
  return Array.from({ length: index.lineCount }, (_, i) => index.lineStart(i));
}

test('line starts: texts with only \\n breaks (the jump) and with \\r (the scan) give the reference starts', () => {
  let seed = 7;
  const rand = (n: number) => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) % n);
  const texts = ['', '\n', 'a', 'a\n', '\n\n\na', 'one\ntwo\n\nthree', 'a\r\nb', 'a\rb\n', '\r', 'x\n'.repeat(40_000)];
  for (let k = 0; k < 300; k++) {
    const pieces = ['a', 'bc', ' ', '\n', '\n', '\r\n', '\r', 'é'];
    const noCr = k % 2 === 0;
    let t = '';
    for (let i = rand(60); i > 0; i--) {
      const p = pieces[rand(pieces.length)];
      t += noCr && p.includes('\r') ? '\n' : p;
    }
    texts.push(t);
  }
  for (const text of texts) assert.deepEqual(startsOf(new LineIndex(text)), referenceStarts(text), JSON.stringify(text.slice(0, 40)));
});

test('a file name without escapes, query or fragment is the text after the last slash; others are cut and decoded', () => {
  assert.equal(fileBaseName('file:///w/prompts/hello.prompt'), 'hello.prompt');
  assert.equal(fileBaseName('file:///w/a%20b.prompt'), 'a b.prompt');
  assert.equal(fileBaseName('file:///w/a.prompt?rev=HEAD~1'), 'a.prompt');
  assert.equal(fileBaseName('file:///w/a.prompt#L3'), 'a.prompt');
  assert.equal(fileBaseName('untitled:Untitled-1'), 'untitled:Untitled-1');
  assert.equal(fileBaseName('file:///w/bad%E0.prompt'), 'bad%E0.prompt');
});

test('bare Picoschema keys are fields of that name; `?` and parentheses still read as Dotprompt reads them', () => {
  const yaml = parseYaml('a-b: string\n$x: number\nx_1: boolean\nname?: string\ntags(array): string\nn (object):\n  k: string\n');
  const schema = parseInputSchema(yaml.contents as never, 0, { start: 0, end: 1 });
  const fields = schema.fields.map((f) => [f.name, f.type, f.optional]);
  assert.deepEqual(fields, [
    ['a-b', 'string', false],
    ['$x', 'number', false],
    ['x_1', 'boolean', false],
    ['name', 'string', true],
    ['tags', 'array', false],
    ['n', 'object', false],
  ]);
  assert.deepEqual(
    schema.diagnostics.map((d) => [d.code, d.severity]),
    [['input-schema-invalid', 'warning']],
    'only `n (object)` has a blank Dotprompt keeps in its name',
  );
});

test('a model name resolves per catalogue and per source; answers are frozen', () => {
  const builtin = resolveModel('house-model', undefined);
  assert.equal(builtin.unknown, true);
  const mine = mergeCatalogue({ 'house-model': { provider: 'openai', tokenizer: 'o200k_base', inputPerMTok: 1, outputPerMTok: 2 } });
  const known = resolveModel('house-model', undefined, mine);
  assert.equal(known.unknown, false);
  assert.equal(known.entry?.inputPerMTok, 1);
  assert.equal(resolveModel('house-model', undefined).unknown, true, 'the built-in answer is unchanged');
  assert.equal(resolveModel('gpt-4o', undefined).source, 'frontmatter');
  assert.equal(resolveModel(undefined, 'gpt-4o').source, 'setting');
  assert.equal(resolveModel('gpt-4o', 'house-model', mine).id, known.id);
  assert.ok(Object.isFrozen(known));
  assert.throws(() => {
    (known as { hint?: string }).hint = 'changed';
  }, TypeError);
});

test('a row path is relative to the root, whatever the escapes of its URI and the separators of the root', () => {
  const options = { root: '/w/ws/' };
  const rows = [
    cat.catalogEntry('file:///w/ws/prompts/a%20b.prompt', '---\nmodel: x\n---\nhi\n', options),
    cat.catalogEntry('file:///w/ws/prompts/plain.prompt', 'hi\n', { root: '/w/ws' }),
    cat.catalogEntry('file:///w/other/x.prompt', 'hi\n', { root: '/w/ws' }),
    // Windows: VS Code's URI writes the drive in lower case and its colon escaped; the root is a path.
    cat.catalogEntry('file:///c%3A/ws/p/y.prompt', 'hi\n', { root: 'C:\\ws\\' }),
    cat.catalogEntry('file:///C:/ws/p/z.prompt', 'hi\n', { root: 'c:/ws' }),
    cat.catalogEntry('file:///d%3A/elsewhere/z.prompt', 'hi\n', { root: 'C:\\ws' }),
  ];
  assert.deepEqual(
    rows.map((r) => r.path),
    ['prompts/a b.prompt', 'prompts/plain.prompt', 'w/other/x.prompt', 'p/y.prompt', 'p/z.prompt', 'd:/elsewhere/z.prompt'],
  );
});
