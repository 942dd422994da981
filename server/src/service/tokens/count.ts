// Token counts of one parsed prompt: per message of the shared model, the frontmatter, the prompt
// as written, the rendered prompt when values are available, the share of the model's context
// window and the cost of one run. Computed once per PromptDocument (one document version) and options.
import type { PromptDocument } from '../document';
import { markerSpan } from '../formats/model';
import { formatOf } from '../formats/registry';
import { MAX_SCANNED_SIZE } from '../formats/types';
import { LastVersions } from '../lastVersions';
import { renderPrompt } from '../render';
import type { AnalysisOptions } from '../scope';
import type { Span } from '../text';
import type { BudgetSetting } from './budget';
import { BUILTIN_CATALOGUE, mergeCatalogue, resolveModel, type Catalogue, type ModelEntry, type ResolvedModel } from './catalogue';
import { mediaTokens } from './images';
import { blockCounter, countPlain, type EncodingName } from './tokenizer';
import type { RenderedPart } from '../formats/types';
import { runSteps, type Steps } from '../slice';
import { textChange } from '../diff';

/** What the token features take from the settings (all optional). */
export interface TokenOptions {
  /** `promptWorkbench.tokens.model`: overrides the prompt's own model. */
  model?: string;
  /** `promptWorkbench.tokens.budget`: a token budget, or glob patterns to budgets (see budget.ts). */
  budget?: BudgetSetting;
  /** `promptWorkbench.tokens.warnAtShare`: warn above this share of the context window (default 0.8). */
  warnAtShare?: number;
  /** `promptWorkbench.models`: catalogue additions and overrides. */
  models?: unknown;
  /** Partials and helpers for rendering (the same options the template analysis uses). */
  analysis?: AnalysisOptions;
  /** Templates longer than this are not rendered for a rendered count (default 1,000,000 characters). */
  maxRenderSize?: number;
  /** Count the frontmatter too (default true). A catalogue row reads only the template's count and skips it. */
  frontmatter?: boolean;
}

export const DEFAULT_WARN_AT_SHARE = 0.8;
export const DEFAULT_MAX_RENDER_SIZE = 1_000_000;

/**
 * OpenAI chat framing, from OpenAI's cookbook "How to count tokens with tiktoken" (the figures for
 * gpt-3.5-turbo-0613 and later, gpt-4, gpt-4o and newer): every message costs 3 tokens
 * (`<|start|>`, the separator, `<|end|>`) plus its role name, and every reply is primed with
 * `<|start|>assistant<|message|>`, 3 more. gpt-tokenizer's chat encoding gives the same totals.
 */
export const TOKENS_PER_MESSAGE = 3;
export const REPLY_PRIMING = 3;

/** Characters per token for the length-based estimate of templates too large to count. */
export const CHARS_PER_TOKEN = 4;

/** Templates over maxFileSize are still counted exactly up to this size (the first count of 5 MB takes ~0.6 s). */
export const MAX_EXACT_SIZE = MAX_SCANNED_SIZE;

export interface MessageCount {
  role: string;
  kind: 'message' | 'history';
  /** The marker tag (`{{role "user"}}`), or the start of the body for the implicit first message. */
  span: Span;
  /** Tokens of the message's text as written, markers excluded (role, `{{section}}` and `{{media}}` tags send no text). */
  content: number;
  /** `{{media}}` tags in the message: not counted as written (their size is known only when rendered). */
  media: number;
  /** Chat framing of this message (0 when the model has none, and for history). */
  framing: number;
  tokens: number;
}

export interface Cost {
  currency: string;
  /** Prompt tokens at the input price. */
  input: number;
  /** The reserved output (maxOutputTokens) at the output price: an upper bound. */
  output: number;
  total: number;
  /** The price tier used, when the model has a long-context tier. */
  tier?: string;
}

export interface OutputReserve {
  tokens: number;
  /** The prompt's own limit, named by its path in the file (`config.maxOutputTokens`), or `model default`, or `none`. */
  source: string;
}

