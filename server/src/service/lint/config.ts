// The project config file (`prompt-workbench.yaml`, or the older `.promptlintrc.yaml`): lint rule
// levels and options, custom helpers, skipped folders, token settings and test-run switches,
// zod-validated with problems placed on the YAML node at fault. For lint levels the precedence,
// lowest first, is the preset (`preset:` of the file, or the editor setting `promptWorkbench.lint.preset`
// / the CLI's `--preset`, else `recommended`), the file's `rules:`, the editor setting
// `promptWorkbench.lint.<id>` (unless `default`).
import * as path from 'node:path';
import { isMap, parseDocument, type Document, type Node, type Pair } from 'yaml';
import { z } from 'zod';
import type { PromptDiagnostic, Severity } from '../diagnostic';
import { closest } from '../suggest';
import type { Span } from '../text';
import { locate } from '../yamlPath';
import { DEFAULT_PRESET, isPreset, PRESETS, presetLevel, type Preset } from './presets';
import { LEVELS, type Level, type LintRule } from './types';

/** Project config file names, in the order they are looked for in one folder. */
export const CONFIG_FILE_NAMES = ['prompt-workbench.yaml', 'prompt-workbench.yml', '.promptlintrc.yaml', '.promptlintrc.yml'] as const;

/** The value of `promptWorkbench.lint.<id>` that defers to the config file and the rule's default. */
export const DEFAULT_SETTING = 'default';

/** A rule's level as an engine severity; `off` has none. The engine maps severities to LSP in `toLspDiagnostic`. */
export function severityFor(level: Level): Severity | undefined {
  return level === 'off' ? undefined : level;
}

/** SARIF's levels: `note` for hints and infos. */
export function sarifLevel(level: Level): 'none' | 'note' | 'warning' | 'error' {
  return level === 'off' ? 'none' : level === 'error' ? 'error' : level === 'warning' ? 'warning' : 'note';
}

export function isConfigFile(uriOrPath: string): boolean {
  const base = uriOrPath.slice(uriOrPath.replace(/\\/g, '/').lastIndexOf('/') + 1);
  return (CONFIG_FILE_NAMES as readonly string[]).includes(base);
}

const LevelSchema = z.enum(LEVELS as [Level, ...Level[]]);

const Budget = z.union([z.number().positive(), z.record(z.string(), z.number().positive())]);

/**
 * The file's shape. `rules:` maps rule ids to a level, or to `{ level, ...options }` (each rule's
 * options are checked with the rule's own schema below); the other sections are what the command
 * line must know as well as the editor.
 */
