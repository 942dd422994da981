// The outside world for test runs on Node (the CLI and the VS Code extension host): files with
// atomic writes (temporary file in the same folder, fsync, rename), reading fixture values, and
// git. The engine's other modules only see the interfaces.
import { execFile } from 'node:child_process';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { glob } from 'tinyglobby';
import { PartialIndex } from '../partials';
import type { GitInfo } from './records';
import type { FileStore } from './store';

const TMP = /\.tmp-[0-9a-f]+$/;

export async function writeFileAtomic(file: string, text: string): Promise<void> {
  await fs.mkdir(path.dirname(file), { recursive: true });
  const tmp = `${file}.tmp-${process.pid.toString(16)}${Math.floor(Math.random() * 0xffffff).toString(16)}`;
  const handle = await fs.open(tmp, 'w', 0o600);
  try {
    await handle.writeFile(text, 'utf8');
    await handle.sync();
  } finally {
    await handle.close();
  }
  try {
    await fs.rename(tmp, file);
  } catch (e) {
    await fs.rm(tmp, { force: true });
    throw e;
  }
}

export function nodeFileStore(dir: string): FileStore {
  return {
    location: dir,
    async read(name) {
      try {
        return await fs.readFile(path.join(dir, name), 'utf8');
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
        throw e;
      }
    },
    writeAtomic: (name, text) => writeFileAtomic(path.join(dir, name), text),
    async list() {
      const out: string[] = [];
      const walk = async (sub: string) => {
        let entries: import('node:fs').Dirent[];
        try {
          entries = await fs.readdir(path.join(dir, sub), { withFileTypes: true });
        } catch {
          return;
        }
        for (const e of entries) {
          const rel = sub ? `${sub}/${e.name}` : e.name;
          if (e.isDirectory()) await walk(rel);
          else if (!TMP.test(e.name)) out.push(rel);
        }
      };
      await walk('');
      return out.sort();
    },
    async clear() {
      await fs.rm(dir, { recursive: true, force: true });
    },
  };
}

export async function readTextUri(uri: string): Promise<string> {
  return fs.readFile(uri.startsWith('file:') ? fileURLToPath(uri) : uri, 'utf8');
}

function git(args: string[], cwd: string): Promise<string | undefined> {
  return new Promise((resolve) => {
    execFile('git', args, { cwd, timeout: 5000, windowsHide: true }, (err, stdout) => resolve(err ? undefined : String(stdout).trim()));
  });
}

/** The commit checked out where the file is, and whether the file differs from it. */
export async function gitInfo(file: string): Promise<GitInfo | undefined> {
  const cwd = path.dirname(file);
  const commit = await git(['rev-parse', 'HEAD'], cwd);
  if (!commit) return undefined;
  const status = await git(['status', '--porcelain', '--', path.basename(file)], cwd);
  return { commit, dirty: status === undefined ? undefined : status.length > 0 };
}

/** The partials (`_name.prompt`) under the given folders, for rendering. */
export async function loadPartialIndex(folders: readonly string[]): Promise<PartialIndex> {
  const index = new PartialIndex();
  for (const root of new Set(folders)) {
    for (const p of await glob('**/_*.prompt', { cwd: root, absolute: true, ignore: ['**/node_modules/**', '**/.git/**'] })) {
      index.set(pathToFileURL(p).toString(), await fs.readFile(p, 'utf8'));
    }
  }
  return index;
}
