// The GitHub Models front-end (`*.prompt.yml`, `*.prompt.yaml`): a YAML file with the model, its
// parameters, messages with `{{name}}` placeholders, test data rows and evaluators, as GitHub
// stores prompts in repositories and `gh models eval` runs them.
import { fileBaseName } from '../model';
import type { FormatSchema, ModelFact, PromptFormat, TemplateLanguage } from '../types';
import { keyInfoAt } from './keys';
import { features } from './language';
import { GITHUB_FOLDER_PATTERNS } from './globs';
import { lintView } from './lintView';
import { GITHUB_MODELS_ID, parsePromptFile } from './parse';
import { renderPromptFile } from './render';
import { githubModelsJsonSchema, GitHubModelsSchema, responseFormatDoc, ROLES } from './schema';

export { promptFileInfo } from './parse';

const schema: FormatSchema = {
  zod: GitHubModelsSchema,
  jsonSchema: githubModelsJsonSchema,
  keyInfoAt,
  modelFamily: (model) => (typeof model === 'string' && model.includes('/') ? model.split('/')[0].toLowerCase() : undefined),
  valueDoc: (path, value) => (path.join('.') === 'responseFormat' ? responseFormatDoc(value) : undefined),
  valueCompletions: () => undefined,
  unlistedKeyDoc: (path) => (path[0] === 'testData' ? 'A test data variable: its value replaces `{{' + path[path.length - 1] + '}}` in the messages for this row.' : undefined),
  inputsLabel: '`testData`',
};

const template: TemplateLanguage = {
  id: 'mustache-vars',
  name: 'GitHub Models `{{variable}}` placeholders',
  helpers: [],
  helper: () => undefined,
  dataVariables: [],
  roles: ROLES,
  partials: false,
};

const KEY_PATHS: Partial<Record<ModelFact, string>> = {
  model: 'model',
  parameters: 'modelParameters',
  maxOutputTokens: 'modelParameters.maxTokens',
  temperature: 'modelParameters.temperature',
  topP: 'modelParameters.topP',
  inputs: 'testData',
  outputFormat: 'responseFormat',
  outputSchema: 'jsonSchema',
};

export const githubModels: PromptFormat = {
  id: GITHUB_MODELS_ID,
  displayName: 'GitHub Models prompt',
  languageIds: ['github-models-prompt'],
  // Searches of the workspace skip dot folders, and `.github/prompts/` is where these files usually
  // live (the GitHub Models prompt editor and actions/ai-inference use it): it is named on its own.
  filePatterns: ['**/*.prompt.yml', '**/*.prompt.yaml', ...GITHUB_FOLDER_PATTERNS],
  detect: (uri) => /\.prompt\.ya?ml$/i.test(fileBaseName(uri)),
  parse: (text, uri, version, options) => parsePromptFile(text, uri, version, options),
  schema,
  template,
  // Every check of this format is in the parse: nothing depends on the workspace.
  check: () => [],
  render: (doc, values) => renderPromptFile(doc, values),
  keyPath: (fact) => KEY_PATHS[fact],
  features,
  lintView,
  edits: {
    addParameter(doc, name, value) {
      const key = name === 'maxOutputTokens' ? 'maxTokens' : name === 'temperature' || name === 'topP' ? name : undefined;
      const written = JSON.stringify(value);
      if (!key || written === undefined) return undefined;
      const params = doc.prompt.settings.find((s) => s.key === 'modelParameters');
      if (params?.children?.length) {
        const last = params.children[params.children.length - 1];
        const line = doc.lines.lineAt(last.keySpan.start);
        const indent = doc.text.slice(doc.lines.lineStart(line), last.keySpan.start);
        if (indent.trim()) return undefined;
        const at = doc.lines.positionAt(doc.lines.lineEnd(doc.lines.lineAt(last.span.end)));
        return { title: `Add \`${key}: ${written}\` to modelParameters`, edit: { range: { start: at, end: at }, newText: `\n${indent}${key}: ${written}` } };
      }
      if (params) return undefined;
      const model = doc.prompt.model;
      const after = model ? doc.lines.lineEnd(doc.lines.lineAt(model.span.end)) : undefined;
      if (after === undefined) return undefined;
      const at = doc.lines.positionAt(after);
      return { title: `Add \`modelParameters.${key}: ${written}\``, edit: { range: { start: at, end: at }, newText: `\nmodelParameters:\n  ${key}: ${written}` } };
    },
  },
};
