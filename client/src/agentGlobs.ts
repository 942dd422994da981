// Further agent instruction files: the globs of `agents.files` in the project config at the root of
// each workspace folder, turned into document selectors, so the language client sends those files
// to the server beside the built-in names (languages.ts) and no other Markdown file. Plain
// functions (no `vscode` at run time): test/unit/agentGlobs.test.ts runs them in node; session.ts
// reads the files and builds the `RelativePattern`s.
import { parse } from 'yaml';
import { AGENT_INSTRUCTION_LANGUAGES, agentFileGlobs } from '../../server/src/languages';

/**
 * The project config's file names, in the order the server looks for them in a folder (the first
 * that exists applies; `CONFIG_FILE_NAMES` of the engine's lint/config.ts, kept equal by a test).
 */
export const PROJECT_CONFIG_NAMES = ['prompt-workbench.yaml', 'prompt-workbench.yml', '.promptlintrc.yaml', '.promptlintrc.yml'] as const;

/** The usable `agents.files` globs of a project config's text; none when it has none or is not valid YAML (the server reports that). */
export function agentGlobsOf(text: string): string[] {
  let value: unknown;
  try {
    value = parse(text, { logLevel: 'silent' });
  } catch {
    return [];
  }
  const agents = value && typeof value === 'object' ? (value as { agents?: unknown }).agents : undefined;
  return agentFileGlobs(agents && typeof agents === 'object' ? (agents as { files?: unknown }).files : undefined);
}

export interface FolderGlobs<F> {
  folder: F;
  globs: readonly string[];
}

export interface GlobSelector<P> {
  language: string;
  scheme: 'file';
  pattern: P;
}

/**
 * The document selectors of the files the globs name: each language an instruction file may have,
 * on disk, with each glob relative to its folder (`relativePattern` makes a `vscode.RelativePattern`).
 */
export function agentGlobSelectors<F, P>(folders: readonly FolderGlobs<F>[], relativePattern: (folder: F, glob: string) => P): GlobSelector<P>[] {
  const out: GlobSelector<P>[] = [];
  for (const { folder, globs } of folders) {
    for (const glob of agentFileGlobs(globs)) {
      const pattern = relativePattern(folder, glob);
      for (const language of AGENT_INSTRUCTION_LANGUAGES) out.push({ language, scheme: 'file', pattern });
    }
  }
  return out;
}

/** A key of the globs per folder: the selectors change (and the client restarts) only when it does. */
export function globsKey(folders: readonly FolderGlobs<{ toString(): string }>[]): string {
  return JSON.stringify(folders.filter((f) => f.globs.length).map((f) => [f.folder.toString(), [...f.globs]]));
}
