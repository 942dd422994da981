// The Dotprompt front-end (`*.prompt`): YAML frontmatter checked against its zod schema, a
// Handlebars template with Dotprompt's helpers and partials, rendered by the `dotprompt` package.
import { analyze } from '../../scope';
import { wholeTemplateDiagnostics } from '../../template';
import { fileBaseName } from '../model';
import type { FormatSchema, ModelFact, PromptFormat, TemplateLanguage } from '../types';
import { addConfigEdit } from './edits';
import { BUILTIN_HELPERS, DATA_VARIABLES, HELPERS, ROLES } from './helpers';
import { keyInfoAt, modelFamily } from './keys';
import { CONFIG_KEYS } from './model';
import { DOTPROMPT_ID, parsePromptDocument, parsePromptSteps } from './parse';
import { SCALAR_TYPES } from './picoschema';
import { renderDotprompt } from './render';
import { frontmatterJsonSchema, FrontmatterSchema, outputFormatDoc } from './schema';

const schema: FormatSchema = {
  zod: FrontmatterSchema,
  jsonSchema: frontmatterJsonSchema,
  keyInfoAt,
  modelFamily,
  valueDoc: (path, value) => (path.join('.') === 'output.format' ? outputFormatDoc(value) : undefined),
  valueCompletions: (path) => ((path[0] === 'input' || path[0] === 'output') && path[1] === 'schema' ? SCALAR_TYPES.map((t) => ({ label: t, detail: 'Picoschema type' })) : undefined),
  unlistedKeyDoc: (path) => (path.length === 1 && path[0].includes('.') ? 'Extension field (a dotted key): passed through to your tooling, not interpreted by Dotprompt.' : undefined),
  inputsLabel: '`input.schema`',
};

const template: TemplateLanguage = {
  id: 'handlebars',
  name: 'Handlebars',
  helpers: BUILTIN_HELPERS,
  helper: (name) => HELPERS.get(name),
  dataVariables: DATA_VARIABLES,
  roles: ROLES,
  partials: true,
};

const KEY_PATHS: Partial<Record<ModelFact, string>> = {
  model: 'model',
  version: 'version',
  tools: 'tools',
  parameters: 'config',
  inputs: 'input.schema',
  inputDefaults: 'input.default',
  outputFormat: 'output.format',
  outputSchema: 'output.schema',
};

export const dotprompt: PromptFormat = {
  id: DOTPROMPT_ID,
  displayName: 'Dotprompt',
  languageIds: ['dotprompt'],
  filePatterns: ['**/*.prompt'],
  // Only the name: `.prompt.md` (VS Code's prompt files), `.prompt.yml` (GitHub Models) and
  // `.tests.yaml` (fixtures) do not end in `.prompt`.
  detect: (uri) => /\.prompt$/i.test(fileBaseName(uri)),
  parse: parsePromptDocument,
  parseSteps: parsePromptSteps,
  schema,
  template,
  // The whole-body Handlebars parse, then the scope walk: undeclared and unused variables, helpers, partials.
  check: (doc, options) => [...wholeTemplateDiagnostics(doc.text, doc.template), ...analyze(doc, options).diagnostics],
  render: renderDotprompt,
  keyPath: (fact) => KEY_PATHS[fact] ?? (fact in CONFIG_KEYS ? `config.${CONFIG_KEYS[fact as keyof typeof CONFIG_KEYS][0]}` : undefined),
  edits: {
    addParameter(doc, name, value) {
      const key = CONFIG_KEYS[name][0];
      const written = JSON.stringify(value); // JSON scalars are YAML too
      const edit = written === undefined ? undefined : addConfigEdit(doc, key, written);
      return edit ? { title: `Add \`${key}: ${written}\` to config`, edit } : undefined;
    },
  },
};
