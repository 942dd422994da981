// The Prompt Catalogue view as plain data: rows kept up to date from the server's changes, the
// filter's query language, groups (by status, owner, format or folder) and their pages of rows,
// and what each row shows. view.ts draws it; test/unit/catalogView.test.ts tests it in plain node.
import type { CatalogChange, CatalogRow } from '../../../server/src/protocol';

export type GroupBy = 'status' | 'owner' | 'format' | 'folder';
export const GROUP_BYS: readonly GroupBy[] = ['status', 'owner', 'format', 'folder'];

/** Rows a group shows before a "Show more" node: a group of thousands stays quick to open. */
export const PAGE_SIZE = 200;

export interface Query {
  status: string[];
  owner: string[];
  format: string[];
  /** Words every row must contain (name, path, owner, status, format, model, tags). */
  words: string[];
}

/** `status:released owner:@team kind:prompty refund` → a query (`format:` is a synonym of `kind:`). */
export function parseQuery(text: string): Query {
  const q: Query = { status: [], owner: [], format: [], words: [] };
  for (const token of text.trim().split(/\s+/).filter(Boolean)) {
    const m = /^(status|owner|kind|format):(.+)$/i.exec(token);
    if (!m) {
      q.words.push(token.toLowerCase());
      continue;
    }
    const key = m[1].toLowerCase();
    const values = m[2].split(',').filter(Boolean);
    if (key === 'status') q.status.push(...values);
    else if (key === 'owner') q.owner.push(...values);
    else q.format.push(...values);
  }
  return q;
}

export function matches(row: CatalogRow, q: Query): boolean {
  if (q.status.length && !q.status.includes(row.status)) return false;
  if (q.owner.length) {
    const owners = row.owner ? row.owner.split(/[\s,]+/).filter(Boolean) : ['none'];
    if (!q.owner.some((o) => owners.includes(o))) return false;
  }
  if (q.format.length && !q.format.includes(row.format)) return false;
  if (q.words.length) {
    const hay = [row.name, row.path, row.owner ?? '', row.status, row.format, row.formatName, row.model ?? '', ...row.tags].join('\n').toLowerCase();
    if (!q.words.every((w) => hay.includes(w))) return false;
  }
  return true;
}

/** The view's rows by URI, updated from the server's notifications. */
export class CatalogRows {
  private readonly rows = new Map<string, CatalogRow>();
  ready = false;

  reset(rows: readonly CatalogRow[]): void {
    this.rows.clear();
    for (const r of rows) this.rows.set(r.uri, r);
  }

  apply(change: CatalogChange): void {
    if (change.reset) this.rows.clear();
    for (const r of change.changed) this.rows.set(r.uri, r);
    for (const uri of change.removed) this.rows.delete(uri);
  }

  all(): CatalogRow[] {
    return [...this.rows.values()];
  }

  get size(): number {
    return this.rows.size;
  }
}

export interface Group {
  id: string;
  label: string;
  rows: CatalogRow[];
}

function groupKey(row: CatalogRow, by: GroupBy): string {
  if (by === 'status') return row.status;
  if (by === 'owner') return row.owner ?? '';
  if (by === 'format') return row.formatName;
  const slash = row.path.lastIndexOf('/');
  return slash < 0 ? '.' : row.path.slice(0, slash);
}

function compareRows(a: CatalogRow, b: CatalogRow): number {
  return a.name.localeCompare(b.name) || a.path.localeCompare(b.path);
}

