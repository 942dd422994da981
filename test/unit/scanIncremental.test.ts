// The template's tag scan started again near an edit (the previous version's tags before it kept,
// the ones after it moved): after seeded random edit sequences on generated prompts, with edits
// inside and around tags, comments, raw blocks, quotes, backslashes and CRLF line breaks, the
// template and the diagnostics equal a parse from scratch, every range included.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parsePromptDocument, type PromptDocument } from '../../server/src/service';
import { allBlocks, parseTemplate, wholeTemplateDiagnostics, type Template } from '../../server/src/service/template';

function lcg(seed: number): () => number {
  return () => (seed = (Math.imul(seed, 1103515245) + 12345) & 0x7fffffff) / 0x80000000;
}

const PIECES = [
  'Plain prose about the ticket. ', '{{question}}', '{{customer.name}}', '{{#if flag}}', '{{else}}', '{{/if}}', '{{#each items as |item|}}', '{{item}}', '{{/each}}',
  '{{role "system"}}', '{{role "user"}}', '{{role}}', '{{history}}', '{{! short comment }}', '{{!-- long\ncomment {{x}} --}}', '{{{{raw}}}} {{not a tag}} {{{{/raw}}}}',
  '{{> footer}}', '{{json question}}', '{{x (y "}}")}}', "{{say 'it''s'}}", '{{{unescaped}}}', '\\{{escaped}}', '{"a": {"b": 1}}', '{{"a": 1}}', 'a }} b',
  '{# jinja #}', '{% if x %}', '`{% code %}`', '{{~trim~}}', '{{^if x}}', '{{*decorator}}', '{{#> layout}}', '{{/layout}}', '{{.Go}}',
];

const SNIPPETS = [
  '{', '}', '{{', '}}', '}}}', '}}}}', '{{{', '{{{{', '"', "'", '\\', '\\\\', '!', '!--', '--', '--}}', '~', '#', '/', ' ', 'x', '\n', '\r\n', '\r',
  '{{x}}', '{{#if a}}', '{{/if}}', '{{else}}', '{{!', '{{!--', '{{{{raw}}}}', '{{{{/raw}}}}', '{{role "model"}}', '(', ')', '{#', '#}', '{%', '%}', '`', '```\n',
];

function generate(rand: () => number, crlf: boolean): string {
  const nl = crlf ? '\r\n' : '\n';
  let head = '';
  if (rand() < 0.8) head = `---${nl}model: googleai/gemini-2.0-flash${nl}input:${nl}  schema:${nl}    question: string${nl}---${nl}`;
  let body = '';
  const lines = 20 + Math.floor(rand() * 60);
  for (let l = 0; l < lines; l++) {
    const n = Math.floor(rand() * 5);
    for (let p = 0; p < n; p++) body += PIECES[Math.floor(rand() * PIECES.length)] + (rand() < 0.5 ? ' ' : '');
    body += nl;
  }
  return head + body;
}

/** A position near a delimiter most of the time (where a change moves tag boundaries), else anywhere. */
function position(text: string, rand: () => number): number {
  if (rand() < 0.7) {
    const delims = ['{{', '}}', '--', '"', '\\', '\r', '{{{{'];
    const d = delims[Math.floor(rand() * delims.length)];
    const from = Math.floor(rand() * text.length);
    let at = text.indexOf(d, from);
    if (at < 0) at = text.indexOf(d);
    if (at >= 0) return Math.max(0, Math.min(text.length, at + Math.floor(rand() * 5) - 2));
  }
  return Math.floor(rand() * (text.length + 1));
}

function edit(text: string, rand: () => number): string {
  const at = position(text, rand);
  const r = rand();
  if (r < 0.35 && text.length) return text.slice(0, at) + text.slice(Math.min(text.length, at + 1 + Math.floor(rand() * 4)));
  if (r < 0.45 && text.length) {
    const from = Math.floor(rand() * text.length);
    return text.slice(0, at) + text.slice(from, from + Math.floor(rand() * 60)) + text.slice(at);
  }
  return text.slice(0, at) + SNIPPETS[Math.floor(rand() * SNIPPETS.length)] + text.slice(at);
}

/** The template as plain data (blocks without their parent links). */
function plain(t: Template) {
  return {
    span: t.span,
    tags: t.tags,
    blocks: allBlocks(t.blocks).map((b) => ({ name: b.name, open: b.open, close: b.close, elses: b.elses, span: b.span, children: b.children.map((c) => c.open.span) })),
    messages: t.messages,
    diagnostics: t.diagnostics,
  };
}

