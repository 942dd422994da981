// Loads a fixture file and the prompt it tests into a TestSuite, through the host's file reader,
// and the prompt variants (`variants:`, `--variants`): files through the reader, git revisions
// through the host's Git interface (argument arrays; nothing here starts a process).
import { fileURLToPath } from 'node:url';
import { parseDocument } from '../document';
import { formatFor } from '../formats/registry';
import { GitError, type Git } from '../history/git';
import { fileAtRevision } from '../history/history';
import { embeddedFixture, hasEmbeddedTests } from './embedded';
import { parseFixtureFile, resolveDefaultPrompt, type FixtureFile, type PromptVariantSpec } from './fixtures';
import type { PromptDiagnostic } from '../diagnostic';
import { contentHash } from './records';
import type { PromptVariant, TestSuite } from './runner';
import type { ReadText } from './vars';

/** `file:///w/examples/a.tests.yaml` relative to `file:///w` -> `examples/a.tests.yaml`. */
export function relativeUri(uri: string, rootUri: string): string {
  const root = rootUri.endsWith('/') ? rootUri : `${rootUri}/`;
  return decodeURIComponent(uri.startsWith(root) ? uri.slice(root.length) : uri.replace(/^file:\/\//, ''));
}

export interface SuiteLoadOptions {
  /** Reads the revisions of `variants:` entries such as `a.prompt@HEAD~1`; without it they get an error. */
  git?: Git;
}

export async function loadSuite(fixtureUri: string, rootUri: string, read: ReadText, text?: string, options: SuiteLoadOptions = {}): Promise<TestSuite> {
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
  const suite: TestSuite = { fixture, prompt, relativePath: relativeUri(fixtureUri, rootUri), promptPath: relativeUri(fixture.promptUri, rootUri) };
  if (fixture.variants.length) suite.promptVariants = await loadPromptVariants(fixture.variants, rootUri, read, options.git);
  return suite;
}

/**
 * Loads each prompt variant: a file through `read`, a revision (`a.prompt@HEAD~1`) through git,
 * followed across renames. A variant that cannot be loaded carries an `error` that names the
 * file and the revision; the others are parsed with the format their file name says.
 */
export async function loadPromptVariants(specs: readonly PromptVariantSpec[], rootUri: string, read: ReadText, git?: Git): Promise<PromptVariant[]> {
  // One repository lookup per file, one read per revision of it.
  const repos = new Map<string, ReturnType<Git['repository']>>();
  return Promise.all(
    specs.map(async (spec): Promise<PromptVariant> => {
      const path = relativeUri(spec.uri, rootUri);
      const promptPath = spec.revision !== undefined ? `${path}@${spec.revision}` : path;
      const base = { ...spec, promptPath };
      let text: string;
      let commit: string | undefined;
      if (spec.revision === undefined) {
        try {
          text = await read(spec.uri);
        } catch (e) {
          return { ...base, error: `The prompt variant ${spec.spec}: ${path} cannot be read (${(e as Error).message}).` };
        }
      } else {
        const rev = spec.revision;
        const what = `revision ${rev} of ${path}`;
        if (!git) return { ...base, error: `The prompt variant ${spec.spec} needs git to read ${what}, and git is not available here.` };
        let file: string;
        try {
          file = fileURLToPath(spec.uri);
        } catch {
          return { ...base, error: `The prompt variant ${spec.spec}: ${path} is not a local file, so its revision ${rev} cannot be read with git.` };
        }
        try {
          let repo = repos.get(file);
          if (!repo) repos.set(file, (repo = git.repository(file)));
          const found = await fileAtRevision(git, await repo, rev);
          text = found.text;
          commit = found.commit;
        } catch (e) {
          if (!(e instanceof GitError)) return { ...base, error: `The prompt variant ${spec.spec}: reading ${what} failed: ${(e as Error).message}` };
          const why =
            e.kind === 'git-missing'
              ? `git is not installed or not on PATH, so ${what} cannot be read.`
              : e.kind === 'not-a-repository'
                ? `${path} is not in a git repository, so it has no revision ${rev}.`
                : e.kind === 'bad-revision'
                  ? `"${rev}" is not a known revision of the repository that holds ${path}. Use a commit hash, a branch or tag name, or HEAD~N.`
                  : e.kind === 'not-found'
                    ? `${path} does not exist in revision ${rev}${e.message.match(/\(([0-9a-f]{7})\)/) ? ` (${e.message.match(/\(([0-9a-f]{7})\)/)![1]})` : ''}, under this name or any earlier one.`
                    : `reading ${what} failed: ${e.message}`;
          return { ...base, error: `The prompt variant ${spec.spec}: ${why}` };
        }
      }
      if (!formatFor(spec.uri, text)) return { ...base, error: `The prompt variant ${spec.spec}: ${path} is not a prompt file (.prompt, .prompty, .prompt.yml).` };
      const prompt = parseDocument(text, spec.uri, 0, { maxTemplateSize: Infinity });
      return { ...base, prompt, hash: contentHash(text), ...(commit ? { commit } : {}) };
    }),
  );
}

/**
 * The editor's check of `variants:` entries that name a file of the working copy: one that does
 * not exist is an error at the entry. Revisions are not checked here (the language server runs no
 * git): a run says when one cannot be read.
 */
export async function variantFileDiagnostics(file: FixtureFile, exists: (uri: string) => Promise<boolean>): Promise<PromptDiagnostic[]> {
  const out: PromptDiagnostic[] = [];
  for (const v of file.variants) {
    if (v.revision !== undefined || !v.span) continue;
    if (await exists(v.uri).catch(() => true)) continue;
    out.push({ code: 'fixture-variants', severity: 'error', message: `The prompt variant \`${v.spec}\` does not exist. Fix the path (relative to this file); a revision of a file is written \`file.prompt@HEAD~1\`.`, span: v.span });
  }
  return out;
}