export const LintConfigFileSchema = z.strictObject({
  preset: z.enum(PRESETS as [Preset, ...Preset[]]).describe('The rule set to start from: `recommended` (the default) or `strict`; `rules:` changes single rules on top of it.').optional(),
  rules: z
    .record(z.string(), z.union([LevelSchema, z.looseObject({ level: LevelSchema.optional() })]))
    .describe('Lint rules by id: a level (`off`, `hint`, `info`, `warning`, `error`), or `{ level, ...options }` for a rule with options. Rules not named keep the preset\'s level.')
    .optional(),
  template: z
    .strictObject({
      helpers: z.array(z.string().min(1)).describe('Helpers your code registers (Dotprompt `defineHelper`): templates may use them without an `unknown-helper` warning.').optional(),
    })
    .describe('What the templates may use beside the built-in helpers.')
    .optional(),
  files: z
    .strictObject({
      exclude: z.array(z.string().min(1)).describe('Folders (a name such as `build`, or a glob such as `legacy/**`) skipped when looking for prompts, partials and fixture files, in addition to node_modules, .git, dist, out and .prompt-workbench.').optional(),
    })
    .describe('Which files the editor and the command line look at.')
    .optional(),
  tokens: z
    .strictObject({
      model: z.string().min(1).describe('The model tokens are counted for when a prompt names none (the setting `promptWorkbench.tokens.model` wins).').optional(),
      budget: Budget.describe('A token budget: a number for every prompt, or globs (relative to this file) to numbers (`{"agents/**": 8000}`); over it, `context-budget` reports.').optional(),
      warnAtShare: z.number().min(0).max(1).describe('Warn when a prompt takes more than this share of its model\'s context window (0 to 1; default 0.8).').optional(),
    })
    .describe('Token counting and budgets.')
    .optional(),
  fixtures: z
    .strictObject({
      allow: z.array(z.string().min(1)).describe('Paths or globs (relative to this file, or absolute) outside the project root that `file://` values of fixture files may read.').optional(),
      maxFileSize: z.number().int().positive().describe('The largest file (bytes) a `file://` value of a fixture file may read; 1 MB by default.').optional(),
    })
    .describe('What `file://` values of fixture files may read.')
    .optional(),
  schemas: z
    .record(z.string().regex(/^[A-Za-z_][\w.-]*$/, 'a schema name is a word such as `Answer`'), z.string().min(1))
    .describe('Named schemas, as your code registers them (Dotprompt `defineSchema`): a name to a JSON Schema file (`.json`, `.yaml`), relative to this file. Prompts name them in `input.schema` / `output.schema` or as a field\'s type.')
    .optional(),
  agents: z
    .strictObject({
      files: z.array(z.string().min(1)).describe('Globs (relative to the project root) of further agent instruction files, beside the built-in names (AGENTS.md, .github/copilot-instructions.md, *.instructions.md, *.prompt.md, *.agent.md, SKILL.md, CLAUDE.md, .cursor/rules/*.mdc).').optional(),
      alwaysLoaded: z.array(z.string().min(1)).describe('Globs (relative to the project root) of instruction files an agent sends with every request, beside the ones their names and frontmatter say (the root AGENTS.md and CLAUDE.md, copilot-instructions.md, `applyTo: "**"`, `alwaysApply: true`).').optional(),
      budget: z.number().int().positive().describe('Token budget of the always-loaded set: over it, each file of the set gets an `agents-budget` warning.').optional(),
      model: z.string().min(1).describe('The model instruction files are counted for (default: `tokens.model`, else the setting promptWorkbench.tokens.model, else o200k_base).').optional(),
    })
    .describe('Agent instruction files (AGENTS.md, *.instructions.md, SKILL.md, ...): more names, the always-loaded set and its budget.')
    .optional(),
  catalog: z
    .strictObject({
      statuses: z
        .strictObject({
          draft: z.string().min(1).optional(),
          review: z.string().min(1).optional(),
          approved: z.string().min(1).optional(),
          released: z.string().min(1).optional(),
          retired: z.string().min(1).optional(),
        })
        .describe('Your names for the lifecycle statuses `draft`, `review`, `approved`, `released` and `retired` (their order stays), e.g. `released: production`.')
        .optional(),
      defaults: z.record(z.string().min(1), z.string().min(1)).describe('The status of prompts that do not write one, by glob relative to this file (`prompts/prod/**: released`); the last matching glob wins. Else `draft`.').optional(),
      requireOwner: z.boolean().describe('`true` makes a prompt without an owner (in the file or CODEOWNERS) a finding of `lifecycle-missing-owner`.').optional(),
    })
    .describe('The prompt catalogue: the lifecycle\'s status names, default statuses by folder, whether every prompt needs an owner.')
    .optional(),
  testing: z
    .strictObject({
      javascript: z.boolean().describe('`false` skips `javascript` assertions in the editor and on the command line (the case\'s other assertions still count). They run in a sandbox either way.').optional(),
      maxPassRateDrop: z
        .number()
        .min(0, 'a drop in percentage points from 0 to 100')
        .max(100, 'a drop in percentage points from 0 to 100')
        .describe('`prompt-workbench test --baseline REV` fails when the pass rate of the working tree is more than this many percentage points below the base revision\'s (default 0: any drop fails). New failures fail it whatever this says.')
        .optional(),
    })
    .describe('Test runs: `javascript` assertions, the pull-request gate.')
    .optional(),
});

const TOP_KEYS = Object.keys(LintConfigFileSchema.shape);

