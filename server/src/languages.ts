// The editor language ids of every prompt format, for the doors that cannot load the engine (the
// VS Code client's selectors, status items and commands). One line per format; a unit test keeps
// it equal to the engine's registry (`promptLanguageIds()`) and to package.json's languages.
export const PROMPT_LANGUAGES: readonly string[] = ['dotprompt', 'prompty'];

export function isPromptLanguage(languageId: string): boolean {
  return PROMPT_LANGUAGES.includes(languageId);
}
