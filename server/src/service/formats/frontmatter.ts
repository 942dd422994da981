// YAML frontmatter, which Dotprompt, Prompty and agent instruction files share: splits a file into
// its `---` block and body, parses the YAML with ranges, and lists its settings for the shared
// model. Never throws: every problem becomes a diagnostic.
import { isMap, isNode, isPair, isScalar, isSeq, visit, type Document, type Node, type Pair, type Scalar, type YAMLError } from 'yaml';
import type { PromptDiagnostic } from '../diagnostic';
import type { Span } from '../text';
import { parseYamlDocument } from '../yamlParse';
import type { PromptSetting } from './types';

export interface FrontmatterBlock {
  /** Whether the file starts with a `---` line. */
  present: boolean;
  closed: boolean;
  /** The whole block including both `---` lines. */
  span: Span;
  /**
   * Comment (`# ...`) and blank lines before the opening `---`, which Dotprompt's parser skips
   * (its FRONTMATTER_AND_BODY_REGEX), or blank lines alone, which Prompty's Python runtime skips;
   * absent when the file starts with `---`.
   */
  preamble?: Span;
  /** The YAML text between the delimiters. */
  content: Span;
  yaml?: Document.Parsed;
  /** The frontmatter as plain data, or undefined when the YAML could not be read. */
  value: unknown;
  /**
   * When the YAML has errors: what did parse, with the lines of each error commented out. For
   * completion and hover only, never validated.
   */
  recovered?: Document.Parsed;
}

/** Aliases allowed per document before the YAML is treated as an alias bomb. */
export const MAX_ALIAS_COUNT = 100;

const OPEN_RE = /^---[ \t]*(?:\r?\n|$)/;
const CLOSE_RE = /^---[ \t]*\r?$/m;

export interface SplitOptions {
  /**
   * Accept comment and blank lines before the opening `---`, as Dotprompt's parser does: each line
   * either starts with `#` (in the first column) or holds only spaces and tabs, and ends with `\n`.
   */
  leadingComments?: boolean;
  /**
   * Accept blank lines (spaces and tabs only) before the opening `---`, as Prompty's Python
   * runtime does (`^\s*---`); Prompty's TypeScript runtime (gray-matter) does not.
   */
  leadingBlankLines?: boolean;
}

/**
 * Where the opening `---` is when only comment and blank lines come before it (Dotprompt's rule:
 * `^(?:(?:#[^\n]*|[ \t]*)\n)*---`), else undefined. A `#` line takes everything up to `\n`, a
 * CRLF's `\r` included; a blank line is spaces and tabs then `\n`, so a blank CRLF line ends it.
 * Without `comments` (Prompty's rule, `^\s*---`), blank lines alone, CRLF ones included.
 * One pass, no backtracking.
 */
export function afterLeadingComments(text: string, from: number, comments = true): number | undefined {
  let i = from;
  while (i < text.length) {
    if (text.startsWith('---', i)) return i > from ? i : undefined;
    if (comments && text.charCodeAt(i) === 35 /* # */) {
      const nl = text.indexOf('\n', i);
      if (nl < 0) return undefined;
      i = nl + 1;
      continue;
    }
    let j = i;
    // Prompty's `\s*` (blank lines alone) takes a CRLF's `\r` too.
    while (text.charCodeAt(j) === 32 || text.charCodeAt(j) === 9 || (!comments && text.charCodeAt(j) === 13)) j++;
    if (text.charCodeAt(j) !== 10) return undefined;
    i = j + 1;
  }
  return undefined;
}

export function splitFrontmatter(text: string, from: number, options: SplitOptions = {}): { block: FrontmatterBlock; bodyStart: number } {
  let open = OPEN_RE.exec(text.slice(from, from + 64));
  let preamble: Span | undefined;
  if (!open && (options.leadingComments || options.leadingBlankLines)) {
    const at = afterLeadingComments(text, from, !!options.leadingComments);
    open = at === undefined ? null : OPEN_RE.exec(text.slice(at, at + 64));
    if (open && at !== undefined) {
      preamble = { start: from, end: at };
      from = at;
    }
  }
  if (!open) {
    return { block: { present: false, closed: false, span: { start: from, end: from }, content: { start: from, end: from }, value: undefined }, bodyStart: from };
  }
  const contentStart = from + open[0].length;
  const rest = text.slice(contentStart);
  const close = open[0].endsWith('\n') ? CLOSE_RE.exec(rest) : null;
  if (!close) {
    return {
      block: { present: true, closed: false, span: { start: from, end: text.length }, content: { start: contentStart, end: text.length }, preamble, value: undefined },
      bodyStart: text.length,
    };
  }
  const closeStart = contentStart + close.index;
  let closeEnd = closeStart + close[0].length;
  const contentEnd = closeStart > contentStart ? closeStart - (text[closeStart - 2] === '\r' ? 2 : 1) : closeStart;
  if (text[closeEnd] === '\n') closeEnd++;
  return {
    block: { present: true, closed: true, span: { start: from, end: closeEnd }, content: { start: contentStart, end: Math.max(contentStart, contentEnd) }, preamble, value: undefined },
    bodyStart: closeEnd,
  };
}

