// Presets (recommended, strict): how they combine with the project config and the settings, how
// they are chosen (config `preset:`, setting, CLI `--preset`), that each rule's page and the rules
// index state each preset's level, and the noise figure: under `recommended`, at most one warning
// per five clean prompts of the corpus (scripts/noise.ts prints the table of docs/benchmarks.md).
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { lint } from '../../server/src/service';
import { lintSettingsContributions } from '../../scripts/lint-settings';
import { measureNoise, NOISE_BOUND } from '../../scripts/noise';
import { runCli } from '../support/cli';
import { EXAMPLES, lintCorpus } from '../support/lintFixtures';

const root = path.resolve(__dirname, '..', '..');

test('recommended is the default; strict turns every rule on, none below warning', () => {
  const rec = lint.resolveLintConfig(lint.RULES);
  const strict = lint.resolveLintConfig(lint.RULES, undefined, { preset: 'strict' });
  assert.equal(rec.preset, 'recommended');
  assert.equal(strict.preset, 'strict');
  assert.equal(rec.levels['missing-max-tokens'], 'off');
  assert.equal(rec.levels['untrusted-input-undelimited'], 'info');
  assert.equal(rec.levels['secret-in-prompt'], 'error');
  for (const r of lint.RULES) {
    assert.equal(rec.levels[r.id], r.defaultLevel, `${r.id}: recommended is the rule's default level`);
    assert.ok(strict.levels[r.id] === 'warning' || strict.levels[r.id] === 'error', `${r.id} in strict: ${strict.levels[r.id]}`);
    if (r.defaultLevel === 'error') assert.equal(strict.levels[r.id], 'error');
  }
});

test('precedence: preset < the config file\'s rules < the editor setting; the setting or --preset picks the preset over the file\'s', () => {
  const file = lint.parseLintConfig('preset: strict\nrules:\n  vague-language: off\n', lint.RULES).config;
  assert.equal(file.preset, 'strict');
  const fromFile = lint.resolveLintConfig(lint.RULES, file);
  assert.equal(fromFile.preset, 'strict');
  assert.equal(fromFile.levels['missing-max-tokens'], 'warning', 'from the file\'s preset');
  assert.equal(fromFile.levels['vague-language'], 'off', 'the file\'s rules apply on top of its preset');
  const setting = lint.resolveLintConfig(lint.RULES, file, { preset: 'recommended' });
  assert.equal(setting.levels['missing-max-tokens'], 'off', 'the setting\'s preset wins over the file\'s');
  assert.equal(setting.levels['vague-language'], 'off', 'the file\'s rules still apply');
  assert.equal(lint.resolveLintConfig(lint.RULES, file, { preset: 'default' }).preset, 'strict', '`default` defers to the file');
  assert.equal(lint.resolveLintConfig(lint.RULES, file, { preset: 'loud' }).preset, 'strict', 'an invalid setting is ignored');
  assert.equal(lint.resolveLintConfig(lint.RULES, file, { 'missing-max-tokens': 'error' }).levels['missing-max-tokens'], 'error', 'a rule setting wins over the preset');
});

test('the config file: `preset:` is validated, with the problem on its value', () => {
  const text = 'preset: strcit\nrules:\n  vague-language: off\n';
  const parsed = lint.parseLintConfig(text, lint.RULES);
  assert.equal(parsed.problems.length, 1);
  const p = parsed.problems[0];
  assert.equal(text.slice(p.span.start, p.span.end), 'strcit');
  assert.equal(p.message, '`preset`: expected one of recommended, strict; got "strcit". Did you mean "strict"?');
  assert.equal(parsed.config.preset, undefined);
  assert.deepEqual(parsed.config.rules['vague-language'], { level: 'off' }, 'the valid entries still apply');
  assert.match(lint.parseLintConfig('preset: [strict]\n', lint.RULES).problems[0].message, /^`preset`: expected one of recommended, strict; got \["strict"\]\./);
});

test('the setting promptWorkbench.lint.preset is in package.json, as scripts/lint-settings.ts writes it', () => {
  const props = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')).contributes.configuration.properties;
  const key = 'promptWorkbench.lint.preset';
  assert.deepEqual(props[key], lintSettingsContributions()[key], 'run node --import tsx scripts/lint-settings.ts');
  const setting = props[key] as { enum: string[]; default: string };
  assert.deepEqual(setting.enum, ['default', 'recommended', 'strict']);
  assert.equal(setting.default, 'default');
});

