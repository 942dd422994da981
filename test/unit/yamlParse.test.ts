// The engine's YAML parse (server/src/service/yamlParse.ts: `yaml` 3's CST parser, `yaml` 2's
// composer) gives the very documents `yaml` 2's own `parseDocument` gives: every node's class,
// range, value, style, tag, anchor and comments, every pair, every error and warning with its code,
// place and message. Compared on every YAML text of the repository (whole files and their
// frontmatters) and on 2,000 seeded mutants of them. On broken YAML the two may differ where 2's
// parser gives up with an internal error (`IMPOSSIBLE`, such as "Map comment with trailing
// content"), which 3's parser does not give: there both still report the text as broken.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { Alias, isAlias, isDocument, isMap, isPair, isScalar, isSeq, parseDocument, type Document } from 'yaml';
import { parseYamlDocument, type YamlParseOptions } from '../../server/src/service/yamlParse';
import { deeperThan, MAX_YAML_DEPTH } from '../../server/src/service/formats/frontmatter';
import { makeMutant, type Seed } from '../support/fuzz';

const ROOT = path.resolve(__dirname, '..', '..');
const YAML_FILE = /\.(prompt|prompty|ya?ml|md|mdc)$/i;

function walk(dir: string, out: string[]): void {
  for (const name of readdirSync(dir)) {
    if (name === 'node_modules' || name.startsWith('.')) continue;
    const p = path.join(dir, name);
    if (statSync(p).isDirectory()) walk(p, out);
    else if (YAML_FILE.test(name)) out.push(p);
  }
}

