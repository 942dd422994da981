// Typing inside a frontmatter scalar (a description, a key): the previous version's YAML patched
// (patchFrontmatterYaml) gives exactly what parsing the new YAML gives, every node's range and
// text included, and the parse of the whole prompt is the same as from scratch; whatever the patch
// cannot take (a quote, a colon, a number, a duplicate key, ...) is parsed in full.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { isNode, type Document } from 'yaml';
import { parsePromptDocument, type PromptDocument } from '../../server/src/service';
import { parseFrontmatterYaml, patchFrontmatterYaml, splitFrontmatter } from '../../server/src/service/formats/frontmatter';
import { generatePrompt } from '../../bench/generate';
import { promptFiles } from '../support/promptFiles';

const ROOT = path.join(__dirname, '..', '..');


/** A YAML document as plain data: every node with its class, range, text, comments and flags (the schema left out). */
function shape(value: unknown, seen = new Set<unknown>()): unknown {
  if (value === null || typeof value !== 'object') return value;
  if (seen.has(value)) return '<cycle>';
  seen.add(value);
  if (Array.isArray(value)) return value.map((v) => shape(v, seen));
  const out: Record<string, unknown> = { class: value.constructor?.name, node: isNode(value) };
  for (const key of Object.keys(value).sort()) if (key !== 'schema') out[key] = shape((value as Record<string, unknown>)[key], seen);
  seen.delete(value);
  return out;
}

function yamlShape(doc: Document.Parsed | undefined) {
  return doc && { contents: shape(doc.contents), range: doc.range, comment: doc.comment, commentBefore: doc.commentBefore, errors: doc.errors.length, warnings: doc.warnings.length };
}

/** What a prompt's parse gives from its frontmatter, as plain data. */
function frontmatterOf(doc: PromptDocument) {
  return { yaml: yamlShape(doc.frontmatter.yaml), value: doc.frontmatter.value, input: doc.input, defaults: doc.defaults, model: doc.model, diagnostics: doc.diagnostics, tags: doc.template.tags };
}

// What a keystroke in a frontmatter may type: letters, spaces, and every character YAML reads as
// something (indicators, quotes, digits that make a number, a comment).
const TYPED = ['x', 'e', 'Q', ' ', ' ', ',', '-', '1', '0', '.', 'true', ':', ': ', '#', ' #', '"', "'", '[', ']', '{', '}', '&a', '*a', '!', '|', '>', '?', '\t', '\n', 'null', '~', '(', ')'];

test('random keystrokes in frontmatter scalars: the patched YAML equals a parse of the new text', () => {
  let seed = 0x7a11;
  const rand = () => (seed = (Math.imul(seed, 1103515245) + 12345) & 0x7fffffff) / 0x80000000;
  const texts = [generatePrompt(100).text, generatePrompt(1000, 2).text, ...promptFiles(path.join(ROOT, 'examples')).map((f) => readFileSync(f, 'utf8'))];
  let patched = 0;
  let full = 0;
  for (const original of texts) {
    let text = original;
    let previous = splitFrontmatter(text, 0, { leadingComments: true }).block;
    if (!previous.closed) continue;
    parseFrontmatterYaml(text, previous, []);
    for (let i = 0; i < 60; i++) {
      // A place inside the YAML, mostly inside a word (where descriptions and keys are typed).
      const at = previous.content.start + Math.floor(rand() * (previous.content.end - previous.content.start));
      const next = rand() < 0.4 ? text.slice(0, at) + text.slice(at + 1 + Math.floor(rand() * 2)) : text.slice(0, at) + TYPED[Math.floor(rand() * TYPED.length)] + text.slice(at);
      const block = splitFrontmatter(next, 0, { leadingComments: true }).block;
      const fresh = splitFrontmatter(next, 0, { leadingComments: true }).block;
      const diagnostics: unknown[] = [];
      parseFrontmatterYaml(next, fresh, diagnostics as never);
      if (patchFrontmatterYaml(text, previous, next, block)) {
        patched++;
        assert.deepEqual(diagnostics, [], 'the patch applies only where the YAML has no problems');
        assert.deepEqual(yamlShape(block.yaml), yamlShape(fresh.yaml), `${JSON.stringify(next.slice(at - 30, at + 30))}`);
        assert.deepEqual(block.value, fresh.value);
      } else full++;
      // Go on from the new text whatever it is (broken YAML included), half the time back to the original.
      text = rand() < 0.5 ? next : original;
      previous = splitFrontmatter(text, 0, { leadingComments: true }).block;
      if (!previous.closed) {
        text = original;
        previous = splitFrontmatter(text, 0, { leadingComments: true }).block;
      }
      parseFrontmatterYaml(text, previous, []);
    }
  }
  // Both paths are taken, the patch often (typing in words is the common case).
  assert.ok(patched >= 100, `patched ${patched}`);
  assert.ok(full >= 150, `parsed in full ${full}`);
});

