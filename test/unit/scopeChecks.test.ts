import assert from 'node:assert/strict';
import { test } from 'node:test';
import { PartialIndex, parsePromptDocument, promptDiagnostics, type PromptDocument } from '../../server/src/service';
import { analyze, declaredInputs, type HelperRef, type PartialRef, type VariableRef } from '../../server/src/service/scope';
import { checkScope } from '../../server/src/service/scope/checks';
import type { ScopeModel, Site } from '../../server/src/service/scope/model';
import { resolveScope, walkTemplate } from '../../server/src/service/scope/walker';
import type { Expr, Tag } from '../../server/src/service/template';
import { covered } from '../support/markers';

const SCHEMA = `---
input:
  schema:
    name: string
    tone?: string
    user(object):
      address(object):
        city: string
---
`;

function emptyModel(doc: PromptDocument, sites: Site[], used: string[] = []): ScopeModel {
  return { refs: [], helpers: [], partials: [], framesAt: [], usedInputs: new Set(used), usesWholeRoot: false, fields: declaredInputs(doc), sites };
}

/** A reference as the walker would record it, built by hand from a parsed expression. */
function variable(expr: Expr | undefined, kind: VariableRef['kind'], tag: Tag): VariableRef {
  assert.ok(expr?.kind === 'path');
  return { kind, expr, tag, path: expr.parts, declared: false };
}

function helper(tag: Tag, known: boolean): HelperRef {
  return { name: tag.name!, span: tag.path!.span, builtin: known, known, tag };
}

function partial(tag: Tag): PartialRef {
  return { name: tag.name!, span: tag.path!.span, tag };
}

test('checks on a hand-built model: one diagnostic per failing site, in site order, then unused inputs', () => {
  const doc = parsePromptDocument(SCHEMA + '{{@nope}} {{uper name}} {{role "assistant"}} {{#json name}}{{/json}} {{@index}}', 'file:///w/p.prompt');
  const [nope, upper, role, json, , index] = doc.template.tags;
  const sites: Site[] = [
    { kind: 'data', ref: variable(nope.path, 'data', nope), inEach: false },
    { kind: 'helper', ref: helper(upper, false), block: false },
    { kind: 'role', tag: role },
    { kind: 'helper', ref: helper(json, true), block: true },
    { kind: 'data', ref: variable(index.path, 'data', index), inEach: false },
    // The same name inside an `{{#each}}` is fine.
    { kind: 'data', ref: variable(index.path, 'data', index), inEach: true },
  ];
  const found = checkScope(emptyModel(doc, sites, ['name', 'user']), doc, { customHelpers: ['upper'] });
  assert.deepEqual(found.map((d) => `${d.code}:${covered(doc, d.span)}`), [
    'unknown-data-variable:@nope',
    'unknown-helper:uper',
    'unknown-role:assistant',
    'helper-misuse:json',
    'unknown-data-variable:@index',
    'unused-variable:tone?',
  ]);
  assert.match(found[1].message, /Did you mean `upper`\?/);
  assert.equal(found[2].data!.replacement, 'model');
  assert.match(found[4].message, /only has a value inside `\{\{#each\}\}`/);
  assert.equal(found[5].unnecessary, true);
});