export interface DocumentTokens {
  model: ResolvedModel;
  catalogueAsOf: string;
  /** True when any number here is an estimate: the model's tokenizer, or a long run (≈). */
  estimated: boolean;
  /** Runs of more than LONG_RUN characters without whitespace that were estimated. */
  longRuns: number;
  /** The frontmatter's tokens (never sent); 0 when not counted (`frontmatter: false`). */
  frontmatter: number;
  messages: MessageCount[];
  /** The prompt as written (variables counted as their `{{placeholder}}`), framing included. */
  template: number;
  /** All framing included in `template` (per message and the reply priming). */
  framing: number;
  output: OutputReserve;
  contextWindow?: number;
  /** (template + output) / contextWindow. */
  share?: number;
  cost?: Cost;
  notes: string[];
}

/** The non-text parts of rendered messages: images counted by their provider's rule, the rest not counted, with why. */
export interface MediaTally {
  counted: number;
  /** Tokens of the counted images (included in the total). */
  tokens: number;
  /** How each counted image was counted. */
  rules: string[];
  notCounted: { what: string; reason: string }[];
}

export type RenderedTokens =
  | { available: true; tokens: number; framing: number; messages: { role: string; tokens: number }[]; estimated: boolean; share?: number; cost?: Cost; media?: MediaTally }
  | { available: false; reason: string };

function round(n: number): number {
  return Math.round(n);
}

// ---- catalogue per settings object ----

let lastUser: unknown;
let lastMerged: Catalogue = BUILTIN_CATALOGUE;
let lastKey = '';

/** `text.slice(start, end)` without the white space at either end, as offsets. */
function trimmedSpan(text: string, start: number, end: number): [number, number] {
  let a = start;
  let b = end;
  while (a < b && /\s/.test(text[a])) a++;
  while (b > a && /\s/.test(text[b - 1])) b--;
  return [a, b];
}

export function catalogueFor(options: TokenOptions): Catalogue {
  if (!options.models) return BUILTIN_CATALOGUE;
  if (options.models === lastUser) return lastMerged;
  const key = JSON.stringify(options.models);
  if (key !== lastKey) {
    lastMerged = mergeCatalogue(options.models);
    lastKey = key;
  }
  lastUser = options.models;
  return lastMerged;
}

export function resolveDocumentModel(doc: PromptDocument, options: TokenOptions = {}): ResolvedModel {
  return resolveModel(doc.prompt.model?.value, options.model, catalogueFor(options));
}

// ---- counting ----

function* scaled(text: string, start: number, end: number, encoding: EncodingName, factor: number): Steps<{ tokens: number; longRuns: number }> {
  const c = yield* blockCounter(encoding).countSteps(text, start, end);
  return { tokens: factor === 1 ? c.tokens : round(c.tokens * factor), longRuns: c.longRuns };
}

/** A stretch of the document text counted, by where it starts: its end and its count (before the model's factor). */
type RegionCounts = Map<number, { end: number; tokens: number; longRuns: number }>;

/** The stretches of a document's text counted for its last version, per encoding. */
interface CountedVersion {
  text: string;
  encoding: EncodingName;
  regions: RegionCounts;
}

/** The last counts of each of the 32 documents counted last. */
const counted = new LastVersions<CountedVersion>(32);

/** Forgets the counts remembered for a document (closed), or all of them. */
export function forgetCounts(uri?: string): void {
  counted.forget(uri);
}

/**
 * Where the count of text[from, to) may read: the blank-line scan that cuts blocks (nextBlankLine)
 * follows white space other than line breaks past `to`, up to the first line break or other
 * character, which it reads too.
 */
function reachOf(text: string, to: number): number {
  for (let k = to; k < text.length; k++) {
    const c = text.charCodeAt(k);
    if (c === 10 || !(c === 32 || c === 9 || c === 11 || c === 12 || c === 13 || c === 0xa0 || c === 0x1680 || (c >= 0x2000 && c <= 0x200a) || c === 0x2028 || c === 0x2029 || c === 0x202f || c === 0x205f || c === 0x3000 || c === 0xfeff)) return k + 1;
  }
  // To the end of the text: the same only where the rest of the text is.
  return Infinity;
}

/**
 * Counts stretches of one version's text, taking the count of a stretch the edit left alone
 * (everything it reads before the edit, or after it) from the previous version of the document:
 * a keystroke re-counts the message it touched, not every message.
 */