export function parseFrontmatterYaml(text: string, block: FrontmatterBlock, diagnostics: PromptDiagnostic[]): void {
  if (!block.present) return;
  if (!block.closed) {
    diagnostics.push({
      code: 'frontmatter-unclosed',
      severity: 'error',
      message: 'The frontmatter starts with `---` but has no closing `---` line. Add a line with `---` after the YAML; the template follows it.',
      span: { start: block.span.start, end: block.span.start + 3 },
    });
  }
  const offset = block.content.start;
  const source = text.slice(block.content.start, block.content.end);
  const doc = deeperThan(source, MAX_YAML_DEPTH) ? undefined : parseYaml(source);
  if (!doc) {
    diagnostics.push({ code: 'yaml-syntax', severity: 'error', message: TOO_DEEP, span: firstLineSpan(block, source) });
    return;
  }
  block.yaml = doc;
  const recovery = doc.errors.length ? recoverYaml(source, doc) : undefined;
  block.recovered = recovery?.doc;
  for (const err of recovery?.roots ?? []) {
    const [s, e] = err.pos;
    const opener = unclosedOpener(doc, err);
    if (opener) {
      const from = opener.span[0];
      const lineEnd = trimEnd(source, from, lineOf(source, from).length + from - column(source, from));
      diagnostics.push({
        code: 'yaml-syntax',
        severity: 'error',
        message:
          opener.kind === 'quote'
            ? 'Invalid YAML in the frontmatter: this quote is never closed, so the lines after it are read as part of the string. Close the quote (or remove it).'
            : `Invalid YAML in the frontmatter: this \`${opener.kind}\` is never closed, so the lines after it are read as part of it. Close it with \`${opener.kind === '[' ? ']' : '}'}\` (or write the items as a block list).`,
        span: { start: offset + from, end: offset + Math.max(from + 1, lineEnd) },
      });
      continue;
    }
    const trailing = trailingText(source, err);
    const plain = trailing ? undefined : plainValueMistake(source, err);
    if (plain) {
      diagnostics.push({ code: 'yaml-syntax', severity: 'error', message: plain.message, span: { start: offset + plain.start, end: offset + plain.end } });
      continue;
    }
    diagnostics.push({
      code: err.code === 'DUPLICATE_KEY' ? 'yaml-duplicate-key' : 'yaml-syntax',
      severity: 'error',
      message: trailing
        ? `Invalid YAML in the frontmatter: text after a complete value (\`${trailing.text.length > 40 ? `${trailing.text.slice(0, 40)}…` : trailing.text}\`). Quote the whole value if it is text.${/["'][^"'\n]*["']\s*\|/.test(lineOf(source, s)) ? ' For a choice of values, Picoschema writes `name(enum): [low, medium, high]`.' : ''}`
        : `Invalid YAML in the frontmatter: ${err.message.replace(/(?<!\s)\s+at line \d+, column \d+:?[\s\S]*$/, '').trim()}`,
      span: trailing ? { start: offset + trailing.start, end: offset + trailing.end } : { start: offset + s, end: offset + Math.max(e, s + 1) },
    });
  }
  for (const warn of doc.warnings) {
    const [s, e] = warn.pos;
    diagnostics.push({ code: 'yaml-warning', severity: 'warning', message: warn.message, span: { start: offset + s, end: offset + Math.max(e, s + 1) } });
  }
  if (doc.errors.length) return;
  try {
    block.value = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
  } catch (e) {
    if (isStackOverflow(e)) {
      diagnostics.push({ code: 'yaml-syntax', severity: 'error', message: TOO_DEEP, span: firstLineSpan(block, source) });
      return;
    }
    const message = e instanceof Error ? e.message : String(e);
    const unresolved = unresolvedAlias(doc);
    if (unresolved) {
      // `globs: *.ts`: a value starting with `*` is an alias, and no anchor of that name exists.
      diagnostics.push({
        code: 'yaml-syntax',
        severity: 'error',
        message: `Invalid YAML in the frontmatter: \`*${unresolved.name}\` is an alias, and no anchor \`&${unresolved.name}\` comes before it. If it is text (a glob such as \`*.ts\`), quote it: \`'*${unresolved.name}'\`.`,
        span: { start: offset + unresolved.range[0], end: offset + Math.max(unresolved.range[1], unresolved.range[0] + 1) },
      });
      return;
    }
    diagnostics.push({
      code: 'yaml-alias-limit',
      severity: 'error',
      message: `The frontmatter YAML expands too many aliases (${message}). Aliases are limited to ${MAX_ALIAS_COUNT} to guard against alias bombs; write the values out instead.`,
      span: firstLineSpan(block, source),
    });
  }
}

