// Change summaries in words: the one-line form of history entries and the detailed lines of
// tooltips and the CLI. No parsing here, so the VS Code client can show summaries the language
// server computed.
import type { HistoryEntry } from './history';
import type { ChangeSummary } from './summary';

export interface DescribeOptions {
  /** Arrow between old and new values (`→` in the editor, `->` in plain text). */
  arrow?: string;
  /** Parameters listed in the short form before "+N more". */
  maxParameters?: number;
}

function shortModel(m: string | undefined): string {
  if (!m) return '(none)';
  const slash = m.lastIndexOf('/');
  return slash >= 0 ? m.slice(slash + 1) : m;
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

function signed(n: number): string {
  return n > 0 ? `+${n.toLocaleString('en-US')}` : n < 0 ? `-${(-n).toLocaleString('en-US')}` : '±0';
}

/** One line for a history entry: `model gpt-4o → gpt-4o-mini, +1 variable, -120 tokens`. */
export function describeChange(s: ChangeSummary, options: DescribeOptions = {}): string {
  const arrow = options.arrow ?? '→';
  const approx = s.tokensEstimated ? '≈' : '';
  if (s.kind === 'added') {
    const f = s.after!;
    return [`created`, f.model ? shortModel(f.model) : undefined, `${approx}${f.tokens.toLocaleString('en-US')} tokens`, f.variables.length ? plural(f.variables.length, 'variable') : undefined].filter(Boolean).join(', ');
  }
  if (s.kind === 'deleted') return 'deleted';
  if (s.kind === 'unchanged') return 'no change to the text';
  const parts: string[] = [];
  if (s.model) parts.push(`model ${shortModel(s.model.from)} ${arrow} ${shortModel(s.model.to)}`);
  const maxParams = options.maxParameters ?? 2;
  for (const p of s.parameters.slice(0, maxParams)) parts.push(p.from === undefined ? `+${p.key} ${p.to}` : p.to === undefined ? `-${p.key}` : `${p.key} ${p.from} ${arrow} ${p.to}`);
  if (s.parameters.length > maxParams) parts.push(`+${s.parameters.length - maxParams} more ${s.parameters.length - maxParams === 1 ? 'parameter' : 'parameters'}`);
  if (s.variables.added.length) parts.push(`+${plural(s.variables.added.length, 'variable')}`);
  if (s.variables.removed.length) parts.push(`-${plural(s.variables.removed.length, 'variable')}`);
  for (const m of s.messages) parts.push(`${m.delta > 0 ? '+' : '-'}${Math.abs(m.delta)} ${m.role} message${Math.abs(m.delta) === 1 ? '' : 's'}`);
  if (s.tools.added.length) parts.push(`+${plural(s.tools.added.length, 'tool')}`);
  if (s.tools.removed.length) parts.push(`-${plural(s.tools.removed.length, 'tool')}`);
  if (s.tests?.delta) parts.push(`${s.tests.delta > 0 ? '+' : '-'}${plural(Math.abs(s.tests.delta), 'test row')}`);
  if (s.tests?.checksAdded.length) parts.push(`+${plural(s.tests.checksAdded.length, 'evaluator')}`);
  if (s.tests?.checksRemoved.length) parts.push(`-${plural(s.tests.checksRemoved.length, 'evaluator')}`);
  if (s.tokenDelta) parts.push(`${approx}${signed(s.tokenDelta)} tokens`);
  if (!parts.length) {
    if (s.otherKeys.length) parts.push(`${s.otherKeys.join(', ')} changed`);
    else if (s.lines.added || s.lines.removed) parts.push(`text: +${s.lines.added} -${s.lines.removed} lines, same tokens`);
    else parts.push('no change to the text');
  }
  return parts.join(', ');
}

/** Every detail, one per line (tooltips and the CLI). */
export function describeChangeLines(s: ChangeSummary, options: DescribeOptions = {}): string[] {
  const arrow = options.arrow ?? '→';
  const out: string[] = [];
  const approx = (e: boolean | undefined) => (e ? '≈' : '');
  if (s.kind === 'added') {
    const f = s.after!;
    out.push('File added.');
    out.push(`Model: ${f.model ?? '(none)'}`);
    out.push(`Tokens: ${approx(f.estimated)}${f.tokens.toLocaleString('en-US')} (${f.tokenizer})`);
    if (f.variables.length) out.push(`Variables: ${f.variables.join(', ')}`);
    const roles = Object.entries(f.messages).map(([r, n]) => `${n} ${r}`);
    if (roles.length) out.push(`Messages: ${roles.join(', ')}`);
    if (f.version) out.push(`Version: ${f.version}`);
    if (f.tests) out.push(`Test rows: ${f.tests}${f.checks.length ? `, evaluators: ${f.checks.join(', ')}` : ''}`);
    return out;
  }
  if (s.kind === 'deleted') return ['File deleted.'];
  if (s.kind === 'unchanged') return ['No change to the text.'];
  const b = s.before!;
  const a = s.after!;
  if (s.version) out.push(`Version: ${s.version.from ?? '(none)'} ${arrow} ${s.version.to ?? '(none)'}`);
  if (s.model) out.push(`Model: ${s.model.from ?? '(none)'} ${arrow} ${s.model.to ?? '(none)'}`);
  for (const p of s.parameters) out.push(`${p.path ?? `config.${p.key}`}: ${p.from ?? '(unset)'} ${arrow} ${p.to ?? '(unset)'}`);
  if (s.variables.added.length) out.push(`Variables added: ${s.variables.added.join(', ')}`);
  if (s.variables.removed.length) out.push(`Variables removed: ${s.variables.removed.join(', ')}`);
  for (const m of s.messages) out.push(`${m.delta > 0 ? 'Added' : 'Removed'} ${plural(Math.abs(m.delta), `${m.role} message`)} (${b.messages[m.role] ?? 0} ${arrow} ${a.messages[m.role] ?? 0})`);
  if (s.tools.added.length) out.push(`Tools added: ${s.tools.added.join(', ')}`);
  if (s.tools.removed.length) out.push(`Tools removed: ${s.tools.removed.join(', ')}`);
  if (s.tests?.delta) out.push(`Test rows: ${b.tests ?? 0} ${arrow} ${a.tests ?? 0}`);
  if (s.tests?.checksAdded.length) out.push(`Evaluators added: ${s.tests.checksAdded.join(', ')}`);
  if (s.tests?.checksRemoved.length) out.push(`Evaluators removed: ${s.tests.checksRemoved.join(', ')}`);
  if (s.otherKeys.length) out.push(`Also changed: ${s.otherKeys.join(', ')}`);
  const tok = b.tokenizer === a.tokenizer ? `(${a.tokenizer})` : `(${b.tokenizer} ${arrow} ${a.tokenizer})`;
  out.push(`Tokens: ${approx(b.estimated)}${b.tokens.toLocaleString('en-US')} ${arrow} ${approx(a.estimated)}${a.tokens.toLocaleString('en-US')} (${signed(s.tokenDelta)}) ${tok}`);
  out.push(`Lines: +${s.lines.added} -${s.lines.removed}`);
  if (a.errors && !b.errors) out.push(`This version has ${plural(a.errors, 'error')} (YAML, schema or template).`);
  return out;
}

/**
 * What a history entry changed, in one line, as the Prompt History view and `prompt-workbench
 * history` both show it: `renamed from old.prompt`, the shallow-clone note, and the summary
 * (`undefined`: not computed yet, shown as `…`; `null`: it could not be computed).
 */
export function describeEntry(e: Pick<HistoryEntry, 'change' | 'previousPath' | 'truncated'>, s: ChangeSummary | null | undefined, options: DescribeOptions = {}): string {
  const notes: string[] = [];
  if (e.change === 'R' && e.previousPath) notes.push(`renamed from ${e.previousPath.slice(e.previousPath.lastIndexOf('/') + 1)}`);
  if (e.truncated) notes.push('oldest commit in this shallow clone');
  let summary: string;
  if (e.truncated) summary = '';
  else if (s) summary = e.change === 'R' && s.kind === 'unchanged' ? '' : describeChange(s, options);
  else summary = s === null ? 'summary unavailable' : '…';
  return [...notes, summary].filter(Boolean).join(', ');
}
