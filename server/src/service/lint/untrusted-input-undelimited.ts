// untrusted-input-undelimited: a run-time input written into the prompt with nothing around it
// that marks where it starts and ends (an XML-style tag, a fence, quotes). Text in such an input
// can pass for instructions: the prompt-injection risk of OWASP LLM01.
import { z } from 'zod';
import type { PromptDocument } from '../document';
import { formatOf } from '../formats/registry';
import { runSteps } from '../slice';
import type { Span } from '../text';
import { bodyInterpolations, interpolationsSteps, isInertType, untrustedFilter, type Interpolation } from './inputs';
import type { ProseModel } from './prose';
import { aloneOnLines, eol, quickFix } from './util';
import type { Finding, LintRule } from './types';

const Options = z.strictObject({
  /** Inputs treated as untrusted (names, `*` wildcards). Default: every input. */
  untrusted: z.array(z.string()).default(['*']),
  /** Inputs your code controls (names, `*` wildcards); never reported. */
  trusted: z.array(z.string()).default([]),
});
type Options = z.infer<typeof Options>;

const PAIRS: Record<string, string> = { '"': '"', "'": "'", '`': '`', '“': '”', '‘': '’', '«': '»', '„': '“', '「': '」' };
const MAX_FINDINGS = 100;

/** Whether the characters right around the tag, or an open quote on its line, delimit it. */
function quoted(text: string, span: Span): boolean {
  const before = text[span.start - 1];
  const after = text[span.end];
  if (before && PAIRS[before] === after) return true;
  // `"Subject: {{subject}}"`: an odd number of double quotes (or backticks) before it on the line, and one after.
  const lineStart = text.lastIndexOf('\n', span.start - 1) + 1;
  let lineEnd = text.indexOf('\n', span.end);
  if (lineEnd < 0) lineEnd = text.length;
  // Counted a character at a time: splitting the line's head per quote kind allocated on every
  // interpolation of the document, on every keystroke.
  let doubles = 0;
  let backticks = 0;
  let curlyOpen = 0;
  let curlyClose = 0;
  for (let i = lineStart; i < span.start; i++) {
    const c = text[i];
    if (c === '"') doubles++;
    else if (c === '`') backticks++;
    else if (c === '“') curlyOpen++;
    else if (c === '”') curlyClose++;
  }
  const closedAfter = (close: string) => {
    for (let i = span.end; i < lineEnd; i++) if (text[i] === close) return true;
    return false;
  };
  if (doubles % 2 === 1 && closedAfter('"')) return true;
  if (backticks % 2 === 1 && closedAfter('`')) return true;
  if (curlyOpen - curlyClose > 0 && closedAfter('”')) return true;
  return false;
}

export function isDelimited(prose: ProseModel, text: string, span: Span): boolean {
  if (prose.inFence(span) || prose.inElement(span)) return true;
  return quoted(text, span);
}

/** A tag name for the wrapping element: `ticket.body` -> `ticket_body`, `this` -> `item`. */
export function elementName(i: Interpolation): string {
  const parts = i.ref.expr.parts.filter((p) => p !== 'this' && p !== '..' && p !== 'root');
  let name = (parts.length ? parts.join('_') : i.root || 'input').replace(/[^\w.-]/g, '_');
  if (!/^[A-Za-z_]/.test(name)) name = `input_${name}`;
  return name;
}

function wrapEdit(doc: PromptDocument, span: Span, name: string) {
  const tagText = doc.text.slice(span.start, span.end);
  if (aloneOnLines(doc, span)) {
    const line = doc.lines.lineAt(span.start);
    const indent = /^[ \t]*/.exec(doc.lines.lineText(line))![0];
    const nl = eol(doc);
    return { range: doc.lines.range(span.start, span.end), newText: `<${name}>${nl}${indent}${tagText}${nl}${indent}</${name}>` };
  }
  return { range: doc.lines.range(span.start, span.end), newText: `<${name}>${tagText}</${name}>` };
}

export const rule: LintRule<Options> = {
  id: 'untrusted-input-undelimited',
  description: 'A run-time input written into the prompt without a delimiter (XML-style tag, fence, quotes) around it: prompt injection risk (OWASP LLM01).',
  defaultLevel: 'info',
  category: 'security',
  checksPartials: true,
  fixable: true,
  options: Options,
  check(ctx) {
    return runSteps(rule.checkSteps!(ctx));
  },
  // Every interpolation of a large template: a sliced run pauses between them.
  *checkSteps(ctx) {
    const doc = ctx.doc;
    if (doc.notice) return [];
    const prose = ctx.prose();
    const untrusted = untrustedFilter(ctx.options);
    let n = 0;
    const out: Finding[] = [];
    // A format with its own template language (Prompty's Jinja2 or Mustache): its output tags.
    if (formatOf(doc).navigation) {
      for (const i of bodyInterpolations(doc)) {
        if (isInertType(i.type) || !untrusted(i.root)) continue;
        if (isDelimited(prose, doc.text, i.span) || out.some((f) => f.span.start === i.span.start)) continue;
        const name = i.expression.replace(/[^\w.-]/g, '_').replace(/\./g, '_');
        out.push({
          message: `\`${i.text}\` writes the input \`${i.root}\` into the prompt with nothing marking where it starts and ends, so text in it can pass for instructions (prompt injection, OWASP LLM01). Put it between delimiters, e.g. <${name}>${i.text}</${name}>, and tell the model to treat what is inside as data.`,
          span: i.span,
          data: { element: name, input: i.root },
        });
        if (out.length >= MAX_FINDINGS) break;
      }
      return out;
    }
    // `gh models` replaces only `{{name}}` written without spaces, and only the rows' variables
    // (and `completion` in a judge prompt): any other placeholder stays in the text as written.
    const github = formatOf(doc).id === 'github-models';
    const substituted = new Set([...doc.prompt.inputs.map((x) => x.name), 'completion']);
    const interpolations = yield* interpolationsSteps(doc, ctx.analysis());
    for (let k = 0; k < interpolations.length; k++) {
      const i = interpolations[k];
      if (++n % 64 === 0) yield rule.id;
      if (!i.plain || isInertType(i.type) || !untrusted(i.root)) continue;
      if (github && (doc.text.slice(i.tag.span.start, i.tag.span.end) !== `{{${i.expression}}}` || !substituted.has(i.root))) continue;
      if (isDelimited(prose, doc.text, i.tag.span)) continue;
      const name = elementName(i);
      out.push({
        message: `\`{{${i.expression}}}\` writes the input \`${i.root}\` into the prompt with nothing marking where it starts and ends, so text in it can pass for instructions (prompt injection, OWASP LLM01). Put it between delimiters, e.g. <${name}>{{${i.expression}}}</${name}>, and tell the model to treat what is inside as data.`,
        span: i.tag.span,
        data: { element: name, input: i.root },
      });
      if (out.length >= MAX_FINDINGS) break;
    }
    return out;
  },
  fixes(ctx, diagnostic) {
    const doc = ctx.doc;
    const data = (diagnostic.data ?? {}) as { element?: unknown };
    if (typeof data.element !== 'string') return [];
    const span = { start: doc.lines.offsetAt(diagnostic.range.start), end: doc.lines.offsetAt(diagnostic.range.end) };
    return [quickFix(`Wrap in <${data.element}> tags`, diagnostic, doc.uri, [wrapEdit(doc, span, data.element)], true)];
  },
};
