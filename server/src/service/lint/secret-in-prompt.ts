// secret-in-prompt: API keys, tokens, private keys and connection strings written into a prompt
// or its frontmatter, found by secretlint's recommended preset. The secret is masked in the message.
import { textChange } from '../diff';
import type { PromptSetting } from '../formats/types';
import { LastVersions } from '../lastVersions';
import { detached } from '../text';
import type { Finding, LintRule } from './types';

/** Settings that hold a credential by name (Prompty's `model.connection.apiKey`, version 1's `api_key`). */
const CREDENTIAL_KEY = /^(?:api[_-]?key|apikey|secret|client[_-]?secret|password|token|access[_-]?token)$/i;

/** Literal values of credential settings: whatever secretlint's patterns know, a key written there is a key. */
function credentialSettings(settings: readonly PromptSetting[], out: PromptSetting[] = [], depth = 0): PromptSetting[] {
  if (depth > 20) return out;
  for (const s of settings) {
    if (CREDENTIAL_KEY.test(s.key) && typeof s.value === 'string' && s.value.trim() && !/^\$\{[^}]*\}$/.test(s.value.trim()) && s.valueSpan) out.push(s);
    if (s.children) credentialSettings(s.children, out, depth + 1);
  }
  return out;
}

type LintSource = (typeof import('@secretlint/core', { with: { 'resolution-mode': 'import' } }))['lintSource'];
interface Secretlint {
  lintSource: LintSource;
  config: Parameters<LintSource>[0]['options']['config'];
}

let loading: Promise<Secretlint> | undefined;

/** secretlint and its preset, loaded on the first check (an ESM import, bundled by esbuild). */
export function loadSecretlint(): Promise<Secretlint> {
  loading ??= (async () => {
    const [core, preset, profiler] = await Promise.all([import('@secretlint/core'), import('@secretlint/secretlint-rule-preset-recommend'), import('@secretlint/profiler')]);
    // secretlint's built-in profiler marks every check in the process-wide performance timeline and
    // keeps every entry, searching them all on each new mark: in a long-running language server that
    // grows without bound and made each check slower than the last (2.5 s per new 10,000-line prompt
    // after five). We never read its profile, so it marks nothing.
    profiler.secretLintProfiler.mark = () => undefined;
    return { lintSource: core.lintSource, config: { rules: [{ id: '@secretlint/secretlint-rule-preset-recommend', rule: preset.creator }] } };
  })();
  return loading;
}

/** `sk-p…`: enough to recognise the secret, not enough to use it. */
export function maskSecret(secret: string): string {
  const s = secret.trim();
  return s.length <= 4 ? '…' : `${s.slice(0, 4)}…`;
}

interface BlockFinding {
  start: number;
  end: number;
  label: string;
  ruleId: string;
}

// Findings per block of text (blocks end at blank lines; PEM keys and tokens never span one), so
// an edit re-checks one block. Bounded; cleared when full.
const blockCache = new Map<string, BlockFinding[]>();

/** The blocks of each document's last version checked, by start, with their findings (block-relative). */
const checkedBlocks = new LastVersions<{ text: string; blocks: Map<number, { end: number; found: BlockFinding[] }> }>(32);

/** Blocks taken over from the previous version, and blocks cut out and looked up (tests read them). */
export const secretBlockStats = { reused: 0, looked: 0 };

/** Forgets the last version checked of a document (closed), or of all. */
export function forgetSecretBlocks(uri?: string): void {
  checkedBlocks.forget(uri);
}
const BLOCK_CACHE_LIMIT = 5000;

function blocksOf(text: string): { start: number; end: number }[] {
  const out: { start: number; end: number }[] = [];
  let start = 0;
  for (let i = text.indexOf('\n\n'); i >= 0; i = text.indexOf('\n\n', i + 2)) {
    out.push({ start, end: i + 1 });
    start = i + 1;
  }
  out.push({ start, end: text.length });
  return out;
}

async function checkBlock(sl: Secretlint, block: string): Promise<BlockFinding[]> {
  const hit = blockCache.get(block);
  if (hit) return hit;
  const result = await sl.lintSource({ source: { filePath: '/prompt.txt', content: block, contentType: 'text' }, options: { config: sl.config, maskSecrets: true, noPhysicFilePath: true } });
  const found = result.messages.map((m) => ({
    start: m.range[0],
    end: m.range[1],
    label: m.message.replace(/^found\s+/i, '').replace(/:\s*\*+.*$/s, '').trim() || 'a secret',
    ruleId: String(m.ruleId).replace(/^@secretlint\/secretlint-rule-/, ''),
  }));
  if (blockCache.size >= BLOCK_CACHE_LIMIT) blockCache.clear();
  blockCache.set(detached(block), found);
  return found;
}

export const rule: LintRule = {
  id: 'secret-in-prompt',
  description: 'API keys, tokens, private keys or connection strings written into the prompt or its frontmatter.',
  defaultLevel: 'error',
  category: 'security',
  checksPartials: true,
  async checkAsync(ctx) {
    const doc = ctx.doc;
    if (doc.notice === 'binary') return [];
    const sl = await loadSecretlint();
    const out: Finding[] = [];
    const text = doc.text;
    // A block the edit left alone (before it, with the blank line that ends it; or after it, with
    // the line break before it) has the previous version's findings: it is not cut out, hashed or
    // awaited again. Only the blocks around the edit go to the cache and to secretlint.
    const previous = checkedBlocks.get(doc.uri);
    const change = previous ? textChange(previous.text, text) : undefined;
    const unchangedFrom = change ? text.length - change.suffix : 0;
    const blocks = new Map<number, { end: number; found: BlockFinding[] }>();
    for (const b of blocksOf(text)) {
      let found: BlockFinding[] | undefined;
      if (change) {
        const by = b.end + 1 <= change.prefix ? 0 : b.start - 1 >= unchangedFrom ? change.delta : undefined;
        const old = by === undefined ? undefined : previous!.blocks.get(b.start - by);
        if (old && old.end === b.end - by!) found = old.found;
      }
      if (found) secretBlockStats.reused++;
      else {
        secretBlockStats.looked++;
        const block = text.slice(b.start, b.end);
        if (block.trim()) {
          await ctx.pause?.();
          found = await checkBlock(sl, block);
        } else found = [];
      }
      blocks.set(b.start, { end: b.end, found });
      for (const f of found) {
        const span = { start: b.start + f.start, end: b.start + f.end };
        const secret = text.slice(span.start, span.end);
        out.push({
          message: `Secret in the prompt: ${f.label} "${maskSecret(secret)}" (secretlint ${f.ruleId}). Whatever a prompt file holds reaches the model, its logs and the repository: remove it, pass it at run time from an environment variable or a secret store, and rotate it if this file was ever shared or committed.`,
          span,
          data: { secretRule: f.ruleId },
        });
      }
    }
    checkedBlocks.keep(doc.uri, { text, blocks });
    for (const s of credentialSettings(doc.prompt.settings)) {
      const span = s.valueSpan!;
      if (out.some((f) => f.span.start < span.end && span.start < f.span.end)) continue;
      out.push({
        message: `Secret in the prompt: \`${s.key}\` holds a literal value "${maskSecret(s.value as string)}". A key written into a prompt file reaches its repository and everyone who reads it: write \`\${env:NAME}\` and set the variable at run time (or keep the key in a secret store), and rotate this key if the file was ever shared or committed.`,
        span,
        data: { secretRule: 'credential-setting' },
      });
    }
    return out;
  },
};
