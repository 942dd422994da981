// Prompty's frontmatter (`*.prompty`), version 2 and version 1, as zod schemas with a description on
// every key: validation, hover and completion read the same definitions. Written after the Prompty
// specification and its runtimes (microsoft/prompty: the TypeScript and Python loaders, the
// version 1 to 2 migration).
import { z } from 'zod';

/** Template engines Prompty renders with (`template.format.kind`); `nunjucks` is the TypeScript runtime's name for Jinja2. */
export const TEMPLATE_KINDS = ['jinja2', 'nunjucks', 'mustache'] as const;

/** The kinds of an input or output property. */
export const PROPERTY_KINDS = ['string', 'integer', 'float', 'number', 'boolean', 'array', 'object', 'union', 'thread', 'image', 'file', 'audio'] as const;

/** Role names a role line (`system:`) may start a message with. */
export const ROLES = ['system', 'user', 'assistant', 'developer'] as const;

const KIND_DOCS: Record<string, string> = {
  string: 'Text.',
  integer: 'A whole number.',
  float: 'A number with a fraction.',
  number: 'A number.',
  boolean: '`true` or `false`.',
  array: 'A list; `items` describes one element.',
  object: 'A mapping; `properties` lists its fields.',
  union: 'One of several shapes (`oneOf` / `anyOf`).',
  thread: 'Earlier conversation turns, inserted as messages where the input is written.',
  image: 'An image, sent as an image part of the message.',
  file: 'A file, sent as a file part of the message.',
  audio: 'Audio, sent as an audio part of the message.',
  jinja2: 'Jinja2 (the default): `{{ name }}`, `{% if %}`, `{% for %}`, filters.',
  nunjucks: 'Nunjucks, the Jinja2 engine of Prompty\'s TypeScript runtime (same syntax as `jinja2`).',
  mustache: 'Mustache: `{{name}}`, sections `{{#list}}…{{/list}}`, inverted `{{^x}}`.',
  chat: 'Chat completions: the body becomes a list of messages.',
  responses: 'The OpenAI Responses API.',
  embedding: 'Embeddings of the rendered text.',
  image_generation: 'Image generation.',
  key: 'An endpoint and an API key (`endpoint`, `apiKey`).',
  reference: 'A connection registered in code, by `name`.',
  remote: 'A connection managed by the platform, by `name`.',
  anonymous: 'An endpoint without credentials.',
};

export function valueDoc(value: string): string | undefined {
  return KIND_DOCS[value];
}

const envNote = ' Values may be `${env:NAME}` (or `${env:NAME:default}`) and `${file:path}` references, resolved at run time.';

// ---- version 2 ----

const options = z
  .looseObject({
    temperature: z.number().min(0).max(2).meta({ description: 'Sampling temperature between 0 and 2. Lower is more deterministic.' }),
    maxOutputTokens: z.int().positive().meta({ description: 'Upper limit on the tokens the model may generate (`max_completion_tokens` for OpenAI, `max_tokens` for Anthropic).' }),
    topP: z.number().min(0).max(1).meta({ description: 'Nucleus sampling: only tokens within this cumulative probability (0 to 1) are considered.' }),
    topK: z.int().positive().meta({ description: 'Only the K most likely tokens are considered at each step.' }),
    frequencyPenalty: z.number().min(-2).max(2).meta({ description: 'Penalises tokens by how often they already appeared (-2 to 2).' }),
    presencePenalty: z.number().min(-2).max(2).meta({ description: 'Penalises tokens that already appeared at all (-2 to 2).' }),
    seed: z.int().meta({ description: 'Seed for best-effort deterministic sampling.' }),
    stopSequences: z.array(z.string()).meta({ description: 'Strings at which generation stops.' }),
    reasoningEffort: z.string().meta({ description: 'How much a reasoning model thinks before answering: `none`, `minimal`, `low`, `medium`, `high`.' }),
    allowMultipleToolCalls: z.boolean().meta({ description: 'Whether the model may call several tools in one turn.' }),
    additionalProperties: z.record(z.string(), z.unknown()).meta({ description: 'Provider options outside this list, passed as they are.' }),
  })
  .partial()
  .meta({ description: 'Model options, in Prompty\'s provider-neutral names (each runtime maps them to its provider\'s).' });

