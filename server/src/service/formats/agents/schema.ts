// The frontmatter fields of agent instruction files, as the tools that read them document them:
// VS Code / GitHub Copilot (`*.instructions.md`, `*.prompt.md`, `*.agent.md`), Agent Skills
// (`SKILL.md`) and Cursor rules (`.mdc`). One loose zod schema for hover and completion: fields
// no tool here lists are accepted (other tools read the same files with their own fields).
import { z } from 'zod';
import type { AgentFileKind } from './parse';

const globs = z.union([z.string(), z.array(z.string())]);

export const AgentFrontmatterSchema = z.looseObject({
  description: z.string().describe('What the file is for. Copilot and Cursor show it in pickers; for a skill or a Cursor rule without `alwaysApply`, the agent reads it to decide whether to load the file.').optional(),
  name: z.string().describe('The name shown instead of the file name (prompt files, custom agents, instructions); for a skill, its id: lower case letters, digits and hyphens, the name of its folder.').optional(),
  applyTo: globs.describe('`*.instructions.md`: glob(s) of the files these instructions apply to, relative to the workspace (comma-separated). `**` applies them to every request: the file is then always loaded.').optional(),
  excludeAgent: z.string().describe('`*.instructions.md`: `code-review` or `coding-agent` (newer docs: `cloud-agent`), the Copilot agent that does not use the file.').optional(),
  model: z.union([z.string(), z.array(z.string())]).describe('`*.prompt.md` / `*.agent.md`: the language model used to run it, as VS Code names it (`Claude Sonnet 4.5 (copilot)`); a custom agent may list several, tried in order. Token counts use it (the first) unless the settings name another.').optional(),
  tools: z.array(z.string()).describe('`*.prompt.md` / `*.agent.md`: the tools (or tool sets) available while it runs.').optional(),
  agent: z.string().describe('`*.prompt.md`: the agent that runs the prompt (`ask`, `edit`, `agent`, or a custom agent\'s name).').optional(),
  mode: z.string().describe('`*.prompt.md`: the older name of `agent`.').optional(),
  'argument-hint': z.string().describe('`*.prompt.md` / `*.agent.md`: the hint shown in the chat input for what to type after the command.').optional(),
  target: z.string().describe('`*.agent.md`: where the agent runs (`vscode`, `github-copilot`).').optional(),
  agents: z.array(z.string()).describe('`*.agent.md`: the agents this one may run as subagents (`*` for all, `[]` for none).').optional(),
  'user-invokable': z.boolean().describe('`*.agent.md` / `SKILL.md` (VS Code): `false` hides it from the agents dropdown or the `/` menu; only other agents can use it.').optional(),
  'disable-model-invocation': z.boolean().describe('`*.agent.md` / `SKILL.md`: `true` keeps agents from using it on their own; it runs only when the user chooses it.').optional(),
  handoffs: z.array(z.unknown()).describe('`*.agent.md`: the agents the user can hand the conversation to next.').optional(),
  license: z.string().describe('`SKILL.md`: the skill\'s license.').optional(),
  'allowed-tools': z.union([z.string(), z.array(z.string())]).describe('`SKILL.md`: tools the skill may use without asking.').optional(),
  compatibility: z.string().describe('`SKILL.md`: the environments the skill needs.').optional(),
  metadata: z.record(z.string(), z.unknown()).describe('`SKILL.md`: further data as a mapping of strings.').optional(),
  globs: globs.describe('`.mdc` (Cursor rule): glob(s) of the files the rule is attached for (comma-separated).').optional(),
  alwaysApply: z.boolean().describe('`.mdc` (Cursor rule): `true` sends the rule with every request, so it is always loaded.').optional(),
});

/** The fields each kind's tool documents (`agent-unknown-field` reports the others). */
export const KNOWN_FIELDS: Record<AgentFileKind, readonly string[]> = {
  'agents-md': [],
  claude: [],
  gemini: [],
  'copilot-instructions': [],
  instructions: ['applyTo', 'description', 'name', 'excludeAgent'],
  prompt: ['description', 'name', 'agent', 'mode', 'model', 'tools', 'argument-hint'],
  agent: ['description', 'name', 'model', 'tools', 'agents', 'target', 'handoffs', 'argument-hint', 'user-invokable', 'disable-model-invocation', 'infer', 'mcp-servers'],
  // Agent Skills' fields, then those VS Code (`argument-hint`, `user-invokable`, `disable-model-invocation`)
  // and Claude Code (`user-invocable`, `model`, `context`, `agent`, `hooks`) read from the same file.
  skill: ['name', 'description', 'license', 'allowed-tools', 'compatibility', 'metadata', 'argument-hint', 'user-invokable', 'user-invocable', 'disable-model-invocation', 'model', 'context', 'agent', 'hooks'],
  'cursor-rule': ['description', 'globs', 'alwaysApply'],
  other: [],
};
