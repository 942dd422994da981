// What the user sees of the counts: code lenses above the frontmatter and each message, the hover
// of a role marker, the status bar summary (text + Markdown tooltip), and the budget diagnostics on
// the `model:` line. All computed from the memoised `documentTokens`, so nothing is counted twice.
import { MarkupKind, type CodeLens, type Hover, type MarkupContent } from 'vscode-languageserver-types';
import type { PromptDiagnostic } from '../diagnostic';
import type { PromptDocument } from '../document';
import { formatOf } from '../formats/registry';
import { tagAt } from '../template';
import type { Span } from '../text';
import { budgetFor } from './budget';
import { ESTIMATE_LABELS, isEstimateFamily } from './catalogue';
import { DEFAULT_WARN_AT_SHARE, documentTokens, renderedTokens, testRowTokens, type Cost, type DocumentTokens, type MediaTally, type RenderedTokens, type TokenOptions } from './count';

// ---- formatting ----

const int = (n: number) => Math.round(n).toLocaleString('en-US');

/** `1,234 tokens`, or `≈1,234 tokens` for an estimate. */
export function formatTokens(n: number, estimated: boolean, unit = 'tokens'): string {
  return `${estimated ? '≈' : ''}${int(n)}${unit ? ` ${unit}` : ''}`;
}

export function formatShare(share: number): string {
  const pct = share * 100;
  if (pct > 0 && pct < 0.1) return '<0.1%';
  return `${pct < 10 ? pct.toFixed(1) : Math.round(pct).toString()}%`;
}

export function formatMoney(amount: number): string {
  if (amount === 0) return '$0';
  if (amount < 0.000001) return '<$0.000001';
  if (amount >= 1) return `$${amount.toFixed(2)}`;
  if (amount >= 0.01) return `$${amount.toFixed(3)}`;
  return `$${amount.toPrecision(2)}`;
}

/** `128K`, `1M`, `1,047,576`: a context window as people say it. */
export function formatWindow(n: number): string {
  if (n % 1_000_000 === 0) return `${n / 1_000_000}M`;
  if (n % 1000 === 0) return `${n / 1000}K`;
  return int(n);
}

function modelLabel(t: DocumentTokens): string {
  return t.model.id ?? t.model.requested ?? 'no model';
}

function tokenizerLabel(t: DocumentTokens): string {
  const m = t.model;
  if (isEstimateFamily(m.tokenizer)) return ESTIMATE_LABELS[m.tokenizer];
  return m.exact ? m.encoding : `${m.encoding}; the model’s own tokenizer is unknown`;
}

function costLine(cost: Cost, output: DocumentTokens['output'], asOf: string): string {
  const out = output.tokens ? ` + up to ${formatMoney(cost.output)} output (${int(output.tokens)} tokens, ${output.source})` : '';
  return `${formatMoney(cost.input)} input${out}${cost.tier ? `, price ${cost.tier}` : ''} (list prices as of ${asOf})`;
}

// ---- code lenses ----

/** One title-only lens above the frontmatter (the whole prompt) and one above each message. */
export function tokenCodeLenses(doc: PromptDocument, options: TokenOptions = {}): CodeLens[] {
  if (doc.notice === 'binary') return [];
  const t = documentTokens(doc, options);
  const est = t.estimated;
  const lens = (offset: number, title: string): CodeLens => {
    const line = doc.lines.positionAt(offset).line;
    return { range: { start: { line, character: 0 }, end: { line, character: 0 } }, command: { title, command: '' } };
  };
  const lenses: CodeLens[] = [];
  const parts = [`Prompt: ${formatTokens(t.template, est)}`, modelLabel(t)];
  if (t.share !== undefined && t.contextWindow) parts.push(`${formatShare(t.share)} of ${formatWindow(t.contextWindow)} window`);
  if (t.cost) parts.push(`≤${formatMoney(t.cost.total)}/run`);
  if (t.model.unknown || t.model.source === 'none') parts.push(t.model.unknown ? 'not in catalogue' : 'no model');
  const top = doc.frontmatter.present ? doc.frontmatter.span.start : doc.template.span.start;
  lenses.push(lens(top, parts.join(' · ')));
  if (doc.frontmatter.present && !messagesInSettings(doc)) lenses.push(lens(top, `Frontmatter: ${formatTokens(t.frontmatter, est)} (not sent)`));
  for (const m of t.messages) {
    if (m.kind === 'history') {
      lenses.push(lens(m.span.start, 'history: earlier turns, inserted at run time (not counted)'));
      continue;
    }
    const framing = m.framing ? ` (${int(m.content)} + ${m.framing} framing)` : '';
    const media = m.media ? ` · ${m.media === 1 ? 'image' : `${m.media} images`}: not counted` : '';
    lenses.push(lens(m.span.start, `${m.role}: ${formatTokens(m.tokens, est)}${framing}${media}`));
  }
  return lenses;
}

