// The parsed form of one prompt file that every feature shares: the text, the format that parsed
// it and its shared model, the YAML frontmatter and template with ranges (for the formats that have
// them), the declared inputs, and every diagnostic found on the way.
import type { PromptDiagnostic } from './diagnostic';
import type { FrontmatterBlock } from './formats/frontmatter';
import type { PromptModel, SchemaField } from './formats/types';
import type { Template } from './template';
import type { LineIndex } from './text';

export { DEFAULT_MAX_TEMPLATE_SIZE, type ParseOptions } from './formats/types';
export { parseDocument, parseDocumentSteps, parsePromptDocument } from './formats/registry';

/** The input declarations as the file's schema gives them. */
export interface InputSchemaModel {
  /** How they are written (Dotprompt: `picoschema`, `json-schema`, `named`); `none` without any. */
  style: string;
  fields: SchemaField[];
  /** Further inputs of any name, of this type (Picoschema's `(*)` at the top of `input.schema`). */
  additional?: SchemaField;
  diagnostics: PromptDiagnostic[];
  /**
   * Set when the declarations could not be read in full (the frontmatter's YAML has errors):
   * `fields` are what did parse, for completion and hover, and the variable checks hold back.
   */
  partial?: boolean;
}

export interface PromptDocument {
  uri: string;
  version: number;
  text: string;
  lines: LineIndex;
  /** The id of the format that parsed it (`dotprompt`). */
  format: string;
  /** The format-neutral model of the prompt; front-ends may build it on first read, once per version. */
  readonly prompt: PromptModel;
  /** Set when the file is not analysed in full: binary content or too large. */
  notice?: 'binary' | 'too-large';
  frontmatter: FrontmatterBlock;
  template: Template;
  input: InputSchemaModel;
  /** `input.default` values. */
  defaults: Record<string, unknown>;
  /** The `model:` value when it is a string. */
  model?: string;
  diagnostics: PromptDiagnostic[];
  /** The diagnostics of the frontmatter alone (reused while the frontmatter text is unchanged). */
  frontmatterDiagnostics: PromptDiagnostic[];
}
