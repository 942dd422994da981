// Who still names a prompt: other prompts that include it as a partial (`{{> name}}`), fixture
// files whose `prompt:` points at it, and any other text (code, docs, configs) that writes its file
// name. Pure: the door passes the texts it found.
import type { Range } from 'vscode-languageserver-types';
import type { Reference } from '../lint/types';
import { LineIndex } from '../text';
import type { CatalogEntry } from './catalog';

/** Files searched for mentions of a retired prompt's file name, beside the prompt files and fixture files. */
export const REFERENCE_GLOBS: readonly string[] = ['**/*.{ts,tsx,mts,cts,js,jsx,mjs,cjs,py,go,java,kt,cs,rb,rs,php,swift,scala,dart,ex,exs,sh,yaml,yml,json,toml,md}'];

/** Texts larger than this are not searched. */
export const MAX_REFERENCE_FILE = 1_000_000;

export interface TextFile {
  uri: string;
  path: string;
  text: string;
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Every place in `files` (other than the prompt's own) that names `target`. */
export function findReferences(target: Pick<CatalogEntry, 'uri' | 'path' | 'partialName'>, files: readonly TextFile[]): Reference[] {
  const file = target.path.slice(target.path.lastIndexOf('/') + 1);
  const patterns: RegExp[] = [new RegExp(`(?<![\\w.-])${escapeRegExp(file)}(?![\\w-])`, 'g')];
  if (target.partialName) patterns.push(new RegExp(`\\{\\{~?>\\s*['"]?${escapeRegExp(target.partialName)}['"]?(?=[\\s}~])`, 'g'));
  const out: Reference[] = [];
  for (const f of files) {
    if (f.uri === target.uri || f.text.length > MAX_REFERENCE_FILE) continue;
    if (!patterns.some((p) => (p.lastIndex = 0, p.test(f.text)))) continue;
    const lines = new LineIndex(f.text);
    const seen = new Set<number>();
    for (const p of patterns) {
      p.lastIndex = 0;
      for (let m = p.exec(f.text); m; m = p.exec(f.text)) {
        if (seen.has(m.index)) continue;
        seen.add(m.index);
        const range: Range = lines.range(m.index, m.index + m[0].length);
        out.push({ uri: f.uri, path: f.path, range, text: m[0] });
      }
    }
  }
  return out.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : a.range.start.line - b.range.start.line));
}
