// The cold build's shortcuts give what the plain calls give: the Node host's reads into its one
// reused buffer equal `readFileSync(file, 'utf8')` (BOM, multi-byte characters across the buffer's
// sizes, invalid bytes, a big file then a small one), its plain `file:///` URIs equal
// `fileURLToPath`, the one-shot sha256 equals `createHash`, and `partialName` equals
// `partialNameOf` for every name. A mixed workspace of every format, built through the host, gives
// rows equal to those computed from `readFileSync` texts, with `createHash` hashes.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { createNodeHost, toPath } from '../../server/src/node/host';
import { catalog as cat, parseDocument, registeredFormats } from '../../server/src/service';
import { documentTokens } from '../../server/src/service/tokens/count';
import { partialNameOf } from '../../server/src/service/partials';
import { tempWorkspace } from '../support/workspace';

const uri = (file: string) => pathToFileURL(file).toString();

test('reads into the reused buffer equal readFileSync, whatever the size, encoding and order', async () => {
  const dir = tempWorkspace('pw-cold-read-', {});
  try {
    const host = createNodeHost({ roots: [dir] });
    const files: [string, Buffer][] = [
      ['empty.prompt', Buffer.alloc(0)],
      ['bom.prompt', Buffer.from('\ufeff---\nmodel: x\n---\nhi\n', 'utf8')],
      ['invalid.prompt', Buffer.from([0x68, 0xc3, 0x28, 0xff, 0x0a, 0xe2, 0x82])],
    ];
    // A four-byte character ending at each side of the buffer's first sizes (64 KiB) and beyond it.
    for (const size of [65534, 65535, 65536, 65537, 65538, 131073, 200_000, 262_144, 300_000]) {
      const head = 'é'.repeat(Math.floor((size - 4) / 2));
      const text = `${head}${'a'.repeat(size - 4 - Buffer.byteLength(head))}😀`;
      files.push([`s${size}.prompt`, Buffer.from(text, 'utf8')]);
    }
    files.push(['small-after-big.prompt', Buffer.from('short\n')]);
    for (const [name, bytes] of files) writeFileSync(path.join(dir, name), bytes);
    for (const [name] of [...files, ...[...files].reverse()]) {
      const file = path.join(dir, name);
      host.changed(uri(file), 'changed');
      assert.equal(await host.readText(uri(file)), readFileSync(file, 'utf8'), name);
    }
    // A file rewritten with the same size after its read is read again (the cache is by mtime and size).
    const file = path.join(dir, 'small-after-big.prompt');
    writeFileSync(file, 'SHORT\n');
    host.changed(uri(file), 'changed');
    assert.equal(await host.readText(uri(file)), 'SHORT\n');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a plain file URI becomes the path fileURLToPath gives; others go through it', () => {
  const cases = ['file:///a/b.prompt', 'file:///a//b', 'file:///a/./b', 'file:///a/../b', 'file:///a/.hidden/x', 'file:///a/..b/x', 'file:///a/b/.', 'file:///a/b/..', 'file:///a%20b', 'file:///a%2Fb', 'file:///a#b', 'file:///a?x', 'file:///', 'file:///a\\b', 'file:///a b', 'file:///a\tb', 'file:///ä/ö.prompt', 'file:///x/...', 'file://host/a'];
  for (const c of cases) {
    let expected: string | undefined;
    try {
      expected = fileURLToPath(c);
    } catch {
      expected = undefined;
    }
    assert.equal(toPath(c), expected, c);
  }
  assert.equal(toPath('/plain/path.prompt'), '/plain/path.prompt');
  assert.equal(toPath('untitled:Untitled-1'), undefined);
});

test('sha256 equals createHash for ASCII, multi-byte and lone-surrogate text', () => {
  for (const text of ['', 'abc', 'é😀\n'.repeat(1000), 'a\ud800b', '\ufeffx']) {
    assert.equal(cat.sha256(text), createHash('sha256').update(text).digest('hex'), JSON.stringify(text.slice(0, 10)));
  }
});

test('a mixed workspace of every format, built through the host: each row equals the row of its readFileSync text, partial names as partialNameOf says', async () => {
  const files: Record<string, string> = {
    'a/hello.prompt': '---\nmodel: openai/gpt-4o-mini\nversion: 2\nconfig:\n  maxOutputTokens: 100\nmetadata:\n  owner: "@me"\n  status: review\n  tags: [x, y]\n---\nHello {{name}} {{> footer}}\n',
    'a/_footer.prompt': 'Thanks, {{name}}.\n',
    'a/%5Fencoded.prompt': 'Encoded partial name.\n',
    'a/not_partial.prompt': '---\nmodel: [broken\n---\nBody\n',
    '_top/x.prompt': '---\nmodel: openai/gpt-4o\n---\n{{role "system"}}\nBe brief.\n',
    'b/bom.prompt': '\ufeff---\nmodel: openai/gpt-4o-mini\n---\nCafé ☕ {{x}}\n',
    'b/chat.prompty': '---\nname: chat\nmodel:\n  id: gpt-4o-mini\nmetadata:\n  authors: [me]\n  status: draft\n---\nsystem:\nYou help with {{topic}}.\n\nuser:\n{{question}}\n',
    'b/_x.prompty': '---\nname: underscore\n---\nuser:\nHi\n',
    'c/ask.prompt.yml': 'name: ask\nmodel: openai/gpt-4o-mini\nmetadata:\n  status: approved\nmessages:\n  - role: system\n    content: "Answer about {{order}}."\n  - role: user\n    content: "{{question}}"\n',
    'c/bad.prompt.yml': 'messages: [\n',
    'AGENTS.md': '# Agent\n\nUse `npm test`.\n',
    '.github/CODEOWNERS': '* @everyone\n/b/ @bee\n',
  };
  const dir = tempWorkspace('pw-cold-mixed-', files);
  try {
    const host = createNodeHost({ roots: [dir] });
    const config = { defaults: { 'c/**': 'review' } };
    const built = await cat.loadCatalog(host, dir, { config });
    const options = { root: dir, config, codeowners: await cat.readCodeowners(host, dir) };
    const catalogued = Object.keys(files).filter((f) => cat.isCatalogued(uri(path.join(dir, f))));
    assert.equal(built.size, catalogued.length);
    const formats = new Set<string>();
    for (const row of built.entries()) {
      const text = readFileSync(fileURLToPath(row.uri), 'utf8');
      assert.deepEqual(row, cat.catalogEntry(row.uri, text, options), row.path);
      assert.equal(row.contentHash, createHash('sha256').update(text).digest('hex'), row.path);
      assert.equal(row.partialName, partialNameOf(row.uri), row.path);
      formats.add(row.format);
    }
    for (const f of registeredFormats()) assert.ok(formats.has(f.id), `no ${f.id} row`);
    // A row counts only the template (the frontmatter is never sent): its tokens, estimate flag and
    // cost are those of the full count, which counts the frontmatter as well.
    let withFrontmatter = 0;
    for (const row of built.entries()) {
      const text = readFileSync(fileURLToPath(row.uri), 'utf8');
      const full = documentTokens(parseDocument(text, row.uri), {});
      assert.equal(row.tokens, full.template, row.path);
      assert.equal(row.tokensEstimated, full.estimated, row.path);
      assert.equal(row.costPerRun, full.cost?.total, row.path);
      const doc = parseDocument(text, row.uri);
      const bare = documentTokens(doc, { frontmatter: false });
      assert.equal(bare.frontmatter, 0, row.path);
      assert.equal(bare.template, full.template, row.path);
      if (full.frontmatter > 0) withFrontmatter++;
      // The full count made afterwards is not the memoised count without frontmatter; once made, it answers both.
      const again = documentTokens(doc, {});
      assert.equal(again.frontmatter, full.frontmatter, row.path);
      assert.equal(documentTokens(doc, { frontmatter: false }), again, row.path);
    }
    assert.ok(withFrontmatter >= 5, `${withFrontmatter} rows with a counted frontmatter`);
    const byPath = new Map(built.entries().map((r) => [r.path, r]));
    assert.equal(byPath.get('a/_footer.prompt')?.partialName, 'footer');
    // A file named `%5Fencoded.prompt` is not a partial (its URI writes `%255F`); a URI that encodes `_` is.
    assert.equal(byPath.get('a/%5Fencoded.prompt')?.partialName, undefined);
    assert.equal(cat.catalogEntry('file:///w/a/%5Fencoded.prompt', 'Hi\n', { root: '/w' }).partialName, 'encoded');
    assert.equal(cat.catalogEntry('file:///w/a/x_%5Fy.prompt', 'Hi\n', { root: '/w' }).partialName, undefined);
    assert.equal(byPath.get('a/not_partial.prompt')?.partialName, undefined);
    assert.equal(byPath.get('_top/x.prompt')?.partialName, undefined);
    assert.ok(byPath.get('a/not_partial.prompt')!.errors > 0);
    assert.ok(byPath.get('c/bad.prompt.yml')!.errors > 0);
    assert.equal(byPath.get('b/chat.prompty')?.owner, 'me');
    assert.equal(byPath.get('b/bom.prompt')?.owner, '@bee');
    assert.equal(byPath.get('b/bom.prompt')?.ownerSource, 'codeowners');
    assert.deepEqual(byPath.get('a/hello.prompt')?.includes, ['footer']);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
