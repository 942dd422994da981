// Incremental parse and analysis: a version parsed with the previous one at hand (line index, tags
// reused or moved, lint blocks and indexes carried over) gives exactly what parsing and linting it
// from scratch gives, with every range in place, after seeded random sequences of edits.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { test } from 'node:test';
import { diagnostics, lint, parsePromptDocument, PromptDocumentCache, type PromptDocument } from '../../server/src/service';
import { proseOf } from '../../server/src/service/lint/prose';
import { PartialIndex } from '../../server/src/service/partials';
import { analyze } from '../../server/src/service/scope';
import { allBlocks } from '../../server/src/service/template';
import { promptFiles } from '../support/promptFiles';

const ROOT = path.join(__dirname, '..', '..');

const PARTIALS = new PartialIndex();
PARTIALS.set(pathToFileURL(path.join(ROOT, 'examples', '_footer.prompt')).toString(), readFileSync(path.join(ROOT, 'examples', '_footer.prompt'), 'utf8'));


/** Everything the parse gives, as plain data (blocks without their parent links). */
function parsed(doc: PromptDocument) {
  const lines: number[] = [];
  for (let i = 0; i < doc.lines.lineCount; i++) lines.push(doc.lines.lineStart(i));
  return {
    lines,
    tags: doc.template.tags,
    blocks: allBlocks(doc.template.blocks).map((b) => ({ name: b.name, open: b.open.span, close: b.close?.span, elses: b.elses.map((e) => e.span), span: b.span, children: b.children.length })),
    messages: doc.template.messages.map((m) => ({ role: m.role, kind: m.kind, span: m.span, marker: m.marker?.span })),
    model: doc.prompt.messages.map((m) => ({ role: m.role, span: m.span, contentSpan: m.contentSpan, tags: m.tags.map((t) => t.span), variables: m.variables })),
    diagnostics: doc.diagnostics,
    analysis: scopeOf(doc),
  };
}

/** The template analysis: every reference with what it resolved to, the names used, the frames at each tag. */
function scopeOf(doc: PromptDocument) {
  const a = analyze(doc, { partials: PARTIALS });
  return {
    refs: a.refs.map((r) => ({ kind: r.kind, span: r.expr.span, tag: r.tag.span, root: r.root, path: r.path, rootSpan: r.rootSpan, declared: r.declared, field: r.field?.name, local: r.local?.name })),
    helpers: a.helpers.map((h) => ({ name: h.name, span: h.span, known: h.known })),
    partials: a.partials.map((p) => ({ name: p.name, span: p.span, file: p.file?.uri })),
    usedInputs: [...a.usedInputs],
    usesWholeRoot: a.usesWholeRoot,
    frames: a.framesAt.map((fs) => fs.map((f) => `${f.context.kind}${f.context.kind === 'field' ? f.context.path.join('.') : ''}/${f.locals.map((l) => l.name).join(',')}/${f.inEach}/${f.blockTag?.span.start ?? ''}`).join(' ')),
    diagnostics: a.diagnostics,
  };
}

/** Lint and template diagnostics as the editor gets them: LSP ranges, codes, messages, data. */
function published(doc: PromptDocument, fresh: boolean) {
  return diagnostics(doc, { partials: PARTIALS, lint: { countTokens: false, fresh } }).map((d) => ({ code: d.code, range: d.range, message: d.message, data: d.data, severity: d.severity }));
}

// Text an edit inserts: prose the rules look for, tags of every kind, delimiters, line breaks.
const SNIPPETS = [
  '\n', '\n\n', '\r\n', ' ', 'x', '{', '}', '{{', '}}', '"', '`', '\\', 'maybe ', 'Always cite the source.\n', 'Never cite the source.\n',
  'Be concise.\n', 'Answer in great detail.\n', 'Summarise the ticket for the customer in plain words.\n', '{{question}}', '{{#if x}}', '{{else}}', '{{/if}}',
  '{{#each items}}', '{{/each}}', '{{role "system"}}\n', '{{role "user"}}', '{{history}}', '{{! note }}', '{{!-- a\n\ncomment --}}', '{{"a": 1}}',
  '{{json question}}', '{{> footer}}', '{{> missing}}', '<document>\n', '</document>\n', '```\n', '{{{raw}}}', '{{{{raw}}}}x{{{{/raw}}}}', '{{x (y "}}")}}',
];

function edit(text: string, rand: () => number): string {
  const at = Math.floor(rand() * (text.length + 1));
  const r = rand();
  if (r < 0.3 && text.length) return text.slice(0, at) + text.slice(Math.min(text.length, at + 1 + Math.floor(rand() * 8)));
  if (r < 0.42 && text.length) {
    const from = Math.floor(rand() * text.length);
    return text.slice(0, at) + text.slice(from, from + Math.floor(rand() * 120)) + text.slice(at);
  }
  return text.slice(0, at) + SNIPPETS[Math.floor(rand() * SNIPPETS.length)] + text.slice(at);
}

