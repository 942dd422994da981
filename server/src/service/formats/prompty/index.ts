// The Prompty front-end (`*.prompty`): YAML frontmatter in version 2 or version 1 (detected), a
// body split into messages by role lines, rendered with Jinja2 (nunjucks) or Mustache.
import { isMap, isScalar, type Node, type Pair } from 'yaml';
import type { TextEdit } from 'vscode-languageserver-types';
import type { PromptDocument } from '../../document';
import { locate } from '../../yamlPath';
import { fileBaseName } from '../model';
import type { FormatSchema, ModelFact, PromptFormat, TemplateLanguage } from '../types';
import { promptyNavigation } from './features';
import { keyInfoAt, V1_FAMILY } from './keys';
import { OPTION_KEYS, parsePrompty, PROMPTY_ID } from './parse';
import { renderPrompty } from './render';
import { PROPERTY_KINDS, promptyJsonSchema, PromptyV2Schema, ROLES, valueDoc } from './schema';

const schema: FormatSchema = {
  zod: PromptyV2Schema,
  jsonSchema: () => promptyJsonSchema(2),
  keyInfoAt: (path) => keyInfoAt(path),
  // Keys only version 1 has are marked with a family no model has, so completion lists them last.
  modelFamily: () => undefined,
  valueDoc: (_path, value) => valueDoc(value),
  valueCompletions: (path) => (path[path.length - 1] === 'kind' && (path[0] === 'inputs' || path[0] === 'outputs') ? PROPERTY_KINDS.map((k) => ({ label: k, detail: valueDoc(k) ?? 'Prompty property kind' })) : undefined),
  unlistedKeyDoc: (path) => (path[0] === 'metadata' && path.length === 2 ? 'Free-form metadata: kept with the prompt, not sent to the model.' : undefined),
  inputsLabel: '`inputs`',
};
void V1_FAMILY;

const jinja2: TemplateLanguage = {
  id: 'jinja2',
  name: 'Jinja2',
  helpers: [],
  helper: () => undefined,
  dataVariables: [],
  roles: ROLES,
  partials: false,
};

const KEY_PATHS: Partial<Record<ModelFact, string>> = {
  model: 'model.id',
  version: 'metadata.version',
  tools: 'tools',
  parameters: 'model.options',
  inputs: 'inputs',
  inputDefaults: 'inputs',
  outputFormat: 'outputs',
  outputSchema: 'outputs',
};

function column(doc: PromptDocument, offset: number): number {
  return offset - doc.lines.lineStart(doc.lines.lineAt(offset));
}

/** Adds `key: value` under `model.options`, creating `options:` when `model` is a mapping without it; undefined otherwise. */
function addOptionEdit(doc: PromptDocument, key: string, value: string): TextEdit | undefined {
  const fm = doc.frontmatter;
  if (!fm.present || !fm.closed || !fm.yaml || fm.yaml.errors.length) return undefined;
  const nl = doc.text.includes('\r\n') ? '\r\n' : '\n';
  const base = fm.content.start;
  const at = (offset: number, text: string): TextEdit => ({ range: doc.lines.range(offset, offset), newText: text.replace(/\n/g, nl) });
  const model = locate(fm.yaml, ['model']);
  if (!model.pair || !isMap(model.node) || model.node.flow || !model.node.items.length) return undefined;
  const pairs = model.node.items as Pair<Node, Node | null>[];
  const options = pairs.find((p) => isScalar(p.key) && p.key.value === 'options');
  const lastEnd = (ps: Pair<Node, Node | null>[]) => {
    const last = ps[ps.length - 1];
    return base + (last.value?.range?.[1] ?? last.key.range![1]);
  };
  if (options) {
    if (!isMap(options.value) || options.value.flow || !options.value.items.length) return undefined;
    const ps = options.value.items as Pair<Node, Node | null>[];
    const indent = ' '.repeat(column(doc, base + ps[0].key.range![0]));
    return at(doc.lines.lineEnd(doc.lines.lineAt(lastEnd(ps) - 1)), `\n${indent}${key}: ${value}`);
  }
  const indent = ' '.repeat(column(doc, base + pairs[0].key.range![0]));
  return at(doc.lines.lineEnd(doc.lines.lineAt(lastEnd(pairs) - 1)), `\n${indent}options:\n${indent}  ${key}: ${value}`);
}

export const prompty: PromptFormat = {
  id: PROMPTY_ID,
  displayName: 'Prompty',
  languageIds: ['prompty'],
  filePatterns: ['**/*.prompty'],
  detect: (uri) => /\.prompty$/i.test(fileBaseName(uri)),
  parse: (text, uri, version, options, previous) => parsePrompty(text, uri, version, options, previous),
  schema,
  template: jinja2,
  // The template checks run in the parse (they need nothing from the workspace).
  check: () => [],
  render: renderPrompty,
  keyPath: (fact) => KEY_PATHS[fact] ?? (fact in OPTION_KEYS ? `model.options.${OPTION_KEYS[fact as keyof typeof OPTION_KEYS][0]}` : undefined),
  navigation: promptyNavigation,
  edits: {
    addParameter(doc, name, value) {
      const key = OPTION_KEYS[name][0];
      const written = JSON.stringify(value);
      const edit = written === undefined ? undefined : addOptionEdit(doc, key, written);
      return edit ? { title: `Add \`${key}: ${written}\` to model.options`, edit } : undefined;
    },
  },
};
