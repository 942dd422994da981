// The places where a run-time input is written into the prompt text: `{{name}}`, `{{ticket.body}}`,
// `{{this}}` inside `{{#each}}`, `{{{raw}}}`, and inputs passed to an output helper (`{{json x}}`).
// Conditions (`{{#if x}}`) and loops write nothing themselves and are not listed.
import type { PromptDocument } from '../document';
import type { Analysis, Context, VariableRef } from '../scope';
import type { Tag } from '../template';
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
const INERT_TYPES = new Set(['number', 'integer', 'boolean', 'null', 'enum']);

export function isInertType(type: string | undefined): boolean {
  return !!type && INERT_TYPES.has(type);
}

function contextRoot(ctx: Context | undefined): { root?: string; type?: string } {
  if (ctx?.kind !== 'field') return {};
  return { root: ctx.path[0], type: ctx.field?.enumValues ? 'enum' : ctx.field?.type };
}

const memo = new WeakMap<Analysis, Interpolation[]>();

export function interpolations(doc: PromptDocument, analysis: Analysis): Interpolation[] {
  const hit = memo.get(analysis);
  if (hit) return hit;
  const tags = doc.template.tags;
  // The tag's place in the template (tags are sorted and never overlap), for its scope frames.
  const index = (tag: Tag): number => {
    let lo = 0;
    let hi = tags.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const s = tags[mid].span.start;
      if (s < tag.span.start) lo = mid + 1;
      else if (s > tag.span.start) hi = mid - 1;
      else return tags[mid] === tag ? mid : -1;
    }
    return -1;
  };
  const out: Interpolation[] = [];
  for (const ref of analysis.refs) {
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
  }
  memo.set(analysis, out);
  return out;
}

/** Which inputs a rule treats as untrusted: `untrusted` patterns (default every input) minus `trusted`. */
export function untrustedFilter(options: { untrusted?: string[]; trusted?: string[] }): (name: string) => boolean {
  const isUntrusted = nameMatcher(options.untrusted?.length ? options.untrusted : ['*']);
  const isTrusted = nameMatcher(options.trusted ?? []);
  return (name) => isUntrusted(name) && !isTrusted(name);
}
