// A keystroke in the frontmatter that leaves the inputs' shape as it was (a description typed, a key
// moved, `config` or `metadata` edited) takes the previous scope walk over, its references and
// contexts pointed at the new version's declarations: random frontmatter edits on generated
// prompts, each version compared with a walk of the same text from scratch (another URI, so no
// previous walk), with the declarations' descriptions and places, the checks' sites, hover and
// go-to-definition on every reference and the full list of diagnostics.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { generatePrompt } from '../../bench/generate';
import { analyze, definition, hoverTemplate, lint, parsePromptDocument, PromptDocumentCache, promptDiagnostics, type PromptDocument } from '../../server/src/service';
import type { PromptDiagnostic } from '../../server/src/service/diagnostic';
import type { SchemaField } from '../../server/src/service/picoschema';
import type { Context, Frame, VariableRef } from '../../server/src/service/scope';
import { lastWalk } from '../../server/src/service/scope/walker';
import { templateBlocks } from '../../server/src/service/lint/blocks';
import { proseOf } from '../../server/src/service/lint/prose';
import type { Site } from '../../server/src/service/scope/model';

const span = (s: { start: number; end: number } | undefined) => s && { start: s.start, end: s.end };

/** Every declaration of the document's own input model (the objects hover and definition must read). */
function declarations(doc: PromptDocument): Set<SchemaField> {
  const out = new Set<SchemaField>();
  const work: SchemaField[] = [...doc.input.fields];
  if (doc.input.additional) work.push(doc.input.additional);
  while (work.length) {
    const f = work.pop()!;
    if (out.has(f)) continue;
    out.add(f);
    if (f.children) work.push(...f.children);
    if (f.items) work.push(f.items);
    if (f.additional) work.push(f.additional);
  }
  return out;
}

/**
 * A walk's result with every place and declaration in it. `own` is checked for each declaration
 * met: it must be one of the document's own objects (or the walk's root, or one declared only by a
 * default value, which the walk builds itself).
 */
function walkOf(doc: PromptDocument, own?: Set<SchemaField>) {
  const analysis = analyze(doc, {});
  const walk = lastWalk(doc.uri);
  assert.ok(walk, 'the walk is remembered');
  assert.equal(walk.refs, analysis.refs, 'the remembered walk is the analysis');
  const field = (f: SchemaField | undefined): unknown => {
    if (!f) return f;
    if (own && f !== walk.root && !own.has(f)) assert.ok(!f.keySpan && /input\.default/.test(f.description ?? ''), `the declaration \`${f.name}\` is the document's own object`);
    return { name: f.name, type: f.type, optional: f.optional, description: f.description, keySpan: span(f.keySpan), span: span(f.span), children: f.children?.map((c) => c.name), items: f.items?.type, additional: f.additional?.type, enumValues: f.enumValues };
  };
  const context = (c: Context) => (c.kind === 'field' ? { kind: c.kind, path: c.path, field: field(c.field), item: c.item } : c);
  const refIndex = new Map(analysis.refs.map((r, i) => [r, i]));
  const ref = (r: VariableRef) => ({ kind: r.kind, expr: r.expr.original, at: span(r.expr.span), tag: span(r.tag.span), root: r.root, path: r.path, rootSpan: span(r.rootSpan), declared: r.declared, field: field(r.field), local: r.local && { name: r.local.name, span: span(r.local.span), context: context(r.local.context), description: r.local.description } });
  const frame = (f: Frame) => ({ context: context(f.context), locals: f.locals.map((l) => ({ name: l.name, span: span(l.span), description: l.description, context: context(l.context) })), inEach: f.inEach, changesContext: f.changesContext, blockTag: span(f.blockTag?.span) });
  const site = (s: Site) => {
    switch (s.kind) {
      case 'unresolved':
        return { kind: s.kind, ref: refIndex.get(s.ref), base: context(s.base), parts: s.parts, at: s.at, owner: field(s.owner) };
      case 'data':
        return { kind: s.kind, ref: refIndex.get(s.ref), inEach: s.inEach };
      case 'each':
        return { kind: s.kind, ref: refIndex.get(s.ref), span: span(s.span) };
      case 'helper':
        return { kind: s.kind, ref: analysis.helpers.indexOf(s.ref), block: s.block };
      case 'role':
        return { kind: s.kind, tag: span(s.tag.span), inEach: s.inEach };
      case 'shadow':
        return { kind: s.kind, tag: span(s.tag.span), head: span(s.head.span), field: field(s.field), context: context(s.context) };
      case 'partial':
        return { kind: s.kind, ref: analysis.partials.indexOf(s.ref), inline: s.inline };
    }
  };
  const sites = walk.sites.map(site);
  // Every site's reference is one of the walk's own.
  for (const s of sites) if ('ref' in s) assert.ok(typeof s.ref === 'number' && s.ref >= 0, `a ${s.kind} site's reference is in the walk`);
  return {
    fields: walk.fields.map(field),
    refs: analysis.refs.map(ref),
    helpers: analysis.helpers.map((h) => ({ name: h.name, span: span(h.span), builtin: h.builtin, known: h.known, tag: span(h.tag.span) })),
    partials: analysis.partials.map((p) => ({ name: p.name, span: span(p.span), tag: span(p.tag.span), file: p.file?.uri })),
    framesAt: analysis.framesAt.map((fs) => fs.map(frame)),
    sites,
    usedInputs: [...analysis.usedInputs].sort(),
    usesWholeRoot: analysis.usesWholeRoot,
  };
}

