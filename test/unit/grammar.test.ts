// The TextMate grammar (syntaxes/dotprompt.tmLanguage.json), tokenised with the same engine VS Code uses
// (vscode-textmate + vscode-oniguruma). Each fixture in test/grammar/fixtures is compared with a readable
// snapshot in test/grammar/snapshots; `UPDATE_SNAPSHOTS=1` rewrites them. A missing snapshot fails,
// naming that command (test/support/golden.ts). The embedded YAML uses a small test-only grammar
// (test/grammar/yaml.tmLanguage.json): VS Code supplies the real `source.yaml`.
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { expectGolden, SNAPSHOT_COMMAND } from '../support/golden';
import { test } from 'node:test';
import * as oniguruma from 'vscode-oniguruma';
import * as vsctm from 'vscode-textmate';

const root = path.resolve(__dirname, '..', '..');
const grammarDir = path.join(root, 'test', 'grammar');
const fixturesDir = path.join(grammarDir, 'fixtures');
const snapshotsDir = path.join(grammarDir, 'snapshots');
const ROOT_SCOPE = 'source.dotprompt';
const FRONTMATTER = 'meta.embedded.block.frontmatter';

const grammarFiles: Record<string, string> = {
  [ROOT_SCOPE]: path.join(root, 'syntaxes', 'dotprompt.tmLanguage.json'),
  'source.yaml': path.join(grammarDir, 'yaml.tmLanguage.json'),
};

interface Token {
  text: string;
  scopes: string[];
}

let grammarPromise: Promise<vsctm.IGrammar> | undefined;

function loadGrammar(): Promise<vsctm.IGrammar> {
  grammarPromise ??= (async () => {
    const wasm = readFileSync(path.join(root, 'node_modules', 'vscode-oniguruma', 'release', 'onig.wasm'));
    await oniguruma.loadWASM(wasm);
    const onigLib: vsctm.IOnigLib = {
      createOnigScanner: (patterns: string[]) => oniguruma.createOnigScanner(patterns),
      createOnigString: (s: string) => oniguruma.createOnigString(s),
    };
    const registry = new vsctm.Registry({
      onigLib: Promise.resolve(onigLib),
      loadGrammar: async (scopeName: string) => {
        const file = grammarFiles[scopeName];
        return file ? vsctm.parseRawGrammar(readFileSync(file, 'utf8'), file) : null;
      },
    });
    const grammar = await registry.loadGrammar(ROOT_SCOPE);
    if (!grammar) throw new Error(`could not load ${ROOT_SCOPE}`);
    return grammar;
  })();
  return grammarPromise;
}

/** Splits like VS Code's text model: CRLF, CR and LF all end a line, and none reaches the tokenizer. */
function splitLines(text: string): string[] {
  const lines = text.split(/\r\n|\r|\n/);
  if (lines.length > 1 && lines[lines.length - 1] === '') lines.pop();
  return lines;
}

/** Tokenises line by line, carrying the rule stack. Scopes exclude the root scope. */
async function tokenize(text: string, lines = splitLines(text)): Promise<Token[][]> {
  const grammar = await loadGrammar();
  let stack: vsctm.StateStack = vsctm.INITIAL;
  return lines.map((line) => {
    const result = grammar.tokenizeLine(line, stack);
    stack = result.ruleStack;
    return result.tokens.map((t: vsctm.IToken) => ({
      text: line.slice(t.startIndex, t.endIndex),
      scopes: t.scopes.filter((s, i) => !(i === 0 && s === ROOT_SCOPE)),
    }));
  });
}

function render(lines: string[], tokens: Token[][]): string {
  const out: string[] = [];
  lines.forEach((line, i) => {
    out.push(`${String(i + 1).padStart(3)} | ${line}`);
    for (const t of tokens[i]) {
      const text = JSON.stringify(t.text);
      out.push(`      ${text.padEnd(22)} ${t.scopes.length ? t.scopes.join(' ') : '-'}`);
    }
  });
  return out.join('\n') + '\n';
}

/** The `nth` token on line `line` (0-based) whose text is exactly `text`. */
function tokenAt(tokens: Token[][], line: number, text: string, nth = 0): Token {
  const found = tokens[line].filter((t) => t.text === text);
  const t = found[nth];
  assert.ok(t, `no token ${JSON.stringify(text)} (#${nth}) on line ${line + 1}: ${JSON.stringify(tokens[line].map((x) => x.text))}`);
  return t;
}