/**
 * Mistakes in an unquoted value, said with their fix: a `: ` inside it (`description: Commit
 * to git: pick files`), which YAML reads as a nested mapping (the whole value is the span), text
 * after a block scalar's `|` / `>` on its line, and a lone `*` (`allowed-tools: *`), an alias
 * without a name.
 */
function plainValueMistake(source: string, err: YAMLError): { message: string; start: number; end: number } | undefined {
  const [s] = err.pos;
  const lineStart = s - column(source, s);
  const lineEnd = trimEnd(source, s, lineStart + lineOf(source, s).length);
  if (err.code === 'BLOCK_AS_IMPLICIT_KEY' && lineEnd > s) {
    return { message: 'Invalid YAML in the frontmatter: this value holds `: `, which YAML reads as the start of a nested mapping. Quote the whole value (`"…"`), or write the colon without the space after it.', start: s, end: lineEnd };
  }
  // `description: | Use when ...`: a block scalar's `|` or `>` (with its chomping and indentation
  // marks) ends its line; the text goes on the lines below it, indented.
  if (err.code === 'UNEXPECTED_TOKEN' && /(?:^|[:\-][ \t]+)[|>][-+1-9]*[ \t]+$/.test(source.slice(lineStart, s))) {
    return { message: 'Invalid YAML in the frontmatter: text after `|` or `>` on the same line. A block scalar\'s text starts on the next line, indented; or drop the `|` and quote the value (`"…"`).', start: s, end: lineEnd };
  }
  if (err.code === 'BAD_ALIAS' && source[s] === '*') {
    return { message: "Invalid YAML in the frontmatter: a `*` starts an alias, and this one has no name. If it is text, quote it: `'*'`.", start: s, end: s + 1 };
  }
  return undefined;
}

/** The first alias whose anchor does not exist (before it), with its range in the YAML text. */
function unresolvedAlias(doc: Document.Parsed): { name: string; range: [number, number] } | undefined {
  let found: { name: string; range: [number, number] } | undefined;
  visit(doc, {
    Alias(_, node) {
      if (found || node.resolve(doc) !== undefined) return;
      found = { name: node.source, range: [node.range?.[0] ?? 0, node.range?.[1] ?? 0] };
      return visit.BREAK;
    },
  });
  return found;
}

/**
 * Frontmatter nested deeper than this is not parsed. The YAML parser recurses once per level:
 * thousands of levels overflow the stack, and an overflow that lands in V8's regular expression
 * compiler ends the process instead of throwing. Real settings are a few levels deep.
 */
export const MAX_YAML_DEPTH = 200;

/**
 * Whether the YAML may nest deeper than `limit`, in one pass: block levels from the indentation
 * (a stack of indents) and the `- `, `? `, `: ` indicators that open a level on the same line,
 * plus open flow brackets. An upper bound, never an underestimate.
 */
