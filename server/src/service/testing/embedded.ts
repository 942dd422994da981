// Test cases written in the prompt file itself (GitHub Models `testData` rows and `evaluators`),
// as a fixture suite the runner, the reports, the records, the cache, shards and history
// comparisons take like any other: the prompt file is both the fixture and the prompt, each row is
// a case (`row 1`, `row 2`, ... in file order), and each evaluator an assertion on it, with
// `gh models eval`'s semantics (assertions/githubModels.ts). A case passes when every evaluator
// passes, as `gh models eval` counts a test.
import type { PromptDiagnostic } from '../diagnostic';
import type { PromptDocument } from '../document';
import { GITHUB_FOLDER_PATTERNS } from '../formats/github-models/globs';
import { promptFileInfo } from '../formats/github-models/parse';
import { formatFor } from '../formats/registry';
import type { FixtureAssertion, FixtureCase, FixtureFile } from './fixtures';

/** Errors that make `gh models` refuse the file: no case runs. */
const REFUSING = /^(yaml-|prompt-file-not-mapping$|prompt-file-schema$|prompt-file-json-schema$|unknown-role$)/;

/**
 * The prompt files that hold their own test cases (GitHub Models `testData` and `evaluators`): what
 * the doors search beside fixture files. A search's `**` does not enter dot folders, so `.github/`,
 * where these files usually live, is named (as in the format's `filePatterns`).
 */
export const EMBEDDED_TEST_GLOBS = ['**/*.prompt.yml', '**/*.prompt.yaml', ...GITHUB_FOLDER_PATTERNS];

/** Whether a URI names a prompt file whose format writes its test cases inside it (`*.prompt.yml`). */
export function hasEmbeddedTests(uri: string): boolean {
  return formatFor(uri)?.id === 'github-models';
}

function assertionOf(check: PromptDocument['prompt']['tests'][number]['checks'][number], index: number, doc: PromptDocument): FixtureAssertion {
  const spec = check.value && typeof check.value === 'object' ? (check.value as Record<string, unknown>) : {};
  const kind = spec.string !== undefined && spec.string !== null ? 'gh-string' : spec.llm !== undefined && spec.llm !== null ? 'gh-llm' : typeof spec.uses === 'string' ? 'gh-uses' : 'gh-string';
  const value = kind === 'gh-string' ? spec.string : kind === 'gh-llm' ? spec.llm : spec.uses;
  return {
    type: check.name || `evaluator ${index + 1}`,
    base: kind,
    negate: false,
    value,
    weight: 1,
    span: check.span,
    line: doc.lines.positionAt(check.span.start).line,
  };
}

/**
 * A schema error `gh models` does not refuse, since its YAML reader takes the value (the lint
 * finding stays): a number or boolean where text is wanted, in a `string` evaluator (`contains:
 * 42`, compared as its text by githubModels.ts) or a message's `content` (sent as written); a
 * message without `content` (sent empty); an evaluator without `name`.
 */
function readAsText(doc: PromptDocument, d: PromptDiagnostic): boolean {
  const path = (d.data as { path?: unknown } | undefined)?.path;
  if (d.code !== 'prompt-file-schema' || !Array.isArray(path)) return false;
  const [top, index, key, sub] = path.map(String);
  const scalar = (v: unknown) => typeof v === 'number' || typeof v === 'boolean';
  if (top === 'evaluators' && path.length === 3 && key === 'name') return true;
  if (top === 'evaluators' && path.length === 4 && key === 'string') {
    // The file's own value (the checks hold a number's text, as written).
    const file = doc.frontmatter.value as { evaluators?: { string?: Record<string, unknown> }[] } | undefined;
    const evaluators = file && typeof file === 'object' && Array.isArray(file.evaluators) ? file.evaluators : [];
    return scalar(evaluators[Number(index)]?.string?.[sub]);
  }
  if (top === 'messages' && path.length === 3 && key === 'content') {
    const m = promptFileInfo(doc).messages.find((x) => x.index === Number(index));
    return !!m && m.contentIsText;
  }
  return false;
}

/** The prompt file's own test cases as a fixture file; undefined when its format has none. */
export function embeddedFixture(doc: PromptDocument): FixtureFile | undefined {
  if (!hasEmbeddedTests(doc.uri)) return undefined;
  const diagnostics: PromptDiagnostic[] = doc.diagnostics.filter((d) => d.severity === 'error' && REFUSING.test(d.code) && !readAsText(doc, d));
  const cases: FixtureCase[] = doc.prompt.tests.map((t, index) => {
    const line = doc.lines.positionAt(t.span.start).line;
    return {
      index,
      name: t.name ?? `row ${index + 1}`,
      vars: t.values,
      config: {},
      repeat: 1,
      assert: t.checks.map((c, i) => assertionOf(c, i, doc)),
      skip: false,
      span: t.span,
      nameSpan: { start: t.span.start, end: Math.min(t.span.end, doc.lines.lineEnd(line)) },
      line,
      varKeySpans: {},
      contextKeySpans: {},
    };
  });
  return { uri: doc.uri, text: doc.text, lines: doc.lines, promptUri: doc.uri, defaultVars: {}, defaultVarKeySpans: {}, matrix: [], variants: [], tools: [], cases, diagnostics };
}