function hasScope(t: Token, prefix: string): boolean {
  return t.scopes.some((s) => s === prefix || s.startsWith(prefix + '.') || s.split(' ').includes(prefix));
}

function assertScope(t: Token, prefix: string): void {
  assert.ok(hasScope(t, prefix), `${JSON.stringify(t.text)} should have ${prefix}: ${t.scopes.join(' ')}`);
}

function assertNoScope(t: Token, prefix: string): void {
  assert.ok(!hasScope(t, prefix), `${JSON.stringify(t.text)} should not have ${prefix}: ${t.scopes.join(' ')}`);
}

const tokensOf = (text: string): Promise<Token[][]> => tokenize(text);

// ---------------------------------------------------------------------------------------------------
// Snapshots

const fixtures = readdirSync(fixturesDir).filter((f) => f.endsWith('.prompt')).sort();

test('there are grammar fixtures, and every snapshot has a fixture', () => {
  assert.ok(fixtures.length >= 4, fixtures.join(', '));
  if (!existsSync(snapshotsDir)) return;
  for (const snap of readdirSync(snapshotsDir).filter((f) => f.endsWith('.snap'))) {
    assert.ok(fixtures.includes(snap.replace(/\.snap$/, '.prompt')), `${snap} has no fixture; delete it`);
  }
});

for (const fixture of fixtures) {
  test(`snapshot: ${fixture}`, async () => {
    const text = readFileSync(path.join(fixturesDir, fixture), 'utf8');
    const lines = splitLines(text);
    const actual = render(lines, await tokenize(text, lines));
    const snapFile = path.join(snapshotsDir, fixture.replace(/\.prompt$/, '.snap'));
    expectGolden(snapFile, actual, { update: process.env.UPDATE_SNAPSHOTS === '1', command: SNAPSHOT_COMMAND, root, what: `${fixture} tokenises differently from` });
  });
}

test('the CRLF fixture really has CRLF line endings', () => {
  const bytes = readFileSync(path.join(fixturesDir, 'crlf.prompt'), 'utf8');
  assert.ok(bytes.includes('\r\n'));
  assert.ok(!/[^\r]\n/.test(bytes));
});

// ---------------------------------------------------------------------------------------------------
// Explicit scopes

const SAMPLE = [
  '---', //                                            0
  'model: openai/gpt-4o',
  'config:',
  '  temperature: 0.3',
  '---',
  '{{role "system"}}', //                               5
  '{{#each items as |item|}}{{@index}} {{item}}{{/each}}',
  '{{! note }}',
  '{{> footer}}',
  '\\{{literal}}',
  '{{#if ok}}a{{else}}b{{/if}} {{lookup map key}}', //  10
  '{{json data indent=2}} {{{raw}}} {{this}} {{../up}}',
  '{{#*inline "sig"}}x{{/inline}}',
].join('\n');

test('frontmatter: content is embedded YAML, delimiters are punctuation, the body is outside', async () => {
  const t = await tokensOf(SAMPLE);
  assertScope(tokenAt(t, 3, 'temperature'), FRONTMATTER);
  assertScope(tokenAt(t, 3, 'temperature'), 'entity.name.tag.yaml');
  assertScope(tokenAt(t, 0, '---'), 'punctuation.definition.frontmatter.dotprompt');
  assertScope(tokenAt(t, 4, '---'), 'punctuation.definition.frontmatter.dotprompt');
  assertNoScope(tokenAt(t, 4, '---'), FRONTMATTER);
  for (const line of t.slice(5)) for (const tok of line) assertNoScope(tok, FRONTMATTER);
});

test('role: the tag is meta.role.dotprompt and the role name is a section', async () => {
  const t = await tokensOf(SAMPLE);
  const system = tokenAt(t, 5, 'system');
  assertScope(system, 'entity.name.section.role.dotprompt');
  assertScope(system, 'string.quoted.double.handlebars');
  for (const tok of t[5]) assertScope(tok, 'meta.role.dotprompt');
  assertScope(tokenAt(t, 5, 'role'), 'support.function.builtin.dotprompt');
});

test('each: keyword, block params, @index, punctuation', async () => {
  const t = await tokensOf(SAMPLE);
  assertScope(tokenAt(t, 6, 'each'), 'keyword.control');
  assertScope(tokenAt(t, 6, 'item'), 'variable.parameter');
  assertScope(tokenAt(t, 6, '@index'), 'variable.language');
  assertScope(tokenAt(t, 6, 'item', 1), 'variable.other.handlebars');
  assertScope(tokenAt(t, 6, '#'), 'punctuation.definition.block.begin.handlebars');
  assertScope(tokenAt(t, 6, '/'), 'punctuation.definition.block.end.handlebars');
  assertScope(tokenAt(t, 6, '{{'), 'punctuation.definition.tag.begin.handlebars');
  assertScope(tokenAt(t, 6, '}}'), 'punctuation.definition.tag.end.handlebars');
});

