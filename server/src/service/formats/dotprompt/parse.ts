// Parses a Dotprompt `.prompt` file: YAML frontmatter (validated against the schema, inputs read
// from Picoschema or JSON Schema) and a Handlebars template whose role markers split it into messages.
import type { InputSchemaModel, PromptDocument } from '../../document';
import type { PromptDiagnostic } from '../../diagnostic';
import { runSteps, type Steps } from '../../slice';
import { parseTemplateSteps, type Template } from '../../template';
import { LineIndex } from '../../text';
import { isScalar } from 'yaml';
import { locate } from '../../yamlPath';
import { fileBaseName } from '../model';
import { parseFrontmatterYaml, patchFrontmatterYaml, splitFrontmatter, type FrontmatterBlock, type FrontmatterPatch } from '../frontmatter';
import { DEFAULT_MAX_TEMPLATE_SIZE, type ParseOptions } from '../types';
import { dotpromptModel } from './model';
import { parseInputSchema } from './picoschema';
import { validateFrontmatter } from './validate';

export const DOTPROMPT_ID = 'dotprompt';

function record(value: unknown): Record<string, unknown> {
  return value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}

/** The `dotprompt` npm package's version whose parser still requires `---` on the first line. */
export const RUNTIME_WITHOUT_PREAMBLE = '1.1.2';

/**
 * Lines before `---`: Dotprompt's parser in its repository skips them, the `dotprompt` npm
 * package (the runtime Genkit installs) does not, and reads the whole file, frontmatter included,
 * as the template.
 */
function preambleHint(text: string, preamble: { start: number; end: number }): PromptDiagnostic {
  let end = preamble.end;
  while (end > preamble.start && /\s/.test(text[end - 1])) end--;
  return {
    code: 'frontmatter-preamble',
    severity: 'hint',
    message: `Lines before the opening \`---\`: Dotprompt's current parser skips comment and blank lines here, but the \`dotprompt\` npm package (${RUNTIME_WITHOUT_PREAMBLE}) does not: it reads the whole file, frontmatter included, as the template. The preview and test runs leave these lines out. To be safe with every runtime, move them into the frontmatter, after \`---\`, as YAML comments.`,
    span: { start: preamble.start, end: end > preamble.start ? end : preamble.end },
  };
}

/**
 * A frontmatter of line breaks alone (`---` right after `---`): Dotprompt's parser finds no
 * frontmatter (its expression needs a line between the delimiters, and an empty one counts as
 * none) and reads the whole file as the template, so the `---` lines are sent as text.
 */
function emptyFrontmatterWarning(text: string, frontmatter: FrontmatterBlock): PromptDiagnostic | undefined {
  if (!frontmatter.present || !frontmatter.closed) return undefined;
  if (/[^\r\n]/.test(text.slice(frontmatter.content.start, frontmatter.content.end))) return undefined;
  return {
    code: 'frontmatter-empty',
    severity: 'warning',
    message: 'An empty frontmatter is not one to Dotprompt: it reads the whole file as the template and sends the `---` lines to the model as text (the preview shows them). Remove both `---` lines, or write a setting between them (`model: ...`).',
    span: { start: frontmatter.span.start, end: frontmatter.span.end },
    data: { remove: { start: frontmatter.span.start, end: frontmatter.span.end } },
  };
}

/**
 * The prompt name and variant Genkit loads a file as: the file name without `.prompt`, split at
 * its first dot into the name and the variant (`hello.formal.prompt`: `hello`, `formal`); a
 * third part is not read. Partials (`_name.prompt`) have none.
 */
export function genkitPromptKey(uri: string): { name: string; variant?: string } | undefined {
  const base = fileBaseName(uri);
  if (!/\.prompt$/i.test(base) || base.startsWith('_')) return undefined;
  const parts = base.slice(0, -'.prompt'.length).split('.');
  return { name: parts[0], ...(parts.length > 1 ? { variant: parts[1] } : {}) };
}

