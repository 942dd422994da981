// What the user sees of agent instruction files: the code lenses (the file, each section, the files
// an `applyTo` glob matches), the status bar summary, the always-loaded set's budget diagnostic,
// and the lint findings across the set (the same instruction in two files, two files
// contradicting each other), all from the counts and parses `AgentFiles` keeps.
import type { CodeLens } from 'vscode-languageserver-types';
import type { PromptDiagnostic } from '../diagnostic';
import type { PromptDocument } from '../document';
import { agentInfo, KIND_LABELS } from '../formats/registry';
import { kindOf } from '../lint/conflicting-instructions';
import { severityFor, type ResolvedLintConfig } from '../lint/config';
import { longEnough } from '../lint/duplicate-instruction';
import { proseOf, type Sentence } from '../lint/prose';
import { suppressionsOf } from '../lint/suppress';
import { clip } from '../lint/util';
import type { Span } from '../text';
import type { TokenOptions } from '../tokens/count';
import { formatTokens } from '../tokens/present';
import { agentFileTokens } from './count';
import type { AgentFileEntry, AgentSet, CountingGroup } from './set';

const int = (n: number) => Math.round(n).toLocaleString('en-US');

function lensAt(line: number, title: string): CodeLens {
  return { range: { start: { line, character: 0 }, end: { line, character: 0 } }, command: { title, command: '' } };
}

/**
 * The lenses of an instruction file: its tokens, kind and how it loads (with the set's total and
 * budget when it is in the always-loaded set) above the first line, and each section's tokens
 * above its heading.
 */
export function agentCodeLenses(doc: PromptDocument, options: TokenOptions = {}, set?: AgentSet): CodeLens[] {
  const info = agentInfo(doc);
  const t = agentFileTokens(doc, options);
  if (!info || !t || doc.notice === 'binary') return [];
  const est = t.estimated;
  const entry = set?.files.find((f) => f.uri === doc.uri);
  const parts = [`${KIND_LABELS[info.kind]}: ${formatTokens(t.tokens, est)}`, t.model.id ?? t.model.requested ?? t.model.encoding];
  if (entry) parts.push(entry.loading === 'always' ? `always loaded: ${setTotal(set!)}` : `loaded ${loadingWords(entry)}`);
  const lenses = [lensAt(0, parts.join(' · '))];
  for (const s of t.sections) {
    if (s.title === undefined && s.line === 0) continue;
    lenses.push(lensAt(s.line, `${s.title === undefined ? 'Before the first heading' : `${'#'.repeat(s.level)} ${clip(s.title, 40)}`}: ${formatTokens(s.tokens, est)}`));
  }
  return lenses;
}

function setTotal(set: AgentSet): string {
  const files = `${set.always.length} file${set.always.length === 1 ? '' : 's'}`;
  const total = `${formatTokens(set.total, set.estimated)} in ${files}`;
  return set.budget ? `${total} of ${int(set.budget)} budget${set.over ? ` (${int(set.over)} over)` : ''}` : total;
}

function loadingWords(f: AgentFileEntry): string {
  switch (f.loading) {
    case 'always':
      return 'with every request';
    case 'folder':
      return f.reason;
    case 'matching':
      return `for matching files (${f.reason})`;
    default:
      return `on demand (${f.reason})`;
  }
}

/** The lens above an `applyTo` / `globs` value: how many workspace files it matches, with the first few. */
export function applyToLens(doc: PromptDocument, matched: readonly string[], limit = 5): CodeLens | undefined {
  const info = agentInfo(doc);
  if (!info?.applyTo) return undefined;
  const line = doc.lines.positionAt(info.applyTo.span.start).line;
  const names = matched.slice(0, limit).join(', ');
  const title = matched.length ? `matches ${int(matched.length)} file${matched.length === 1 ? '' : 's'}: ${names}${matched.length > limit ? ', …' : ''}` : 'matches no file in the workspace';
  return lensAt(line, title);
}

