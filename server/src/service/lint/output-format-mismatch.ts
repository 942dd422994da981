// output-format-mismatch: the prompt's output says the answer is JSON (format json/jsonl/array, or
// a schema) but the instructions never mention JSON; or the instructions ask for JSON while the
// output is declared text or not at all, so the runtime will not parse the answer. Formats without
// an output declaration are not checked.
import { formatOf } from '../formats/registry';
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
  defaultLevel: 'info',
  category: 'correctness',
  patterns: [MENTIONS_JSON, ASKS_FOR_JSON, NEGATION],
  check(ctx) {
    const doc = ctx.doc;
    const format = formatOf(doc);
    const formatPath = format.keyPath('outputFormat');
    if (!formatPath || doc.notice || (doc.frontmatter.value === undefined && doc.frontmatter.present)) return [];
    const schemaPath = format.keyPath('outputSchema') ?? formatPath;
    const output = doc.prompt.output;
    const declared = output?.format?.value;
    const hasSchema = output?.schema !== undefined;
    const prose = ctx.prose();
    const body = prose.masked.slice(doc.template.span.start, doc.template.span.end);
    const expectsJson = (declared !== undefined && JSON_FORMATS.has(declared)) || (declared === undefined && hasSchema);
    // Files the template includes may carry the format instructions: do not guess.
    const usesPartials = doc.prompt.includes.length > 0;
    // Prompty's runtimes send `outputs` as a strict JSON schema (`response_format: json_schema`):
    // the model is held to JSON whatever the prompt says; a `response_format` among the model's
    // options asks for JSON too.
    const prompty = format.id === 'prompty';
    if (expectsJson) {
      if (MENTIONS_JSON.test(body) || usesPartials || prompty) return [];
      const at = declared !== undefined ? output?.format?.span : output?.schema?.keySpan;
      if (!at) return [];
      const span = { start: at.start, end: Math.max(at.end, at.start + 1) };
      const what = declared !== undefined ? `\`${formatPath}: ${declared}\`` : `\`${schemaPath}\` (JSON by default)`;
      return [
        {
          message: `${what} expects a JSON answer, but the instructions never mention JSON. Say it in the prompt (e.g. "Answer with a JSON object with the fields …, and nothing else"): models follow the prompt text, and not every runtime adds format instructions for you.`,
          span,
        },
      ];
    }
    if (declared !== undefined && declared !== 'text') return [];
    if (prompty && doc.prompt.otherParameters.some((p) => /^response_?format$/i.test(p.key))) return [];
    const out: Finding[] = [];
    for (const s of prose.sentences) {
      const m = ASKS_FOR_JSON.exec(s.words);
      if (!m || NEGATION.test(s.words.slice(0, m.index + m[0].length))) continue;
      const said = declared === 'text' ? `\`${formatPath}\` is \`text\`` : `the frontmatter declares no \`${formatPath}\``;
      const message = format.id === 'github-models'
        ? `The instructions ask for JSON, but ${declared === 'text' ? '`responseFormat` is `text`' : 'the file sets no `responseFormat`'}: the request asks for no JSON, so the model is not held to it. Set \`responseFormat: json_object\` (JSON mode), or \`json_schema\` with a \`jsonSchema\` the answer must follow.`
        : prompty
        ? 'The instructions ask for JSON, but the frontmatter declares no `outputs` and the model options no `response_format`: the answer comes back as plain text, not parsed. Declare `outputs:` (each field with its `kind`), which Prompty sends as a JSON schema the answer must follow, or set `response_format: { type: json_object }` in the model options.'
        : `The instructions ask for JSON, but ${said}: the answer will be handled as plain text, neither parsed nor checked. Set \`${formatPath}: json\` (and an \`${schemaPath}\`) so the runtime parses and validates it.`;
      out.push({
        message,
        span: { start: s.span.start + m.index, end: s.span.start + m.index + m[0].length },
      });
      break;
    }
    return out;
  },
};
