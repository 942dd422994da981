// Named schemas (`schemas:` of the project config: a name to a JSON Schema file): read through the
// workspace host, problems placed on the config entry; they serve the template checks (a prompt's
// `input.schema: Name` or a field typed `Name` is checked, not reported "not declared"), completion
// (the named schema's fields) and render (Dotprompt's schema resolver) alike.
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { pathToFileURL } from 'node:url';
import { completeTemplate, hoverTemplate, lint, loadNamedSchemas, NamedSchemas, parsePromptDocument, ProjectConfigs, promptDiagnostics, renderPrompt, schemaProblemSpans } from '../../server/src/service';
import { createNodeHost } from '../../server/src/node/host';
import { configFileDiagnostics } from '../../server/src/lintConfig';
import { cliProject, ConfigFileError } from '../../server/src/cli/project';

const TICKET = { type: 'object', properties: { id: { type: 'integer', description: 'The ticket number.' }, customer: { type: 'object', properties: { name: { type: 'string' }, email: { type: 'string' } }, required: ['name'] }, tags: { type: 'array', items: { type: 'string' } } }, required: ['id', 'customer'] };
const library = () => new NamedSchemas({ Ticket: TICKET, Customer: TICKET.properties.customer });

const cover = (text: string, span: { start: number; end: number }) => text.slice(span.start, span.end);

test('the config section: names to files; a list or a bad name is a problem on its node', () => {
  const ok = lint.parseLintConfig('schemas:\n  Ticket: schemas/ticket.json\n', lint.RULES);
  assert.deepEqual(ok.problems, []);
  assert.deepEqual(ok.config.schemas, { Ticket: 'schemas/ticket.json' });
  const text = 'schemas:\n  - ticket.json\n';
  const bad = lint.parseLintConfig(text, lint.RULES);
  assert.equal(bad.config.schemas, undefined);
  assert.equal(bad.problems.length, 1);
  assert.equal(cover(text, bad.problems[0].span), '- ticket.json\n');
  assert.match(bad.problems[0].message, /`schemas`: expected a mapping/);
});

test('schema files are read through the reader; each problem is named and placed on its entry', async () => {
  const files: Record<string, string> = {
    'file:///p/schemas/ticket.json': JSON.stringify(TICKET),
    'file:///p/schemas/broken.json': '{ "type": ',
    'file:///p/schemas/list.yaml': '- a\n- b\n',
  };
  const read = async (uri: string) => {
    if (uri in files) return files[uri];
    throw new Error('no such file');
  };
  const config = 'schemas:\n  Ticket: schemas/ticket.json\n  Broken: schemas/broken.json\n  Missing: schemas/missing.json\n  List: schemas/list.yaml\n  Far: ../../etc/passwd.json\n';
  const entries = lint.parseLintConfig(config, lint.RULES).config.schemas!;
  const { schemas, problems } = await loadNamedSchemas(entries, 'file:///p/prompt-workbench.yaml', read, 'file:///p');
  assert.deepEqual([...schemas.keys()], ['Ticket']);
  const placed = schemaProblemSpans(config, problems).map((p) => `${cover(config, p.span)} | ${p.message}`);
  assert.deepEqual(placed, [
    'schemas/broken.json | `schemas.Broken`: The schema file `schemas/broken.json` is not valid JSON: Unexpected end of JSON input.',
    'schemas/missing.json | `schemas.Missing`: The schema file `schemas/missing.json` cannot be read (no such file).',
    'schemas/list.yaml | `schemas.List`: The schema file `schemas/list.yaml` holds a list, not a JSON Schema object.',
    '../../etc/passwd.json | `schemas.Far`: `../../etc/passwd.json` is outside the project (p); schema files are read only inside it.',
  ]);
});

test('input.schema naming a schema: without the config it is one note, not a flood; with it the variables are checked', () => {
  const text = '---\ninput:\n  schema: Ticket\n---\n#{{id}} from {{customer.name}} <{{customer.emial}}> {{priority}}';
  const doc = parsePromptDocument(text, 'file:///p/t.prompt');
  const without = promptDiagnostics(doc, {});
  assert.deepEqual(without.map((d) => `${d.code}|${d.severity}|${cover(text, d.span)}`), [
    'input-schema-unresolved|info|Ticket',
    'undefined-variable|info|id',
    'undefined-variable|info|customer',
    'undefined-variable|info|customer',
    'undefined-variable|info|priority',
  ]);
  assert.ok(without.some((d) => d.code === 'input-schema-unresolved' && /Add it under `schemas:` in prompt-workbench.yaml/.test(d.message)));

  const withLib = promptDiagnostics(doc, { schemas: library() }).filter((d) => d.code === 'undefined-variable' || d.code === 'input-schema-unresolved');
  assert.deepEqual(withLib.map((d) => `${d.severity}|${cover(text, d.span)}|${d.message}`), [
    'warning|emial|`emial` is not a field of `customer`. Did you mean `email`?',
    'warning|priority|`priority` is not declared in input.schema.',
  ]);
});

