// The values a case renders its prompt with: the prompt's `input.default`, then the fixture file's
// `defaults.vars`, then the case's own `vars`, with `file://` references read through the host.
import { parse as parseYaml } from 'yaml';
import type { PromptDocument } from '../document';
import { FILE_PREFIX, resolveRelative, type FixtureCase, type FixtureFile } from './fixtures';

/** Reads a text file by URI; the engine never touches the file system itself. */
export type ReadText = (uri: string) => Promise<string>;

export class VarsError extends Error {
  constructor(
    message: string,
    readonly line: number,
  ) {
    super(message);
  }
}

async function readRef(file: FixtureFile, ref: string, read: ReadText, line: number, what: string): Promise<string> {
  const uri = resolveRelative(file.uri, ref);
  try {
    return await read(uri);
  } catch (e) {
    throw new VarsError(`Cannot read ${what} \`${ref}\` (relative to the fixture file): ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (e as Error).message}.`, line);
  }
}

async function resolveValues(file: FixtureFile, values: Record<string, unknown>, read: ReadText, line: number): Promise<Record<string, unknown>> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(values)) {
    if (typeof v === 'string' && v.startsWith(FILE_PREFIX)) {
      const ref = v.slice(FILE_PREFIX.length);
      const text = await readRef(file, ref, read, line, `the value of \`${k}\`,`);
      out[k] = /\.json$/i.test(ref) ? JSON.parse(text) : /\.ya?ml$/i.test(ref) ? parseYaml(text, { maxAliasCount: 100 }) : text;
    } else out[k] = v;
  }
  return out;
}

/** The values for one case. Throws VarsError (with the case's line) when a referenced file is missing or invalid. */
export async function caseVars(prompt: PromptDocument | undefined, file: FixtureFile, c: FixtureCase, read: ReadText): Promise<Record<string, unknown>> {
  let own = c.vars;
  if (c.varsFile) {
    const text = await readRef(file, c.varsFile, read, c.line, 'the vars file');
    let parsed: unknown;
    try {
      parsed = /\.json$/i.test(c.varsFile) ? JSON.parse(text) : parseYaml(text, { maxAliasCount: 100 });
    } catch (e) {
      throw new VarsError(`The vars file \`${c.varsFile}\` is not valid ${/\.json$/i.test(c.varsFile) ? 'JSON' : 'YAML'}: ${(e as Error).message.split('\n')[0]}`, c.line);
    }
    if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) throw new VarsError(`The vars file \`${c.varsFile}\` must hold a mapping of input names to values.`, c.line);
    own = parsed as Record<string, unknown>;
  }
  try {
    return {
      ...(prompt?.defaults ?? {}),
      ...(await resolveValues(file, file.defaultVars, read, c.line)),
      ...(await resolveValues(file, own, read, c.line)),
    };
  } catch (e) {
    if (e instanceof VarsError) throw e;
    throw new VarsError(`A \`file://\` value could not be parsed: ${(e as Error).message.split('\n')[0]}`, c.line);
  }
}