export function deeperThan(source: string, limit: number): boolean {
  const indents: number[] = [];
  let flow = 0;
  let i = 0;
  const n = source.length;
  while (i < n) {
    let col = 0;
    while (i < n && (source[i] === ' ' || source[i] === '\t')) {
      i++;
      col++;
    }
    let inline = 0;
    while (i + 1 < n && (source[i] === '-' || source[i] === '?' || source[i] === ':') && (source[i + 1] === ' ' || source[i + 1] === '\t')) {
      inline++;
      i += 2;
      while (i < n && (source[i] === ' ' || source[i] === '\t')) i++;
    }
    const blank = i >= n || source[i] === '\n' || source[i] === '\r' || source[i] === '#';
    if (!blank || inline) {
      while (indents.length && indents[indents.length - 1] >= col) indents.pop();
      indents.push(col);
    }
    // Every bracket counts, in quotes and comments too: skipping them could only underestimate.
    let peak = flow;
    for (; i < n && source[i] !== '\n' && source[i] !== '\r'; i++) {
      const c = source[i];
      if (c === '[' || c === '{') peak = Math.max(peak, ++flow);
      else if ((c === ']' || c === '}') && flow > 0) flow--;
    }
    if (indents.length + inline + peak > limit) return true;
    while (i < n && (source[i] === '\n' || source[i] === '\r')) i++;
  }
  return false;
}

/** Rounds of `recoverYaml`: each comments out the lines of one more error. */
const RECOVERY_ROUNDS = 8;

interface Recovery {
  /** The errors that are mistakes of their own, in order; the others follow from one of these. */
  roots: YAMLError[];
  /** What did parse with the lines of those errors commented out; undefined when nothing clean came of it. */
  doc?: Document.Parsed;
}

/**
 * One YAML mistake often gives several errors (`a: "x" | "y"` gives three: the `|`, the string
 * after it, the key on the next line). Comment out the lines of the first error (same length, so
 * every offset stays right) and parse again: the errors that are gone came from it; the first
 * that is left is the next mistake. Duplicate keys are mistakes of their own and are not
 * commented out (that would make their children clash with the first key's); the last round
 * reads the text with duplicates allowed.
 */
function recoverYaml(source: string, first: Document.Parsed): Recovery {
  const roots: YAMLError[] = first.errors.filter((e) => e.code === 'DUPLICATE_KEY');
  const key = (e: YAMLError) => `${e.code}:${e.pos[0]}:${e.pos[1]}`;
  // Only errors of the text as written are reported (each once): commenting lines out can make new ones.
  const original = new Set(first.errors.map(key));
  let doc: Document.Parsed | undefined = first;
  // Large frontmatters take ~25 ms per 1,000 lines to parse: fewer rounds there.
  const rounds = source.length > 8_000 ? 2 : RECOVERY_ROUNDS;
  for (let round = 0; doc; round++) {
    const errors = doc.errors.filter((e) => e.code !== 'DUPLICATE_KEY');
    if (!errors.length) break;
    const error = errors[0];
    if (original.delete(key(error))) roots.push(error);
    // An unclosed quote or bracket: its opening line, not the whole rest it swallowed.
    const opener = unclosedOpener(doc, error);
    const [s, e] = opener ? [opener.span[0], opener.span[0] + 1] : error.pos;
    const masked = maskLines(source, s, Math.max(s, e - 1));
    if (round + 1 >= rounds || masked === source) {
      // Out of rounds (or nothing left to comment out): the errors of the text as written that
      // are still there are reported as they are.
      roots.push(...errors.slice(1).filter((x) => original.has(key(x))).slice(0, 20));
      return { roots: sortErrors(roots) };
    }
    source = masked;
    doc = parseYaml(source);
  }
  if (!doc) return { roots: sortErrors(roots) };
  if (doc.errors.length) doc = parseYaml(source, false);
  return { roots: sortErrors(roots), doc: doc && !doc.errors.length ? doc : undefined };
}

/** `key: "a" | "b"`: YAML ends the value at its closing quote and rejects what follows ("Unexpected … at node end"); the rest of the line. */
function trailingText(source: string, err: YAMLError): { start: number; end: number; text: string } | undefined {
  if (err.code !== 'UNEXPECTED_TOKEN' || !/at node end/.test(err.message)) return undefined;
  const start = err.pos[0];
  let end = start;
  while (end < source.length && source[end] !== '\n' && source[end] !== '\r') end++;
  while (end > start && /\s/.test(source[end - 1])) end--;
  return end > start ? { start, end, text: source.slice(start, end) } : undefined;
}

/**
 * For a quote or a flow `[` / `{` that never closes (YAML reports it where it gives up, lines
 * later), the span of the string or collection that opened there, and what opened it.
 */