function comparable(doc: PromptDocument, ds: PromptDiagnostic[]) {
  return ds.map((d) => JSON.parse(JSON.stringify(d).split(JSON.stringify(doc.uri).slice(1, -1)).join('<uri>')));
}

/** Hover and go-to-definition at each reference (its start, its root segment, its last character) and each block parameter. */
function navigation(doc: PromptDocument) {
  const analysis = analyze(doc, {});
  const offsets = new Set<number>();
  for (const r of analysis.refs) {
    offsets.add(r.expr.span.start);
    offsets.add(r.expr.span.end - 1);
    if (r.rootSpan) offsets.add(r.rootSpan.start);
  }
  for (const fs of analysis.framesAt) for (const f of fs) for (const l of f.locals) offsets.add(l.span.start);
  return [...offsets].sort((a, b) => a - b).map((at) => ({
    at,
    hover: hoverTemplate(doc, at),
    definition: definition(doc, at).map((l) => ({ same: l.uri === doc.uri, range: l.range })),
  }));
}

function snapshot(doc: PromptDocument, own: boolean, fresh: boolean) {
  return {
    walk: walkOf(doc, own ? declarations(doc) : undefined),
    navigation: navigation(doc),
    diagnostics: comparable(doc, promptDiagnostics(doc, {})),
    lint: comparable(doc, lint.lintDiagnostics(doc, { countTokens: false, fresh }, {})),
    // Where the body is cut into blocks: the incremental model's own (moved whole after a frontmatter edit), or a cut from scratch.
    blocks: fresh ? templateBlocks(doc) : proseOf(doc).blocks?.map((b) => b.span),
  };
}

const WORDS = ['a', 'e', 'x', ' ', 'the ', 'note', ',', 'Q'];
const TYPES = ['string', 'integer', 'number', 'boolean'];

