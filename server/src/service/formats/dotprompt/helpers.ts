// The helpers a Dotprompt template can call without registering anything: Handlebars' built-ins
// and Dotprompt's own, with what they do (for completion and hover).
import type { DataVariableInfo, HelperInfo } from '../types';

export const BUILTIN_HELPERS: HelperInfo[] = [
  { name: 'if', block: true, signature: '{{#if value}} … {{else}} … {{/if}}', description: 'Renders the block when `value` is truthy (not `false`, `undefined`, `null`, `""`, `0` or `[]`).', snippet: '#if ${1:condition}}}\n$0\n{{/if', source: 'handlebars' },
  { name: 'unless', block: true, signature: '{{#unless value}} … {{/unless}}', description: 'Renders the block when `value` is falsy: the inverse of `if`.', snippet: '#unless ${1:condition}}}\n$0\n{{/unless', source: 'handlebars' },
  { name: 'each', block: true, signature: '{{#each list as |item index|}} … {{/each}}', description: 'Renders the block once per item of a list (or per key of an object). Inside, `this` is the item, with `@index`, `@key`, `@first` and `@last`.', snippet: '#each ${1:items}}}\n$0\n{{/each', source: 'handlebars' },
  { name: 'with', block: true, signature: '{{#with object}} … {{/with}}', description: 'Renders the block with `object` as the context.', snippet: '#with ${1:object}}}\n$0\n{{/with', source: 'handlebars' },
  { name: 'lookup', block: false, signature: '{{lookup object key}}', description: 'Looks up `key` in `object` (a dynamic property or index).', snippet: 'lookup ${1:object} ${2:key}', source: 'handlebars' },
  { name: 'log', block: false, signature: '{{log value}}', description: 'Logs `value` while rendering; renders nothing.', snippet: 'log ${1:value}', source: 'handlebars' },
  { name: 'role', block: false, signature: '{{role "system" | "user" | "model" | "tool"}}', description: 'Starts a new message with the given role. Text before the first role marker belongs to a `user` message. Without a role name (`{{role}}`) it starts none: Dotprompt writes `<<<dotprompt:role:[object Object]>>>` into the text.', snippet: 'role "${1|system,user,model,tool|}"', source: 'dotprompt' },
  { name: 'history', block: false, signature: '{{history}}', description: 'Inserts the conversation history passed at render time (earlier messages) at this point.', snippet: 'history', source: 'dotprompt' },
  { name: 'section', block: false, signature: '{{section "name"}}', description: 'Marks a named section of the prompt that code can fill or replace.', snippet: 'section "${1:name}"', source: 'dotprompt' },
  { name: 'media', block: false, signature: '{{media url=value contentType="image/png"}}', description: 'Inserts a media part (an image, audio, a document) from a URL or data URI.', snippet: 'media url=${1:url}', source: 'dotprompt' },
  { name: 'json', block: false, signature: '{{json value indent=2}}', description: 'Renders `value` as JSON.', snippet: 'json ${1:value}', source: 'dotprompt' },
  { name: 'ifEquals', block: true, signature: '{{#ifEquals a b}} … {{/ifEquals}}', description: 'Renders the block when `a` equals `b`.', snippet: '#ifEquals ${1:a} ${2:b}}}\n$0\n{{/ifEquals', source: 'dotprompt' },
  { name: 'unlessEquals', block: true, signature: '{{#unlessEquals a b}} … {{/unlessEquals}}', description: 'Renders the block when `a` does not equal `b`.', snippet: '#unlessEquals ${1:a} ${2:b}}}\n$0\n{{/unlessEquals', source: 'dotprompt' },
];

export const HELPERS = new Map(BUILTIN_HELPERS.map((h) => [h.name, h]));

/** Handlebars' data variables, available as `@name`. */
export const DATA_VARIABLES: DataVariableInfo[] = [
  { name: 'root', eachOnly: false, description: 'The top-level input, from anywhere: `@root.customerName`.' },
  { name: 'index', eachOnly: true, description: 'The zero-based position of the current item in `{{#each}}`.' },
  { name: 'key', eachOnly: true, description: 'The key of the current property when `{{#each}}` iterates an object.' },
  { name: 'first', eachOnly: true, description: '`true` for the first item in `{{#each}}`.' },
  { name: 'last', eachOnly: true, description: '`true` for the last item in `{{#each}}`.' },
  { name: 'metadata', eachOnly: false, description: 'Dotprompt: `@metadata.prompt` (the prompt\'s frontmatter), `@metadata.docs` and `@metadata.messages` (the documents and history passed at render time).' },
  { name: 'state', eachOnly: false, description: 'Dotprompt: the render context\'s `state` (Genkit passes the session state). In a test case: `context: { state: {...} }`.', context: true },
  { name: 'auth', eachOnly: false, description: 'Dotprompt: the render context\'s `auth` (Genkit passes the caller\'s auth data). In a test case: `context: { auth: {...} }`.', context: true },
];

export const ROLES = ['system', 'user', 'model', 'tool'] as const;
