// agent-unknown-field: a frontmatter field the tool of an agent instruction file does not document
// (`applyto:` for `applyTo:` in `*.instructions.md`, `alwaysapply` in a Cursor rule). Off by
// default: these files are read by several tools, each with its own fields, so an unknown field is
// not an error; turn it on where one tool reads your files.
import { agentInfo, KNOWN_FIELDS } from '../formats/registry';
import { closest } from '../suggest';
import type { Finding, LintRule } from './types';

export const rule: LintRule = {
  id: 'agent-unknown-field',
  description: 'A frontmatter field of an agent instruction file that its tool does not document.',
  defaultLevel: 'off',
  category: 'correctness',
  check(ctx) {
    const info = agentInfo(ctx.doc);
    if (!info) return [];
    const known = KNOWN_FIELDS[info.kind];
    const out: Finding[] = [];
    for (const s of ctx.doc.prompt.settings) {
      if (known.includes(s.key)) continue;
      const near = closest(s.key, known);
      const tool = info.kind === 'cursor-rule' ? 'Cursor' : info.kind === 'skill' ? 'Agent Skills (or VS Code, Claude Code)' : info.kind === 'agents-md' || info.kind === 'claude' || info.kind === 'gemini' || info.kind === 'copilot-instructions' || info.kind === 'other' ? 'the tools reading this file' : 'VS Code';
      out.push({
        message: `\`${s.key}\` is not a field ${tool} documents for this file${known.length ? ` (${known.map((k) => `\`${k}\``).join(', ')})` : ' (it has none)'}.${near ? ` Did you mean \`${near}\`?` : ''} Another tool may read it; if none does, remove it.`,
        span: s.keySpan,
      });
    }
    return out;
  },
};