/** One rule's entry after validation. */
export interface RuleEntry {
  level?: Level;
  options?: Record<string, unknown>;
}

export interface LintConfigFile {
  /** Where it was read from (a path or URI), for messages. */
  source?: string;
  /** `preset:`: the rule set `rules:` starts from (default `recommended`). */
  preset?: Preset;
  rules: Record<string, RuleEntry>;
  /** `template.helpers`: helper names registered in code. */
  helpers?: string[];
  /** `files.exclude`: folders skipped when looking for files, beside the built-in ones. */
  exclude?: string[];
  /** `tokens:`: the model counted for, a budget, the share of the window that warns. */
  tokens?: { model?: string; budget?: number | Record<string, number>; warnAtShare?: number };
  /** `fixtures:`: what `file://` values of fixture files may read beside the project root, and how much. */
  fixtures?: { allow?: string[]; maxFileSize?: number };
  /** `testing:`: test runs' switches. */
  testing?: { javascript?: boolean; maxPassRateDrop?: number };
  /** `agents:`: agent instruction files (further files, the always-loaded set, its budget and model). */
  agents?: { files?: string[]; alwaysLoaded?: string[]; budget?: number; model?: string };
  /** `catalog:`: lifecycle status names, default statuses by folder glob, whether owners are required. */
  catalog?: CatalogConfig;
  /** `schemas:`: schema names to JSON Schema files, relative to the config file (see schemas.ts). */
  schemas?: Record<string, string>;
}

export interface CatalogConfig {
  statuses?: Partial<Record<'draft' | 'review' | 'approved' | 'released' | 'retired', string>>;
  defaults?: Record<string, string>;
  requireOwner?: boolean;
}

/** The project config: the same file, by the name that says it holds more than lint settings. */
export type ProjectConfig = LintConfigFile;

export interface ConfigProblem {
  message: string;
  /** Offsets into the config file's text. */
  span: Span;
  severity: Severity;
}

export interface ParsedLintConfig {
  config: LintConfigFile;
  problems: ConfigProblem[];
}

function nodeSpan(node: Node | null | undefined, fallback: Span): Span {
  const r = node?.range;
  return r ? { start: r[0], end: Math.max(r[1], r[0] + 1) } : fallback;
}

function keySpan(pair: Pair<Node, Node | null> | undefined, fallback: Span): Span {
  return pair ? nodeSpan(pair.key, fallback) : fallback;
}

function levelMessage(value: unknown, where: string): string {
  const near = typeof value === 'string' && value ? (closest(value, LEVELS) ?? LEVELS.find((l) => l.startsWith(value.toLowerCase()))) : undefined;
  const got = typeof value === 'string' ? `"${value}"` : JSON.stringify(value) ?? String(value);
  return `${where}: expected one of ${LEVELS.join(', ')}; got ${got}.${near ? ` Did you mean "${near}"?` : ''}`;
}

