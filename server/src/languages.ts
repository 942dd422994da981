// The editor languages of the prompt formats, in one place that both the client (document
// selectors, status item, commands that act on the active prompt) and the engine's formats
// (`PromptFormat.languageIds`) read, so a format adds its language once. Plain data: the client
// bundle imports it without the engine. `test/unit/languages.test.ts` keeps it equal to
// package.json's `contributes.languages` and to the registered formats.

/** Every prompt language id the extension contributes. */
export const PROMPT_LANGUAGES = ['dotprompt', 'prompty', 'github-models-prompt'] as const;

export type PromptLanguageId = (typeof PROMPT_LANGUAGES)[number];

/** Whether a VS Code language id is one of the prompt formats'. */
export function isPromptLanguage(languageId: string): boolean {
  return (PROMPT_LANGUAGES as readonly string[]).includes(languageId);
}
