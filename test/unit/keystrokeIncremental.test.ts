// What a keystroke reuses from the previous version of a document (the interpolations the scope
// walk took over, the prose model's unchanged window, the token counts of untouched messages)
// gives exactly what a computation from scratch gives: random edit sequences on generated prompts,
// each version compared with a fresh parse under another URI, diagnostics with their ranges.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { generatePrompt } from '../../bench/generate';
import { analyze, lint, parsePromptDocument, PromptDocumentCache, promptDiagnostics, type PromptDocument } from '../../server/src/service';
import type { PromptDiagnostic } from '../../server/src/service/diagnostic';
import { templateBlocks } from '../../server/src/service/lint/blocks';
import { interpolations } from '../../server/src/service/lint/inputs';
import { proseOf } from '../../server/src/service/lint/prose';
import type { Context, Frame, VariableRef } from '../../server/src/service/scope';
import { documentTokens, loadTokenizer, tokenDiagnostics, type TokenOptions } from '../../server/src/service/tokens';

const SNIPPETS = [
  'x',
  ' ',
  '\n',
  '\n\n',
  '  \n',
  '{{',
  '}}',
  '{{topic}}',
  '{{this}}',
  '{{json topic}}',
  '{{#each items}}',
  '{{/each}}',
  '{{#if x}}',
  '{{else}}',
  '{{/if}}',
  '{{role "system"}}\n',
  '{{role "user"}}\n',
  '{{section "answer"}}',
  '{{!-- ',
  ' --}}',
  '<document>\n',
  '</document>\n',
  '```\n',
  '\n~~~\n',
  '  ```js\n',
  '"',
  'Always cite the source. ',
  'Never cite the source. ',
  'maybe ',
  'jo@corp.io ',
  '---\n',
];

function comparable(ds: PromptDiagnostic[]) {
  return ds.map((d) => ({ code: d.code, severity: d.severity, message: d.message, span: d.span, data: d.data, unnecessary: d.unnecessary }));
}

const span = (s: { start: number; end: number } | undefined) => s && { start: s.start, end: s.end };
const context = (c: Context) => (c.kind === 'field' ? { kind: c.kind, path: c.path, field: c.field?.name, item: c.item } : c);

/** The scope walk's result with every place in it: references, helpers, partials, frames per tag (the checks' sites give the analysis diagnostics). */
function scope(doc: PromptDocument) {
  const model = analyze(doc, {});
  const ref = (r: VariableRef) => ({ kind: r.kind, expr: r.expr.original, at: span(r.expr.span), tag: span(r.tag.span), root: r.root, path: r.path, rootSpan: span(r.rootSpan), declared: r.declared, field: r.field?.name, local: r.local && { name: r.local.name, span: span(r.local.span), context: context(r.local.context) } });
  const frame = (f: Frame) => ({ context: context(f.context), locals: f.locals.map((l) => ({ name: l.name, span: span(l.span), description: l.description })), inEach: f.inEach, changesContext: f.changesContext, blockTag: span(f.blockTag?.span) });
  return {
    refs: model.refs.map(ref),
    helpers: model.helpers.map((h) => ({ name: h.name, span: span(h.span), builtin: h.builtin, known: h.known, tag: span(h.tag.span) })),
    partials: model.partials.map((p) => ({ name: p.name, span: span(p.span), tag: span(p.tag.span), file: p.file?.uri })),
    framesAt: model.framesAt.map((fs) => fs.map(frame)),
    usedInputs: [...model.usedInputs].sort(),
    usesWholeRoot: model.usesWholeRoot,
  };
}

function snapshot(doc: PromptDocument, tokens: TokenOptions, fresh: boolean) {
  const analysis = analyze(doc, {});
  const prose = proseOf(doc, fresh);
  const roles = prose.roleCursor();
  return {
    analysis: comparable(promptDiagnostics(doc, {})),
    scope: scope(doc),
    interpolations: interpolations(doc, analysis).map((i) => ({ span: i.tag.span, root: i.root, expression: i.expression, type: i.type, plain: i.plain, role: roles(i.tag.span.start), roleAt: prose.roleAt(i.tag.span.start) })),
    masked: prose.masked,
    fences: prose.fences,
    elements: prose.elements,
    dataRegions: prose.dataRegions,
    // Where the body is cut into blocks: the incremental model's own, or a cut from scratch.
    blocks: fresh ? templateBlocks(doc) : prose.blocks?.map((b) => b.span),
    tokens: documentTokens(doc, tokens),
    budget: comparable(tokenDiagnostics(doc, tokens)),
    lint: comparable(lint.lintDiagnostics(doc, { tokens, countTokens: true, fresh }, {})),
  };
}

