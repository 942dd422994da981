// The lifecycle rules over catalogue rows: each reports what it should, where it should (the range
// of the status, version or first line), and leaves the other cases alone. The previous committed
// version and the references come from a workspace given here (the CLI tests run them over git).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { catalog as cat, lint } from '../../server/src/service';

interface Case {
  /** The prompt's text now; `before` at its previous commit. */
  text: string;
  before?: string;
  uri?: string;
  config?: lint.LintConfigFile['catalog'];
  /** Other files of the workspace (for references). */
  others?: { uri: string; text: string }[];
  /** Record: the current text passed (true) or failed (false) its tests. */
  passed?: boolean;
  /** `line:col text` of each finding (1-based), as lintRules.test.ts writes them. */
  at?: string[];
  message?: RegExp;
}

const released = (version: string, body = 'Hello\n', extra = '') => `---\nversion: ${version}\nmetadata:\n  status: released\n${extra}---\n${body}`;
const withStatus = (status: string, extra = '') => `---\nmodel: openai/gpt-4o\nmetadata:\n  status: ${status}\n${extra}---\nHello\n`;

export const LIFECYCLE_CASES: Record<string, { fails: Case[]; passes: Case[] }> = {
  'lifecycle-unversioned-change': {
    fails: [
      { before: released('1'), text: released('1', 'Hello, world\n'), at: ['2:10 1'], message: /version is still 1/ },
      { before: '---\nmetadata:\n  status: released\n---\nA\n', text: '---\nmetadata:\n  status: released\n---\nB\n', at: ['3:11 released'], message: /has no `version`/ },
    ],
    passes: [
      { before: released('1'), text: released('2', 'Hello, world\n') },
      { before: released('1'), text: released('1') },
      { before: withStatus('approved'), text: released('1', 'Changed\n') }, // released with this change
      { text: released('1') }, // no previous version
    ],
  },
  'lifecycle-unverified': {
    fails: [
      { text: withStatus('released'), at: ['4:11 released'], message: /No run record tested/ },
      { text: withStatus('approved'), passed: false, at: ['4:11 approved'], message: /failed 1 of 1/ },
    ],
    passes: [{ text: withStatus('released'), passed: true }, { text: withStatus('review') }, { text: withStatus('draft') }],
  },
  'lifecycle-retired-referenced': {
    fails: [
      {
        uri: 'file:///ws/prompts/old.prompt',
        text: withStatus('retired'),
        others: [
          { uri: 'file:///ws/prompts/old.tests.yaml', text: 'prompt: ./old.prompt\ncases: []\n' },
          { uri: 'file:///ws/src/app.ts', text: "const p = load('prompts/old.prompt');\n" },
          { uri: 'file:///ws/src/bold.ts', text: "load('bold.prompt'); load('old.prompty');\n" },
        ],
        at: ['4:11 retired'],
        message: /still referenced: prompts\/old\.tests\.yaml:1, src\/app\.ts:1\./,
      },
      {
        uri: 'file:///ws/prompts/_header.prompt',
        text: withStatus('retired'),
        others: [{ uri: 'file:///ws/prompts/a.prompt', text: '---\nmodel: x\n---\n{{> header}}\nHi\n' }],
        at: ['4:11 retired'],
        message: /prompts\/a\.prompt:4/,
      },
    ],
    passes: [
      { uri: 'file:///ws/prompts/old.prompt', text: withStatus('retired'), others: [{ uri: 'file:///ws/src/x.ts', text: "load('bold.prompt')\n" }] },
      { uri: 'file:///ws/prompts/old.prompt', text: withStatus('released'), passed: true, others: [{ uri: 'file:///ws/src/app.ts', text: "load('old.prompt')\n" }] },
    ],
  },
  'lifecycle-missing-owner': {
    fails: [{ text: withStatus('draft'), config: { requireOwner: true }, at: ['2:8 openai/gpt-4o'], message: /no owner/ }],
    passes: [{ text: withStatus('draft') }, { text: withStatus('draft', '  owner: "@team"\n'), config: { requireOwner: true } }],
  },
  'lifecycle-status-backwards': {
    fails: [
      { before: withStatus('released'), text: withStatus('review'), passed: true, at: ['4:11 review'], message: /from released to review/ },
      { before: withStatus('released', '  statusNote: old reason\n'), text: withStatus('draft', '  statusNote: old reason\n'), at: ['4:11 draft'] },
      { before: withStatus('retired'), text: withStatus('released'), passed: true, at: ['4:11 released'] },
    ],
    passes: [
      { before: withStatus('review'), text: withStatus('approved'), passed: true },
      { before: withStatus('released'), text: withStatus('review', '  statusNote: Regression in tone, back to review.\n') },
      { text: withStatus('draft') },
    ],
  },
};

