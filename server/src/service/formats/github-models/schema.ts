// The GitHub Models prompt file (`*.prompt.yml`, `*.prompt.yaml`) as one zod schema: what
// validation runs, what hover and completion document, and the JSON Schema other tools read. The
// keys and their types follow the file GitHub documents ("Storing prompts in GitHub repositories")
// and the reference implementation, `gh models` (its prompt file struct and `gh models eval`).
import { z } from 'zod';

/** The message roles `gh models` accepts (compared without case). */
export const ROLES = ['system', 'user', 'assistant'] as const;

/** `responseFormat` values `gh models` accepts (it refuses the file for any other): `text`, `json_object`, `json_schema` (which needs `jsonSchema`). */
export const RESPONSE_FORMATS = ['text', 'json_object', 'json_schema'] as const;

const RESPONSE_FORMAT_DOCS: Record<(typeof RESPONSE_FORMATS)[number], string> = {
  text: 'Plain text (the default).',
  json_object: 'The model answers with a JSON object (JSON mode); the messages should ask for JSON.',
  json_schema: 'Structured output: the answer matches `jsonSchema` (required with this format).',
};

export function responseFormatDoc(value: string): string | undefined {
  return (RESPONSE_FORMAT_DOCS as Record<string, string>)[value];
}

/** The built-in evaluators `uses: github/<name>` names, with the test data variables their judge prompts read. */
export const BUILTIN_EVALUATORS: Record<string, { description: string; variables: readonly string[] }> = {
  similarity: { description: 'How close the answer is to `expected` (1 to 5 stars, scored 0 to 1).', variables: ['input', 'expected', 'completion'] },
  coherence: { description: 'Whether the answer presents its ideas in a logical, connected order (1 to 5, scored 0 to 1).', variables: ['input', 'completion'] },
  fluency: { description: 'Grammar, vocabulary and readability of the answer (1 to 5, scored 0 to 1).', variables: ['completion'] },
  relevance: { description: 'How well the answer addresses the question in `input` (1 to 5, scored 0 to 1).', variables: ['input', 'completion'] },
  groundedness: { description: 'Whether the answer is anchored in the context given as `expected` (1 to 5, scored 0 to 1).', variables: ['input', 'expected', 'completion'] },
};

/** The variables `gh models eval` adds to a test data row in an evaluator's judge prompt. */
export const EVALUATOR_VARIABLES: Record<string, string> = {
  completion: "The model's answer to the prompt, trimmed of surrounding white space.",
};

const modelParameters = z
  .object({
    maxTokens: z.int().positive().meta({ description: 'Upper limit on the tokens the model may generate (`max_tokens`). Example: `maxTokens: 500`.' }),
    temperature: z.number().min(0).max(2).meta({ description: 'Sampling temperature between 0 and 2: lower is more deterministic. Example: `temperature: 0.5`.' }),
    topP: z.number().min(0).max(1).meta({ description: 'Nucleus sampling: only tokens within this cumulative probability (0 to 1) are considered.' }),
  })
  .partial()
  .meta({ description: 'Model parameters sent with every request: `maxTokens`, `temperature`, `topP`.' });

const message = z
  .object({
    role: z.string().meta({ description: 'Who speaks: `system`, `user` or `assistant` (case does not matter).' }),
    content: z.string().meta({ description: 'The message text. `{{name}}` is replaced by the `name` value of each `testData` row (exactly `{{name}}`, without spaces).' }),
  })
  .meta({ description: 'One message of the conversation sent to the model.' });

const choice = z
  .object({
    choice: z.string().meta({ description: "A word the judge's answer is searched for (without case); the first choice found in the answer wins." }),
    score: z.number().meta({ description: 'The score of this choice; the evaluator passes when the score is above 0.' }),
  })
  .meta({ description: 'One answer of the judge and its score.' });

const stringEvaluator = z
  .object({
    equals: z.string().meta({ description: 'Passes when the answer is exactly this text (case matters). `{{name}}` takes the row\'s value.' }),
    contains: z.string().meta({ description: 'Passes when the answer contains this text, ignoring case. `{{name}}` takes the row\'s value.' }),
    startsWith: z.string().meta({ description: 'Passes when the answer starts with this text, ignoring case. `{{name}}` takes the row\'s value.' }),
    endsWith: z.string().meta({ description: 'Passes when the answer ends with this text, ignoring case. `{{name}}` takes the row\'s value.' }),
  })
  .partial()
  .meta({ description: 'A string check of the answer: one of `equals`, `contains`, `startsWith`, `endsWith`.' });

