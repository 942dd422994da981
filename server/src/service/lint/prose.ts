// The template as text a model reads: literal text with the tags blanked out, the XML-style
// elements, fences and quotes that delimit data, the message (role) of each place, if/else
// branches, and the instruction sentences. Built once per document version for every rule.
import type { PromptDocument } from '../document';
import { allBlocks, type Block, type Tag } from '../template';
import type { Span } from '../text';

export interface Element {
  name: string;
  /** From `<name` to the end of `</name>`. */
  span: Span;
  /** Between the open and the close tag. */
  content: Span;
}

export interface Sentence {
  span: Span;
  /** The sentence with its tags blanked out, as the words of the instruction. */
  words: string;
  /** Lower case, tags and markup collapsed: equal for the same instruction written twice. */
  key: string;
  line: number;
}

export interface ProseModel {
  /** The whole document text with every template tag replaced by spaces (line breaks kept): offsets are the document's. */
  masked: string;
  bodyStart: number;
  elements: Element[];
  /** Fenced blocks (``` ~~~ """ '''), from the opening fence line to the closing one. */
  fences: Span[];
  /** Regions holding data rather than instructions: fences, elements that hold a variable or are named like data (`<document>`, `<example>`). */
  dataRegions: Span[];
  /** Instruction sentences and bullets: literal text of the body outside data regions. */
  sentences: Sentence[];
  inData(offset: number): boolean;
  /** The role of the message at `offset` (`user` before the first marker). */
  roleAt(offset: number): string;
  /** Whether two places are in different branches of one `{{#if}}` / `{{else}}` (never rendered together). */
  exclusive(a: number, b: number): boolean;
  /** Whether `offset` is inside an `{{#each}}` body (text repeated per item). */
  inLoop(offset: number): boolean;
}

const ELEMENT = /<(\/?)([A-Za-z][\w.:-]*)(?:\s[^<>]*)?>/g;
const FENCE_LINE = /^[ \t]*(`{3,}|~{3,}|"{3}|'{3})/;
const SENTENCE_END = /[.!?]["')\]]?(?=\s)/g;
const LIST_MARKER = /^[ \t]*(?:[-*+•]|\d{1,3}[.)]|#{1,6})[ \t]+/;

/** Every regular expression this module runs on document text (for the ReDoS test). */
export const PROSE_PATTERNS: readonly RegExp[] = [ELEMENT, FENCE_LINE, SENTENCE_END, LIST_MARKER];

const DATA_NAMES = new Set(
  'example examples sample samples shot shots demo demos input inputs document documents doc docs context data source sources transcript history quote ticket email mail message messages article text code snippet passage passages conversation reference references chunk chunks record records review diff log logs query question page pages file files content result results search retrieved note notes report'.split(
    ' ',
  ),
);

function isDataName(name: string): boolean {
  return name
    .toLowerCase()
    .split(/[_.:-]/)
    .some((part) => DATA_NAMES.has(part));
}

function blank(s: string): string {
  let out = '';
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    out += c === 10 || c === 13 ? s[i] : ' ';
  }
  return out;
}

function maskTags(text: string, tags: Tag[]): string {
  if (!tags.length) return text;
  const parts: string[] = [];
  let at = 0;
  for (const t of tags) {
    if (t.span.start < at) continue;
    parts.push(text.slice(at, t.span.start), blank(text.slice(t.span.start, t.span.end)));
    at = t.span.end;
  }
  parts.push(text.slice(at));
  return parts.join('');
}

function findElements(masked: string, start: number, end: number): Element[] {
  const out: Element[] = [];
  const open: { name: string; start: number; contentStart: number }[] = [];
  ELEMENT.lastIndex = start;
  const body = masked.slice(0, end);
  for (let m = ELEMENT.exec(body); m; m = ELEMENT.exec(body)) {
    if (m[0].endsWith('/>')) continue;
    const name = m[2];
    if (!m[1]) {
      open.push({ name, start: m.index, contentStart: m.index + m[0].length });
      continue;
    }
    for (let i = open.length - 1; i >= 0; i--) {
      if (open[i].name !== name) continue;
      const o = open[i];
      out.push({ name, span: { start: o.start, end: m.index + m[0].length }, content: { start: o.contentStart, end: m.index } });
      open.length = i;
      break;
    }
  }
  return out.sort((a, b) => a.span.start - b.span.start);
}

function findFences(masked: string, start: number, end: number): Span[] {
  const out: Span[] = [];
  let openAt = -1;
  let marker = '';
  let lineStart = start;
  while (lineStart < end) {
    let lineEnd = masked.indexOf('\n', lineStart);
    if (lineEnd < 0 || lineEnd > end) lineEnd = end;
    const c = masked.charCodeAt(lineStart);
    // Cheap pre-check: a fence line starts with blanks then ` ~ " or '.
    if (c === 96 || c === 126 || c === 34 || c === 39 || c === 32 || c === 9) {
      const m = FENCE_LINE.exec(masked.slice(lineStart, Math.min(lineEnd, lineStart + 200)));
      if (m) {
        const kind = m[1][0];
        if (openAt < 0) {
          openAt = lineStart;
          marker = kind;
        } else if (kind === marker) {
          out.push({ start: openAt, end: lineEnd });
          openAt = -1;
        }
      }
    }
    lineStart = lineEnd + 1;
  }
  if (openAt >= 0) out.push({ start: openAt, end });
  return out;
}