const connection = z
  .looseObject({
    kind: z.string().meta({ description: 'How to connect: `key` (endpoint and API key), `reference` (a connection registered in code, by `name`), `remote`, `anonymous`.' }),
    endpoint: z.string().meta({ description: `The service endpoint (Azure OpenAI / Foundry resource URL, or an OpenAI-compatible base URL).${envNote}` }),
    apiKey: z.string().meta({ description: 'The API key. Write `${env:NAME}`: a key written here would be committed with the prompt.' }),
    name: z.string().meta({ description: 'The name of a registered connection (`kind: reference` or `remote`).' }),
    apiVersion: z.string().meta({ description: 'The API version (Azure OpenAI).' }),
  })
  .partial()
  .meta({ description: 'How the runtime reaches the model.' });

const modelObject = z
  .looseObject({
    id: z.string().min(1).meta({ description: 'The model id (an Azure OpenAI deployment name for `provider: azure`). Example: `gpt-4o-mini`.' }),
    provider: z.string().meta({ description: 'Who serves the model: `openai`, `azure` (Azure OpenAI / Foundry), `anthropic`, `foundry`, ...' }),
    apiType: z.string().meta({ description: 'The API to call: `chat` (the default), `responses`, `embedding`, `image`.' }),
    connection,
    options,
  })
  .partial();

const model = z.union([z.string().min(1), modelObject]).meta({
  description: 'The model: its id as a string (`model: gpt-4o`), or `id`, `provider`, `apiType`, `connection` and `options`.',
});

