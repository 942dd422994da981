// secret-in-prompt takes the findings of the blocks an edit left alone from the document's previous
// version: for every version of a seeded series of edits (typing, deleting, blank lines made and
// removed, secrets typed in and broken, CRLF), the findings equal those of the same text checked
// with no previous version, positions included; and most blocks are taken over, not looked up.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseDocument } from '../../server/src/service';
import { forgetSecretBlocks, rule, secretBlockStats } from '../../server/src/service/lint/secret-in-prompt';

const PART = 'Ab1Cd2Ef3Gh4Ij5Kl6Mn7Op8Qr9St0Uv1Wx2Yz3Ab4Cd5Ef6Gh7Ij8Kl9Mn0Op1Qr2St3Uv4Wx5Yz6Zz'.slice(0, 74);
const SECRETS = [`sk-proj-${PART}T3BlbkFJ${PART}`, 'xoxb-123456789012-1234567890123-AbCdEfGhIjKlMnOpQrStUvWx', 'postgres://admin:s3cr3tPassw0rd@db.internal:5432/app'];

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => ((s = (Math.imul(s, 1103515245) + 12345) >>> 0) / 2 ** 32);
}

function startText(): string {
  const blocks: string[] = [];
  for (let i = 0; i < 40; i++) {
    const lines = [`Paragraph ${i}: answer the question about order {{order}} briefly.`, 'Quote the policy when it helps.'];
    if (i % 7 === 3) lines.push(`Use ${SECRETS[i % SECRETS.length]} for the call.`);
    blocks.push(lines.join('\n'));
  }
  return `---\nmodel: openai/gpt-4o\n---\n${blocks.join('\n\n')}\n`;
}

async function findings(text: string, uri: string) {
  const doc = parseDocument(text, uri);
  return (await rule.checkAsync!({ doc } as never)).map((f) => ({ span: f.span, message: f.message, data: f.data }));
}

test('the findings of each version equal those of its text checked afresh, and the blocks away from the edit are taken over', async () => {
  const r = rng(20261207);
  let text = startText();
  const uri = 'file:///w/secret-incremental.prompt';
  await findings(text, uri);
  const before = { ...secretBlockStats };
  let found = 0;
  for (let v = 0; v < 400; v++) {
    const at = 30 + Math.floor(r() * (text.length - 30));
    const k = r();
    // Typing, line breaks, blank lines, CRLF, a secret typed in, a character typed over (same length), deleting.
    const insert = k < 0.35 ? 'abcdefgh'[Math.floor(r() * 8)] : k < 0.45 ? '\n' : k < 0.55 ? '\n\n' : k < 0.6 ? '\r\n' : k < 0.68 ? ` ${SECRETS[Math.floor(r() * SECRETS.length)]} ` : k < 0.76 ? 'xyz'[Math.floor(r() * 3)] : '';
    const remove = insert ? (k < 0.6 ? 0 : k < 0.68 ? Math.floor(r() * 3) : 1) : 1 + Math.floor(r() * (k < 0.9 ? 2 : 40));
    text = text.slice(0, at) + insert + text.slice(Math.min(text.length, at + remove));
    const incremental = await findings(text, uri);
    forgetSecretBlocks('file:///w/fresh.prompt');
    const fresh = await findings(text, 'file:///w/fresh.prompt');
    assert.deepEqual(incremental, fresh, `version ${v}: edit at ${at}`);
    found += incremental.length;
  }
  assert.ok(found > 400, `${found} findings over the versions`);
  const reused = secretBlockStats.reused - before.reused;
  const looked = secretBlockStats.looked - before.looked;
  // Each incremental version looks up a few blocks around its edit; the fresh checks look up every block.
  assert.ok(reused > 400 * 30, `${reused} blocks taken over, ${looked} looked up`);
});
