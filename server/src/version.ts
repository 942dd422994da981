// The version of Prompt Workbench (package.json's), for `--version`, run records and the server's
// serverInfo. esbuild writes it in at build time (`define` in esbuild.mjs), so no bundle carries
// package.json; run from the sources (tests, tsx), it is read from package.json.
declare const PROMPT_WORKBENCH_VERSION: string | undefined;

export const VERSION: string = typeof PROMPT_WORKBENCH_VERSION === 'string' ? PROMPT_WORKBENCH_VERSION : (require('../../package.json') as { version: string }).version;
