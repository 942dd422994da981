// Fills the engine's PartialIndex from the workspace folders: one glob for `_*.prompt`, files read
// in small batches that yield to the event loop so requests on open documents are never blocked.
import { readFile } from 'node:fs/promises';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { glob } from 'tinyglobby';
import { PartialIndex } from './service';

const IGNORE = ['**/node_modules/**', '**/.git/**', '**/dist/**', '**/out/**'];
const BATCH = 64;

export interface IndexReport {
  files: number;
  ms: number;
}

export async function indexPartials(index: PartialIndex, folderUris: string[], isOpen: (uri: string) => boolean): Promise<IndexReport> {
  const started = performance.now();
  let files = 0;
  for (const folder of folderUris) {
    if (!folder.startsWith('file:')) continue;
    const paths = await glob('**/_*.prompt', { cwd: fileURLToPath(folder), absolute: true, ignore: IGNORE, followSymbolicLinks: false });
    for (let i = 0; i < paths.length; i += BATCH) {
      await Promise.all(
        paths.slice(i, i + BATCH).map(async (p) => {
          const uri = pathToFileURL(p).toString();
          if (isOpen(uri)) return; // the editor's text wins over the disk
          const text = await readFile(p, 'utf8').catch(() => undefined);
          if (text !== undefined) {
            index.set(uri, text);
            files++;
          }
        }),
      );
      await new Promise((r) => setImmediate(r));
    }
  }
  return { files, ms: performance.now() - started };
}

export async function refreshPartial(index: PartialIndex, uri: string, deleted: boolean): Promise<void> {
  if (deleted) {
    index.delete(uri);
    return;
  }
  const text = await readFile(fileURLToPath(uri), 'utf8').catch(() => undefined);
  if (text === undefined) index.delete(uri);
  else index.set(uri, text);
}
