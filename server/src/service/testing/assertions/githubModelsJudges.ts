// The built-in evaluators of GitHub Models prompt files (`uses: github/<name>`). Their names, the
// test data variables they read, the judge model, the 1-to-5 rating mapped onto the scores 0,
// 0.25, 0.5, 0.75 and 1, and the pass rule (a score above 0) are those of `gh models eval`; the
// judge prompts are written here from the published definitions of the metrics (similarity of
// the answer to the expected one, coherence, fluency, relevance to the question, groundedness in
// the given context), not copied. Each prompt asks for the rating alone, because the judge's
// answer is matched against the choices in order and any other digit in it could match first.
import type { GitHubJudgeSpec } from './githubModels';

const SYSTEM = 'You rate answers written by an AI system. You are given the definition of one quality and the data to rate. Reply with a single digit from 1 to 5 and nothing else.';

const SCALE = [
  { choice: '1', score: 0 },
  { choice: '2', score: 0.25 },
  { choice: '3', score: 0.5 },
  { choice: '4', score: 0.75 },
  { choice: '5', score: 1 },
];

function judge(definition: string, levels: string, data: string): GitHubJudgeSpec {
  return {
    modelId: 'openai/gpt-4o',
    systemPrompt: SYSTEM,
    prompt: `${definition}\n\nRating scale:\n${levels}\n\n${data}\n\nYour rating (one digit, 1 to 5):`,
    choices: SCALE,
  };
}

export const BUILTIN_JUDGES: Record<string, GitHubJudgeSpec> = {
  similarity: judge(
    'Similarity: how far the ANSWER says the same thing as the EXPECTED answer to the QUESTION. Wording may differ; what counts is whether the facts and conclusions agree.',
    '1 = says something unrelated or contradicts the expected answer\n2 = shares a little with it, mostly different\n3 = partly the same, with important differences or gaps\n4 = mostly the same, minor differences\n5 = says the same thing',
    'QUESTION:\n{{input}}\n\nEXPECTED:\n{{expected}}\n\nANSWER:\n{{completion}}',
  ),
  coherence: judge(
    'Coherence: whether the ANSWER presents its ideas in a logical order, with clear links between its sentences, so that a reader can follow it as a reply to the QUESTION.',
    '1 = no logical thread: disconnected words or phrases\n2 = fragments with few connections\n3 = understandable, but jumps or gaps in the order of ideas\n4 = logically ordered and easy to follow\n5 = tightly organised, every step follows from the last',
    'QUESTION:\n{{input}}\n\nANSWER:\n{{completion}}',
  ),
  fluency: judge(
    'Fluency: how well the ANSWER is written as language: grammar, choice of words, sentence construction and how easily it reads. Do not rate whether it is correct.',
    '1 = hardly readable: pervasive errors\n2 = simple ideas with frequent errors\n3 = clear, with occasional errors\n4 = well written, minor slips at most\n5 = polished and precise',
    'ANSWER:\n{{completion}}',
  ),
  relevance: judge(
    'Relevance: how well the ANSWER addresses the QUESTION: whether it answers what was asked, correctly and completely, without drifting off topic.',
    '1 = unrelated to the question\n2 = attempts it but is wrong\n3 = answers it in part, key points missing\n4 = answers it fully\n5 = answers it fully and adds useful, related insight',
    'QUESTION:\n{{input}}\n\nANSWER:\n{{completion}}',
  ),
  groundedness: judge(
    'Groundedness: how far the ANSWER to the QUESTION rests on the CONTEXT alone: correct and complete with respect to it, without claims the context does not support.',
    '1 = unrelated to the question and the context\n2 = on the topic of the context but does not answer the question\n3 = answers with claims the context contradicts or does not support\n4 = correct but leaves out details the context gives\n5 = correct and complete, all from the context',
    'CONTEXT:\n{{expected}}\n\nQUESTION:\n{{input}}\n\nANSWER:\n{{completion}}',
  ),
};