class RegionCounter {
  private readonly previous?: CountedVersion;
  private readonly prefix: number = 0;
  private readonly unchangedFrom: number = 0;
  private readonly delta: number = 0;
  private readonly regions: RegionCounts = new Map();

  constructor(private readonly doc: PromptDocument, private readonly encoding: EncodingName, private readonly factor: number) {
    const previous = counted.get(doc.uri);
    if (previous && previous.encoding === encoding) {
      const change = textChange(previous.text, doc.text);
      this.previous = previous;
      this.prefix = change.prefix;
      this.unchangedFrom = doc.text.length - change.suffix;
      this.delta = change.delta;
    }
  }

  *count(from: number, to: number): Steps<{ tokens: number; longRuns: number }> {
    const text = this.doc.text;
    let c: { tokens: number; longRuns: number } | undefined;
    if (this.previous) {
      const by = from >= this.unchangedFrom ? this.delta : reachOf(text, to) <= this.prefix ? 0 : undefined;
      const old = by === undefined ? undefined : this.previous.regions.get(from - by);
      if (old && old.end === to - by!) c = old;
    }
    if (!c) c = yield* blockCounter(this.encoding).countSteps(text, from, to);
    this.regions.set(from, { end: to, tokens: c.tokens, longRuns: c.longRuns });
    return { tokens: this.factor === 1 ? c.tokens : round(c.tokens * this.factor), longRuns: c.longRuns };
  }

  /** Keeps this version's counts for the next one. */
  done(): void {
    counted.keep(this.doc.uri, { text: this.doc.text, encoding: this.encoding, regions: this.regions });
  }
}

// The tokens of a role name, per encoding: a few names, counted once each rather than once per message.
const roleTokens = new Map<string, number>();

function framingOf(role: string, model: ResolvedModel, unframed = false): number {
  if (!model.chatFraming || unframed) return 0;
  // Dotprompt's `model` role is the provider's `assistant`; other formats say `assistant` already.
  const name = role === 'model' ? 'assistant' : role;
  const key = `${model.encoding}\u0000${name}`;
  let n = roleTokens.get(key);
  if (n === undefined) {
    n = countPlain(name, model.encoding);
    if (roleTokens.size < 256) roleTokens.set(key, n);
  }
  return TOKENS_PER_MESSAGE + n;
}

function maxOutputOf(doc: PromptDocument, entry: ModelEntry | undefined): OutputReserve {
  const limit = doc.prompt.parameters.maxOutputTokens;
  const v = limit?.value;
  if (typeof v === 'number' && Number.isFinite(v) && v > 0) return { tokens: Math.floor(v), source: limit!.path };
  if (entry?.maxOutputTokens) return { tokens: entry.maxOutputTokens, source: 'model default' };
  return { tokens: 0, source: 'none' };
}

export function costOf(promptTokens: number, outputTokens: number, entry: ModelEntry | undefined, currency: string): Cost | undefined {
  if (!entry || entry.inputPerMTok == null || entry.outputPerMTok == null) return undefined;
  const long = entry.longContext && promptTokens > entry.longContext.above ? entry.longContext : undefined;
  const input = (promptTokens * (long?.inputPerMTok ?? entry.inputPerMTok)) / 1e6;
  const output = (outputTokens * (long?.outputPerMTok ?? entry.outputPerMTok)) / 1e6;
  return { currency, input, output, total: input + output, tier: entry.longContext ? (long ? `over ${entry.longContext.above.toLocaleString('en-US')} prompt tokens` : `up to ${entry.longContext.above.toLocaleString('en-US')} prompt tokens`) : undefined };
}

const memo = new WeakMap<PromptDocument, { key: string; value: DocumentTokens }>();

function optionsKey(options: TokenOptions): string {
  return `${options.model ?? ''}\u0000${options.models ? JSON.stringify(options.models) : ''}\u0000${options.frontmatter === false ? 'no-frontmatter' : ''}`;
}

/** The token counts of a document (memoised per document version and options). */
export function documentTokens(doc: PromptDocument, options: TokenOptions = {}): DocumentTokens {
  return runSteps(documentTokensSteps(doc, options));
}

/**
 * `documentTokens` as steps: a sliced run pauses after each chunk the tokenizer counts. Memoised
 * once complete; if a request between two slices counted the same document meanwhile, that count is returned.
 */