async function findingsOf(ruleId: string, c: Case): Promise<{ at: string[]; messages: string[] }> {
  const uri = c.uri ?? 'file:///ws/p.prompt';
  const records = new cat.RecordIndex();
  if (c.passed !== undefined) {
    const hash = cat.sha256(c.text);
    const at = '2026-01-01T00:00:00Z';
    records.add('run.jsonl', `${JSON.stringify({ type: 'run', version: 1, startedAt: at, finishedAt: at, counts: {} })}\n${JSON.stringify({ type: 'case', id: 'c', caseKey: 'c', fixture: 'f', prompt: 'p', promptHash: hash, case: 'c', caseLine: 1, repeat: 1, repeats: 1, status: c.passed ? 'passed' : 'failed', provider: 'p', output: null, latencyMs: null, cost: null, reason: '', assertions: [] })}\n`);
  }
  const catalog = new cat.Catalog({ root: '/ws', config: c.config, records, tokens: false });
  catalog.set(uri, c.text);
  const others = (c.others ?? []).map((o) => ({ ...o, path: o.uri.replace('file:///ws/', '') }));
  for (const o of others) catalog.set(o.uri, o.text);
  const levels = Object.fromEntries(lint.RULES.map((r) => [r.id, r.id === ruleId ? 'warning' : 'off'])) as Record<string, lint.Level>;
  const found = await cat.lifecycleFindings(
    catalog,
    { previousText: async () => (c.before === undefined ? undefined : { text: c.before, uri }), references: async (e) => cat.findReferences(e, others) },
    { lint: { levels, options: {} }, config: c.config, uris: [uri] },
  );
  const lines = c.text.split('\n');
  return {
    at: found.map((f) => {
      const r = f.diagnostic.range;
      assert.equal(r.start.line, r.end.line);
      return `${r.start.line + 1}:${r.start.character + 1} ${lines[r.start.line].slice(r.start.character, r.end.character)}`;
    }),
    messages: found.map((f) => String(f.diagnostic.message)),
  };
}

for (const [id, cases] of Object.entries(LIFECYCLE_CASES)) {
  test(`${id}: reports what it should, where it should`, async () => {
    for (const c of cases.fails) {
      const { at, messages } = await findingsOf(id, c);
      assert.deepEqual(at, c.at, `${id} on:\n${c.text}`);
      if (c.message) assert.match(messages[0], c.message);
    }
  });
  test(`${id}: leaves the other cases alone`, async () => {
    for (const c of cases.passes) assert.deepEqual((await findingsOf(id, c)).messages, [], `${id} should not report:\n${c.text}`);
  });
}

test('lifecycle rules use the project\'s status names', async () => {
  const text = '---\nmetadata:\n  status: live\n---\nHi\n';
  const catalog = new cat.Catalog({ root: '/ws', config: { statuses: { released: 'live' } }, tokens: false });
  catalog.set('file:///ws/a.prompt', text);
  const found = await cat.lifecycleFindings(catalog, { previousText: async () => undefined, references: async () => [] }, { lint: lint.resolveLintConfig(lint.RULES), config: { statuses: { released: 'live' } } });
  assert.deepEqual(found.map((f) => [f.rule, f.level]), [['lifecycle-unverified', 'warning']]);
  assert.match(String(found[0].diagnostic.message), /this live prompt/);
});

test('lifecycle rules are not run per document (no check) and have levels in both presets', () => {
  for (const r of lint.CATALOG_RULES) {
    assert.equal(r.check, undefined, r.id);
    assert.equal(r.checkAsync, undefined, r.id);
  }
  assert.deepEqual(lint.CATALOG_RULES.map((r) => r.id), Object.keys(LIFECYCLE_CASES));
  assert.equal(lint.presetLevel(lint.ruleById('lifecycle-unversioned-change')!, 'recommended'), 'error');
});
