// output-format-mismatch: the frontmatter says the answer is JSON (output.format json/jsonl/array,
// or an output.schema) but the instructions never mention JSON; or the instructions ask for JSON
// while the frontmatter declares text or nothing, so the runtime will not parse the answer.
import { frontmatterOf, keySpan, record, valueSpan } from './util';
import type { Finding, LintRule } from './types';

const MENTIONS_JSON = /\bjson(?:l|\s+lines)?\b/i;
// Asking for JSON: a verb of answering followed (closely) by JSON, or JSON as the output's form.
const ASKS_FOR_JSON =
  /\b(?:respond|reply|answer|output|return|format|write|give|produce|provide|emit|generate|print)\b[^.\n]{0,60}?\bjson\b|\bjson[- ](?:only|object|array|document|response|output|format(?:ted)?)\b|\b(?:valid|strict|raw|only|pure|plain)\s+json\b|\b(?:as|in|with)\s+json\b/i;
const NEGATION = /\b(?:not|never|no|without|avoid|don't|do not|instead of)\b/i;
const JSON_FORMATS = new Set(['json', 'jsonl', 'array']);

export const rule: LintRule = {
  id: 'output-format-mismatch',
  description: 'output.format / output.schema and the instructions disagree about JSON.',
  defaultLevel: 'warning',
  category: 'correctness',
  patterns: [MENTIONS_JSON, ASKS_FOR_JSON, NEGATION],
  check(ctx) {
    const doc = ctx.doc;
    if (doc.notice || doc.frontmatter.value === undefined && doc.frontmatter.present) return [];
    const output = record(frontmatterOf(doc).output);
    const format = typeof output.format === 'string' ? output.format : undefined;
    const hasSchema = output.schema !== undefined && output.schema !== null;
    const prose = ctx.prose();
    const body = prose.masked.slice(doc.template.span.start, doc.template.span.end);
    const expectsJson = (format !== undefined && JSON_FORMATS.has(format)) || (format === undefined && hasSchema);
    // Partials the template includes may carry the format instructions: do not guess.
    const usesPartials = doc.template.tags.some((t) => t.kind === 'partial' || t.kind === 'partial-block-open');
    if (expectsJson) {
      if (MENTIONS_JSON.test(body) || usesPartials) return [];
      const span = format !== undefined ? valueSpan(doc, ['output', 'format']) : keySpan(doc, ['output', 'schema']);
      if (!span) return [];
      const what = format !== undefined ? `\`output.format: ${format}\`` : '`output.schema` (JSON by default)';
      return [
        {
          message: `${what} expects a JSON answer, but the instructions never mention JSON. Say it in the prompt (e.g. "Answer with a JSON object with the fields …, and nothing else"): models follow the prompt text, and not every runtime adds format instructions for you.`,
          span,
        },
      ];
    }
    if (format !== undefined && format !== 'text') return [];
    const out: Finding[] = [];
    for (const s of prose.sentences) {
      const m = ASKS_FOR_JSON.exec(s.words);
      if (!m || NEGATION.test(s.words.slice(0, m.index + m[0].length))) continue;
      const declared = format === 'text' ? '`output.format` is `text`' : 'the frontmatter declares no `output.format`';
      out.push({
        message: `The instructions ask for JSON, but ${declared}: the answer will be handled as plain text, neither parsed nor checked. Set \`output.format: json\` (and an \`output.schema\`) so the runtime parses and validates it.`,
        span: { start: s.span.start + m.index, end: s.span.start + m.index + m[0].length },
      });
      break;
    }
    return out;
  },
};
