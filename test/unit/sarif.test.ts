// `prompt-workbench lint --format sarif` is valid SARIF 2.1.0: checked against the official JSON
// Schema (sarif-2.1.0-rtm.5, shipped by @microsoft/jest-sarif) with Ajv for draft-04 schemas.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import Ajv from 'ajv-draft-04';
import addFormats from 'ajv-formats';
import { runCli } from '../support/cli';

const root = path.resolve(__dirname, '..', '..');
const schema = JSON.parse(readFileSync(require.resolve('@microsoft/jest-sarif/lib/schemas/sarif-2.1.0-rtm.5.json'), 'utf8'));

function validator() {
  // The schema's language-tag pattern is not valid with the `u` flag; JSON Schema patterns are ECMA 262 without it.
  const ajv = new Ajv({ allErrors: true, strict: false, unicodeRegExp: false });
  addFormats(ajv);
  const check = ajv.compile(schema);
  const validate = (log: unknown): boolean => check(log);
  return Object.assign(validate, { get errors() { return check.errors; } });
}

const run = (args: string[], cwd: string, env?: Record<string, string>) => runCli(args, cwd, env);

test('lint examples --format sarif is valid SARIF 2.1.0 with rule metadata and relative locations', async () => {
  const r = await run(['lint', 'examples', '--format', 'sarif'], root);
  assert.equal(r.code, 1, 'needs-fixing.prompt has errors');
  const log = JSON.parse(r.stdout) as any;
  const validate = validator();
  assert.ok(validate(log), JSON.stringify(validate.errors?.slice(0, 5), null, 2));
  const run0 = log.runs[0];
  assert.equal(log.version, '2.1.0');
  assert.equal(run0.tool.driver.name, 'prompt-workbench');
  const rule = run0.tool.driver.rules.find((x: { id: string }) => x.id === 'untrusted-input-undelimited');
  assert.match(rule.helpUri, /^file:\/\/.*\/docs\/rules\/untrusted-input-undelimited\.md$/);
  assert.match(rule.help.markdown, /^# `untrusted-input-undelimited`/);
  assert.equal(rule.defaultConfiguration.level, 'note', 'info in the recommended preset');
  assert.equal(run0.tool.driver.rules.find((x: { id: string }) => x.id === 'variable-in-system-role').defaultConfiguration.level, 'warning');
  assert.equal(run0.tool.driver.rules.find((x: { id: string }) => x.id === 'missing-metadata').defaultConfiguration.enabled, false);
  assert.equal(run0.tool.driver.rules.find((x: { id: string }) => x.id === 'missing-max-tokens').defaultConfiguration.enabled, false);
  const result = run0.results.find((x: { ruleId: string }) => x.ruleId === 'frontmatter-schema');
  assert.equal(result.level, 'error');
  const loc = result.locations[0].physicalLocation;
  assert.equal(loc.artifactLocation.uri, 'examples/needs-fixing.prompt');
  assert.equal(loc.artifactLocation.uriBaseId, '%SRCROOT%');
  assert.deepEqual(loc.region, { startLine: 5, startColumn: 16, endLine: 5, endColumn: 19 });
  assert.equal(run0.tool.driver.rules[result.ruleIndex].id, 'frontmatter-schema');
  assert.equal(run0.columnKind, 'utf16CodeUnits');
});

test('the schema check is real: a broken log fails it', () => {
  const validate = validator();
  assert.equal(validate({ version: '2.1.0', runs: [{ tool: { driver: {} } }] }), false);
  assert.equal(validate({ version: '2.1.0', runs: [{ tool: { driver: { name: 'x' } }, results: [{ message: { text: 'm' }, level: 'fatal' }] }] }), false);
});

test('paths with spaces are percent-encoded, and an empty run is still valid', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'pw-sarif-'));
  mkdirSync(path.join(dir, 'my prompts'));
  writeFileSync(path.join(dir, 'my prompts', 'a b.prompt'), '---\nmodel: openai/gpt-4o\n---\nTry to help.\n');
  writeFileSync(path.join(dir, 'clean.prompt'), '---\nmodel: openai/gpt-4o\nconfig:\n  maxOutputTokens: 100\n---\nSay hello in one sentence.\n');
  const r = await run(['lint', '--format', 'sarif', '.'], dir);
  const log = JSON.parse(r.stdout) as any;
  assert.ok(validator()(log));
  assert.ok(log.runs[0].results.some((x: { locations: { physicalLocation: { artifactLocation: { uri: string } } }[] }) => x.locations[0].physicalLocation.artifactLocation.uri === 'my%20prompts/a%20b.prompt'));
  const clean = await run(['lint', '--format', 'sarif', 'clean.prompt'], dir);
  assert.equal(clean.code, 0);
  const cleanLog = JSON.parse(clean.stdout) as any;
  assert.deepEqual(cleanLog.runs[0].results, []);
  assert.ok(validator()(cleanLog));
});