/** Whether the messages are written inside the settings' YAML (a whole-YAML file), so no part of the file is "frontmatter, not sent". */
export function messagesInSettings(doc: PromptDocument): boolean {
  const fm = doc.frontmatter;
  return fm.present && doc.prompt.messages.some((m) => m.span.start >= fm.span.start && m.span.end <= fm.span.end);
}

/** One lens above each test case the file holds (GitHub Models `testData` rows): the prompt rendered with its values. */
export async function testRowLenses(doc: PromptDocument, options: TokenOptions = {}): Promise<CodeLens[]> {
  if (doc.notice || !doc.prompt.tests.length) return [];
  const rows = await testRowTokens(doc, options);
  return rows.map((r) => {
    const line = doc.lines.positionAt(r.span.start).line;
    const x = r.rendered;
    const title = x.available
      ? [`${r.name} rendered: ${formatTokens(x.tokens, x.estimated)}`, ...(x.share !== undefined ? [`${formatShare(x.share)} of window`] : []), ...(x.cost ? [`≤${formatMoney(x.cost.total)}/run`] : [])].join(' · ')
      : `${r.name}: not rendered (${x.reason})`;
    return { range: { start: { line, character: 0 }, end: { line, character: 0 } }, command: { title, command: '' } };
  });
}

// ---- hover of a role marker ----

/** The counts of the message whose `{{role}}` / `{{history}}` marker is under the cursor. */
export function tokenHover(doc: PromptDocument, offset: number, options: TokenOptions = {}): Hover | null {
  if (doc.notice || offset < doc.template.span.start) return null;
  const tag = tagAt(doc.template, offset);
  if (tag && tag.kind === 'mustache' && (tag.name === 'media' || tag.name === 'section')) return partHover(doc, tag, options);
  if (!tag || (tag.name !== 'role' && tag.name !== 'history')) return null;
  const t = documentTokens(doc, options);
  const message = t.messages.find((m) => m.span.start === tag.span.start && m.span.end === tag.span.end);
  if (!message) return null;
  const est = t.estimated;
  const lines: string[] = [];
  if (message.kind === 'history') {
    lines.push('**history**: earlier conversation turns, inserted at run time; not counted here.');
  } else {
    const framing = message.framing ? ` (${int(message.content)} text + ${message.framing} chat framing)` : '';
    lines.push(`**${message.role} message**: ${formatTokens(message.tokens, est)}${framing}`);
  }
  const window = t.contextWindow && t.share !== undefined ? `; with ${int(t.output.tokens)} output tokens reserved, ${formatShare(t.share)} of the ${int(t.contextWindow)}-token window` : '';
  lines.push(`Whole prompt: ${formatTokens(t.template, est)}${window}. Model \`${modelLabel(t)}\`, ${tokenizerLabel(t)}.`);
  if (t.cost) lines.push(`One run: ${costLine(t.cost, t.output, t.catalogueAsOf)}.`);
  for (const n of t.notes) lines.push(`_${n}_`);
  return { contents: { kind: MarkupKind.Markdown, value: lines.join('\n\n') }, range: doc.lines.range(tag.span.start, tag.span.end) };
}

/** What a `{{media}}` or `{{section}}` tag costs: why an image is not counted as written, and that a section marker sends nothing. */
function partHover(doc: PromptDocument, tag: NonNullable<ReturnType<typeof tagAt>>, options: TokenOptions): Hover {
  const t = documentTokens(doc, options);
  const lines: string[] = [];
  if (tag.name === 'section') {
    lines.push('**section marker**: 0 tokens. It sends no text: it marks where code fills or replaces a section at run time (a pending part), so nothing is counted for it.');
  } else {
    lines.push('**image: not counted** in the template figure. An image costs tokens by its size, which is known only when the prompt is rendered with a value.');
    lines.push(`Rendered, it is counted by the published rule of \`${modelLabel(t)}\`'s provider when there is one and the size can be read (a \`data:\` URI; a URL is not fetched): OpenAI by 512 px tiles or 32 px patches, Anthropic about width × height / 750, Gemini 258 for images up to 384 px. Otherwise the rendered count lists it as not counted, with why.`);
  }
  return { contents: { kind: MarkupKind.Markdown, value: lines.join('\n\n') }, range: doc.lines.range(tag.span.start, tag.span.end) };
}

