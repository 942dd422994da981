// `prompt-workbench tokens`: the editor's token numbers for scripts and CI (per message, template
// and rendered totals, model, window share, cost), as a text table or JSON.
import { readFile } from 'node:fs/promises';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseDocument, type PartialIndex, type SchemaLibrary } from '../service';
import type { WorkspaceHost } from '../service/host';
import { AgentFiles, agentCountingLines, agentSetTable, type AgentsConfig } from '../service/agents';
import { ESTIMATE_LABELS, isEstimateFamily } from '../service/tokens/catalogue';
import { documentTokens, formatMoney, formatShare, formatTokens, mediaLines, messagesInSettings, renderedTokens, testRowTokens, tokenDiagnostics, type Cost, type RenderedTokens } from '../service/tokens';

export interface TokensCommandOptions {
  model?: string;
  json: boolean;
  partials: PartialIndex;
  /** The project config's named schemas, for the rendered count. */
  schemas?: SchemaLibrary;
}

export interface FileTokens {
  file: string;
  model: string | null;
  modelId: string | null;
  tokenizer: string;
  estimated: boolean;
  messages: { role: string; line: number; tokens: number; content: number; framing: number }[];
  template: number;
  framing: number;
  /** Tokens of the frontmatter (not sent); null when the file has none, or when the messages are written inside the settings' YAML. */
  frontmatter: number | null;
  rendered: RenderedTokens;
  /** The prompt rendered with each test case the file holds (GitHub Models `testData` rows). */
  rows: { name: string; line: number; rendered: RenderedTokens }[];
  output: { tokens: number; source: string };
  contextWindow: number | null;
  share: number | null;
  cost: Cost | null;
  catalogueAsOf: string;
  notes: string[];
  problems: { code: string; severity: string; message: string }[];
}

export async function countFile(file: string, options: Omit<TokensCommandOptions, 'json'>): Promise<FileTokens> {
  const text = await readFile(file, 'utf8');
  // No size limit here: the CLI counts and renders any prompt exactly.
  const doc = parseDocument(text, pathToFileURL(file).toString(), 0, { maxTemplateSize: Infinity });
  const opts = { model: options.model, analysis: { partials: options.partials, schemas: options.schemas }, maxRenderSize: Infinity };
  const t = documentTokens(doc, opts);
  const rendered = await renderedTokens(doc, opts);
  const rows = (await testRowTokens(doc, opts)).map((r) => ({ name: r.name, line: doc.lines.positionAt(r.span.start).line + 1, rendered: r.rendered }));
  return {
    file,
    model: t.model.requested ?? null,
    modelId: t.model.id ?? null,
    tokenizer: t.model.exact ? t.model.encoding : isEstimateFamily(t.model.tokenizer) ? ESTIMATE_LABELS[t.model.tokenizer] : `${t.model.encoding} (estimate: the model's own tokenizer is unknown)`,
    estimated: t.estimated,
    messages: t.messages.map((m) => ({ role: m.role, line: doc.lines.positionAt(m.span.start).line + 1, tokens: m.tokens, content: m.content, framing: m.framing })),
    template: t.template,
    framing: t.framing,
    frontmatter: !doc.frontmatter.present || messagesInSettings(doc) ? null : t.frontmatter,
    rendered,
    rows,
    output: t.output,
    contextWindow: t.contextWindow ?? null,
    share: t.share ?? null,
    cost: t.cost ?? null,
    catalogueAsOf: t.catalogueAsOf,
    notes: t.notes,
    problems: tokenDiagnostics(doc, opts).map((d) => ({ code: d.code, severity: d.severity, message: d.message })),
  };
}

function pad(s: string, n: number): string {
  return s.length >= n ? s : s + ' '.repeat(n - s.length);
}

function lpad(s: string, n: number): string {
  return s.length >= n ? s : ' '.repeat(n - s.length) + s;
}

