// The language server's side of fixture files (`*.tests.yaml`): parse each open one once per
// version; the prompt under test comes from the server's documents or the host.
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { isFixtureUri, parseFixtureFile, type FixtureFile } from './service/testing/fixtures';

export { isFixtureUri };

const fixtures = new Map<string, { version: number; file: FixtureFile }>();

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
