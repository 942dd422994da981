// The fixture files (`*.tests.yaml` / `.yml`) of the workspace as texts for the engine: the
// editor's live text for open ones, the disk for the rest (re-read only when the file changed).
import { readFile, stat } from 'node:fs/promises';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { glob } from 'tinyglobby';
import type { FixtureText } from './service';

const IGNORE = ['**/node_modules/**', '**/.git/**', '**/dist/**', '**/out/**'];
const BATCH = 64;
const disk = new Map<string, { mtimeMs: number; size: number; text: string }>();

async function readCached(path: string): Promise<string | undefined> {
  try {
    const s = await stat(path);
    const hit = disk.get(path);
    if (hit && hit.mtimeMs === s.mtimeMs && hit.size === s.size) return hit.text;
    const text = await readFile(path, 'utf8');
    disk.set(path, { mtimeMs: s.mtimeMs, size: s.size, text });
    return text;
  } catch {
    disk.delete(path);
    return undefined;
  }
}

/** Every fixture file under the workspace folders, plus open fixture documents outside them. */
export async function workspaceFixtures(folderUris: readonly string[], open: readonly FixtureText[]): Promise<FixtureText[]> {
  const out = new Map<string, FixtureText>();
  for (const f of open) out.set(f.uri, f);
  for (const folder of folderUris) {
    if (!folder.startsWith('file:')) continue;
    const paths = await glob('**/*.tests.{yaml,yml}', { cwd: fileURLToPath(folder), absolute: true, ignore: IGNORE, followSymbolicLinks: false });
    for (let i = 0; i < paths.length; i += BATCH) {
      await Promise.all(
        paths.slice(i, i + BATCH).map(async (p) => {
          const uri = pathToFileURL(p).toString();
          if (out.has(uri)) return; // the editor's text wins over the disk
          const text = await readCached(p);
          if (text !== undefined) out.set(uri, { uri, text });
        }),
      );
    }
  }
  return [...out.values()];
}

/** A file's text by URI: the open document's when there is one, else the disk's. */
export function readOpenOrDisk(openText: (uri: string) => string | undefined): (uri: string) => Promise<string> {
  return async (uri) => openText(uri) ?? readFile(uri.startsWith('file:') ? fileURLToPath(uri) : uri, 'utf8');
}