function issueMessage(issue: z.core.$ZodIssue, where: string): string {
  if (issue.code === 'unrecognized_keys') return `${where}: unknown option${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((k) => `\`${k}\``).join(', ')}.`;
  if (issue.code === 'invalid_type') return `${where}: expected ${issue.expected === 'array' ? 'a list' : issue.expected === 'object' || issue.expected === 'record' ? 'a mapping' : `a ${issue.expected}`}.`;
  return `${where}: ${issue.message}.`;
}

/**
 * Parses and validates a config file's text. Never throws: every problem comes back with the
 * span of the YAML node at fault, and the valid rule entries are kept.
 */
export function parseLintConfig(text: string, rules: readonly LintRule<any>[], source?: string): ParsedLintConfig {
  const problems: ConfigProblem[] = [];
  const config: LintConfigFile = { source, rules: {} };
  const whole: Span = { start: 0, end: Math.min(text.length, Math.max(1, text.indexOf('\n') < 0 ? text.length : text.indexOf('\n'))) };
  let doc: Document;
  try {
    doc = parseDocument(text, { uniqueKeys: true, prettyErrors: false });
  } catch (e) {
    problems.push({ message: `This config file cannot be read as YAML: ${e instanceof Error ? e.message : String(e)}`, span: whole, severity: 'error' });
    return { config, problems };
  }
  for (const err of doc.errors) {
    const [a, b] = err.pos;
    problems.push({ message: `YAML syntax: ${err.message.split('\n')[0]}`, span: { start: a, end: Math.max(b, a + 1) }, severity: 'error' });
  }
  if (doc.errors.length) return { config, problems };
  let value: unknown;
  try {
    value = doc.toJS({ maxAliasCount: 100 });
  } catch (e) {
    problems.push({ message: `This config file cannot be read: ${e instanceof Error ? e.message : String(e)}`, span: whole, severity: 'error' });
    return { config, problems };
  }
  if (value === null || value === undefined) return { config, problems };
  if (!isMap(doc.contents)) {
    problems.push({ message: 'A project config is a mapping with keys such as `rules:`, e.g. `rules:\\n  vague-language: off`.', span: nodeSpan(doc.contents as Node, whole), severity: 'error' });
    return { config, problems };
  }

  const shape = LintConfigFileSchema.safeParse(value);
  if (!shape.success) {
    for (const issue of shape.error.issues) {
      const p = issue.path as PropertyKey[];
      if (issue.code === 'unrecognized_keys') {
        const known = p.length === 0 ? TOP_KEYS : Object.keys(((LintConfigFileSchema.shape as Record<string, z.ZodType>)[String(p[0])] as unknown as { unwrap(): z.ZodObject }).unwrap().shape);
        for (const key of issue.keys) {
          const near = closest(key, known);
          const where = p.length ? `\`${p.map(String).join('.')}:\`` : 'the project config';
          problems.push({ message: `Unknown key \`${key}\` in ${where}: it has ${known.map((k) => `\`${k}\``).join(', ')}.${near ? ` Did you mean \`${near}\`?` : ''}`, span: keySpan(locate(doc, [...p, key] as string[]).pair, whole), severity: 'error' });
        }
      } else if (p.length === 1 && p[0] === 'preset') {
        const got = (value as { preset?: unknown }).preset;
        const near = typeof got === 'string' && got ? closest(got, PRESETS) : undefined;
        problems.push({ message: `\`preset\`: expected one of ${PRESETS.join(', ')}; got ${typeof got === 'string' ? `"${got}"` : JSON.stringify(got)}.${near ? ` Did you mean "${near}"?` : ''}`, span: nodeSpan(locate(doc, ['preset']).node, whole), severity: 'error' });
      } else if (p.length === 1 && p[0] === 'rules') {
        problems.push({ message: '`rules:` is a mapping of rule ids to levels, e.g. `vague-language: off`.', span: nodeSpan(locate(doc, ['rules']).node, whole), severity: 'error' });
      } else if (p.length && p[0] !== 'rules') {
        problems.push({ message: issueMessage(issue, `\`${p.map(String).join('.')}\``), span: nodeSpan(locate(doc, p as string[]).node, whole), severity: 'error' });
      }
      // Entry-level issues are reported below with the rule's own schema.
    }
  }

  // Each section applies when it is valid on its own, as rule entries do.
  const preset = (value as { preset?: unknown }).preset;
  if (isPreset(preset)) config.preset = preset;
  const sections = value as { template?: unknown; files?: unknown; tokens?: unknown; testing?: unknown };
  const helpers = LintConfigFileSchema.shape.template.safeParse(sections.template);
  if (helpers.success && helpers.data?.helpers) config.helpers = helpers.data.helpers;
  const files = LintConfigFileSchema.shape.files.safeParse(sections.files);
  if (files.success && files.data?.exclude) config.exclude = files.data.exclude;
  const tokens = LintConfigFileSchema.shape.tokens.safeParse(sections.tokens);
  if (tokens.success && tokens.data) config.tokens = tokens.data;
  const fixtures = LintConfigFileSchema.shape.fixtures.safeParse((value as { fixtures?: unknown }).fixtures);
  if (fixtures.success && fixtures.data) config.fixtures = fixtures.data;
  const agents = LintConfigFileSchema.shape.agents.safeParse((value as { agents?: unknown }).agents);
  if (agents.success && agents.data) config.agents = agents.data;
  const testing = LintConfigFileSchema.shape.testing.safeParse(sections.testing);
  if (testing.success && testing.data) config.testing = testing.data;
  const catalog = LintConfigFileSchema.shape.catalog.safeParse((value as { catalog?: unknown }).catalog);
  if (catalog.success && catalog.data) {
    const names = { draft: 'draft', review: 'review', approved: 'approved', released: 'released', retired: 'retired', ...catalog.data.statuses };
    const known = Object.values(names);
    const seen = new Set<string>();
    for (const [role, name] of Object.entries(names)) {
      if (seen.has(name)) problems.push({ message: `\`catalog.statuses.${role}\`: "${name}" names another status too; each status needs its own name.`, span: nodeSpan(locate(doc, ['catalog', 'statuses', role]).node, whole), severity: 'error' });
      seen.add(name);
    }
    for (const [glob, status] of Object.entries(catalog.data.defaults ?? {})) {
      if (known.includes(status)) continue;
      const near = closest(status, known);
      problems.push({ message: `\`catalog.defaults\`: "${status}" is not a status; the statuses are ${known.join(', ')}.${near ? ` Did you mean "${near}"?` : ''}`, span: nodeSpan(locate(doc, ['catalog', 'defaults', glob]).node, whole), severity: 'error' });
    }
    config.catalog = catalog.data;
  }
  const schemas = LintConfigFileSchema.shape.schemas.safeParse((value as { schemas?: unknown }).schemas);
  if (schemas.success && schemas.data) config.schemas = schemas.data;

  const rulesNode = locate(doc, ['rules']).node;
  const raw = (value as { rules?: unknown }).rules;
  if (!isMap(rulesNode) || !raw || typeof raw !== 'object' || Array.isArray(raw)) return { config, problems };
  const byId = new Map(rules.map((r) => [r.id, r]));
  for (const [id, entry] of Object.entries(raw as Record<string, unknown>)) {
    const located = locate(doc, ['rules', id]);
    const rule = byId.get(id);
    if (!rule) {
      const near = closest(id, byId.keys());
      problems.push({ message: `Unknown rule \`${id}\`.${near ? ` Did you mean \`${near}\`?` : ''} The rules are listed in docs/rules/README.md.`, span: keySpan(located.pair, whole), severity: 'error' });
      continue;
    }
    const valueSpan = nodeSpan(located.node, keySpan(located.pair, whole));
    if (typeof entry === 'string' || entry === null || typeof entry !== 'object' || Array.isArray(entry)) {
      if (typeof entry === 'string' && (LEVELS as readonly string[]).includes(entry)) config.rules[id] = { level: entry as Level };
      else problems.push({ message: levelMessage(entry, `\`${id}\``), span: valueSpan, severity: 'error' });
      continue;
    }
    const { level, ...options } = entry as Record<string, unknown>;
    let ok = true;
    if (level !== undefined && !(typeof level === 'string' && (LEVELS as readonly string[]).includes(level))) {
      problems.push({ message: levelMessage(level, `\`${id}.level\``), span: nodeSpan(locate(doc, ['rules', id, 'level']).node, valueSpan), severity: 'error' });
      ok = false;
    }
    let parsedOptions: Record<string, unknown> | undefined;
    if (Object.keys(options).length) {
      if (!rule.options) {
        const first = Object.keys(options)[0];
        problems.push({ message: `\`${id}\` has no options; write \`${id}: <level>\` or \`level: <level>\` only.`, span: keySpan(locate(doc, ['rules', id, first]).pair, valueSpan), severity: 'error' });
        ok = false;
      } else {
        const r = rule.options.safeParse(options);
        if (r.success) parsedOptions = r.data as Record<string, unknown>;
        else {
          ok = false;
          for (const issue of r.error.issues) {
            const p = issue.path as PropertyKey[];
            const at = issue.code === 'unrecognized_keys' ? keySpan(locate(doc, ['rules', id, ...p, issue.keys[0]]).pair, valueSpan) : nodeSpan(locate(doc, ['rules', id, ...p]).node, valueSpan);
            problems.push({ message: issueMessage(issue, `\`${[id, ...p.map(String)].join('.')}\``), span: at, severity: 'error' });
          }
        }
      }
    }
    if (ok) config.rules[id] = { level: level as Level | undefined, options: parsedOptions };
  }
  return { config, problems };
}