test('comments, partials, escapes', async () => {
  const t = await tokensOf(SAMPLE);
  for (const tok of t[7]) assertScope(tok, 'comment.block.handlebars');
  assertScope(tokenAt(t, 8, 'footer'), 'entity.name.partial.handlebars');
  const escaped = t[9];
  assertScope(tokenAt(t, 9, '\\{{'), 'constant.character.escape.handlebars');
  for (const tok of escaped) {
    assertNoScope(tok, 'meta.tag');
    assertNoScope(tok, 'variable.other.handlebars');
    assertNoScope(tok, 'punctuation.definition.tag.begin.handlebars');
  }
});

test('else, built-in helpers, hash arguments, triple-stash, this and ../', async () => {
  const t = await tokensOf(SAMPLE);
  assertScope(tokenAt(t, 10, 'if'), 'keyword.control.handlebars');
  assertScope(tokenAt(t, 10, 'else'), 'keyword.control.else.handlebars');
  assertScope(tokenAt(t, 10, 'lookup'), 'keyword.control.handlebars');
  assertScope(tokenAt(t, 11, 'json'), 'support.function.builtin.dotprompt');
  assertScope(tokenAt(t, 11, 'indent'), 'entity.other.attribute-name.handlebars');
  assertScope(tokenAt(t, 11, '='), 'punctuation.separator.key-value.handlebars');
  assertScope(tokenAt(t, 11, '2'), 'constant.numeric.handlebars');
  assertScope(tokenAt(t, 11, 'raw'), 'meta.tag.expression.unescaped.handlebars');
  assertScope(tokenAt(t, 11, 'this'), 'variable.language.this.handlebars');
  assertScope(tokenAt(t, 11, '..'), 'variable.language.parent.handlebars');
  assertScope(tokenAt(t, 11, 'up'), 'variable.other.handlebars');
  assertScope(tokenAt(t, 12, 'sig'), 'entity.name.partial.handlebars');
});

test('helper heads: a function when arguments follow, a variable otherwise', async () => {
  const t = await tokensOf('{{upper name}} {{name}} {{#custom x}}{{/custom}} {{user.address.city}}');
  assertScope(tokenAt(t, 0, 'upper'), 'entity.name.function.handlebars');
  assertScope(tokenAt(t, 0, 'name', 0), 'variable.other.handlebars');
  assertScope(tokenAt(t, 0, 'name', 1), 'variable.other.handlebars');
  assertScope(tokenAt(t, 0, 'custom', 0), 'entity.name.function.handlebars');
  assertScope(tokenAt(t, 0, 'custom', 1), 'entity.name.function.handlebars');
  assertScope(tokenAt(t, 0, 'city'), 'variable.other.handlebars');
  assertScope(tokenAt(t, 0, '.'), 'punctuation.separator.path.handlebars');
});

test('whitespace control, subexpressions and literals', async () => {
  const t = await tokensOf('{{~#if (eq a "x" 1 true null)~}}y{{~/if~}}');
  assertScope(tokenAt(t, 0, '~'), 'keyword.operator.whitespace-control.handlebars');
  assertScope(tokenAt(t, 0, 'eq'), 'entity.name.function.handlebars');
  assertScope(tokenAt(t, 0, 'eq'), 'meta.expression.subexpression.handlebars');
  assertScope(tokenAt(t, 0, '('), 'punctuation.section.parens.begin.handlebars');
  assertScope(tokenAt(t, 0, 'x'), 'string.quoted.double.handlebars');
  assertScope(tokenAt(t, 0, '1'), 'constant.numeric.handlebars');
  assertScope(tokenAt(t, 0, 'true'), 'constant.language.boolean.handlebars');
  assertScope(tokenAt(t, 0, 'null'), 'constant.language.null.handlebars');
  assertNoScope(tokenAt(t, 0, 'y'), 'meta.tag');
});

test('--- after a line of text does not start frontmatter', async () => {
  const t = await tokensOf('x\n---\nmodel: x\n---\n{{a}}');
  for (const line of t) for (const tok of line) assertNoScope(tok, FRONTMATTER);
  assertScope(tokenAt(t, 4, 'a'), 'variable.other.handlebars');
});

