// The catalogue as text: an aligned table, JSON, a Markdown table or CSV (RFC 4180), the same
// fields as the editor's view. Lifecycle findings follow the table in text and Markdown, and sit in
// the JSON under `findings`; CSV is the rows only.
import type { CatalogEntry } from './catalog';
import type { LifecycleFinding } from './rules';

export const CATALOG_FORMATS = ['text', 'json', 'markdown', 'csv'] as const;
export type CatalogFormat = (typeof CATALOG_FORMATS)[number];

/** The columns, in order: header and how a row shows it. */
export const CATALOG_FIELDS: readonly { key: string; header: string; value(e: CatalogEntry): string }[] = [
  { key: 'name', header: 'Name', value: (e) => e.name },
  { key: 'path', header: 'Path', value: (e) => e.path },
  { key: 'format', header: 'Format', value: (e) => e.formatName },
  { key: 'owner', header: 'Owner', value: (e) => (e.owner ? (e.ownerSource === 'codeowners' ? `${e.owner} (CODEOWNERS)` : e.owner) : '-') },
  { key: 'status', header: 'Status', value: (e) => (e.statusSource === 'file' ? e.status : `${e.status} (${e.statusSource === 'config' ? 'config' : 'default'})`) },
  { key: 'version', header: 'Version', value: (e) => e.version ?? '-' },
  { key: 'model', header: 'Model', value: (e) => e.model ?? '-' },
  { key: 'tokens', header: 'Tokens', value: (e) => (e.tokens === undefined ? '-' : `${e.tokensEstimated ? '≈' : ''}${e.tokens}`) },
  // An upper bound, as everywhere costs are shown: the input plus the output up to its limit.
  { key: 'cost', header: 'Cost/run', value: (e) => (e.costPerRun === undefined ? '-' : `≤${money(e.costPerRun)}`) },
  { key: 'tests', header: 'Tests', value: (e) => (e.tests ? `${e.tests.verdict} ${e.tests.passed}/${e.tests.total} (${Math.round(e.tests.passRate * 100)}%)` : 'none') },
  { key: 'changed', header: 'Last change', value: (e) => (e.lastChange ? `${e.lastChange.date.slice(0, 10)} ${e.lastChange.author}: ${e.lastChange.summary}` : '-') },
];

export function money(usd: number): string {
  return usd >= 0.01 ? `$${usd.toFixed(2)}` : usd > 0 ? `$${usd.toFixed(5).replace(/0+$/, '')}` : '$0';
}

function csvCell(s: string): string {
  return /[",\r\n]/.test(s) || /^\s|\s$/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

function mdCell(s: string): string {
  return s.replace(/\\/g, '\\\\').replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
}

function findingLine(f: LifecycleFinding): string {
  return `${f.path}:${f.diagnostic.range.start.line + 1}:${f.diagnostic.range.start.character + 1}: ${f.level} ${f.diagnostic.message} (${f.rule})`;
}

/** JSON rows: plain data, `null` for what is unknown. */
export function catalogJson(entries: readonly CatalogEntry[], findings: readonly LifecycleFinding[] = []): unknown {
  return {
    prompts: entries.map((e) => ({
      name: e.name,
      path: e.path,
      format: e.format,
      owner: e.owner ?? null,
      ownerSource: e.ownerSource,
      status: e.status,
      statusSource: e.statusSource,
      tags: e.tags,
      version: e.version ?? null,
      model: e.model ?? null,
      tokens: e.tokens ?? null,
      tokensEstimated: e.tokensEstimated ?? false,
      costPerRun: e.costPerRun ?? null,
      contentHash: e.contentHash,
      tests: e.tests ? { verdict: e.tests.verdict, passed: e.tests.passed, total: e.tests.total, passRate: e.tests.passRate, lastRun: e.tests.lastRun ?? null } : null,
      lastChange: e.lastChange ?? null,
      errors: e.errors,
    })),
    findings: findings.map((f) => ({ path: f.path, rule: f.rule, level: f.level, line: f.diagnostic.range.start.line + 1, column: f.diagnostic.range.start.character + 1, message: String(f.diagnostic.message) })),
  };
}

export function formatCatalog(entries: readonly CatalogEntry[], format: CatalogFormat, findings: readonly LifecycleFinding[] = []): string {
  if (format === 'json') return `${JSON.stringify(catalogJson(entries, findings), null, 2)}\n`;
  const rows = entries.map((e) => CATALOG_FIELDS.map((f) => f.value(e)));
  const headers = CATALOG_FIELDS.map((f) => f.header);
  if (format === 'csv') return [headers, ...rows].map((r) => r.map(csvCell).join(',')).join('\r\n') + '\r\n';
  if (format === 'markdown') {
    const lines = [`| ${headers.join(' | ')} |`, `|${headers.map(() => '---').join('|')}|`, ...rows.map((r) => `| ${r.map(mdCell).join(' | ')} |`)];
    if (findings.length) lines.push('', '**Lifecycle findings**', '', ...findings.map((f) => `- \`${f.path}:${f.diagnostic.range.start.line + 1}\` ${f.level}: ${mdCell(String(f.diagnostic.message))} ([${f.rule}](docs/rules/${f.rule}.md))`));
    return `${lines.join('\n')}\n`;
  }
  if (!entries.length) return `No prompt files found.\n${findings.map(findingLine).join('\n')}`;
  const widths = headers.map((h, i) => Math.min(48, Math.max(h.length, ...rows.map((r) => [...r[i]].length))));
  const cut = (s: string, w: number) => ([...s].length > w ? `${[...s].slice(0, w - 1).join('')}…` : s.padEnd(w));
  const out = [headers.map((h, i) => cut(h, widths[i])).join('  ').trimEnd(), ...rows.map((r) => r.map((c, i) => cut(c, widths[i])).join('  ').trimEnd())];
  out.push('', `${entries.length} prompt${entries.length === 1 ? '' : 's'}.`);
  if (findings.length) out.push('', ...findings.map(findingLine));
  return `${out.join('\n')}\n`;
}