const llmEvaluator = z
  .object({
    modelId: z.string().meta({ description: 'The judge model, as GitHub names it (`openai/gpt-4o`).' }),
    prompt: z.string().meta({ description: "The judge's prompt: `{{completion}}` is the model's answer, `{{name}}` a value of the test data row." }),
    choices: z.array(choice).meta({ description: "The judge's possible answers and their scores; the first one found in its answer counts." }),
    systemPrompt: z.string().optional().meta({ description: "A system message for the judge, sent before its prompt (not templated)." }),
  })
  .meta({ description: 'A model-graded check: a judge model answers the prompt, its answer is mapped to a choice and its score.' });

const evaluator = z
  .object({
    name: z.string().meta({ description: 'The evaluator\'s name, shown in results.' }),
    string: stringEvaluator.optional(),
    llm: llmEvaluator.optional(),
    uses: z.string().optional().meta({ description: `A built-in evaluator: ${Object.keys(BUILTIN_EVALUATORS).map((n) => `\`github/${n}\``).join(', ')}.` }),
  })
  .meta({ description: 'A check run on the answer of every test data row: `string`, `llm` or `uses`.' });

export const GitHubModelsSchema = z
  .object({
    name: z.string().meta({ description: 'The name of the prompt, shown by GitHub and in eval results.' }),
    description: z.string().meta({ description: 'What the prompt does.' }),
    model: z.string().meta({ description: 'The model, as GitHub Models names it: `openai/gpt-4o-mini`, `meta/llama-3.3-70b-instruct`, ...' }),
    modelParameters,
    responseFormat: z.enum(RESPONSE_FORMATS).meta({ description: 'The form of the answer: `text`, `json_object` or `json_schema` (with `jsonSchema`).' }),
    // Any other value is reported by `checkResponseFormat` (validate.ts), which says what `gh models` does with it and, for a mapping, offers the JSON text.
    jsonSchema: z.string().meta({
      description: 'The JSON Schema of the answer with `responseFormat: json_schema`, as JSON text (a string, e.g. a `|` block): an object with `name`, `schema` (a JSON Schema) and optionally `strict`. `gh models` reads only a string here and refuses a YAML mapping.',
    }),
    messages: z.array(message).meta({ description: 'The conversation sent to the model, in order.' }),
    testData: z.array(z.record(z.string(), z.unknown())).meta({ description: 'Test cases: each row gives values to the `{{variables}}` of the messages (and often `expected`).' }),
    evaluators: z.array(evaluator).meta({ description: 'Checks run on the answer of every test data row (`gh models eval`).' }),
    metadata: z
      .looseObject({
        owner: z.string().meta({ description: 'Who owns the prompt (a person, `@org/team` or an e-mail address), shown in the prompt catalogue. Without it, CODEOWNERS decides.' }),
        status: z.string().meta({ examples: ['draft', 'review', 'approved', 'released', 'retired'], description: 'Lifecycle status: `draft`, `review`, `approved`, `released` or `retired` (the project config may rename them). Without it, the project config\'s folder defaults decide, else `draft`.' }),
        tags: z.array(z.string()).meta({ description: 'Tags for finding the prompt in the catalogue.' }),
        version: z.union([z.string(), z.number()]).meta({ description: 'A version label; a `released` prompt changes only with a new version (rule `lifecycle-unversioned-change`).' }),
        statusNote: z.string().meta({ description: 'Why the status moved back (for example from `released` to `review`): the rule `lifecycle-status-backwards` asks for it.' }),
      })
      .partial()
      .meta({ description: 'Prompt Workbench\'s catalogue fields (owner, status, tags, version). Not part of GitHub\'s format: `gh models` ignores the key (it reads the file without strict field checks), and the request never contains it.' }),
  })
  .partial()
  .meta({ description: 'A GitHub Models prompt file.' });

let jsonSchemaMemo: Record<string, unknown> | undefined;

export function githubModelsJsonSchema(): Record<string, unknown> {
  jsonSchemaMemo ??= z.toJSONSchema(GitHubModelsSchema, { unrepresentable: 'any' }) as Record<string, unknown>;
  return jsonSchemaMemo;
}
