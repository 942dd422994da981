// The prompt formats the engine knows, and the one door to them: which format a file is, the
// front-end of a parsed document, the globs of every format's files. This is the only module
// outside a format's folder that imports it; everything else asks here.
import type { ParseOptions, PromptDocument } from '../document';
import type { Steps } from '../slice';
import { agentInstructions } from './agents';
import { dotprompt } from './dotprompt';
import { githubModels } from './github-models';
import { prompty } from './prompty';
import type { PromptFormat } from './types';

// `*.prompt.yml` does not end in `.prompt`, nor `*.prompty`, so the order of these does not matter;
// agent instruction files are Markdown names (`AGENTS.md`, `*.prompt.md`) no other format claims.
const formats: PromptFormat[] = [dotprompt, prompty, githubModels, agentInstructions];

// What the engine's agent features (service/agents/) read of the agent instruction format.
export { AGENT_FILE_PATTERNS, AGENTS_ID, agentInfo, agentKindOf, headingsOf, importsOf, importTarget, KIND_LABELS, LINK_SCHEME, linkTarget, KNOWN_FIELDS, linksOf, MARKDOWN_PATTERNS, matchesEverything, parseAgentFile, sectionsOf, type AgentFileInfo, type AgentFileKind, type Heading, type MarkdownLink, type Section } from './agents';

/**
 * Adds a format. Formats are asked in registration order, so one whose names overlap another's
 * (a format of `AGENTS.md` beside a general Markdown one) registers first. Returns the unregister.
 */
export function registerFormat(format: PromptFormat): () => void {
  if (formats.some((f) => f.id === format.id)) throw new Error(`A prompt format with the id \`${format.id}\` is already registered.`);
  formats.push(format);
  return () => {
    const i = formats.indexOf(format);
    if (i >= 0) formats.splice(i, 1);
  };
}

export function registeredFormats(): readonly PromptFormat[] {
  return formats;
}

export function formatById(id: string): PromptFormat | undefined {
  return formats.find((f) => f.id === id);
}

/** The format whose files have this name (and, where names are shared, this text); undefined when none claims it. */
export function formatFor(uri: string, text?: string): PromptFormat | undefined {
  return formats.find((f) => f.detect(uri, text));
}

export function formatForLanguage(languageId: string): PromptFormat | undefined {
  return formats.find((f) => f.languageIds.includes(languageId));
}

/**
 * The format of a document no format claims by name: an untitled buffer, or a file the user set to
 * a prompt language by hand. The editor's language id decides when the door knows it
 * (`formatForLanguage`); else Dotprompt.
 */
export function defaultFormat(languageId?: string): PromptFormat {
  return (languageId ? formatForLanguage(languageId) : undefined) ?? dotprompt;
}

/** The editor language ids of every format, in registration order. */
export function promptLanguageIds(): string[] {
  return formats.flatMap((f) => [...f.languageIds]);
}

/** The front-end of a parsed document. */
export function formatOf(doc: PromptDocument): PromptFormat {
  return formatById(doc.format) ?? defaultFormat();
}

/** Every format's file globs, for a door that looks for prompt files in a folder. */
export function promptFileGlobs(): string[] {
  return [...new Set(formats.flatMap((f) => f.filePatterns))];
}

/**
 * Parses a file with the format it belongs to. `previous` (the last parse of the same document) is
 * handed on only when the same format parsed it.
 */
export function parseDocument(text: string, uri = 'untitled:prompt', version = 0, options: ParseOptions = {}, previous?: PromptDocument, languageId?: string): PromptDocument {
  const format = formatFor(uri, text) ?? (options.format ? formatById(options.format) : undefined) ?? defaultFormat(languageId);
  return format.parse(text, uri, version, options, previous?.format === format.id ? previous : undefined);
}

/** `parseDocument` as steps: the format's `parseSteps`, else its `parse` as one step. The same document. */
export function* parseDocumentSteps(text: string, uri = 'untitled:prompt', version = 0, options: ParseOptions = {}, previous?: PromptDocument, languageId?: string): Steps<PromptDocument> {
  const format = formatFor(uri, text) ?? (options.format ? formatById(options.format) : undefined) ?? defaultFormat(languageId);
  const before = previous?.format === format.id ? previous : undefined;
  return format.parseSteps ? yield* format.parseSteps(text, uri, version, options, before) : format.parse(text, uri, version, options, before);
}

/** Parses a file as Dotprompt, whatever its name. */
export function parsePromptDocument(text: string, uri = 'untitled:prompt', version = 0, options: ParseOptions = {}, previous?: PromptDocument): PromptDocument {
  return dotprompt.parse(text, uri, version, options, previous?.format === dotprompt.id ? previous : undefined);
}
