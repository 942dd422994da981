// The values a case renders its prompt with: the prompt's `input.default`, then the fixture file's
// `defaults.vars`, then the case's own `vars`, with `file://` references read through the reader
// the door passes (the guarded one of fileValues.ts: project root, size, trust).
import { parse as parseYaml } from 'yaml';
import type { PromptDocument } from '../document';
import type { RenderData } from '../formats/types';
import { FileValueRefused, type RefusalKind, type ValueReader } from './fileValues';
import { FILE_PREFIX, resolveRelative, type FixtureCase, type FixtureFile } from './fixtures';

/** Reads a text file by URI; the engine never touches the file system itself. */
export type ReadText = (uri: string) => Promise<string>;
export type { ValueReader };

export class VarsError extends Error {
  constructor(
    message: string,
    readonly line: number,
    /** Set when the value was refused by policy rather than missing or invalid. */
    readonly refusal?: RefusalKind,
  ) {
    super(message);
  }
}

/** A `file://` value left unread (an untrusted workspace), for the preview's and the status bar's notes. */
export interface UnreadValue {
  /** The input's name, or `vars` for `vars: file://...`. */
  name: string;
  ref: string;
  reason: string;
}

export interface CaseVarsOptions {
  /**
   * When given, a value refused because the workspace is untrusted becomes a note in its place
   * and is listed here, so the preview and the status bar still show the rest. Without it (test
   * runs) the refusal is an error of the case.
   */
  unread?: UnreadValue[];
}

/** What an unread value renders as: says plainly that the file's content is missing here. */
export function unreadNote(ref: string): string {
  return `[not read: file://${ref}, untrusted workspace]`;
}

const UNREAD = Symbol('unread');

async function readRef(file: FixtureFile, ref: string, read: ValueReader, line: number, what: string, name: string, options: CaseVarsOptions | undefined): Promise<string | typeof UNREAD> {
  const uri = resolveRelative(file.uri, ref);
  try {
    return await read(uri, file.uri, ref);
  } catch (e) {
    if (e instanceof FileValueRefused) {
      if (e.kind === 'untrusted' && options?.unread) {
        options.unread.push({ name, ref, reason: e.message });
        return UNREAD;
      }
      throw new VarsError(e.message, line, e.kind);
    }
    throw new VarsError(`Cannot read ${what} \`${ref}\` (relative to the fixture file): ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (e as Error).message}.`, line);
  }
}

async function resolveValues(file: FixtureFile, values: Record<string, unknown>, read: ValueReader, line: number, options: CaseVarsOptions | undefined): Promise<Record<string, unknown>> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(values)) {
    if (typeof v === 'string' && v.startsWith(FILE_PREFIX)) {
      const ref = v.slice(FILE_PREFIX.length);
      const text = await readRef(file, ref, read, line, `the value of \`${k}\`,`, k, options);
      out[k] = text === UNREAD ? unreadNote(ref) : /\.json$/i.test(ref) ? JSON.parse(text) : /\.ya?ml$/i.test(ref) ? parseYaml(text, { maxAliasCount: 100 }) : text;
    } else out[k] = v;
  }
  return out;
}

/**
 * The values for one case. Throws VarsError (with the case's line) when a referenced file is
 * missing, invalid or refused by the reader.
 */
export async function caseVars(prompt: PromptDocument | undefined, file: FixtureFile, c: FixtureCase, read: ValueReader, options?: CaseVarsOptions): Promise<Record<string, unknown>> {
  let own = c.vars;
  const varsText = c.varsFile ? await readRef(file, c.varsFile, read, c.line, 'the vars file', 'vars', options) : undefined;
  if (varsText === UNREAD) own = {};
  else if (c.varsFile && varsText !== undefined) {
    const text = varsText;
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
      ...(await resolveValues(file, file.defaultVars, read, c.line, options)),
      ...(await resolveValues(file, own, read, c.line, options)),
    };
  } catch (e) {
    if (e instanceof VarsError) throw e;
    throw new VarsError(`A \`file://\` value could not be parsed: ${(e as Error).message.split('\n')[0]}`, c.line);
  }
}

/** What a case gives the renderer beside its values: the render context and the conversation history. */
export function caseRenderData(c: FixtureCase): RenderData {
  return { ...(c.context ? { context: c.context } : {}), ...(c.history ? { history: c.history } : {}) };
}
