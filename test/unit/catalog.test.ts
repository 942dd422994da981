// The prompt catalogue's engine: CODEOWNERS as GitHub reads it (precedence, pattern forms, lines
// GitHub ignores), the metadata each format's front-end reads, status defaults by folder glob and
// renamed statuses, rows (owner and status sources, verdicts by content hash), filters and reports.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { catalog as cat, complete, hover, lint, parseDocument } from '../../server/src/service';

const { parseCodeowners, ownersOf, patternMatcher, Catalog, RecordIndex, lifecycleOf, filterEntries, formatCatalog, sha256 } = cat;

function owner(file: string, path: string): string | undefined {
  const hit = ownersOf(parseCodeowners(file), path);
  return hit ? hit.owners.join(' ') || '(unowned)' : undefined;
}

test('CODEOWNERS: the last matching line wins, whatever the specificity', () => {
  const file = '# comment\n*.prompt @all-prompts\n/prompts/ @prompt-team\n/prompts/support/ @support\n*.prompt @late-catch-all\n';
  assert.equal(owner(file, 'prompts/support/a.prompt'), '@late-catch-all', 'the later, broader line wins over the earlier, deeper one');
  assert.equal(owner(file, 'prompts/support/notes.md'), '@support');
  assert.equal(owner(file, 'prompts/x.md'), '@prompt-team');
  assert.equal(owner(file, 'other/readme.md'), undefined);
});

test('CODEOWNERS: a matching line without owners leaves the file unowned', () => {
  const file = '* @everyone\n/prompts/generated/\n';
  assert.equal(owner(file, 'prompts/generated/a.prompt'), '(unowned)');
  assert.equal(owner(file, 'prompts/b.prompt'), '@everyone');
  assert.deepEqual(ownersOf(parseCodeowners(file), 'prompts/generated/a.prompt')!.owners, []);
});

test('CODEOWNERS: pattern forms as GitHub documents them', () => {
  const cases: [pattern: string, path: string, match: boolean][] = [
    ['*', 'a/b/c.prompt', true],
    ['*.js', 'src/deep/x.js', true],
    ['*.js', 'x.jsx', false],
    ['/build/logs/', 'build/logs/a/b.log', true],
    ['/build/logs/', 'x/build/logs/a.log', false],
    ['docs/*', 'docs/getting-started.md', true],
    ['docs/*', 'docs/build-app/troubleshooting.md', false], // a final lone * does not reach nested files
    ['docs/*', 'x/docs/a.md', false], // a slash inside anchors at the root
    ['apps/', 'apps/a.prompt', true],
    ['apps/', 'deep/apps/b/c.prompt', true], // no slash but the trailing one: any depth
    ['/docs/', 'docs/a/b.md', true],
    ['**/logs', 'deeply/nested/logs/x.log', true],
    ['**/logs', 'logs/x.log', true],
    ['/scripts/', 'scripts/a.sh', true],
    ['/apps/github', 'apps/github/x/y.ts', true], // a path naming a folder covers its contents
    ['/apps/github', 'apps/github2/y.ts', false],
    ['prompts', 'a/prompts/b.prompt', true],
    ['README.md', 'sub/README.md', true],
    ['/README.md', 'sub/README.md', false],
    ['src/**/test.prompt', 'src/a/b/test.prompt', true],
    ['src/**/test.prompt', 'src/test.prompt', true],
    ['Prompts/', 'prompts/a.prompt', false], // case-sensitive
    ['a(b)+c', 'a(b)+c', true], // no extglob: literal characters
    ['/', 'anything', false],
  ];
  for (const [pattern, path, match] of cases) assert.equal(patternMatcher(pattern)(path), match, `${pattern} vs ${path}`);
});

test('CODEOWNERS: `!` and `[ ]` lines and bad owners are reported where they are and ignored', () => {
  const text = '* @a\n!/prompts/ @b\n/x[12]/ @c\n/y/ not-an-owner\n/z/ @org/team dev@example.com # trailing comment\n';
  const parsed = parseCodeowners(text);
  assert.deepEqual(parsed.problems.map((p) => [p.line, text.slice(p.span.start, p.span.end)]), [
    [1, '!/prompts/'],
    [2, '/x[12]/'],
    [3, 'not-an-owner'],
  ]);
  assert.equal(owner(text, 'prompts/a.prompt'), '@a', 'the negation line does not apply');
  assert.deepEqual(ownersOf(parsed, 'z/q.prompt')!.owners, ['@org/team', 'dev@example.com'], 'the comment is not an owner');
});

const DOTPROMPT = '---\nmodel: openai/gpt-4o-mini\nversion: 2\nmetadata:\n  owner: "@support"\n  status: released\n  tags: [support, email]\n---\nHello {{name}}\n';

