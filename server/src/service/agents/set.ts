// The workspace's agent instruction files and the always-loaded set: the files an agent sends with
// every request, summed and checked against the project's budget. Everything outside the texts goes
// through the workspace host (searches, reads, change events), with a cancellation token; the
// parsed files are kept per URI until the host says the file changed, so a recount after an edit
// parses and counts the edited file only (and the tokenizer's chunk cache counts about the edited
// chunk of it).
import type { PromptDocument } from '../document';
import { AGENT_FILE_PATTERNS, agentInfo, agentKindOf, importsOf, KIND_LABELS, matchesEverything, parseAgentFile, type AgentFileKind } from '../formats/registry';
import { importTarget } from '../lint/broken-link';
import { throwIfCancelled, type CancellationLike, type WorkspaceHost } from '../host';
import type { TokenOptions } from '../tokens/count';
import { ESTIMATE_LABELS, isEstimateFamily, type ResolvedModel } from '../tokens/catalogue';
import { agentFileTokens, type SectionTokens } from './count';
import { agentFileGlobs, globMatcher, relativePath } from './glob';

/** When the agent sends a file. */
export type Loading =
  /** With every request: the always-loaded set. */
  | 'always'
  /** With requests about a folder (a nested `AGENTS.md` / `CLAUDE.md`). */
  | 'folder'
  /** With requests about the files its `applyTo` / `globs` match. */
  | 'matching'
  /** When the user or the agent chooses it (prompt files, custom agents, skills, rules without globs). */
  | 'on-demand';

/** The `agents:` section of the project config. */
export interface AgentsConfig {
  files?: readonly string[];
  alwaysLoaded?: readonly string[];
  budget?: number;
  model?: string;
}

export interface AgentFileEntry {
  uri: string;
  /** The path relative to the root, with `/`. */
  path: string;
  kind: AgentFileKind;
  kindLabel: string;
  loading: Loading;
  /** Why it loads that way, in words (`applyTo: "**"`, `at the project root`). */
  reason: string;
  /**
   * Its tokens; undefined when it was not read: a file outside the always-loaded set whose name
   * says so, unless every file was asked for (`all`) or it is open.
   */
  tokens?: number;
  estimated: boolean;
  sections?: SectionTokens[];
  /** `applyTo` / `globs` as written, when the file has them. */
  applyTo?: string[];
  /** The parsed file, when it was read. */
  doc?: PromptDocument;
  /** What its tokens were counted for and how, when it was read. */
  counting?: Counting;
}

/** What a count was made for and how: the model (or the encoding, when none is named) and the tokenizer. */
export interface Counting {
  /** The catalogue id of the model, else the name as written, else the encoding (`o200k_base`) when no model is named. */
  model: string;
  /** Where the model comes from: the file's own `model:`, the settings (`--model`, `agents.model`, `tokens.model`), or none. */
  source: ResolvedModel['source'];
  /** How: `o200k_base` (exact), or the estimate's label (`Claude estimate (o200k_base × 1.20)`). */
  how: string;
  /** True when the counts are exact for that model. */
  exact: boolean;
}

/** A group of the set's files counted the same way, with how many they are. */
export interface CountingGroup extends Counting {
  files: number;
}

/** How a resolved model counts, in words. */
export function countingOf(model: ResolvedModel): Counting {
  const name = model.id ?? model.requested ?? model.encoding;
  if (model.exact) return { model: name, source: model.source, how: model.encoding, exact: true };
  const how = isEstimateFamily(model.tokenizer) ? ESTIMATE_LABELS[model.tokenizer] : `${model.encoding} (an estimate: the model's own tokenizer is unknown)`;
  return { model: name, source: model.source, how, exact: false };
}

