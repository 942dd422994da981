// The language server's side of fixture files (`*.tests.yaml`): parse once per version, find the
// prompt under test (open in the editor, else on disk), and hand both to the engine.
import { readFileSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { parsePromptDocument, type PromptDocument } from './service';
import { isFixtureUri, parseFixtureFile, type FixtureFile } from './service/testing/fixtures';

export { isFixtureUri };

const fixtures = new Map<string, { version: number; file: FixtureFile }>();
const diskPrompts = new Map<string, { mtimeMs: number; doc: PromptDocument }>();

export function fixtureOf(doc: TextDocument): FixtureFile {
  const hit = fixtures.get(doc.uri);
  if (hit && hit.version === doc.version) return hit.file;
  const file = parseFixtureFile(doc.getText(), doc.uri);
  fixtures.set(doc.uri, { version: doc.version, file });
  return file;
}

export function forgetFixture(uri: string): void {
  fixtures.delete(uri);
}

/**
 * The prompt under test: the open document (through `openPrompt`) when it is open, else the file
 * on disk (re-read when its modification time changes). `null`: it does not exist.
 */
export function promptFor(file: FixtureFile, openPrompt: (uri: string) => PromptDocument | undefined): PromptDocument | null | undefined {
  const open = openPrompt(file.promptUri);
  if (open) return open;
  if (!file.promptUri.startsWith('file:')) return undefined;
  let path: string;
  try {
    path = fileURLToPath(file.promptUri);
  } catch {
    return undefined;
  }
  try {
    const { mtimeMs, isFile } = ((s) => ({ mtimeMs: s.mtimeMs, isFile: s.isFile() }))(statSync(path));
    if (!isFile) return null;
    const cached = diskPrompts.get(file.promptUri);
    if (cached && cached.mtimeMs === mtimeMs) return cached.doc;
    const doc = parsePromptDocument(readFileSync(path, 'utf8'), file.promptUri);
    diskPrompts.set(file.promptUri, { mtimeMs, doc });
    return doc;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'ENOENT' ? null : undefined;
  }
}
