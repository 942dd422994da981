// The audit trail of one prompt: every committed version (and the working copy when it differs),
// newest first, with its commit, date, author, a prompt-aware summary of the change (history's
// `summarizeChange`), the status change, and the run records that tested exactly that text.
import type { Git, LogEntry } from '../history/git';
import { entryTexts, readFullHistory } from '../history/history';
import { summarizeChange } from '../history/summary';
import { describeChange } from '../history/describe';
import type { Catalog } from './catalog';
import { sha256 } from './catalog';
import type { RecordIndex, TextVerdict } from './records';

export interface AuditVersion {
  /** Undefined for the working copy. */
  commit?: string;
  date?: string;
  author?: string;
  subject?: string;
  /** What changed in the prompt (`model gpt-4o → gpt-4o-mini, +1 variable`). */
  summary: string;
  status?: { from?: string; to?: string };
  version?: string;
  contentHash?: string;
  /** The run records that tested this exact text. */
  verified?: TextVerdict;
}

export interface AuditTrail {
  path: string;
  versions: AuditVersion[];
}

/** The trail of the file at `file` (absolute path); `working` is its current text on disk (or in the editor). */
export async function auditTrail(git: Git, file: string, catalog: Catalog, records: RecordIndex, working?: string, uri = file): Promise<AuditTrail> {
  const repo = await git.repository(file);
  const entries: LogEntry[] = repo.head ? await readFullHistory(git, repo) : [];
  const texts = await entryTexts(git, repo, entries);
  const statusOf = (text: string | undefined) => (text === undefined ? undefined : catalog.entryOf(uri, text));
  const versions: AuditVersion[] = [];
  const head = texts[0]?.after;
  if (working !== undefined && working !== head) {
    const before = statusOf(head);
    const after = statusOf(working)!;
    versions.push({
      summary: describeChange(summarizeChange(head, working, {}, uri)),
      status: before?.status !== after.status ? { from: before?.status, to: after.status } : undefined,
      version: after.version,
      contentHash: after.contentHash,
      verified: records.verdictOf(after.contentHash),
    });
  }
  entries.forEach((e, i) => {
    const { before, after } = texts[i];
    const a = statusOf(before);
    const b = statusOf(after);
    const hash = after === undefined ? undefined : sha256(after);
    versions.push({
      commit: e.hash,
      date: e.authorDate,
      author: e.authorName,
      subject: e.subject,
      summary: describeChange(summarizeChange(before, after, {}, uri)),
      status: a?.status !== b?.status ? { from: a?.status, to: b?.status } : undefined,
      version: b?.version,
      contentHash: hash,
      verified: hash ? records.verdictOf(hash) : undefined,
    });
  });
  return { path: repo.path, versions };
}

export function formatAudit(trail: AuditTrail, json: boolean): string {
  if (json) return `${JSON.stringify(trail, null, 2)}\n`;
  const out = [`Audit trail of ${trail.path}: ${trail.versions.length} version${trail.versions.length === 1 ? '' : 's'}`, ''];
  for (const v of trail.versions) {
    out.push(v.commit ? `${v.commit.slice(0, 10)}  ${v.date?.slice(0, 10)}  ${v.author}  ${v.subject}` : 'working copy (not committed)');
    out.push(`  change:  ${v.summary}`);
    if (v.status) out.push(`  status:  ${v.status.from ?? '(none)'} → ${v.status.to ?? '(deleted)'}`);
    if (v.version) out.push(`  version: ${v.version}`);
    out.push(`  tests:   ${v.verified ? `${v.verified.verdict} ${v.verified.passed}/${v.verified.total} in ${v.verified.records.join(', ')}` : 'no run record for this text'}`);
    out.push('');
  }
  return out.join('\n');
}
