// The Markdown an agent instruction file needs read: its headings (ATX `## Title` and setext
// `Title` + `===` / `---`, as CommonMark defines them) outside fenced code blocks, the sections
// they open, and its relative links. A line scanner, not a Markdown parser: headings and fences
// are line constructs, and the rest of CommonMark (emphasis, lists, HTML) never changes where a
// heading is, except inside a fence, which is tracked. Linear: each line is looked at once.
import type { Span } from '../../text';

export interface Heading {
  /** 1 to 6. */
  level: number;
  /** The heading's text, without the `#` marks or the setext underline. */
  title: string;
  /** The heading's line(s): the text line and, for a setext heading, its underline. */
  span: Span;
}

export interface Section {
  /** The heading that opens it; absent for the text before the first heading. */
  heading?: Heading;
  /** From the heading's first character (or the body's start) to the next heading (or the body's end). */
  span: Span;
}

export interface MarkdownLink {
  /** The target as written (`docs/setup.md#install`). */
  target: string;
  /** The target's characters in the document. */
  span: Span;
}

const ATX = /^ {0,3}(#{1,6})(?:[ \t]|$)/;
const FENCE_OPEN = /^ {0,3}(`{3,}|~{3,})(.*)$/;
const SETEXT = /^ {0,3}(=+|-+)[ \t]*$/;
// A line that cannot be the text of a setext heading (it starts another block).
const NOT_PARAGRAPH = /^ {0,3}(?:[-*+][ \t]|\d{1,9}[.)][ \t]|>|#{1,6}(?:[ \t]|$)|<|(?:[-*_][ \t]*){3,}$)/;

interface Line {
  start: number;
  /** End, without the line break. */
  end: number;
  text: string;
}

function linesOf(text: string, from: number, to: number): Line[] {
  const out: Line[] = [];
  let i = from;
  while (i < to) {
    let nl = text.indexOf('\n', i);
    if (nl < 0 || nl > to) nl = to;
    const end = nl > i && text[nl - 1] === '\r' ? nl - 1 : nl;
    out.push({ start: i, end, text: text.slice(i, end) });
    i = nl + 1;
  }
  return out;
}

/** The headings of `text[from, to)`, in order, outside fenced code blocks. */
export function headingsOf(text: string, from = 0, to = text.length): Heading[] {
  const out: Heading[] = [];
  let fence: { char: string; length: number } | undefined;
  // The previous line, when it could be a setext heading's text (a paragraph line).
  let paragraph: Line | undefined;
  let paragraphEnd = from;
  for (const line of linesOf(text, from, to)) {
    if (fence) {
      const close = /^ {0,3}(`{3,}|~{3,})[ \t]*$/.exec(line.text);
      if (close && close[1][0] === fence.char && close[1].length >= fence.length) fence = undefined;
      continue;
    }
    const open = FENCE_OPEN.exec(line.text);
    // A backtick fence's info string may not hold a backtick.
    if (open && !(open[1][0] === '`' && open[2].includes('`'))) {
      fence = { char: open[1][0], length: open[1].length };
      paragraph = undefined;
      continue;
    }
    if (paragraph && SETEXT.test(line.text)) {
      out.push({ level: line.text.trim()[0] === '=' ? 1 : 2, title: text.slice(paragraph.start, paragraphEnd).replace(/\s+/g, ' ').trim(), span: { start: paragraph.start, end: line.end } });
      paragraph = undefined;
      continue;
    }
    const atx = ATX.exec(line.text);
    if (atx) {
      out.push({ level: atx[1].length, title: atxTitle(line.text.slice(atx[0].length)), span: { start: line.start, end: line.end } });
      paragraph = undefined;
      continue;
    }
    const blank = !line.text.trim();
    // An indented line (4 spaces) right after a blank one is code, not paragraph text.
    if (blank || NOT_PARAGRAPH.test(line.text) || (!paragraph && /^(?: {4}|\t)/.test(line.text))) paragraph = undefined;
    else if (!paragraph) paragraph = line;
    if (paragraph) paragraphEnd = line.end;
    // A paragraph's continuation line keeps the paragraph; the setext text is its last line then, and
    // CommonMark makes the whole paragraph the heading: the first line is where it starts.
  }
  return out;
}

/** An ATX heading's text: without the closing `#` sequence (one preceded by a blank, or the whole text). */
function atxTitle(rest: string): string {
  let t = rest.trim();
  let i = t.length;
  while (i > 0 && t[i - 1] === '#') i--;
  if (i === 0) return '';
  if (i < t.length && (t[i - 1] === ' ' || t[i - 1] === '\t')) t = t.slice(0, i).trim();
  return t;
}

/** The sections of `text[from, to)`: the text before the first heading (when it is not blank), then one per heading. */
export function sectionsOf(text: string, from = 0, to = text.length): Section[] {
  const headings = headingsOf(text, from, to);
  const out: Section[] = [];
  const firstStart = headings[0]?.span.start ?? to;
  if (text.slice(from, firstStart).trim()) out.push({ span: { start: from, end: firstStart } });
  headings.forEach((h, i) => out.push({ heading: h, span: { start: h.span.start, end: headings[i + 1]?.span.start ?? to } }));
  return out;
}