function row(uri: string, text: string, options: Partial<cat.CatalogOptions> = {}) {
  const c = new Catalog({ root: '/ws', tokens: false, ...options });
  return c.set(uri, text)!;
}

test('metadata: Dotprompt metadata.* and workbench.* extension fields; metadata wins', () => {
  const e = row('file:///ws/prompts/a.prompt', DOTPROMPT);
  assert.deepEqual([e.name, e.format, e.owner, e.ownerSource, e.status, e.statusSource, e.tags, e.version, e.model], ['a', 'dotprompt', '@support', 'file', 'released', 'file', ['support', 'email'], '2', 'openai/gpt-4o-mini']);
  assert.deepEqual(e.places.status, { start: { line: 5, character: 10 }, end: { line: 5, character: 18 } });
  const ext = row('file:///ws/b.prompt', '---\nworkbench.owner: "@ext"\nworkbench.status: review\nworkbench.tags: [x]\n---\nHi\n');
  assert.deepEqual([ext.owner, ext.status, ext.tags], ['@ext', 'review', ['x']]);
  const both = row('file:///ws/c.prompt', '---\nworkbench.owner: "@ext"\nmetadata:\n  owner: "@meta"\n---\nHi\n');
  assert.equal(both.owner, '@meta');
});

test('metadata: Prompty metadata (owner, else authors; status; tags; version)', () => {
  const e = row('file:///ws/p.prompty', '---\nname: Summarise\nmodel:\n  id: gpt-4o\nmetadata:\n  authors: [ana, bo]\n  tags: [docs]\n  version: 1.2.0\n  status: approved\n---\nsystem:\nHi\n');
  assert.deepEqual([e.name, e.format, e.owner, e.status, e.tags, e.version], ['Summarise', 'prompty', 'ana, bo', 'approved', ['docs'], '1.2.0']);
  const own = row('file:///ws/q.prompty', '---\nmetadata:\n  owner: "@team"\n  authors: [ana]\n---\nsystem:\nHi\n');
  assert.equal(own.owner, '@team');
});

test('metadata: GitHub Models prompt files read the documented `metadata:` mapping', () => {
  const text = 'name: Triage\nmodel: openai/gpt-4o\nmetadata:\n  owner: "@ops"\n  status: retired\n  tags: [ops]\n  version: "3"\nmessages:\n  - role: user\n    content: Hi {{x}}\n';
  const e = row('file:///ws/t.prompt.yml', text);
  assert.deepEqual([e.name, e.format, e.owner, e.status, e.tags, e.version], ['Triage', 'github-models', '@ops', 'retired', ['ops'], '3']);
  assert.equal(text.split('\n')[e.places.status!.start.line].slice(e.places.status!.start.character, e.places.status!.end.character), 'retired');
});

test('rows: owner from CODEOWNERS, status from the config glob defaults, else draft', () => {
  const codeowners = parseCodeowners('/prompts/ @prompt-team\n/prompts/legacy/\n');
  const config = { defaults: { 'prompts/**': 'review', 'prompts/prod/**': 'released' } };
  const a = row('file:///ws/prompts/prod/x.prompt', 'Hi\n', { codeowners, config });
  assert.deepEqual([a.owner, a.ownerSource, a.status, a.statusSource, a.role], ['@prompt-team', 'codeowners', 'released', 'config', 'released'], 'the last matching glob wins');
  const b = row('file:///ws/prompts/legacy/y.prompt', 'Hi\n', { codeowners, config });
  assert.deepEqual([b.owner, b.ownerSource, b.status], [undefined, 'none', 'review']);
  const c = row('file:///ws/elsewhere/z.prompt', 'Hi\n', { codeowners, config });
  assert.deepEqual([c.status, c.statusSource], ['draft', 'default']);
});

test('lifecycle: renamed statuses keep their order and meaning', () => {
  const l = lifecycleOf({ statuses: { released: 'production', draft: 'wip' } });
  assert.equal(l.roleOf('production'), 'released');
  assert.equal(l.roleOf('released'), undefined, 'the old name is no status once renamed');
  assert.equal(l.defaultFor('a.prompt').status, 'wip');
  const e = row('file:///ws/a.prompt', '---\nmetadata:\n  status: production\n---\nHi\n', { config: { statuses: { released: 'production' } } });
  assert.equal(e.role, 'released');
});