function merge(spans: Span[]): Span[] {
  const sorted = [...spans].sort((a, b) => a.start - b.start);
  const out: Span[] = [];
  for (const s of sorted) {
    const last = out[out.length - 1];
    if (last && s.start <= last.end) last.end = Math.max(last.end, s.end);
    else out.push({ ...s });
  }
  return out;
}

function within(spans: Span[], offset: number): boolean {
  let lo = 0;
  let hi = spans.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (spans[mid].end <= offset) lo = mid + 1;
    else if (spans[mid].start > offset) hi = mid - 1;
    else return true;
  }
  return false;
}

/** The chain of (block, branch) from the outermost block to the innermost one holding `offset`. */
function branchPath(blocks: Block[], offset: number): [number, number, string][] {
  const path: [number, number, string][] = [];
  let level = blocks;
  for (;;) {
    const b = level.find((x) => x.open.span.end <= offset && offset < (x.close ? x.close.span.start : x.span.end));
    if (!b) return path;
    const branch = b.elses.filter((e) => e.span.start <= offset).length;
    path.push([b.open.span.start, branch, b.name]);
    level = b.children;
  }
}

const TRAILING = new Set(' \t\n\r"\'`*_.!?:;,');

function normaliseKey(s: string): string {
  const spaced = s.toLowerCase().replace(/\s+/g, ' ').replace(/^[\s"'`*_]+/, '');
  // A loop, not `[…]+$`: that regex retries from every character of a long run of punctuation
  // that does not end the string (`a,,,,…b`), which is quadratic.
  let end = spaced.length;
  while (end > 0 && TRAILING.has(spaced[end - 1])) end--;
  return spaced.slice(0, end).trim();
}

function splitSentences(doc: PromptDocument, masked: string, start: number, end: number, data: Span[]): Sentence[] {
  const out: Sentence[] = [];
  const text = doc.text;
  let lineStart = start;
  while (lineStart < end) {
    let lineEnd = masked.indexOf('\n', lineStart);
    if (lineEnd < 0 || lineEnd > end) lineEnd = end;
    const line = masked.slice(lineStart, lineEnd);
    if (line.trim() && !within(data, lineStart) && !within(data, Math.max(lineStart, lineEnd - 1))) {
      const marker = LIST_MARKER.exec(line);
      const from = lineStart + (marker ? marker[0].length : 0);
      const pieces: Span[] = [];
      let s = from;
      SENTENCE_END.lastIndex = 0;
      const rest = masked.slice(from, lineEnd);
      for (let m = SENTENCE_END.exec(rest); m; m = SENTENCE_END.exec(rest)) {
        pieces.push({ start: s, end: from + m.index + m[0].length });
        s = from + m.index + m[0].length;
      }
      pieces.push({ start: s, end: lineEnd });
      const lineNo = doc.lines.lineAt(lineStart);
      for (const p of pieces) {
        let a = p.start;
        let b = p.end;
        while (a < b && /\s/.test(masked[a])) a++;
        while (b > a && /\s/.test(masked[b - 1])) b--;
        if (b <= a) continue;
        const words = masked.slice(a, b);
        if (!/[A-Za-z\u00C0-\uFFFF]/.test(words)) continue;
        out.push({ span: { start: a, end: b }, words, key: normaliseKey(text.slice(a, b)), line: lineNo });
      }
    }
    lineStart = lineEnd + 1;
  }
  return out;
}

const memo = new WeakMap<PromptDocument, ProseModel>();

export function proseOf(doc: PromptDocument): ProseModel {
  const hit = memo.get(doc);
  if (hit) return hit;
  const bodyStart = doc.template.span.start;
  const end = doc.template.span.end;
  const masked = maskTags(doc.text, doc.template.tags);
  const elements = doc.notice ? [] : findElements(masked, bodyStart, end);
  const fences = doc.notice ? [] : findFences(masked, bodyStart, end);
  const interpolations = doc.template.tags.filter((t) => t.kind === 'mustache' || t.kind === 'unescaped' || t.kind === 'partial').map((t) => t.span.start);
  const dataElements = elements.filter((e) => isDataName(e.name) || interpolations.some((o) => o >= e.content.start && o < e.content.end));
  const dataRegions = merge([...fences, ...dataElements.map((e) => e.span)]);
  const messages = doc.prompt.messages;
  const loops = collectLoops(doc.template.blocks);
  const model: ProseModel = {
    masked,
    bodyStart,
    elements,
    fences,
    dataRegions,
    sentences: doc.notice ? [] : splitSentences(doc, masked, bodyStart, end, dataRegions),
    inData: (offset) => within(dataRegions, offset),
    roleAt: (offset) => {
      let role = 'user';
      for (const m of messages) if (m.span.start <= offset) role = m.role;
      return role;
    },
    exclusive: (a, b) => {
      const pa = branchPath(doc.template.blocks, a);
      const pb = branchPath(doc.template.blocks, b);
      for (let i = 0; i < pa.length && i < pb.length; i++) {
        if (pa[i][0] !== pb[i][0]) return false;
        if (pa[i][1] !== pb[i][1]) return true;
      }
      return false;
    },
    inLoop: (offset) => within(loops, offset),
  };
  memo.set(doc, model);
  return model;
}

function collectLoops(blocks: Block[]): Span[] {
  const out: Span[] = [];
  for (const b of allBlocks(blocks)) if (b.name === 'each') out.push({ start: b.open.span.end, end: b.close ? b.close.span.start : b.span.end });
  return merge(out);
}