function unclosedOpener(doc: Document.Parsed, err: YAMLError): { span: [number, number]; kind: 'quote' | '[' | '{' } | undefined {
  const quote = err.code === 'MISSING_CHAR' && /closing .?quote/i.test(err.message);
  const flow = /end with an? [\]}]/.test(err.message);
  if (!quote && !flow) return undefined;
  const at = err.pos[0];
  const covers = (r: readonly number[] | null | undefined) => !!r && r[0] < at && r[1] >= at;
  let found: { span: [number, number]; kind: 'quote' | '[' | '{' } | undefined;
  visit(doc, {
    Scalar(_key, node) {
      if (quote && (node.type === 'QUOTE_DOUBLE' || node.type === 'QUOTE_SINGLE') && covers(node.range)) found = { span: [node.range![0], node.range![1]], kind: 'quote' };
    },
    Seq(_key, node) {
      if (flow && node.flow && covers(node.range)) found = { span: [node.range![0], node.range![1]], kind: '[' };
    },
    Map(_key, node) {
      if (flow && node.flow && covers(node.range)) found = { span: [node.range![0], node.range![1]], kind: '{' };
    },
  });
  return found;
}

function column(source: string, at: number): number {
  let start = at;
  while (start > 0 && source[start - 1] !== '\n' && source[start - 1] !== '\r') start--;
  return at - start;
}

function lineOf(source: string, at: number): string {
  let start = at;
  while (start > 0 && source[start - 1] !== '\n' && source[start - 1] !== '\r') start--;
  let end = at;
  while (end < source.length && source[end] !== '\n' && source[end] !== '\r') end++;
  return source.slice(start, end);
}

function sortErrors(errors: YAMLError[]): YAMLError[] {
  return errors.sort((a, b) => a.pos[0] - b.pos[0]);
}

/** `source` with the lines from the one holding `from` to the one holding `to` turned into YAML comments of the same length. */
function maskLines(source: string, from: number, to: number): string {
  let start = from;
  while (start > 0 && source[start - 1] !== '\n' && source[start - 1] !== '\r') start--;
  let end = Math.min(source.length, to);
  while (end < source.length && source[end] !== '\n' && source[end] !== '\r') end++;
  const masked = source
    .slice(start, end)
    .split(/(\r?\n|\r)/)
    .map((part) => (/^(\r?\n|\r)$/.test(part) || !part ? part : '#' + ' '.repeat(part.length - 1)))
    .join('');
  return source.slice(0, start) + masked + source.slice(end);
}

function parseYaml(source: string, uniqueKeys = true) {
  try {
    // `logLevel: 'error'`: the YAML library's own warnings (a mapping used as a key, as in
    // `model: {{name}}`) would go to the process's stderr; the schema check reports the value instead.
    return parseYamlDocument(source, { prettyErrors: false, uniqueKeys, keepSourceTokens: false, logLevel: 'error' });
  } catch (e) {
    // Past the depth bound this should not happen; if it does, it is the same problem.
    if (!isStackOverflow(e)) throw e;
    return undefined;
  }
}

const TOO_DEEP = 'The frontmatter YAML is nested too deeply to read. Flatten the nesting (a few levels are enough for any setting).';

function isStackOverflow(e: unknown): boolean {
  return e instanceof RangeError && /call stack/i.test(e.message);
}

function firstLineSpan(block: FrontmatterBlock, source: string): Span {
  return { start: block.content.start, end: Math.min(block.content.end, block.content.start + Math.max(1, source.search(/[\r\n]/))) };
}

const settingsMemo = new WeakMap<FrontmatterBlock, PromptSetting[]>();

/** The frontmatter's settings with their ranges (empty while the YAML cannot be read); memoised per block. */
export function frontmatterSettings(text: string, block: FrontmatterBlock): PromptSetting[] {
  let settings = settingsMemo.get(block);
  if (!settings) {
    settings = block.yaml && block.value !== undefined ? mapSettings(text, block.yaml.contents as Node | null, block.value, block.content.start) : [];
    settingsMemo.set(block, settings);
  }
  return settings;
}

/** The end of a span without the line breaks and blanks YAML counts into a block collection's range. */
export function trimEnd(text: string, start: number, end: number): number {
  while (end > start && /\s/.test(text[end - 1])) end--;
  return end;
}

