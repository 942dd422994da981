// The template body: a tolerant scan for `{{ }}` tags that survives any input, block matching with
// precise diagnostics, and a real Handlebars parse of each tag's expression (memoised by tag text),
// followed by a whole-body Handlebars parse when the scan found nothing wrong.
import Handlebars from 'handlebars';
import type { PromptDiagnostic } from './diagnostic';
import { textChange } from './diff';
import { runSteps, type Steps } from './slice';
import { detached, firstStartingAt, indexStartingAt, type Span } from './text';

export type TagKind =
  | 'mustache'
  | 'unescaped'
  | 'block-open'
  | 'inverse-open'
  | 'else'
  | 'block-close'
  | 'partial'
  | 'partial-block-open'
  | 'decorator-block-open'
  | 'decorator'
  | 'comment'
  | 'raw-block'
  /** Literal JSON that Handlebars would misread as a tag (reported, not parsed). */
  | 'json-text';

export type Expr =
  | { kind: 'path'; original: string; parts: string[]; data: boolean; depth: number; span: Span }
  | { kind: 'literal'; type: 'string' | 'number' | 'boolean' | 'null' | 'undefined'; value: unknown; original: string; span: Span }
  | { kind: 'subexpression'; path: Expr; params: Expr[]; hash: HashPair[]; span: Span };

export interface HashPair {
  key: string;
  value: Expr;
  span: Span;
}

export interface Tag {
  kind: TagKind;
  /** The whole tag, `{{` to `}}`. */
  span: Span;
  /** Whether the closing delimiter was found. */
  closed: boolean;
  /** The helper, variable, partial or block name at the head of the tag. */
  name?: string;
  nameSpan?: Span;
  /** The head path expression (absent for comments, closes and literals). */
  path?: Expr;
  params: Expr[];
  hash: HashPair[];
  blockParams?: string[];
  /** Comment text without delimiters. */
  comment?: string;
}

export interface Block {
  name: string;
  open: Tag;
  close?: Tag;
  elses: Tag[];
  /** From the start of the open tag to the end of the close tag (or of the body if unclosed). */
  span: Span;
  parent?: Block;
  children: Block[];
}

export interface Message {
  role: string;
  /** The `{{role "..."}}` or `{{history}}` tag that starts it; absent for the implicit first message. */
  marker?: Tag;
  /** From the marker (or body start) to the next marker (or body end). */
  span: Span;
  /** `history` entries stand for earlier conversation turns inserted at render time. */
  kind: 'message' | 'history';
  /**
   * The `{{role}}` without a role name that the message's rendered text starts with: Dotprompt's
   * parser then reads the text after it, up to the next marker, as the role's name, so the message
   * sends nothing.
   */
  lost?: Tag;
}

export interface Template {
  span: Span;
  tags: Tag[];
  blocks: Block[];
  messages: Message[];
  diagnostics: PromptDiagnostic[];
}

const JSON_LIKE = /^\s*(?:"[^"]*"\s*:|\{|\[\s*(?:["{[]|\d+\s*,))/;

const BUILTIN_BLOCKS_WITH_ELSE = new Set(['if', 'unless', 'each', 'with']);

/**
 * Blocks nested deeper than this get a `template-too-deep` error. The engine walks blocks without
 * recursion, but Handlebars' compiler (render, preview) recurses per level, and no real prompt
 * comes near it.
 */
export const MAX_BLOCK_DEPTH = 1000;

/**
 * Sub-expressions nested deeper than this inside one tag are not handed to Handlebars: its parser
 * grows quadratically with the depth (0.3 s at 2,000 levels, 10 s at 5,000) and overflows the stack
 * beyond that. The tag gets a `template-too-deep` error instead.
 */
export const MAX_EXPRESSION_DEPTH = 100;

interface RawTag {
  start: number;
  end: number;
  closed: boolean;
  open: string;
  close: string;
  /**
   * How far the scan read to find this tag (from where the previous tag left it): the text up to
   * here decides it. Infinity when it read to the end of the body (an unclosed comment or a quote
   * left open).
   */
  reach: number;
  /** Where the scan went on after this tag. */
  resume: number;
  /** The scan's diagnostics about this tag. */
  diags?: PromptDiagnostic[];
  /** Whether the tag built from it reported something itself (then it is built again when moved, so that its diagnostics move too). */
  tagDiags?: boolean;
}

/** Whether the last `findTagEnd` read to its limit (a quote left open): its answer then depends on the text up to there. */
let readToLimit = false;

/** Finds the end of a tag that starts at `start` with `open`; skips quoted strings. */
function findTagEnd(text: string, from: number, close: string, limit: number): number {
  readToLimit = false;
  let quote = 0;
  for (let i = from; i < limit; i++) {
    const c = text.charCodeAt(i);
    if (quote) {
      if (c === quote) quote = 0;
      continue;
    }
    if (c === 34 || c === 39) {
      quote = c;
      continue;
    }
    if (c === 125 && text.startsWith(close, i)) return i;
    if (c === 123 && text.charCodeAt(i + 1) === 123) return -1; // a new `{{` before this one closed
  }
  readToLimit = true;
  // A stray quote can hide the real close: fall back to the first `}}` before the next `{{`.
  if (quote) {
    const next = text.indexOf('{{', from);
    const end = text.indexOf(close, from);
    if (end >= 0 && end < limit && (next < 0 || end < next)) return end;
  }
  return -1;
}

/** `text.indexOf(needle, from)` if it is before `limit`, else -1, reading no further than `limit` (plus the needle). */
function indexBefore(text: string, needle: string, from: number, limit: number): number {
  const at = text.slice(from, limit + needle.length - 1).indexOf(needle);
  return at < 0 || from + at >= limit ? -1 : from + at;
}

/** Items (tags, blocks, matches) a loop of the template parse handles between two pause points of a sliced parse. */
const STEP_ITEMS = 256;

/**
 * The tags of `start`..`end`, scanned from `from` (a point where a scan from `start` passes: the
 * body's start or where it went on after a tag) into `tags`. `resync`, asked at each point the scan
 * passes, may end the scan there (the caller has the rest).
 */
