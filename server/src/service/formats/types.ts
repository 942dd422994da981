// What a prompt file format is to the engine (`PromptFormat`: detection, parse, schema, template
// language, renderer) and the format-neutral model every front-end parses its files into.
import type { CompletionList, Hover, Location, Range, TextEdit, WorkspaceEdit } from 'vscode-languageserver-types';
import type { FixtureText } from '../fixtureRefs';
import type { CancellationLike } from '../host';
import type { ZodType } from 'zod';
import type { PromptDocument } from '../document';
import type { PromptDiagnostic } from '../diagnostic';
import type { PartialIndex } from '../partials';
import type { Steps } from '../slice';
import type { Span } from '../text';
import type { FrontmatterContext } from '../completion';

// ---- the shared model ----

/** A value read from the file, with where it is written. */
export interface SourceValue<T> {
  value: T;
  /** The value as written. */
  span: Span;
  /** The key it is written under, when it has one. */
  keySpan?: Span;
}

/**
 * The model parameters every format maps onto. A front-end maps its own keys to these names
 * (Dotprompt `config.maxOutputTokens`, GitHub Models `modelParameters.maxTokens`, Prompty
 * `model.options.maxOutputTokens` or v1 `model.parameters.max_tokens` are all `maxOutputTokens`).
 */
export const PARAMETER_NAMES = ['temperature', 'maxOutputTokens', 'topP', 'topK', 'stop', 'presencePenalty', 'frequencyPenalty', 'seed', 'reasoningEffort'] as const;
export type ParameterName = (typeof PARAMETER_NAMES)[number];

export interface ModelParameter {
  /** The shared name; absent for a parameter outside the vocabulary, passed through as written. */
  name?: ParameterName;
  /** The format's own key name (`maxOutputTokens`, `maxTokens`, `max_tokens`). */
  key: string;
  /** The format's own path to it, dotted (`config.maxOutputTokens`): what messages name. */
  path: string;
  value: unknown;
  /** The whole `key: value`. */
  span: Span;
  keySpan: Span;
  valueSpan: Span;
}

/** A declared input field, nested (objects have `children`, arrays `items`). */
export interface SchemaField {
  name: string;
  /** `string`, `number`, ..., `object`, `array`, `enum`, or the name of a schema registered in code. */
  type: string;
  optional: boolean;
  description?: string;
  items?: SchemaField;
  children?: SchemaField[];
  enumValues?: unknown[];
  /** An object's further properties, any name, of this type (Picoschema's `(*)` wildcard). */
  additional?: SchemaField;
  /** Offsets of the key in the document (absent for array items and the schema root). */
  keySpan?: Span;
  span?: Span;
}

export interface PromptInput {
  name: string;
  type: string;
  description?: string;
  /** The default value; absent when there is none. */
  default?: unknown;
  required: boolean;
  /** The declaration (from its key to the end of its type), or the default's key when only a default declares it. */
  span: Span;
  /** The name as written in the declaration. */
  nameSpan: Span;
  /** The declaration with its nested fields. */
  field: SchemaField;
}

/** A template tag as every template language has one: its kind in that language, its name, where it is. */
export interface TemplateTag {
  kind: string;
  name?: string;
  span: Span;
}

export interface VariableReference {
  /** The input the template reads (the root of a path such as `ticket.subject`). */
  name: string;
  /** The name as written in the reference. */
  span: Span;
  /** The whole path from the input (`['ticket', 'subject']`). */
  path: string[];
}

export interface PromptMessage {
  /** `system`, `user`, the format's assistant role (`model`, `assistant`), ...; `history` for a history placeholder. */
  role: string;
  /** `history` stands for earlier conversation turns inserted at run time (no text of its own). */
  kind: 'message' | 'history';
  /** The message, from its role marker (if it has one) to its end. */
  span: Span;
  /** The text sent as the message; starts after the role marker. */
  contentSpan: Span;
  /** The template tags inside the message, in order. */
  tags: readonly TemplateTag[];
  /** The inputs the message reads, in order, as the template's syntax tells (not resolved against the schema). */
  variables: VariableReference[];
  /**
   * The message's text as the format reads it, where that differs from the characters under
   * `contentSpan` (a YAML string: indentation, quotes and escapes); absent when they are the text.
   */
  text?: string;
}

