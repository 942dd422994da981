// broken-link: a relative Markdown link (`[setup](docs/setup.md)`) in an agent instruction file to
// a file that does not exist. Agents follow these links to read more; a dead one sends them
// searching, or leaves out what the file meant to include. The check asks the workspace host
// (`ctx.fileExists`: the server's and the CLI's), so without one (a plain engine call) it reports
// nothing. URLs with a scheme, `#anchors`, and links in code are left alone; only targets inside
// the file's workspace folder are looked up.
import { agentInfo, importsOf, importTarget, linksOf, linkTarget, LINK_SCHEME, MARKDOWN_PATTERNS } from '../formats/registry';

// Where a link or an import points is the format's to say (its go-to-definition reads it too).
export { importTarget, linkTarget };

import type { Finding, LintRule } from './types';

export const rule: LintRule = {
  id: 'broken-link',
  description: 'A relative link in an agent instruction file names a file that does not exist.',
  defaultLevel: 'warning',
  category: 'correctness',
  // A getter: the format's module is not loaded yet when the rule registry is (a cycle through the registry).
  get patterns() {
    return [LINK_SCHEME, ...MARKDOWN_PATTERNS];
  },
  async checkAsync(ctx) {
    const info = agentInfo(ctx.doc);
    if (!info || !ctx.fileExists || ctx.doc.notice) return [];
    const out: Finding[] = [];
    const seen = new Map<string, boolean>();
    // Each target is asked once per check, with a pause after each question.
    const exists = async (uri: string): Promise<boolean> => {
      let found = seen.get(uri);
      if (found === undefined) {
        found = await ctx.fileExists!(uri);
        seen.set(uri, found);
        await ctx.pause?.();
      }
      return found;
    };
    for (const link of linksOf(ctx.doc.text, info.body.start, info.body.end)) {
      const uri = linkTarget(ctx.doc.uri, link.target);
      if (uri && !(await exists(uri))) out.push({ message: `\`${link.target}\` does not exist (relative to this file). Agents follow this link to read more: fix the path or remove the link.`, span: link.span, data: { target: uri } });
    }
    // CLAUDE.md and GEMINI.md import files with `@path`: Claude Code and Gemini CLI leave out an
    // import whose file is missing without a word.
    if (info.kind === 'claude' || info.kind === 'gemini') {
      for (const imported of importsOf(ctx.doc.text, info.body.start, info.body.end)) {
        const uri = importTarget(ctx.doc.uri, imported.target);
        if (uri && !(await exists(uri))) out.push({ message: `\`@${imported.target}\` imports a file that does not exist (relative to this file): ${info.kind === 'claude' ? 'Claude Code' : 'Gemini CLI'} leaves the import out without a word. Fix the path or remove the import.`, span: { start: imported.span.start - 1, end: imported.span.end }, data: { target: uri } });
      }
      out.sort((a, b) => a.span.start - b.span.start);
    }
    return out;
  },
};