export interface AgentSet {
  /** The root the paths are relative to (a folder URI). */
  root: string;
  /**
   * The model counted for (its catalogue id, else the name given, else the tokenizer); when the
   * files were counted for different models (a prompt file's own `model:`), the most common one.
   */
  model: string;
  /** Each way the files that were read were counted, the most files first. */
  counting: CountingGroup[];
  files: AgentFileEntry[];
  /** The files sent with every request, in path order. */
  always: AgentFileEntry[];
  /** Their tokens, summed. */
  total: number;
  estimated: boolean;
  budget?: number;
  /** Tokens over the budget (0 when within it or without one). */
  over: number;
}

/**
 * How a file loads when its name and place say it (undefined when its frontmatter decides:
 * `*.instructions.md`, `.mdc`), so a file outside the always-loaded set need not be read to know it.
 */
export function loadingByName(kind: AgentFileKind, path: string, config: AgentsConfig = {}): { loading: Loading; reason: string } | undefined {
  if (config.alwaysLoaded?.some((g) => globMatcher(g)(path))) return { loading: 'always', reason: 'agents.alwaysLoaded of the project config' };
  if (kind === 'instructions' || kind === 'cursor-rule') return undefined;
  const atRoot = !path.includes('/');
  const folder = path.includes('/') ? path.slice(0, path.lastIndexOf('/')) : '';
  switch (kind) {
    case 'agents-md':
    case 'claude':
    case 'gemini':
      return atRoot ? { loading: 'always', reason: 'at the project root' } : { loading: 'folder', reason: `for work in ${folder}/` };
    case 'copilot-instructions': {
      // Copilot reads the root's `.github/copilot-instructions.md` with every request; a nested one
      // (`pkg/.github/...`) only for work in its folder (Copilot CLI), and VS Code not at all.
      const owner = nestedOwner(path, '.github/');
      return owner === undefined ? { loading: 'always', reason: 'every Copilot request' } : { loading: 'folder', reason: `for work in ${owner}/` };
    }
    case 'skill':
      return { loading: 'on-demand', reason: 'read when the skill is used' };
    case 'prompt':
      return { loading: 'on-demand', reason: 'run as a command' };
    case 'agent':
      return { loading: 'on-demand', reason: 'used when chosen' };
    default:
      return { loading: 'on-demand', reason: 'agents.files of the project config' };
  }
}

/** How a file loads, from its kind, place and frontmatter, and the project's `agents.alwaysLoaded`. */
export function loadingOf(doc: PromptDocument, path: string, config: AgentsConfig = {}): { loading: Loading; reason: string } {
  const info = agentInfo(doc);
  if (!info) return loadingByName('other', path, config) ?? { loading: 'on-demand', reason: 'not an instruction file' };
  const byName = loadingByName(info.kind, path, config);
  if (byName) return byName;
  const globs = info.applyTo?.value;
  // A rule in a nested `.cursor/rules/` (`pkg/.cursor/rules/x.mdc`) is attached for work in that
  // folder, and a nested `.github/instructions/` is read for work there: "always" is that folder's.
  const owner = nestedOwner(path, info.kind === 'cursor-rule' ? '.cursor/rules/' : '.github/instructions/');
  const everywhere = (reason: string) => (owner === undefined ? { loading: 'always' as const, reason } : { loading: 'folder' as const, reason: `${reason}, for work in ${owner}/` });
  if (info.kind === 'cursor-rule') {
    if (info.alwaysApply) return everywhere('alwaysApply: true');
    if (globs && matchesEverything(globs)) return everywhere(`globs: "${globs.join(',')}"`);
    return globs?.length ? { loading: 'matching', reason: `globs: "${globs.join(',')}"` } : { loading: 'on-demand', reason: 'chosen by the agent from its description' };
  }
  // Copilot reads `*.instructions.md` from `.github/instructions/` (VS Code: the folders of its
  // `chat.instructionsFilesLocations` setting, that one by default); one elsewhere is attached by hand.
  if (!path.startsWith('.github/instructions/') && !path.includes('/.github/instructions/')) {
    return { loading: 'on-demand', reason: 'outside .github/instructions/: attached by hand (agents.alwaysLoaded of the project config names a folder VS Code is set to read)' };
  }
  if (globs && matchesEverything(globs)) return everywhere(`applyTo: "${globs.join(',')}"`);
  return globs?.length ? { loading: 'matching', reason: `applyTo: "${globs.join(',')}"` } : { loading: 'on-demand', reason: 'no applyTo: attached by hand' };
}

