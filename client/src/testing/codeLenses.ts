// The code lenses of the prompt tests as plain data: "Run" and "Debug output" above each case of a
// fixture file (and each test data row of a GitHub Models prompt file), "Run all tests" above a
// prompt that has fixtures. controller.ts registers them.
import type { TestSuite } from '../../../server/src/service/testing';

export interface TestLens {
  /** Zero-based line the lens sits above. */
  line: number;
  title: string;
  command: 'promptWorkbench.test.runItem';
  /** The test item's id and whether to open the debug output. */
  arguments: [string, boolean];
}

/** `uri` and `path` are the document's URI string and its path; `suites` are the discovered ones, by fixture URI. */
export function testLenses(uri: string, path: string, suites: ReadonlyMap<string, TestSuite>): TestLens[] {
  // A prompt file that holds its own cases (GitHub Models `testData` rows) is its own fixture file.
  const own = suites.get(uri);
  const embedded = own && own.fixture.promptUri === uri;
  if (/\.tests\.ya?ml$/.test(path) || embedded) {
    const suite = own;
    if (!suite) return [];
    const all: TestLens[] = embedded ? [{ line: 0, title: '$(beaker) Run all tests', command: 'promptWorkbench.test.runItem', arguments: [uri, false] }] : [];
    return all.concat(suite.fixture.cases.flatMap((c): TestLens[] => {
      const id = `${uri}#${c.name}`;
      return [
        { line: c.line, title: '$(play) Run', command: 'promptWorkbench.test.runItem', arguments: [id, false] },
        { line: c.line, title: 'Debug output', command: 'promptWorkbench.test.runItem', arguments: [id, true] },
      ];
    }));
  }
  const has = [...suites.values()].some((s) => s.fixture.promptUri === uri);
  return has ? [{ line: 0, title: '$(beaker) Run all tests', command: 'promptWorkbench.test.runItem', arguments: [uri, false] }] : [];
}
