// What an assertion sees and what it answers.
import type { FixtureAssertion } from '../fixtures';
import type { ChatMessage, EmbedReply, ModelReply, ToolCall, ToolDefinition, Usage } from '../providers/types';

export interface JudgeRequest {
  messages: ChatMessage[];
  provider?: string;
  model?: string;
  /** The request's parameters; absent: temperature 0. A GitHub Models judge sends none, as `gh models` does. */
  parameters?: Record<string, unknown>;
  signal?: AbortSignal;
}

export interface EmbedAsk {
  texts: string[];
  provider?: string;
  model?: string;
  signal?: AbortSignal;
}

export interface AssertionContext {
  output: string;
  vars: Record<string, unknown>;
  usage?: Usage;
  latencyMs: number;
  /** US dollars; undefined when the model has no price in the catalogue. */
  cost?: number;
  /** Why the cost is unknown, when it is. */
  costNote?: string;
  model?: string;
  provider: string;
  /** The prompt's `output.schema` as JSON Schema, when it has one. */
  outputSchema?: Record<string, unknown>;
  /** Counts tokens of a text with the model's tokenizer (for max-tokens without reported usage). */
  countTokens(text: string): number;
  /** `javascript` assertions run only when true (a trusted workspace, or the CLI). */
  trusted: boolean;
  /** Why `javascript` assertions are skipped in this run (`--no-javascript`, `testing.javascript: false`). */
  javascriptOff?: string;
  javascriptTimeoutMs?: number;
  /** Calls the judge model of `llm-rubric`, `factuality` and `model-graded-closedqa`. */
  judge?: (request: JudgeRequest) => Promise<ModelReply>;
  /** Embeds texts with an embedding model (`similar`); answers with the provider and model used. */
  embed?: (request: EmbedAsk) => Promise<EmbedReply & { provider: string; model: string }>;
  /** The rendered prompt as sent (the question of `factuality` and `model-graded-closedqa`). */
  messages?: readonly ChatMessage[];
  /** Why the model stopped, as the API said it. */
  finishReason?: string;
  /** The calls the model asked for. */
  toolCalls?: readonly ToolCall[];
  /** The tools sent with the request (the fixture file's `tools:`). */
  tools?: readonly ToolDefinition[];
  /** The log probability of each output token, when the provider returned them. */
  logprobs?: readonly number[];
  signal?: AbortSignal;
}

/** The outcome of the check before `not-` and weights are applied. */
export interface Check {
  pass: boolean;
  /** 0 to 1; defaults to 1 for a pass, 0 for a failure. */
  score?: number;
  /** What was found, true either way ("The output contains \"x\"."). */
  reason: string;
  expected?: string;
  actual?: string;
  /** The judge's reasoning (llm-rubric). */
  reasoning?: string;
  /** The check could not run at all (untrusted workspace, judge unavailable, code error). */
  error?: boolean;
  /** The run turned this kind of check off: it is reported, not counted. */
  skipped?: boolean;
}

export interface AssertionResult {
  type: string;
  pass: boolean;
  score: number;
  weight: number;
  reason: string;
  expected?: string;
  actual?: string;
  reasoning?: string;
  error?: boolean;
  /** Not run because the run turned its kind off; its weight is then 0, so no reader counts it. */
  skipped?: boolean;
  /** Zero-based line of the assertion in the fixture file. */
  line: number;
}

export type Evaluator = (a: FixtureAssertion, ctx: AssertionContext) => Check | Promise<Check>;