/**
 * The folder a tool's dot folder sits in when it is not the root's: `pkg` for
 * `pkg/.github/copilot-instructions.md` and `.github/`; undefined at the root (or elsewhere).
 */
function nestedOwner(path: string, dotFolder: string): string | undefined {
  if (path.startsWith(dotFolder)) return undefined;
  const at = path.lastIndexOf(`/${dotFolder}`);
  return at > 0 ? path.slice(0, at) : undefined;
}

/** How many hops of `@path` imports are followed from a CLAUDE.md or GEMINI.md (Claude Code's limit). */
export const MAX_IMPORT_HOPS = 5;

/**
 * The agent instruction files under one root, parsed and counted, kept between calls: a file is
 * read and parsed again only after the host reports a change to it (an edit, a save, a watcher
 * event); the file list is searched again after a file is created or deleted.
 */
export class AgentFiles {
  private list = new Map<string, Promise<string[]>>();
  private readonly docs = new Map<string, { text: string; doc: PromptDocument }>();
  private readonly subscription: { dispose(): void };

  constructor(private readonly host: WorkspaceHost) {
    this.subscription = host.onDidChange((uri, kind) => {
      this.docs.delete(uri);
      if (kind !== 'changed') this.list.clear();
    });
  }

  dispose(): void {
    this.subscription.dispose();
  }

  /** The files of the built-in names and `agents.files`, under `root`. */
  async uris(root: string, config: AgentsConfig = {}, token?: CancellationLike): Promise<string[]> {
    // `agents.files` globs stay under the root: one that climbs out (`..`) or is absolute is left out.
    const globs = [...AGENT_FILE_PATTERNS, ...agentFileGlobs(config.files)];
    const key = `${root}\u0000${globs.join('\u0000')}`;
    let p = this.list.get(key);
    if (!p) {
      p = this.host.findFiles(globs, { roots: [root], token });
      this.list.set(key, p);
      p.catch(() => this.list.delete(key));
    }
    return p;
  }

  /** The parsed file: from memory while the host reported no change, else read through the host. */
  async document(uri: string, open?: PromptDocument): Promise<PromptDocument | undefined> {
    if (open) return open;
    const hit = this.docs.get(uri);
    if (hit) return hit.doc;
    let text: string;
    try {
      text = await this.host.readText(uri);
    } catch {
      return undefined;
    }
    const doc = parseAgentFile(text, uri, 0, {}, agentKindOf(uri) ?? 'other');
    this.docs.set(uri, { text, doc });
    return doc;
  }