/** The config file's problems as engine diagnostics (the server publishes them for the open file). */
export function configDiagnostics(problems: ConfigProblem[]): PromptDiagnostic[] {
  return problems.map((p) => ({ code: 'lint-config', severity: p.severity, message: p.message, span: p.span }));
}

/** Each rule's level and options, after the config file and the editor settings are applied. */
export interface ResolvedLintConfig {
  /** The preset the levels start from (set by `resolveLintConfig`). */
  preset?: Preset;
  levels: Record<string, Level>;
  options: Record<string, Record<string, unknown>>;
  /** The config file that was applied, if any (for messages). */
  source?: string;
}

/**
 * `promptWorkbench.lint.<id>` values: a level, or `default` to defer to the config file; and
 * `preset` (`promptWorkbench.lint.preset`, or the CLI's `--preset`): a preset, or `default` for
 * the config file's.
 */
export type LintSettings = Record<string, string | undefined>;

/** The preset that applies: the setting's (unless `default`), else the config file's, else `recommended`. */
export function presetOf(file?: LintConfigFile, settings?: LintSettings): Preset {
  const setting = settings?.preset;
  return isPreset(setting) ? setting : (file?.preset ?? DEFAULT_PRESET);
}

export function resolveLintConfig(rules: readonly LintRule<any>[], file?: LintConfigFile, settings?: LintSettings): ResolvedLintConfig {
  const levels: Record<string, Level> = {};
  const options: Record<string, Record<string, unknown>> = {};
  const preset = presetOf(file, settings);
  for (const rule of rules) {
    const entry = file?.rules[rule.id];
    const setting = settings?.[rule.id];
    levels[rule.id] = setting && setting !== DEFAULT_SETTING && (LEVELS as readonly string[]).includes(setting) ? (setting as Level) : (entry?.level ?? presetLevel(rule, preset));
    options[rule.id] = entry?.options ?? (rule.options ? ((rule.options.safeParse({}).data as Record<string, unknown> | undefined) ?? {}) : {});
  }
  return { preset, levels, options, source: file?.source };
}