/** The parse with the previous version and one from scratch; asserts their templates and diagnostics are equal. */
function parsedBothWays(text: string, uri: string, version: number, previous: PromptDocument | undefined, where: string): { doc: PromptDocument; fresh: PromptDocument } {
  const doc = parsePromptDocument(text, uri, version, {}, previous);
  const fresh = parsePromptDocument(text, uri, version);
  assert.deepEqual(plain(doc.template), plain(fresh.template), where);
  assert.deepEqual(doc.diagnostics, fresh.diagnostics, `${where}: diagnostics`);
  return { doc, fresh };
}

test('random edits near tags, comments, raw blocks and CRLF: the rescanned template equals one scanned from scratch', () => {
  const rand = lcg(0x5ca4);
  let versions = 0;
  let kept = 0;
  for (let file = 0; file < 24; file++) {
    let text = generate(rand, file % 4 === 3);
    let previous: PromptDocument | undefined;
    for (let version = 1; version <= 30; version++, versions++) {
      if (version > 1) for (let n = rand() < 0.15 ? 2 : 1; n > 0; n--) text = edit(text, rand);
      const { doc } = parsedBothWays(text, `file:///w/scan-${file}.prompt`, version, previous, `file ${file}, version ${version}`);
      if (previous) kept += doc.template.tags.filter((t) => previous!.template.tags.includes(t)).length;
      previous = doc;
    }
  }
  assert.equal(versions, 720);
  assert.ok(kept > 6000, `${kept} tags kept`);
});

test('the template parse with the previous version at hand equals one from scratch on a bare body (no frontmatter, body from 0)', () => {
  const rand = lcg(77);
  for (let file = 0; file < 20; file++) {
    let text = generate(rand, file % 2 === 1).replace(/^---[\s\S]*?---\r?\n/, '');
    let previous: { text: string; template: Template } | undefined;
    for (let version = 1; version <= 40; version++) {
      if (version > 1) text = edit(text, rand);
      const template = parseTemplate(text, 0, text.length, previous);
      assert.deepEqual(plain(template), plain(parseTemplate(text, 0, text.length)), `file ${file}, version ${version}`);
      previous = { text, template };
    }
  }
});

test('an edit far from an unclosed comment or an open quote rescans from it: what it reads to the end decides its tags', () => {
  const body = (tail: string) => `{{x "open quote}}\n${'Some {{a}} text.\n'.repeat(50)}${tail}`;
  for (const [before, after] of [
    [body(''), body('"}}')],
    [`{{! never closed\n${'{{b}} '.repeat(40)}`, `{{! never closed\n${'{{b}} '.repeat(40)}}}`],
    [`{{!-- open\n${'{{c}} '.repeat(40)}`, `{{!-- open\n${'{{c}} '.repeat(40)}--}}`],
    [`{{{{raw}}}}\n${'{{d}} '.repeat(40)}`, `{{{{raw}}}}\n${'{{d}} '.repeat(40)}{{{{/raw}}}}`],
    [`${'{{e}} '.repeat(40)}x`, `${'{{e}} '.repeat(40)}\\{{e}}`],
  ]) {
    const first = parseTemplate(before, 0, before.length);
    const second = parseTemplate(after, 0, after.length, { text: before, template: first });
    assert.deepEqual(plain(second), plain(parseTemplate(after, 0, after.length)), after.slice(0, 30));
  }
});

/** A frontmatter with Picoschema inputs (descriptions, optional keys, arrays, objects, enums), defaults and output. */
function frontmatterOf(rand: () => number, nl: string): string {
  // With findings of the schema check before and after the inputs (a setting outside `config`, an unknown format, a value of the wrong type).
  const lines = ['---', 'name: support', 'description: answers a ticket', 'model: googleai/gemini-2.0-flash', 'topK: 3', 'config:', '  temperature: 0.3', 'input:', '  schema:'];
  const n = 3 + Math.floor(rand() * 8);
  for (let i = 0; i < n; i++) {
    const r = rand();
    if (r < 0.5) lines.push(`    field${i}${rand() < 0.3 ? '?' : ''}: ${['string', 'number', 'boolean', 'integer'][i % 4]}, what field ${i} holds`);
    else if (r < 0.65) lines.push(`    list${i}(array, the items of ${i}): string`);
    else if (r < 0.8) lines.push(`    obj${i}(object, a record):`, '      inner: string, its text', '      count?: number');
    else lines.push(`    pick${i}(enum): [low, high]`);
  }
  lines.push('  default:', '    field0: unknown', 'output:', '  format: jsonn', '  schema:', '    answer: string, the reply', 'tools: 3', 'colour: blue', '---');
  return lines.join(nl) + nl;
}

