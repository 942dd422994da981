// The built CLI (`dist/cli.js test`) comparing prompt variants against the local provider server:
// two git revisions of one prompt in a real temporary repository (`p.prompt@HEAD~1`), sending two
// different rendered prompts, combined with a two-model matrix; Prompty and GitHub Models prompt
// files as variants of a fixture file; an unknown revision stops the run before anything is sent;
// the language server's checks of `variants:` entries.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { after, before, beforeEach, test } from 'node:test';
import { TempRepo } from '../support/gitRepo';
import { HoverRequest, type MarkupContent } from 'vscode-languageserver-protocol/node';
import { fileUri, ROOT, TestLanguageClient } from '../support/lspClient';
import { MockProvider } from '../support/mockProvider';

const CLI = path.join(ROOT, 'dist', 'cli.js');
const KEY = 'sk-variants-DUMMY-KEY-77aa';
let mock: MockProvider;
before(async () => {
  mock = await MockProvider.start();
});
after(async () => {
  await mock.stop();
});
beforeEach(() => mock.reset());

function cli(args: string[], cwd: string): Promise<{ code: number; stdout: string; stderr: string }> {
  const clean = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^(OPENAI|ANTHROPIC|GEMINI|GOOGLE)_/.test(k)));
  const env = { ...clean, OPENAI_API_KEY: KEY, OPENAI_BASE_URL: mock.openaiBaseUrl, GEMINI_API_KEY: KEY, GOOGLE_GEMINI_BASE_URL: mock.geminiBaseUrl };
  return new Promise((resolve) => {
    execFile(process.execPath, [CLI, 'test', ...args], { cwd, env, timeout: 60_000 }, (err, stdout, stderr) => resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout: String(stdout), stderr: String(stderr) }));
  });
}

const sentText = (body: Record<string, unknown>) =>
  Array.isArray(body.messages)
    ? (body.messages as { content: string }[]).map((m) => m.content.trim()).join(' | ')
    : [(body.systemInstruction as { parts: { text: string }[] } | undefined)?.parts[0].text, ...(body.contents as { parts: { text: string }[] }[]).map((c) => c.parts[0].text)].filter(Boolean).map((t) => t!.trim()).join(' | ');

test('two git revisions of one prompt × two models: each revision sends its own rendered prompt, results and records are labelled', async () => {
  const repo = TempRepo.init('pw-variants-it-');
  repo.write('p.prompt', '---\nmodel: openai/gpt-4o-mini\n---\n{{role "system"}}Be terse.\n{{role "user"}}Summarize: {{text}}\n');
  repo.write('p.tests.yaml', 'variants:\n  - prompt: p.prompt@HEAD~1\n    label: before\n  - prompt: p.prompt\n    label: after\nmatrix:\n  - model: openai/gpt-4o-mini\n  - model: googleai/gemini-2.5-flash\ncases:\n  - name: cat\n    vars: { text: "The cat sat." }\n    assert:\n      - type: icontains\n        value: kindly\n');
  repo.commit('first wording');
  repo.write('p.prompt', '---\nmodel: openai/gpt-4o-mini\n---\n{{role "system"}}Be kind and thorough.\n{{role "user"}}Kindly summarize for a child: {{text}}\n');
  repo.commit('second wording');
  mock.script = (req) => ({ text: /Kindly/.test(req.prompt) ? 'Kindly: a cat sat down.' : 'Cat sat.', usage: { input: 12, output: 4 } });

  const r = await cli(['--reporter', 'json', '--no-cache', '--concurrency', '4'], repo.dir);
  assert.equal(r.code, 1, r.stderr);
  const report = JSON.parse(r.stdout) as { results: { id: string; variant: string; promptVariant: string; promptPath: string; status: string; messages?: unknown }[] };
  assert.deepEqual(report.results.map((x) => [x.id, x.promptPath, x.status]), [
    ['p.tests.yaml#cat@before × openai/gpt-4o-mini', 'p.prompt@HEAD~1', 'failed'],
    ['p.tests.yaml#cat@before × googleai/gemini-2.5-flash', 'p.prompt@HEAD~1', 'failed'],
    ['p.tests.yaml#cat@after × openai/gpt-4o-mini', 'p.prompt', 'passed'],
    ['p.tests.yaml#cat@after × googleai/gemini-2.5-flash', 'p.prompt', 'passed'],
  ]);
  // The two revisions rendered two different prompts, each sent to both providers' wire formats.
  const sent = mock.requests.map((q) => `${q.api}: ${sentText(q.body)}`).sort();
  assert.deepEqual(sent, [
    'gemini: Be kind and thorough. | Kindly summarize for a child: The cat sat.',
    'gemini: Be terse. | Summarize: The cat sat.',
    'openai: Be kind and thorough. | Kindly summarize for a child: The cat sat.',
    'openai: Be terse. | Summarize: The cat sat.',
  ]);
  const [record] = readdirSync(path.join(repo.dir, '.prompt-workbench', 'runs'));
  const lines = readFileSync(path.join(repo.dir, '.prompt-workbench', 'runs', record), 'utf8').trim().split('\n').slice(1).map((l) => JSON.parse(l));
  const previous = repo.git('rev-parse', 'HEAD~1').trim();
  assert.deepEqual(lines.map((l) => [l.promptVariant, l.gitCommit === previous]), [['before', true], ['before', true], ['after', false], ['after', false]]);

  // --shard splits case × variant: the shards together run each of the four once.
  const ids: string[] = [];
  for (const k of [1, 2]) {
    const s = await cli(['--shard', `${k}/2`, '--reporter', 'json', '--no-record'], repo.dir);
    ids.push(...(JSON.parse(s.stdout) as { results: { id: string }[] }).results.map((x) => x.id));
  }
  assert.deepEqual(ids.sort(), report.results.map((x) => x.id).sort());

  const bad = await cli(['--variants', 'p.prompt@HEAD~5,p.prompt'], repo.dir);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /--variants: The prompt variant p\.prompt@HEAD~5: "HEAD~5" is not a known revision of the repository that holds p\.prompt\./);
});