export function printTokens(results: FileTokens[], cwd: string, out: NodeJS.WritableStream): void {
  const money = (c: Cost | null | undefined) => (c ? `≤${formatMoney(c.total)}` : '-');
  for (const r of results) {
    const est = r.estimated;
    out.write(`${path.relative(cwd, r.file) || r.file}  ${r.modelId ?? r.model ?? 'no model'} (${r.tokenizer})\n`);
    const rows: [string, string, string, string][] = [];
    for (const m of r.messages) rows.push([`  ${m.role} (line ${m.line})`, m.role === 'history' ? 'run time' : formatTokens(m.tokens, est, ''), '', '']);
    const window = (share: number | null | undefined) => (share != null && r.contextWindow ? `${formatShare(share)} of ${r.contextWindow.toLocaleString('en-US')}` : '-');
    rows.push(['  template', formatTokens(r.template, est, ''), window(r.share), money(r.cost)]);
    if (r.rendered.available) rows.push(['  rendered', formatTokens(r.rendered.tokens, r.rendered.estimated, ''), window(r.rendered.share), money(r.rendered.cost)]);
    else rows.push(['  rendered', 'unavailable', '', '']);
    for (const row of r.rows) rows.push([`  ${row.name} (line ${row.line})`, row.rendered.available ? formatTokens(row.rendered.tokens, row.rendered.estimated, '') : 'unavailable', row.rendered.available ? window(row.rendered.share) : '', row.rendered.available ? money(row.rendered.cost) : '']);
    if (r.frontmatter !== null) rows.push(['  frontmatter (not sent)', formatTokens(r.frontmatter, est, ''), '', '']);
    const w0 = Math.max(24, ...rows.map((x) => x[0].length));
    const w1 = Math.max(8, ...rows.map((x) => x[1].length));
    const w2 = Math.max(6, ...rows.map((x) => x[2].length));
    out.write(`${pad('', w0)}  ${lpad('tokens', w1)}  ${pad('window', w2)}  one run\n`);
    for (const [a, b, c, d] of rows) out.write(`${pad(a, w0)}  ${lpad(b, w1)}  ${pad(c, w2)}  ${d}\n`.replace(/ +\n$/, '\n'));
    if (r.output.tokens) out.write(`  window and cost include ${r.output.tokens.toLocaleString('en-US')} output tokens (${r.output.source}); chat framing ${r.framing}\n`);
    if (!r.rendered.available) out.write(`  rendered count unavailable: ${r.rendered.reason}\n`);
    else for (const l of mediaLines(r.rendered.media)) out.write(`  rendered ${l}\n`);
    for (const p of r.problems) out.write(`  ${p.severity}: ${p.message}  ${p.code}\n`);
    for (const n of r.notes) out.write(`  note: ${n}\n`);
    out.write('\n');
  }
  const total = results.reduce((s, r) => s + r.template, 0);
  const anyEstimate = results.some((r) => r.estimated);
  const cost = results.reduce((s, r) => s + (r.cost?.total ?? 0), 0);
  out.write(`${formatTokens(total, anyEstimate)} (template) in ${results.length} file${results.length === 1 ? '' : 's'}${cost ? `; one run of each: ≤${formatMoney(cost)} at list prices as of ${results[0]?.catalogueAsOf}` : ''}.${anyEstimate ? ' ≈ marks estimates.' : ''}\n`);
}

/** Runs the command; exit code 1 when a prompt does not fit its model's context window. */
export async function tokensCommand(files: string[], options: TokensCommandOptions, cwd: string, stdout: NodeJS.WritableStream): Promise<number> {
  const results: FileTokens[] = [];
  for (const file of files) results.push(await countFile(file, options));
  if (options.json) stdout.write(`${JSON.stringify(results.map((r) => ({ ...r, file: path.relative(cwd, r.file) })), null, 2)}\n`);
  else printTokens(results, cwd, stdout);
  return results.some((r) => r.problems.some((p) => p.severity === 'error')) ? 1 : 0;
}

/**
 * `prompt-workbench tokens --agents [folder]`: the agent instruction files under the folder (the
 * project root by default), each with its kind, when it loads and its tokens, and the
 * always-loaded set summed against `agents.budget`. Exit code 1 when the set is over its budget.
 */
export async function agentsTokensCommand(root: string, options: { host: WorkspaceHost; config?: AgentsConfig; model?: string; json: boolean }, stdout: NodeJS.WritableStream): Promise<number> {
  const files = new AgentFiles(options.host);
  try {
    const set = await files.set(pathToFileURL(root).toString(), options.config, { model: options.model }, { all: true });
    if (options.json) {
      stdout.write(
        `${JSON.stringify(
          {
            root,
            model: set.model,
            counting: set.counting,
            files: set.files.map((f) => ({ file: f.path, kind: f.kind, loading: f.loading, reason: f.reason, tokens: f.tokens, estimated: f.estimated, countedFor: f.counting?.model ?? null, tokenizer: f.counting?.how ?? null, applyTo: f.applyTo ?? null, sections: (f.sections ?? []).map((s) => ({ title: s.title ?? null, level: s.level, line: s.line + 1, tokens: s.tokens })) })),
            alwaysLoaded: { files: set.always.map((f) => f.path), tokens: set.total, estimated: set.estimated, budget: set.budget ?? null, over: set.over },
          },
          null,
          2,
        )}\n`,
      );
    } else if (!set.files.length) {
      stdout.write(`No agent instruction files under ${root} (AGENTS.md, .github/copilot-instructions.md, *.instructions.md, *.prompt.md, *.agent.md, SKILL.md, CLAUDE.md, .cursor/rules/*.mdc, or agents.files of the project config).\n`);
    } else {
      const [first, ...more] = agentCountingLines(set);
      stdout.write(`Agent instruction files under ${root}, ${first}${more.length ? '' : ':'}\n${more.map((l) => `${l}\n`).join('')}\n${agentSetTable(set, 'text')}\n`);
      if (set.over) stdout.write(`\nThe always-loaded set is ${set.over.toLocaleString('en-US')} tokens over its budget of ${set.budget!.toLocaleString('en-US')} (agents.budget).\n`);
      if (set.files.some((f) => f.tokens !== undefined && f.estimated)) stdout.write('≈ marks estimates.\n');
      // CLAUDE.md and GEMINI.md are read by one family of models: say how to count for it when no model is named.
      if (set.counting.every((g) => g.source === 'none')) {
        for (const [kind, family, example] of [['claude', 'Claude', 'claude-sonnet-4-5'], ['gemini', 'Gemini', 'gemini-2.5-pro']] as const) {
          if (set.files.some((f) => f.kind === kind && f.tokens !== undefined)) stdout.write(`note: ${kind === 'claude' ? 'CLAUDE.md' : 'GEMINI.md'} is read by ${family} models, whose tokenizer differs: --model ${example} (or agents.model) counts an estimate for one.\n`);
        }
      }
    }
    return set.over ? 1 : 0;
  } finally {
    files.dispose();
  }
}
