// Runs a case's assertions: each check, then its `not-` form, weight and the case threshold.
import type { BaseAssertionType, FixtureAssertion, GitHubAssertionType } from '../fixtures';
import { githubJudge, githubString } from './githubModels';
import { ProviderError } from '../providers/types';
import { containsJson, isJson, jsonSchema } from './json';
import { javascript } from './javascript';
import { cost, latency, maxTokens } from './metrics';
import { llmRubric } from './rubric';
import { contains, containsAll, containsAny, equals, icontains, icontainsAll, icontainsAny, regex, startsWith } from './text';
import { finishReason, perplexity, perplexityScore, toolsCall } from './calls';
import { factuality, modelGradedClosedQa } from './graded';
import { levenshtein, similar } from './similarity';
import { containsXml, isXml } from './xml';
import type { AssertionContext, AssertionResult, Check, Evaluator } from './types';

export type { AssertionContext, AssertionResult, JudgeRequest } from './types';
export { JAVASCRIPT_OFF_BY_CONFIG } from './javascript';

const EVALUATORS: Record<BaseAssertionType | GitHubAssertionType, Evaluator> = {
  'gh-string': githubString,
  'gh-llm': githubJudge,
  'gh-uses': githubJudge,
  equals,
  contains,
  icontains,
  'contains-any': containsAny,
  'contains-all': containsAll,
  'starts-with': startsWith,
  regex,
  'is-json': isJson,
  'contains-json': containsJson,
  'json-schema': jsonSchema,
  'max-tokens': maxTokens,
  latency,
  cost,
  javascript,
  'llm-rubric': llmRubric,
  'icontains-any': icontainsAny,
  'icontains-all': icontainsAll,
  levenshtein,
  similar,
  'is-xml': isXml,
  'contains-xml': containsXml,
  'finish-reason': finishReason,
  'is-valid-openai-tools-call': toolsCall,
  'is-valid-anthropic-tools-call': toolsCall,
  'is-valid-gemini-tools-call': toolsCall,
  'is-valid-function-call': toolsCall,
  perplexity,
  'perplexity-score': perplexityScore,
  factuality,
  'model-graded-closedqa': modelGradedClosedQa,
};

export async function evaluateAssertion(a: FixtureAssertion, ctx: AssertionContext): Promise<AssertionResult> {
  let check: Check;
  try {
    check = await EVALUATORS[a.base](a, ctx);
  } catch (e) {
    if (e instanceof ProviderError && e.kind === 'cancelled') throw e;
    check = { pass: false, error: true, reason: `The check failed to run: ${(e as Error).message}` };
  }
  const score = check.score ?? (check.pass ? 1 : 0);
  if (check.skipped) return { type: a.type, pass: false, score: 0, weight: 0, reason: check.reason, skipped: true, line: a.line };
  if (check.error) return { type: a.type, pass: false, score: 0, weight: a.weight, reason: check.reason, reasoning: check.reasoning, error: true, line: a.line };
  if (!a.negate) return { type: a.type, pass: check.pass, score, weight: a.weight, reason: check.reason, expected: check.expected, actual: check.actual, reasoning: check.reasoning, line: a.line };
  return {
    type: a.type,
    pass: !check.pass,
    score: 1 - score,
    weight: a.weight,
    // The fact found is the reason a `not-` check fails: "The output contains "x"."
    reason: check.pass ? `${check.reason} (\`${a.type}\` expects the opposite.)` : check.reason,
    expected: check.expected ? `not: ${check.expected}` : undefined,
    actual: check.actual,
    reasoning: check.reasoning,
    line: a.line,
  };
}

export interface CaseVerdict {
  pass: boolean;
  /** Every assertion was skipped: nothing was checked. */
  skipped?: boolean;
  score: number;
  /** Set when an assertion could not run (the case is an error, not a failure). */
  error?: string;
  reason: string;
}

/** Weighted score of the assertions; pass: every counted assertion passes, or the score reaches the threshold. */
export function caseVerdict(results: readonly AssertionResult[], threshold: number | undefined): CaseVerdict {
  const errored = results.find((r) => r.error);
  const counted = results.filter((r) => r.weight > 0);
  const total = counted.reduce((s, r) => s + r.weight, 0);
  const score = total > 0 ? counted.reduce((s, r) => s + r.weight * r.score, 0) / total : 1;
  if (errored) return { pass: false, score, error: errored.reason, reason: errored.reason };
  if (results.length && results.every((r) => r.skipped)) return { pass: false, skipped: true, score, reason: `Skipped: no assertion of this case ran. ${results[0].reason}` };
  if (threshold !== undefined) {
    const pass = score >= threshold;
    return { pass, score, reason: `Score ${score.toFixed(2)} ${pass ? '≥' : '<'} threshold ${threshold}.` };
  }
  const failed = counted.filter((r) => !r.pass);
  return { pass: failed.length === 0, score, reason: failed.length ? `${failed.length} of ${counted.length} assertion${counted.length === 1 ? '' : 's'} failed.` : results.length ? `All ${counted.length} assertion${counted.length === 1 ? '' : 's'} passed.` : 'No assertions.' };
}
