// Agent instruction files (`AGENTS.md`, `.github/copilot-instructions.md`, `*.instructions.md`,
// `*.prompt.md`, `*.agent.md`, `SKILL.md`, `CLAUDE.md`, `.cursor/rules/*.mdc`): Markdown that coding
// and chat agents send to the model. The format's one message is the body; it has no template
// language (the text is sent as written) and no renderer beyond the text itself.
import { AGENT_INSTRUCTION_PATTERNS } from '../../../languages';
import type { FormatSchema, KeyInfo, PromptFormat, TemplateLanguage } from '../types';
import { AGENTS_ID, agentInfo, agentKindOf, parseAgentFile } from './parse';
import { AgentFrontmatterSchema, KNOWN_FIELDS } from './schema';
import { importsOf, importTarget, linksOf, linkTarget, type MarkdownLink } from './markdown';

export { AGENTS_ID, agentInfo, agentKindOf, KIND_LABELS, matchesEverything, parseAgentFile, type AgentFileInfo, type AgentFileKind } from './parse';
export { headingsOf, importsOf, importTarget, LINK_SCHEME, linksOf, linkTarget, sectionsOf, PATTERNS as MARKDOWN_PATTERNS, type Heading, type MarkdownLink, type Section } from './markdown';
export { KNOWN_FIELDS } from './schema';

/**
 * The built-in file names, as globs relative to a workspace folder: `AGENT_INSTRUCTION_PATTERNS` of
 * languages.ts, plus the same names inside the dot folders the tools use (`.github/instructions/`,
 * `.github/prompts/`, `.claude/skills/`, ...), which a search's `**` does not enter.
 */
export const AGENT_FILE_PATTERNS = [
  ...AGENT_INSTRUCTION_PATTERNS,
  '.github/copilot-instructions.md',
  '.github/**/*.instructions.md',
  '.github/**/*.prompt.md',
  '.github/**/*.agent.md',
  '.github/**/*.chatmode.md',
  '.github/agents/*.md',
  '.github/**/SKILL.md',
  '.claude/**/SKILL.md',
  '.agents/**/SKILL.md',
  '.cursor/**/SKILL.md',
  '.claude/**/CLAUDE.md',
  '.cursor/rules/**/*.mdc',
];

let keys: KeyInfo | undefined;
function keyTree(): KeyInfo {
  if (keys) return keys;
  const json = z_json();
  const root: KeyInfo = { key: '', path: [], description: '', type: 'mapping', open: true, children: new Map() };
  for (const [k, s] of Object.entries<Record<string, any>>(json.properties ?? {})) {
    const type = Array.isArray(s.anyOf) ? s.anyOf.map((x: Record<string, any>) => (x.type === 'array' ? `${x.items?.type ?? 'any'}[]` : x.type)).join(' | ') : s.type === 'array' ? `${s.items?.type ?? 'any'}[]` : (s.type ?? 'any');
    root.children!.set(k, { key: k, path: [k], description: s.description ?? '', type, open: true });
  }
  return (keys = root);
}

let jsonMemo: Record<string, any> | undefined;
function z_json(): Record<string, any> {
  return (jsonMemo ??= AgentFrontmatterSchema.toJSONSchema() as Record<string, any>);
}

const schema: FormatSchema = {
  zod: AgentFrontmatterSchema,
  jsonSchema: () => z_json(),
  keyInfoAt: (path) => {
    let node: KeyInfo | undefined = keyTree();
    for (const seg of path) {
      if (typeof seg === 'number') continue;
      node = node?.children?.get(seg);
      if (!node) return undefined;
    }
    return node;
  },
  modelFamily: () => undefined,
  valueDoc: () => undefined,
  valueCompletions: () => undefined,
  unlistedKeyDoc: () => undefined,
  // A skill is offered the skill's fields, a Cursor rule its three, ...; a kind whose tool
  // documents no fields (AGENTS.md, CLAUDE.md) is offered them all.
  offersKey: (doc, path, key) => {
    const kind = agentInfo(doc)?.kind;
    const known = kind && KNOWN_FIELDS[kind];
    return path.length > 0 || !known?.length || known.includes(key);
  },
  inputsLabel: 'no inputs (the text is sent as written)',
};

const template: TemplateLanguage = { id: 'plain', name: 'Markdown, sent as written', helpers: [], helper: () => undefined, dataVariables: [], roles: ['system'], partials: false };

export const agentInstructions: PromptFormat = {
  id: AGENTS_ID,
  displayName: 'Agent instructions',
  // No language of its own: VS Code's ids (`prompt`, `instructions`, `chatagent`, `skill`, `markdown`)
  // are attached with path patterns by the client (languages.ts).
  languageIds: [],
  filePatterns: AGENT_FILE_PATTERNS,
  detect: (uri) => agentKindOf(uri) !== undefined,
  parse: (text, uri, version, options) => parseAgentFile(text, uri, version, options),
  schema,
  template,
  check: () => [],
  unframed: true,
  // The agent sends the body as it is written.
  render: async (doc) => ({ values: {}, messages: doc.prompt.messages.map((m) => ({ role: m.role, text: doc.text.slice(m.contentSpan.start, m.contentSpan.end) })) }),
  keyPath: (fact) => (fact === 'model' ? 'model' : fact === 'tools' ? 'tools' : undefined),
  features: {
    // A relative link (`[setup](docs/setup.md)`) or, in a CLAUDE.md / GEMINI.md, an `@path` import
    // goes to the file it names.
    definition: (doc, offset) => {
      const info = agentInfo(doc);
      if (!info || doc.notice) return [];
      // An import's span leaves out its `@`, which is part of what the cursor may be on.
      const at = (l: MarkdownLink, lead = 0) => offset >= l.span.start - lead && offset <= l.span.end;
      const link = linksOf(doc.text, info.body.start, info.body.end).find((l) => at(l));
      const imported = !link && (info.kind === 'claude' || info.kind === 'gemini') ? importsOf(doc.text, info.body.start, info.body.end).find((l) => at(l, 1)) : undefined;
      const uri = link ? linkTarget(doc.uri, link.target) : imported ? importTarget(doc.uri, imported.target) : undefined;
      return uri ? [{ uri, range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } } }] : [];
    },
  },
};
