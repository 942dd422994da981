import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parsePromptDocument } from '../../server/src/service';
import { covered } from '../support/markers';

const fm = (yaml: string) => parsePromptDocument(`---\n${yaml}\n---\nHello`);

function only(yaml: string, code: string) {
  const doc = fm(yaml);
  const found = doc.diagnostics.filter((d) => d.code === code);
  assert.equal(found.length, 1, `expected one ${code}, got ${JSON.stringify(doc.diagnostics.map((d) => [d.code, d.message]))}`);
  return { doc, d: found[0] };
}

test('temperature: hot is an error on the value that says a number was expected', () => {
  const { doc, d } = only('model: openai/gpt-4o\nconfig:\n  temperature: hot', 'frontmatter-schema');
  assert.equal(d.severity, 'error');
  assert.equal(covered(doc, d.span), 'hot');
  assert.match(d.message, /Expected a number \(0 to 2\) for `config\.temperature`, got the text "hot"/);
});

test('numbers out of range say the bound', () => {
  const { doc, d } = only('config:\n  temperature: 3.5', 'frontmatter-schema');
  assert.equal(covered(doc, d.span), '3.5');
  assert.match(d.message, /must be at most 2; got 3\.5/);
  const neg = only('config:\n  maxOutputTokens: -5', 'frontmatter-schema');
  assert.match(neg.d.message, /must be greater than 0; got -5/);
  const frac = only('config:\n  maxOutputTokens: 1.5', 'frontmatter-schema');
  assert.match(frac.d.message, /Expected a whole number/);
});

test('an enum value out of the list names the options and the nearest one', () => {
  const { doc, d } = only('toolChoice: requird', 'frontmatter-schema');
  assert.equal(covered(doc, d.span), 'requird');
  assert.match(d.message, /Expected one of `auto`, `required`, `none`/);
  assert.match(d.message, /Did you mean `required`\?/);
});

test('wrong container types point at the value', () => {
  const { doc, d } = only('tools: search', 'frontmatter-schema');
  assert.equal(covered(doc, d.span), 'search');
  assert.match(d.message, /Expected a list for `tools`/);
  const m = only('metadata: [a]', 'frontmatter-schema');
  assert.match(m.d.message, /Expected a mapping of keys to values for `metadata`, got a list/);
});

test('an empty value is reported on its key', () => {
  const { doc, d } = only('model:', 'frontmatter-schema');
  assert.equal(covered(doc, d.span).length > 0, true);
  assert.match(d.message, /`model`/);
});

test('unknown top-level keys warn with a suggestion', () => {
  const { doc, d } = only('descripton: x', 'frontmatter-unknown-key');
  assert.equal(d.severity, 'warning');
  assert.equal(covered(doc, d.span), 'descripton');
  assert.match(d.message, /Did you mean `description`\?/);
  assert.deepEqual(d.data, { replacement: 'description' });
});

test('unknown keys without a near miss list the known keys', () => {
  const { d } = only('owner: me', 'frontmatter-unknown-key');
  assert.match(d.message, /Known keys: name, variant/);
  assert.match(d.message, /dotted name/);
});

test('dotted extension keys are allowed', () => {
  assert.deepEqual(fm('myteam.owner: alice\nx.y:\n  z: 1').diagnostics, []);
});

test('config passes provider-specific keys through but flags near misses', () => {
  assert.deepEqual(fm('config:\n  logitBias: {}\n  responseMimeType: text/plain').diagnostics, []);
  const { d } = only('config:\n  temprature: 0.3', 'frontmatter-unknown-key');
  assert.match(d.message, /Did you mean `temperature`\?/);
});

test('unknown keys inside input and output warn', () => {
  const { doc, d } = only('input:\n  shema:\n    a: string', 'frontmatter-unknown-key');
  assert.equal(covered(doc, d.span), 'shema');
  assert.match(d.message, /`input`.*Did you mean `schema`\?/);
});

test('a frontmatter that is not a mapping says so', () => {
  const { d } = only('- a\n- b', 'frontmatter-not-mapping');
  assert.match(d.message, /must be a YAML mapping/);
});

test('a complete, valid frontmatter has no diagnostics', () => {
  const doc = fm(`name: summarize
variant: formal
version: 2
description: d
model: googleai/gemini-2.5-flash
tools: [search]
config:
  temperature: 0.4
  topP: 0.9
  topK: 40
  maxOutputTokens: 100
  stopSequences: ["END"]
input:
  schema:
    a: string
  default:
    a: x
output:
  format: json
  schema:
    b: number
metadata:
  owner: me`);
  assert.deepEqual(doc.diagnostics, []);
});