/** `variant:` in the frontmatter: Genkit takes the variant from the file name, so this one is not how the prompt is found. */
function variantWarnings(uri: string, frontmatter: FrontmatterBlock, out: PromptDiagnostic[]): void {
  const key = genkitPromptKey(uri);
  if (!key) return;
  // `a.b.c.prompt`: Genkit reads `a` and `b`; the rest of the name is not part of the prompt's key.
  const base = fileBaseName(uri).slice(0, -'.prompt'.length);
  const parts = base.split('.');
  if (parts.length > 2 && frontmatter.present) {
    out.push({
      code: 'variant-file-name',
      severity: 'warning',
      message: `Genkit reads a prompt file's name as \`name.variant.prompt\`: this file is loaded as the variant \`${key.variant}\` of \`${key.name}\`, and \`.${parts.slice(2).join('.')}\` is not read, so another file \`${key.name}.${key.variant}.<anything>.prompt\` is the same prompt to it. Use one dot for the variant (\`${key.name}.${parts.slice(1).join('-')}.prompt\`).`,
      span: { start: frontmatter.span.start, end: Math.min(frontmatter.span.start + 3, frontmatter.span.end) },
    });
  }
  if (!frontmatter.yaml) return;
  const node = locate(frontmatter.yaml, ['variant']).node;
  const written = node && isScalar(node) && typeof node.value === 'string' ? node.value : undefined;
  if (written !== undefined && written !== key.variant && node?.range) {
    const loaded = key.variant ? `as the variant \`${key.variant}\` of \`${key.name}\`` : `as \`${key.name}\` with no variant`;
    out.push({
      code: 'variant-file-name',
      severity: 'warning',
      message: `Genkit takes a prompt's variant from its file name (\`name.variant.prompt\`), not from \`variant:\`: this file is loaded ${loaded}, so \`prompt('${key.name}', { variant: '${written}' })\` does not find it. Name the file \`${key.name}.${written}.prompt\`${key.variant ? '' : ', or remove `variant:`'}.`,
      span: { start: frontmatter.content.start + node.range[0], end: frontmatter.content.start + node.range[1] },
    });
  }
}

/** The schema check's findings (validateFrontmatter, variantWarnings) per frontmatter, for the next version to move. */
const validated = new WeakMap<FrontmatterBlock, PromptDiagnostic[]>();

/**
 * Whether a path lies inside `input.schema` or `output.schema` (a key of the schema's mapping or
 * below): the zod schema takes any mapping there and the unknown-key check does not go in.
 */
function insideSchema(path: (string | number)[]): boolean {
  return path.length >= 3 && (path[0] === 'input' || path[0] === 'output') && path[1] === 'schema';
}

/** A diagnostic of the previous version with its offsets from `oldEnd` on moved by `delta` (the schema check's carry no offsets in their data). */
function movedAfter(d: PromptDiagnostic, oldEnd: number, delta: number): PromptDiagnostic {
  const { start, end } = d.span;
  if (end < oldEnd) return d;
  return { ...d, span: { start: start >= oldEnd ? start + delta : start, end: end + delta } };
}

/**
 * Parses a prompt. `previous` is the last parse of the same document: while the frontmatter text
 * is unchanged (most keystrokes), its YAML parse, validation and input model are reused.
 */
export function parsePromptDocument(text: string, uri = 'untitled:prompt', version = 0, options: ParseOptions = {}, previous?: PromptDocument): PromptDocument {
  return runSteps(parsePromptSteps(text, uri, version, options, previous));
}