test('checks: an unresolved site reports its segment with a suggestion; without declarations only as information', () => {
  const doc = parsePromptDocument(SCHEMA + '{{name}}{{tone}}{{user.adress}}', 'file:///w/p.prompt');
  const tag = doc.template.tags[2];
  const ref = variable(tag.path, 'input', tag);
  const user = declaredInputs(doc).find((f) => f.name === 'user')!;
  const [d] = checkScope(emptyModel(doc, [{ kind: 'unresolved', ref, base: { kind: 'root' }, parts: ['user', 'adress'], at: 1, owner: user }], ['name', 'tone', 'user']), doc, {});
  assert.equal(d.code, 'undefined-variable');
  assert.equal(d.severity, 'warning');
  assert.equal(covered(doc, d.span), 'adress');
  assert.equal(d.message, '`adress` is not a field of `user`. Did you mean `address`?');
  assert.deepEqual(d.data, { name: 'adress', replacement: 'address', root: undefined, path: ['user', 'adress'], topLevel: false });

  const bare = parsePromptDocument('Hi {{nam}}');
  const owner = { name: '', type: 'object', optional: false, children: [] };
  const [info] = checkScope(emptyModel(bare, [{ kind: 'unresolved', ref: variable(bare.template.tags[0].path, 'input', bare.template.tags[0]), base: { kind: 'root' }, parts: ['nam'], at: 0, owner }]), bare, {});
  assert.equal(info.severity, 'info');
  assert.equal(info.message, '`nam` is not declared in input.schema.');
});

test('checks: {{#each}} over a declared scalar, missing, inline and circular partials', () => {
  const partials = new PartialIndex();
  partials.set('file:///w/_a.prompt', 'A {{> b}}');
  partials.set('file:///w/_b.prompt', 'B {{> a}}');
  const doc = parsePromptDocument(SCHEMA + '{{#each name}}{{/each}}{{> a}}{{> footr}}{{> local}}', 'file:///w/p.prompt');
  const [each, , a, footr, local] = doc.template.tags;
  const scalar = variable(each.params[0], 'input', each);
  scalar.declared = true;
  scalar.field = declaredInputs(doc).find((f) => f.name === 'name');
  const undeclared = variable(each.params[0], 'input', each);
  const toA = { ...partial(a), file: partials.resolve('a') };
  const sites: Site[] = [
    { kind: 'each', ref: scalar, span: scalar.expr.span },
    { kind: 'each', ref: undeclared, span: undeclared.expr.span },
    { kind: 'partial', ref: toA, inline: false },
    { kind: 'partial', ref: partial(footr), inline: false },
    { kind: 'partial', ref: partial(local), inline: true },
  ];
  const found = checkScope(emptyModel(doc, sites, ['name', 'tone', 'user']), doc, { partials });
  assert.deepEqual(found.map((d) => `${d.code}:${covered(doc, d.span)}`), ['each-not-array:name', 'circular-partial:a', 'missing-partial:footr']);
  assert.match(found[1].message, /`a` → `b` → `a`/);
  // Without a partial index nothing can be said about partials.
  assert.deepEqual(checkScope(emptyModel(doc, sites.slice(2), ['name', 'tone', 'user']), doc, {}), []);
});

test('the walker resolves without judging; the checks on its model are what analyze reports', () => {
  const partials = new PartialIndex();
  partials.set('file:///w/_greet.prompt', 'Hi {{tone}}');
  const text = SCHEMA + '{{#with user as |u|}}{{u.address.city}}{{/with}}{{#each name}}{{/each}} {{name.first}} {{user.adress}} {{jsonn name}} {{@index}} {{> greet}} {{> nope}}';
  const options = { partials, customHelpers: ['upper'] };
  const doc = parsePromptDocument(text, 'file:///w/p.prompt');
  const model = resolveScope(doc, options);
  assert.equal('diagnostics' in model, false);
  assert.deepEqual(model.sites.map((s) => s.kind), ['helper', 'helper', 'each', 'unresolved', 'helper', 'data', 'partial', 'partial']);
  const city = model.refs.find((r) => r.expr.original === 'u.address.city')!;
  assert.equal(city.kind, 'local');
  assert.equal(city.declared, true);
  assert.equal(city.field?.type, 'string');
  // `name` is a declared string: nothing is known beneath it, so `name.first` is neither declared nor reported.
  assert.equal(model.refs.find((r) => r.expr.original === 'name.first')!.declared, false);
  assert.equal(model.partials[0].file?.uri, 'file:///w/_greet.prompt');
  assert.equal(model.partials[1].file, undefined);
  // `tone` is used only by the partial.
  assert.deepEqual([...model.usedInputs].sort(), ['name', 'tone', 'user']);
  assert.equal(model.framesAt.length, doc.template.tags.length);
  assert.equal(model.framesAt[1].length, 2);

  const found = checkScope(model, doc, options);
  assert.deepEqual(found, analyze(parsePromptDocument(text, 'file:///w/p.prompt'), options).diagnostics);
  assert.deepEqual(found.map((d) => `${d.code}:${covered(doc, d.span)}`), [
    'each-not-array:name',
    'undefined-variable:adress',
    'unknown-helper:jsonn',
    'unknown-data-variable:@index',
    'missing-partial:nope',
  ]);

  // The checks see only the model: change it and the diagnostics follow.
  const edited: ScopeModel = { ...model, usedInputs: new Set(), sites: model.sites.filter((s) => s.kind !== 'helper' && s.kind !== 'partial') };
  assert.deepEqual(checkScope(edited, doc, options).map((d) => d.code), ['each-not-array', 'undefined-variable', 'unknown-data-variable', 'unused-variable', 'unused-variable', 'unused-variable']);
  assert.deepEqual(checkScope({ ...edited, usesWholeRoot: true }, doc, options).map((d) => d.code), ['each-not-array', 'undefined-variable', 'unknown-data-variable']);
});