test('random edits: the parse reusing the previous version equals a parse from scratch, ranges included', () => {
  let seed = 0x13b3c4;
  const rand = () => (seed = (Math.imul(seed, 1103515245) + 12345) & 0x7fffffff) / 0x80000000;
  const files = [...promptFiles(path.join(ROOT, 'test', 'corpus')), ...promptFiles(path.join(ROOT, 'examples'))];
  assert.ok(files.length > 20);
  const cache = new PromptDocumentCache();
  let versions = 0;
  let reusedTags = 0;
  for (const file of files) {
    const original = readFileSync(file, 'utf8');
    // Long enough that the line index and the lint blocks take the incremental path.
    let text = original.length > 6000 ? original : original + '\n' + original.replace(/^---[\s\S]*?\n---\n/, '').repeat(Math.ceil(6000 / original.length));
    const uri = pathToFileURL(path.join('/incremental-parse', path.relative(ROOT, file))).toString();
    let previous: PromptDocument | undefined;
    for (let version = 1; version <= 10; version++, versions++) {
      // Sometimes several edits land in one version, as when typing outruns validation.
      if (version > 1) for (let n = rand() < 0.2 ? 3 : 1; n > 0; n--) text = edit(text, rand);
      const doc = cache.get({ uri, version, getText: () => text });
      const fresh = parsePromptDocument(text, uri.replace('/incremental-parse/', '/fresh-parse/'), version);
      assert.deepEqual(parsed(doc), parsed(fresh), `${file}, version ${version}`);
      assert.deepEqual(published(doc, false), published(fresh, true), `${file}, version ${version}: diagnostics`);
      // The masked text (tags blanked), rebuilt only between the first and last change.
      assert.equal(proseOf(doc).masked, proseOf(fresh, true).masked, `${file}, version ${version}: masked text`);
      if (previous) reusedTags += doc.template.tags.filter((t) => previous!.template.tags.includes(t)).length;
      previous = doc;
    }
    cache.delete(uri);
  }
  assert.ok(versions >= 300, `${versions} versions`);
  // The reuse path was taken (tags before the edit are the previous version's objects).
  assert.ok(reusedTags > 1000, `${reusedTags} tags reused`);
});

test('a one-character edit reuses the tags before it and moves the ones after it', () => {
  const body = Array.from({ length: 300 }, (_, i) => `Line ${i} uses {{question}} and {{#if flag}}{{answer}}{{/if}}.`).join('\n');
  const text = `---\ninput:\n  schema:\n    question: string\n    answer: string\n    flag: boolean\n---\n${body}\n`;
  const cache = new PromptDocumentCache();
  const uri = 'file:///w/reuse.prompt';
  const first = cache.get({ uri, version: 1, getText: () => text });
  const at = text.indexOf('Line 150 ');
  const edited = text.slice(0, at) + 'X' + text.slice(at);
  const second = cache.get({ uri, version: 2, getText: () => edited });
  const tagsBefore = first.template.tags.filter((t) => t.span.end <= at);
  assert.equal(tagsBefore.length, 600);
  for (const [i, t] of tagsBefore.entries()) assert.equal(second.template.tags[i], t, `tag ${i} is the same object`);
  const moved = second.template.tags[600];
  assert.notEqual(moved, first.template.tags[600]);
  assert.deepEqual(moved.span, { start: first.template.tags[600].span.start + 1, end: first.template.tags[600].span.end + 1 });
  assert.equal(edited.slice(moved.span.start, moved.span.end), '{{question}}');
  assert.deepEqual(moved.path?.span, { start: moved.span.start + 2, end: moved.span.end - 2 });
  // The scope walk goes on from the last top-level point before the edit: the references found
  // before it are the previous walk's, those after it new.
  const refsBefore = analyze(first).refs;
  const refsAfter = analyze(second).refs;
  assert.equal(refsAfter.length, refsBefore.length);
  const firstNew = refsAfter.findIndex((r, i) => r !== refsBefore[i]);
  assert.equal(refsAfter[firstNew].tag, second.template.tags[600], 'the first new reference is in the first tag after the edit');
  assert.equal(refsAfter[firstNew - 1].tag, tagsBefore[tagsBefore.length - 2], 'the last reused one is in the last {{answer}} before it');
  assert.deepEqual(parsed(second), parsed(parsePromptDocument(edited, 'file:///w/fresh.prompt', 2)));
  cache.delete(uri);
});

test('duplicate-instruction and conflicting-instructions: the index gives what a scan from scratch gives, also with a directive repeated many times', () => {
  const cache = new PromptDocumentCache();
  const uri = 'file:///w/index.prompt';
  const head = '---\nmodel: openai/gpt-4o\n---\n';
  let body = '';
  for (let i = 0; i < 400; i++) body += i % 50 === 7 ? 'Never cite the source.\n\n' : `Always cite the source.\nSummarise the ticket ${i % 30} for the customer in plain words.\n\n`;
  let seed = 99;
  const rand = () => (seed = (Math.imul(seed, 1103515245) + 12345) & 0x7fffffff) / 0x80000000;
  let text = head + body;
  for (let version = 1; version <= 30; version++) {
    if (version > 1) text = edit(text, rand);
    const doc = cache.get({ uri, version, getText: () => text });
    const got = lint.lintDiagnostics(doc, { countTokens: false }).filter((d) => d.code === 'duplicate-instruction' || d.code === 'conflicting-instructions');
    const want = lint.lintDiagnostics(parsePromptDocument(text, 'file:///w/fresh-index.prompt'), { countTokens: false, fresh: true }).filter((d) => d.code === 'duplicate-instruction' || d.code === 'conflicting-instructions');
    assert.deepEqual(got, want, `version ${version}`);
    if (version === 1) {
      // 8 "Never" lines among 392 "Always" ones: each "Never" contradicts the first "Always" (line
      // 4), and each "Always" after the first "Never" (line 25) contradicts that one.
      const conflicts = got.filter((d) => d.code === 'conflicting-instructions');
      assert.equal(conflicts.length, 8 + 385);
      assert.equal(text.slice(conflicts[0].span.start, conflicts[0].span.end), 'Never cite the source.');
      assert.deepEqual(conflicts[0].data, { otherLine: 4 });
      assert.equal(text.slice(conflicts[1].span.start, conflicts[1].span.end), 'Always cite the source.');
      assert.deepEqual(conflicts[1].data, { otherLine: 25 });
      assert.equal(got.filter((d) => d.code === 'duplicate-instruction').length, 51);
    }
  }
  cache.delete(uri);
});
