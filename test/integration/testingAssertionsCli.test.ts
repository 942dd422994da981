// The built CLI (`dist/cli.js test`) with the checks added from promptfoo's set, against the local
// provider server: the XML checks load the shared fast-xml-parser file (dist/lib-xml.js) at run
// time, `similar` embeds through the OpenAI endpoint, tools and log probabilities go out only when
// needed, and JUnit carries each case's verdict and the checks' own cost.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { after, before, test } from 'node:test';
import { ROOT } from '../support/lspClient';
import { MockProvider } from '../support/mockProvider';

const CLI = path.join(ROOT, 'dist', 'cli.js');
const KEY = 'sk-ci-DUMMY-KEY-assertions-42';
let mock: MockProvider;
before(async () => {
  mock = await MockProvider.start({
    script: (r) => {
      if (r.prompt.includes('weather')) return { toolCalls: [{ name: 'get_weather', arguments: { city: 'Oslo' } }] };
      return { text: 'Here: <answer><city>Oslo</city></answer>', logprobs: [-0.1, -0.2, -0.3], usage: { input: 20, output: 8 } };
    },
  });
});
after(async () => {
  await mock.stop();
});

function cli(args: string[], cwd: string): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const clean = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^(OPENAI|ANTHROPIC|GEMINI|GOOGLE)_/.test(k)));
    execFile(process.execPath, [CLI, 'test', ...args], { cwd, env: { ...clean, OPENAI_API_KEY: KEY, OPENAI_BASE_URL: mock.openaiBaseUrl }, timeout: 60_000 }, (err, stdout, stderr) => resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout: String(stdout), stderr: String(stderr) }));
  });
}

test('the CLI runs the new checks against the provider server: pass, fail and the reasons', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'pw-cli-assert-'));
  writeFileSync(path.join(dir, 'ask.prompt'), '---\nmodel: openai/gpt-4o-mini\n---\n{{question}}\n');
  writeFileSync(
    path.join(dir, 'ask.tests.yaml'),
    [
      'tools:',
      '  - name: get_weather',
      '    parameters: { type: object, properties: { city: { type: string } }, required: [city] }',
      'cases:',
      '  - name: xml answer',
      '    vars: { question: capital of Norway? }',
      '    assert:',
      '      - type: contains-xml',
      '        value: { requiredElements: [answer.city] }',
      '      - type: not-is-xml',
      '      - type: levenshtein',
      '        value: "Here: <answer><city>Oslo</city></answer>!"',
      '        threshold: 1',
      '      - type: perplexity',
      '        threshold: 1.5',
      '      - type: similar',
      '        value: "Here: <answer><city>Oslo</city></answer>"',
      '        model: text-embedding-3-small',
      '  - name: weather call',
      '    vars: { question: weather in Oslo }',
      '    assert:',
      '      - type: is-valid-openai-tools-call',
      '      - type: finish-reason',
      '        value: stop',
      '',
    ].join('\n'),
  );
  const r = await cli(['ask.tests.yaml', '--reporter', 'text', '--no-record', '--no-cache'], dir);
  assert.equal(r.code, 1, `one case fails: ${r.stdout}${r.stderr}`);
  assert.match(r.stdout, /PASS\s+ask\.tests\.yaml:5 xml answer/);
  assert.match(r.stdout, /FAIL\s+ask\.tests\.yaml:19 weather call/);
  assert.match(r.stdout, /The model stopped with `tool_calls`, not `stop`\./);
  assert.doesNotMatch(r.stdout, /Cannot find module|lib-xml/);
  const chat = mock.requests.filter((q) => q.path.endsWith('/chat/completions'));
  assert.equal(chat.length, 2);
  const xmlCase = chat.find((q) => q.prompt.includes('Norway'))!;
  const toolCase = chat.find((q) => q.prompt.includes('weather'))!;
  assert.equal(xmlCase.body.logprobs, true);
  assert.equal(toolCase.body.logprobs, undefined);
  assert.equal((toolCase.body.tools as unknown[]).length, 1);
  const embeds = mock.requests.filter((q) => q.path.endsWith('/embeddings'));
  assert.equal(embeds.length, 1);
  assert.equal(embeds[0].body.model, 'text-embedding-3-small');
  assert.ok(!r.stdout.includes(KEY) && !r.stderr.includes(KEY));
});