/** The non-text parts of a rendered count, one line each: `image: 765 tokens (OpenAI tiles ...)` or `image: not counted (why)`. */
export function mediaLines(media: MediaTally | undefined): string[] {
  if (!media) return [];
  const out = media.rules.map((rule, i) => `image ${i + 1}: counted by ${rule}`);
  if (media.counted) out.unshift(`${media.counted === 1 ? 'image' : `${int(media.counted)} images`}: ${int(media.tokens)} tokens (included)`);
  for (const n of media.notCounted) out.push(`${n.what}: not counted (${n.reason})`);
  return out;
}

/** Appends the token hover to another feature's hover of the same place (either may be null). */
export function combineHovers(first: Hover | null | undefined, second: Hover | null | undefined): Hover | null {
  if (!first) return second ?? null;
  if (!second) return first;
  const text = (h: Hover) => {
    const c = h.contents;
    if (typeof c === 'string') return c;
    if (Array.isArray(c)) return c.map((x) => (typeof x === 'string' ? x : `\`\`\`${x.language}\n${x.value}\n\`\`\``)).join('\n\n');
    return (c as MarkupContent).value ?? (c as { value: string }).value;
  };
  return { contents: { kind: MarkupKind.Markdown, value: `${text(first)}\n\n---\n\n${text(second)}` }, range: first.range ?? second.range };
}

// ---- the status bar summary ----

/** The prompt rendered with the values of its fixture cases (computed by the testing engine, `fixtureCaseTokens`). */
export interface FixtureCaseTokens {
  /** Cases that are not skipped, in all the prompt's fixture files. */
  cases: number;
  /** Cases rendered and counted (at most the first 50). */
  counted: number;
  limited: boolean;
  first?: { name: string; tokens: number; estimated: boolean };
  min?: number;
  max?: number;
  estimated: boolean;
  unavailable: { name: string; reason: string }[];
  /** `file://` values left unread (an untrusted workspace): those cases were counted without them. */
  unread?: { name: string; refs: string[] }[];
  fixtures: string[];
}

export interface TokenSummary {
  uri: string;
  version: number;
  /** The model as written, or null. */
  model: string | null;
  /** Its catalogue id, when known. */
  modelId?: string;
  modelSource: 'frontmatter' | 'setting' | 'none';
  tokenizer: string;
  /** Whether any number is an estimate (≈). */
  estimated: boolean;
  template: number;
  framing: number;
  frontmatter: number;
  messages: { role: string; tokens: number; line: number }[];
  rendered: RenderedTokens;
  /** The rendered counts for the prompt's fixture cases, when it has any. */
  fixtureCases?: FixtureCaseTokens;
  output: { tokens: number; source: string };
  contextWindow?: number;
  share?: number;
  cost?: Cost;
  budget?: number;
  catalogueAsOf: string;
  notes: string[];
  /** The status bar text, e.g. `412 tokens · 0.4% of 128K`. */
  text: string;
  /** Markdown for the status bar tooltip. */
  tooltip: string;
}

