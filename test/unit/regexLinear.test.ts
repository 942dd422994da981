// Every regular expression of the engine, found in the sources by the TypeScript parser (not a
// hand-kept list), run on adversarial text at two sizes: none may grow faster than the text.
// A linear pattern takes about a millisecond on 16,000 characters; a backtracking one tens or more.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import ts from 'typescript';

const ENGINE = path.resolve(__dirname, '..', '..', 'server', 'src', 'service');

interface Found {
  where: string;
  re: RegExp;
}

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? sources(path.join(dir, e.name)) : e.name.endsWith('.ts') ? [path.join(dir, e.name)] : []));
}

/** Regex literals, and `new RegExp` / `RegExp` calls whose pattern is a literal string. */
function findRegexes(): { found: Found[]; dynamic: string[] } {
  const found: Found[] = [];
  const dynamic: string[] = [];
  for (const file of sources(ENGINE)) {
    const text = readFileSync(file, 'utf8');
    const sf = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
    const where = (n: ts.Node) => `${path.relative(ENGINE, file)}:${sf.getLineAndCharacterOfPosition(n.getStart()).line + 1}`;
    const visit = (n: ts.Node): void => {
      if (ts.isRegularExpressionLiteral(n)) {
        const m = /^\/(.*)\/([a-z]*)$/s.exec(n.text)!;
        found.push({ where: where(n), re: new RegExp(m[1], m[2].replace(/[gy]/g, '')) });
      } else if ((ts.isNewExpression(n) || ts.isCallExpression(n)) && ts.isIdentifier(n.expression) && n.expression.text === 'RegExp' && n.arguments?.length) {
        const [pattern, flags] = n.arguments;
        const literal = (e: ts.Expression | undefined) => (e && (ts.isStringLiteral(e) || ts.isNoSubstitutionTemplateLiteral(e)) ? e.text : undefined);
        const p = literal(pattern);
        if (p === undefined) dynamic.push(where(n));
        else found.push({ where: where(n), re: new RegExp(p, (literal(flags) ?? '').replace(/[gy]/g, '')) });
      }
      ts.forEachChild(n, visit);
    };
    visit(sf);
  }
  return { found, dynamic };
}

/** Runs of what patterns repeat, each ending in a character that spoils a match at the last moment. */
const UNITS = [',', '.', ' ', '"', 'a', '\n', '{', '}', '-', '#', '*', '<', '."', 'a,', '{{a', '../'];

function time(re: RegExp, input: string): number {
  const g = new RegExp(re.source, `${re.flags}g`);
  const t = performance.now();
  for (let m = g.exec(input); m; m = g.exec(input)) if (m[0] === '') g.lastIndex++;
  return performance.now() - t;
}

test('every regular expression of the engine runs in linear time on adversarial text', () => {
  const { found, dynamic } = findRegexes();
  assert.ok(found.length >= 100, `only ${found.length} regular expressions found: the search is broken`);
  const slow: string[] = [];
  for (const { where, re } of found) {
    for (const unit of UNITS) {
      // A probe first: a pattern that is cubic or worse would not finish at the larger sizes.
      const probe = time(re, unit.repeat(Math.ceil(1_000 / unit.length)) + '\u0000');
      if (probe > 100) {
        slow.push(`${where} /${re.source}/ on ${JSON.stringify(unit)} x 1,000: ${probe.toFixed(0)} ms`);
        continue;
      }
      const small = unit.repeat(Math.ceil(8_000 / unit.length)) + '\u0000';
      const large = unit.repeat(Math.ceil(16_000 / unit.length)) + '\u0000';
      // Quadratic growth shows as a 4x step and tens of milliseconds at 16,000 characters, where a
      // linear pattern takes about one; a suspect is timed again, so a pause of a loaded machine is
      // not taken for it.
      if (time(re, large) < 15) continue;
      const t1 = Math.min(time(re, small), time(re, small));
      const t2 = Math.min(time(re, large), time(re, large));
      if (t2 > 15 && t2 > 3 * t1) slow.push(`${where} /${re.source}/ on ${JSON.stringify(unit)} x 16,000: ${t2.toFixed(0)} ms (${t1.toFixed(0)} ms at half the size)`);
    }
  }
  assert.deepEqual(slow, []);
  // Patterns built at run time cannot be checked here: keep them few and say where they are.
  assert.ok(dynamic.length <= 12, `regular expressions built from variables: ${dynamic.join(', ')}`);
});