export function* documentTokensSteps(doc: PromptDocument, options: TokenOptions = {}): Steps<DocumentTokens> {
  const key = optionsKey(options);
  // A count with the frontmatter answers one without it too (the server's catalogue row of an open
  // document reads the count its status bar made), and is not replaced by it.
  const full = options.frontmatter === false ? optionsKey({ ...options, frontmatter: true }) : key;
  const hit = memo.get(doc);
  if (hit && (hit.key === key || hit.key === full)) return hit.value;
  const value = yield* computeTokens(doc, options);
  const done = memo.get(doc);
  if (done && (done.key === key || done.key === full)) return done.value;
  memo.set(doc, { key, value });
  return value;
}

function* computeTokens(doc: PromptDocument, options: TokenOptions): Steps<DocumentTokens> {
  const catalogue = catalogueFor(options);
  const model = resolveModel(doc.prompt.model?.value, options.model, catalogue);
  const { encoding, factor } = model;
  // An agent instruction file's text joins a system message its tool writes: no framing of its own.
  const unframed = !!formatOf(doc).unframed;
  const notes: string[] = [];
  if (model.hint) notes.push(model.hint);
  let longRuns = 0;
  let rough = false;
  let images = 0;

  const regions = new RegionCounter(doc, encoding, factor);
  const fm = doc.frontmatter.present && options.frontmatter !== false ? yield* regions.count(doc.frontmatter.span.start, doc.frontmatter.span.end) : { tokens: 0, longRuns: 0 };

  const messages: MessageCount[] = [];
  const found = doc.prompt.messages;
  const start = found[0]?.span.start ?? 0;
  const end = found[found.length - 1]?.span.end ?? 0;
  if (doc.notice === 'binary') {
    notes.push('This file is binary: nothing is counted.');
  } else if (doc.notice === 'too-large' && end - start > MAX_EXACT_SIZE) {
    // Counting needs no analysis, but the first count of such a text would hold up typing.
    rough = true;
    notes.push(`The template is too large to count as you type, so its tokens are estimated from its length (${CHARS_PER_TOKEN} characters per token). \`prompt-workbench tokens\` counts it exactly.`);
    const content = Math.round(((end - start) / CHARS_PER_TOKEN) * factor);
    const framing = framingOf('user', model, unframed);
    messages.push({ role: 'user', kind: 'message', span: { start, end: start }, content, media: 0, framing, tokens: content + framing });
  } else {
    // Over maxFileSize the front-end found the messages without analysis (it says how); they are
    // still counted exactly, block-cached, so only the first count is slow.
    if (doc.prompt.approximate) notes.push(doc.prompt.approximate);
    // Handlebars comments, `{{section}}` and `{{media}}` send no text (other formats' tags reach the
    // template as opaque comment tags, which do).
    const handlebars = doc.format === 'dotprompt';
    const allSilent = doc.template.tags.filter((t) => (handlebars && t.kind === 'comment') || ((t.name === 'section' || t.name === 'media') && t.kind === 'mustache')).sort((a, b) => a.span.start - b.span.start);
    // Dotprompt trims the body of a file with frontmatter before rendering: blank lines around it are not sent.
    const [lo, hi] = doc.format === 'dotprompt' && doc.frontmatter.closed ? trimmedSpan(doc.text, doc.template.span.start, doc.template.span.end) : [0, doc.text.length];
    let next = 0;
    let counted = 0;
    for (const m of found) {
      if (++counted % 16 === 0) yield 'tokens';
      const span = markerSpan(m) ?? { start: m.span.start, end: m.span.start };
      if (m.kind === 'history') {
        messages.push({ role: 'history', kind: 'history', span, content: 0, media: 0, framing: 0, tokens: 0 });
        continue;
      }
      let content = 0;
      let media = 0;
      if (m.text !== undefined) {
        // The message's text as sent (a YAML string's value, not its source with quotes and escapes).
        const c = yield* scaled(m.text, 0, m.text.length, encoding, factor);
        longRuns += c.longRuns;
        content = c.tokens;
      } else {
        // `{{section}}` and `{{media}}` tags send no text: the text between them is counted.
        // The tags and the messages are both in document order: one pass over the tags in all.
        while (next < allSilent.length && allSilent[next].span.start < m.contentSpan.start) next++;
        const silent: typeof allSilent = [];
        while (next < allSilent.length && allSilent[next].span.end <= m.contentSpan.end) silent.push(allSilent[next++]);
        let from = Math.max(m.contentSpan.start, lo);
        for (const t of [...silent, { span: { start: m.contentSpan.end, end: m.contentSpan.end } }]) {
          const to = Math.min(t.span.start, hi);
          if (to > from) {
            const c = yield* regions.count(from, to);
            longRuns += c.longRuns;
            content += c.tokens;
          }
          from = Math.max(from, t.span.end);
        }
        media = silent.filter((t) => t.name === 'media').length;
        images += media;
      }
      const framing = framingOf(m.role, model, unframed);
      messages.push({ role: m.role, kind: 'message', span, content, media, framing, tokens: content + framing });
    }
    if (images) notes.push(`${images} \`{{media}}\` part${images === 1 ? ' is' : 's are'} not counted in the template: an image's tokens depend on its size, known only when rendered (see the rendered count).`);
    if (messages.some((m) => m.kind === 'history')) notes.push('`{{history}}` stands for earlier turns inserted at run time; they are not counted.');
  }
  regions.done();
  const priming = model.chatFraming && !unframed && messages.length ? REPLY_PRIMING : 0;
  const framing = messages.reduce((s, m) => s + m.framing, 0) + priming;
  const template = messages.reduce((s, m) => s + m.tokens, 0) + priming;
  if (longRuns) notes.push(`${longRuns} run${longRuns === 1 ? '' : 's'} of more than 2,000 characters without whitespace ${longRuns === 1 ? 'was' : 'were'} estimated (exact tokenization of such runs is too slow to do as you type).`);

  const entry = model.entry;
  const output = maxOutputOf(doc, entry);
  const contextWindow = entry?.contextWindow ?? undefined;
  const share = contextWindow ? (template + output.tokens) / contextWindow : undefined;
  const cost = costOf(template, output.tokens, entry, catalogue.currency);
  if (entry && !cost) notes.push(`No price for \`${model.id}\` in the catalogue (it depends on the host): add one in promptWorkbench.models.`);

  return {
    model,
    catalogueAsOf: catalogue.asOf,
    estimated: !model.exact || longRuns > 0 || rough,
    longRuns,
    frontmatter: fm.tokens,
    messages,
    template,
    framing,
    output,
    contextWindow,
    share,
    cost,
    notes,
  };
}