function* scanTags(text: string, start: number, end: number, diagnostics: PromptDiagnostic[], tags: RawTag[] = [], from = start, resync?: (i: number) => boolean): Steps<RawTag[]> {
  let n = 0;
  /** The next `}}` after the last short comment's start (-2: not searched yet, -1: none). */
  let nextClose = -2;
  let i = from;
  let before = diagnostics.length;
  const push = (tag: Omit<RawTag, 'reach' | 'resume'>, reach: number, resume: number) => {
    const raw = tag as RawTag;
    raw.reach = reach;
    raw.resume = resume;
    if (diagnostics.length > before) raw.diags = diagnostics.slice(before);
    tags.push(raw);
  };
  while (i < end) {
    if (resync && resync(i)) break;
    before = diagnostics.length;
    if (++n % STEP_ITEMS === 0) yield 'parse: tags';
    const open = text.indexOf('{{', i);
    if (open < 0 || open >= end - 1) break;
    // `\{{` is an escaped, literal mustache: Handlebars keeps the text up to the next `{{` as content.
    let slashes = 0;
    for (let j = open - 1; j >= start && text.charCodeAt(j) === 92; j--) slashes++;
    if (slashes % 2 === 1) {
      const next = text.indexOf('{{', open + 2);
      i = next < 0 ? end : next;
      continue;
    }
    if (text.startsWith('{{{{', open)) {
      const close = text.indexOf('}}}}', open + 4);
      if (close < 0 || close >= end) {
        diagnostics.push({ code: 'template-unclosed-tag', severity: 'error', message: 'This raw block tag `{{{{` is never closed with `}}}}`.', span: { start: open, end: open + 4 } });
        push({ start: open, end, closed: false, open: '{{{{', close: '}}}}' }, Infinity, end);
        break;
      }
      const name = text.slice(open + 4, close).trim().split(/\s/)[0];
      const closer = `{{{{/${name}}}}}`;
      const after = text.indexOf(closer, close + 4);
      const stop = after < 0 || after >= end ? end : after + closer.length;
      if (after < 0 || after >= end) {
        diagnostics.push({ code: 'template-unclosed-block', severity: 'error', message: `The raw block \`{{{{${name}}}}}\` is never closed. Add \`${closer}\` where it should end.`, span: { start: open, end: close + 4 } });
      }
      push({ start: open, end: stop, closed: after >= 0, open: '{{{{', close: '}}}}' }, stop === end ? Infinity : stop + 2, stop);
      i = stop;
      continue;
    }
    if (text.startsWith('{{!--', open) || text.startsWith('{{~!--', open)) {
      // Handlebars' lexer: from `{{!--` (or `{{~!--`), the shortest text ending in `--}}` or
      // `--~}}`; the `--` of the opener counts, so `{{!--}}` is a whole (empty) comment.
      let endAt = -1;
      for (let c = text.indexOf('--', open + (text[open + 2] === '~' ? 4 : 3)); c >= 0 && c < end; c = text.indexOf('--', c + 1)) {
        const m = /^--~?}}/.exec(text.slice(c, c + 5));
        if (m) {
          endAt = c + m[0].length;
          break;
        }
      }
      if (endAt < 0 || endAt > end) {
        diagnostics.push({ code: 'template-unclosed-comment', severity: 'error', message: 'This comment `{{!--` is never closed. End it with `--}}`.', span: { start: open, end: open + (text[open + 2] === '~' ? 6 : 5) } });
        push({ start: open, end, closed: false, open: '{{!--', close: '--}}' }, Infinity, end);
        break;
      }
      push({ start: open, end: endAt, closed: true, open: '{{!--', close: '--}}' }, endAt + 2, endAt);
      i = endAt;
      continue;
    }
    if (text.startsWith('{{!', open) || text.startsWith('{{~!', open)) {
      // Handlebars' lexer: a `{{! }}` comment ends at the first `}}`, whatever comes before it (a
      // `{{` inside, line breaks). The search is remembered: when it found nothing, no later
      // comment can end either, so a run of unclosed comments stays linear.
      const from = open + (text[open + 2] === '~' ? 4 : 3);
      if (nextClose !== -1 && nextClose < from) nextClose = text.indexOf('}}', from);
      const closeAt = nextClose >= 0 && nextClose + 2 <= end ? nextClose : -1;
      if (closeAt < 0) {
        let lineEnd = open;
        while (lineEnd < end && text.charCodeAt(lineEnd) !== 10 && text.charCodeAt(lineEnd) !== 13) lineEnd++;
        diagnostics.push({ code: 'template-unclosed-comment', severity: 'error', message: 'This comment `{{!` is never closed. End it with `}}`.', span: { start: open, end: Math.max(lineEnd, open + 3) } });
        push({ start: open, end: lineEnd, closed: false, open: '{{', close: '}}' }, Infinity, lineEnd);
        i = lineEnd;
        continue;
      }
      push({ start: open, end: closeAt + 2, closed: true, open: '{{', close: '}}' }, closeAt + 4, closeAt + 2);
      i = closeAt + 2;
      continue;
    }
    const triple = text.startsWith('{{{', open) || text.startsWith('{{~{', open);
    const closeDelim = triple ? '}}}' : '}}';
    const nextOpen = text.indexOf('{{', open + 2);
    const limit = nextOpen < 0 || nextOpen > end ? end : nextOpen;
    const bodyFrom = open + (triple ? 3 : 2);
    // Searches stop at the next `{{`: searching to the end of the body for every tag would make a
    // run of unclosed tags quadratic.
    const closeAt = findTagEnd(text, bodyFrom, closeDelim, end);
    if (closeAt < 0 || closeAt > limit) {
      // Decided by the text up to the next `{{` (or the close found past it).
      const reach = readToLimit ? Infinity : Math.max(limit + 2, closeAt + closeDelim.length + 2);
      // A triple-stash closed with only `}}` is a common slip: say so precisely.
      const double = triple ? indexBefore(text, '}}', bodyFrom, limit) : -1;
      if (triple && double >= 0 && double < limit) {
        diagnostics.push({ code: 'template-unbalanced-braces', severity: 'error', message: 'This tag opens with `{{{` but closes with `}}`. Use `{{{ ... }}}` for unescaped output, or `{{ ... }}`.', span: { start: open, end: double + 2 } });
        push({ start: open, end: double + 2, closed: false, open: '{{{', close: '}}' }, reach, double + 2);
        i = double + 2;
        continue;
      }
      // Shown up to the end of the line's content: the `\r` of a CRLF (or a lone `\r`) is a line
      // break too, and a range that takes it in ends past its line.
      const stop = Math.min(limit, end);
      let lineEnd = open;
      while (lineEnd < stop && text.charCodeAt(lineEnd) !== 10 && text.charCodeAt(lineEnd) !== 13) lineEnd++;
      const shown = { start: open, end: lineEnd };
      diagnostics.push({ code: 'template-unclosed-tag', severity: 'error', message: `This \`${triple ? '{{{' : '{{'}\` is never closed with \`${closeDelim}\`. Close the tag, or write \`\\{{\` for a literal \`{{\`.`, span: shown.end > shown.start ? shown : { start: open, end: open + 2 } });
      push({ start: open, end: shown.end, closed: false, open: triple ? '{{{' : '{{', close: closeDelim }, reach, open + 2);
      i = open + 2;
      continue;
    }
    if (text.startsWith('}}}}', closeAt)) {
      // Handlebars' lexer reads `}}}}` as the end of a raw block, so `{"a": {{x}}}}` fails to parse.
      diagnostics.push({
        code: 'template-unbalanced-braces',
        severity: 'error',
        message: 'Handlebars reads the `}}}}` after this tag as the end of a raw block. Put a space between the tag and the braces that follow it: `{{x}} }}`.',
        span: { start: open, end: closeAt + 4 },
      });
    }
    // `}}}}` is looked for up to two characters past the close.
    push({ start: open, end: closeAt + closeDelim.length, closed: true, open: triple ? '{{{' : '{{', close: closeDelim }, readToLimit ? Infinity : closeAt + closeDelim.length + 2, closeAt + closeDelim.length);
    i = closeAt + closeDelim.length;
  }
  return tags;
}

/**
 * The raw tags a template was built from, for the next version's scan: `raws[i]` (whose offsets are
 * those of the version that scanned it) moved by `shifts[i]` is the raw tag of `template.tags[i]`.
 * A raw tag moved by an edit keeps its object, and only its shift changes: a list of numbers is
 * copied per keystroke, not an object per tag.
 */
interface RawList {
  raws: RawTag[];
  shifts: number[];
  /** The `trimmedStart` the template was parsed with (set on the list kept per template). */
  trimmed?: boolean;
}

const rawTags = new WeakMap<Template, RawList>();

function shiftDiagnostic(d: PromptDiagnostic, by: number): PromptDiagnostic {
  return { ...d, span: { start: d.span.start + by, end: d.span.end + by } };
}

interface Scan extends RawList {
  /** When the previous scan was used: its raw tags; `raws` up to `head` are its first ones. */
  old?: RawList;
  head: number;
  /** `raws` from here are `old`'s from `oldTail` on, moved. */
  tail: number;
  oldTail: number;
}

/** The scan's diagnostics about a raw tag, moved by `shift`. */
function pushScanDiagnostics(raw: RawTag, shift: number, diagnostics: PromptDiagnostic[]): void {
  const own = raw.diags;
  if (own) for (let d = 0; d < own.length; d++) diagnostics.push(shift ? shiftDiagnostic(own[d], shift) : own[d]);
}

