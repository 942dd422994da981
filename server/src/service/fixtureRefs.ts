// The fixture files (`*.tests.yaml`) of a prompt, seen from the prompt: where they name one of its
// inputs (for find references and rename), which cases they hold (for the preview's choice of
// values), and the prompt rendered with one case's values exactly as the test runner renders it.
// The texts come in as arguments: the server collects them (open editors first, then the disk).
import type { PromptDocument } from './document';
import { throwIfCancelled, type CancellationLike } from './host';
import { formatRendered, renderPrompt, type RenderResult } from './render';
import type { AnalysisOptions } from './scope';
import type { Span } from './text';
import { defaultPromptUris, parseFixtureFile, type FixtureCase, type FixtureFile } from './testing/fixtures';
import { embeddedFixture } from './testing/embedded';
import { caseRenderData, caseVars, unreadNote, VarsError, type UnreadValue, type ValueReader } from './testing/vars';

/** A fixture file's URI and text (the editor's live text when it is open). */
export interface FixtureText {
  uri: string;
  text: string;
}

export interface FixtureOccurrence {
  file: FixtureFile;
  span: Span;
  /** `defaults.vars` rather than a case's `vars`. */
  inDefaults: boolean;
  caseName?: string;
}

function sameUri(a: string, b: string): boolean {
  if (a === b) return true;
  try {
    return decodeURIComponent(a) === decodeURIComponent(b);
  } catch {
    return false;
  }
}

/**
 * The fixture files that test `promptUri`, by their `prompt:` field or the naming convention
 * (`name.tests.yaml` tests `name.prompt`), as the test runner resolves them (parseFixtureFile).
 */
export function fixturesOf(promptUri: string, fixtures: readonly FixtureText[], token?: CancellationLike): FixtureFile[] {
  const out: FixtureFile[] = [];
  const seen = new Set<string>();
  const promptName = fileName(promptUri);
  for (const f of fixtures) {
    throwIfCancelled(token);
    if (seen.has(f.uri)) continue;
    seen.add(f.uri);
    // Only a file of the same name, or one whose `prompt:` names this prompt's file, can test it:
    // skip the others without parsing them (a workspace may hold hundreds).
    if (!defaultPromptUris(f.uri).some((u) => sameUri(u, promptUri)) && !f.text.includes(promptName) && !f.text.includes(encodeURI(promptName))) continue;
    const file = parseFixtureFile(f.text, f.uri);
    if (tests(file, promptUri)) out.push(file);
  }
  return out;
}

/**
 * Whether a parsed fixture file tests `promptUri`: by its `prompt:`, or without one by the naming
 * convention, which names `x.prompt` first and `x.prompty` when that is the prompt (the runner
 * takes `x.prompty` when no `x.prompt` is beside it; with both, write `prompt:`). A match by the
 * convention settles the file's `promptUri`.
 */
function tests(file: FixtureFile, promptUri: string): boolean {
  if (sameUri(file.promptUri, promptUri)) return true;
  if (file.promptSpan || !defaultPromptUris(file.uri).slice(1).some((u) => sameUri(u, promptUri))) return false;
  file.promptUri = promptUri;
  return true;
}

/** A key span without its quotes (`"customerName":` names `customerName`). */
function bareKey(file: FixtureFile, span: Span, name: string): Span {
  const raw = file.text.slice(span.start, span.end);
  const at = raw.indexOf(name);
  return at >= 0 ? { start: span.start + at, end: span.start + at + name.length } : span;
}

/**
 * Where the fixture files of a prompt name the input `name`: the top-level keys of `defaults.vars`
 * and of each case's `vars` (nested fields of an object value are values, not inputs). Values
 * loaded with `vars: file://...` live in another file and are not included.
 */
export function fixtureVarOccurrences(promptUri: string, name: string, fixtures: readonly FixtureText[], token?: CancellationLike): FixtureOccurrence[] {
  const out: FixtureOccurrence[] = [];
  for (const file of fixturesOf(promptUri, fixtures, token)) {
    const d = file.defaultVarKeySpans[name];
    if (d) out.push({ file, span: bareKey(file, d, name), inDefaults: true });
    for (const c of file.cases) {
      const s = c.varKeySpans[name];
      if (s) out.push({ file, span: bareKey(file, s, name), inDefaults: false, caseName: c.name });
    }
  }
  return out;
}

/** A place where renaming `name` to `newName` would make a duplicate key in a fixture file, if any. */
export function fixtureRenameClash(promptUri: string, name: string, newName: string, fixtures: readonly FixtureText[], token?: CancellationLike): { file: FixtureFile; line: number; where: string } | undefined {
  for (const file of fixturesOf(promptUri, fixtures, token)) {
    if (file.defaultVarKeySpans[name] && file.defaultVarKeySpans[newName]) return { file, line: file.lines.positionAt(file.defaultVarKeySpans[newName].start).line, where: '`defaults.vars`' };
    for (const c of file.cases) {
      if (c.varKeySpans[name] && c.varKeySpans[newName]) return { file, line: file.lines.positionAt(c.varKeySpans[newName].start).line, where: `case "${c.name}"` };
    }
  }
  return undefined;
}

export interface FixtureCaseInfo {
  fixtureUri: string;
  /** The fixture file's name, for the pick list and the preview's heading. */
  fixtureName: string;
  name: string;
  /** Zero-based line of the case in the fixture file. */
  line: number;
  description?: string;
}