export interface PromptOutput {
  /** The whole output declaration. */
  span: Span;
  /** `json`, `text`, ... as the format names it. */
  format?: SourceValue<string>;
  schema?: SourceValue<unknown>;
}

/** One case written in the prompt file itself (GitHub Models `testData`). */
export interface PromptTest {
  name?: string;
  span: Span;
  values: Record<string, unknown>;
  /** The checks run on the case's answer: `type` in the format's terms, `name` as written, `value` the check's own settings as plain data. */
  checks: { type: string; name?: string; value?: unknown; span: Span }[];
}

/** A top-level setting of the file (and its nested ones), by the format's own key, as plain data. */
export interface PromptSetting {
  key: string;
  value: unknown;
  keySpan: Span;
  /** The value as written; absent when nothing follows the key. */
  valueSpan?: Span;
  /** From the key to the end of the value. */
  span: Span;
  /** The settings under it, when its value is a mapping. */
  children?: PromptSetting[];
}

export interface PromptMetadata {
  name?: SourceValue<string>;
  description?: SourceValue<string>;
  version?: SourceValue<string | number>;
  owner?: SourceValue<string>;
  tags?: SourceValue<string[]>;
  status?: SourceValue<string>;
  /** Why the status changed, when it moved back (the `lifecycle-status-backwards` rule reads it). */
  statusNote?: SourceValue<string>;
}

/**
 * One prompt file in the engine's own terms: plain data, every span a document offset. Features
 * that are not about one format's syntax read this and nothing else of the file.
 */
export interface PromptModel {
  metadata: PromptMetadata;
  model?: SourceValue<string>;
  /** The parameters in the shared vocabulary. */
  parameters: Partial<Record<ParameterName, ModelParameter>>;
  /** Parameters outside the vocabulary (provider-specific options), in source order. */
  otherParameters: ModelParameter[];
  tools: SourceValue<string>[];
  inputs: PromptInput[];
  messages: PromptMessage[];
  output?: PromptOutput;
  /** Test cases embedded in the file; empty for formats without them. */
  tests: PromptTest[];
  /** Other files the template pulls in (partials, includes): their text is not in this file. */
  includes: { name: string; span: Span }[];
  /** Every setting as written, for features that show or compare settings the model has no field for. */
  settings: PromptSetting[];
  /** Set when the file was too large to analyse: how the messages were found instead (said with token counts). */
  approximate?: string;
}

/** A fact of the model, for asking a format where (under which key path) it writes it. */
export type ModelFact = 'model' | 'version' | 'tools' | 'parameters' | 'inputs' | 'inputDefaults' | 'outputFormat' | 'outputSchema' | ParameterName;

// ---- what a format owns ----

export interface ParseOptions {
  /** Files larger than this many characters get their settings checked only, with a notice. */
  maxTemplateSize?: number;
  /**
   * The format of a file no format claims by its name, as the door decided it (a file that
   * `agents.files` of the project config names is an agent instruction file). A name's format wins.
   */
  format?: string;
}

export const DEFAULT_MAX_TEMPLATE_SIZE = 1_000_000;

/**
 * A file too large to analyse still has its messages found by a plain scan up to this size
 * (token counts count them exactly); beyond it the body is one message, counted by its length.
 */
export const MAX_SCANNED_SIZE = 5_000_000;

/** Documentation of one settings key, derived from the format's schema. */
export interface KeyInfo {
  key: string;
  path: string[];
  description: string;
  /** Human-readable type, e.g. `number (0 to 2)` or `"json" | "text"`. */
  type: string;
  enumValues?: string[];
  /** Model families that accept this key; undefined means all. */
  families?: string[];
  children?: Map<string, KeyInfo>;
  /** Whether keys not listed in `children` are accepted without a warning. */
  open: boolean;
}

/** The format's settings schema: validation, and the documentation hover and completion show. */
export interface FormatSchema {
  /** The settings schema that validation runs. */
  zod: ZodType;
  /** The same schema as JSON Schema, for other tools (computed once). */
  jsonSchema(): Record<string, unknown>;
  /** The documentation of the key at a path of keys, or undefined when the path is not documented. */
  keyInfoAt(path: readonly (string | number)[]): KeyInfo | undefined;
  /** The family of a model id, for keys only some providers accept (`KeyInfo.families`). */
  modelFamily(model: string | undefined): string | undefined;
  /** The meaning of one value, where the schema documents values one by one. */
  valueDoc(path: readonly string[], value: string): string | undefined;
  /** Values offered where the schema itself does not list them (the type names of a schema language). */
  valueCompletions(path: readonly string[]): { label: string; detail: string }[] | undefined;
  /** Hover text for a key the schema does not list but the format accepts. */
  unlistedKeyDoc(path: readonly string[]): string | undefined;
  /**
   * Whether completion offers a documented key in this document (a format whose files of several
   * kinds share one schema offers each kind its own keys); every key when absent.
   */
  offersKey?(doc: PromptDocument, path: readonly (string | number)[], key: string): boolean;
  /** How docs name where inputs are declared (`input.schema`). */
  inputsLabel: string;
}