/**
 * `scanTags` over a new version of the previous template's text. The scan decides each tag from
 * the text between the previous tag and the tag's `reach`, and carries nothing else from one tag to
 * the next but its position. So the previous tags whose reach ends before the edit stand; the scan
 * starts again after the last of them, and once it comes to a point past the edit where the
 * previous scan also went on (and no backslash before it can escape what follows), the previous
 * tags from there on stand too, moved.
 */
function* scanTagsAfter(text: string, start: number, end: number, previous: TemplateSource | undefined, diagnostics: PromptDiagnostic[]): Steps<Scan> {
  const old = previous && rawTags.get(previous.template);
  if (!previous || !old || end !== text.length || previous.template.span.end !== previous.text.length) {
    const raws = yield* scanTags(text, start, end, diagnostics);
    return { raws, shifts: new Array<number>(raws.length).fill(0), head: 0, tail: raws.length, oldTail: 0 };
  }
  const oldStart = previous.template.span.start;
  const { prefix, suffix, delta } = textChange(previous.text, text);
  const changeEnd = text.length - suffix;
  const { raws: oldRaws, shifts: oldShifts } = old;
  let k = 0;
  if (oldStart === start) while (k < oldRaws.length && oldRaws[k].reach + oldShifts[k] <= prefix) k++;
  const tags: RawTag[] = oldRaws.slice(0, k);
  const shifts = oldShifts.slice(0, k);
  for (let t = 0; t < k; t++) pushScanDiagnostics(tags[t], shifts[t], diagnostics);
  let m = k;
  let rest = -1;
  const resync = (i: number): boolean => {
    // A backslash before the point could join one in the edit (no tag ends with one: a safeguard).
    if (i <= changeEnd || (text.charCodeAt(i - 1) === 92 && !(i === start && oldStart === start - delta))) return false;
    const at = i - delta;
    if (at === oldStart && start - delta === oldStart) {
      rest = 0;
      return true;
    }
    while (m < oldRaws.length && oldRaws[m].resume + oldShifts[m] < at) m++;
    if (m < oldRaws.length && oldRaws[m].resume + oldShifts[m] === at) {
      rest = m + 1;
      return true;
    }
    return false;
  };
  yield* scanTags(text, start, end, diagnostics, tags, k > 0 ? oldRaws[k - 1].resume + oldShifts[k - 1] : start, resync);
  for (let t = k; t < tags.length; t++) shifts.push(0);
  const scan: Scan = { raws: tags, shifts, old, head: k, tail: tags.length, oldTail: rest < 0 ? oldRaws.length : rest };
  if (rest < 0) return scan;
  for (let t = rest; t < oldRaws.length; t++) {
    if (t % STEP_ITEMS === 0) yield 'parse: tags';
    const o = oldRaws[t];
    const shift = oldShifts[t] + delta;
    pushScanDiagnostics(o, shift, diagnostics);
    tags.push(o);
    shifts.push(shift);
  }
  return scan;
}

// ---- expression parsing through Handlebars ----

interface ParsedTag {
  name?: string;
  /** Offsets are relative to the start of the tag text. */
  path?: Expr;
  params: Expr[];
  hash: HashPair[];
  blockParams?: string[];
  error?: string;
}

const parseCache = new Map<string, ParsedTag>();
const PARSE_CACHE_LIMIT = 10_000;

function lineOffsets(s: string): number[] {
  const out = [0];
  // Handlebars' lexer ends a line at `\r\n`, `\n` and a lone `\r`: its locations count lines so.
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 10 || (c === 13 && s.charCodeAt(i + 1) !== 10)) out.push(i + 1);
  }
  return out;
}

function convert(node: any, lines: number[], shift: number): Expr {
  const loc = node.loc;
  const span = loc
    ? { start: lines[loc.start.line - 1] + loc.start.column - shift, end: lines[loc.end.line - 1] + loc.end.column - shift }
    : { start: 0, end: 0 };
  switch (node.type) {
    case 'PathExpression':
      return { kind: 'path', original: node.original, parts: node.parts, data: node.data, depth: node.depth, span };
    case 'SubExpression':
      return { kind: 'subexpression', path: convert(node.path, lines, shift), params: node.params.map((p: any) => convert(p, lines, shift)), hash: convertHash(node.hash, lines, shift), span };
    case 'StringLiteral':
      return { kind: 'literal', type: 'string', value: node.value, original: node.original, span };
    case 'NumberLiteral':
      return { kind: 'literal', type: 'number', value: node.value, original: String(node.original), span };
    case 'BooleanLiteral':
      return { kind: 'literal', type: 'boolean', value: node.value, original: String(node.original), span };
    case 'NullLiteral':
      return { kind: 'literal', type: 'null', value: null, original: 'null', span };
    default:
      return { kind: 'literal', type: 'undefined', value: undefined, original: 'undefined', span };
  }
}

function convertHash(hash: any, lines: number[], shift: number): HashPair[] {
  if (!hash) return [];
  return hash.pairs.map((p: any) => {
    const value = convert(p.value, lines, shift);
    const start = p.loc ? lines[p.loc.start.line - 1] + p.loc.start.column - shift : value.span.start;
    return { key: p.key, value, span: { start, end: value.span.end } };
  });
}

const TOKEN_WORDS: Record<string, string> = {
  CLOSE: '`}}`', CLOSE_UNESCAPED: '`}}}`', ID: 'a name', STRING: 'a string', NUMBER: 'a number', BOOLEAN: '`true`/`false`',
  OPEN_SEXPR: '`(`', CLOSE_SEXPR: '`)`', EQUALS: '`=`', DATA: 'an `@` variable', SEP: '`.`', OPEN_BLOCK_PARAMS: '`as |name|`',
};

