// The fixture files that test a prompt, for the rendered counts of the status bar: open fixture
// documents from the editor, the others from disk. The list of the workspace's fixture files is
// globbed at most every GLOB_TTL_MS; each file is parsed once per text (open: per version; disk:
// per modification time and size), so the parsed `FixtureFile` and the case values resolved from
// it are reused across keystrokes in the prompt.
import { readFile, stat } from 'node:fs/promises';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { glob } from 'tinyglobby';
import { isFixtureUri, parseFixtureFile, type FixtureFile } from './service/testing/fixtures';

const IGNORE = ['**/node_modules/**', '**/.git/**'];
export const GLOB_TTL_MS = 10_000;

let listed: { at: number; key: string; uris: Promise<string[]> } | undefined;
const disk = new Map<string, { mtimeMs: number; size: number; file: FixtureFile }>();

function workspaceFixtureUris(folders: readonly string[], now: number): Promise<string[]> {
  const key = folders.join('\n');
  if (listed && listed.key === key && now - listed.at < GLOB_TTL_MS) return listed.uris;
  const uris = (async () => {
    const out: string[] = [];
    for (const folder of folders) {
      if (!folder.startsWith('file:')) continue;
      const paths = await glob('**/*.tests.{yaml,yml}', { cwd: fileURLToPath(folder), absolute: true, ignore: IGNORE, followSymbolicLinks: false }).catch(() => [] as string[]);
      for (const p of paths) out.push(pathToFileURL(p).toString());
    }
    return out.sort();
  })();
  listed = { at: now, key, uris };
  return uris;
}

async function diskFixture(uri: string): Promise<FixtureFile | undefined> {
  try {
    const path = fileURLToPath(uri);
    const s = await stat(path);
    const hit = disk.get(uri);
    if (hit && hit.mtimeMs === s.mtimeMs && hit.size === s.size) return hit.file;
    const file = parseFixtureFile(await readFile(path, 'utf8'), uri);
    disk.set(uri, { mtimeMs: s.mtimeMs, size: s.size, file });
    return file;
  } catch {
    disk.delete(uri);
    return undefined;
  }
}

/** Forget the workspace list (a fixture file was created or deleted). */
export function forgetFixtureList(): void {
  listed = undefined;
}

/**
 * The parsed fixture files whose prompt is `promptUri`: open ones (`openFixtures`, the editor's
 * text, parsed per version by the caller) win over the disk's copy of the same file.
 */
export async function fixturesForPrompt(promptUri: string, folders: readonly string[], openFixtures: readonly FixtureFile[], now = Date.now()): Promise<FixtureFile[]> {
  const out = new Map<string, FixtureFile>();
  for (const f of openFixtures) if (f.promptUri === promptUri) out.set(f.uri, f);
  const open = new Set(openFixtures.map((f) => f.uri));
  const uris = (await workspaceFixtureUris(folders, now)).filter((u) => !open.has(u) && isFixtureUri(u));
  const files = await Promise.all(uris.map(diskFixture));
  for (const f of files) if (f && f.promptUri === promptUri) out.set(f.uri, f);
  return [...out.values()].sort((a, b) => a.uri.localeCompare(b.uri));
}