test('a partial reached along many paths is walked once, and a cycle of partials ends', () => {
  const partials = new PartialIndex();
  // Two partials per level, each including both of the next level: 2^24 paths, 48 files.
  const depth = 24;
  for (let level = 0; level < depth; level++) {
    for (const side of ['l', 'r']) {
      const next = level + 1 < depth ? `{{> l${level + 1}}}{{> r${level + 1}}}` : '{{> l0}}{{last}}';
      partials.set(`file:///w/_${side}${level}.prompt`, `{{v${level}}}${next}`);
    }
  }
  const doc = parsePromptDocument('{{> l0}}{{> r0}}', 'file:///w/p.prompt');
  const model = resolveScope(doc, { partials });
  assert.equal(model.usedInputs.size, depth + 1);
  assert.ok(model.usedInputs.has('v23') && model.usedInputs.has('last'));
});

/**
 * A document whose tags are `pieces[i]` repeated as `order` says. parsePromptDocument recurses
 * over nested blocks and cannot take thousands of levels, so the tags come from a one-level parse,
 * moved to where each copy sits in the deep text.
 */
function assembled(head: string, pieces: string[], order: number[]): PromptDocument {
  const proto = parsePromptDocument(head + pieces.join(''));
  const starts: number[] = [];
  let at = head.length;
  for (const p of pieces) {
    starts.push(at);
    at += p.length;
  }
  const tagsOf = pieces.map((p, i) => proto.template.tags.filter((t) => t.span.start >= starts[i] && t.span.end <= starts[i] + p.length));
  const move = (e: Expr, by: number): Expr => {
    const span = { start: e.span.start + by, end: e.span.end + by };
    if (e.kind !== 'subexpression') return { ...e, span };
    return { ...e, span, path: move(e.path, by), params: e.params.map((p) => move(p, by)), hash: e.hash.map((h) => ({ ...h, value: move(h.value, by), span: { start: h.span.start + by, end: h.span.end + by } })) };
  };
  const tags: Tag[] = [];
  let text = head;
  for (const i of order) {
    const by = text.length - starts[i];
    for (const t of tagsOf[i]) {
      const hash = t.hash.map((h) => ({ ...h, value: move(h.value, by), span: { start: h.span.start + by, end: h.span.end + by } }));
      tags.push({ ...t, span: { start: t.span.start + by, end: t.span.end + by }, path: t.path && move(t.path, by), params: t.params.map((p) => move(p, by)), hash });
    }
    text += pieces[i];
  }
  return { ...proto, text, template: { ...proto.template, span: { start: head.length, end: text.length }, tags, blocks: [] } };
}

