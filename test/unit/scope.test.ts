import assert from 'node:assert/strict';
import { test } from 'node:test';
import { PartialIndex, parsePromptDocument, promptDiagnostics } from '../../server/src/service';
import { analyze } from '../../server/src/service/scope';
import { covered } from '../support/markers';

const SCHEMA = `---
input:
  schema:
    customerName: string, the name
    tone?: string
    items(array):
      sku: string
      qty: integer
    tags(array): string
    user(object):
      address(object):
        city: string
  default:
    tone: friendly
---
`;

function check(body: string, partials?: PartialIndex, customHelpers?: string[]) {
  const doc = parsePromptDocument(SCHEMA + body, 'file:///w/p.prompt');
  const found = promptDiagnostics(doc, { partials, customHelpers }).filter((d) => !['unused-variable'].includes(d.code));
  return { doc, found, list: found.map((d) => `${d.code}:${covered(doc, d.span)}`) };
}

const USE_ALL = '{{customerName}}{{tone}}{{#each items}}{{sku}}{{qty}}{{/each}}{{#each tags}}{{this}}{{/each}}{{user.address.city}}';

test('declared names, nested paths, each items, block params, this, ../ and @root resolve', () => {
  const { list } = check(`${USE_ALL}
{{#each items as |item i|}}{{item.sku}} {{i}} {{@index}} {{@first}} {{../customerName}} {{@root.tone}}{{/each}}
{{#with user}}{{address.city}}{{/with}}
{{#if tone}}{{tone}}{{else}}{{customerName}}{{/if}}`);
  assert.deepEqual(list, []);
});

test('undeclared names are reported on the name, with a near-miss suggestion', () => {
  const { found, list } = check(`${USE_ALL}{{custmerName}} {{email}}`);
  assert.deepEqual(list, ['undefined-variable:custmerName', 'undefined-variable:email']);
  assert.match(found[0].message, /Did you mean `customerName`\?/);
  assert.equal(found[0].data!.replacement, 'customerName');
  assert.equal(found[1].severity, 'warning');
});

test('fields of nested objects and of each items are checked', () => {
  const { list, found } = check(`${USE_ALL}{{user.address.zip}}{{#each items}}{{price}}{{customerName}}{{/each}}`);
  assert.deepEqual(list, ['undefined-variable:zip', 'undefined-variable:price', 'undefined-variable:customerName']);
  assert.match(found[2].message, /Inside `\{\{#each\}\}` names refer to the item; write `@root\.customerName`/);
});

test('without any input declaration, undeclared names are only information', () => {
  const doc = parsePromptDocument('Hello {{name}}');
  const [d] = promptDiagnostics(doc);
  assert.equal(d.code, 'undefined-variable');
  assert.equal(d.severity, 'info');
});

test('names declared only by input.default count as declared', () => {
  const doc = parsePromptDocument('---\ninput:\n  default:\n    who: world\n---\nHello {{who}}');
  assert.deepEqual(promptDiagnostics(doc), []);
});

test('unused declarations are reported on their key and marked unnecessary', () => {
  const doc = parsePromptDocument(SCHEMA + '{{customerName}}', 'file:///w/p.prompt');
  const unused = promptDiagnostics(doc).filter((d) => d.code === 'unused-variable');
  assert.deepEqual(unused.map((d) => covered(doc, d.span)), ['tone?', 'items(array)', 'tags(array)', 'user(object)']);
  assert.equal(unused[0].unnecessary, true);
});

test('inputs used only in a partial are not unused; passing `this` uses everything', () => {
  const partials = new PartialIndex();
  partials.set('file:///w/_greet.prompt', 'Hi {{customerName}} ({{tone}})');
  const doc = parsePromptDocument('---\ninput:\n  schema:\n    customerName: string\n    tone: string\n---\n{{> greet}}', 'file:///w/p.prompt');
  assert.deepEqual(promptDiagnostics(doc, { partials }), []);
  const whole = parsePromptDocument('---\ninput:\n  schema:\n    a: string\n    b: string\n---\n{{json this}}');
  assert.deepEqual(promptDiagnostics(whole).map((d) => d.code), []);
});

test('unknown helpers warn (with a suggestion); helpers registered in code are accepted', () => {
  const { list, found } = check(`${USE_ALL}{{upper customerName}} {{jsonn tone}}`);
  assert.deepEqual(list, ['unknown-helper:upper', 'unknown-helper:jsonn']);
  assert.match(found[1].message, /Did you mean `json`\?/);
  assert.deepEqual(check(`${USE_ALL}{{upper customerName}}`, undefined, ['upper']).list, []);
});