/** `parsePromptDocument` as steps: a sliced parse pauses inside the line index and the template's parse. */
export function* parsePromptSteps(text: string, uri = 'untitled:prompt', version = 0, options: ParseOptions = {}, previous?: PromptDocument): Steps<PromptDocument> {
  const lines = yield* LineIndex.steps(text, previous?.lines);
  const diagnostics: PromptDiagnostic[] = [];
  const bom = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  const empty = (start: number, end: number) => ({ span: { start, end }, tags: [], blocks: [], messages: [], diagnostics: [] });

  const nul = text.indexOf('\u0000');
  if (nul >= 0) {
    diagnostics.push({
      code: 'file-binary',
      severity: 'info',
      message: 'This file contains binary data (a NUL byte), so it is not analysed as a prompt. If it should be a prompt, save it as UTF-8 text.',
      span: { start: 0, end: 0 },
    });
    const frontmatter: FrontmatterBlock = { present: false, closed: false, span: { start: 0, end: 0 }, content: { start: 0, end: 0 }, value: undefined };
    return {
      uri,
      version,
      text,
      lines,
      format: DOTPROMPT_ID,
      get prompt() {
        return dotpromptModel(this);
      },
      notice: 'binary',
      frontmatter,
      template: empty(0, text.length),
      input: { style: 'none', fields: [], diagnostics: [] },
      defaults: {},
      diagnostics,
      frontmatterDiagnostics: [],
    };
  }

  yield 'parse: line index';
  const split = splitFrontmatter(text, bom, { leadingComments: true });
  const bodyStart = split.bodyStart;
  let frontmatter = split.block;
  let inputModel: InputSchemaModel = { style: 'none', fields: [], diagnostics: [] };
  let frontmatterDiagnostics: PromptDiagnostic[] = [];
  let keepDefaults = false;
  const reuse = previous && previous.notice !== 'binary' && previous.frontmatter.closed && frontmatter.closed && previous.template.span.start === bodyStart && previous.text.startsWith(text.slice(0, bodyStart));
  if (reuse) {
    frontmatter = previous.frontmatter;
    inputModel = previous.input;
    frontmatterDiagnostics = previous.frontmatterDiagnostics;
  } else {
    if (frontmatter.preamble) frontmatterDiagnostics.push(preambleHint(text, frontmatter.preamble));
    const empty = emptyFrontmatterWarning(text, frontmatter);
    if (empty) frontmatterDiagnostics.push(empty);
    // Typing inside a description or a key changes one scalar: the previous YAML, patched.
    const change: FrontmatterPatch = { path: [], isKey: false, from: 0, oldEnd: 0, delta: 0 };
    const patched = !!previous && previous.notice !== 'binary' && patchFrontmatterYaml(previous.text, previous.frontmatter, text, frontmatter, change);
    if (!patched) parseFrontmatterYaml(text, frontmatter, frontmatterDiagnostics);
    yield 'parse: frontmatter';
    // A key or value inside `input.schema` or `output.schema` (Picoschema's names, types and
    // descriptions) is not something the schema check reads: its findings are the previous ones, moved.
    const kept = patched && previous.uri === uri && insideSchema(change.path) ? validated.get(previous.frontmatter) : undefined;
    let checked: PromptDiagnostic[];
    keepDefaults = patched && insideSchema(change.path);
    if (kept) checked = kept.map((d) => movedAfter(d, change.oldEnd, change.delta));
    else {
      checked = [];
      validateFrontmatter(frontmatter, checked);
      variantWarnings(uri, frontmatter, checked);
    }
    validated.set(frontmatter, checked);
    for (const d of checked) frontmatterDiagnostics.push(d);
    yield 'parse: frontmatter';
    if (frontmatter.yaml && frontmatter.value !== undefined) {
      const at = { start: frontmatter.span.start, end: frontmatter.span.start + 3 };
      inputModel = parseInputSchema(locate(frontmatter.yaml, ['input', 'schema']).node, frontmatter.content.start, at);
      frontmatterDiagnostics.push(...inputModel.diagnostics);
      const outputSchema = locate(frontmatter.yaml, ['output', 'schema']).node;
      if (outputSchema) frontmatterDiagnostics.push(...parseInputSchema(outputSchema, frontmatter.content.start, at).diagnostics);
    } else if (frontmatter.present) {
      // The YAML has errors: the declarations that did parse serve completion and hover; their own
      // problems wait until the YAML is fixed (they would only repeat it).
      const recovered = frontmatter.recovered;
      const at = { start: frontmatter.span.start, end: frontmatter.span.start + 3 };
      const fields = recovered ? parseInputSchema(locate(recovered, ['input', 'schema']).node, frontmatter.content.start, at) : undefined;
      inputModel = { style: fields?.style ?? 'none', fields: fields?.fields ?? [], diagnostics: [], partial: true };
    }
  }
  diagnostics.push(...frontmatterDiagnostics);
  yield 'parse: frontmatter';
  const fm = record(frontmatter.value);
  const input = record(fm.input);

  const maxSize = options.maxTemplateSize ?? DEFAULT_MAX_TEMPLATE_SIZE;
  let template: Template;
  let notice: PromptDocument['notice'];
  if (text.length - bodyStart > maxSize) {
    notice = 'too-large';
    template = empty(bodyStart, text.length);
    diagnostics.push({
      code: 'file-too-large',
      severity: 'info',
      message: `This prompt is ${(text.length / 1e6).toFixed(1)} MB; templates over ${(maxSize / 1e6).toFixed(1)} MB are not analysed (only the frontmatter is checked). Raise the setting promptWorkbench.maxFileSize to analyse it.`,
      span: { start: bodyStart, end: Math.min(text.length, bodyStart + 1) },
    });
  } else {
    template = yield* parseTemplateSteps(text, bodyStart, text.length, previous && !previous.notice ? previous : undefined, frontmatter.present && frontmatter.closed);
    diagnostics.push(...template.diagnostics);
  }

  return {
    uri,
    version,
    text,
    lines,
    format: DOTPROMPT_ID,
    // Built on first read (the completion path never needs it), once per version.
    get prompt() {
      return dotpromptModel(this);
    },
    notice,
    frontmatter,
    template,
    input: inputModel,
    // The previous defaults object while the edit left `input.default` alone (the analysis compares it by identity).
    defaults: reuse || keepDefaults ? previous!.defaults : record(input.default),
    model: typeof fm.model === 'string' ? fm.model : undefined,
    diagnostics,
    frontmatterDiagnostics,
  };
}
