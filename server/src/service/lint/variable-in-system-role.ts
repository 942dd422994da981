// variable-in-system-role: run-time input written into the system message. Models give the system
// message the most authority, so input there can change how every later turn is handled.
import { z } from 'zod';
import { formatOf } from '../formats/registry';
import { runSteps } from '../slice';
import { interpolationsSteps, isInertType, untrustedFilter } from './inputs';
import type { Finding, LintRule } from './types';

const Options = z.strictObject({
  /** Inputs treated as user-supplied (names, `*` wildcards). Default: every input. */
  untrusted: z.array(z.string()).default(['*']),
  /** Inputs your code controls (names, `*` wildcards), allowed in the system message. */
  trusted: z.array(z.string()).default([]),
});
type Options = z.infer<typeof Options>;

export const rule: LintRule<Options> = {
  id: 'variable-in-system-role',
  description: 'User-supplied input interpolated into the system message, where it gets the authority of the system prompt.',
  defaultLevel: 'warning',
  category: 'security',
  options: Options,
  check(ctx) {
    return runSteps(rule.checkSteps!(ctx));
  },
  // Every interpolation of a large template: a sliced run pauses between them.
  *checkSteps(ctx) {
    const doc = ctx.doc;
    if (doc.notice || !doc.prompt.messages.some((m) => m.role === 'system')) return [];
    let n = 0;
    const prose = ctx.prose();
    const untrusted = untrustedFilter(ctx.options);
    const out: Finding[] = [];
    // A format with its own template language (Prompty's Jinja2 or Mustache): the shared model's
    // messages say which inputs each reads, and in which tag; output tags write them into the text.
    if (formatOf(doc).navigation) {
      for (const m of doc.prompt.messages) {
        if (m.role !== 'system') continue;
        for (const v of m.variables) {
          const tag = m.tags.find((t) => t.span.start <= v.span.start && v.span.end <= t.span.end);
          if (!tag || (tag.kind !== 'output' && tag.kind !== 'unescaped')) continue;
          const input = doc.prompt.inputs.find((x) => x.name === v.name);
          if (isInertType(input?.field.enumValues ? 'enum' : input?.type) || !untrusted(v.name)) continue;
          // A `thread` input becomes turns of their own (Prompty's renderer splits the message there), not system text.
          if (input?.type === 'thread') continue;
          if (out.some((f) => f.span.start === tag.span.start)) continue;
          out.push({
            message: `\`${doc.text.slice(tag.span.start, tag.span.end)}\` writes the input \`${v.name}\` into the system message, which the model trusts most: a user who controls it can rewrite the rules for the whole conversation. Move it to a user message (inside delimiters), or, if your code alone sets its value, list it under \`trusted\` for this rule in .promptlintrc.yaml.`,
            span: tag.span,
            data: { input: v.name },
          });
        }
      }
      return out;
    }
    const interpolations = yield* interpolationsSteps(doc, ctx.analysis());
    // Interpolations come in the order of their tags.
    const roleAt = prose.roleCursor();
    const end = systemEnd(doc.prompt.messages);
    for (let k = 0; k < interpolations.length; k++) {
      const i = interpolations[k];
      if (i.tag.span.start >= end) break;
      if (++n % 64 === 0) yield rule.id;
      if (isInertType(i.type) || !untrusted(i.root)) continue;
      if (roleAt(i.tag.span.start) !== 'system') continue;
      out.push({
        message: `\`${doc.text.slice(i.tag.span.start, i.tag.span.end)}\` writes the input \`${i.root}\` into the system message, which the model trusts most: a user who controls it can rewrite the rules for the whole conversation. Move it to a user message (inside delimiters), or, if your code alone sets its value, list it under \`trusted\` for this rule in .promptlintrc.yaml.`,
        span: i.tag.span,
        data: { input: i.root },
      });
    }
    return out;
  },
};

/**
 * The offset from which no place is in a system message: the start of the first message after the
 * last system message (a place's role is that of the last message starting at or before it), when
 * the messages are in the order of the text; else the end of everything.
 */
function systemEnd(messages: readonly { role: string; span: { start: number } }[]): number {
  for (let i = 1; i < messages.length; i++) if (messages[i - 1].span.start > messages[i].span.start) return Infinity;
  let last = -1;
  for (let i = 0; i < messages.length; i++) if (messages[i].role === 'system') last = i;
  return last >= 0 && last + 1 < messages.length ? messages[last + 1].span.start : Infinity;
}