test('Prompty and GitHub Models prompt files as variants of one fixture file', async () => {
  const repo = TempRepo.init('pw-variants-formats-');
  repo.write('a.prompty', '---\nname: a\nmodel:\n  id: gpt-4o-mini\n  provider: openai\ninputs:\n  text:\n    kind: string\n---\nsystem:\nShort answers.\n\nuser:\nSummarize {{text}}\n');
  repo.write('b.prompt.yml', 'name: b\nmodel: openai/gpt-4o-mini\nmessages:\n  - role: system\n    content: Long answers.\n  - role: user\n    content: "Summarize in detail: {{text}}"\n');
  repo.write('s.tests.yaml', 'prompt: a.prompty\nvariants:\n  - a.prompty\n  - b.prompt.yml\ncases:\n  - name: one\n    provider: openai\n    model: openai/gpt-4o-mini\n    vars: { text: "rain" }\n');
  const r = await cli(['s.tests.yaml', '--reporter', 'json', '--no-cache', '--no-record'], repo.dir);
  assert.equal(r.code, 0, r.stderr);
  const report = JSON.parse(r.stdout) as { results: { variant: string; status: string }[] };
  assert.deepEqual(report.results.map((x) => [x.variant, x.status]), [['a.prompty', 'passed'], ['b.prompt.yml', 'passed']]);
  assert.deepEqual(mock.requests.map((q) => sentText(q.body)).sort(), ['Long answers. | Summarize in detail: rain', 'Short answers. | Summarize rain']);
});

test('over LSP: variants: entries are checked in the editor (a missing file, a bad entry, a revision left to the run) with hover on the key', async () => {
  const client = await TestLanguageClient.start();
  try {
    const dir = mkdtempSync(path.join(tmpdir(), 'pw-lsp-variants-'));
    writeFileSync(path.join(dir, 'p.prompt'), '---\nmodel: openai/gpt-4o-mini\n---\nHello {{name}}\n');
    const uri = fileUri(path.join(dir, 'p.tests.yaml'));
    const text = 'variants:\n  - p.prompt\n  - p.prompt@HEAD~1\n  - drafts/missing.prompt\n  - p.prompt@\ncases:\n  - name: a\n    vars: { name: Ada }\n';
    const published = await client.open(uri, text, 'yaml');
    assert.deepEqual(
      published.diagnostics.map((d) => [d.code, d.range.start.line, d.range.start.character, d.range.end.character, d.message]),
      [
        ['fixture-variants', 3, 4, 25, 'The prompt variant `drafts/missing.prompt` does not exist. Fix the path (relative to this file); a revision of a file is written `file.prompt@HEAD~1`.'],
        ['fixture-variants', 4, 4, 13, '`p.prompt@` names no revision after `@`: write one such as `HEAD~1`, a branch, a tag or a commit hash.'],
      ],
    );
    const hover = (await client.connection.sendRequest(HoverRequest.type, { textDocument: { uri }, position: { line: 0, character: 3 } })) as { contents: MarkupContent } | null;
    assert.match(String(hover?.contents.value), /git revisions of one \(`summarize\.prompt@HEAD~1`\)/);
  } finally {
    await client.stop();
  }
});
