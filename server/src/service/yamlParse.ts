// The prompt formats' YAML parse: `yaml` 2's documents (the node API the whole engine reads),
// composed from the concrete syntax tree that `yaml` 3's parser builds. Both majors share one CST
// token format (https://eemeli.org/yaml/#cst); 3's parser builds it with arrays where 2's yields
// every token through generators (eemeli/yaml#645): about 7 times faster, and the whole parse of a
// frontmatter allocates a quarter of what it did. test/unit/yamlParse.test.ts holds the result
// equal to 2's own `parseDocument`.
import { Composer, parseDocument, YAMLParseError, type Document, type DocumentOptions, type ParseOptions, type SchemaOptions } from 'yaml';
import { Parser } from 'yaml3';

const LONE_CR = /\r(?!\n)/;

export type YamlParseOptions = ParseOptions & DocumentOptions & SchemaOptions;

/**
 * `yaml`'s `parseDocument(source, options)` without `prettyErrors` (a `lineCounter` is ignored):
 * the first document of `source`, and a `MULTIPLE_DOCS` error if another follows.
 */
export function parseYamlDocument(source: string, options: YamlParseOptions = {}): Document.Parsed {
  // 3.0.0-2's parser never returns from a comment that a lone carriage return ends (`# a\r`);
  // a text with a carriage return outside a CRLF is left to 2's parser whole.
  if (LONE_CR.test(source)) return parseDocument(source, options) as Document.Parsed;
  const composer = new Composer(options);
  // The CST types of the two majors are the same shapes, declared twice.
  const tokens = new Parser().parse(source) as unknown as Parameters<Composer['compose']>[0];
  let doc: Document.Parsed | undefined;
  for (const next of composer.compose(tokens, true, source.length)) {
    if (!doc) doc = next;
    else if (doc.options.logLevel !== 'silent') {
      doc.errors.push(new YAMLParseError(next.range.slice(0, 2) as [number, number], 'MULTIPLE_DOCS', 'Source contains multiple documents; please use YAML.parseAllDocuments()'));
      break;
    }
  }
  // `compose(…, true)` always ends with a document, an empty one at the least.
  return doc as Document.Parsed;
}
