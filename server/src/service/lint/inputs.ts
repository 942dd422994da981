// The places where a run-time input is written into the prompt text: `{{name}}`, `{{ticket.body}}`,
// `{{this}}` inside `{{#each}}`, `{{{raw}}}`, and inputs passed to an output helper (`{{json x}}`).
// Conditions (`{{#if x}}`) and loops write nothing themselves and are not listed.
import type { PromptDocument } from '../document';
import { promptyOf } from '../formats/prompty/parse';
import { JINJA_GLOBALS } from '../formats/prompty/template';
import type { SchemaField } from '../formats/types';
import { indexStartingAt, type Span } from '../text';
import type { Analysis, Context, VariableRef } from '../scope';
import type { Tag } from '../template';
import { runSteps, type Steps } from '../slice';
import { stateFor } from './blocks';
import { nameMatcher } from './util';

export interface Interpolation {
  tag: Tag;
  ref: VariableRef;
  /** The input's root name (`ticket` for `{{ticket.body}}`), or the expression when unknown. */
  root: string;
  /** The expression as written. */
  expression: string;
  /** The declared type of the value, when known (`string`, `number`, `enum`, ...). */
  type?: string;
  /** Whether the input is the tag's whole output (`{{x}}`) rather than a helper's argument (`{{json x}}`). */
  plain: boolean;
}

/** Types whose values cannot carry instructions (when the application validates them). */
const INERT_TYPES = new Set(['number', 'integer', 'float', 'boolean', 'null', 'enum']);

export function isInertType(type: string | undefined): boolean {
  return !!type && INERT_TYPES.has(type);
}

function contextRoot(ctx: Context | undefined): { root?: string; type?: string } {
  if (ctx?.kind !== 'field') return {};
  return { root: ctx.path[0], type: ctx.field?.enumValues ? 'enum' : ctx.field?.type };
}

const memo = new WeakMap<Analysis, Interpolation[]>();

export function interpolations(doc: PromptDocument, analysis: Analysis): Interpolation[] {
  return runSteps(interpolationsSteps(doc, analysis));
}

/**
 * `interpolations` as steps: a pause point every 256 references. Memoised per analysis once
 * complete. The references the scope walk took over from the document's previous version (the
 * same objects, at the same places, with the same frames: see ScopeWalker.resume) give the same
 * interpolations, so the previous list is kept up to the first reference that is not the same
 * object and only the rest is listed again. The references the walk took over after the edit
 * (moved copies of the previous version's, see `Analysis.moved`) take the previous
 * interpolations moved onto them, so only those in between are listed.
 */
export function* interpolationsSteps(doc: PromptDocument, analysis: Analysis): Steps<Interpolation[]> {
  const hit = memo.get(analysis);
  if (hit) return hit;
  const tags = doc.template.tags;
  // The tag's place in the template, for its scope frames.
  const index = (tag: Tag): number => {
    const i = indexStartingAt(tags, tag.span.start);
    return i >= 0 && tags[i] === tag ? i : -1;
  };
  const refs = analysis.refs;
  const out: Interpolation[] = [];
  const refIndex: number[] = [];
  let from = 0;
  const state = stateFor(doc.uri);
  const previous = state.interpolations as { refs: readonly VariableRef[]; out: readonly Interpolation[]; refIndex: readonly number[] } | undefined;
  if (previous && previous.refs !== refs) {
    const n = Math.min(refs.length, previous.refs.length);
    while (from < n && refs[from] === previous.refs[from]) from++;
    for (let k = 0; k < previous.out.length && previous.refIndex[k] < from; k++) {
      out.push(previous.out[k]);
      refIndex.push(previous.refIndex[k]);
    }
  }
  // The references the walk took over after the edit (moved copies of the previous version's):
  // their interpolations are the previous ones moved onto them.
  const moved = previous && analysis.moved && analysis.moved.previous === previous.refs && analysis.moved.to >= from ? analysis.moved : undefined;
  const until = moved ? moved.to : refs.length;
  let n = 0;
  // An indexed loop: `for…of` in this generator allocated an iterator result per reference.
  for (let r = from; r < until; r++) {
    const ref = refs[r];
    if (++n % 256 === 0) yield 'interpolations';
    const tag = ref.tag;
    if (tag.kind !== 'mustache' && tag.kind !== 'unescaped') continue;
    if (ref.kind === 'data') continue;
    const plain = tag.path === ref.expr && !tag.params.length && !tag.hash.length;
    // A helper's argument counts only for output helpers that write the value into the text.
    if (!plain && !(tag.name === 'json' && tag.params[0] === ref.expr)) continue;
    let root = ref.root;
    let type = ref.field ? (ref.field.enumValues ? 'enum' : ref.field.type) : undefined;
    if (ref.kind === 'this' || (!root && ref.kind !== 'unknown')) {
      const frames = analysis.framesAt[index(tag)];
      const c = contextRoot(frames?.[frames.length - 1]?.context);
      if (ref.kind === 'this' && !c.root) continue; // `{{this}}` at the root writes the whole input object: not a single value
      root = c.root;
      type ??= c.type;
    }
    if (ref.kind === 'local' && ref.local) {
      const c = contextRoot(ref.local.context);
      root ??= c.root;
      type ??= c.type;
    }
    if (ref.kind === 'unknown') root ??= ref.expr.parts[0];
    if (!root) continue;
    out.push({ tag, ref, root, expression: ref.expr.original, type, plain });
    refIndex.push(r);
  }
  if (moved && previous) {
    const by = moved.to - moved.from;
    // The first of the previous interpolations at or after reference `moved.from` (`refIndex` is sorted).
    let k = 0;
    let hi = previous.refIndex.length;
    while (k < hi) {
      const mid = (k + hi) >> 1;
      if (previous.refIndex[mid] < moved.from) k = mid + 1;
      else hi = mid;
    }
    for (; k < previous.out.length; k++) {
      const o = previous.out[k];
      const r = previous.refIndex[k] + by;
      const ref = refs[r];
      out.push({ tag: ref.tag, ref, root: o.root, expression: o.expression, type: o.type, plain: o.plain });
      refIndex.push(r);
    }
  }
  // A request between two slices may have listed them meanwhile: keep that list.
  const done = memo.get(analysis);
  if (done) return done;
  memo.set(analysis, out);
  state.interpolations = { refs, out, refIndex };
  return out;
}

