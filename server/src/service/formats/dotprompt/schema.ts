// The Dotprompt frontmatter schema: one zod definition that validates documents, documents every
// key (hover, completion) and is exported as JSON Schema for other tools.
import { z } from 'zod';

/** Model families whose provider prefix decides which `config` keys are offered. */
export const MODEL_FAMILIES = ['openai', 'anthropic', 'googleai', 'vertexai', 'ollama'] as const;
export type ModelFamily = (typeof MODEL_FAMILIES)[number];

export const OUTPUT_FORMATS = ['json', 'text', 'media', 'array', 'enum', 'jsonl'] as const;

const OUTPUT_FORMAT_DOCS: Record<(typeof OUTPUT_FORMATS)[number], string> = {
  json: 'The model answers with one JSON value matching `output.schema`.',
  text: 'Plain text (the default).',
  media: 'The model returns media (for example an image).',
  array: 'A JSON array; each item matches `output.schema` items.',
  enum: 'One value out of the `output.schema` enum.',
  jsonl: 'JSON Lines: one JSON object per line.',
};

export function outputFormatDoc(format: string): string | undefined {
  return (OUTPUT_FORMAT_DOCS as Record<string, string>)[format];
}

// `families` marks config keys that only some providers accept; keys without it are common.
const config = z
  .looseObject({
    temperature: z.number().min(0).max(2).meta({
      description:
        'Sampling temperature between 0 and 2. Lower is more deterministic, higher more varied. Example: `temperature: 0.2`.',
    }),
    maxOutputTokens: z.int().positive().meta({
      description: 'Upper limit on the number of tokens the model may generate. Example: `maxOutputTokens: 1024`.',
    }),
    topP: z.number().min(0).max(1).meta({
      description: 'Nucleus sampling: only tokens within this cumulative probability (0 to 1) are considered.',
    }),
    topK: z.int().positive().meta({
      description: 'Only the K most likely tokens are considered at each step.',
      families: ['anthropic', 'googleai', 'vertexai', 'ollama'],
    }),
    stopSequences: z.array(z.string()).meta({
      description: 'Strings at which generation stops. Example: `stopSequences: ["\\n\\n"]`.',
    }),
    frequencyPenalty: z.number().min(-2).max(2).meta({
      description: 'Penalises tokens by how often they already appeared (-2 to 2).',
      families: ['openai'],
    }),
    presencePenalty: z.number().min(-2).max(2).meta({
      description: 'Penalises tokens that already appeared at all (-2 to 2).',
      families: ['openai'],
    }),
    seed: z.int().meta({
      description: 'Seed for best-effort deterministic sampling.',
      families: ['openai', 'ollama'],
    }),
    reasoningEffort: z.enum(['minimal', 'low', 'medium', 'high']).meta({
      description: 'How much reasoning a reasoning model spends before answering.',
      families: ['openai'],
    }),
    candidateCount: z.int().positive().meta({
      description: 'Number of candidate answers to generate.',
      families: ['googleai', 'vertexai'],
    }),
    safetySettings: z.array(z.record(z.string(), z.unknown())).meta({
      description: 'Gemini safety settings: a list of `{ category, threshold }`.',
      families: ['googleai', 'vertexai'],
    }),
  })
  .partial()
  .meta({
    description:
      'Model parameters passed to the model as they are. Common keys are validated; other keys are passed through for provider-specific options.',
  });

const inputSchemaDoc =
  'The input variables of the template, in Picoschema (`name: string, description`, `tags(array): string`, `field?: type`) or as a full JSON Schema.';

const input = z
  .object({
    schema: z.union([z.string(), z.record(z.string(), z.unknown())]).meta({ description: inputSchemaDoc }),
    default: z.record(z.string(), z.unknown()).meta({
      description: 'Default values for input variables, used when a value is not supplied at render time.',
    }),
  })
  .partial()
  .meta({ description: 'The input variables the template expects: their schema and default values.' });

const output = z
  .object({
    // Genkit hands the name to the format registry, so a format the code registers (`ai.defineFormat`)
    // is valid too: any name is accepted here, and validate.ts says when it is not a built-in one.
    format: z.string().min(1).meta({
      examples: [...OUTPUT_FORMATS],
      description: 'The form of the model output: `json`, `text`, `media`, `array`, `enum` or `jsonl`, or a format your code registers (`ai.defineFormat`).',
    }),
    schema: z.union([z.string(), z.record(z.string(), z.unknown())]).meta({
      description: 'The schema the output must match, in Picoschema or JSON Schema.',
    }),
    instructions: z.union([z.boolean(), z.string()]).meta({
      description: 'Genkit (Python): `false` leaves out the format instructions Genkit adds to the prompt; a text replaces them.',
    }),
  })
  .partial()
  .meta({ description: 'What the model should return: its format and schema.' });