/** An edit in the frontmatter: a letter in a description, a key, a type or a value, a character deleted, a line added or removed. */
function frontmatterEdit(text: string, rand: () => number): string {
  const end = text.indexOf('\n---', 3);
  const r = rand();
  const lineStarts: number[] = [];
  for (let i = text.indexOf('\n') + 1; i > 0 && i < end; i = text.indexOf('\n', i) + 1) lineStarts.push(i);
  const line = lineStarts[Math.floor(rand() * lineStarts.length)];
  const lineEnd = text.indexOf('\n', line);
  let at = line + Math.floor(rand() * (lineEnd - line + 1));
  // Mostly inside or at the end of a word, where names and descriptions are typed.
  if (rand() < 0.6) {
    const word = /[a-z0-9]/i;
    for (let i = 0; i < 40 && !(word.test(text.charAt(at - 1)) && (word.test(text.charAt(at)) || at === lineEnd || text.charAt(at) === '\r')); i++) at = line + Math.floor(rand() * (lineEnd - line + 1));
  }
  if (r < 0.45) return text.slice(0, at) + 'etaoinshrd'[Math.floor(rand() * 10)] + text.slice(at);
  if (r < 0.7 && at < lineEnd) return text.slice(0, at) + text.slice(at + 1);
  if (r < 0.8) return text.slice(0, at) + [',', ':', ' ', '?', '(', ')', '#', '"', '[', '1'][Math.floor(rand() * 10)] + text.slice(at);
  if (r < 0.9) return text.slice(0, line) + ['    added: string, a new one\n', '    added2?: number\n', '  extra: 1\n', 'tools: [x]\n'][Math.floor(rand() * 4)] + text.slice(line);
  return text.slice(0, line) + text.slice(lineEnd + 1);
}

/** An edit in the body (after the closing `---` line), as `edit` makes them. */
function bodyEdit(text: string, rand: () => number): string {
  const close = text.indexOf('\n---', 3);
  const bodyStart = close < 0 ? 0 : text.indexOf('\n', close + 1) + 1;
  if (bodyStart <= 0) return edit(text, rand);
  return text.slice(0, bodyStart) + edit(text.slice(bodyStart), rand);
}

test('random edits in the frontmatter (descriptions, keys, types, values, lines added and removed) between body edits: the document equals one parsed from scratch', () => {
  const rand = lcg(0xf40e);
  let moved = 0;
  let checksKept = 0;
  let versions = 0;
  for (let file = 0; file < 16; file++) {
    const crlf = file % 4 === 3;
    // Small bodies (whole-body parse included) and larger ones; now and then no closing `---`.
    let text = frontmatterOf(rand, crlf ? '\r\n' : '\n') + generate(rand, crlf).replace(/^---[\s\S]*?---\r?\n/, '');
    const original = text;
    let previousText = text;
    let previous: PromptDocument | undefined;
    for (let version = 1; version <= 40; version++, versions++) {
      // Now and then the edit before undone (a typo deleted), or all of them, so the frontmatter does not drift into broken YAML for good.
      if (version > 1) {
        const r = rand();
        const undo = r < 0.1 ? original : r < 0.3 && previous ? previousText : undefined;
        previousText = text;
        text = undo ?? (r < 0.8 ? frontmatterEdit(text, rand) : bodyEdit(text, rand));
      }
      const where = `file ${file}, version ${version}`;
      const { doc, fresh } = parsedBothWays(text, `file:///w/front-${file}.prompt`, version, previous, where);
      assert.deepEqual(doc.frontmatterDiagnostics, fresh.frontmatterDiagnostics, `${where}: frontmatter diagnostics`);
      assert.deepEqual(doc.input, fresh.input, `${where}: inputs`);
      assert.deepEqual(doc.defaults, fresh.defaults, `${where}: defaults`);
      assert.equal(doc.model, fresh.model, `${where}: model`);
      assert.deepEqual(doc.frontmatter.value, fresh.frontmatter.value, `${where}: frontmatter value`);
      assert.deepEqual(doc.prompt, fresh.prompt, `${where}: prompt model`);
      assert.deepEqual(wholeTemplateDiagnostics(doc.text, doc.template), wholeTemplateDiagnostics(fresh.text, fresh.template), `${where}: whole-body parse`);
      if (previous && doc.template.tags.length && previous.template.span.start !== doc.template.span.start && doc.template.tags.every((t, i) => t !== previous!.template.tags[i])) moved++;
      // The schema check's findings taken over (the same objects) though the frontmatter changed.
      if (previous && previous.frontmatter !== doc.frontmatter && doc.frontmatterDiagnostics.some((d) => previous!.frontmatterDiagnostics.includes(d))) checksKept++;
      previous = doc;
    }
  }
  assert.equal(versions, 640);
  // The frontmatter edits that moved the whole body were many.
  assert.ok(moved > 200, `${moved} versions moved the body`);
  assert.ok(checksKept > 50, `${checksKept} versions kept the schema check's findings`);
});
