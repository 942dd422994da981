// What every name in the template refers to: declared inputs (and their fields), block
// parameters, `this`, `@data` variables, helpers and partials, and the checks on them. The walker
// (scope/walker.ts) resolves, the checks (scope/checks.ts) judge; the result is memoised per
// document version and partial-index generation.
import type { PromptDiagnostic } from './diagnostic';
import type { PromptDocument } from './document';
import type { PartialFile, PartialIndex } from './partials';
import type { SchemaField } from './picoschema';
import type { SchemaLibrary } from './formats/types';
import { checkScope } from './scope/checks';
import { inputFields } from './scope/model';
import { resolveScopeSteps } from './scope/walker';
import { runSteps, type Steps } from './slice';
import type { Expr, Tag } from './template';
import type { Span } from './text';

export { contextLabel, itemOf } from './scope/model';

/** The value `this` stands for at some point of the template. */
export type Context =
  | { kind: 'root' }
  /** An input field (or an item of one), known by its path from the root and its declaration. */
  | { kind: 'field'; path: string[]; field?: SchemaField; item: boolean }
  | { kind: 'unknown' };

export interface Local {
  name: string;
  /** What the name stands for. */
  context: Context;
  /** Where it is declared (`as |item|` in the block's open tag). */
  span: Span;
  description: string;
}

export interface Frame {
  context: Context;
  locals: Local[];
  /** Whether this frame is inside `{{#each}}` (for `@index` & co). */
  inEach: boolean;
  /** Whether the frame changed the context (counts for `../`). */
  changesContext: boolean;
  blockTag?: Tag;
}

export type RefKind = 'input' | 'field' | 'local' | 'this' | 'data' | 'unknown';

export interface VariableRef {
  kind: RefKind;
  expr: Extract<Expr, { kind: 'path' }>;
  tag: Tag;
  /** For inputs: the root variable name and the path from it. */
  root?: string;
  path: string[];
  /** The span of the root segment (what a rename replaces); absent when the root is implicit. */
  rootSpan?: Span;
  declared: boolean;
  field?: SchemaField;
  local?: Local;
}

export interface HelperRef {
  name: string;
  span: Span;
  builtin: boolean;
  known: boolean;
  tag: Tag;
}

export interface PartialRef {
  name: string;
  span: Span;
  tag: Tag;
  file?: PartialFile;
}

/**
 * What the walk took over from the previous version's walk after the edit: from reference `to`
 * on, the references are the previous walk's from `from` on (`previous`), moved by `delta`
 * characters; a reader that kept a result per reference of the previous version may move it.
 */
export interface MovedRefs {
  previous: readonly VariableRef[];
  from: number;
  to: number;
  delta: number;
}

export interface Analysis {
  refs: VariableRef[];
  helpers: HelperRef[];
  partials: PartialRef[];
  /** The frame stack in force at each tag (same index as `template.tags`). */
  framesAt: Frame[][];
  /** Root input names used, here and through partials. */
  usedInputs: Set<string>;
  /** Whether the whole root context is passed on (`{{json this}}`, `{{> p this}}` at root), so every input counts as used. */
  usesWholeRoot: boolean;
  diagnostics: PromptDiagnostic[];
  /** Set when the walk took the references after the edit over from the previous version's walk. */
  moved?: MovedRefs;
}

export interface AnalysisOptions {
  partials?: PartialIndex;
  /** Helper names registered in code (setting `promptWorkbench.template.helpers`). */
  customHelpers?: readonly string[];
  /** Named schemas (`schemas:` of the project config). */
  schemas?: SchemaLibrary;
}

const memo = new WeakMap<PromptDocument, { key: string; analysis: Analysis }>();

/** The declared input fields of a document (from `input.schema`, plus names only in `input.default`). */
export function declaredInputs(doc: PromptDocument, schemas?: SchemaLibrary): SchemaField[] {
  return inputFields(doc, schemas);
}

export function analyze(doc: PromptDocument, options: AnalysisOptions = {}): Analysis {
  return runSteps(analyzeSteps(doc, options));
}

/**
 * `analyze` as steps: a sliced run pauses inside the scope walk. The analysis is memoised once
 * complete, so a request between two slices computes it (and the run then reads that one).
 */
export function* analyzeSteps(doc: PromptDocument, options: AnalysisOptions = {}): Steps<Analysis> {
  const key = `${options.partials?.generation ?? -1}|${options.schemas?.generation ?? -1}|${(options.customHelpers ?? []).join(',')}`;
  const hit = memo.get(doc);
  if (hit && hit.key === key) return hit.analysis;
  const model = yield* resolveScopeSteps(doc, options);
  // A request between two slices may have analysed the same document meanwhile: keep its result.
  const done = memo.get(doc);
  if (done && done.key === key) return done.analysis;
  yield 'analysis: walk';
  const analysis: Analysis = {
    refs: model.refs,
    helpers: model.helpers,
    partials: model.partials,
    framesAt: model.framesAt,
    usedInputs: model.usedInputs,
    usesWholeRoot: model.usesWholeRoot,
    diagnostics: checkScope(model, doc, options),
  };
  if (model.moved) analysis.moved = model.moved;
  memo.set(doc, { key, analysis });
  return analysis;
}