test('comment and blank lines before --- (as Dotprompt reads them): comments, then the frontmatter, then the template', async () => {
  const t = await tokensOf('# Copyright 2025\n#\n\n---\nmodel: x\n---\n{{a}}\n---\n# Title {{b}}');
  assertScope(tokenAt(t, 0, '# Copyright 2025'), 'comment.line.number-sign.preamble.dotprompt');
  assertScope(tokenAt(t, 1, '#'), 'comment.line.number-sign.preamble.dotprompt');
  assertScope(tokenAt(t, 3, '---'), 'punctuation.definition.frontmatter.dotprompt');
  assertScope(tokenAt(t, 4, 'model'), FRONTMATTER);
  assertScope(tokenAt(t, 5, '---'), 'punctuation.definition.frontmatter.dotprompt');
  assertNoScope(tokenAt(t, 6, 'a'), FRONTMATTER);
  assertScope(tokenAt(t, 6, 'a'), 'variable.other.handlebars');
  // After the frontmatter, a --- line and a # line are template text.
  for (const tok of t[7]) assertNoScope(tok, 'punctuation.definition.frontmatter.dotprompt');
  assertNoScope(tokenAt(t, 8, '# Title '), 'comment.line');
  assertScope(tokenAt(t, 8, 'b'), 'variable.other.handlebars');
});

test('a blank first line and no frontmatter: the template as usual', async () => {
  const t = await tokensOf('\n  \nHello {{name}}\n---\nmodel: x');
  assertScope(tokenAt(t, 2, 'name'), 'variable.other.handlebars');
  for (const line of t) for (const tok of line) assertNoScope(tok, FRONTMATTER);
});

test('blank lines then --- start frontmatter that is never closed: YAML to the end', async () => {
  const t = await tokensOf('\n---\nmodel: x\n{{a}}');
  assertScope(tokenAt(t, 2, 'model'), FRONTMATTER);
  for (const tok of t[3]) assertScope(tok, FRONTMATTER);
});

test('a byte order mark before the opening --- still starts frontmatter', async () => {
  const t = await tokensOf('\uFEFF---\nmodel: x\n---\n{{a}}');
  assertScope(tokenAt(t, 1, 'model'), FRONTMATTER);
  assertNoScope(tokenAt(t, 3, 'a'), FRONTMATTER);
});

test('triple-stash with whitespace control, and a partial block with a dynamic name', async () => {
  const t = await tokensOf('{{~{ html }~}} {{#> (pick) }}x{{/pick}}');
  assertScope(tokenAt(t, 0, 'html'), 'meta.tag.expression.unescaped.handlebars');
  assertScope(tokenAt(t, 0, '~', 1), 'keyword.operator.whitespace-control.handlebars');
  assertScope(tokenAt(t, 0, 'pick'), 'meta.expression.subexpression.handlebars');
  assertNoScope(tokenAt(t, 0, 'x'), 'meta.tag');
});

test('frontmatter that is never closed stays YAML to the end (as the language server reads it)', async () => {
  const t = await tokensOf('---\nmodel: x\n{{role "user"}}\nHi');
  assertScope(tokenAt(t, 1, 'model'), FRONTMATTER);
  for (const tok of t[2]) assertScope(tok, FRONTMATTER);
  for (const tok of t[2]) assertNoScope(tok, 'meta.role.dotprompt');
});

test('an unterminated YAML string does not run past the closing ---', async () => {
  const t = await tokensOf('---\ndescription: "oops\nmodel: x\n---\n{{name}}');
  assertScope(tokenAt(t, 2, 'model: x'), 'string.quoted.double.yaml');
  assertNoScope(tokenAt(t, 3, '---'), FRONTMATTER);
  assertScope(tokenAt(t, 3, '---'), 'punctuation.definition.frontmatter.dotprompt');
  assertScope(tokenAt(t, 4, 'name'), 'variable.other.handlebars');
  assertNoScope(tokenAt(t, 4, 'name'), FRONTMATTER);
});

test('an unclosed tag ends at the next {{ instead of swallowing the file', async () => {
  const t = await tokensOf('{{broken\nplain text {{ok}}\n{{#if x}}{{/if}}');
  assertScope(tokenAt(t, 1, 'ok'), 'variable.other.handlebars');
  assertScope(tokenAt(t, 1, '{{'), 'punctuation.definition.tag.begin.handlebars');
  assertScope(tokenAt(t, 2, 'if'), 'keyword.control.handlebars');
});