test('config: the catalog section is validated where it is written', () => {
  const text = 'catalog:\n  statuses:\n    released: live\n  defaults:\n    "prod/**": released\n  requireOwner: yes\n';
  const parsed = lint.parseLintConfig(text, lint.RULES);
  const places = parsed.problems.map((p) => text.slice(p.span.start, p.span.end));
  assert.ok(places.includes('yes'), `requireOwner must be a boolean: ${JSON.stringify(parsed.problems)}`);
  const ok = lint.parseLintConfig('catalog:\n  statuses:\n    released: live\n  defaults:\n    "prod/**": releasd\n', lint.RULES);
  assert.equal(ok.problems.length, 1);
  assert.match(ok.problems[0].message, /"releasd" is not a status; the statuses are draft, review, approved, live, retired\./);
  assert.equal('catalog:\n  statuses:\n    released: live\n  defaults:\n    "prod/**": releasd\n'.slice(ok.problems[0].span.start, ok.problems[0].span.end), 'releasd');
  assert.deepEqual(ok.config.catalog?.statuses, { released: 'live' });
});

test('verdicts: by content hash, the newest result of each case counts', () => {
  const text = 'Hello\n';
  const hash = sha256(text);
  const records = new RecordIndex();
  const rec = (at: string, status: string, id = 'c1') => `${JSON.stringify({ type: 'run', version: 1, startedAt: at, finishedAt: at, counts: { passed: 1 } })}\n${JSON.stringify({ type: 'case', id, caseKey: id, fixture: 'f', prompt: 'a.prompt', promptHash: hash, case: id, caseLine: 1, repeat: 1, repeats: 1, status, provider: 'p', output: null, latencyMs: null, cost: null, reason: '', assertions: [] })}\n`;
  records.add('r1.jsonl', rec('2026-01-01T00:00:00Z', 'failed'));
  records.add('r2.jsonl', rec('2026-01-02T00:00:00Z', 'passed'));
  records.add('r3.jsonl', rec('2026-01-02T00:00:00Z', 'failed', 'c2'));
  const e = row('file:///ws/a.prompt', text, { records });
  assert.deepEqual([e.tests?.verdict, e.tests?.passed, e.tests?.total, e.tests?.lastRun], ['failed', 1, 2, '2026-01-02T00:00:00Z']);
  assert.equal(row('file:///ws/a.prompt', 'Hello!\n', { records }).tests, undefined, 'another text has no verdict');
});

test('catalogue: every registered format, incremental set/delete, filters', () => {
  const c = new Catalog({ root: '/ws', tokens: false });
  c.set('file:///ws/a.prompt', DOTPROMPT);
  c.set('file:///ws/b.prompty', '---\nmetadata:\n  status: draft\n---\nsystem:\nHi\n');
  c.set('file:///ws/c.prompt.yml', 'messages:\n  - role: user\n    content: Hi\n');
  assert.equal(c.set('file:///ws/notes.md', '# x'), undefined, 'no format claims it');
  assert.deepEqual(c.entries().map((e) => e.format), ['dotprompt', 'prompty', 'github-models']);
  const g = c.generation;
  c.set('file:///ws/b.prompty', '---\nmetadata:\n  status: review\n---\nsystem:\nHi\n');
  assert.equal(c.get('file:///ws/b.prompty')!.status, 'review');
  assert.ok(c.generation > g);
  assert.deepEqual(filterEntries(c.entries(), { status: ['review'] }).map((e) => e.path), ['b.prompty']);
  assert.deepEqual(filterEntries(c.entries(), { owner: ['@support'] }).map((e) => e.path), ['a.prompt']);
  assert.deepEqual(filterEntries(c.entries(), { owner: ['none'] }).map((e) => e.path), ['b.prompty', 'c.prompt.yml']);
  assert.deepEqual(filterEntries(c.entries(), { format: ['github-models'] }).map((e) => e.path), ['c.prompt.yml']);
  assert.deepEqual(filterEntries(c.entries(), { text: 'EMAIL' }).map((e) => e.path), ['a.prompt'], 'tags are searched');
  c.delete('file:///ws/a.prompt');
  assert.equal(c.size, 2);
});

test('tokens and cost per run come from the token engine', () => {
  const e = row('file:///ws/a.prompt', '---\nmodel: openai/gpt-4o-mini\nconfig:\n  maxOutputTokens: 100\n---\nSay hello to the user politely.\n', { tokens: true });
  assert.ok(e.tokens! > 5 && e.tokens! < 30, String(e.tokens));
  assert.ok(e.costPerRun! > 0 && e.costPerRun! < 0.001, String(e.costPerRun));
});

