// XML checks: `is-xml` (the whole output is one well-formed XML document) and `contains-xml` (the
// output holds one, e.g. between sentences or in a code fence), each optionally requiring elements
// by dot-separated path (`requiredElements: [analysis.classification]`). Well-formedness is
// fast-xml-parser's XMLValidator; the paths are looked up in its parse. Documents with a DTD
// internal subset are refused: their entity declarations are not expanded or checked.
import type { FixtureAssertion } from '../fixtures';
import { quote } from './text';
import type { AssertionContext, Check } from './types';

type Fxp = typeof import('fast-xml-parser');
let fxp: Fxp | undefined;
/** Loaded on the first XML check only. */
function lib(): Fxp {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  fxp ??= require('fast-xml-parser') as Fxp;
  return fxp;
}

/** Why the text is not one well-formed XML document, or undefined when it is. */
export function xmlProblem(text: string): string | undefined {
  if (!text.trim()) return 'it is empty';
  if (/<!DOCTYPE[^>]*\[/i.test(text)) return 'it has a DTD internal subset (`<!DOCTYPE ... [ ... ]>`), whose declarations are not checked';
  const { XMLValidator, XMLParser } = lib();
  const result = XMLValidator.validate(text);
  if (result !== true) return `${result.err.msg.replace(/\.$/, '')} (line ${result.err.line}, column ${result.err.col})`;
  // The validator accepts several top-level elements; a document has exactly one.
  const ordered = new XMLParser({ preserveOrder: true, processEntities: false, ignoreDeclaration: true, ignorePiTags: true }).parse(text) as Record<string, unknown>[];
  const roots = ordered.filter((n) => Object.keys(n).some((k) => k !== ':@' && !k.startsWith('#') && !k.startsWith('?')));
  if (roots.length !== 1) return roots.length ? `it has ${roots.length} top-level elements; a document has one root element` : 'it has no element';
  return undefined;
}

/** The required element paths missing from a well-formed document (`root.child.grandchild`). */
export function missingElements(text: string, paths: readonly string[]): string[] {
  const { XMLParser } = lib();
  const tree = new XMLParser({ processEntities: false, ignoreDeclaration: true, ignorePiTags: true, ignoreAttributes: true }).parse(text) as unknown;
  const has = (node: unknown, parts: readonly string[]): boolean => {
    if (!parts.length) return true;
    if (Array.isArray(node)) return node.some((n) => has(n, parts));
    if (!node || typeof node !== 'object' || !(parts[0] in node)) return false;
    return has((node as Record<string, unknown>)[parts[0]], parts.slice(1));
  };
  return paths.filter((p) => !has(tree, p.split('.')));
}

function required(a: FixtureAssertion): string[] {
  const v = a.value as { requiredElements?: string[] } | undefined;
  return v?.requiredElements ?? [];
}

export function isXml(a: FixtureAssertion, ctx: AssertionContext): Check {
  const text = ctx.output.trim();
  const need = required(a);
  const expected = `one well-formed XML document${need.length ? ` with ${need.join(', ')}` : ''}`;
  const problem = xmlProblem(text);
  if (problem) return { pass: false, reason: `The output is not well-formed XML: ${problem}.`, expected, actual: ctx.output };
  const missing = missingElements(text, need);
  if (missing.length) return { pass: false, score: (need.length - missing.length) / need.length, reason: `The output is well-formed XML but lacks ${missing.map((m) => `\`${m}\``).join(', ')}.`, expected, actual: ctx.output };
  return { pass: true, reason: `The output is well-formed XML${need.length ? ` with ${need.map((m) => `\`${m}\``).join(', ')}` : ''}.`, expected, actual: ctx.output };
}

/** Most fragments tried in one output (each is one validation). */
const MAX_TRIES = 200;

/**
 * Candidate XML fragments: from each start tag (or XML declaration) to a matching end, longest
 * first, with their start. The caller skips starts inside a fragment it found well-formed, so
 * only outermost elements count (paths are read from the outermost element, as written).
 */
export function* xmlFragments(text: string): Generator<{ from: number; text: string }> {
  const start = /<(\?xml\b|[A-Za-z_][\w.:-]*)/g;
  let m: RegExpExecArray | null;
  while ((m = start.exec(text))) {
    const from = m.index;
    const at = (end: number) => ({ from, text: text.slice(from, end) });
    if (m[1] === '?xml') {
      // A declaration: the fragment runs from it to the end of its root element.
      const root = /<([A-Za-z_][\w.:-]*)/.exec(text.slice(from + 5));
      if (!root) continue;
      const close = `</${root[1]}>`;
      for (let end = text.lastIndexOf(close); end > from; end = text.lastIndexOf(close, end - 1)) yield at(end + close.length);
      continue;
    }
    const close = `</${m[1]}>`;
    for (let end = text.lastIndexOf(close); end > from; end = text.lastIndexOf(close, end - 1)) yield at(end + close.length);
    const selfClosing = /^<[^<>]*\/>/.exec(text.slice(from));
    if (selfClosing) yield at(from + selfClosing[0].length);
  }
}

export function containsXml(a: FixtureAssertion, ctx: AssertionContext): Check {
  const need = required(a);
  const expected = `well-formed XML${need.length ? ` with ${need.join(', ')}` : ''} in the output`;
  let tries = 0;
  let wellFormed: string | undefined;
  let fewestMissing: string[] | undefined;
  let coveredUntil = -1;
  for (const { from, text: fragment } of xmlFragments(ctx.output)) {
    if (from < coveredUntil) continue;
    if (++tries > MAX_TRIES) break;
    if (xmlProblem(fragment)) continue;
    coveredUntil = from + fragment.length;
    wellFormed ??= fragment;
    const missing = missingElements(fragment, need);
    if (!missing.length) return { pass: true, reason: `The output contains well-formed XML (${quote(fragment, 60)})${need.length ? ` with ${need.map((m) => `\`${m}\``).join(', ')}` : ''}.`, expected, actual: ctx.output };
    if (!fewestMissing || missing.length < fewestMissing.length) fewestMissing = missing;
  }
  if (wellFormed && fewestMissing) return { pass: false, score: (need.length - fewestMissing.length) / need.length, reason: `The output contains well-formed XML (${quote(wellFormed, 60)}), but none with ${fewestMissing.map((m) => `\`${m}\``).join(', ')}.`, expected, actual: ctx.output };
  return { pass: false, reason: `The output contains no well-formed XML element${tries > MAX_TRIES ? ` (the first ${MAX_TRIES} candidates were tried)` : ''}.`, expected, actual: ctx.output };
}