test('each rule\'s page and the rules index state its level in each preset', () => {
  const index = readFileSync(path.join(root, 'docs', 'rules', 'README.md'), 'utf8');
  for (const r of lint.RULES) {
    const rec = lint.presetLevel(r, 'recommended');
    const strict = lint.presetLevel(r, 'strict');
    const page = readFileSync(path.join(root, lint.docsPath(r.id)), 'utf8');
    assert.match(page, new RegExp(`^Presets: \`recommended\` \\*\\*${rec}\\*\\* · \`strict\` \\*\\*${strict}\\*\\* · `, 'm'), `${r.id}: the line under the title`);
    const section = page.slice(page.indexOf('## Presets'), page.indexOf('## Configure it'));
    assert.ok(page.indexOf('## Presets') > 0 && section.length > 0, `${r.id}: a Presets section before Configure it`);
    assert.ok(section.includes(`| \`recommended\` (the default) | ${rec} |`), `${r.id}: recommended in the Presets table`);
    assert.ok(section.includes(`| \`strict\` | ${strict} |`), `${r.id}: strict in the Presets table`);
    assert.ok(section.split('\n').some((l) => l.length > 60 && !l.startsWith('|')), `${r.id}: the Presets section says why`);
    assert.ok(index.includes(`| [\`${r.id}\`](${r.id}.md) | ${rec} | ${strict} |`), `${r.id}: its row in docs/rules/README.md`);
  }
});

test('noise: under recommended, at most one warning per five clean prompts (and 0.1\'s levels were over)', async () => {
  const r = await measureNoise();
  assert.ok(r.files >= 70, `${r.files} clean prompts`);
  const col = (name: string) => r.columns.find((c) => c.name === name)!;
  const rec = col('recommended');
  assert.ok(rec.warnings / r.files <= NOISE_BOUND, `recommended: ${rec.warnings} warnings in ${r.files} prompts: ${rec.warned.map((w) => `${w.file} (${w.codes})`).join('; ')}`);
  assert.equal(rec.errors, 0);
  assert.ok(col('0.1 levels').warnings / r.files > NOISE_BOUND, 'the measurement tells the levels apart');
  assert.ok(col('strict').warnings >= rec.warnings);
});

test('examples/summarize.prompt, which the README calls clean, gets no warning under recommended', async () => {
  const files = ['summarize.prompt', '_footer.prompt'].map((n) => path.join(EXAMPLES, n));
  const [summarize] = await lintCorpus(lint.resolveLintConfig(lint.RULES), files);
  assert.deepEqual(summarize.diagnostics.filter((d) => d.severity === 'warning' || d.severity === 'error').map((d) => d.code), []);
});

test('prompt-workbench lint --preset: strict reports the rules recommended leaves off; an unknown preset exits with 2', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'pw-preset-'));
  mkdirSync(path.join(dir, '.git'));
  writeFileSync(path.join(dir, 'joke.prompt'), '---\nmodel: openai/gpt-4o\ninput:\n  schema:\n    subject: string\n---\nTell me a joke about {{subject}}.\n');
  const codes = async (args: string[]) => {
    const r = await runCli(['lint', '.', '--format', 'json', ...args], dir);
    return (JSON.parse(r.stdout) as { diagnostics: { code: string; severity: string; line: number; column: number }[] }[])[0].diagnostics.map((d) => `${d.line}:${d.column} ${d.severity} ${d.code}`);
  };
  assert.deepEqual(await codes([]), ['7:22 info untrusted-input-undelimited']);
  assert.deepEqual(await codes(['--preset', 'strict']), ['2:8 warning missing-max-tokens', '2:8 warning missing-metadata', '7:22 warning untrusted-input-undelimited']);
  writeFileSync(path.join(dir, 'prompt-workbench.yaml'), 'preset: strict\n');
  assert.deepEqual(await codes([]), ['2:8 warning missing-max-tokens', '2:8 warning missing-metadata', '7:22 warning untrusted-input-undelimited'], 'the project config\'s preset');
  assert.deepEqual(await codes(['--preset', 'recommended']), ['7:22 info untrusted-input-undelimited'], '--preset overrides it');
  const bad = await runCli(['lint', '.', '--preset', 'loud'], dir);
  assert.equal(bad.code, 2);
  assert.equal(bad.stderr, 'prompt-workbench: Unknown preset "loud". Use --preset recommended or strict.\n');
});