test('reports: CSV quoting, Markdown escaping, JSON fields', () => {
  const c = new Catalog({ root: '/ws', tokens: false });
  c.set('file:///ws/a.prompt', '---\nname: "Hi, there | you"\nmetadata:\n  owner: "@a"\n---\nHi\n');
  const csv = formatCatalog(c.entries(), 'csv');
  assert.equal(csv.split('\r\n')[0], 'Name,Path,Format,Owner,Status,Version,Model,Tokens,Cost/run,Tests,Last change');
  assert.equal(csv.split('\r\n')[1], '"Hi, there | you",a.prompt,Dotprompt,@a,draft (default),-,-,-,-,none,-');
  const md = formatCatalog(c.entries(), 'markdown');
  assert.ok(md.split('\n')[2].startsWith('| Hi, there \\| you | a.prompt | Dotprompt | @a |'), md);
  const json = JSON.parse(formatCatalog(c.entries(), 'json')) as { prompts: { name: string; owner: string; status: string; statusSource: string }[] };
  assert.deepEqual([json.prompts[0].name, json.prompts[0].owner, json.prompts[0].status, json.prompts[0].statusSource], ['Hi, there | you', '@a', 'draft', 'default']);
});

test('completion and hover of the catalogue fields in each format', () => {
  const cases: [uri: string, text: string][] = [
    ['file:///ws/a.prompt', '---\nmetadata:\n  owner: x\n  status: |\n---\nHi\n'],
    ['file:///ws/a.prompty', '---\nmetadata:\n  owner: x\n  status: |\n---\nsystem:\nHi\n'],
    ['file:///ws/a.prompt.yml', 'metadata:\n  owner: x\n  status: |\nmessages:\n  - role: user\n    content: Hi\n'],
  ];
  for (const [uri, marked] of cases) {
    const offset = marked.indexOf('|');
    const text = marked.replace('|', '');
    const doc = parseDocument(text, uri);
    const values = complete(doc, offset)!.items.map((i) => i.label);
    assert.deepEqual(values, ['draft', 'review', 'approved', 'released', 'retired'], `${uri}: status values`);
    const keys = complete(parseDocument(text.replace('  owner: x\n', '  \n'), uri), text.indexOf('  owner') + 2)!.items.map((i) => i.label);
    assert.ok(keys.includes('owner') && keys.includes('statusNote') && !keys.includes('status'), `${uri}: ${keys.join(', ')} (status is written already)`);
    const h = hover(doc, text.indexOf('owner') + 1);
    assert.match((h!.contents as { value: string }).value, /Who owns the prompt/, uri);
  }
  const ext = parseDocument('---\nworkbench.status: \n---\nHi\n', 'file:///ws/b.prompt');
  assert.ok(complete(ext, '---\nworkbench.status: '.length)!.items.some((i) => i.label === 'released'));
  assert.ok(complete(parseDocument('---\nwork\n---\nHi\n', 'file:///ws/b.prompt'), 8)!.items.some((i) => i.label === 'workbench.owner'));
});

test('status completion and hover use the project\'s status names (catalog.statuses), in each format', () => {
  const catalog = { statuses: { review: 'in-review', released: 'live' } };
  const cases: [uri: string, text: string][] = [
    ['file:///ws/a.prompt', '---\nmetadata:\n  status: |\n---\nHi\n'],
    ['file:///ws/a.prompty', '---\nmetadata:\n  status: |\n---\nsystem:\nHi\n'],
    ['file:///ws/a.prompt.yml', 'metadata:\n  status: |\nmessages:\n  - role: user\n    content: Hi\n'],
    ['file:///ws/b.prompt', '---\nworkbench.status: |\n---\nHi\n'],
  ];
  for (const [uri, marked] of cases) {
    const offset = marked.indexOf('|');
    const doc = parseDocument(marked.replace('|', ''), uri);
    const items = complete(doc, offset, { catalog })!.items;
    assert.deepEqual(items.map((i) => i.label), ['draft', 'in-review', 'approved', 'live', 'retired'], `${uri}: status values`);
    assert.match(String(items[3].documentation), /status 4 of 5 \(the project's name for `released`\)/, uri);
    // The edit replaces what is typed at the cursor, on the status line.
    assert.equal(items[3].textEdit && 'range' in items[3].textEdit ? items[3].textEdit.range.start.line : -1, doc.lines.positionAt(offset).line, uri);
  }
  const text = '---\nmetadata:\n  status: live\n---\nHi\n';
  const doc = parseDocument(text, 'file:///ws/c.prompt');
  const h = hover(doc, text.indexOf('live') + 1, { catalog });
  assert.match((h!.contents as { value: string }).value, /`live`: Lifecycle status 4 of 5 \(the project's name for `released`\)/);
  const plain = hover(doc, text.indexOf('live') + 1);
  assert.match((plain!.contents as { value: string }).value, /`live` is not one of this project's statuses: `draft` → `review` → `approved` → `released` → `retired`/);
});
