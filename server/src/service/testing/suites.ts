// Loads a fixture file and the prompt it tests into a TestSuite, through the host's file reader.
import { parseDocument } from '../document';
import { embeddedFixture, hasEmbeddedTests } from './embedded';
import { parseFixtureFile, resolveDefaultPrompt } from './fixtures';
import type { TestSuite } from './runner';
import type { ReadText } from './vars';

/** `file:///w/examples/a.tests.yaml` relative to `file:///w` -> `examples/a.tests.yaml`. */
export function relativeUri(uri: string, rootUri: string): string {
  const root = rootUri.endsWith('/') ? rootUri : `${rootUri}/`;
  return decodeURIComponent(uri.startsWith(root) ? uri.slice(root.length) : uri.replace(/^file:\/\//, ''));
}

export async function loadSuite(fixtureUri: string, rootUri: string, read: ReadText, text?: string): Promise<TestSuite> {
  if (hasEmbeddedTests(fixtureUri)) {
    // A prompt file with its own test cases: it is its own fixture.
    const prompt = parseDocument(text ?? (await read(fixtureUri)), fixtureUri, 0, { maxTemplateSize: Infinity });
    const fixture = embeddedFixture(prompt)!;
    return { fixture, prompt, relativePath: relativeUri(fixtureUri, rootUri), promptPath: relativeUri(fixtureUri, rootUri) };
  }
  const fixture = parseFixtureFile(text ?? (await read(fixtureUri)), fixtureUri);
  // Without `prompt:`, `x.tests.yaml` tests `x.prompt`, else `x.prompty` beside it.
  const texts = new Map<string, string>();
  await resolveDefaultPrompt(fixture, async (uri) => {
    const t = await read(uri).catch(() => undefined);
    if (t !== undefined) texts.set(uri, t);
    return t !== undefined;
  });
  let prompt;
  try {
    const promptText = texts.get(fixture.promptUri) ?? (await read(fixture.promptUri));
    prompt = parseDocument(promptText, fixture.promptUri, 0, { maxTemplateSize: Infinity });
  } catch {
    prompt = undefined;
  }
  return { fixture, prompt, relativePath: relativeUri(fixtureUri, rootUri), promptPath: relativeUri(fixture.promptUri, rootUri) };
}
