// The Prompt Catalogue view's model in plain node: rows kept from the server's changes, the filter's
// query language, grouping in lifecycle order, pages of big groups, what a row shows.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CatalogRows, groupChildren, groupRows, parseQuery, rowPresentation } from '../../client/src/catalog/model';
import type { CatalogRow } from '../../server/src/protocol';

const ROLES = ['draft', 'review', 'approved', 'released', 'retired'];

function row(name: string, over: Partial<CatalogRow> = {}): CatalogRow {
  const status = over.status ?? 'draft';
  return { uri: `file:///ws/${over.path ?? `${name}.prompt`}`, path: `${name}.prompt`, name, format: 'dotprompt', formatName: 'Dotprompt', ownerSource: 'none', status, statusSource: 'file', tags: [], errors: 0, findings: [], ...(ROLES.includes(status) ? { rank: ROLES.indexOf(status) } : {}), ...over };
}

test('groups by status follow the lifecycle, unknown statuses last', () => {
  const rows = [row('a', { status: 'retired' }), row('b', { status: 'draft' }), row('c', { status: 'released' }), row('d', { status: 'legacy' }), row('e', { status: 'review' })];
  assert.deepEqual(groupRows(rows, 'status').map((g) => g.label), ['draft', 'review', 'released', 'retired', 'legacy']);
});

test('groups by owner (no owner last), format and folder; rows sorted by name', () => {
  const rows = [row('z', { owner: '@b' }), row('y'), row('x', { owner: '@a' }), row('w', { owner: '@a', path: 'sub/w.prompt', format: 'prompty', formatName: 'Prompty' })];
  assert.deepEqual(groupRows(rows, 'owner').map((g) => [g.label, g.rows.map((r) => r.name)]), [['@a', ['w', 'x']], ['@b', ['z']], ['(no owner)', ['y']]]);
  assert.deepEqual(groupRows(rows, 'format').map((g) => g.label), ['Dotprompt', 'Prompty']);
  assert.deepEqual(groupRows(rows, 'folder').map((g) => [g.label, g.rows.length]), [['.', 3], ['sub', 1]]);
});

test('the filter: words and status:, owner:, kind: with comma lists', () => {
  const rows = [row('refund', { status: 'released', owner: '@support', tags: ['billing'] }), row('triage', { status: 'review', format: 'github-models', formatName: 'GitHub Models prompt' }), row('idea', { owner: '@support @ops' })];
  const names = (q: string) => groupRows(rows, 'status', parseQuery(q)).flatMap((g) => g.rows.map((r) => r.name));
  assert.deepEqual(names('status:released,review'), ['triage', 'refund'], 'the review group comes before the released one');
  assert.deepEqual(names('owner:@ops'), ['idea']);
  assert.deepEqual(names('owner:none'), ['triage']);
  assert.deepEqual(names('kind:github-models'), ['triage']);
  assert.deepEqual(names('BILLING'), ['refund']);
  assert.deepEqual(names('status:released nomatch'), []);
  assert.deepEqual(parseQuery('format:prompty a B'), { status: [], owner: [], format: ['prompty'], words: ['a', 'b'] });
});

test('rows follow the server\'s changes: changed, removed, reset', () => {
  const rows = new CatalogRows();
  rows.reset([row('a'), row('b')]);
  rows.apply({ changed: [row('a', { status: 'released' }), row('c')], removed: ['file:///ws/b.prompt'] });
  assert.deepEqual(rows.all().map((r) => [r.name, r.status]).sort(), [['a', 'released'], ['c', 'draft']]);
  rows.apply({ changed: [row('d')], removed: [], reset: true });
  assert.deepEqual(rows.all().map((r) => r.name), ['d']);
});

test('big groups open a page at a time', () => {
  const rows = Array.from({ length: 450 }, (_, i) => row(`p${String(i).padStart(3, '0')}`));
  const [group] = groupRows(rows, 'status');
  const first = groupChildren(group, 1);
  assert.equal(first.length, 201);
  assert.deepEqual(first[200], { kind: 'more', group, shown: 200 });
  assert.equal(groupChildren(group, 3).length, 450, 'the last page has no "more" node');
});

test('a row shows what the grouping does not say, and every field in its tooltip', () => {
  const r = row('refund', { status: 'released', owner: '@support', ownerSource: 'codeowners', model: 'openai/gpt-4o', tokens: 120, costPerRun: 0.0042, tests: { verdict: 'passed', passed: 3, total: 3, passRate: 1 }, lastChange: { commit: 'abc', date: '2026-02-03T10:00:00Z', author: 'Ada', summary: 'Tighten tone' }, version: '2' });
  const byStatus = rowPresentation(r, 'status');
  assert.equal(byStatus.description, '@support · Dotprompt · openai/gpt-4o · 120 tok · ≤$0.0042 · ✓ 100%');
  assert.equal(rowPresentation(r, 'owner').description, 'released · Dotprompt · openai/gpt-4o · 120 tok · ≤$0.0042 · ✓ 100%');
  assert.equal(byStatus.icon, 'pass');
  assert.ok(byStatus.tooltip.includes('Owner: @support (CODEOWNERS)'));
  assert.ok(byStatus.tooltip.includes('Last change: 2026-02-03 Ada: Tighten tone'));
  assert.equal(rowPresentation({ ...r, findings: ['error: changed without a version bump (lifecycle-unversioned-change)'] }, 'status').icon, 'error');
  assert.equal(rowPresentation(row('x'), 'status').description, 'no owner · Dotprompt · untested');
});