/** Everything the status bar shows for a document: template and rendered counts, window, cost. */
export async function tokenSummary(doc: PromptDocument, options: TokenOptions = {}, fixtureCases?: FixtureCaseTokens): Promise<TokenSummary> {
  const t = documentTokens(doc, options);
  const rendered = await renderedTokens(doc, options);
  const est = t.estimated;
  const best = rendered.available ? rendered : undefined;
  const tokens = best?.tokens ?? t.template;
  const share = best?.share ?? t.share;
  const text = `${formatTokens(tokens, est || !!best?.estimated)}${share !== undefined && t.contextWindow ? ` · ${formatShare(share)} of ${formatWindow(t.contextWindow)}` : ''}`;

  const md: string[] = [];
  md.push(`**Tokens** for \`${modelLabel(t)}\`${t.model.source === 'setting' ? ' (from the setting promptWorkbench.tokens.model)' : ''}: ${est ? `≈ ${tokenizerLabel(t)}` : `exact, ${tokenizerLabel(t)}`}${t.longRuns && t.model.exact ? ' (long runs estimated)' : ''}`);
  const rows = ['| | tokens | window | one run |', '|---|---:|---:|---:|'];
  const shareCell = (s?: number) => (s === undefined ? '–' : formatShare(s));
  const costCell = (c?: Cost) => (c ? `≤${formatMoney(c.total)}` : '–');
  rows.push(`| Template (as written) | ${formatTokens(t.template, est, '')} | ${shareCell(t.share)} | ${costCell(t.cost)} |`);
  if (rendered.available) rows.push(`| Rendered (input.default) | ${formatTokens(rendered.tokens, rendered.estimated, '')} | ${shareCell(rendered.share)} | ${costCell(rendered.cost)} |`);
  else rows.push(`| Rendered | unavailable | | |`);
  const embedded = (await testRowTokens(doc, options)).filter((r) => r.rendered.available);
  if (embedded.length) {
    const counts = embedded.map((r) => (r.rendered.available ? r.rendered.tokens : 0));
    const e = embedded.some((r) => r.rendered.available && r.rendered.estimated);
    const min = Math.min(...counts);
    const max = Math.max(...counts);
    rows.push(`| Rendered (test data rows: min–max over ${int(embedded.length)}) | ${min === max ? formatTokens(min, e, '') : `${formatTokens(min, e, '')}–${formatTokens(max, e, '')}`} | | |`);
  }
  const fc = fixtureCases;
  if (fc?.first && fc.min !== undefined && fc.max !== undefined) {
    const e = fc.estimated;
    const spread = fc.min === fc.max ? formatTokens(fc.min, e, '') : `${formatTokens(fc.min, e, '')}–${formatTokens(fc.max, e, '')}`;
    rows.push(`| Rendered (fixture cases: min–max over ${int(fc.counted)}) | ${spread} | | |`);
    rows.push(`| Rendered (first case: ${fc.first.name.replace(/\|/g, '\\|')}) | ${formatTokens(fc.first.tokens, fc.first.estimated, '')} | | |`);
  }
  md.push(rows.join('\n'));
  if (!rendered.available) md.push(`Rendered count unavailable: ${rendered.reason}`);
  else if (rendered.media) md.push(mediaLines(rendered.media).map((l) => `_Rendered ${l}._`).join('\n\n'));
  if (fc) {
    const notes: string[] = [];
    if (fc.limited) notes.push(`only the first ${int(fc.counted + fc.unavailable.length)} of ${int(fc.cases)} fixture cases are counted here; "Prompt Workbench: Estimate Test Suite Cost" counts them all`);
    if (fc.unavailable.length) notes.push(`${int(fc.unavailable.length)} fixture case${fc.unavailable.length === 1 ? '' : 's'} cannot be rendered (${fc.unavailable[0].name}: ${fc.unavailable[0].reason})`);
    if (fc.unread?.length) notes.push(`counted without the \`file://\` values not read in an untrusted workspace (${fc.unread.map((u) => `${u.name}: ${u.refs.map((r) => `file://${r}`).join(', ')}`).join('; ')})`);
    if (fc.first && notes.length === 0) notes.push(`fixture cases counted for each case's model (\`model:\` of the case or fixture file, else the prompt's)`);
    if (notes.length) md.push(`_Fixture cases: ${notes.join('; ')}._`);
  }
  const window = t.contextWindow ? `Context window ${int(t.contextWindow)} tokens; ${int(t.output.tokens)} reserved for the answer (${t.output.source}).` : 'Context window unknown.';
  md.push(`${window} Chat framing included: ${int(t.framing)} tokens.${messagesInSettings(doc) ? '' : ` Frontmatter (not sent): ${formatTokens(t.frontmatter, est)}.`}`);
  if (t.cost) md.push(`One run (template): ${costLine(t.cost, t.output, t.catalogueAsOf)}.`);
  const budget = budgetFor(doc.uri, options.budget);
  if (budget) md.push(`Budget: ${int(budget)} tokens (promptWorkbench.tokens.budget)${t.template > budget ? `: ${int(t.template - budget)} over` : ''}.`);
  for (const n of t.notes) md.push(`_${n}_`);

  return {
    uri: doc.uri,
    version: doc.version,
    model: t.model.requested ?? null,
    modelId: t.model.id,
    modelSource: t.model.source,
    tokenizer: tokenizerLabel(t),
    estimated: est,
    template: t.template,
    framing: t.framing,
    frontmatter: t.frontmatter,
    messages: t.messages.map((m) => ({ role: m.role, tokens: m.tokens, line: doc.lines.positionAt(m.span.start).line })),
    rendered,
    fixtureCases,
    output: t.output,
    contextWindow: t.contextWindow,
    share: t.share,
    cost: t.cost,
    budget,
    catalogueAsOf: t.catalogueAsOf,
    notes: t.notes,
    text,
    tooltip: md.join('\n\n'),
  };
}