test('typing in descriptions and keys: the prompt parsed with the previous version equals a parse from scratch', () => {
  let seed = 0xde5c;
  const rand = () => (seed = (Math.imul(seed, 1103515245) + 12345) & 0x7fffffff) / 0x80000000;
  const uri = 'file:///w/frontmatter.prompt';
  const original = generatePrompt(1000, 3).text;
  let text = original;
  let previous = parsePromptDocument(text, uri, 1);
  const lines = text.split('\n');
  const schema = lines.indexOf('  schema:');
  const end = lines.indexOf('  default:');
  assert.ok(schema > 0 && end > schema);
  let reusedYaml = 0;
  for (let version = 2; version < 240; version++) {
    if (version % 2) text = original; // the keystroke before undone, as when a typo is deleted
    else {
      // A character typed in a line of input.schema (its keys and descriptions), or one deleted.
      const line = schema + 1 + Math.floor(rand() * (end - schema - 1));
      const lineStart = lines.slice(0, line).reduce((n, l) => n + l.length + 1, 0);
      const at = lineStart + 4 + Math.floor(rand() * Math.max(1, lines[line].length - 4));
      const r = rand();
      text = r < 0.3 ? text.slice(0, at) + text.slice(at + 1) : text.slice(0, at) + (r < 0.7 ? 'x' : TYPED[Math.floor(rand() * TYPED.length)]) + text.slice(at);
    }
    const doc = parsePromptDocument(text, uri, version, {}, previous);
    assert.deepEqual(frontmatterOf(doc), frontmatterOf(parsePromptDocument(text, uri, version)), `version ${version}`);
    if (doc.frontmatter.yaml && previous.frontmatter.yaml && doc.frontmatter.yaml !== previous.frontmatter.yaml && doc.frontmatter.yaml.schema === previous.frontmatter.yaml.schema) reusedYaml++;
    previous = doc;
  }
  assert.ok(reusedYaml >= 100, `patched ${reusedYaml} times`);
});

test('the patch refuses what would change more than one string: a duplicate key, a number, a boolean, null, a comment', () => {
  const cases: [string, string, boolean][] = [
    // [before, after, patched]
    ['kxa: 1\nkya: 2\n', 'kxa: 1\nkxa: 2\n', false],
    ['v: 1x2\n', 'v: 12\n', false],
    ['v: 1x2\n', 'v: 1.2\n', false],
    ['v: tXue\n', 'v: true\n', false],
    ['v: nxll\n', 'v: null\n', false],
    ['v: ab cd\n', 'v: ab #cd\n', false],
    ['v: ab x#cd\n', 'v: ab #cd\n', false],
    ['v: ab:x cd\n', 'v: ab: cd\n', false],
    ['v: abcd\n', 'v: ab: cd\n', false],
    ['v: "abcd"\n', 'v: "abXcd"\n', false],
    ['v: [abcd, e]\n', 'v: [abXcd, e]\n', false],
    ['v: &x abcd\nw: *x\n', 'v: &x abXcd\nw: *x\n', false],
    ['-ab: 1\n', '- ab: 1\n', false],
    ['v: abcd\nw: x\n', 'v: abXcd\nw: x\n', true],
    ['kxa: 1\nkya: 2\n', 'kxa: 1\nkzya: 2\n', true],
    ['list:\n  - one thing\n  - two\n', 'list:\n  - one good thing\n  - two\n', true],
    // At the end of a value: a letter typed or deleted is patched; a blank (not part of the value), a comment or a second line are not.
    ['v: abcd\nw: x\n', 'v: abcdX\nw: x\n', true],
    ['v: abcd\r\nw: x\r\n', 'v: abcdX\r\nw: x\r\n', true],
    ['v: abcd\nw: x\n', 'v: abc\nw: x\n', true],
    ['v: ab c\nw: x\n', 'v: ab \nw: x\n', false],
    ['v: abcd\nw: x\n', 'v: abcd \nw: x\n', false],
    ['v: abcd\nw: x\n', 'v: abcd #\nw: x\n', false],
    ['v: abcd\nw: x\n', 'v: abcd:\nw: x\n', false],
    ['v: abcd # note\nw: x\n', 'v: abcdX # note\nw: x\n', false],
    ['v: ab1\nw: x\n', 'v: ab\nw: x\n', true],
    ['v: 1x\nw: x\n', 'v: 1\nw: x\n', false],
  ];
  for (const [before, after, expected] of cases) {
    const a = `---\n${before}---\nHello.\n`;
    const b = `---\n${after}---\nHello.\n`;
    const previous = splitFrontmatter(a, 0).block;
    parseFrontmatterYaml(a, previous, []);
    assert.ok(previous.yaml && !previous.yaml.errors.length, before);
    const block = splitFrontmatter(b, 0).block;
    assert.equal(patchFrontmatterYaml(a, previous, b, block), expected, `${JSON.stringify(before)} -> ${JSON.stringify(after)}`);
    const fresh = splitFrontmatter(b, 0).block;
    parseFrontmatterYaml(b, fresh, []);
    if (expected) {
      assert.deepEqual(yamlShape(block.yaml), yamlShape(fresh.yaml));
      assert.deepEqual(block.value, fresh.value);
    }
    // Through the front-end, patched or not, the same as from scratch.
    const doc = parsePromptDocument(b, 'file:///w/p.prompt', 2, {}, parsePromptDocument(a, 'file:///w/p.prompt', 1));
    assert.deepEqual(frontmatterOf(doc), frontmatterOf(parsePromptDocument(b, 'file:///w/p.prompt', 2)));
  }
});
