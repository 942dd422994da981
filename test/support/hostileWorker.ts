// Runs the engine's full diagnostics on one hostile body in a child process, so that a stack
// overflow or a freeze fails the calling test instead of taking the test runner down with it.
import { completePromptDiagnostics, documentSymbols, foldingRanges, lint, parsePromptDocument } from '../../server/src/service';

export const HOSTILE: Record<string, () => string> = {
  'nested-if-4500': () => '{{#if a}}'.repeat(4500) + '{{/if}}'.repeat(4500),
  'nested-each-5000': () => '{{#each a}}'.repeat(5000) + '{{/each}}'.repeat(5000),
  'unclosed-if-20000': () => '{{#if a}}'.repeat(20000),
  'commas-100000': () => 'a' + ','.repeat(100_000) + 'b',
  'commas-200000': () => 'a' + ','.repeat(200_000) + 'b',
  'dot-quote-50000': () => 'a' + '."'.repeat(50_000) + 'b',
  'subexpression-depth-5000': () => '{{f ' + '(g '.repeat(5000) + 'x' + ')'.repeat(5000) + '}}',
  'stray-closes-20000': () => '{{#if a}}'.repeat(20000) + '{{/x}}'.repeat(20000),
  'nested-with-20000': () => '{{#with a as |b|}}{{b.c}}'.repeat(20000) + '{{/with}}'.repeat(20000),
  'jinja-comments-20000': () => '{{x}}'.repeat(20000) + '{# c #}'.repeat(20000),
  // Jinja quoted as code: one line of code spans, an odd backtick before a long line, many fences.
  'jinja-in-code-spans-20000': () => '`{% a %}` '.repeat(20000),
  'jinja-after-odd-backtick-20000': () => '`' + '{% a %}'.repeat(20000),
  'jinja-in-fences-20000': () => '```\n{% a %}\n'.repeat(20000),
  'line-990kb': () => 'The quick brown fox jumps over the lazy dog, again and again. '.repeat(15_970),
};

async function run(name: string): Promise<void> {
  const body = HOSTILE[name]();
  const t = performance.now();
  const doc = parsePromptDocument(`---\nmodel: openai/gpt-4o\n---\n${body}\n`, `file:///w/${name}.prompt`);
  const diagnostics = await completePromptDiagnostics(doc, { lint: { config: lint.resolveLintConfig(lint.RULES), countTokens: false } });
  documentSymbols(doc);
  foldingRanges(doc);
  process.stdout.write(JSON.stringify({ ms: performance.now() - t, codes: [...new Set(diagnostics.map((d) => d.code))], messages: diagnostics.filter((d) => d.code === 'template-too-deep').map((d) => d.message) }));
}

if (require.main === module) void run(process.argv[2]);
