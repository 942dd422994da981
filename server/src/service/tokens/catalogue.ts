// The model catalogue (models.json: provider, tokenizer, window, output limit, prices, with the
// date the figures were taken), merged with the user's additions and overrides from settings, and
// the resolution of a `model:` value such as `openai/gpt-4o-2024-08-06` to one of its entries.
import data from './models.json';
import type { EncodingName } from './tokenizer';

/** Families without a public tokenizer here: counted as o200k_base times a calibrated factor. */
export type EstimateFamily = 'claude' | 'gemini' | 'llama' | 'mistral';
export type TokenizerName = EncodingName | EstimateFamily;

export interface ModelEntry {
  /** `embedding`: an embedding model, priced for the `similar` assertion; never a prompt's model (completion does not offer it). */
  kind?: 'embedding';
  provider: string;
  tokenizer: TokenizerName;
  contextWindow: number | null;
  /** Reserved for the answer when the prompt sets no `config.maxOutputTokens`; null: none. */
  maxOutputTokens: number | null;
  /** USD per million tokens; null when it depends on the host. */
  inputPerMTok: number | null;
  outputPerMTok: number | null;
  /** A higher price for prompts longer than `above` tokens (Gemini's long-context tier). */
  longContext?: { above: number; inputPerMTok: number; outputPerMTok: number };
  aliases?: string[];
  note?: string;
  /** Set on entries that come from the setting promptWorkbench.models. */
  userDefined?: boolean;
}

export interface Catalogue {
  asOf: string;
  currency: string;
  note: string;
  models: Record<string, ModelEntry>;
}

/**
 * Calibrated factors: tokens of the family's tokenizer per o200k_base token. Measured with
 * bench/calibrate-estimates.mjs on a local corpus of English prose (package READMEs), TypeScript
 * and JavaScript, JSON and the example prompts (about 590,000 characters):
 * - llama 1.00: the Llama 3.1 tokenizer (public) gave 0.992-0.998 of o200k in every group.
 * - gemini 1.14: the Gemma tokenizer (public, the same SentencePiece family Gemini documents)
 *   gave 1.119-1.154.
 * - mistral 1.05: Mistral's Tekken tokenizer (public; Nemo and later models) gave 1.028-1.057;
 *   older SentencePiece models (Mistral 7B, Large 2402) give about 1.2-1.3.
 * - claude 1.20: Claude 3 and later have no public tokenizer (`@anthropic-ai/tokenizer` is the
 *   pre-Claude-3 vocabulary). Third-party comparisons of the token usage Anthropic's API reports
 *   against o200k put it at roughly 1.15-1.30, higher for code; 1.20 is the middle.
 * They are estimates and the UI says so (≈) wherever one is shown. Non-English text and code can
 * be off by more than the figures above.
 */
export const ESTIMATE_FACTORS: Record<EstimateFamily, number> = { claude: 1.2, gemini: 1.14, llama: 1.0, mistral: 1.05 };

export const ESTIMATE_LABELS: Record<EstimateFamily, string> = {
  claude: 'Claude estimate (o200k_base × 1.20)',
  gemini: 'Gemini estimate (o200k_base × 1.14)',
  llama: 'Llama estimate (o200k_base × 1.00)',
  mistral: 'Mistral estimate (o200k_base × 1.05)',
};

const PROVIDER_NAMES: Record<string, string> = { anthropic: 'Anthropic', google: 'Google', meta: 'Meta', mistral: 'Mistral', openai: 'OpenAI' };

export const DEFAULT_ENCODING: EncodingName = 'o200k_base';

export const BUILTIN_CATALOGUE: Catalogue = data as Catalogue;

const TOKENIZERS: TokenizerName[] = ['o200k_base', 'cl100k_base', 'claude', 'gemini', 'llama', 'mistral'];

function num(v: unknown): number | null | undefined {
  if (v === null) return null;
  return typeof v === 'number' && Number.isFinite(v) && v >= 0 ? v : undefined;
}

/**
 * The built-in catalogue with the user's entries (setting `promptWorkbench.models`) merged in: a
 * known id gets its fields overridden, a new id is added (it needs a tokenizer or a provider we
 * know; otherwise o200k_base). Malformed fields are ignored rather than failing.
 */