// ---- rendered ----

/**
 * The tokens of rendered messages for a model: each message's text parts, its images by the
 * provider's published rule (images.ts; the others are listed as not counted, with why), its chat
 * framing and the reply priming. Section markers send no text and count nothing. The rendered
 * counts of the status bar and the test suite cost estimate both use it.
 */
export function countMessages(rendered: readonly { role: string; text: string; parts?: readonly RenderedPart[] }[], model: ResolvedModel): { tokens: number; framing: number; messages: { role: string; tokens: number }[]; estimated: boolean; media?: MediaTally } {
  let longRuns = 0;
  let estimatedImage = false;
  const media: MediaTally = { counted: 0, tokens: 0, rules: [], notCounted: [] };
  let nonText = false;
  const text = (t: string) => {
    const c = runSteps(scaled(t, 0, t.length, model.encoding, model.factor));
    longRuns += c.longRuns;
    return c.tokens;
  };
  const messages = rendered.map((m) => {
    let tokens = 0;
    if (!m.parts) tokens = text(m.text);
    else {
      for (const p of m.parts) {
        if (p.kind === 'text') tokens += text(p.text);
        else if (p.kind === 'media') {
          nonText = true;
          const c = mediaTokens(p, model);
          if (c.counted) {
            media.counted++;
            media.tokens += c.tokens;
            media.rules.push(c.rule);
            estimatedImage ||= c.estimated;
            tokens += c.tokens;
          } else media.notCounted.push({ what: c.what, reason: c.reason });
        } else if (p.kind === 'other') {
          nonText = true;
          media.notCounted.push({ what: 'part', reason: 'a part that is neither text nor media (a tool request or response, or data, from the history) has no published token rule' });
        }
      }
    }
    return { role: m.role, tokens: tokens + framingOf(m.role, model) };
  });
  const priming = model.chatFraming && messages.length ? REPLY_PRIMING : 0;
  const framing = rendered.reduce((s, m) => s + framingOf(m.role, model), 0) + priming;
  const tokens = messages.reduce((s, m) => s + m.tokens, 0) + priming;
  return { tokens, framing, messages, estimated: !model.exact || longRuns > 0 || estimatedImage, ...(nonText ? { media } : {}) };
}