function explainParseError(message: string): string {
  const m = /Expecting (.*), got '([^']*)'/.exec(message);
  if (!m) return message.split('\n').pop() ?? message;
  const wanted = [...new Set(m[1].split(', ').map((t) => TOKEN_WORDS[t.replace(/'/g, '')]).filter(Boolean))];
  const got = m[2] === 'INVALID' ? 'a character Handlebars does not accept here' : (TOKEN_WORDS[m[2]] ?? `\`${m[2].toLowerCase()}\``);
  return wanted.length ? `expected ${wanted.join(', ')}; found ${got}` : `unexpected ${got}`;
}

function parseTagText(kind: TagKind, text: string, blockName: string | undefined): ParsedTag {
  const key = kind + '\u0000' + text;
  const hit = parseCache.get(key);
  if (hit) return hit;
  // The cache outlives the document: the parse reads a copy of the tag, so neither the key nor the
  // names the parser cuts out of it keep this version of the document alive.
  let snippet = detached(text);
  let shift = 0;
  if (kind === 'block-open' || kind === 'inverse-open' || kind === 'partial-block-open' || kind === 'decorator-block-open') {
    snippet = `${text}{{/${blockName ?? 'x'}}}`;
  } else if (kind === 'else') {
    snippet = `{{#x}}${text}{{/x}}`;
    shift = 6;
  }
  let result: ParsedTag;
  try {
    const program: any = Handlebars.parseWithoutProcessing(snippet);
    let node = program.body[0];
    if (kind === 'else') node = node?.inverse?.body?.[0];
    const lines = lineOffsets(snippet);
    if (!node || kind === 'block-close') {
      result = { params: [], hash: [] };
    } else {
      const head = node.path ?? node.name;
      const path = head ? convert(head, lines, shift) : undefined;
      result = {
        name: path?.kind === 'path' ? path.original : path?.kind === 'literal' ? String(path.value) : undefined,
        path,
        params: (node.params ?? []).map((p: any) => convert(p, lines, shift)),
        hash: convertHash(node.hash, lines, shift),
        blockParams: node.program?.blockParams,
      };
    }
  } catch (e) {
    result = { params: [], hash: [], error: explainParseError(e instanceof Error ? e.message : String(e)) };
  }
  if (parseCache.size >= PARSE_CACHE_LIMIT) parseCache.clear();
  parseCache.set(detached(key), result);
  return result;
}

// The shifts below build each object with its fields named (no spread, no closures): moved tags
// are made for every keystroke and outlive it, so each allocation counts (section 7.5 of
// docs/benchmarks.md).
function shiftExpr(e: Expr, by: number): Expr {
  const span = { start: e.span.start + by, end: e.span.end + by };
  switch (e.kind) {
    case 'path':
      return { kind: 'path', original: e.original, parts: e.parts, data: e.data, depth: e.depth, span };
    case 'literal':
      return { kind: 'literal', type: e.type, value: e.value, original: e.original, span };
    default:
      return { kind: 'subexpression', path: shiftExpr(e.path, by), params: shiftExprs(e.params, by), hash: shiftHashes(e.hash, by), span };
  }
}

/** The expressions moved by `by`; an empty list is kept as it is (never mutated). */
function shiftExprs(list: Expr[], by: number): Expr[] {
  if (!list.length) return list;
  const out: Expr[] = new Array(list.length);
  for (let i = 0; i < list.length; i++) out[i] = shiftExpr(list[i], by);
  return out;
}

function shiftHash(h: HashPair, by: number): HashPair {
  return { key: h.key, value: shiftExpr(h.value, by), span: { start: h.span.start + by, end: h.span.end + by } };
}

function shiftHashes(list: HashPair[], by: number): HashPair[] {
  if (!list.length) return list;
  const out: HashPair[] = new Array(list.length);
  for (let i = 0; i < list.length; i++) out[i] = shiftHash(list[i], by);
  return out;
}

function classify(inner: string): { kind: TagKind; sigil: number } {
  if (inner.startsWith('!')) return { kind: 'comment', sigil: 1 };
  if (inner.startsWith('#>')) return { kind: 'partial-block-open', sigil: 2 };
  if (inner.startsWith('#*')) return { kind: 'decorator-block-open', sigil: 2 };
  if (inner.startsWith('#')) return { kind: 'block-open', sigil: 1 };
  if (inner.startsWith('/')) return { kind: 'block-close', sigil: 1 };
  if (inner.startsWith('>')) return { kind: 'partial', sigil: 1 };
  if (inner.startsWith('*')) return { kind: 'decorator', sigil: 1 };
  if (inner.startsWith('&')) return { kind: 'unescaped', sigil: 1 };
  if (/^\^\s*$/.test(inner) || /^else(\s|$)/.test(inner.trimStart())) return { kind: 'else', sigil: 0 };
  if (inner.startsWith('^')) return { kind: 'inverse-open', sigil: 1 };
  return { kind: 'mustache', sigil: 0 };
}

function buildTag(text: string, raw: RawTag, diagnostics: PromptDiagnostic[]): Tag {
  const span = { start: raw.start, end: raw.end };
  const tagText = text.slice(raw.start, raw.end);
  if (raw.open === '{{!--' || raw.open === '{{{{') {
    return { kind: raw.open === '{{{{' ? 'raw-block' : 'comment', span, closed: raw.closed, params: [], hash: [], comment: raw.open === '{{!--' ? tagText.replace(/^\{\{~?!--/, '').replace(/-?-?~?\}\}$/, '') : undefined };
  }
  const openLen = raw.open.length;
  let innerStart = raw.start + openLen;
  if (text[innerStart] === '~') innerStart++;
  let innerEnd = raw.closed ? raw.end - raw.close.length : raw.end;
  if (raw.closed && text[innerEnd - 1] === '~') innerEnd--;
  const inner = text.slice(innerStart, innerEnd);
  const { kind: baseKind, sigil } = raw.open === '{{{' ? { kind: 'unescaped' as TagKind, sigil: 0 } : classify(inner);
  const tag: Tag = { kind: baseKind, span, closed: raw.closed, params: [], hash: [] };
  if ((baseKind === 'mustache' || baseKind === 'unescaped') && JSON_LIKE.test(raw.open === '{{{' ? inner : inner.replace(/^\{/, ''))) {
    // Literal JSON in example text: `{{"a": 1}}` or `{{{"a": {...}}}}` is read by Handlebars as a tag.
    tag.kind = 'json-text';
    diagnostics.push({
      code: 'template-json-collision',
      severity: 'error',
      message: `This looks like literal JSON, but Handlebars reads \`${raw.open}\` as the start of a tag. Write \`\\{{\` to keep it as text.`,
      span,
      data: { escapeAt: raw.start },
    });
    return tag;
  }
  if (baseKind === 'comment') {
    tag.comment = inner.slice(1);
    return tag;
  }
  const rest = inner.slice(sigil);
  const nameMatch = /^\s*("[^"]*"|'[^']*'|\[[^\]]*\]|[^\s()=}~|]+)/.exec(rest);
  if (nameMatch) {
    const lead = nameMatch[0].length - nameMatch[1].length;
    tag.name = nameMatch[1].replace(/^["'[]|["'\]]$/g, '');
    tag.nameSpan = { start: innerStart + sigil + lead, end: innerStart + sigil + nameMatch[0].length };
  }
  if (baseKind === 'else') {
    const m = /^\s*else\s+([^\s()=}~|]+)/.exec(inner);
    tag.name = m ? m[1] : 'else';
  }
  if (!raw.closed) return tag;
  if (baseKind === 'block-close') {
    if (!tag.name) diagnostics.push({ code: 'template-expression', severity: 'error', message: 'A closing tag needs the name of the block it closes, e.g. `{{/if}}`.', span });
    return tag;
  }
  if (expressionDepth(tagText) > MAX_EXPRESSION_DEPTH) {
    diagnostics.push({
      code: 'template-too-deep',
      severity: 'error',
      message: `This tag nests sub-expressions \`( )\` deeper than ${MAX_EXPRESSION_DEPTH} levels, more than Handlebars can parse in reasonable time. Compute the value in a helper, or split it over several tags.`,
      span,
    });
    return tag;
  }
  const parsed = parseTagText(baseKind, tagText, tag.name);
  if (parsed.error) {
    // Go's text/template field syntax (`{{.Query}}`), which Go prompt code and its users carry over.
    const name = inner.trim();
    const dot = baseKind === 'mustache' && name.startsWith('.') && /^[A-Za-z_][\w.]*$/.test(name.slice(1)) && !name.includes('..') ? innerStart + inner.indexOf('.') : -1;
    diagnostics.push({
      code: 'template-expression',
      severity: 'error',
      message: `Invalid Handlebars expression: ${parsed.error}.${dot >= 0 ? ` \`{{${name}}}\` is Go template syntax; Handlebars reads the input as \`{{${name.slice(1)}}}\`.` : ''}`,
      span,
      data: dot >= 0 ? { fix: { title: `Change to \`{{${name.slice(1)}}}\``, edits: [{ start: dot, end: dot + 1, newText: '' }] } } : undefined,
    });
    return tag;
  }
  tag.path = parsed.path && shiftExpr(parsed.path, raw.start);
  tag.params = parsed.params.map((p) => shiftExpr(p, raw.start));
  tag.hash = parsed.hash.map((h) => shiftHash(h, raw.start));
  tag.blockParams = parsed.blockParams;
  if (parsed.name !== undefined && baseKind !== 'else') tag.name = parsed.name;
  if (tag.path && baseKind !== 'else') tag.nameSpan = tag.path.span;
  return tag;
}

/** The deepest nesting of `( )` in a tag, outside string literals. */
function expressionDepth(tagText: string): number {
  let depth = 0;
  let max = 0;
  let quote = 0;
  for (let i = 0; i < tagText.length; i++) {
    const c = tagText.charCodeAt(i);
    if (quote) {
      if (c === quote) quote = 0;
    } else if (c === 34 || c === 39) quote = c;
    else if (c === 40) max = Math.max(max, ++depth);
    else if (c === 41) depth--;
  }
  return max;
}

function blockNameOf(tag: Tag): string {
  const n = tag.name ?? '';
  return tag.kind === 'decorator-block-open' ? n.replace(/^\*/, '') : n;
}

/** The diagnostics each tag's own check gave (only tags that have some), to repeat them when the tag is reused. */
const tagDiagnostics = new WeakMap<Tag, PromptDiagnostic[]>();

function buildTagRecorded(text: string, raw: RawTag, diagnostics: PromptDiagnostic[]): Tag {
  const before = diagnostics.length;
  const tag = buildTag(text, raw, diagnostics);
  raw.tagDiags = diagnostics.length > before;
  if (raw.tagDiags) tagDiagnostics.set(tag, diagnostics.slice(before));
  return tag;
}

function shiftSpan(s: Span, by: number): Span {
  return { start: s.start + by, end: s.end + by };
}

/** A tag of the previous version moved by `by` characters, its text unchanged. */
function shiftTag(t: Tag, by: number): Tag {
  // Fields named, as in the shifts above (a spread of the tag's varied shapes cost twice as much);
  // an optional field is set when the tag has it, even to undefined, so the copy has the same keys.
  const out: Tag = { kind: t.kind, span: { start: t.span.start + by, end: t.span.end + by }, closed: t.closed, params: shiftExprs(t.params, by), hash: shiftHashes(t.hash, by) };
  if ('comment' in t) out.comment = t.comment;
  if ('name' in t) out.name = t.name;
  if ('path' in t) out.path = t.path && shiftExpr(t.path, by);
  if ('blockParams' in t) out.blockParams = t.blockParams;
  if ('nameSpan' in t) out.nameSpan = t.nameSpan && (t.path && t.nameSpan === t.path.span ? out.path!.span : shiftSpan(t.nameSpan, by));
  return out;
}

/**
 * The tags of the scan, reusing the previous version's where the edit left their text alone: a
 * tag before the edit is the same object, one after it a moved copy (not parsed again). Tags whose
 * own check reported something after the edit are built afresh, so their diagnostics move right.
 */
function* buildTags(text: string, scan: Scan, previous: TemplateSource | undefined, diagnostics: PromptDiagnostic[]): Steps<Tag[]> {
  const raws = scan.raws;
  const tags: Tag[] = [];
  if (!previous || !previous.template.tags.length) {
    // Indexed loops in this generator: `for…of` here allocated an iterator result per tag.
    for (let n = 0; n < raws.length; n++) {
      tags.push(buildTagRecorded(text, raws[n], diagnostics));
      // Each tag built is parsed by Handlebars (unless one with the same text was): pause more often.
      if (tags.length % 32 === 0) yield 'parse: tags';
    }
    return tags;
  }
  const { prefix, suffix, delta } = textChange(previous.text, text);
  const old = previous.template.tags;
  const suffixFrom = text.length - suffix;
  let j = 0;
  const at = (start: number): Tag | undefined => {
    while (j < old.length && old[j].span.start < start) j++;
    return old[j]?.span.start === start ? old[j] : undefined;
  };
  const reuse = (r: RawTag): Tag => {
    if (r.end <= prefix) {
      const o = at(r.start);
      if (o && o.span.end === r.end && o.closed === r.closed) {
        const own = tagDiagnostics.get(o);
        if (own) diagnostics.push(...own);
        r.tagDiags = !!own;
        return o;
      }
    } else if (r.start >= suffixFrom) {
      const o = at(r.start - delta);
      if (o && o.span.end === r.end - delta && o.closed === r.closed && !tagDiagnostics.has(o)) {
        r.tagDiags = false;
        return shiftTag(o, delta);
      }
    }
    return buildTagRecorded(text, r, diagnostics);
  };
  // The scan's head (the previous raw tags themselves) has the previous tags; its moved tail has
  // the previous tags moved, but for those whose own check reported something (built again, so
  // that their diagnostics move too). Only the tags in between are looked up.
  const head = scan.old ? scan.head : 0;
  for (let n = 0; n < head; n++) {
    const o = old[n];
    tags.push(o);
    if (raws[n].tagDiags) {
      const own = tagDiagnostics.get(o);
      if (own) for (let d = 0; d < own.length; d++) diagnostics.push(own[d]);
    }
    if (tags.length % STEP_ITEMS === 0) yield 'parse: tags';
  }
  const tail = scan.old ? scan.tail : raws.length;
  for (let n = head; n < tail; n++) {
    tags.push(reuse(raws[n]));
    if (tags.length % 32 === 0) yield 'parse: tags';
  }
  for (let n = tail; n < raws.length; n++) {
    const r = raws[n];
    if (r.tagDiags === false) tags.push(shiftTag(old[scan.oldTail + n - tail], delta));
    else {
      // Built again where it now is: a raw tag of its own, not moved.
      const shift = scan.shifts[n];
      const here: RawTag = shift ? { start: r.start + shift, end: r.end + shift, closed: r.closed, open: r.open, close: r.close, reach: r.reach + shift, resume: r.resume + shift, diags: r.diags?.map((d) => shiftDiagnostic(d, shift)) } : r;
      raws[n] = here;
      scan.shifts[n] = 0;
      tags.push(buildTagRecorded(text, here, diagnostics));
    }
    if (tags.length % 32 === 0) yield 'parse: tags';
  }
  return tags;
}

/** An earlier version of a document and its template: what `parseTemplate` may reuse. */
export interface TemplateSource {
  text: string;
  template: Template;
}

export function parseTemplate(text: string, start: number, end: number, previous?: TemplateSource): Template {
  return runSteps(parseTemplateSteps(text, start, end, previous));
}

/** `parseTemplate` as steps: a sliced parse pauses inside the tag scan, the tags' parse, the block structure and the text checks. */
/**
 * `trimmedStart`: the renderer trims the body's leading white space (Dotprompt does when the file
 * has frontmatter), which decides whether a `{{role}}` without a name comes first in the output.
 */
export function* parseTemplateSteps(text: string, start: number, end: number, previous?: TemplateSource, trimmedStart = false): Steps<Template> {
  const moved = previous && (yield* movedTemplate(text, start, end, previous, trimmedStart));
  if (moved) return moved;
  const diagnostics: PromptDiagnostic[] = [];
  const scan = yield* scanTagsAfter(text, start, end, previous, diagnostics);
  yield 'parse: tags';
  const tags = yield* buildTags(text, scan, previous, diagnostics);
  yield 'parse: tags';

  // Block structure.
  const roots: Block[] = [];
  const stack: Block[] = [];
  const addBlock = (b: Block) => {
    const parent = stack[stack.length - 1];
    if (parent) {
      b.parent = parent;
      parent.children.push(b);
    } else roots.push(b);
  };
  const unclosed = (b: Block) => {
    b.span = { start: b.open.span.start, end };
    diagnostics.push({
      code: 'template-unclosed-block',
      severity: 'error',
      message: `The block \`{{#${blockNameOf(b.open)}}}\` is never closed. Add \`{{/${b.name}}}\` where it should end.`,
      span: b.open.span,
      data: { name: b.name },
    });
  };
  // How many blocks of each name are open: a close that matches none is known at once, without
  // searching the stack (which made a run of stray closes quadratic).
  const openNames = new Map<string, number>();
  const pop = (): Block => {
    const b = stack.pop()!;
    openNames.set(b.name, openNames.get(b.name)! - 1);
    return b;
  };
  let tooDeep = false;
  let n = 0;
  for (let t = 0; t < tags.length; t++) {
    const tag = tags[t];
    if (++n % STEP_ITEMS === 0) yield 'parse: blocks';
    if (!tag.closed) continue;
    switch (tag.kind) {
      case 'block-open':
      case 'inverse-open':
      case 'partial-block-open':
      case 'decorator-block-open': {
        const block: Block = { name: blockNameOf(tag), open: tag, elses: [], span: { start: tag.span.start, end }, children: [] };
        addBlock(block);
        stack.push(block);
        openNames.set(block.name, (openNames.get(block.name) ?? 0) + 1);
        if (stack.length > MAX_BLOCK_DEPTH && !tooDeep) {
          tooDeep = true;
          diagnostics.push({
            code: 'template-too-deep',
            severity: 'error',
            message: `Blocks are nested deeper than ${MAX_BLOCK_DEPTH.toLocaleString('en-US')} levels here, more than Handlebars can render. Close the blocks above before opening new ones, or move the inner part into a partial.`,
            span: tag.span,
          });
        }
        break;
      }
      case 'else': {
        const top = stack[stack.length - 1];
        if (!top) {
          diagnostics.push({ code: 'template-unmatched-else', severity: 'error', message: '`{{else}}` must be inside a block such as `{{#if}}`, `{{#unless}}` or `{{#each}}`.', span: tag.span });
        } else top.elses.push(tag);
        break;
      }
      case 'block-close': {
        const name = tag.name ?? '';
        let depth = -1;
        // Every block skipped on the way down is popped below as unclosed, so the search is linear overall.
        if (openNames.get(name)) for (depth = stack.length - 1; stack[depth].name !== name; depth--);
        if (depth < 0) {
          const top = stack[stack.length - 1];
          diagnostics.push({
            code: 'template-unmatched-close',
            severity: 'error',
            message: top
              ? `\`{{/${name}}}\` does not close anything: the open block is \`{{#${blockNameOf(top.open)}}}\`. Did you mean \`{{/${top.name}}}\`?`
              : `\`{{/${name}}}\` does not close anything: no \`{{#${name}}}\` is open here. Remove it, or add the opening tag.`,
            span: tag.span,
            data: top ? { expected: top.name } : undefined,
          });
          break;
        }
        while (stack.length - 1 > depth) unclosed(pop());
        const block = pop();
        block.close = tag;
        block.span = { start: block.open.span.start, end: tag.span.end };
        break;
      }
      default:
        break;
    }
  }
  while (stack.length) unclosed(pop());

  yield 'parse: blocks';
  const blocks = allBlocks(roots);
  for (let b = 0; b < blocks.length; b++) checkElse(blocks[b], diagnostics);
  yield 'parse: blocks';
  yield* checkForeignSyntax(text, start, end, tags, diagnostics);
  yield 'parse: text';
  yield* checkStrayClose(text, start, end, tags, diagnostics);
  yield 'parse: text';

  // Dotprompt message structure: `{{role "x"}}` and `{{history}}` start new messages.
  const messages: Message[] = [];
  let current: Message = { role: 'user', span: { start, end }, kind: 'message' };
  // `{{role}}` without a role name marks nothing: Dotprompt's `role` helper gets no name and writes
  // `<<<dotprompt:role:[object Object]>>>`, which its parser's marker expression does not match.
  const markers = tags.filter((t) => t.kind === 'mustache' && t.closed && (t.name === 'history' || (t.name === 'role' && t.params.length > 0)));
  n = 0;
  for (let m = 0; m < markers.length; m++) {
    const marker = markers[m];
    if (++n % STEP_ITEMS === 0) yield 'parse: messages';
    current.span = { start: current.span.start, end: marker.span.start };
    if (current.marker || text.slice(current.span.start, current.span.end).trim()) messages.push(current);
    const roleParam = marker.params[0];
    const role = marker.name === 'history' ? 'history' : roleParam?.kind === 'literal' ? String(roleParam.value) : roleParam ? `(${roleParam.kind === 'path' ? roleParam.original : 'expression'})` : '';
    current = { role, marker, span: { start: marker.span.start, end }, kind: marker.name === 'history' ? 'history' : 'message' };
  }
  current.span = { start: current.span.start, end };
  if (current.marker || text.slice(current.span.start, current.span.end).trim()) messages.push(current);
  if (tags.some(isBareRole)) {
    for (const msg of messages) {
      if (msg.kind !== 'message') continue;
      const lost = leadingBareRole(text, tags, msg.marker ? msg.marker.span.end : msg.span.start, msg.span.end, msg.marker, trimmedStart && !msg.marker);
      if (lost) msg.lost = lost;
    }
  }

  const template: Template = { span: { start, end }, tags, blocks: roots, messages, diagnostics };
  rawTags.set(template, { raws: scan.raws, shifts: scan.shifts, trimmed: trimmedStart });
  return template;
}

/** A diagnostic moved by `by` characters, with the offsets its data holds (fixes, escapes, names). */
function moveDiagnostic(d: PromptDiagnostic, by: number): PromptDiagnostic {
  const out: PromptDiagnostic = { ...d, span: shiftSpan(d.span, by) };
  const data = d.data as Record<string, any> | undefined;
  if (!data) return out;
  if (typeof data.escapeAt === 'number') out.data = { ...data, escapeAt: data.escapeAt + by };
  else if (typeof data.nameStart === 'number') out.data = { ...data, nameStart: data.nameStart + by };
  else if (data.comment && typeof data.comment === 'object') out.data = { ...data, comment: shiftSpan(data.comment, by) };
  else if (Array.isArray(data.fix?.edits)) out.data = { ...data, fix: { ...data.fix, edits: data.fix.edits.map((e: { start: number; end: number }) => ({ ...e, start: e.start + by, end: e.end + by })) } };
  return out;
}

/**
 * The previous version's template moved by the edit's length, when the edit lay wholly before the
 * body (a keystroke in the frontmatter) and left the body's text as it was: every tag, block,
 * message and diagnostic is the previous one moved, without scanning, matching blocks or checking
 * the text again. Undefined when the body changed (or the previous template cannot tell).
 */
function* movedTemplate(text: string, start: number, end: number, previous: TemplateSource, trimmedStart: boolean): Steps<Template | undefined> {
  const old = previous.template;
  const raw = rawTags.get(old);
  if (!raw || raw.trimmed !== trimmedStart || end !== text.length || old.span.end !== previous.text.length) return undefined;
  const delta = text.length - previous.text.length;
  if (old.span.start + delta !== start) return undefined;
  const { suffix } = textChange(previous.text, text);
  if (suffix < end - start) return undefined;
  if (delta === 0) return old;
  const oldTags = old.tags;
  const raws = raw.raws;
  const tags = new Array<Tag>(oldTags.length);
  for (let n = 0; n < oldTags.length; n++) {
    const o = oldTags[n];
    const t = shiftTag(o, delta);
    tags[n] = t;
    // Only a tag whose raw tag says it reported something is looked up.
    const own = raws[n].tagDiags !== false ? tagDiagnostics.get(o) : undefined;
    if (own) tagDiagnostics.set(t, own.map((d) => moveDiagnostic(d, delta)));
    if (n % STEP_ITEMS === STEP_ITEMS - 1) yield 'parse: tags';
  }
  // The tag of the previous version at the same index.
  const moved = (o: Tag): Tag => {
    const i = indexStartingAt(oldTags, o.span.start);
    return i >= 0 ? tags[i] : shiftTag(o, delta);
  };
  const blocks: Block[] = [];
  // Blocks moved parents first (an explicit stack: they nest as deep as the input).
  const stack: [Block, Block | undefined][] = [];
  for (let i = old.blocks.length - 1; i >= 0; i--) stack.push([old.blocks[i], undefined]);
  const roots: Block[] = [];
  while (stack.length) {
    const [b, parent] = stack.pop()!;
    const elses = new Array<Tag>(b.elses.length);
    for (let e = 0; e < b.elses.length; e++) elses[e] = moved(b.elses[e]);
    const nb: Block = { name: b.name, open: moved(b.open), elses, span: shiftSpan(b.span, delta), children: [] };
    if (b.close) nb.close = moved(b.close);
    if (parent) {
      nb.parent = parent;
      parent.children.push(nb);
    } else roots.push(nb);
    blocks.push(nb);
    for (let i = b.children.length - 1; i >= 0; i--) stack.push([b.children[i], nb]);
    if (blocks.length % STEP_ITEMS === 0) yield 'parse: blocks';
  }
  const messages: Message[] = old.messages.map((m) => {
    const nm: Message = { role: m.role, span: shiftSpan(m.span, delta), kind: m.kind };
    if (m.marker) nm.marker = moved(m.marker);
    if (m.lost) nm.lost = moved(m.lost);
    return nm;
  });
  const diagnostics = old.diagnostics.map((d) => moveDiagnostic(d, delta));
  const template: Template = { span: { start, end }, tags, blocks: roots, messages, diagnostics };
  const shifts = new Array<number>(raw.shifts.length);
  for (let n = 0; n < shifts.length; n++) shifts[n] = raw.shifts[n] + delta;
  rawTags.set(template, { raws: raw.raws, shifts, trimmed: trimmedStart });
  const whole = wholeParse.get(old);
  if (whole) wholeParse.set(template, whole.map((d) => moveDiagnostic(d, delta)));
  return template;
}

/** `{{role}}` with no role name (a hash alone passes none either). */
export function isBareRole(t: Tag): boolean {
  return t.kind === 'mustache' && t.closed && t.name === 'role' && t.path?.kind === 'path' && t.path.original === 'role' && t.params.length === 0;
}

const STANDALONE_KINDS: ReadonlySet<TagKind> = new Set(['comment', 'block-open', 'inverse-open', 'else', 'block-close']);

/** A tag Handlebars removes with its line (a comment or block tag alone on its line). */
function standalone(text: string, t: Tag): boolean {
  if (!STANDALONE_KINDS.has(t.kind)) return false;
  let a = t.span.start;
  while (a > 0 && (text[a - 1] === ' ' || text[a - 1] === '\t')) a--;
  if (a > 0 && text[a - 1] !== '\n') return false;
  let b = t.span.end;
  while (b < text.length && (text[b] === ' ' || text[b] === '\t' || text[b] === '\r')) b++;
  return b >= text.length || text[b] === '\n';
}

/**
 * The `{{role}}` without a name that renders first in `from`..`to`, after nothing but comments and
 * the openers of `{{#each}}` / `{{#if}}` / `{{#with}}` / `{{#unless}}` (and the white space that
 * `~`, standalone lines or the body's trim remove). Dotprompt's parser splits the output at its real
 * markers and takes a piece that starts with `<<<dotprompt:role:` as a marker, so such a piece's
 * text becomes a role name and is not sent.
 */
function leadingBareRole(text: string, tags: readonly Tag[], from: number, to: number, marker: Tag | undefined, trimmed: boolean): Tag | undefined {
  const lo = firstStartingAt(tags, from);
  let pos = from;
  let prev = marker;
  for (let i = lo; i < tags.length && tags[i].span.start < to; i++) {
    const t = tags[i];
    let gap = text.slice(pos, t.span.start);
    if (gap.trim()) return undefined;
    if (gap && !((trimmed && pos === from) || text[t.span.start + 2] === '~' || (prev !== undefined && text[prev.span.end - 3] === '~'))) {
      // A standalone tag's line goes with it: the rest of the previous one's line, this one's indentation.
      if (prev && standalone(text, prev)) gap = gap.replace(/^[ \t\r]*\n/, '');
      if (standalone(text, t)) {
        let e = gap.length;
        while (e > 0 && (gap[e - 1] === ' ' || gap[e - 1] === '\t')) e--;
        gap = gap.slice(0, e);
      }
      if (gap) return undefined;
    }
    if (t.kind === 'comment' || (t.kind === 'block-open' && (t.name === 'each' || t.name === 'if' || t.name === 'with' || t.name === 'unless'))) {
      prev = t;
      pos = t.span.end;
      continue;
    }
    return isBareRole(t) ? t : undefined;
  }
  return undefined;
}

// Jinja / Prompty habits that Handlebars treats as literal text, so they reach the model as typed.
const FOREIGN = /(?<!\{)\{#[^{}]*?#\}|(?<!\{)\{%[^{}]*?%\}/g;

function* checkForeignSyntax(text: string, start: number, end: number, tags: Tag[], diagnostics: PromptDiagnostic[]): Steps<void> {
  const body = text.slice(start, end);
  if (!body.includes('{#') && !body.includes('{%')) return;
  // `lastIndex` is the loop's own (a pause lets other parses use the shared expression).
  let from = 0;
  let n = 0;
  let fences: [number, number][] | undefined;
  let code: ((from: number, to: number) => boolean) | undefined;
  let fence = 0;
  for (;;) {
    FOREIGN.lastIndex = from;
    const m = FOREIGN.exec(body);
    if (!m) break;
    from = FOREIGN.lastIndex;
    if (++n % STEP_ITEMS === 0) yield 'parse: text';
    const s = start + m.index;
    if (m[0].length > 2000 || insideTag(tags, s)) continue;
    // Written as code (`{% if %}` between backticks, or in a ``` block), it is quoted on purpose.
    fences ??= fencedRanges(body);
    code ??= inlineCode(body);
    // The matches come in order: the fence list is walked once.
    while (fence < fences.length && fences[fence][1] <= m.index) fence++;
    if (code(m.index, m.index + m[0].length) || (fence < fences.length && fences[fence][0] <= m.index)) continue;
    const comment = m[0].startsWith('{#');
    diagnostics.push({
      code: 'template-foreign-syntax',
      severity: 'warning',
      message: comment
        ? 'A Jinja comment `{# … #}` is plain text in a Handlebars template and is sent to the model. Write `{{! … }}` for a comment.'
        : 'A Jinja statement `{% … %}` is plain text in a Handlebars template. Use Handlebars blocks such as `{{#if x}} … {{/if}}` or `{{#each xs}} … {{/each}}`.',
      span: { start: s, end: s + m[0].length },
      data: comment ? { replacement: `{{!${m[0].slice(2, -2)}}}` } : undefined,
    });
  }
}

/**
 * Whether `from`..`to` of `text` sits in a Markdown code span: an odd number of backticks before it
 * on its line, and one after it on the same line. Asked with increasing offsets, it scans the text
 * once (a line of thousands of matches stays linear).
 */
function inlineCode(text: string): (from: number, to: number) => boolean {
  let pos = 0;
  let ticks = 0;
  let nextTick = -2;
  let nextBreak = -2;
  return (from, to) => {
    for (; pos < from; pos++) {
      const c = text.charCodeAt(pos);
      if (c === 10) ticks = 0;
      else if (c === 96) ticks++;
    }
    if (ticks % 2 === 0) return false;
    if (nextTick !== -1 && nextTick < to) nextTick = text.indexOf('`', to);
    if (nextBreak !== -1 && nextBreak < to) nextBreak = text.indexOf('\n', to);
    return nextTick >= 0 && (nextBreak < 0 || nextTick < nextBreak);
  };
}

/** The offsets of Markdown fenced code blocks (``` or ~~~ lines) in `text`; an unclosed fence runs to the end. */
function fencedRanges(text: string): [number, number][] {
  const out: [number, number][] = [];
  let open: number | undefined;
  let marker = '';
  for (let at = 0; at < text.length; ) {
    let end = text.indexOf('\n', at);
    if (end < 0) end = text.length;
    const line = text.slice(at, end).trimStart();
    const fence = line.startsWith('```') ? '```' : line.startsWith('~~~') ? '~~~' : '';
    if (fence && open === undefined) {
      open = at;
      marker = fence;
    } else if (fence === marker && open !== undefined) {
      out.push([open, end]);
      open = undefined;
    }
    at = end + 1;
  }
  if (open !== undefined) out.push([open, text.length]);
  return out;
}

/**
 * `}}` in plain text, with no `{` open before it: Handlebars prints it as text. Braces are counted
 * over the plain text (tags skipped), so the end of literal JSON (`{"a": {"b": 1}}`) is not
 * reported. Right after a `{{! }}` comment that held a `{{`, it is the end of a comment that
 * Handlebars closed earlier, at the first `}}`.
 */
function* checkStrayClose(text: string, start: number, end: number, tags: Tag[], diagnostics: PromptDiagnostic[]): Steps<void> {
  const any = text.indexOf('}}', start);
  if (any < 0 || any + 2 > end) return;
  let depth = 0;
  let from = start;
  let reported = 0;
  // The next `{` and `}` at or after the point reached (-1: none left), found with `indexOf` (not
  // a regular expression run from every tag): the point only moves forward, so each search
  // starts where the last one's answer lies behind, and the body is searched once per brace.
  let nextOpen = -2;
  let nextClose = -2;
  for (let t = 0; t <= tags.length && reported < 20; t++) {
    if (t % STEP_ITEMS === STEP_ITEMS - 1) yield 'parse: text';
    const stop = t < tags.length ? tags[t].span.start : end;
    let pos = from;
    while (pos < stop) {
      if (nextOpen !== -1 && nextOpen < pos) nextOpen = text.indexOf('{', pos);
      if (nextClose !== -1 && nextClose < pos) nextClose = text.indexOf('}', pos);
      const i = nextOpen < 0 ? nextClose : nextClose < 0 ? nextOpen : Math.min(nextOpen, nextClose);
      if (i < 0 || i >= stop) break;
      pos = i + 1;
      if (i === nextOpen) depth++;
      else if (depth === 0 && text.charCodeAt(i + 1) === 125 && i + 1 < stop) {
        diagnostics.push(strayClose(text, start, i, t > 0 ? tags[t - 1] : undefined));
        reported++;
        pos = i + 2;
      } else if (depth > 0) depth--;
    }
    if (t < tags.length) from = tags[t].span.end;
  }
}

function strayClose(text: string, start: number, at: number, previous: Tag | undefined): PromptDiagnostic {
  const span = { start: at, end: at + 2 };
  const between = previous ? text.slice(previous.span.end, at) : '';
  if (previous?.kind === 'comment' && previous.closed && !text.startsWith('{{!--', previous.span.start) && !text.startsWith('{{~!--', previous.span.start) && previous.comment?.includes('{{') && !between.includes('\n')) {
    return {
      code: 'template-stray-close',
      severity: 'warning',
      message: 'This `}}` is printed as text: the `{{! }}` comment before it ended at the first `}}`, inside it. Write the comment as `{{!-- … --}}`, which ends only at `--}}`.',
      span,
      data: { comment: { start: previous.span.start, end: at + 2 } },
    };
  }
  // `city}}`: a name right before it, probably a tag missing its `{{`.
  let nameStart = at;
  while (nameStart > start && /[\w.@/-]/.test(text[nameStart - 1])) nameStart--;
  const name = nameStart < at && /^[A-Za-z_@.]/.test(text.slice(nameStart, at)) ? text.slice(nameStart, at) : undefined;
  return {
    code: 'template-stray-close',
    severity: 'warning',
    message: `This \`}}\` closes no tag: Handlebars prints it as text, so the model sees \`}}\`.${name ? ` Did you mean \`{{${name}}}\`?` : ''} Remove it, or add the \`{{\` it closes.`,
    span,
    data: name ? { name, nameStart } : {},
  };
}

/** Whether `offset` is inside a tag (binary search: tags are sorted and never overlap). */
function insideTag(tags: Tag[], offset: number): boolean {
  let lo = 0;
  let hi = tags.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const t = tags[mid];
    if (offset < t.span.start) hi = mid - 1;
    else if (offset >= t.span.end) lo = mid + 1;
    else return true;
  }
  return false;
}

const wholeParse = new WeakMap<Template, PromptDiagnostic[]>();

/**
 * Bodies up to this size also get one whole-body Handlebars parse. Every tag is already parsed by
 * Handlebars and the block structure checked, so this is a safety net; Handlebars' lexer copies
 * the rest of the input on every token, which makes the whole parse superlinear (58 ms at 250 KB,
 * 2.7 s at 4 MB on the benchmark machine), so large bodies skip it.
 */
export const WHOLE_PARSE_LIMIT = 32_000;

/**
 * The whole-body Handlebars parse (for bodies up to WHOLE_PARSE_LIMIT characters), which catches
 * anything the tag scan did not. It runs only for diagnostics (once per version, memoised), never
 * on the completion and hover path.
 */
export function wholeTemplateDiagnostics(text: string, template: Template): PromptDiagnostic[] {
  const hit = wholeParse.get(template);
  if (hit) return hit;
  const out: PromptDiagnostic[] = [];
  const { start, end } = template.span;
  if (end - start <= WHOLE_PARSE_LIMIT && !template.diagnostics.some((d) => d.severity === 'error')) {
    try {
      Handlebars.parseWithoutProcessing(text.slice(start, end));
    } catch (e) {
      const message = e instanceof Error ? e.message : String(e);
      const line = Number(/on line (\d+)/.exec(message)?.[1] ?? 1);
      let at = start;
      for (let l = 1; l < line; l++) {
        const nl = text.indexOf('\n', at);
        if (nl < 0 || nl >= end) break;
        at = nl + 1;
      }
      const eol = text.indexOf('\n', at);
      out.push({ code: 'template-syntax', severity: 'error', message: `Handlebars cannot parse this line: ${explainParseError(message)}.`, span: { start: at, end: eol < 0 || eol > end ? end : eol } });
    }
  }
  wholeParse.set(template, out);
  return out;
}

/** Every block of the tree, parents before children, in document order (an explicit stack: blocks nest as deep as the input). */
export function allBlocks(roots: Block[]): Block[] {
  const out: Block[] = [];
  const stack = [...roots].reverse();
  while (stack.length) {
    const b = stack.pop()!;
    out.push(b);
    for (let i = b.children.length - 1; i >= 0; i--) stack.push(b.children[i]);
  }
  return out;
}

function checkElse(block: Block, diagnostics: PromptDiagnostic[]): void {
  const builtin = BUILTIN_BLOCKS_WITH_ELSE.has(block.name);
  const plain = block.elses.filter((e) => e.name === 'else');
  if (builtin && plain.length > 1) {
    for (const extra of plain.slice(1)) {
      diagnostics.push({ code: 'template-duplicate-else', severity: 'error', message: `\`{{#${block.name}}}\` can have only one plain \`{{else}}\`.`, span: extra.span });
    }
  }
}

/** The tag whose span contains the offset (tags never overlap). */
export function tagAt(template: Template, offset: number): Tag | undefined {
  const tags = template.tags;
  let lo = 0;
  let hi = tags.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const t = tags[mid];
    if (offset < t.span.start) hi = mid - 1;
    else if (offset > t.span.end) lo = mid + 1;
    else return t;
  }
  return undefined;
}
