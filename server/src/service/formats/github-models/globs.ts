// The GitHub Models prompt files in `.github/` folders, which a search's `**` does not enter
// (`.github/prompts/` is where these files usually live). Both forms: the search library
// (tinyglobby) does not let `**/.github/...` match a `.github` at the root. A module without
// imports, so the test doors' globs (testing/embedded.ts) read it without loading the registry.
export const GITHUB_FOLDER_PATTERNS = ['.github/**/*.prompt.yml', '.github/**/*.prompt.yaml', '**/.github/**/*.prompt.yml', '**/.github/**/*.prompt.yaml'];