// ---- budget diagnostics ----

/** Where a token problem is reported: the model's id, else the frontmatter's first line, else the start. */
function modelSpan(doc: PromptDocument): Span {
  const fm = doc.frontmatter;
  const model = doc.prompt.model?.span;
  if (model) return { start: model.start, end: Math.max(model.end, model.start + 1) };
  if (fm.present) return { start: fm.span.start, end: Math.min(fm.span.start + 3, doc.text.length) };
  return { start: 0, end: 0 };
}

/**
 * Context-window and budget checks: prompt tokens plus the reserved output over the model's window
 * is an error (`context-overflow`); above `warnAtShare` of it a warning (`context-budget`); over the
 * token budget a warning (`context-budget`); a model the catalogue does not know a hint
 * (`model-unknown`). Uses the template count: it does not depend on run-time values.
 */
export function tokenDiagnostics(doc: PromptDocument, options: TokenOptions = {}): PromptDiagnostic[] {
  if (doc.notice === 'binary') return [];
  const t = documentTokens(doc, options);
  const out: PromptDiagnostic[] = [];
  const span = modelSpan(doc);
  const name = `\`${modelLabel(t)}\``;
  const about = t.estimated ? 'about ' : '';
  const prompt = `${about}${int(t.template)} prompt tokens${t.estimated ? ' (estimated)' : ''}`;
  const reserved = t.output.tokens ? ` + ${int(t.output.tokens)} reserved for the answer (${t.output.source})` : '';
  const total = t.template + t.output.tokens;

  if (t.model.unknown && t.model.source === 'frontmatter') {
    out.push({ code: 'model-unknown', severity: 'hint', message: t.model.hint ?? `${name} is not in the model catalogue.`, span });
  }
  if (t.contextWindow) {
    const warnAt = options.warnAtShare ?? DEFAULT_WARN_AT_SHARE;
    if (total > t.contextWindow) {
      out.push({
        code: 'context-overflow',
        severity: 'error',
        message: `This prompt needs ${about}${int(total)} tokens (${prompt}${reserved}), but ${name} has a context window of ${int(t.contextWindow)} tokens: ${int(total - t.contextWindow)} over. Shorten the prompt${t.output.tokens ? `, lower ${formatOf(doc).keyPath('maxOutputTokens') ?? 'the output token limit'}` : ''} or choose a model with a larger window.`,
        span,
        data: { tokens: t.template, output: t.output.tokens, contextWindow: t.contextWindow },
      });
    } else if (warnAt > 0 && total > warnAt * t.contextWindow) {
      out.push({
        code: 'context-budget',
        severity: 'warning',
        message: `This prompt uses ${formatShare(total / t.contextWindow)} of ${name}'s ${int(t.contextWindow)}-token context window (${prompt}${reserved} = ${int(total)}), more than the ${formatShare(warnAt)} set by promptWorkbench.tokens.warnAtShare.`,
        span,
        data: { tokens: t.template, output: t.output.tokens, contextWindow: t.contextWindow },
      });
    }
  }
  const budget = budgetFor(doc.uri, options.budget);
  if (budget && t.template > budget) {
    out.push({
      code: 'context-budget',
      severity: 'warning',
      message: `This prompt is ${prompt}, ${int(t.template - budget)} over its budget of ${int(budget)} tokens (promptWorkbench.tokens.budget).`,
      span,
      data: { tokens: t.template, budget },
    });
  }
  return out;
}