export const FrontmatterSchema = z
  .looseObject({
    name: z.string().min(1).meta({ description: 'The name of the prompt. Defaults to the file name without `.prompt`.' }),
    variant: z.string().min(1).meta({
      description: 'A variant of the prompt (for example `formal`). Genkit takes the variant from the file name (`name.variant.prompt`) and finds the prompt by it; this key does not change that.',
    }),
    version: z.union([z.string(), z.number()]).meta({
      description: 'A version label for this prompt, shown in history and run records. Example: `version: "1.2.0"`.',
    }),
    description: z.string().meta({ description: 'What the prompt does, for people reading and searching prompts.' }),
    model: z.string().min(1).meta({
      description:
        'The model to use, as `provider/model`. Examples: `openai/gpt-4o-mini`, `anthropic/claude-sonnet-4-5`, `googleai/gemini-2.5-flash`.',
    }),
    tools: z.array(z.string()).meta({ description: 'Names of the tools the model may call.' }),
    config: config,
    input: input,
    output: output,
    // Read by Genkit (JS, Go, Python) from the frontmatter beside the Dotprompt keys.
    maxTurns: z.int().positive().meta({ description: 'Genkit: the most tool-calling turns one generation may take (default 5).' }),
    toolChoice: z.enum(['auto', 'required', 'none']).meta({ description: 'Genkit: whether the model may (`auto`), must (`required`) or must not (`none`) call a tool.' }),
    returnToolRequests: z.boolean().meta({ description: 'Genkit: `true` returns the tool requests to the caller instead of running the tools.' }),
    use: z.array(z.union([z.string().min(1), z.looseObject({ name: z.string().min(1), config: z.unknown().optional() })])).meta({
      description: 'Genkit (Python): middleware to run around the generation, by name (`- retry`) or with a config (`- name: retry` / `config: {...}`).',
    }),
    metadata: z
      .looseObject({
      owner: z.string().meta({ description: 'Who owns the prompt (a person, `@org/team` or an e-mail address), shown in the prompt catalogue. Without it, CODEOWNERS decides.' }),
      status: z.string().meta({ examples: ['draft', 'review', 'approved', 'released', 'retired'], description: 'Lifecycle status: `draft`, `review`, `approved`, `released` or `retired` (the project config may rename them). Without it, the project config\'s folder defaults decide, else `draft`.' }),
      tags: z.array(z.string()).meta({ description: 'Tags for finding the prompt in the catalogue.' }),
      statusNote: z.string().meta({ description: 'Why the status moved back (for example from `released` to `review`): the rule `lifecycle-status-backwards` asks for it.' }),
      })
      .partial()
      .meta({
        description: 'Data for your own tooling, not sent to the model. The prompt catalogue reads `owner`, `status`, `tags` and `statusNote`; any other key is yours.',
      }),
    'workbench.owner': z.string().meta({ description: 'Extension field (Dotprompt gathers `workbench.*` keys under `ext.workbench`): the owner, as `metadata.owner`, which wins when both are written.' }),
    'workbench.status': z.string().meta({ examples: ['draft', 'review', 'approved', 'released', 'retired'], description: 'Extension field: the lifecycle status, as `metadata.status`, which wins when both are written.' }),
    'workbench.tags': z.array(z.string()).meta({ description: 'Extension field: tags, as `metadata.tags`, which wins when both are written.' }),
    'workbench.statusNote': z.string().meta({ description: 'Extension field: why the status moved back, as `metadata.statusNote`.' }),
  })
  .partial()
  .meta({
    title: 'Dotprompt frontmatter',
    description: 'The YAML frontmatter of a Dotprompt `.prompt` file. Dotted keys such as `myext.field` are extension fields.',
  });

export type Frontmatter = z.infer<typeof FrontmatterSchema>;

let jsonSchema: Record<string, unknown> | undefined;

/** The frontmatter schema as JSON Schema (draft 2020-12), computed once. */
export function frontmatterJsonSchema(): Record<string, unknown> {
  jsonSchema ??= z.toJSONSchema(FrontmatterSchema, { unrepresentable: 'any' }) as Record<string, unknown>;
  return jsonSchema;
}
