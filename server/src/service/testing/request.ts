// What a test run sends for a prompt, read from the shared model so every format runs alike: the
// model parameters in the providers' request vocabulary, and the output format and schema.
import { picoschema } from 'dotprompt';
import type { PromptDocument } from '../document';
import { promptFileInfo } from '../formats/github-models/parse';
import type { ParameterName, SchemaLibrary } from '../formats/types';

/** The providers' names for the shared parameters (`stop` is `stopSequences` in a request, as in Dotprompt's `config`). */
const REQUEST_NAME: Record<ParameterName, string> = {
  temperature: 'temperature',
  maxOutputTokens: 'maxOutputTokens',
  topP: 'topP',
  topK: 'topK',
  stop: 'stopSequences',
  presencePenalty: 'presencePenalty',
  frequencyPenalty: 'frequencyPenalty',
  seed: 'seed',
  reasoningEffort: 'reasoningEffort',
};

/**
 * The prompt's model parameters for a request: the known ones under the providers' names, every
 * other one under the key the file wrote (providers pass unknown keys through), in file order.
 */
export function promptParameters(prompt: PromptDocument): Record<string, unknown> {
  const model = prompt.prompt;
  const out: Record<string, unknown> = {};
  // `gh models` sends only the parameters its prompt file knows (maxTokens, temperature, topP), whatever else `modelParameters` holds.
  const others = prompt.format === 'github-models' ? [] : model.otherParameters;
  const all = [...Object.values(model.parameters), ...others].filter((p) => p !== undefined).sort((a, b) => a.span.start - b.span.start);
  for (const p of all) out[p.name ? REQUEST_NAME[p.name] : p.key] = p.value;
  return out;
}

/** The prompt's declared output format (`json`, `text`, ...), if any; GitHub Models' `json_object` and `json_schema` are JSON. */
export function promptOutputFormat(prompt: PromptDocument): string | undefined {
  const f = prompt.prompt.output?.format?.value;
  if (f === 'json_object' || f === 'json_schema') return 'json';
  return typeof f === 'string' ? f : undefined;
}

/**
 * The `response_format` a GitHub Models prompt file writes (`responseFormat`, with its `jsonSchema`
 * object as written), sent as is, as `gh models` sends it; undefined for other formats.
 */
export function promptResponseFormat(prompt: PromptDocument): Record<string, unknown> | undefined {
  return prompt.format === 'github-models' ? promptFileInfo(prompt).responseFormat : undefined;
}

const outputSchemas = new WeakMap<PromptDocument, { generation: number; schema: Promise<Record<string, unknown> | undefined> }>();

/**
 * The prompt's output schema as JSON Schema. Dotprompt's Picoschema goes through the `dotprompt`
 * package's own converter, which returns a JSON Schema given to it unchanged; names of schemas
 * (`schema: Answer`, `field: Answer`) resolve through `schemas`, the project's named schemas.
 */
export function outputSchemaOf(prompt: PromptDocument, schemas?: SchemaLibrary): Promise<Record<string, unknown> | undefined> {
  const generation = schemas?.generation ?? -1;
  const hit = outputSchemas.get(prompt);
  if (hit && hit.generation === generation) return hit.schema;
  const schema = prompt.prompt.output?.schema?.value;
  const resolver = schemas ? (name: string) => schemas.get(name) ?? null : undefined;
  const p =
    schema && (typeof schema === 'object' || typeof schema === 'string')
      ? picoschema(schema, resolver ? { schemaResolver: resolver } : undefined).then((s) => (s && typeof s === 'object' ? (s as Record<string, unknown>) : undefined), () => undefined)
      : Promise.resolve(undefined);
  outputSchemas.set(prompt, { generation, schema: p });
  return p;
}