/** Which inputs a rule treats as untrusted: `untrusted` patterns (default every input) minus `trusted`. */
export function untrustedFilter(options: { untrusted?: string[]; trusted?: string[] }): (name: string) => boolean {
  const isUntrusted = nameMatcher(options.untrusted?.length ? options.untrusted : ['*']);
  const isTrusted = nameMatcher(options.trusted ?? []);
  return (name) => isUntrusted(name) && !isTrusted(name);
}

/** A place where a Prompty body (Jinja2 or Mustache) writes a run-time input into the text. */
export interface BodyInterpolation {
  /** The whole tag (`{{ ticket }}`, `{{{ticket}}}`). */
  span: Span;
  /** The tag as written. */
  text: string;
  /** The expression (`ticket`, `order.id`). */
  expression: string;
  /** The input it reads (`customer` for `{{ order.id }}` in `{% for order in customer.orders %}`). */
  root: string;
  /** The declared kind of the value written, when known. */
  type?: string;
}

/** Filters that write their argument's text (changed in case or white space, or escaped) into the prompt. */
const TEXT_FILTERS = new Set(['trim', 'upper', 'lower', 'capitalize', 'title', 'safe', 'e', 'escape', 'string', 'striptags', 'wordwrap', 'indent', 'replace', 'truncate', 'center', 'default', 'd']);

function fieldAt(field: SchemaField | undefined, path: readonly string[]): SchemaField | undefined {
  let f = field;
  for (const name of path) {
    if (!f) return undefined;
    if (f.type === 'array' && f.items) f = f.items;
    f = f.children?.find((c) => c.name === name);
  }
  return f;
}

const typeOf = (f: SchemaField | undefined) => (f ? (f.enumValues ? 'enum' : f.type) : undefined);

/**
 * The output tags of a Prompty body that write one input's value as the tag's whole output
 * (`{{ ticket }}`, `{{ ticket | trim }}`, `{{{ ticket }}}`, a loop variable over an input), from
 * the format's own template analysis; not a `thread` input, which becomes turns instead of text.
 * Empty for other formats.
 */
export function bodyInterpolations(doc: PromptDocument): BodyInterpolation[] {
  const analysis = promptyOf(doc)?.analysis;
  if (!analysis) return [];
  const text = doc.text;
  const inputs = new Map(doc.prompt.inputs.map((i) => [i.name, i]));
  const out: BodyInterpolation[] = [];
  for (const ref of analysis.refs) {
    const tag = ref.tag;
    if (tag.kind !== 'output' && tag.kind !== 'unescaped') continue;
    // The tag's expression without whitespace control and Mustache's `{`, `&` marks (a scan:
    // a regular expression anchored at the end would be quadratic on a long run of `}`).
    let from = tag.inner.start;
    let to = tag.inner.end;
    while (from < to && /[\s{&-]/.test(text[from])) from++;
    while (to > from && /[\s}-]/.test(text[to - 1])) to--;
    const inner = text.slice(from, to);
    const path = ref.path.map((p) => p.name);
    const expression = text.slice(ref.path[0].span.start, ref.path[ref.path.length - 1].span.end);
    const [head, ...filters] = inner.split('|').map((s) => s.trim());
    if (head !== expression || !filters.every((f) => TEXT_FILTERS.has(f.replace(/\(.*$/s, '').trim()))) continue;
    let root: string | undefined;
    let field: SchemaField | undefined;
    if (ref.local) {
      // A loop variable over an input (`order` of `customer.orders`) writes that input's data.
      if (ref.local.kind !== 'loop' || !ref.local.of?.length) continue;
      root = ref.local.of[0];
      const list = fieldAt(inputs.get(root)?.field, ref.local.of.slice(1));
      field = list ? fieldAt(list.items ?? list, path.slice(1)) : undefined;
    } else if (inputs.has(ref.name) || !ref.sections?.length) {
      root = ref.name;
      field = fieldAt(inputs.get(ref.name)?.field, path.slice(1));
    } else {
      // Mustache: a name inside `{{#section}}` read from the section's item.
      const section = ref.sections[ref.sections.length - 1];
      if (!inputs.has(section[0])) continue;
      root = section[0];
      const list = fieldAt(inputs.get(root)?.field, section.slice(1));
      field = fieldAt(list?.items ?? list, path);
    }
    if (!root || JINJA_GLOBALS.has(root)) continue;
    // A `thread` input writes no text: Prompty's renderer puts a marker there and turns the thread into messages of their own.
    if (inputs.get(root)?.type === 'thread') continue;
    out.push({ span: tag.span, text: text.slice(tag.span.start, tag.span.end), expression, root, type: typeOf(field) });
  }
  return out;
}