export interface HelperInfo {
  name: string;
  block: boolean;
  signature: string;
  description: string;
  /** Snippet body inserted after the tag opener (block helpers include the closing tag). */
  snippet: string;
  /** Who provides it (`handlebars`, `dotprompt`). */
  source: string;
}

export interface DataVariableInfo {
  name: string;
  /** Only has a value inside a loop. */
  eachOnly: boolean;
  description: string;
  /** Comes from the runtime's render context (`context: { state: ... }` gives `@state`). */
  context?: boolean;
}

/** The format's template language: what completion, hover and the checks may offer and accept. */
export interface TemplateLanguage {
  /** `handlebars`, `jinja2`, `mustache`, `plain`. */
  id: string;
  name: string;
  helpers: readonly HelperInfo[];
  helper(name: string): HelperInfo | undefined;
  dataVariables: readonly DataVariableInfo[];
  roles: readonly string[];
  /** Whether templates include other files (partials). */
  partials: boolean;
}

/** What templates may use beyond the file: the workspace's partials and helpers registered in code. */
export interface TemplateOptions {
  partials?: PartialIndex;
  /** Helper names registered in code (setting `promptWorkbench.template.helpers`). */
  customHelpers?: readonly string[];
  /** Named schemas (`schemas:` of the project config), for schema references by name. */
  schemas?: SchemaLibrary;
}

/** JSON Schemas by name, as a runtime registers them (Dotprompt's `defineSchema`). */
export interface SchemaLibrary {
  /** Changes whenever the library's content changes (memo keys). */
  readonly generation: number;
  get(name: string): Record<string, unknown> | undefined;
  names(): string[];
}

/** One part of a rendered message, as the runtime produces it. */
export type RenderedPart =
  | { kind: 'text'; text: string }
  | { kind: 'media'; url: string; contentType?: string }
  /** A `{{section "name"}}` marker: sends nothing itself; code fills or replaces the section. */
  | { kind: 'section'; name: string }
  /** Any other part (tool requests and responses in history, data parts), as the runtime gave it. */
  | { kind: 'other'; value: unknown };

export interface RenderedMessage {
  role: string;
  /** The message's text: its text parts, and a `[media type: url]` placeholder per media part. */
  text: string;
  /** The parts in order (text, media, section markers). */
  parts?: RenderedPart[];
  /** The runtime's message metadata (`{ purpose: "history" }` on messages inserted by `{{history}}`). */
  metadata?: Record<string, unknown>;
}

/** A message of the conversation so far, for `{{history}}`. */
export interface HistoryMessage {
  role: string;
  /** Its text, or its parts. */
  text?: string;
  parts?: RenderedPart[];
}

/** What a render gets beside the input values: the runtime's `context` and the conversation history. */
export interface RenderData {
  /** Each key is a `@` data variable of the template: `{ state: {...} }` is `@state`, `{ auth: {...} }` is `@auth`. */
  context?: Record<string, unknown>;
  /** Earlier turns: inserted where the template says `{{history}}` (else before the last user message). */
  history?: HistoryMessage[];
}

export interface RenderError {
  message: string;
  /** Zero-based line in the prompt file (in `file`, when given), when known. */
  line?: number;
  /** The URI of the file the problem is in, when it is not the prompt (a fixture file). */
  file?: string;
}

export interface RenderResult {
  messages?: RenderedMessage[];
  error?: RenderError;
  /** The values the prompt was rendered with. */
  values: Record<string, unknown>;
}

/** Edits only the format knows how to write. */
export interface FormatEdits {
  /** Adds a parameter, or undefined when the file's shape allows no safe edit. */
  addParameter(doc: PromptDocument, name: ParameterName, value: unknown): { title: string; edit: TextEdit } | undefined;
}

