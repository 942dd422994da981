// empty-message: a `{{role "..."}}` block with nothing in it before the next marker or the end.
// Providers reject empty messages or the model reads an empty turn; usually text was deleted or
// a marker duplicated.
import { trimEnd } from '../formats/frontmatter';
import { markerSpan } from '../formats/model';
import { aloneOnLines, quickFix, removeLinesEdit } from './util';
import type { Finding, LintRule } from './types';

export const rule: LintRule = {
  id: 'empty-message',
  description: 'A role block (`{{role "..."}}`) with no content.',
  defaultLevel: 'warning',
  category: 'correctness',
  checksPartials: true,
  fixable: true,
  check(ctx) {
    const doc = ctx.doc;
    if (doc.notice) return [];
    const masked = ctx.prose().masked;
    const tags = doc.template.tags;
    const out: Finding[] = [];
    for (const m of doc.template.messages) {
      if (m.kind !== 'message' || !m.marker) continue;
      const from = m.marker.span.end;
      const to = m.span.end;
      if (masked.slice(from, to).trim()) continue;
      // Tags other than comments (variables, partials, blocks) give the message content at run time.
      if (tags.some((t) => t.span.start >= from && t.span.start < to && t.kind !== 'comment')) continue;
      out.push({
        // Dotprompt's parser drops a message without text (the next marker takes it over), so the marker does nothing.
        message: `The ${m.role} message is empty: nothing follows \`{{role "${m.role}"}}\` before the ${to >= doc.template.span.end ? 'end of the prompt' : 'next message'}. Dotprompt sends no message for a marker without text, so this one does nothing; write its content or remove the marker.`,
        span: m.marker.span,
      });
    }
    // Formats whose messages start at role lines (Prompty's `user:`): the shared model's messages.
    if (!doc.template.messages.length) {
      for (const m of doc.prompt.messages) {
        const marker = markerSpan(m);
        if (m.kind !== 'message' || !marker || m.contentSpan.end > m.contentSpan.start) continue;
        const line = { start: marker.start, end: trimEnd(doc.text, marker.start, marker.end) };
        out.push({ message: `The ${m.role} message is empty: nothing follows \`${doc.text.slice(line.start, line.end).trim()}\` before the ${m.span.end >= doc.text.length ? 'end of the prompt' : 'next message'}. Providers reject empty messages or send an empty turn; write its content or remove the role line.`, span: line });
      }
    }
    return out;
  },
  fixes(ctx, diagnostic) {
    const doc = ctx.doc;
    const span = { start: doc.lines.offsetAt(diagnostic.range.start), end: doc.lines.offsetAt(diagnostic.range.end) };
    const edit = aloneOnLines(doc, span) ? removeLinesEdit(doc, span) : { range: diagnostic.range, newText: '' };
    return [quickFix('Remove the empty message', diagnostic, doc.uri, [edit], true)];
  },
};
