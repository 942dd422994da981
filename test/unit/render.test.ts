// The preview renderer against the reference implementation: test/conformance/render.yaml.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { Dotprompt } from 'dotprompt';
import { parse } from 'yaml';
import { formatRendered, parsePromptDocument, PartialIndex, renderPrompt } from '../../server/src/service';

interface Case {
  name: string;
  template: string;
  input: Record<string, unknown>;
  partials?: Record<string, string>;
  context?: Record<string, unknown>;
  history?: { role: string; text: string }[];
  expect: { role: string; text: string; parts?: unknown[]; metadata?: Record<string, unknown> }[];
}

const cases = parse(readFileSync(path.resolve(__dirname, '..', 'conformance', 'render.yaml'), 'utf8')) as Case[];

test('the conformance file has cases', () => {
  assert.ok(cases.length >= 19);
});

/** A message as the case writes it: role and text, parts and metadata only where the case gives them. */
function shaped(m: { role: string; text: string; parts?: unknown[]; metadata?: Record<string, unknown> }, like: Case['expect'][number]) {
  return { role: m.role, text: m.text, ...(like.parts ? { parts: m.parts } : {}), ...(like.metadata ? { metadata: m.metadata } : {}) };
}

for (const c of cases) {
  test(`renders like dotprompt: ${c.name}`, async () => {
    const partials = new PartialIndex();
    for (const [name, text] of Object.entries(c.partials ?? {})) partials.set(`file:///spec/_${name}.prompt`, text);
    const doc = parsePromptDocument(c.template, 'file:///spec/case.prompt');
    const ours = await renderPrompt(doc, { ...doc.defaults, ...c.input }, { partials }, { context: c.context, history: c.history });
    assert.equal(ours.error, undefined, ours.error?.message);
    assert.deepEqual(ours.messages?.map((m, i) => shaped(m, c.expect[i] ?? c.expect[0])), c.expect);

    const reference = new Dotprompt({ partials: c.partials });
    const theirs = await reference.render(c.template, { input: { ...doc.defaults, ...c.input }, context: c.context, messages: c.history?.map((h) => ({ role: h.role as 'user', content: [{ text: h.text }] })) });
    const text = (p: Record<string, unknown>) => (typeof p.text === 'string' ? p.text : p.media ? `[media ${(p.media as { contentType: string }).contentType}: ${(p.media as { url: string }).url}]` : '');
    assert.deepEqual(
      theirs.messages.map((m, i) => {
        const e = c.expect[i] ?? c.expect[0];
        return { role: m.role, text: m.content.map((p) => text(p as never)).join(''), ...(e.parts ? { parts: m.content.map((p) => specPart(p as never)) } : {}), ...(e.metadata ? { metadata: m.metadata } : {}) };
      }),
      c.expect,
    );
  });
}

function specPart(p: Record<string, unknown>): unknown {
  if (typeof p.text === 'string') return { kind: 'text', text: p.text };
  if (p.media) return { kind: 'media', ...(p.media as object) };
  return { kind: 'section', name: (p.metadata as { purpose: string }).purpose };
}

test('render errors have a location and a plain message', async () => {
  const missing = parsePromptDocument('---\ninput:\n  schema:\n    q: string\n---\n{{q}}');
  const r1 = await renderPrompt(missing, {});
  assert.match(r1.error!.message, /No value for the required input `q`/);
  assert.equal(r1.error!.line, 3);

  const helper = parsePromptDocument('---\ninput:\n  schema:\n    q: string\n---\nline one\n{{shout q}}');
  const r2 = await renderPrompt(helper, { q: 'x' });
  assert.match(r2.error!.message, /uses the helper `shout`/);
  assert.equal(r2.error!.line, 6);

  const broken = parsePromptDocument('{{#if x}}never closed');
  const r3 = await renderPrompt(broken, { x: 1 });
  assert.match(r3.error!.message, /cannot be rendered until this is fixed: The block `\{\{#if\}\}` is never closed/);
  assert.equal(r3.error!.line, 0);

  const cyclic = new PartialIndex();
  cyclic.set('file:///w/_a.prompt', '{{> a}}');
  const r4 = await renderPrompt(parsePromptDocument('{{> a}}', 'file:///w/p.prompt'), {}, { partials: cyclic });
  assert.match(r4.error!.message, /Circular partials/);
});

test('the preview text shows messages role by role and the values used', async () => {
  const doc = parsePromptDocument('{{role "system"}}\nBe brief.\n{{role "user"}}\n{{q}}');
  const text = formatRendered(await renderPrompt(doc, { q: 'Hi?' }), 'x.prompt');
  assert.equal(text, '# Rendered: x.prompt\n\n## system\n\nBe brief.\n\n## user\n\nHi?\n\n\n---\nValues: `{"q":"Hi?"}`\n');
});

test('the preview shows history messages as such, media as a placeholder and section markers (which send nothing)', async () => {
  const doc = parsePromptDocument('{{role "system"}}{{section "rules"}}Be brief.\n{{history}}\n{{role "user"}}{{media url=u}} What is it?', 'file:///w/x.prompt');
  const result = await renderPrompt(doc, { u: 'https://e.com/a.png' }, {}, { context: {}, history: [{ role: 'user', text: 'Hi' }] });
  const text = formatRendered(result, 'x.prompt');
  assert.equal(text.split('\n---\n')[0], '# Rendered: x.prompt\n\n## system\n\n[section "rules"]Be brief.\n\n## user (history)\n\nHi\n\n## user\n\n[media: https://e.com/a.png] What is it?\n\n');
  assert.equal(result.messages?.[0].text, 'Be brief.\n', 'the section marker adds no text to what is sent');
});
