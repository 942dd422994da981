// The extension manifest and the committed artefacts agree with the code.
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { frontmatterJsonSchema } from '../../server/src/service';

const root = path.resolve(__dirname, '..', '..');
const manifest = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8'));

test('the committed JSON Schema is the one the code exports', () => {
  const committed = JSON.parse(readFileSync(path.join(root, 'schemas', 'dotprompt-frontmatter.schema.json'), 'utf8'));
  assert.deepEqual(committed, frontmatterJsonSchema(), 'run `node dist/cli.js schema > schemas/dotprompt-frontmatter.schema.json`');
});

test('the manifest declares the dotprompt language, its grammar and configuration files that exist', () => {
  const lang = manifest.contributes.languages.find((l: { id: string }) => l.id === 'dotprompt');
  assert.deepEqual(lang.extensions, ['.prompt']);
  assert.ok(existsSync(path.join(root, lang.configuration)), lang.configuration);
  const grammar = manifest.contributes.grammars.find((g: { language: string }) => g.language === 'dotprompt');
  assert.ok(existsSync(path.join(root, grammar.path)), grammar.path);
  assert.equal(manifest.main, './dist/client.js');
  assert.equal(manifest.bin['prompt-workbench'], './dist/cli.js');
  assert.ok(manifest.activationEvents.includes('onLanguage:dotprompt'));
});

test('every command and setting has a title or description', () => {
  for (const c of manifest.contributes.commands) assert.ok(c.title && c.category, JSON.stringify(c));
  for (const [key, s] of Object.entries<Record<string, unknown>>(manifest.contributes.configuration.properties)) {
    assert.ok(s.description || s.markdownDescription, key);
  }
});

test('every setting that moves a provider\'s endpoint or picks its cloud project is restricted in untrusted workspaces', () => {
  const restricted: string[] = manifest.capabilities.untrustedWorkspaces.restrictedConfigurations;
  const settings = Object.keys(manifest.contributes.configuration.properties);
  const endpointSettings = settings.filter((k) => /^promptWorkbench\.providers\.[^.]+\.(baseUrl|project|location)$/.test(k));
  assert.deepEqual(endpointSettings.sort(), ['promptWorkbench.providers.anthropic.baseUrl', 'promptWorkbench.providers.gemini.baseUrl', 'promptWorkbench.providers.github.baseUrl', 'promptWorkbench.providers.openai.baseUrl', 'promptWorkbench.providers.vertexai.baseUrl', 'promptWorkbench.providers.vertexai.location', 'promptWorkbench.providers.vertexai.project']);
  for (const k of endpointSettings) assert.ok(restricted.includes(k), k);
});
