// The catalogue's "last change" column from one `git log` walk of the repository
// (`lastChangesOf`, `NodeGit.lastChanges`) against one `git log --follow -1` per file (`lastChangeOf`):
// the same commit for files changed several times, renamed, in folders with spaces and outside the
// catalogue's folder; none for untracked files.
import assert from 'node:assert/strict';
import { pathToFileURL } from 'node:url';
import { after, before, test } from 'node:test';
import { createNodeHost } from '../../server/src/node/host';
import { catalog as cat } from '../../server/src/service';
import { parseLastChanges } from '../../server/src/service/history';
import { TempRepo } from '../support/gitRepo';

let repo: TempRepo;
const uri = (rel: string) => pathToFileURL(repo.path(rel)).toString();
const FILES = ['prompts/a.prompt', 'prompts/b.prompt', 'prompts/with space/c.prompty', 'prompts/renamed.prompt.yml', 'prompts/untracked.prompt'];

before(() => {
  repo = TempRepo.init('pw-lastchanges-');
  repo.write('prompts/a.prompt', 'Hello\n');
  repo.write('prompts/b.prompt', 'Bye\n');
  repo.write('prompts/with space/c.prompty', '---\nname: c\n---\nuser:\nHi\n');
  repo.write('prompts/old.prompt.yml', 'messages:\n  - role: user\n    content: hi\n');
  repo.commit('Add prompts', { author: 'Grace Hopper' });
  repo.commitFile('prompts/a.prompt', 'Hello again\n', 'Change a', { author: 'Ada Lovelace' });
  repo.git('mv', 'prompts/old.prompt.yml', 'prompts/renamed.prompt.yml');
  repo.commit('Rename the GitHub Models prompt', { author: 'Alan Turing' });
  repo.commitFile('other/readme.md', 'x\n', 'Unrelated', { author: 'Edsger Dijkstra' });
  repo.write('prompts/untracked.prompt', 'New\n');
});

after(() => repo.remove());

test('one git walk gives every file the commit that a log per file gives', async () => {
  const host = createNodeHost({ roots: [repo.dir] });
  const uris = FILES.map(uri);
  const walk = await cat.lastChangesOf(host, repo.path('prompts'), uris);
  for (const u of uris) assert.deepEqual(walk.get(u), await cat.lastChangeOf(host, u), u);
  assert.equal(walk.get(uri('prompts/a.prompt'))?.author, 'Ada Lovelace');
  assert.equal(walk.get(uri('prompts/a.prompt'))?.summary, 'Change a');
  assert.equal(walk.get(uri('prompts/b.prompt'))?.author, 'Grace Hopper');
  assert.equal(walk.get(uri('prompts/with space/c.prompty'))?.author, 'Grace Hopper');
  assert.equal(walk.get(uri('prompts/renamed.prompt.yml'))?.summary, 'Rename the GitHub Models prompt');
  assert.equal(walk.has(uri('prompts/untracked.prompt')), false);
  assert.equal(walk.size, 4);
});

test('loadLastChanges sets the walk\'s commits on the rows; a folder outside git gives none', async () => {
  const host = createNodeHost({ roots: [repo.dir] });
  const catalog = await cat.loadCatalog(host, repo.dir, { tokens: false });
  await cat.loadLastChanges(host, catalog);
  assert.deepEqual(catalog.entries().map((e) => [e.path, e.lastChange?.author]), [
    ['prompts/a.prompt', 'Ada Lovelace'],
    ['prompts/b.prompt', 'Grace Hopper'],
    ['prompts/renamed.prompt.yml', 'Alan Turing'],
    ['prompts/untracked.prompt', undefined],
    ['prompts/with space/c.prompty', 'Grace Hopper'],
  ]);
  const outside = await cat.lastChangesOf(host, '/', [pathToFileURL('/nonexistent-pw/x.prompt').toString(), pathToFileURL('/nonexistent-pw/y.prompt').toString()]);
  assert.equal(outside.size, 0);
});

test('parseLastChanges keeps the newest commit of each path and reads subjects and paths as written', () => {
  const h1 = 'a'.repeat(40);
  const h2 = 'b'.repeat(40);
  const out = `\x1e${h1}\x1fAda\x1f2026-01-02T00:00:00+00:00\x1fSecond\0\nd/a.prompt\0d/x y.prompt\0\x1e${h2}\x1fGrace\x1f2026-01-01T00:00:00+00:00\x1fFirst: one\0\nd/a.prompt\0d/b.prompt\0`;
  const map = parseLastChanges(out);
  assert.deepEqual([...map.keys()].sort(), ['d/a.prompt', 'd/b.prompt', 'd/x y.prompt']);
  assert.deepEqual(map.get('d/a.prompt'), { hash: h1, authorName: 'Ada', authorDate: '2026-01-02T00:00:00+00:00', subject: 'Second' });
  assert.equal(map.get('d/b.prompt')?.subject, 'First: one');
});