test('lines that still carry \\r (hosts that split on \\n only) tokenise the same way', async () => {
  const text = readFileSync(path.join(fixturesDir, 'crlf.prompt'), 'utf8');
  const t = await tokenize(text, text.split('\n'));
  assertScope(tokenAt(t, 3, 'temperature'), FRONTMATTER);
  assertScope(t[4][0], 'punctuation.definition.frontmatter.dotprompt');
  assertScope(tokenAt(t, 5, 'user'), 'entity.name.section.role.dotprompt');
  assertNoScope(tokenAt(t, 5, 'user'), FRONTMATTER);
});

test('raw blocks keep their content as text', async () => {
  const t = await tokensOf('{{{{raw}}}} {{not}} {{{{/raw}}}} {{yes}}');
  assertScope(tokenAt(t, 0, ' {{not}} '), 'markup.raw.block.handlebars');
  assertScope(tokenAt(t, 0, 'yes'), 'variable.other.handlebars');
});

// ---------------------------------------------------------------------------------------------------
// Static checks of the grammar and the language configuration

test('every #include in the grammar names a repository rule', () => {
  const raw = JSON.parse(readFileSync(grammarFiles[ROOT_SCOPE], 'utf8')) as { scopeName: string; repository: Record<string, unknown> };
  assert.equal(raw.scopeName, ROOT_SCOPE);
  const includes = [...JSON.stringify(raw).matchAll(/"include":"#([^"]+)"/g)].map((m) => m[1]);
  assert.ok(includes.length > 10);
  for (const name of includes) assert.ok(name in raw.repository, `#${name}`);
});

interface LanguageConfiguration {
  comments: { lineComment?: string; blockComment: [string, string] };
  brackets: [string, string][];
  autoClosingPairs: { open: string; close: string; notIn?: string[] }[];
  surroundingPairs: [string, string][];
  folding: { markers: { start: string; end: string } };
  wordPattern: string | { pattern: string; flags?: string };
  indentationRules: { increaseIndentPattern: string; decreaseIndentPattern: string };
}

test('language configuration: comments, pairs, folding, words and indentation', () => {
  const config = JSON.parse(readFileSync(path.join(root, 'language-configuration.json'), 'utf8')) as LanguageConfiguration;
  assert.deepEqual(config.comments.blockComment, ['{{!', '}}']);
  assert.equal(config.comments.lineComment, undefined);
  assert.ok(config.brackets.some(([o, c]) => o === '{{' && c === '}}'));
  assert.ok(config.autoClosingPairs.some((p) => p.open === '{' && p.close === '}'));
  assert.ok(!config.autoClosingPairs.some((p) => p.open === '{{'), 'a {{ pair would produce {{}}}}');
  assert.ok(config.surroundingPairs.length > 0);

  const start = new RegExp(config.folding.markers.start);
  const end = new RegExp(config.folding.markers.end);
  assert.ok(start.test('{{#each items}}'));
  assert.ok(start.test('  {{~#if x~}}'));
  assert.ok(!start.test('{{#if x}}yes{{/if}}'));
  assert.ok(end.test('{{/each}}'));
  assert.ok(end.test('  {{~/if}}'));
  assert.ok(!end.test('{{name}}'));

  const word = typeof config.wordPattern === 'string' ? new RegExp(config.wordPattern, 'g') : new RegExp(config.wordPattern.pattern, (config.wordPattern.flags ?? '') + 'g');
  const words = (s: string) => s.match(word) ?? [];
  assert.deepEqual(words('{{user.address.city}}'), ['user.address.city']);
  assert.deepEqual(words('{{@index}}'), ['@index']);
  assert.deepEqual(words('{{lookup ../labels key=2}}'), ['lookup', 'labels', 'key', '2']);

  const increase = new RegExp(config.indentationRules.increaseIndentPattern);
  const decrease = new RegExp(config.indentationRules.decreaseIndentPattern);
  assert.ok(increase.test('{{#if x}}'));
  assert.ok(increase.test('  {{#each items as |item|}}'));
  assert.ok(increase.test('{{else}}'));
  assert.ok(!increase.test('{{#if x}}a{{/if}}'));
  assert.ok(!increase.test('{{name}}'));
  assert.ok(decrease.test('  {{/if}}'));
  assert.ok(decrease.test('{{else}}'));
  assert.ok(decrease.test('{{~else if y~}}'));
  assert.ok(decrease.test('{{^}}'));
  assert.ok(!decrease.test('{{name}}'));
});
