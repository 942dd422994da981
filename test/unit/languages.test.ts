// One list of prompt languages for the doors that cannot load the engine (server/src/languages.ts):
// equal to the engine's registry, declared in package.json with a grammar and configuration that
// exist, activating the extension and enabling the preview commands.
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { PROMPT_LANGUAGES } from '../../server/src/languages';
import { formatById, formatForLanguage, parseDocument, promptFileGlobs, promptLanguageIds } from '../../server/src/service';
import { AGENT_FILE_PATTERNS } from '../../server/src/service/agents';

const root = path.resolve(__dirname, '..', '..');
const manifest = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8'));

test('the client language list is the registry\'s', () => {
  assert.deepEqual([...PROMPT_LANGUAGES], promptLanguageIds());
  assert.equal(formatForLanguage('prompty')?.id, 'prompty');
  // Agent instruction files are searched too; they have no language of their own (agents.test.ts).
  assert.deepEqual(promptFileGlobs(), ['**/*.prompt', '**/*.prompty', '**/*.prompt.yml', '**/*.prompt.yaml', '.github/**/*.prompt.yml', '.github/**/*.prompt.yaml', '**/.github/**/*.prompt.yml', '**/.github/**/*.prompt.yaml', ...AGENT_FILE_PATTERNS]);
});

test('every prompt language is declared with a grammar, a configuration, an activation event and the preview commands', () => {
  for (const id of PROMPT_LANGUAGES) {
    const lang = manifest.contributes.languages.find((l: { id: string }) => l.id === id);
    assert.ok(lang, `package.json declares no language ${id}`);
    assert.ok(existsSync(path.join(root, lang.configuration)), lang.configuration);
    const grammar = manifest.contributes.grammars.find((g: { language: string }) => g.language === id);
    assert.ok(grammar && existsSync(path.join(root, grammar.path)), `grammar of ${id}`);
    assert.ok(manifest.activationEvents.includes(`onLanguage:${id}`), `activation on ${id}`);
    const vscodeignore = readFileSync(path.join(root, '.vscodeignore'), 'utf8');
    assert.ok(vscodeignore.includes(`!${lang.configuration.replace(/^\.\//, '')}`), `${lang.configuration} is packaged`);
    for (const m of [...manifest.contributes.menus['editor/title'], ...manifest.contributes.menus.commandPalette].filter((m: { command: string }) => m.command.startsWith('promptWorkbench.previewRendered'))) {
      const when = /^editorLangId =~ \/(.*)\/$/.exec(m.when);
      assert.ok(when && new RegExp(when[1]).test(id), `${m.command} is enabled for ${id}: ${m.when}`);
    }
  }
});

test('.prompty files are Prompty, .prompt files Dotprompt; an untitled buffer follows its language', () => {
  assert.equal(parseDocument('system:\nHi', 'file:///a/x.prompty').format, 'prompty');
  assert.equal(parseDocument('Hi', 'file:///a/x.prompt').format, 'dotprompt');
  assert.equal(parseDocument('system:\nHi', 'untitled:Untitled-1', 0, {}, undefined, 'prompty').format, 'prompty');
  assert.equal(parseDocument('Hi', 'untitled:Untitled-1').format, 'dotprompt');
});

test('the committed Prompty frontmatter schema equals the zod schema\'s export', () => {
  const committed = JSON.parse(readFileSync(path.join(root, 'schemas', 'prompty-frontmatter.schema.json'), 'utf8'));
  assert.deepEqual(committed, formatById('prompty')!.schema!.jsonSchema(), 'run `node dist/cli.js schema prompty > schemas/prompty-frontmatter.schema.json`');
  assert.ok((committed.properties as Record<string, unknown>).inputs);
});