/** Random frontmatter edits of a prompt's text (and now and then one in the body). */
function editor(seed: number) {
  const rand = () => (seed = (Math.imul(seed, 1103515245) + 12345) & 0x7fffffff) / 0x80000000;
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)];
  let broken: string | undefined;
  return (text: string): { text: string; kind: string } => {
    // A broken YAML is fixed by the next edit (typing the character away again).
    if (broken !== undefined) {
      const fixed = broken;
      broken = undefined;
      return { text: fixed, kind: 'fix-yaml' };
    }
    const end = text.indexOf('\n---', 3);
    const lines = text.slice(0, end).split('\n');
    const rest = text.slice(end);
    const join = (ls: string[]) => ls.join('\n') + rest;
    const schemaAt = lines.indexOf('  schema:');
    const defaultAt = lines.indexOf('  default:');
    const fieldLines = lines.map((l, i) => i).filter((i) => i > schemaAt && i < defaultAt && /^ {4,6}\w/.test(lines[i]));
    const described = fieldLines.filter((i) => lines[i].includes(', '));
    const r = rand();
    if (r < 0.4 && described.length) {
      // Type into (or delete from) a description, often at its end.
      const i = pick(described);
      const l = lines[i];
      const from = l.indexOf(', ') + 2;
      const at = rand() < 0.4 ? l.length : from + Math.floor(rand() * (l.length - from + 1));
      lines[i] = rand() < 0.25 && at > from ? l.slice(0, at - 1) + l.slice(at) : l.slice(0, at) + pick(WORDS) + l.slice(at);
      return { text: join(lines), kind: 'description' };
    }
    if (r < 0.46 && fieldLines.length) {
      // Give a field without a description one (or take one away).
      const i = pick(fieldLines);
      const l = lines[i];
      lines[i] = l.includes(', ') ? l.slice(0, l.indexOf(', ')) : /:\s*\w+$/.test(l) ? `${l}, added words` : l;
      return { text: join(lines), kind: 'description' };
    }
    if (r < 0.52 && fieldLines.length) {
      // Rename a field: a letter typed into its key.
      const i = pick(fieldLines);
      const l = lines[i];
      const key = /^\s*(\w+)/.exec(l)!;
      const at = l.indexOf(key[1]) + Math.floor(rand() * (key[1].length + 1));
      lines[i] = l.slice(0, at) + pick(['x', 'Y', '_']) + l.slice(at);
      return { text: join(lines), kind: 'rename' };
    }
    if (r < 0.57 && fieldLines.length) {
      // Change a type, or make a field optional or required.
      const i = pick(fieldLines);
      const l = lines[i];
      const t = TYPES.find((x) => l.includes(x));
      if (t && rand() < 0.6) lines[i] = l.replace(t, pick(TYPES));
      else lines[i] = l.includes('?') ? l.replace('?', '') : l.replace(/^(\s*\w+)/, '$1?');
      return { text: join(lines), kind: 'type' };
    }
    if (r < 0.62 && fieldLines.length) {
      // Add a field, or remove one without children.
      const i = pick(fieldLines);
      if (rand() < 0.5) lines.splice(i, 0, `${/^\s*/.exec(lines[i])![0]}added${Math.floor(rand() * 5)}: string, a field typed in`);
      else if (!/^\s*$/.test(lines[i + 1] ?? '') && /^\s*/.exec(lines[i + 1])![0].length <= /^\s*/.exec(lines[i])![0].length && !lines[i].endsWith('):')) lines.splice(i, 1);
      return { text: join(lines), kind: 'add-remove' };
    }
    if (r < 0.7) {
      // Move a top-level key with its block (`metadata`, `config`, `output`) elsewhere among the top-level keys.
      const tops = lines.map((l, i) => i).filter((i) => i > 0 && /^\w/.test(lines[i]));
      const from = pick(tops.filter((i) => /^(metadata|config|output|model|version):/.test(lines[i])));
      let to = from + 1;
      while (to < lines.length && /^\s/.test(lines[to])) to++;
      const block = lines.splice(from, to - from);
      const targets = lines.map((l, i) => i).filter((i) => i > 0 && /^\w/.test(lines[i]));
      lines.splice(rand() < 0.2 ? lines.length : pick(targets), 0, ...block);
      return { text: join(lines), kind: 'move-key' };
    }
    if (r < 0.8) {
      // Edit `config` or `metadata`: a value typed into, a key added.
      const i = lines.findIndex((l) => /^ {2}(temperature|owner|topP|maxOutputTokens):/.test(l) && rand() < 0.5);
      if (i >= 0) lines[i] = lines[i] + pick(['1', 'x', '0', ' note']);
      else {
        const m = lines.findIndex((l) => /^(metadata|config):/.test(l));
        if (m >= 0) lines.splice(m + 1, 0, `  extra${Math.floor(rand() * 3)}: ${pick(['on', '3', 'typed'])}`);
      }
      return { text: join(lines), kind: 'config-metadata' };
    }
    if (r < 0.86) {
      // A default value: the same type (typed into) or another one.
      const ds = lines.map((l, i) => i).filter((i) => i > defaultAt && /^ {4}\w+: /.test(lines[i]));
      if (ds.length && defaultAt >= 0) {
        const i = pick(ds);
        lines[i] = rand() < 0.6 ? `${lines[i]}x` : lines[i].replace(/: .*$/, `: ${pick(['42', 'true', '[a]', 'text'])}`);
      }
      return { text: join(lines), kind: 'default' };
    }
    if (r < 0.93) {
      // Break the YAML (fixed by the next edit).
      const i = 1 + Math.floor(rand() * (lines.length - 1));
      broken = text;
      const l = lines[i];
      const at = Math.floor(rand() * (l.length + 1));
      lines[i] = l.slice(0, at) + pick([': [', '"', '\t', ': :', '{']) + l.slice(at);
      return { text: join(lines), kind: 'break-yaml' };
    }
    // An edit in the body, so that the next walks start from one that took over with new declarations.
    const at = end + 5 + Math.floor(rand() * (text.length - end - 5));
    return { text: text.slice(0, at) + pick(['x', ' ', '{{policyName}}', '\n', '{{#each summaryNotes}}{{this}}{{/each}}']) + text.slice(at), kind: 'body' };
  };
}