export function fileName(uri: string): string {
  const last = uri.split(/[?#]/)[0].split('/').pop() ?? uri;
  try {
    return decodeURIComponent(last);
  } catch {
    return last;
  }
}

/** Every case of every fixture file of the prompt, in file order (files sorted by URI). */
export function fixtureCasesOf(promptUri: string, fixtures: readonly FixtureText[]): FixtureCaseInfo[] {
  return fixturesOf(promptUri, fixtures)
    .sort((a, b) => (a.uri < b.uri ? -1 : a.uri > b.uri ? 1 : 0))
    .flatMap((file) => file.cases.map((c) => ({ fixtureUri: file.uri, fixtureName: fileName(file.uri), name: c.name, line: c.line, description: c.description })));
}

/** A row's values in one short line: `ticket: I was charged twice…, plan: premium`. */
function valuesLine(values: Record<string, unknown>): string {
  const text = Object.entries(values)
    .map(([k, v]) => `${k}: ${typeof v === 'string' ? v : JSON.stringify(v)}`.replace(/\s+/g, ' '))
    .map((t) => (t.length > 60 ? `${t.slice(0, 59)}…` : t))
    .join(', ');
  return text.length > 160 ? `${text.slice(0, 159)}…` : text;
}

/**
 * The test cases written in the prompt file itself (a GitHub Models file's `testData` rows), as
 * value sets for the preview: the case's `fixtureUri` is the prompt's own URI. Empty for formats
 * without them.
 */
export function embeddedCasesOf(doc: PromptDocument): FixtureCaseInfo[] {
  const own = embeddedFixture(doc);
  if (!own) return [];
  return own.cases.map((c) => ({ fixtureUri: doc.uri, fixtureName: fileName(doc.uri), name: c.name, line: c.line, description: valuesLine(c.vars) }));
}

export interface CaseRenderResult extends RenderResult {
  /** `case "name" (file.tests.yaml)`: which values were used, for the preview's heading. */
  label: string;
  testCase?: FixtureCase;
  /** `file://` values not read (an untrusted workspace): rendered as a note in their place. */
  unread?: UnreadValue[];
}

/** The preview's text for a case: the rendered prompt, then which values were not read and why. */
export function formatCaseRendered(result: CaseRenderResult, title: string): string {
  const text = formatRendered(result, title);
  if (!result.unread?.length) return text;
  const lines = result.unread.map((u) => `- \`${u.name}\`: ${u.reason}`);
  return `${text}\nNot read, shown as "${unreadNote('…')}" in their place:\n${lines.join('\n')}\n`;
}

/**
 * The prompt rendered with the values of one fixture case: the same values (`input.default`,
 * `defaults.vars`, the case's `vars`, `file://` values read through `read`) and the same renderer
 * the test runner uses. Problems with the case's values point at the fixture file and line.
 */
export async function renderFixtureCase(prompt: PromptDocument, fixture: FixtureText, caseName: string, read: ValueReader, options: AnalysisOptions = {}): Promise<CaseRenderResult> {
  // The prompt's own test cases (`testData` rows) when the "fixture" is the prompt file itself.
  const file = (sameUri(fixture.uri, prompt.uri) ? embeddedFixture(prompt) : undefined) ?? parseFixtureFile(fixture.text, fixture.uri);
  const name = fileName(file.uri);
  const label = `case "${caseName}" (${name})`;
  if (!tests(file, prompt.uri)) {
    return { label, values: {}, error: { message: `${name} tests ${fileName(file.promptUri)}, not this prompt. Choose the values again ("Preview Rendered Prompt with Values…").`, file: file.uri } };
  }
  const c = file.cases.find((x) => x.name === caseName);
  if (!c) {
    return { label, values: {}, error: { message: `${name} has no case named "${caseName}" any more. Choose the values again ("Preview Rendered Prompt with Values…").`, file: file.uri } };
  }
  const schemaProblem = file.diagnostics.find((d) => d.severity === 'error' && d.span.start >= c.span.start && d.span.start < c.span.end);
  if (schemaProblem) return { label, testCase: c, values: {}, error: { message: `The case is not valid: ${schemaProblem.message}`, file: file.uri, line: file.lines.positionAt(schemaProblem.span.start).line } };
  let values: Record<string, unknown>;
  const unread: UnreadValue[] = [];
  try {
    values = await caseVars(prompt, file, c, read, { unread });
  } catch (e) {
    return { label, testCase: c, values: {}, error: { message: e instanceof Error ? e.message : String(e), file: file.uri, line: e instanceof VarsError ? e.line : c.line } };
  }
  const result = await renderPrompt(prompt, values, options, caseRenderData(c));
  if (result.error && /^No value for the required input/.test(result.error.message)) {
    // The case is what lacks the value: point at it, not at the prompt's schema.
    return { ...result, label, testCase: c, error: { message: `Case "${c.name}" gives no value for ${result.error.message.replace(/^No value for /, '').replace(/\. Give (it|them) a value.*$/, '')}. Add it to the case's \`vars\` or to \`defaults.vars\`.`, file: file.uri, line: c.line } };
  }
  return { ...result, label, testCase: c, ...(unread.length ? { unread } : {}) };
}