/** The status bar: the file's tokens and the always-loaded set's (text and Markdown table). */
export function agentSummaryText(doc: PromptDocument, options: TokenOptions = {}, set?: AgentSet): { text: string; tooltip: string } | undefined {
  const info = agentInfo(doc);
  const t = agentFileTokens(doc, options);
  if (!info || !t) return undefined;
  const entry = set?.files.find((f) => f.uri === doc.uri);
  const text = `${formatTokens(t.tokens, t.estimated)}${set && entry?.loading === 'always' ? ` · set ${formatTokens(set.total, set.estimated, '')}${set.budget ? `/${int(set.budget)}` : ''}` : ''}`;
  const fm = doc.frontmatter.present ? ` (frontmatter ${formatTokens(t.frontmatter, t.estimated)}, read by the tool, not counted)` : '';
  const md = [`**${KIND_LABELS[info.kind]}**: ${formatTokens(t.tokens, t.estimated)} for \`${t.model.id ?? t.model.requested ?? t.model.encoding}\`${fm}`];
  if (entry) md.push(`Loaded ${loadingWords(entry)}.`);
  if (set) md.push(agentSetTable(set, 'markdown'));
  return { text, tooltip: md.join('\n\n') };
}

/** The always-loaded set as a table (text for the CLI, Markdown for tooltips), then the other files. */
export function agentSetTable(set: AgentSet, style: 'text' | 'markdown'): string {
  // When the files were not all counted the same way (a prompt file names its own model), each row says what it was counted for.
  const perFile = set.counting.length > 1;
  const rows = set.files.map((f) => [f.path, f.kindLabel, f.loading === 'always' ? 'always' : f.loading, f.tokens === undefined ? '–' : formatTokens(f.tokens, f.estimated, ''), ...(perFile ? [f.counting?.model ?? '–'] : [])]);
  const budget = set.budget ? ` / budget ${int(set.budget)}${set.over ? ` (${int(set.over)} over)` : ''}` : '';
  const totalRow = ['Always loaded', `${set.always.length} file${set.always.length === 1 ? '' : 's'}`, '', `${formatTokens(set.total, set.estimated, '')}${budget}`, ...(perFile ? [''] : [])];
  const head = ['File', 'Kind', 'Loaded', 'Tokens', ...(perFile ? ['Counted for'] : [])];
  if (style === 'markdown') {
    const esc = (s: string) => s.replace(/\|/g, '\\|');
    return [`| ${head.join(' | ')} |`, `|---|---|---|---:|${perFile ? '---|' : ''}`, ...rows.map((r) => `| ${r.map(esc).join(' | ')} |`), `| **${totalRow[0]}** | ${totalRow[1]} | | **${totalRow[3]}** |${perFile ? ' |' : ''}`].join('\n');
  }
  const all = [head, ...rows, totalRow];
  const widths = head.map((_, i) => Math.max(...all.map((r) => r[i].length)));
  const line = (r: string[]) => r.map((c, i) => (i === 3 ? c.padStart(widths[i]) : c.padEnd(widths[i]))).join('  ').trimEnd();
  return [line(all[0]), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line), widths.map((w) => '-'.repeat(w)).join('  '), line(totalRow)].join('\n');
}

/**
 * What the set's numbers were counted for and how, for the CLI's header: `counted for
 * claude-sonnet-4-5, Claude estimate (o200k_base × 1.20)`, `counted with o200k_base (exact; no model
 * named)`, or, when the files were counted different ways, one line per way.
 */
export function agentCountingLines(set: AgentSet): string[] {
  const way = (g: CountingGroup) =>
    g.source === 'none' ? `with ${g.how} (exact; no model named)` : `for ${g.model}${g.source === 'frontmatter' ? ' (named in the file)' : ''}, ${g.exact ? `${g.how} (exact)` : g.how}`;
  if (!set.counting.length) return [`counted with ${set.model}`];
  if (set.counting.length === 1) return [`counted ${way(set.counting[0])}`];
  return ['counted per file:', ...set.counting.map((g) => `  ${g.files} file${g.files === 1 ? '' : 's'} ${way(g)}`)];
}

/** Where the budget diagnostic sits: the file's first line (the heading of most instruction files). */
function firstLine(doc: PromptDocument): Span {
  const info = agentInfo(doc);
  const start = info && info.body.start < doc.text.length && doc.frontmatter.present ? info.body.start : 0;
  const line = doc.lines.lineAt(start);
  return { start, end: Math.max(start, doc.lines.lineEnd(line)) };
}

/**
 * The diagnostics of one file that come from the always-loaded set: `agents-budget` (a warning on the
 * first line of the body of each file of the set when the set is over `agents.budget`), and the
 * cross-file `duplicate-instruction` and `conflicting-instructions` findings (at the rules' levels).
 */