test('a Picoschema field typed with a schema name gets its fields', () => {
  const text = '---\ninput:\n  schema:\n    who: Customer, the person asking\n---\n{{who.name}} {{who.phone}}';
  const doc = parsePromptDocument(text, 'file:///p/t.prompt');
  const found = promptDiagnostics(doc, { schemas: library() }).filter((d) => d.code === 'undefined-variable');
  assert.deepEqual(found.map((d) => `${d.severity}|${cover(text, d.span)}`), ['warning|phone']);
  const before = promptDiagnostics(doc, {}).filter((d) => d.code === 'undefined-variable');
  assert.deepEqual(before, [], 'without the library a named type is not checked beneath');
});

test('completion offers the fields of a named schema', () => {
  const text = '---\ninput:\n  schema: Ticket\n---\n{{customer.}}';
  const doc = parsePromptDocument(text, 'file:///p/t.prompt');
  const at = text.indexOf('.}}') + 1;
  const labels = completeTemplate(doc, at, { schemas: library() })?.items.map((i) => i.label);
  assert.deepEqual(labels?.slice(0, 2), ['name', 'email']);
  const rootText = '---\ninput:\n  schema: Ticket\n---\n{{}}';
  const root = completeTemplate(parsePromptDocument(rootText, 'file:///p/t.prompt'), rootText.indexOf('{{') + 2, { schemas: library() })?.items.map((i) => i.label) ?? [];
  assert.ok(!(completeTemplate(parsePromptDocument(rootText, 'file:///p/t.prompt'), rootText.indexOf('{{') + 2)?.items ?? []).some((i) => i.label === 'customer'), 'without the library there is nothing to offer');
  for (const name of ['id', 'customer', 'tags']) assert.ok(root.includes(name), `${name} in ${root.join(', ')}`);
});

test('render resolves a named schema through the library, and says what to do without it', async () => {
  const doc = parsePromptDocument('---\ninput:\n  schema: Ticket\n---\nTicket {{id}}', 'file:///p/t.prompt');
  const r = await renderPrompt(doc, { id: 7 }, { schemas: library() });
  assert.deepEqual(r.messages?.map((m) => m.text), ['Ticket 7']);
  const missing = await renderPrompt(doc, { id: 7 });
  assert.match(missing.error!.message, /names the schema `Ticket`.*List it under `schemas:` in prompt-workbench.yaml/);
  assert.equal(missing.error!.line, 2);
});

test('the project reads the files through the host; the library stays the same object until a file changes', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'pw-schemas-'));
  mkdirSync(path.join(dir, 'schemas'));
  writeFileSync(path.join(dir, 'prompt-workbench.yaml'), 'schemas:\n  Ticket: schemas/ticket.json\n');
  writeFileSync(path.join(dir, 'schemas', 'ticket.json'), JSON.stringify(TICKET));
  const configs = new ProjectConfigs(createNodeHost({ roots: [pathToFileURL(dir).toString()] }));
  const prompt = pathToFileURL(path.join(dir, 't.prompt')).toString();
  const first = await configs.schemasFor(prompt);
  assert.deepEqual(first?.problems, []);
  assert.deepEqual(first?.library.names(), ['Ticket']);
  assert.equal((await configs.schemasFor(prompt))?.library, first?.library);
  writeFileSync(path.join(dir, 'schemas', 'ticket.json'), JSON.stringify({ ...TICKET, description: 'changed, with another size' }));
  const second = await configs.schemasFor(prompt);
  assert.notEqual(second?.library, first?.library);
  assert.equal(second?.library.get('Ticket')?.description, 'changed, with another size');

  // The command line reads them strictly: a missing file stops it with the entry's place.
  writeFileSync(path.join(dir, 'prompt-workbench.yaml'), 'schemas:\n  Ticket: schemas/ticket.json\n  Gone: schemas/gone.json\n');
  await assert.rejects(cliProject(dir), (e: unknown) => e instanceof ConfigFileError && /prompt-workbench\.yaml:3:9: `schemas\.Gone`: The schema file `schemas\/gone\.json` cannot be read/.test(e.message));
});

test('hover of a variable from a named schema shows its type and description', () => {
  const text = '---\ninput:\n  schema: Ticket\n---\nTicket {{id}}';
  const doc = parsePromptDocument(text, 'file:///p/t.prompt');
  const hover = hoverTemplate(doc, text.indexOf('{{id') + 2, { schemas: library() });
  const value = (hover!.contents as { value: string }).value;
  assert.match(value, /\*\*id\*\*/);
  assert.match(value, /integer/);
  assert.match(value, /The ticket number\./);
  assert.doesNotMatch(value, /not declared/);
  assert.match(value, /Declared by the schema `input.schema` names/);
});

test('the open config file shows a schema file problem on its entry', () => {
  const text = 'schemas:\n  Ticket: schemas/ticket.json\n';
  const found = configFileDiagnostics(text, 'file:///p/prompt-workbench.yaml', [{ name: 'Ticket', message: 'The schema file `schemas/ticket.json` cannot be read (no such file).' }]);
  assert.deepEqual(found.map((d) => [d.range.start.line, d.range.start.character, d.range.end.character, d.code, d.message]), [
    [1, 10, 29, 'lint-config', '`schemas.Ticket`: The schema file `schemas/ticket.json` cannot be read (no such file).'],
  ]);
});