test('block helpers used without # and the reverse are flagged', () => {
  assert.deepEqual(check(`${USE_ALL}{{#json tone}}x{{/json}}`).list, ['helper-misuse:json']);
});

test('roles must be system, user, model or tool; assistant suggests model', () => {
  const { found, list } = check(`${USE_ALL}{{role "assistant"}}{{role "sytem"}}{{role "tool"}}`);
  assert.deepEqual(list, ['unknown-role:assistant', 'unknown-role:sytem']);
  assert.equal(found[0].data!.replacement, 'model');
  assert.equal(found[1].data!.replacement, 'system');
});

test('{{#each}} over a declared scalar is flagged; over an array or object it is not', () => {
  assert.deepEqual(check(`${USE_ALL}{{#each customerName}}x{{/each}}{{#each user}}{{@key}}{{/each}}`).list, ['each-not-array:customerName']);
});

test('@index outside each and unknown data variables are flagged', () => {
  assert.deepEqual(check(`${USE_ALL}{{@index}} {{@nope}}`).list, ['unknown-data-variable:@index', 'unknown-data-variable:@nope']);
  // Dotprompt's render context: `@state` and `@auth` are known; another `@name` may come from it (information only).
  const ctx = check(`${USE_ALL}{{@state.count}} {{@auth.uid}} {{@metadata.prompt.model}} {{@tenant.id}} {{@stat.x}}`);
  assert.deepEqual(ctx.list, ['unknown-data-variable:@tenant.id', 'unknown-data-variable:@stat.x']);
});

test('missing partials are errors with a suggestion; inline partials count', () => {
  const partials = new PartialIndex();
  partials.set('file:///w/_footer.prompt', 'Bye');
  const { list, found } = check(`${USE_ALL}{{> footr}} {{#*inline "local"}}x{{/inline}}{{> local}}`, partials);
  assert.deepEqual(list, ['missing-partial:footr']);
  assert.equal(found[0].data!.replacement, 'footer');
});

test('circular partials are reported on the reference', () => {
  const partials = new PartialIndex();
  partials.set('file:///w/_a.prompt', 'A {{> b}}');
  partials.set('file:///w/_b.prompt', 'B {{> a}}');
  const { list, found } = check(`${USE_ALL}{{> a}}`, partials);
  assert.deepEqual(list, ['circular-partial:a']);
  assert.match(found[0].message, /`a` → `b` → `a`/);
});

test('a partial resolves from the same folder first', () => {
  const partials = new PartialIndex();
  partials.set('file:///w/other/_footer.prompt', 'other');
  partials.set('file:///w/_footer.prompt', 'root');
  partials.set('file:///w/sub/_footer.prompt', 'sub');
  assert.equal(partials.resolve('footer', 'file:///w/sub/p.prompt')!.text, 'sub');
  assert.equal(partials.resolve('footer', 'file:///w/sub/deeper/p.prompt')!.text, 'sub');
  assert.equal(partials.resolve('footer', 'file:///w/p.prompt')!.text, 'root');
});

test('literal JSON and Jinja syntax in the template are flagged', () => {
  const { list } = check(`${USE_ALL}Example: {{"name": "Ada"}} {# a comment #}`);
  assert.deepEqual(list, ['template-json-collision:{{"name": "Ada"}}', 'template-foreign-syntax:{# a comment #}']);
});

test('analysis is computed once per document version and partial generation', () => {
  const partials = new PartialIndex();
  const doc = parsePromptDocument(SCHEMA + USE_ALL);
  const first = analyze(doc, { partials });
  assert.equal(analyze(doc, { partials }), first);
  partials.set('file:///w/_x.prompt', 'x');
  assert.notEqual(analyze(doc, { partials }), first);
});

test('a data variable from the render context is information; a near miss of a known one is a warning', () => {
  const { found } = check(`${USE_ALL}{{@tenant.id}} {{@stat.x}}`);
  const tenant = found.find((d) => d.message.includes('@tenant'))!;
  assert.equal(tenant.severity, 'info');
  assert.match(tenant.message, /render context \(in a test case: `context: \{ tenant: \.\.\. \}`\)/);
  const stat = found.find((d) => d.message.includes('@stat'))!;
  assert.equal(stat.severity, 'warning');
  assert.match(stat.message, /Did you mean `@state`\?/);
});