/**
 * The config file that applies to a file in `dir`: the nearest `.promptlintrc.yaml` (or `.yml`)
 * in `dir` or a parent folder, up to `stopAt` (the workspace folder or repository root) or, when
 * `stopAt` is not an ancestor, the filesystem root. `exists` is the caller's view of the files.
 */
export function findLintConfig(dir: string, stopAt: string | undefined, exists: (file: string) => boolean): string | undefined {
  let current = path.resolve(dir);
  const stop = stopAt ? path.resolve(stopAt) : undefined;
  const stopIsAncestor = !!stop && (current === stop || current.startsWith(stop.endsWith(path.sep) ? stop : stop + path.sep));
  for (;;) {
    for (const name of CONFIG_FILE_NAMES) {
      const candidate = path.join(current, name);
      if (exists(candidate)) return candidate;
    }
    if (stopIsAncestor && current === stop) return undefined;
    const parent = path.dirname(current);
    if (parent === current) return undefined;
    current = parent;
  }
}

/** A readable form of a problem for the CLI: `file:line:col: message`. */
export function formatConfigProblem(file: string, text: string, p: ConfigProblem): string {
  const before = text.slice(0, p.span.start);
  const line = before.split('\n').length;
  const col = p.span.start - (before.lastIndexOf('\n') + 1) + 1;
  return `${file}:${line}:${col}: ${p.message}`;
}

export type { Level };