/** The YAML texts: each file whole, and the part between its `---` lines when it has a frontmatter. */
function sources(): Seed[] {
  const files: string[] = [];
  for (const dir of ['examples', 'test', 'schemas', 'docs']) walk(path.join(ROOT, dir), files);
  const out: Seed[] = [];
  for (const f of files.sort()) {
    const file = path.relative(ROOT, f).split(path.sep).join('/');
    const text = readFileSync(f, 'utf8');
    if (text.length > 200_000) continue;
    out.push({ file, text, kind: 'prompt' });
    const fm = /^(?:#[^\n]*\n|\s*\n)*---\r?\n([\s\S]*?)^---\s*$/m.exec(text);
    if (fm) out.push({ file: `${file} (frontmatter)`, text: fm[1], kind: 'prompt' });
  }
  return out;
}

/** Everything a reader of a `yaml` 2 document can see, as plain data. */
function dump(doc: Document.Parsed): unknown {
  const seen = new Set<unknown>();
  const node = (n: unknown, depth: number): unknown => {
    if (n === null || n === undefined || typeof n !== 'object') return n;
    if (depth > 400) return 'deep';
    if (seen.has(n)) return 'seen';
    seen.add(n);
    const common = (x: Record<string, unknown>) => ({
      range: x.range,
      tag: x.tag,
      anchor: x.anchor,
      comment: x.comment,
      commentBefore: x.commentBefore,
      spaceBefore: x.spaceBefore,
    });
    if (isScalar(n)) return { scalar: n.value instanceof Uint8Array ? [...n.value] : n.value, type: n.type, source: n.source, format: n.format, ...common(n as never) };
    if (isAlias(n)) return { alias: (n as Alias).source, ...common(n as never) };
    if (isMap(n)) return { map: n.items.map((p) => node(p, depth + 1)), flow: n.flow, ...common(n as never) };
    if (isSeq(n)) return { seq: n.items.map((i) => node(i, depth + 1)), flow: n.flow, ...common(n as never) };
    if (isPair(n)) return { key: node(n.key, depth + 1), value: node(n.value, depth + 1) };
    return { other: String(n) };
  };
  assert.ok(isDocument(doc));
  const problem = (e: { code: string; pos: [number, number]; message: string; linePos?: unknown }) => ({ code: e.code, pos: e.pos, message: e.message, linePos: e.linePos });
  return {
    contents: node(doc.contents, 0),
    range: doc.range,
    comment: doc.comment,
    commentBefore: doc.commentBefore,
    directives: { docStart: doc.directives?.docStart, docEnd: doc.directives?.docEnd, yaml: doc.directives?.yaml, tags: doc.directives?.tags },
    errors: doc.errors.map(problem),
    warnings: doc.warnings.map(problem),
  };
}

function outcome(parse: () => Document.Parsed): unknown {
  try {
    return dump(parse());
  } catch (e) {
    return { threw: e instanceof Error ? `${e.name}: ${e.message}` : String(e) };
  }
}

const OPTIONS: YamlParseOptions[] = [
  // The prompt formats' options (server/src/service/formats/frontmatter.ts), and its second try.
  { prettyErrors: false, uniqueKeys: true, keepSourceTokens: false, logLevel: 'error' },
  { prettyErrors: false, uniqueKeys: false, keepSourceTokens: false, logLevel: 'error' },
];

function assertSame(source: string, where: string, options: YamlParseOptions[] = OPTIONS): void {
  for (const o of options) {
    const expected = outcome(() => parseDocument(source, o) as Document.Parsed);
    const actual = outcome(() => parseYamlDocument(source, o));
    assert.deepEqual(actual, expected, `${where} (uniqueKeys ${o.uniqueKeys}): differs from yaml 2's parseDocument`);
  }
}

test('the YAML parse equals yaml 2 parseDocument on every YAML text of the repository', () => {
  const all = sources();
  assert.ok(all.length > 300, `${all.length} texts`);
  for (const s of all) assertSame(s.text, s.file);
});

test('the YAML parse equals yaml 2 parseDocument on 2,000 seeded mutants; on broken ones both report errors', () => {
  const all = sources();
  let broken = 0;
  const differing: string[] = [];
  for (let i = 0; i < 2000; i++) {
    const m = makeMutant(all, 20261207, i);
    const text = m.text.length > 100_000 ? m.text.slice(0, 100_000) : m.text;
    // The formats never hand YAML nested this deep to the parser (`deeperThan`, frontmatter.ts).
    if (deeperThan(text, MAX_YAML_DEPTH)) continue;
    const where = `mutant ${i} of ${m.seed.file}: ${m.ops.join('; ')}`;
    const before = parseDocument(text, OPTIONS[0]);
    if (!before.errors.length) {
      assertSame(text, where, [OPTIONS[0]]);
      continue;
    }
    broken++;
    const expected = outcome(() => before as Document.Parsed);
    const actual = outcome(() => parseYamlDocument(text, OPTIONS[0]));
    if (JSON.stringify(actual) === JSON.stringify(expected)) continue;
    differing.push(where);
    const after = parseYamlDocument(text, OPTIONS[0]);
    assert.ok(after.errors.length > 0, `${where}: yaml 2 reports errors, the parse none`);
    assert.ok(!after.errors.some((e) => e.code === 'IMPOSSIBLE'), `${where}: an internal error yaml 2 does not give`);
  }
  // The comparison covers broken YAML, not only documents that parse; and broken ones differ rarely.
  assert.ok(broken > 200, `${broken} of 2,000 mutants have YAML errors`);
  assert.ok(differing.length <= broken * 0.03, `${differing.length} of ${broken} broken mutants differ:\n${differing.slice(0, 5).join('\n')}`);
});

test('a carriage return outside a CRLF: the parse is yaml 2\'s (3.0.0-2 loops on `# a\\r`)', { timeout: 20_000 }, () => {
  for (const text of ['# a\rb: 1\n', 'a: 1 # note\r', 'a: 1\rb: 2\r\nc: 3\n']) assertSame(text, JSON.stringify(text));
  // 2 reads the lone carriage return as part of the comment: nothing is left.
  assert.equal(parseYamlDocument('# a\rb: 1\n', OPTIONS[0]).contents, null);
});

test('the YAML parse: one document, and a second one is an error, as in yaml 2', () => {
  const doc = parseYamlDocument('a: 1\n---\nb: 2\n', OPTIONS[0]);
  assert.deepEqual(doc.toJS(), { a: 1 });
  assert.deepEqual(
    doc.errors.map((e) => e.code),
    ['MULTIPLE_DOCS'],
  );
  assert.deepEqual(parseYamlDocument('', OPTIONS[0]).contents, null);
});