test('frontmatter keystrokes: the walk taken over with the new declarations equals a walk from scratch, hover, definition and diagnostics included', () => {
  const cache = new PromptDocumentCache();
  let versions = 0;
  let repointed = 0;
  let freshWalks = 0;
  const kinds = new Map<string, number>();
  for (const [n, lines] of [150, 300, 80].entries()) {
    let text = generatePrompt(lines, n + 1).text;
    const edit = editor(0x666d + n);
    const uri = `file:///walk-frontmatter/g${n}.prompt`;
    let before = cache.get({ uri, version: 1, getText: () => text });
    analyze(before, {});
    for (let version = 2; version <= 110; version++, versions++) {
      const e = edit(text);
      text = e.text;
      kinds.set(e.kind, (kinds.get(e.kind) ?? 0) + 1);
      const doc = cache.get({ uri, version, getText: () => text });
      const got = snapshot(doc, true, false);
      const want = snapshot(parsePromptDocument(text, `file:///fresh/g${n}-${version}.prompt`), false, true);
      assert.deepEqual(got, want, `generated prompt ${lines} lines, version ${version} (${e.kind})`);
      const analysis = analyze(doc, {});
      // The walk took over from the first tag with new declarations (the inputs are new objects).
      if (doc.input !== before.input && analysis.moved && analysis.moved.to === 0) repointed++;
      else if (doc.input !== before.input) freshWalks++;
      before = doc;
    }
    cache.delete(uri);
  }
  assert.ok(versions >= 320, `${versions} versions`);
  assert.ok(repointed > 120, `${repointed} versions took the walk over with new declarations`);
  assert.ok(freshWalks > 40, `${freshWalks} versions walked again (the inputs' shape changed)`);
  for (const k of ['description', 'rename', 'type', 'add-remove', 'move-key', 'config-metadata', 'default', 'break-yaml', 'fix-yaml', 'body']) assert.ok((kinds.get(k) ?? 0) >= 5, `${kinds.get(k) ?? 0} edits of kind ${k}`);
});
