// skill-frontmatter: a `SKILL.md` whose frontmatter breaks the Agent Skills specification
// (agentskills.io/specification, and its reference validator `skills-ref`): `name` and
// `description` are required; `name` is 1-64 lower-case letters, digits and hyphens, with no
// hyphen at either end and no two in a row, and is the name of the skill's folder (both compared
// after NFKC normalisation, as the validator does); `description` is 1-1024 characters;
// `compatibility` at most 500; `allowed-tools` a string or a list of strings. Agents list a skill
// by its name and description and load it by its folder: a skill that breaks these is skipped or
// refused by the tools that validate it. `skills-ref` reads the frontmatter with strictyaml, which
// refuses flow style (`[a, b]`, `{a: b}`) anywhere in it: each flow collection is reported too.
import { isCollection, visit, type Node } from 'yaml';
import { agentInfo } from '../formats/registry';
import type { PromptSetting } from '../formats/types';
import type { Span } from '../text';
import { promptSpan } from './util';
import type { Finding, LintRule } from './types';

export const MAX_NAME = 64;
export const MAX_DESCRIPTION = 1024;
export const MAX_COMPATIBILITY = 500;

/** Length in characters (code points), as the specification and its Python validator count. */
const length = (s: string) => [...s].length;

/** The folder a document sits in (its URI's last directory), decoded; undefined at a root. */
function folderOf(uri: string): string | undefined {
  const parts = uri.replace(/[?#].*$/, '').split('/');
  const folder = parts.length >= 2 ? parts[parts.length - 2] : undefined;
  if (!folder || /^[a-z]+:$/i.test(folder)) return undefined;
  try {
    return decodeURIComponent(folder);
  } catch {
    return folder;
  }
}

/** What is wrong with a skill name, by the specification's rules (empty when nothing is). */
export function nameProblems(name: string, folder: string | undefined): string[] {
  const n = name.trim().normalize('NFKC');
  const out: string[] = [];
  if (length(n) > MAX_NAME) out.push(`is ${length(n)} characters long; a skill name has at most ${MAX_NAME}`);
  if (n !== n.toLowerCase()) out.push('has upper-case letters; a skill name is lower case');
  if (n.startsWith('-') || n.endsWith('-')) out.push('starts or ends with a hyphen');
  if (n.includes('--')) out.push('has two hyphens in a row');
  const bad = [...new Set([...n].filter((c) => c !== '-' && !/[\p{L}\p{N}]/u.test(c)))];
  if (bad.length) out.push(`has ${bad.map((c) => (c === ' ' ? 'a space' : `\`${c}\``)).join(', ')}; only letters, digits and hyphens are allowed`);
  if (folder !== undefined && folder.normalize('NFKC') !== n) out.push(`is not the name of the skill's folder (\`${folder}\`): agents find a skill by its folder, so rename one to match`);
  return out;
}

function setting(settings: readonly PromptSetting[], key: string): PromptSetting | undefined {
  return settings.find((s) => s.key === key);
}

export const rule: LintRule = {
  id: 'skill-frontmatter',
  description: 'A SKILL.md whose name or description breaks the Agent Skills specification (missing, too long, not the folder name, characters not allowed).',
  defaultLevel: 'warning',
  category: 'correctness',
  check(ctx) {
    const doc = ctx.doc;
    const info = agentInfo(doc);
    if (!info || info.kind !== 'skill' || doc.notice) return [];
    const fm = doc.frontmatter;
    // The opening `---` (not `model:`, where `promptSpan` would point in a skill that names one), else the first line.
    const top: Span = fm.present ? { start: fm.span.start, end: Math.min(fm.span.start + 3, doc.text.length) } : promptSpan(doc);
    if (!fm.present) return [{ message: 'A skill starts with YAML frontmatter holding its `name` and `description` (between `---` lines): agents list skills by them, and skip a SKILL.md without them.', span: top }];
    // YAML that cannot be read is reported as such; its fields are not guessed at here.
    if (!fm.closed || fm.value === undefined || fm.value === null || typeof fm.value !== 'object') return [];
    const settings = doc.prompt.settings;
    const out: Finding[] = [];
    const valueSpan = (s: PromptSetting) => s.valueSpan ?? s.keySpan;

    const name = setting(settings, 'name');
    const folder = folderOf(doc.uri);
    if (!name) out.push({ message: `A skill needs \`name:\`, its id: lower-case letters, digits and hyphens, the name of its folder${folder ? ` (\`${folder}\`)` : ''}.`, span: top });
    else if (typeof name.value !== 'string' || !name.value.trim()) out.push({ message: 'A skill\'s `name` is a non-empty string: lower-case letters, digits and hyphens, the name of its folder.', span: valueSpan(name) });
    else for (const problem of nameProblems(name.value, folder)) out.push({ message: `The skill name \`${name.value}\` ${problem}.`, span: valueSpan(name) });

    const description = setting(settings, 'description');
    if (!description) out.push({ message: 'A skill needs `description:`: what it does and when to use it. Agents read only this to decide whether to load the skill.', span: top });
    else if (typeof description.value !== 'string' || !description.value.trim()) out.push({ message: 'A skill\'s `description` is a non-empty string: what it does and when to use it.', span: valueSpan(description) });
    else if (length(description.value) > MAX_DESCRIPTION) out.push({ message: `The description is ${length(description.value)} characters long; a skill's description has at most ${MAX_DESCRIPTION}. Keep what it does and when to use it; move the rest into the body.`, span: valueSpan(description) });

    const compatibility = setting(settings, 'compatibility');
    if (compatibility) {
      if (typeof compatibility.value !== 'string') out.push({ message: '`compatibility` is a string: the environments the skill needs.', span: valueSpan(compatibility) });
      else if (length(compatibility.value) > MAX_COMPATIBILITY) out.push({ message: `\`compatibility\` is ${length(compatibility.value)} characters long; it has at most ${MAX_COMPATIBILITY}.`, span: valueSpan(compatibility) });
    }
    // strictyaml (skills-ref's reader) refuses flow collections; Claude Code and VS Code read them.
    if (fm.yaml) {
      const base = fm.content.start;
      visit(fm.yaml, (_key, node) => {
        if (!isCollection(node) || !(node as Node & { flow?: boolean }).flow || !node.range) return undefined;
        const isList = node.items.length === 0 || !('key' in (node.items[0] as object));
        const hint = isList ? 'a block list (one `- item` per line)' : 'a block mapping (one `key: value` per line)';
        out.push({
          message: `\`skills-ref validate\`, the Agent Skills specification's validator, reads the frontmatter with strictyaml, which refuses flow style (\`${doc.text.slice(base + node.range[0], Math.min(base + node.range[1], base + node.range[0] + 30))}\`): write ${hint}${isList ? ', or for `allowed-tools` a string of names separated by spaces' : ''}. Claude Code and VS Code read either form.`,
          span: { start: base + node.range[0], end: base + Math.max(node.range[1], node.range[0] + 1) },
        });
        return visit.SKIP;
      });
    }
    const tools = setting(settings, 'allowed-tools');
    if (tools && typeof tools.value !== 'string' && !(Array.isArray(tools.value) && tools.value.every((t) => typeof t === 'string'))) {
      out.push({ message: '`allowed-tools` is a string of tool names separated by spaces, or a list of strings.', span: valueSpan(tools) });
    }
    return out;
  },
};