export function mergeCatalogue(user: unknown, base: Catalogue = BUILTIN_CATALOGUE): Catalogue {
  if (!user || typeof user !== 'object' || Array.isArray(user) || !Object.keys(user).length) return base;
  const models: Record<string, ModelEntry> = { ...base.models };
  for (const [rawId, raw] of Object.entries(user as Record<string, unknown>)) {
    if (!raw || typeof raw !== 'object' || Array.isArray(raw)) continue;
    const id = normaliseModelName(rawId);
    const r = raw as Record<string, unknown>;
    const prev = models[id] ?? findEntry(models, id)?.entry;
    const provider = typeof r.provider === 'string' ? r.provider : (prev?.provider ?? 'custom');
    const tokenizer = TOKENIZERS.includes(r.tokenizer as TokenizerName) ? (r.tokenizer as TokenizerName) : (prev?.tokenizer ?? familyOf(id)?.tokenizer ?? DEFAULT_ENCODING);
    const pick = (key: keyof ModelEntry, fallback: number | null) => {
      const v = num(r[key]);
      return v === undefined ? fallback : v;
    };
    models[id] = {
      ...prev,
      provider,
      tokenizer,
      contextWindow: pick('contextWindow', prev?.contextWindow ?? null),
      maxOutputTokens: pick('maxOutputTokens', prev?.maxOutputTokens ?? null),
      inputPerMTok: pick('inputPerMTok', prev?.inputPerMTok ?? null),
      outputPerMTok: pick('outputPerMTok', prev?.outputPerMTok ?? null),
      aliases: Array.isArray(r.aliases) ? r.aliases.filter((a): a is string => typeof a === 'string').map((a) => a.toLowerCase()) : prev?.aliases,
      note: typeof r.note === 'string' ? r.note : prev?.note,
      userDefined: true,
    };
  }
  return { ...base, models };
}

/** `openai/gpt-4o-2024-08-06` -> `gpt-4o-2024-08-06`; `vertexai/claude-3-5-sonnet-v2@20241022` -> `claude-3-5-sonnet-v2`. */
export function normaliseModelName(model: string): string {
  // VS Code's prompt and agent files name a model as it shows it, `Claude Sonnet 4.5 (copilot)`:
  // without the vendor in parentheses and with a `-` for each run of spaces, that is the catalogue's id.
  let name = model.trim();
  const open = name.endsWith(')') ? name.lastIndexOf('(') : -1;
  if (open > 0) name = name.slice(0, open).trimEnd();
  name = name.toLowerCase().replace(/\s+/g, '-');
  name = name.slice(name.lastIndexOf('/') + 1);
  const at = name.indexOf('@');
  if (at > 0) name = name.slice(0, at);
  return name;
}

const DATED = /-(?:\d{4}-\d{2}-\d{2}|\d{8}|\d{4})$|-latest$|-preview$|-exp$|-instruct$|-versatile$|-v\d+$/;

function findEntry(models: Record<string, ModelEntry>, name: string): { id: string; entry: ModelEntry } | undefined {
  const exact = (n: string) => {
    if (models[n]) return { id: n, entry: models[n] };
    for (const [id, entry] of Object.entries(models)) if (entry.aliases?.includes(n)) return { id, entry };
    return undefined;
  };
  let n = name;
  for (let i = 0; i < 4; i++) {
    const hit = exact(n);
    if (hit) return hit;
    const shorter = n.replace(DATED, '');
    if (shorter === n) break;
    n = shorter;
  }
  // The longest id (or alias) that the name extends at a `-` boundary: `gpt-4o-mini-search` -> `gpt-4o-mini`.
  let best: { id: string; entry: ModelEntry; len: number } | undefined;
  for (const [id, entry] of Object.entries(models)) {
    for (const key of [id, ...(entry.aliases ?? [])]) {
      if (name.length > key.length && name.startsWith(key) && name[key.length] === '-' && (!best || key.length > best.len)) best = { id, entry, len: key.length };
    }
  }
  return best && { id: best.id, entry: best.entry };
}

/** The tokenizer a model family uses, for names the catalogue does not list. */
export function familyOf(name: string): { provider: string; tokenizer: TokenizerName; exact: boolean } | undefined {
  if (/^(gpt-4|gpt-3\.5|gpt-35)(-turbo)?(-\d+k)?(-\d{4})?$|^text-embedding-(ada|3)/.test(name)) return { provider: 'openai', tokenizer: 'cl100k_base', exact: true };
  if (/^(gpt-|o\d|chatgpt-|codex-)/.test(name)) return { provider: 'openai', tokenizer: 'o200k_base', exact: false };
  if (name.includes('claude')) return { provider: 'anthropic', tokenizer: 'claude', exact: false };
  if (/gemini|gemma/.test(name)) return { provider: 'google', tokenizer: 'gemini', exact: false };
  if (name.includes('llama')) return { provider: 'meta', tokenizer: 'llama', exact: false };
  if (/mistral|mixtral|codestral|ministral|magistral|pixtral|devstral/.test(name)) return { provider: 'mistral', tokenizer: 'mistral', exact: false };
  return undefined;
}