/** Spans of fenced code blocks and inline code in `text[from, to)`, where a link is not a link. */
function codeSpans(text: string, from: number, to: number): Span[] {
  const out: Span[] = [];
  let fence: { char: string; length: number; start: number } | undefined;
  for (const line of linesOf(text, from, to)) {
    if (fence) {
      const close = /^ {0,3}(`{3,}|~{3,})[ \t]*$/.exec(line.text);
      if (close && close[1][0] === fence.char && close[1].length >= fence.length) {
        out.push({ start: fence.start, end: line.end });
        fence = undefined;
      }
      continue;
    }
    const open = FENCE_OPEN.exec(line.text);
    if (open && !(open[1][0] === '`' && open[2].includes('`'))) {
      fence = { char: open[1][0], length: open[1].length, start: line.start };
      continue;
    }
    const inline = /(`+)[^`]*?\1/g;
    for (let m = inline.exec(line.text); m; m = inline.exec(line.text)) out.push({ start: line.start + m.index, end: line.start + m.index + m[0].length });
  }
  if (fence) out.push({ start: fence.start, end: to });
  return out;
}

const INLINE_LINK = /!?\[[^\]\n]*\]\(\s*(<[^>\n]*>|[^\s()]+)(?:\s+(?:"[^"\n]*"|'[^'\n]*'))?\s*\)/g;
const REFERENCE_DEF = /^ {0,3}\[[^\]\n]+\]:[ \t]*(<[^>\n]*>|\S+)/gm;

/** Inline links and images (`[text](target)`) and link reference definitions, outside code. */
export function linksOf(text: string, from = 0, to = text.length): MarkdownLink[] {
  const code = codeSpans(text, from, to);
  const inCode = (at: number) => code.some((c) => at >= c.start && at < c.end);
  const body = text.slice(from, to);
  const out: MarkdownLink[] = [];
  for (const re of [INLINE_LINK, REFERENCE_DEF]) {
    re.lastIndex = 0;
    for (let m = re.exec(body); m; m = re.exec(body)) {
      const raw = m[1];
      const rel = m[0].lastIndexOf(raw);
      const angled = raw.startsWith('<');
      const target = angled ? raw.slice(1, -1) : raw;
      const start = from + m.index + rel + (angled ? 1 : 0);
      if (inCode(from + m.index)) continue;
      out.push({ target, span: { start, end: start + target.length } });
    }
  }
  return out.sort((a, b) => a.span.start - b.span.start);
}

// `@path` imports (CLAUDE.md, GEMINI.md): an `@` at the start of a line or after white space, then
// a path up to the next white space; trailing sentence punctuation is not part of it.
const IMPORT = /(?<=^|[ \t])@([^\s`'"<>()[\]{}]+)/gm;

/**
 * The `@path` imports of a CLAUDE.md or GEMINI.md, outside code, as Claude Code and Gemini CLI read
 * them. Only what can be a file counts: a path that starts with `./`, `../`, `~/` or `/`, or whose
 * last segment has an extension (`@AGENTS.md`, `@docs/style.md`); `@types/node` or `@team` in prose
 * is not an import.
 */
export function importsOf(text: string, from = 0, to = text.length): MarkdownLink[] {
  const code = codeSpans(text, from, to);
  const inCode = (at: number) => code.some((c) => at >= c.start && at < c.end);
  const body = text.slice(from, to);
  const out: MarkdownLink[] = [];
  IMPORT.lastIndex = 0;
  for (let m = IMPORT.exec(body); m; m = IMPORT.exec(body)) {
    // Sentence punctuation after the path is not part of it (a loop: a regular expression anchored
    // at the end would be quadratic on a long run of it).
    let end = m[1].length;
    while (end > 0 && '.,;:!?'.includes(m[1][end - 1])) end--;
    const target = m[1].slice(0, end);
    if (!target || !(/^(?:\.{1,2}|~)?\//.test(target) || /[^/]\.[A-Za-z0-9]+$/.test(target))) continue;
    const start = from + m.index + 1;
    if (inCode(start)) continue;
    out.push({ target, span: { start, end: start + target.length } });
  }
  return out;
}

export const LINK_SCHEME = /^[a-z][\w+.-]*:/i;

/** The file a relative link names, as a URI next to the document's; undefined for URLs, anchors and absolute paths. */
export function linkTarget(docUri: string, target: string): string | undefined {
  if (!target || target.startsWith('#') || LINK_SCHEME.test(target) || target.startsWith('/') || target.startsWith('\\')) return undefined;
  const path = target.replace(/[?#].*$/, '');
  if (!path) return undefined;
  try {
    return new URL(path.split('/').map((p) => encodeURIComponent(safeDecode(p))).join('/'), docUri).toString();
  } catch {
    return undefined;
  }
}

/**
 * The file a `@path` import of a CLAUDE.md or GEMINI.md names, as a URI next to the document's;
 * undefined for imports from the home folder (`~/`) or an absolute path, outside the workspace.
 */
export function importTarget(docUri: string, target: string): string | undefined {
  return target.startsWith('~/') ? undefined : linkTarget(docUri, target);
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

/** Every regular expression this module runs on document text (for the ReDoS test). */
export const PATTERNS = [ATX, FENCE_OPEN, SETEXT, NOT_PARAGRAPH, INLINE_LINK, REFERENCE_DEF, IMPORT];