/** The groups of the rows that match the query: statuses in lifecycle order, then the other keys alphabetically (no owner last). */
export function groupRows(rows: readonly CatalogRow[], by: GroupBy, query: Query = parseQuery('')): Group[] {
  const groups = new Map<string, { rows: CatalogRow[]; rank: number }>();
  for (const r of rows) {
    if (!matches(r, query)) continue;
    const key = groupKey(r, by);
    let g = groups.get(key);
    if (!g) groups.set(key, (g = { rows: [], rank: by === 'status' ? (r.rank ?? 99) : by === 'owner' && !key ? 1 : 0 }));
    g.rows.push(r);
  }
  return [...groups.entries()]
    .sort(([ka, a], [kb, b]) => a.rank - b.rank || ka.localeCompare(kb))
    .map(([key, g]) => ({ id: `${by}:${key}`, label: key || (by === 'owner' ? '(no owner)' : '(none)'), rows: g.rows.sort(compareRows) }));
}

export type Node = { kind: 'group'; group: Group } | { kind: 'row'; row: CatalogRow } | { kind: 'more'; group: Group; shown: number };

/** A group's children: its rows, `pages` pages of PAGE_SIZE at a time, then a "Show more" node. */
export function groupChildren(group: Group, pages: number, pageSize = PAGE_SIZE): Node[] {
  const shown = Math.min(group.rows.length, pages * pageSize);
  const out: Node[] = group.rows.slice(0, shown).map((row) => ({ kind: 'row', row }));
  if (shown < group.rows.length) out.push({ kind: 'more', group, shown });
  return out;
}

function money(usd: number): string {
  return usd >= 0.01 ? `$${usd.toFixed(2)}` : usd > 0 ? `$${usd.toFixed(5).replace(/0+$/, '')}` : '$0';
}

/** What a row shows: its name, a description with the fields the grouping does not already say, and a tooltip with every field. */
export function rowPresentation(row: CatalogRow, by: GroupBy): { label: string; description: string; tooltip: string; icon: 'pass' | 'error' | 'warning' | 'circle-outline' } {
  const owner = row.owner ?? 'no owner';
  const tests = row.tests ? `${row.tests.verdict === 'passed' ? '✓' : '✗'} ${Math.round(row.tests.passRate * 100)}%` : 'untested';
  const parts = [by !== 'status' ? row.status : undefined, by !== 'owner' ? owner : undefined, by !== 'format' ? row.formatName : undefined, row.model, row.tokens !== undefined ? `${row.tokensEstimated ? '≈' : ''}${row.tokens} tok` : undefined, row.costPerRun !== undefined ? `≤${money(row.costPerRun)}` : undefined, tests].filter((p): p is string => !!p);
  const tooltip = [
    `${row.name} — ${row.path}`,
    `Format: ${row.formatName}`,
    `Owner: ${row.owner ?? '(none)'}${row.ownerSource === 'codeowners' ? ' (CODEOWNERS)' : ''}`,
    `Status: ${row.status}${row.statusSource === 'config' ? ' (project config default)' : row.statusSource === 'default' ? ' (default)' : ''}${row.version ? ` · version ${row.version}` : ''}`,
    row.tags.length ? `Tags: ${row.tags.join(', ')}` : undefined,
    `Model: ${row.model ?? '(none)'}${row.tokens !== undefined ? ` · ${row.tokensEstimated ? '≈' : ''}${row.tokens} tokens` : ''}${row.costPerRun !== undefined ? ` · up to ${money(row.costPerRun)} per run` : ''}`,
    `Tests on this text: ${row.tests ? `${row.tests.verdict}, ${row.tests.passed}/${row.tests.total} cases${row.tests.lastRun ? ` (${row.tests.lastRun.slice(0, 10)})` : ''}` : 'no run record'}`,
    row.lastChange ? `Last change: ${row.lastChange.date.slice(0, 10)} ${row.lastChange.author}: ${row.lastChange.summary}` : undefined,
    ...row.findings,
  ].filter((l): l is string => !!l);
  const icon = row.findings.some((f) => f.startsWith('error')) || row.errors ? 'error' : row.findings.length ? 'warning' : row.tests?.verdict === 'passed' ? 'pass' : 'circle-outline';
  return { label: row.name, description: parts.join(' · '), tooltip: tooltip.join('\n'), icon };
}