const propertyObject = z
  .looseObject({
    name: z.string().min(1).meta({ description: 'The name the template uses (`{{name}}`).' }),
    kind: z.string().meta({ description: `The kind of value: ${PROPERTY_KINDS.map((k) => `\`${k}\``).join(', ')}.` }),
    description: z.string().meta({ description: 'What the value is, shown in completion and hover.' }),
    required: z.boolean().meta({ description: 'Whether a value must be given.' }),
    nullable: z.boolean().meta({ description: 'Whether `null` is accepted.' }),
    default: z.unknown().meta({ description: 'The value used when none is given; the preview renders with it.' }),
    example: z.unknown().meta({ description: 'An example value (the short form `name: value` sets it).' }),
    enumValues: z.array(z.unknown()).meta({ description: 'The values accepted.' }),
    items: z.unknown().meta({ description: 'For `kind: array`: one element\'s property.' }),
    properties: z.unknown().meta({ description: 'For `kind: object`: its fields, as a list or a mapping.' }),
  })
  .partial();

/** A list of `{ name, kind, ... }`, or a mapping of names to `{ kind, ... }` or to an example value. */
const properties = (what: string) =>
  z.union([z.array(propertyObject), z.record(z.string(), z.union([propertyObject, z.string(), z.number(), z.boolean(), z.array(z.unknown()), z.null()]))]).meta({ description: what });

const tool = z
  .looseObject({
    name: z.string().min(1).meta({ description: 'The tool\'s name, as the model calls it.' }),
    kind: z.string().meta({ description: 'The kind of tool: `function`, `mcp`, `openapi`, `prompty`, or a custom kind.' }),
    description: z.string().meta({ description: 'What the tool does, sent to the model.' }),
    parameters: z.unknown().meta({ description: 'The tool\'s parameters, as properties.' }),
  })
  .partial();

const formatObject = z
  .looseObject({
    kind: z.enum(TEMPLATE_KINDS).meta({ description: 'The template engine: `jinja2` (the default), `nunjucks` or `mustache`.' }),
    strict: z.boolean().meta({ description: 'Marks role lines with a nonce before rendering, so values cannot inject role lines.' }),
    options: z.record(z.string(), z.unknown()).meta({ description: 'Engine options.' }),
  })
  .partial();

const parserObject = z
  .looseObject({
    kind: z.string().meta({ description: 'How the rendered text becomes messages: `prompty` (role lines such as `system:`).' }),
    options: z.record(z.string(), z.unknown()).meta({ description: 'Parser options.' }),
  })
  .partial();

const template = z
  .looseObject({
    format: z.union([z.enum(TEMPLATE_KINDS), formatObject]).meta({ description: 'The template engine: `format: { kind: jinja2 }` (the default) or `mustache`.' }),
    parser: z.union([z.string(), parserObject]).meta({ description: 'How the rendered text is split into messages: `parser: { kind: prompty }`.' }),
  })
  .partial()
  .meta({ description: 'How the body is rendered: its template engine and parser.' });

const metadata = z
  .looseObject({
    authors: z.array(z.string()).meta({ description: 'Who wrote the prompt.' }),
    tags: z.array(z.string()).meta({ description: 'Tags for finding the prompt.' }),
    version: z.union([z.string(), z.number()]).meta({ description: 'A version label for the prompt.' }),
      owner: z.string().meta({ description: 'Who owns the prompt (a person, `@org/team` or an e-mail address), shown in the prompt catalogue. Without it, the catalogue takes `authors`, then CODEOWNERS.' }),
      status: z.string().meta({ examples: ['draft', 'review', 'approved', 'released', 'retired'], description: 'Lifecycle status: `draft`, `review`, `approved`, `released` or `retired` (the project config may rename them). Without it, the project config\'s folder defaults decide, else `draft`.' }),
      statusNote: z.string().meta({ description: 'Why the status moved back (for example from `released` to `review`): the rule `lifecycle-status-backwards` asks for it.' }),
  })
  .partial()
  .meta({ description: 'Information about the prompt (authors, tags, version, anything else); not sent to the model.' });

export const PromptyV2Schema = z
  .object({
    $schema: z.string().meta({ description: 'The JSON Schema the file follows (for editors).' }),
    name: z.string().meta({ description: 'The name of the prompt.' }),
    displayName: z.string().meta({ description: 'A name for people, in user interfaces.' }),
    description: z.string().meta({ description: 'What the prompt does.' }),
    metadata,
    model,
    inputs: properties('The inputs the template reads: a list of `{ name, kind, default, description, required }`, a mapping `name: { kind, default, ... }`, or the short form `name: example value`.'),
    outputs: properties('The structured output the model returns, as properties (sent as a JSON schema response format).'),
    tools: z.union([z.array(tool), z.record(z.string(), z.unknown())]).meta({ description: 'Tools the model may call: `function`, `mcp`, `openapi`, `prompty` or custom kinds.' }),
    template,
    inputSchema: z.looseObject({ properties: z.unknown() }).partial().meta({ description: 'An earlier version 2 spelling of `inputs` (`inputSchema.properties`); read as `inputs`.' }),
    outputSchema: z.looseObject({ properties: z.unknown() }).partial().meta({ description: 'An earlier version 2 spelling of `outputs`.' }),
  })
  .partial()
  .meta({ title: 'Prompty frontmatter (version 2)', description: 'The YAML frontmatter of a Prompty `.prompty` file; the body below it holds the messages, split by role lines such as `system:`.' });

// ---- version 1 ----

const parametersV1 = z
  .looseObject({
    max_tokens: z.int().positive().meta({ description: 'Version 1 spelling of `model.options.maxOutputTokens`.' }),
    temperature: z.number().min(0).max(2).meta({ description: 'Sampling temperature between 0 and 2.' }),
    top_p: z.number().min(0).max(1).meta({ description: 'Version 1 spelling of `model.options.topP`.' }),
    frequency_penalty: z.number().min(-2).max(2).meta({ description: 'Version 1 spelling of `model.options.frequencyPenalty`.' }),
    presence_penalty: z.number().min(-2).max(2).meta({ description: 'Version 1 spelling of `model.options.presencePenalty`.' }),
    stop: z.union([z.string(), z.array(z.string())]).meta({ description: 'Version 1 spelling of `model.options.stopSequences`.' }),
    seed: z.int().meta({ description: 'Seed for best-effort deterministic sampling.' }),
    response_format: z.unknown().meta({ description: 'The OpenAI response format (`{ type: json_object }`).' }),
    tools: z.unknown().meta({ description: 'Version 1 place of the tools; version 2 writes them at the top level (`tools:`).' }),
  })
  .partial()
  .meta({ description: 'Version 1 model parameters, passed to the API as written; version 2 writes them as `model.options` in camelCase.' });

const configurationV1 = z
  .looseObject({
    type: z.string().meta({ description: 'The service: `azure_openai`, `openai`, `serverless`. Version 2 writes `model.provider`.' }),
    azure_endpoint: z.string().meta({ description: `Version 1 spelling of \`model.connection.endpoint\`.${envNote}` }),
    azure_deployment: z.string().meta({ description: 'Version 1 spelling of `model.id` (the deployment name).' }),
    api_key: z.string().meta({ description: 'Version 1 spelling of `model.connection.apiKey`. Write `${env:NAME}`.' }),
    api_version: z.string().meta({ description: 'The Azure OpenAI API version.' }),
    name: z.string().meta({ description: 'The model name (`type: openai`); version 2 writes `model.id`.' }),
    endpoint: z.string().meta({ description: 'The endpoint (`type: serverless`).' }),
    connection: z.string().meta({ description: 'A prompt flow connection name.' }),
  })
  .partial()
  .meta({ description: 'Version 1 connection settings; version 2 writes `model.connection` and `model.provider`.' });