export interface ResolvedModel {
  /** The model as written (frontmatter `model:` or the setting), when there is one. */
  requested?: string;
  source: 'frontmatter' | 'setting' | 'none';
  /** The catalogue id it resolved to. */
  id?: string;
  entry?: ModelEntry;
  provider?: string;
  tokenizer: TokenizerName;
  /** The o200k/cl100k encoding that does the counting (estimates scale an o200k count). */
  encoding: EncodingName;
  /** Tokens per encoding token: 1 for exact counts. */
  factor: number;
  /** Exact counts for this model (an OpenAI encoding it is known to use), not an estimate. */
  exact: boolean;
  /** OpenAI chat framing applies (3 tokens per message plus the role, 3 to prime the reply). */
  chatFraming: boolean;
  /** Said to the user: why the count is what it is (unknown model, no model, estimate). */
  hint?: string;
  /** Set when the model is not in the catalogue (a `model-unknown` hint diagnostic). */
  unknown: boolean;
}

export function isEstimateFamily(tokenizer: TokenizerName): tokenizer is EstimateFamily {
  return tokenizer !== 'o200k_base' && tokenizer !== 'cl100k_base';
}

function tokenizerSetup(tokenizer: TokenizerName): { encoding: EncodingName; factor: number } {
  if (!isEstimateFamily(tokenizer)) return { encoding: tokenizer, factor: 1 };
  return { encoding: 'o200k_base', factor: ESTIMATE_FACTORS[tokenizer] };
}

// A workspace names a handful of models: each name is resolved once per catalogue, not once per
// file (the catalogue's cold build resolves 10,000 rows). The answers are frozen, as they are shared.
const resolved = new WeakMap<Catalogue, Map<string, ResolvedModel>>();
const RESOLVED_PER_CATALOGUE = 512;

/** Resolves the model of a prompt: the setting (when set) wins over the frontmatter `model:`. */
export function resolveModel(frontmatterModel: string | undefined, override: string | undefined, catalogue: Catalogue = BUILTIN_CATALOGUE): ResolvedModel {
  let known = resolved.get(catalogue);
  if (!known) resolved.set(catalogue, (known = new Map()));
  const key = `${frontmatterModel ?? '\u0001'}\u0000${override ?? '\u0001'}`;
  let hit = known.get(key);
  if (!hit) {
    if (known.size >= RESOLVED_PER_CATALOGUE) known.clear();
    hit = Object.freeze(resolveUncached(frontmatterModel, override, catalogue));
    known.set(key, hit);
  }
  return hit;
}

function resolveUncached(frontmatterModel: string | undefined, override: string | undefined, catalogue: Catalogue): ResolvedModel {
  const requested = override?.trim() || frontmatterModel?.trim() || undefined;
  const source: ResolvedModel['source'] = override?.trim() ? 'setting' : frontmatterModel?.trim() ? 'frontmatter' : 'none';
  if (!requested) {
    return {
      source,
      tokenizer: DEFAULT_ENCODING,
      encoding: DEFAULT_ENCODING,
      factor: 1,
      exact: true,
      chatFraming: false,
      unknown: false,
      hint: 'No model set (frontmatter `model:` or the setting promptWorkbench.tokens.model): counted with o200k_base, without a context window or price.',
    };
  }
  const name = normaliseModelName(requested);
  const hit = findEntry(catalogue.models, name);
  if (hit) {
    const { encoding, factor } = tokenizerSetup(hit.entry.tokenizer);
    const exact = !isEstimateFamily(hit.entry.tokenizer);
    return {
      requested,
      source,
      id: hit.id,
      entry: hit.entry,
      provider: hit.entry.provider,
      tokenizer: hit.entry.tokenizer,
      encoding,
      factor,
      exact,
      chatFraming: exact && hit.entry.provider === 'openai',
      unknown: false,
      hint: exact ? undefined : `${ESTIMATE_LABELS[hit.entry.tokenizer as EstimateFamily]}: ${PROVIDER_NAMES[hit.entry.provider] ?? hit.entry.provider} publishes no tokenizer that runs here, so the counts are approximate.`,
    };
  }
  const family = familyOf(name);
  const tokenizer = family?.tokenizer ?? DEFAULT_ENCODING;
  const { encoding, factor } = tokenizerSetup(tokenizer);
  const how = isEstimateFamily(tokenizer) ? ESTIMATE_LABELS[tokenizer] : family ? `${encoding} (the encoding of the ${family.provider} family)` : `${DEFAULT_ENCODING} (the default encoding)`;
  return {
    requested,
    source,
    provider: family?.provider,
    tokenizer,
    encoding,
    factor,
    // Only a name that certainly uses an OpenAI encoding counts exactly; anything else is a guess.
    exact: !!family?.exact,
    chatFraming: family?.provider === 'openai',
    unknown: true,
    hint: `\`${requested}\` is not in the model catalogue, so its context window and price are unknown; counted with ${how}. Add it to the setting promptWorkbench.models to get budgets and cost.`,
  };
}