  /**
   * The files an always-loaded CLAUDE.md or GEMINI.md imports (`@path`), and the files they import,
   * up to `MAX_IMPORT_HOPS` hops as Claude Code follows them: their text is in the context too, so
   * they join the always-loaded set (a file already in the list is not added twice). Only files
   * under `root` are read; a missing one is `broken-link`'s to report.
   */
  private async addImports(root: string, files: AgentFileEntry[], counting: TokenOptions, token?: CancellationLike): Promise<void> {
    const listed = new Set(files.map((f) => f.uri));
    const under = root.endsWith('/') ? root : `${root}/`;
    const queue = files.filter((f) => f.loading === 'always' && f.doc && (f.kind === 'claude' || f.kind === 'gemini')).map((f) => ({ file: f, hops: 0 }));
    for (let q = 0; q < queue.length; q++) {
      const { file, hops } = queue[q];
      const info = file.doc && agentInfo(file.doc);
      if (!info || hops >= MAX_IMPORT_HOPS) continue;
      for (const imported of importsOf(file.doc!.text, info.body.start, info.body.end)) {
        throwIfCancelled(token);
        const uri = importTarget(file.uri, imported.target);
        if (!uri || !uri.startsWith(under) || listed.has(uri)) continue;
        // An instruction file by its name is watched (kept until the host reports a change); any
        // other imported file (`docs/style.md`) is not, so it is read afresh each time.
        const doc = agentKindOf(uri) ? await this.document(uri) : await this.host.readText(uri).then((text) => parseAgentFile(text, uri, 0, {}, 'other'), () => undefined);
        const t = doc && agentFileTokens(doc, counting);
        if (!doc || !t) continue;
        listed.add(uri);
        const kind = agentInfo(doc)?.kind ?? 'other';
        const entry: AgentFileEntry = { uri, path: relativePath(root, uri), kind, kindLabel: KIND_LABELS[kind], loading: 'always', reason: `imported by ${file.path}`, tokens: t.tokens, estimated: t.estimated, sections: t.sections, doc, counting: countingOf(t.model) };
        files.push(entry);
        queue.push({ file: entry, hops: hops + 1 });
      }
    }
  }

  /**
   * Every instruction file under `root`, counted, and the always-loaded set summed against
   * `agents.budget`. `open` gives the editor's current parse of open documents (their unsaved text).
   */
  async set(root: string, config: AgentsConfig = {}, tokens: TokenOptions = {}, options: { token?: CancellationLike; open?: (uri: string) => PromptDocument | undefined; all?: boolean } = {}): Promise<AgentSet> {
    const uris = await this.uris(root, config, options.token);
    const files: AgentFileEntry[] = [];
    const counting: TokenOptions = { ...tokens, model: config.model ?? tokens.model };
    for (const uri of uris) {
      throwIfCancelled(options.token);
      const path = relativePath(root, uri);
      const kind = agentKindOf(uri) ?? 'other';
      const byName = loadingByName(kind, path, config);
      const opened = options.open?.(uri);
      const open = opened && agentInfo(opened) ? opened : undefined;
      // A file whose name says it is not in the set is read only when asked for, or open anyway.
      if (byName && byName.loading !== 'always' && !options.all && !open) {
        files.push({ uri, path, kind, kindLabel: KIND_LABELS[kind], ...byName, estimated: false });
        continue;
      }
      const doc = await this.document(uri, open);
      if (!doc) continue;
      const t = agentFileTokens(doc, counting)!;
      const { loading, reason } = byName ?? loadingOf(doc, path, config);
      const info = agentInfo(doc)!;
      files.push({ uri, path, kind: info.kind, kindLabel: KIND_LABELS[info.kind], loading, reason, tokens: t.tokens, estimated: t.estimated, sections: t.sections, applyTo: info.applyTo?.value, doc, counting: countingOf(t.model) });
    }
    await this.addImports(root, files, counting, options.token);
    const always = files.filter((f) => f.loading === 'always');
    const total = always.reduce((s, f) => s + (f.tokens ?? 0), 0);
    const budget = config.budget;
    const groups = countingGroups(files);
    return { root, model: groups[0]?.model ?? counting.model ?? 'o200k_base', counting: groups, files, always, total, estimated: always.some((f) => f.estimated), budget, over: budget && total > budget ? total - budget : 0 };
  }
}

/** The ways the files were counted, grouped, the most files first (then in the order first seen). */
export function countingGroups(files: readonly AgentFileEntry[]): CountingGroup[] {
  const groups = new Map<string, CountingGroup>();
  for (const f of files) {
    if (!f.counting) continue;
    const key = `${f.counting.model}\u0000${f.counting.how}`;
    const g = groups.get(key);
    if (g) g.files++;
    else groups.set(key, { ...f.counting, files: 1 });
  }
  return [...groups.values()].sort((a, b) => b.files - a.files);
}