const inputV1 = z
  .looseObject({
    type: z.string().meta({ description: 'Version 1 spelling of `kind`: `string`, `number`, `boolean`, `array`, `object`.' }),
    description: z.string().meta({ description: 'What the value is.' }),
    default: z.unknown().meta({ description: 'The value used when none is given.' }),
    sample: z.unknown().meta({ description: 'Version 1 spelling of `default` (an example value).' }),
    required: z.boolean().meta({ description: 'Whether a value must be given.' }),
  })
  .partial();

export const PromptyV1Schema = z
  .object({
    $schema: z.string().meta({ description: 'The JSON Schema the file follows (for editors).' }),
    name: z.string().meta({ description: 'The name of the prompt.' }),
    description: z.string().meta({ description: 'What the prompt does.' }),
    version: z.union([z.string(), z.number()]).meta({ description: 'Version 1 place of the version; version 2 writes `metadata.version`.' }),
    authors: z.array(z.string()).meta({ description: 'Version 1 place of the authors; version 2 writes `metadata.authors`.' }),
    tags: z.array(z.string()).meta({ description: 'Version 1 place of the tags; version 2 writes `metadata.tags`.' }),
    metadata: z.record(z.string(), z.unknown()).meta({ description: 'Free-form information about the prompt.' }),
    model: z
      .looseObject({
        api: z.enum(['chat', 'completion']).meta({ description: 'Version 1 spelling of `model.apiType`: `chat` or `completion`.' }),
        configuration: configurationV1,
        parameters: parametersV1,
        response: z.enum(['first', 'all']).meta({ description: 'Whether the runtime returns the first choice or all of them.' }),
      })
      .partial()
      .meta({ description: 'Version 1 model settings: `api`, `configuration`, `parameters`.' }),
    inputs: z.record(z.string(), z.union([inputV1, z.string(), z.number(), z.boolean(), z.array(z.unknown()), z.null()])).meta({ description: 'The inputs the template reads: `name: { type, description, sample }`, or `name: example value`.' }),
    outputs: z.record(z.string(), z.unknown()).meta({ description: 'The fields of a JSON answer.' }),
    sample: z.union([z.string(), z.record(z.string(), z.unknown())]).meta({ description: 'Version 1 sample values (a mapping, or a `${file:...}` reference); version 2 writes a `default` on each input.' }),
    template: z.union([z.enum(TEMPLATE_KINDS), z.looseObject({ type: z.string(), format: z.unknown(), parser: z.unknown() }).partial()]).meta({ description: 'Version 1 template engine as a string (`template: jinja2`); version 2 writes `template.format.kind`.' }),
  })
  .partial()
  .meta({ title: 'Prompty frontmatter (version 1)', description: 'The YAML frontmatter of a version 1 Prompty file (`model.api`, `model.configuration`, `model.parameters`, `sample`).' });

let v2Json: Record<string, unknown> | undefined;
let v1Json: Record<string, unknown> | undefined;

export function promptyJsonSchema(version: 1 | 2 = 2): Record<string, unknown> {
  if (version === 1) return (v1Json ??= z.toJSONSchema(PromptyV1Schema, { unrepresentable: 'any' }) as Record<string, unknown>);
  return (v2Json ??= z.toJSONSchema(PromptyV2Schema, { unrepresentable: 'any' }) as Record<string, unknown>);
}