/**
 * Completion, hover and navigation inside the body, for a format whose template language is not
 * the engine's Handlebars (the features ask these first; absent, they read the Handlebars analysis).
 */
export interface NavigationHooks {
  complete(doc: PromptDocument, offset: number): CompletionList | null;
  hover(doc: PromptDocument, offset: number): Hover | null;
  definition(doc: PromptDocument, offset: number): Location[];
  references(doc: PromptDocument, offset: number, includeDeclaration: boolean, options: { fixtures?: readonly FixtureText[]; token?: CancellationLike }): Location[];
  prepareRename(doc: PromptDocument, offset: number): { range: Range; placeholder: string } | null;
  /** The edit, or why the name cannot be used. */
  rename(doc: PromptDocument, offset: number, newName: string, options: { fixtures?: readonly FixtureText[]; token?: CancellationLike }): { edit: WorkspaceEdit } | { error: string } | null;
}

/**
 * Editor features a format answers itself, where its files are not YAML frontmatter plus a
 * Handlebars template (a whole-YAML file whose variables live in several places). Each one, when
 * present, replaces the engine's frontmatter + template answer for the format's documents.
 */
export interface FormatFeatures {
  /** `context`: what the project config says that frontmatter completion and hover use (the lifecycle's status names). */
  complete?(doc: PromptDocument, offset: number, context?: FrontmatterContext): CompletionList | null;
  hover?(doc: PromptDocument, offset: number, context?: FrontmatterContext): Hover | null;
  definition?(doc: PromptDocument, offset: number): Location[];
  references?(doc: PromptDocument, offset: number, includeDeclaration: boolean): Location[];
  prepareRename?(doc: PromptDocument, offset: number): { range: Range; placeholder: string } | null;
  /** Throws `Error` with a message for the user when the new name cannot be used. */
  rename?(doc: PromptDocument, offset: number, newName: string): WorkspaceEdit | null;
}

export interface PromptFormat {
  /** Stable id, kept on every parsed document (`PromptDocument.format`). */
  id: string;
  displayName: string;
  /** The editor language ids of its files. */
  languageIds: readonly string[];
  /** Globs of its files, relative to a workspace folder, for the doors' file searches (Dotprompt: every `*.prompt` at any depth). */
  filePatterns: readonly string[];
  /**
   * Whether the file is one of this format's, by its name, and by its text where the name is shared
   * with other formats. Never throws.
   */
  detect(uri: string, text?: string): boolean;
  /**
   * Parses a file; never throws. `previous` is the last parse of the same document by this format:
   * what an edit left unchanged may be reused.
   */
  parse(text: string, uri: string, version: number, options: ParseOptions, previous?: PromptDocument): PromptDocument;
  /**
   * `parse` as steps (service/slice.ts), for a parse that pauses inside its loops when a language
   * server's slice is used up; the same document as `parse`. Absent: the parse is one step.
   */
  parseSteps?(text: string, uri: string, version: number, options: ParseOptions, previous?: PromptDocument): Steps<PromptDocument>;
  /** The settings schema; absent for formats without settings. */
  schema?: FormatSchema;
  template: TemplateLanguage;
  /**
   * The checks of the template language that need more than the parse (the workspace's partials,
   * helpers registered in code); their diagnostics join the parse's. Memoised per document version.
   */
  check(doc: PromptDocument, options: TemplateOptions): PromptDiagnostic[];
  /** Renders the prompt with values, the way the format's own runtime would. */
  render(doc: PromptDocument, values: Record<string, unknown>, options: TemplateOptions, data?: RenderData): Promise<RenderResult>;
  /**
   * Set when the file's text joins a system message its tool writes (agent instruction files): its
   * messages get no chat framing of their own in token counts.
   */
  unframed?: boolean;
  /** Where the format writes a fact of the model, as a dotted key path (`config.maxOutputTokens`); undefined when it has no place for it. */
  keyPath(fact: ModelFact): string | undefined;
  edits?: FormatEdits;
  /** The body's completion, hover and navigation, when its template language is not Handlebars. */
  navigation?: NavigationHooks;
  features?: FormatFeatures;
  /**
   * The document the synchronous lint rules read, where the prose is only part of the file (a
   * whole-YAML file): the same offsets and lines, with everything but the prose blanked out.
   */
  lintView?(doc: PromptDocument): PromptDocument;
}