export function agentSetDiagnostics(doc: PromptDocument, set: AgentSet, lint?: ResolvedLintConfig): PromptDiagnostic[] {
  const entry = set.always.find((f) => f.uri === doc.uri);
  if (!entry) return [];
  const out: PromptDiagnostic[] = [];
  if (set.over && set.budget) {
    const others = set.always.filter((f) => f !== entry).map((f) => `${f.path} ${int(f.tokens ?? 0)}`);
    out.push({
      code: 'agents-budget',
      severity: 'warning',
      message: `The always-loaded instruction files are ${formatTokens(set.total, set.estimated)}, ${int(set.over)} over the budget of ${int(set.budget)} (agents.budget of the project config): this file ${int(entry.tokens ?? 0)}${others.length ? `, ${others.join(', ')}` : ''}. Every request sends them all; shorten them or scope a part with applyTo.`,
      span: firstLine(doc),
      data: { total: set.total, budget: set.budget, tokens: entry.tokens },
    });
  }
  out.push(...crossFileFindings(doc, set, lint));
  return out;
}

interface Located {
  file: AgentFileEntry;
  sentence: Sentence;
}

function sentencesOf(f: AgentFileEntry): Sentence[] {
  if (!f.doc || f.doc.notice) return [];
  const prose = proseOf(f.doc);
  return prose.sentences.filter((s) => !prose.inData(s.span.start));
}

/** The same instruction in two files of the set, and two files of the set contradicting each other, as findings in `doc`. */
function crossFileFindings(doc: PromptDocument, set: AgentSet, lint?: ResolvedLintConfig): PromptDiagnostic[] {
  const dupLevel = lint?.levels['duplicate-instruction'] ?? 'warning';
  const conflictLevel = lint?.levels['conflicting-instructions'] ?? 'info';
  const dupSeverity = severityFor(dupLevel);
  const conflictSeverity = severityFor(conflictLevel);
  if ((!dupSeverity && !conflictSeverity) || set.always.length < 2) return [];
  const mine = set.always.find((f) => f.uri === doc.uri)!;
  const firstByKey = new Map<string, Located>();
  const directives = new Map<string, Located[]>();
  let brief: Located | undefined;
  let detailed: Located | undefined;
  const out: PromptDiagnostic[] = [];
  const suppressed = suppressionsOf(doc);
  const where = (l: Located) => `${l.file.path} line ${l.sentence.line + 1}`;
  for (const file of set.always) {
    for (const s of sentencesOf(file)) {
      const here: Located = { file, sentence: s };
      if (dupSeverity && longEnough(s.key)) {
        const first = firstByKey.get(s.key);
        if (!first) firstByKey.set(s.key, here);
        else if (first.file !== file && file === mine && !suppressed.isSuppressed('duplicate-instruction', s.line)) {
          out.push({ code: 'duplicate-instruction', severity: dupSeverity, message: `This instruction is also in ${where(first)}: "${clip(s.words)}". Both files are sent with every request: say it in one of them.`, span: s.span, data: { otherFile: first.file.uri, otherLine: first.sentence.line + 1 } });
        }
      }
      if (!conflictSeverity) continue;
      const k = kindOf(s.words);
      if (!k.usable) continue;
      const conflict = (other: Located | undefined, what: string) => {
        if (other && other.file !== file && file === mine && !suppressed.isSuppressed('conflicting-instructions', s.line)) {
          out.push({ code: 'conflicting-instructions', severity: conflictSeverity, message: `${what} ${where(other)}: "${clip(other.sentence.words)}". Both files are sent with every request, so the model gets both; keep one.`, span: s.span, data: { otherFile: other.file.uri, otherLine: other.sentence.line + 1 } });
        }
      };
      if (k.brief) {
        conflict(detailed, 'This asks for brevity, but detail is asked for in');
        brief ??= here;
      }
      if (k.detailed) {
        conflict(brief, 'This asks for detail, but brevity is asked for in');
        detailed ??= here;
      }
      if (k.directive) {
        const list = directives.get(k.directive.key) ?? [];
        const opposite = list.find((l) => kindOf(l.sentence.words).directive?.negative !== k.directive!.negative);
        conflict(opposite, k.directive.negative ? 'This forbids what is required in' : 'This requires what is forbidden in');
        if (list.length < 8) list.push(here);
        directives.set(k.directive.key, list);
      }
    }
  }
  return out;
}
