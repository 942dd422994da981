// The language engine in-process, doing what the server's validation does for one document
// version, step by step: parse, template analysis + diagnostics, token-budget diagnostics, the
// synchronous lint rules.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { diagnostics, lint, PartialIndex, PromptDocumentCache, type PromptDocument } from '../server/src/service';
import { toLspDiagnostic } from '../server/src/service/diagnostic';
import * as templateModule from '../server/src/service/template';
import * as tokens from '../server/src/service/tokens';
import { DEFAULT_SETTINGS } from '../server/src/settings';

/** The partials the server finds in its workspace folder (the harness opens `examples/`). */
export function examplePartials(root: string): PartialIndex {
  const index = new PartialIndex();
  const dir = path.join(root, 'examples');
  for (const name of fs.readdirSync(dir)) {
    if (/^_.+\.prompt$/.test(name)) index.set(pathToFileURL(path.join(dir, name)).toString(), fs.readFileSync(path.join(dir, name), 'utf8'));
  }
  return index;
}

/** Optional: the whole-body Handlebars check, when the engine has it as a separate function. */
const wholeTemplateDiagnostics = (templateModule as Record<string, unknown>).wholeTemplateDiagnostics as ((text: string, template: PromptDocument['template']) => unknown) | undefined;

export interface EngineTiming {
  /** parsePromptDocument through the server's PromptDocumentCache (which reuses an unchanged frontmatter's parse). */
  parse: number;
  /** diagnostics(): scope analysis (variables, helpers, partials), the whole-body check, conversion to LSP. */
  analysis: number;
  /**
   * The part of `analysis` spent in the whole-body Handlebars parse (wholeTemplateDiagnostics, timed
   * first; the engine memoises it per template, so diagnostics() then reuses it). NaN if the engine
   * has no such function.
   */
  wholeParse: number;
  /** Token-budget diagnostics (the tokenizer is loaded beforehand, as the server does off the edit path). */
  tokens: number;
  /** The synchronous lint rules with their default levels (the server runs them in the same validation; secretlint is not included). */
  lint: number;
  total: number;
  count: number;
}

export class Engine {
  private readonly tokenOptions: tokens.TokenOptions;
  /** The server's per-document cache: a new version is parsed with the previous one at hand. */
  private readonly cache = new PromptDocumentCache();

  constructor(readonly partials: PartialIndex) {
    this.tokenOptions = { ...DEFAULT_SETTINGS.tokens, analysis: { partials, customHelpers: DEFAULT_SETTINGS.customHelpers } };
  }

  private ensureTokenizer(doc: PromptDocument): void {
    if (!tokens.tokenizerReady(doc, this.tokenOptions)) tokens.loadTokenizer(doc, this.tokenOptions);
  }

  validate(text: string, uri: string, version: number): EngineTiming {
    const t0 = performance.now();
    const doc = this.cache.get({ uri, version, getText: () => text });
    const t1 = performance.now();
    let wholeParse = NaN;
    if (wholeTemplateDiagnostics) {
      wholeTemplateDiagnostics(doc.text, doc.template);
      wholeParse = performance.now() - t1;
    }
    const diags = diagnostics(doc, { partials: this.partials, customHelpers: DEFAULT_SETTINGS.customHelpers });
    const t2 = performance.now();
    this.ensureTokenizer(doc);
    const t3 = performance.now();
    const budget = tokens.tokenDiagnostics(doc, this.tokenOptions).map((d) => toLspDiagnostic(d, doc.lines));
    const t4 = performance.now();
    const lintDiags = lint.lintDiagnostics(doc, { tokens: this.tokenOptions, countTokens: true }, this.tokenOptions.analysis);
    const t5 = performance.now();
    return { parse: t1 - t0, analysis: t2 - t1, wholeParse, tokens: t4 - t3, lint: t5 - t4, total: t5 - t3 + (t2 - t0), count: diags.length + budget.length + lintDiags.length };
  }
}