const renderMemo = new WeakMap<PromptDocument, { key: string; value: Promise<RenderedTokens> }>();

/**
 * Counts the prompt rendered with its `input.default` values through the reference renderer
 * (`renderPrompt`, the same call as "Preview Rendered Prompt"). Never throws: when the prompt
 * cannot be rendered (a required input has no value, a template error) the count is unavailable
 * and says why. Memoised per document version like `documentTokens`.
 */
export function renderedTokens(doc: PromptDocument, options: TokenOptions = {}, values?: Record<string, unknown>): Promise<RenderedTokens> {
  const key = optionsKey(options) + (values ? `\u0000${JSON.stringify(values)}` : '');
  const hit = renderMemo.get(doc);
  if (hit && hit.key === key) return hit.value;
  const value = computeRendered(doc, options, values);
  renderMemo.set(doc, { key, value });
  return value;
}

/** One test case written in the prompt file itself (GitHub Models `testData` rows), rendered and counted. */
export interface RowTokens {
  name: string;
  /** The row in the file. */
  span: Span;
  rendered: RenderedTokens;
}

/** At most this many embedded test cases are rendered for counting as you type. */
export const MAX_COUNTED_ROWS = 50;

const rowMemo = new WeakMap<PromptDocument, { key: string; value: Promise<RowTokens[]> }>();

/**
 * The prompt rendered with the values of each test case the file itself holds (the first
 * `MAX_COUNTED_ROWS`) and counted, as the runner would send it; empty for formats without
 * embedded tests. Memoised per document version.
 */
export function testRowTokens(doc: PromptDocument, options: TokenOptions = {}): Promise<RowTokens[]> {
  const key = optionsKey(options);
  const hit = rowMemo.get(doc);
  if (hit && hit.key === key) return hit.value;
  const value = (async () => {
    const out: RowTokens[] = [];
    for (const [i, test] of doc.prompt.tests.slice(0, MAX_COUNTED_ROWS).entries()) out.push({ name: test.name ?? `case ${i + 1}`, span: test.span, rendered: await computeRendered(doc, options, test.values) });
    return out;
  })();
  rowMemo.set(doc, { key, value });
  return value;
}

async function computeRendered(doc: PromptDocument, options: TokenOptions, values?: Record<string, unknown>): Promise<RenderedTokens> {
  try {
    const size = doc.template.span.end - doc.template.span.start;
    const limit = options.maxRenderSize ?? DEFAULT_MAX_RENDER_SIZE;
    if (doc.notice) return { available: false, reason: doc.notice === 'binary' ? 'the file is binary' : 'the template is too large to analyse' };
    if (size > limit) return { available: false, reason: `the template is ${(size / 1e6).toFixed(1)} MB; it is rendered for counting only up to ${(limit / 1e6).toFixed(1)} MB (the CLI \`prompt-workbench tokens\` renders any size)` };
    const result = await renderPrompt(doc, values ?? doc.defaults, options.analysis ?? {});
    if (result.error || !result.messages) return { available: false, reason: result.error?.message ?? 'the prompt rendered no messages' };
    const t = documentTokens(doc, options);
    const { tokens, framing, messages, estimated, media } = countMessages(result.messages, t.model);
    return {
      available: true,
      tokens,
      framing,
      messages,
      estimated,
      ...(media ? { media } : {}),
      share: t.contextWindow ? (tokens + t.output.tokens) / t.contextWindow : undefined,
      cost: costOf(tokens, t.output.tokens, t.model.entry, catalogueFor(options).currency),
    };
  } catch (e) {
    return { available: false, reason: `rendering failed: ${e instanceof Error ? e.message : String(e)}` };
  }
}
