// The repositories the history tests share: a prompt with five commits, each changing something a
// prompt reviewer cares about (parameters, version, model, variables, messages).
import { prompt, TempRepo } from './gitRepo';

const LONG_BODY =
  'Summarize the following text for a busy executive who reads on a phone between meetings. Write exactly three bullet points, each under twenty words, ' +
  'in plain language without jargon, and finish with one sentence that states the single most important decision the reader has to make today, if there is one.\n\n' +
  'Text to summarize:\n{{text}}\n';

const SHORT_BODY = 'Summarize {{text}} in three short bullet points, in a {{tone}} tone.\n';

export const VERSIONS = {
  v1: prompt('name: summarize\nversion: 1.0.0\nmodel: openai/gpt-4o\nconfig:\n  temperature: 0.2\ninput:\n  schema:\n    text: string', LONG_BODY),
  v2: prompt('name: summarize\nversion: 1.0.0\nmodel: openai/gpt-4o\nconfig:\n  temperature: 0.7\ninput:\n  schema:\n    text: string', LONG_BODY),
  v3: prompt('name: summarize\nversion: 1.1.0\nmodel: openai/gpt-4o\nconfig:\n  temperature: 0.7\n  maxOutputTokens: 400\ninput:\n  schema:\n    text: string', LONG_BODY),
  v4: prompt('name: summarize\nversion: 1.1.0\nmodel: openai/gpt-4o-mini\nconfig:\n  temperature: 0.7\n  maxOutputTokens: 400\ninput:\n  schema:\n    text: string\n    tone: string', SHORT_BODY),
  v5: prompt(
    'name: summarize\nversion: 1.2.0\nmodel: openai/gpt-4o-mini\nconfig:\n  temperature: 0.7\n  maxOutputTokens: 400\ninput:\n  schema:\n    text: string\n    tone: string',
    `{{role "system"}}\nYou are a careful editor.\n{{role "user"}}\n${SHORT_BODY}`,
  ),
};

export const BODIES = { LONG_BODY, SHORT_BODY };

export const SUBJECTS = ['Add the summarize prompt', 'Warmer answers', 'Cap the answer length', 'Switch to mini, add a tone', 'Add a system message'];

/** prompts/summarize.prompt with five commits (v1..v5), by two authors. */
export function fiveCommitRepo(): { repo: TempRepo; file: string; hashes: string[] } {
  const repo = TempRepo.init();
  const hashes: string[] = [];
  const texts = [VERSIONS.v1, VERSIONS.v2, VERSIONS.v3, VERSIONS.v4, VERSIONS.v5];
  texts.forEach((text, i) => {
    if (i === 2) repo.write('README.md', 'An unrelated change in the same commit.\n');
    hashes.push(repo.commitFile('prompts/summarize.prompt', text, SUBJECTS[i], i === 1 ? { author: 'Grace Hopper' } : {}));
    if (i === 3) repo.commitFile('other.prompt', '---\nmodel: openai/gpt-4o\n---\nAn unrelated prompt.\n', 'Another prompt');
  });
  return { repo, file: repo.path('prompts/summarize.prompt'), hashes };
}