function mapSettings(text: string, node: Node | null | undefined, value: unknown, base: number): PromptSetting[] {
  if (!isMap(node) || !value || typeof value !== 'object' || Array.isArray(value)) return [];
  const out: PromptSetting[] = [];
  for (const pair of node.items as Pair<Node, Node | null>[]) {
    const k = pair.key;
    if (!isScalar(k) || !k.range) continue;
    const key = String(k.value);
    if (!Object.prototype.hasOwnProperty.call(value, key)) continue; // a merge key (`<<`) and the like
    const v = (value as Record<string, unknown>)[key];
    const keySpan = { start: base + k.range[0], end: base + k.range[1] };
    const r = pair.value?.range;
    const valueSpan = r ? { start: base + r[0], end: trimEnd(text, base + r[0], base + r[1]) } : undefined;
    const setting: PromptSetting = { key, value: v, keySpan, valueSpan, span: { start: keySpan.start, end: Math.max(keySpan.end, valueSpan?.end ?? 0) } };
    if (isMap(pair.value)) setting.children = mapSettings(text, pair.value, v, base);
    out.push(setting);
  }
  return out;
}

// ---- an edit inside one plain scalar ----

/** The YAML library's mark of a node's kind: a property of its own that is not enumerable. */
const NODE_TYPE = Symbol.for('yaml.node.type');

/**
 * A copy of a scalar, pair, mapping or sequence: its enumerable properties, and the two that are
 * not (the kind mark, and a collection's `schema`), as the library defines them. Property
 * descriptors copied one by one cost several times as much, for every node after an edit.
 */
function copyNode<T extends object>(n: T): T {
  const out = Object.assign(Object.create(Object.getPrototypeOf(n)), n) as T;
  Object.defineProperty(out, NODE_TYPE, { value: (n as Record<symbol, unknown>)[NODE_TYPE] });
  if (Object.prototype.hasOwnProperty.call(n, 'schema')) Object.defineProperty(out, 'schema', { value: (n as { schema: unknown }).schema, configurable: true, enumerable: false, writable: true });
  return out;
}