test('random keystrokes through the incremental paths give exactly what a computation from scratch gives', () => {
  let seed = 0x6b657973;
  const rand = () => (seed = (Math.imul(seed, 1103515245) + 12345) & 0x7fffffff) / 0x80000000;
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(rand() * xs.length)];
  const tokens: TokenOptions = { budget: 2000 };
  const cache = new PromptDocumentCache();
  let versions = 0;
  let withInterpolations = 0;
  let takenOver = 0;
  let walkMoved = 0;
  let previous: readonly unknown[] = [];
  for (const [n, lines] of [120, 300, 60, 200].entries()) {
    let text = generatePrompt(lines, n + 1).text;
    // The last one without blank lines: blocks of more than 64 lines, cut where a line's hash says.
    if (n === 3) text = text.replace(/\n[ \t]*\n/g, '\n');
    const uri = `file:///keystroke/g${n}.prompt`;
    loadTokenizer(parsePromptDocument(text, uri), tokens);
    for (let version = 1; version <= 40; version++, versions++) {
      if (version > 1) {
        // Mostly one place at a time, as typing is; now and then a cut, a paste or a far edit.
        const at = Math.floor(rand() * (text.length + 1));
        const r = rand();
        if (r < 0.2 && text.length) text = text.slice(0, at) + text.slice(Math.min(text.length, at + 1 + Math.floor(rand() * 40)));
        else if (r < 0.3) {
          const from = Math.floor(rand() * text.length);
          text = text.slice(0, at) + text.slice(from, from + Math.floor(rand() * 200)) + text.slice(at);
        } else text = text.slice(0, at) + pick(SNIPPETS) + text.slice(at);
      }
      const doc = cache.get({ uri, version, getText: () => text });
      const got = snapshot(doc, tokens, false);
      const want = snapshot(parsePromptDocument(text, `file:///fresh/g${n}-${version}.prompt`), tokens, true);
      assert.deepEqual(got, want, `generated prompt ${lines} lines, version ${version}`);
      if (got.interpolations.length) withInterpolations++;
      // The incremental path was taken: some of the list is the previous version's own objects.
      const list = interpolations(doc, analyze(doc, {}));
      if (list.some((x, i) => x === previous[i])) takenOver++;
      // The walk took the references after the edit over from the previous version's, moved.
      if (analyze(doc, {}).moved) walkMoved++;
      previous = list;
    }
    cache.delete(uri);
  }
  assert.ok(versions >= 160, `${versions} versions`);
  assert.ok(takenOver > 40, `${takenOver} versions took interpolations over`);
  assert.ok(walkMoved > 40, `${walkMoved} versions took the walk after the edit over`);
  assert.ok(withInterpolations > 60, `${withInterpolations} versions with interpolations`);
});

test('an edit keeps the interpolations before it (the same objects) and lists those after it again, moved', () => {
  const text = generatePrompt(200, 3).text;
  const uri = 'file:///keystroke/reuse.prompt';
  const cache = new PromptDocumentCache();
  const tokens: TokenOptions = {};
  const first = cache.get({ uri, version: 1, getText: () => text });
  loadTokenizer(first, tokens);
  const a = interpolations(first, analyze(first, {}));
  documentTokens(first, tokens);
  assert.ok(a.length > 20);
  // A letter typed in the prose after the middle interpolation.
  const mid = a[Math.floor(a.length / 2)];
  const at = text.indexOf('\n', mid.tag.span.end);
  const edited = `${text.slice(0, at)} x${text.slice(at)}`;
  const second = cache.get({ uri, version: 2, getText: () => edited });
  const b = interpolations(second, analyze(second, {}));
  assert.equal(b.length, a.length);
  // The same objects up to the edit (taken over), equal ones after it (listed again, moved by 2).
  const kept = b.filter((x, i) => x === a[i]).length;
  assert.ok(kept > a.length / 3 && kept < a.length, `${kept} of ${a.length} kept`);
  for (const [i, x] of b.entries()) assert.equal(x.tag.span.start, a[i].tag.span.start + (a[i].tag.span.start > at ? 2 : 0));
  const counts = documentTokens(second, tokens);
  const fresh = documentTokens(parsePromptDocument(edited, 'file:///fresh/reuse.prompt'), tokens);
  assert.deepEqual(counts, fresh);
  cache.delete(uri);
});
