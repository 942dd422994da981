// Incremental lint: an edit re-runs the block-local rules on the blocks it touched only, and a run
// that reuses what earlier versions left gives exactly what linting from scratch gives.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { test } from 'node:test';
import { lint, parsePromptDocument, PromptDocumentCache } from '../../server/src/service';
import type { PromptDiagnostic } from '../../server/src/service/diagnostic';
import { promptFiles } from '../support/promptFiles';

const ROOT = path.join(__dirname, '..', '..');


function comparable(ds: PromptDiagnostic[]) {
  return ds.map((d) => ({ code: d.code, severity: d.severity, message: d.message, span: d.span, data: d.data, unnecessary: d.unnecessary }));
}

const BLOCKS = ['Maybe answer briefly.\nUse some examples.\n', 'Write to ops@acme.io about it.\n', 'Call 415-555-2671 if needed.\n', 'Try to be concise, etc.\n'];

test('an edit in one block re-runs the block-local rules on that block only', () => {
  const text = `---\nmodel: openai/gpt-4o\n---\n${BLOCKS.join('\n')}`;
  const cache = new PromptDocumentCache();
  const uri = 'file:///w/incremental.prompt';
  const first = cache.get({ uri, version: 1, getText: () => text });
  const runs: [string, number][] = [];
  lint.lintHooks.onRuleRun = (id, block) => runs.push([id, block]);
  try {
    lint.lintDiagnostics(first, { countTokens: false });
    const local = (r: [string, number][]) => r.filter(([, b]) => b >= 0);
    assert.deepEqual(new Set(local(runs).map(([, b]) => b)), new Set([0, 1, 2, 3]));
    runs.length = 0;

    const edited = text.replace('ops@acme.io about it', 'ops@acme.io about that');
    const second = cache.get({ uri, version: 2, getText: () => edited });
    const ds = lint.lintDiagnostics(second, { countTokens: false });
    // A block ends after its blank line: the e-mail's is block 1.
    assert.deepEqual(local(runs).sort(), [
      ['pii-in-prompt', 1],
      ['vague-language', 1],
    ]);
    assert.ok(runs.some(([id, b]) => id === 'duplicate-instruction' && b === -1), 'the cross-block rules still run over the document');
    assert.deepEqual(comparable(ds), comparable(lint.lintDiagnostics(parsePromptDocument(edited, 'file:///w/fresh/incremental.prompt'), { countTokens: false, fresh: true })));

    // Lines inserted above move every later block: those are reused, not re-checked.
    runs.length = 0;
    const moved = edited.replace('---\nMaybe', '---\nIntro line.\n\nMaybe');
    lint.lintDiagnostics(cache.get({ uri, version: 3, getText: () => moved }), { countTokens: false });
    assert.deepEqual(local(runs).sort(), [
      ['pii-in-prompt', 0],
      ['vague-language', 0],
    ]);

    // Blocks whose text is unchanged but that a comment or a data element now covers, opened and
    // closed in the blocks around them.
    const fresh = (t: string) => comparable(lint.lintDiagnostics(parsePromptDocument(t, 'file:///w/fresh/incremental.prompt'), { countTokens: false, fresh: true }));
    let version = 4;
    for (const [open, close] of [
      ['{{!-- ', ' --}}'],
      ['<examples>', '</examples>'],
    ]) {
      const covered = moved.replace('Maybe answer', `${open}Maybe answer`).replace('Call 415', `${close}Call 415`);
      for (const t of [covered, moved]) {
        const ds = lint.lintDiagnostics(cache.get({ uri, version: version++, getText: () => t }), { countTokens: false });
        assert.deepEqual(comparable(ds), fresh(t));
      }
    }
  } finally {
    lint.lintHooks.onRuleRun = undefined;
    cache.delete(uri);
  }
});

// Text an edit inserts: words the text rules look for, delimiters, tags, suppressions, line breaks.
const SNIPPETS = [
  '\n',
  '\n\n',
  ' ',
  'x',
  'maybe ',
  'Try to be brief. ',
  'Answer in detail.',
  'Always cite the source.\n',
  'Never cite the source.\n',
  'Be concise and clear in every answer.\n',
  'jo@corp.io ',
  '+44 20 7946 0958 ',
  '4111 1111 1111 1111',
  '<document>\n',
  '</document>\n',
  '```\n',
  '{{',
  '}}',
  '{{question}}',
  '{{#if x}}',
  '{{else}}',
  '{{/if}}',
  '{{#each items}}',
  '{{/each}}',
  '{{role "system"}}\n',
  '{{! prompt-workbench-disable-next-line vague-language pii-in-prompt }}\n',
  '{{!-- a\n\ncomment --}}',
  '\n\n{{!-- ',
  ' --}}\n\n',
  '\n\n<examples>\n\n',
  '\n\n</examples>\n\n',
  '\n\n```\n\n',
  '  \n',
  '\r\n',
  'etc. ',
];

test('random edits through the incremental path give exactly the findings of a run from scratch', () => {
  let seed = 0x5eed1;
  const rand = () => (seed = (Math.imul(seed, 1103515245) + 12345) & 0x7fffffff) / 0x80000000;
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(rand() * xs.length)];
  const files = [...promptFiles(path.join(ROOT, 'test', 'corpus')), ...promptFiles(path.join(ROOT, 'examples'))];
  assert.ok(files.length > 20);
  const configs = [
    lint.defaultLintConfig(),
    lint.resolveLintConfig(lint.RULES, lint.parseLintConfig('rules:\n  vague-language:\n    level: warning\n    allow: [some, maybe]\n  pii-in-prompt: error\n  whitespace: off\n', lint.RULES).config),
  ];
  const cache = new PromptDocumentCache();
  let edits = 0;
  for (const [n, file] of files.entries()) {
    let text = readFileSync(file, 'utf8');
    // The real name (partials are checked differently) under a folder of its own.
    const uri = pathToFileURL(path.join('/incremental', path.relative(ROOT, file))).toString();
    const freshUri = pathToFileURL(path.join('/fresh', path.relative(ROOT, file))).toString();
    const config = configs[n % configs.length];
    for (let version = 1; version <= 16; version++, edits++) {
      if (version > 1) {
        const at = Math.floor(rand() * (text.length + 1));
        const r = rand();
        if (r < 0.35 && text.length) text = text.slice(0, at) + text.slice(Math.min(text.length, at + 1 + Math.floor(rand() * 12)));
        else if (r < 0.5 && text.length) {
          // Copy a piece elsewhere: repeated sentences for duplicate-instruction.
          const from = Math.floor(rand() * text.length);
          text = text.slice(0, at) + text.slice(from, from + Math.floor(rand() * 80)) + text.slice(at);
        } else text = text.slice(0, at) + pick(SNIPPETS) + text.slice(at);
      }
      const doc = cache.get({ uri, version, getText: () => text });
      const got = lint.lintDiagnostics(doc, { config, countTokens: false });
      const want = lint.lintDiagnostics(parsePromptDocument(text, freshUri), { config, countTokens: false, fresh: true });
      assert.deepEqual(comparable(got), comparable(want), `${file}, version ${version}:\n${text}`);
    }
    cache.delete(uri);
  }
  assert.ok(edits >= 500, `${edits} edits`);
});