/** Characters that may make a plain scalar end, or the line mean something else, when typed into one. */
const SCALAR_BREAKERS = /[\r\n#:[\]{}]/;
/** In the new scalar's text: a comment start, a mapping indicator, a line break. */
const NOT_ONE_PLAIN_SCALAR = /[\r\n]|[ \t]#|:[ \t]|:$/;
/** A plain scalar starting with one of these could be read as something else once its middle changes. */
const INDICATORS = '-?:,[]{}#&*!|>\'"%@`';

/**
 * The YAML of a new version whose frontmatter differs from the previous version's inside one plain,
 * single-line string scalar of a block collection (typing in a description or a key): the
 * previous document copied, that scalar's text replaced and every range after it moved, instead
 * of a parse of the whole YAML. Anything else (a quote, an indicator, a value that would read as
 * a number or boolean, a new duplicate key, a flow collection, an anchor or tag) returns false,
 * and the caller parses in full. The result is what `parseFrontmatterYaml` gives for the new text
 * (test/unit/frontmatterPatch.test.ts compares the two over seeded random edits); it sets
 * `block.yaml` and `block.value` and has no diagnostics to add (the previous YAML had none).
 */
/** Where `patchFrontmatterYaml` changed the YAML: the scalar's path and the change, in document offsets. */
export interface FrontmatterPatch {
  /** The keys (and sequence indices) from the top down to the scalar; a key's own text ends it when the scalar is a key. */
  path: (string | number)[];
  isKey: boolean;
  /** The old text's `[from, oldEnd)` became `[from, oldEnd + delta)`. */
  from: number;
  oldEnd: number;
  delta: number;
}

export function patchFrontmatterYaml(previousText: string, previous: FrontmatterBlock, text: string, block: FrontmatterBlock, change?: FrontmatterPatch): boolean {
  const old = previous.yaml;
  if (!old || previous.value === undefined || old.errors.length || old.warnings.length || previous.recovered) return false;
  if (!previous.closed || !block.closed || previous.content.start !== block.content.start) return false;
  const base = block.content.start;
  const delta = block.content.end - block.content.start - (previous.content.end - previous.content.start);
  // The change, as offsets in the YAML source: [p, oldEnd) of the old text became [p, newEnd).
  let p = base;
  const limit = Math.min(previous.content.end, block.content.end);
  while (p < limit && previousText.charCodeAt(p) === text.charCodeAt(p)) p++;
  let oldEnd = previous.content.end;
  let newEnd = block.content.end;
  while (oldEnd > p && newEnd > p && previousText.charCodeAt(oldEnd - 1) === text.charCodeAt(newEnd - 1)) {
    oldEnd--;
    newEnd--;
  }
  if (oldEnd === p && newEnd === p) return false;
  if (SCALAR_BREAKERS.test(text.slice(p, newEnd))) return false;
  p -= base;
  oldEnd -= base;
  // The scalar whose inside holds the change, found down the block collections that contain it.
  let node: unknown = old.contents;
  let siblings: Pair[] | undefined;
  let isKey = false;
  const path: (string | number)[] = [];
  for (;;) {
    if (isScalar(node)) break;
    if (!isMap(node) && !isSeq(node)) return false;
    if (node.flow) return false;
    let next: unknown;
    let step: string | number = '';
    siblings = isMap(node) ? (node.items as Pair[]) : undefined;
    for (const [n, item] of (node.items as unknown[]).entries()) {
      const parts = isPair(item) ? [item.key, item.value] : [item];
      for (const [i, part] of parts.entries()) {
        const range = (part as Node | null)?.range;
        if (range && range[0] < p && oldEnd < range[2]) {
          next = part;
          isKey = isPair(item) && i === 0;
          step = isPair(item) ? (isScalar(item.key) ? String(item.key.value) : '') : n;
        }
      }
    }
    if (next === undefined) return false;
    path.push(step);
    node = next;
  }
  const scalar = node as Scalar;
  const [start, valueEnd] = scalar.range!;
  // Inside the scalar, or at its end when a line break follows it (typing at the end of a
  // description): the new text then ends the scalar too, unless it ends with a blank.
  const atLineEnd = oldEnd === valueEnd && /[\r\n]/.test(previousText.charAt(base + valueEnd));
  if (!(start < p && (oldEnd < valueEnd || atLineEnd)) || scalar.type !== 'PLAIN' || typeof scalar.value !== 'string' || scalar.tag || scalar.anchor || scalar.format) return false;
  const before = previousText.slice(base + start, base + valueEnd);
  if (scalar.source !== before || scalar.value !== before || INDICATORS.includes(before[0])) return false;
  const after = text.slice(base + start, base + valueEnd + delta);
  if (NOT_ONE_PLAIN_SCALAR.test(after) || /[ \t]$/.test(after)) return false;
  // Still a string: no tag of the schema (null, bool, int, float) reads it as anything else.
  const schema = old.schema;
  if (schema.compat || schema.tags.some((t) => t.default && !t.collection && t.test?.test(after))) return false;
  if (isKey && siblings?.some((pair) => isScalar(pair.key) && pair.key.value === after)) return false;

  // Nodes that end before the scalar are shared with the previous document (neither is ever
  // changed); the others are copied with their ranges moved, the scalar with its new text.
  const moved = (range: Node['range']): Node['range'] => range && (range.map((x) => (x >= oldEnd ? x + delta : x)) as [number, number, number]);
  const copy = <T extends object>(n: T): T => (isScalar(n) || isPair(n) || isMap(n) || isSeq(n) ? copyNode(n) : (Object.create(Object.getPrototypeOf(n), Object.getOwnPropertyDescriptors(n)) as T));
  const rebuild = (n: unknown): unknown => {
    if (!isNode(n) || (n.range && n.range[2] <= start)) return n;
    const out = copy(n);
    out.range = moved(n.range);
    if (n === scalar) {
      (out as Scalar).value = after;
      (out as Scalar).source = after;
    } else if (isMap(n) || isSeq(n)) {
      (out as typeof n).items = (n.items as unknown[]).map((item) => {
        if (!isPair(item)) return rebuild(item);
        const key = rebuild(item.key);
        const value = rebuild(item.value);
        if (key === item.key && value === item.value) return item;
        const pair = copy(item);
        pair.key = key;
        pair.value = value;
        return pair;
      }) as typeof n.items;
    }
    return out;
  };
  const doc = copy(old);
  doc.contents = rebuild(old.contents) as typeof old.contents;
  doc.range = moved(old.range) as typeof old.range;
  doc.errors = [];
  doc.warnings = [];
  let value: unknown;
  try {
    value = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
  } catch {
    return false;
  }
  block.yaml = doc;
  block.value = value;
  if (change) {
    change.path = path;
    change.isKey = isKey;
    change.from = base + p;
    change.oldEnd = base + oldEnd;
    change.delta = delta;
  }
  return true;
}
