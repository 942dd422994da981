// The editor languages of the prompt formats, in one place that both the client (document
// selectors, status item, commands that act on the active prompt) and the engine's formats
// (`PromptFormat.languageIds`) read, so a format adds its language once. Plain data: the client
// bundle imports it without the engine. `test/unit/languages.test.ts` keeps it equal to
// package.json's `contributes.languages` and to the registered formats.

/** Every prompt language id the extension contributes. */
export const PROMPT_LANGUAGES = ['dotprompt', 'prompty', 'github-models-prompt'] as const;

export type PromptLanguageId = (typeof PROMPT_LANGUAGES)[number];

/** Whether a VS Code language id is one of the prompt formats'. */
export function isPromptLanguage(languageId: string): boolean {
  return (PROMPT_LANGUAGES as readonly string[]).includes(languageId);
}

// ---- agent instruction files ----
// Files that coding and chat agents send with their requests (`AGENTS.md`, Copilot's
// `*.instructions.md`, `CLAUDE.md`, Cursor's `.mdc` rules, ...). The extension contributes no
// language for them: VS Code gives them its own ids (`prompt` for `*.prompt.md`, `instructions`,
// `chatagent` for `*.agent.md`, `skill`, else `markdown`), and the language client attaches to
// those ids on these paths only, so an ordinary Markdown file never reaches the server.
// `test/unit/agents.test.ts` keeps the patterns equal to the engine's format.

/** The editor language ids VS Code (or an extension) may give an agent instruction file; `plaintext` for `.mdc` without a Cursor extension. */
export const AGENT_INSTRUCTION_LANGUAGES = ['markdown', 'prompt', 'instructions', 'chatagent', 'skill', 'plaintext', 'mdc'] as const;

/** The built-in names of agent instruction files, as globs relative to a workspace folder. */
export const AGENT_INSTRUCTION_PATTERNS = [
  '**/AGENTS.md',
  '**/.github/copilot-instructions.md',
  '**/*.instructions.md',
  '**/*.prompt.md',
  '**/*.agent.md',
  '**/*.chatmode.md',
  '**/.github/agents/*.md',
  '**/SKILL.md',
  '**/CLAUDE.md',
  '**/GEMINI.md',
  '**/.cursor/rules/**/*.mdc',
] as const;

/** Whether a path (or URI) has the name of an agent instruction file (the built-in names only). */
export function isAgentInstructionPath(pathOrUri: string): boolean {
  const p = pathOrUri.replace(/[?#].*$/, '').replace(/\\/g, '/');
  const base = p.slice(p.lastIndexOf('/') + 1);
  if (base === 'AGENTS.md' || base === 'SKILL.md' || base === 'CLAUDE.md' || base === 'GEMINI.md') return true;
  if (/\.(?:instructions|prompt|agent|chatmode)\.md$/.test(base)) return true;
  if (/(?:^|\/)\.github\/agents\/[^/]+\.md$/.test(p)) return true;
  if (base === 'copilot-instructions.md' && /(?:^|\/)\.github\/copilot-instructions\.md$/.test(p)) return true;
  return base.endsWith('.mdc') && /(?:^|\/)\.cursor\/rules\//.test(p);
}

/**
 * The usable globs of `agents.files` (relative to the project root): strings only, and one that
 * climbs out of the root (`..`) or is absolute is left out. The client's document selectors, the
 * server's check of an open file and the search of the always-loaded set all take these.
 */
export function agentFileGlobs(files: unknown): string[] {
  if (!Array.isArray(files)) return [];
  return [...new Set(files.filter((g): g is string => typeof g === 'string' && g.trim().length > 0 && !g.split('/').includes('..') && !g.startsWith('/')))];
}