test('5,000 nested {{#if}} and 5,000 nested {{#each}} blocks are analysed without growing the stack', () => {
  const n = 5_000;
  const head = '---\ninput:\n  schema:\n    a: boolean\n    xs(array):\n      b: string\n---\n';
  const pieces = ['{{#if a}}', '{{a}}', '{{/if}}', '{{#each @root.xs as |x|}}', '{{x.b}}{{@index}}{{../b}}{{@root.a}}', '{{/each}}'];
  const repeat = (i: number) => new Array<number>(n).fill(i);
  const doc = assembled(head, pieces, [...repeat(0), 1, ...repeat(2), ...repeat(3), 4, ...repeat(5)]);
  const a = analyze(doc);
  assert.deepEqual(a.diagnostics, []);
  const leaf = doc.template.tags.findIndex((t) => t.name === 'a' && t.kind === 'mustache');
  assert.equal(a.framesAt[leaf].length, n + 1);
  assert.equal(a.framesAt[leaf + n + 1].length, 1, 'every {{/if}} closed its block');
  const b = a.refs.find((r) => r.expr.original === 'x.b')!;
  assert.equal(b.kind, 'local');
  assert.equal(b.declared, true);
  assert.equal(a.framesAt[a.framesAt.length - 1].length, 2, 'the last {{/each}} sees only its own block');
  const parentItem = a.refs.find((r) => r.expr.original === '../b')!;
  assert.equal(parentItem.kind, 'field');
  assert.equal(parentItem.declared, true);
});

test('subexpressions nested 100,000 deep are walked without growing the stack', () => {
  const depth = 100_000;
  const text = '{{wrap ' + '(wrap '.repeat(depth) + 'name' + ')'.repeat(depth) + '}}';
  const proto = parsePromptDocument('---\ninput:\n  schema:\n    name: string\n---\n{{wrap name}}');
  const base = proto.text.length - '{{wrap name}}'.length;
  let inner: Expr = { kind: 'path', original: 'name', parts: ['name'], data: false, depth: 0, span: { start: base + 7 + depth * 6, end: base + 11 + depth * 6 } };
  for (let i = depth - 1; i >= 0; i--) {
    const start = base + 7 + i * 6;
    inner = { kind: 'subexpression', path: { kind: 'path', original: 'wrap', parts: ['wrap'], data: false, depth: 0, span: { start: start + 1, end: start + 5 } }, params: [inner], hash: [], span: { start, end: base + 11 + 7 * depth - i } };
  }
  const tag: Tag = { ...proto.template.tags[0], span: { start: base, end: base + text.length }, params: [inner] };
  const doc: PromptDocument = { ...proto, text: proto.text.slice(0, base) + text, template: { ...proto.template, span: { start: base, end: base + text.length }, tags: [tag] } };
  const model = walkTemplate(doc, { customHelpers: ['wrap'] });
  assert.equal(model.helpers.length, depth + 1);
  assert.equal(model.refs.length, 1);
  assert.equal(model.refs[0].declared, true);
  assert.deepEqual(analyze(doc, { customHelpers: ['wrap'] }).diagnostics, []);
});

test('`{{@this}}` and `{{@.}}` name no data variable: a warning on the tag, and no crash (fuzz seed 20261208, mutant 90453)', () => {
  for (const tag of ['{{@this}}', '{{@.}}', '{{#each items}}{{@this}}{{/each}}']) {
    const doc = parsePromptDocument(`---\ninput:\n  schema:\n    items(array): string\n---\n${tag}\n`, 'file:///w/p.prompt');
    const found = promptDiagnostics(doc).filter((d) => d.code === 'unknown-data-variable');
    assert.equal(found.length, 1, tag);
    assert.equal(doc.text.slice(found[0].span.start, found[0].span.end), tag.includes('@.') ? '@.' : '@this', tag);
    assert.equal(found[0].severity, 'warning');
    assert.match(found[0].message, /names no data variable/);
  }
});
