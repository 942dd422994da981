// What every name in the template refers to: declared inputs (and their fields), block
// parameters, `this`, `@data` variables, helpers and partials. One walk over the tags with a stack
// of contexts, memoised per document version and partial-index generation; the checks of
// undefined / unused variables, helpers, roles, `{{#each}}` and partials come out of the same walk.
import type { PromptDiagnostic } from './diagnostic';
import type { PromptDocument } from './document';
import { DATA_VARIABLES, HELPERS, ROLES } from './helpers';
import type { PartialFile, PartialIndex } from './partials';
import { fieldTypeLabel, type SchemaField } from './picoschema';
import { closest } from './suggest';
import type { Expr, HashPair, Tag } from './template';
import type { Span } from './text';

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
}

export interface AnalysisOptions {
  partials?: PartialIndex;
  /** Helper names registered in code (setting `promptWorkbench.template.helpers`). */
  customHelpers?: readonly string[];
}

const memo = new WeakMap<PromptDocument, { key: string; analysis: Analysis }>();

function inputFields(doc: PromptDocument): SchemaField[] {
  const fields = [...doc.input.fields];
  for (const name of Object.keys(doc.defaults)) {
    if (!fields.some((f) => f.name === name)) fields.push({ name, type: typeOfValue(doc.defaults[name]), optional: true, description: 'Declared by its default value in `input.default`.' });
  }
  return fields;
}

function typeOfValue(v: unknown): string {
  if (Array.isArray(v)) return 'array';
  if (v === null) return 'null';
  if (typeof v === 'number') return Number.isInteger(v) ? 'integer' : 'number';
  return typeof v === 'object' ? 'object' : typeof v === 'string' || typeof v === 'boolean' ? typeof v : 'any';
}

/** The declared input fields of a document (from `input.schema`, plus names only in `input.default`). */
export function declaredInputs(doc: PromptDocument): SchemaField[] {
  return inputFields(doc);
}

/** Whether a declaration lets us check names beneath it. */
function checkable(field: SchemaField | undefined): boolean {
  return !!field && field.type === 'object' && !!field.children;
}

function child(field: SchemaField | undefined, name: string): SchemaField | undefined {
  return field?.children?.find((c) => c.name === name);
}

export function itemOf(ctx: Context): Context {
  if (ctx.kind !== 'field') return { kind: 'unknown' };
  if (ctx.field?.type === 'array') return { kind: 'field', path: ctx.path, field: ctx.field.items, item: true };
  return { kind: 'unknown' };
}

export function contextLabel(ctx: Context): string {
  if (ctx.kind === 'root') return 'the prompt input';
  if (ctx.kind === 'unknown') return 'an unknown value';
  const name = ctx.path.join('.');
  return ctx.item ? `an item of \`${name}\`` : `\`${name}\``;
}

export function analyze(doc: PromptDocument, options: AnalysisOptions = {}): Analysis {
  const key = `${options.partials?.generation ?? -1}|${(options.customHelpers ?? []).join(',')}`;
  const hit = memo.get(doc);
  if (hit && hit.key === key) return hit.analysis;
  const analysis = walk(doc, options, new Set([doc.uri]));
  memo.set(doc, { key, analysis });
  return analysis;
}

function walk(doc: PromptDocument, options: AnalysisOptions, visiting: Set<string>): Analysis {
  const fields = inputFields(doc);
  const hasDeclarations = doc.input.style !== 'none' || Object.keys(doc.defaults).length > 0;
  const root: SchemaField = { name: '', type: 'object', optional: false, children: fields };
  const custom = new Set(options.customHelpers ?? []);
  const inlinePartials = new Set(doc.template.tags.filter((t) => t.kind === 'decorator-block-open' && t.params[0]?.kind === 'literal').map((t) => String((t.params[0] as { value: unknown }).value)));
  const a: Analysis = { refs: [], helpers: [], partials: [], framesAt: [], usedInputs: new Set(), usesWholeRoot: false, diagnostics: [] };
  let stack: Frame[] = [{ context: { kind: 'root' }, locals: [], inEach: false, changesContext: false }];

  const resolveContext = (ctx: Context, parts: string[]): Context => {
    if (!parts.length) return ctx;
    if (ctx.kind === 'root') {
      const f = fields.find((x) => x.name === parts[0]);
      let cur: SchemaField | undefined = f;
      for (const p of parts.slice(1)) cur = checkable(cur) ? child(cur, p) : undefined;
      return f ? { kind: 'field', path: parts, field: cur, item: false } : { kind: 'unknown' };
    }
    if (ctx.kind === 'field' && checkable(ctx.field)) {
      let cur: SchemaField | undefined = ctx.field;
      for (const p of parts) cur = checkable(cur) ? child(cur, p) : undefined;
      return { kind: 'field', path: [...ctx.path, ...parts], field: cur, item: false };
    }
    return { kind: 'unknown' };
  };

  /** The frame `depth` context changes above the current one (`../`). */
  const frameAtDepth = (depth: number): Frame => {
    let i = stack.length - 1;
    let remaining = depth;
    while (remaining > 0 && i > 0) {
      if (stack[i].changesContext) remaining--;
      i--;
    }
    return stack[i];
  };

  const currentContext = (): Context => stack[stack.length - 1].context;

  const reportUndefined = (ref: VariableRef, message: string, segment: Span, candidates: string[], name: string, first: boolean) => {
    const near = closest(name, candidates);
    a.diagnostics.push({
      code: 'undefined-variable',
      severity: hasDeclarations ? 'warning' : 'info',
      message: `${message}${near ? ` Did you mean \`${near}\`?` : ''}`,
      span: segment,
      data: { name, replacement: near, root: ref.root, path: ref.path, topLevel: ref.kind === 'input' && first },
    });
  };

  const checkDeclared = (ref: VariableRef, base: Context, parts: string[]) => {
    const expr = ref.expr;
    const text = expr.original;
    if (ref.kind === 'input' || ref.kind === 'field' || (ref.kind === 'local' && parts.length)) {
      let owner: SchemaField | undefined = ref.kind === 'input' ? root : base.kind === 'field' ? base.field : undefined;
      let offset = 0;
      let ok = true;
      for (let i = 0; i < parts.length && ok; i++) {
        const p = parts[i];
        if (!checkable(owner)) {
          owner = undefined;
          break;
        }
        const next = child(owner, p);
        const segStart = text.indexOf(p, offset);
        offset = segStart + p.length;
        if (!next) {
          ok = false;
          const segment = segStart >= 0 ? { start: expr.span.start + segStart, end: expr.span.start + segStart + p.length } : expr.span;
          const where = i === 0 ? contextLabel(base) : `\`${[...(base.kind === 'field' ? base.path : []), ...parts.slice(0, i)].join('.')}\``;
          const hint = i === 0 && ref.kind === 'field' && base.kind === 'field' && base.item && fields.some((f) => f.name === p)
            ? ` Inside \`{{#each}}\` names refer to the item; write \`@root.${p}\` or \`../${p}\` for the input.`
            : '';
          reportUndefined(ref, i === 0 && ref.kind === 'input' ? `\`${p}\` is not declared in input.schema.${hint}` : `\`${p}\` is not a field of ${where}.${hint}`, segment, owner!.children!.map((c) => c.name), p, i === 0);
        }
        owner = next;
      }
      if (ok && owner) {
        ref.declared = true;
        ref.field = owner;
      }
    }
  };

  const pathRef = (expr: Extract<Expr, { kind: 'path' }>, tag: Tag) => {
    const ref: VariableRef = { kind: 'unknown', expr, tag, path: [], declared: false };
    const text = expr.original;
    if (expr.data) {
      const [head, ...rest] = expr.parts;
      if (head === 'root') {
        ref.kind = rest.length ? 'input' : 'this';
        ref.root = rest[0];
        ref.path = rest;
        const at = text.indexOf(rest[0] ?? '\u0000', 1);
        if (rest.length && at > 0) ref.rootSpan = { start: expr.span.start + at, end: expr.span.start + at + rest[0].length };
        if (!rest.length) a.usesWholeRoot = true;
        else checkDeclared(ref, { kind: 'root' }, rest);
      } else {
        ref.kind = 'data';
        ref.path = expr.parts;
        const known = DATA_VARIABLES.find((d) => d.name === head);
        const inEach = stack.some((f) => f.inEach);
        if (!known) {
          a.diagnostics.push({ code: 'unknown-data-variable', severity: 'warning', message: `\`@${head}\` is not a Handlebars data variable. Use ${DATA_VARIABLES.map((d) => `\`@${d.name}\``).join(', ')}.`, span: expr.span });
        } else if (known.eachOnly && !inEach) {
          a.diagnostics.push({ code: 'unknown-data-variable', severity: 'warning', message: `\`@${head}\` only has a value inside \`{{#each}}\`.`, span: expr.span });
        }
      }
    } else {
      const explicitThis = /^(\.\.\/)*(this|\.)(\/|\.|$)/.test(text);
      const frame = expr.depth > 0 ? frameAtDepth(expr.depth) : stack[stack.length - 1];
      const local = !explicitThis && expr.depth === 0 && expr.parts.length ? findLocal(expr.parts[0]) : undefined;
      let base: Context;
      let parts = expr.parts;
      if (local) {
        ref.kind = 'local';
        ref.local = local;
        base = local.context;
        parts = expr.parts.slice(1);
        ref.rootSpan = { start: expr.span.start, end: expr.span.start + expr.parts[0].length };
      } else {
        base = frame.context;
      }
      if (!local && !parts.length) {
        ref.kind = 'this';
        if (base.kind === 'root') a.usesWholeRoot = true;
      } else if (base.kind === 'root') {
        ref.kind = 'input';
        ref.root = parts[0];
        ref.path = parts;
        const at = text.lastIndexOf(parts[0], text.length - parts.slice(1).join('.').length - (parts.length > 1 ? 1 : 0));
        ref.rootSpan = at >= 0 ? { start: expr.span.start + at, end: expr.span.start + at + parts[0].length } : undefined;
      } else if (base.kind === 'field') {
        if (!local) ref.kind = 'field';
        ref.root = base.path[0];
        ref.path = [...base.path, ...parts];
      }
      checkDeclared(ref, base, parts);
    }
    if ((ref.kind === 'input' || ref.kind === 'field') && ref.root) a.usedInputs.add(ref.root);
    if (ref.kind === 'unknown' && expr.parts.length) a.usedInputs.add(expr.parts[0]);
    a.refs.push(ref);
    return ref;
  };

  const findLocal = (name: string): Local | undefined => {
    for (let i = stack.length - 1; i >= 0; i--) {
      const l = stack[i].locals.find((x) => x.name === name);
      if (l) return l;
    }
    return undefined;
  };

  const helperRef = (name: string, span: Span, tag: Tag, isBlock: boolean) => {
    const info = HELPERS.get(name);
    const known = !!info || custom.has(name);
    a.helpers.push({ name, span, builtin: !!info, known, tag });
    if (!known) {
      const near = closest(name, [...HELPERS.keys(), ...custom]);
      a.diagnostics.push({
        code: 'unknown-helper',
        severity: 'warning',
        message: `\`${name}\` is not a Dotprompt or Handlebars helper. Dotprompt renders with known helpers only, so this fails at render time unless the helper is registered in code (list such helpers in the setting promptWorkbench.template.helpers).${near ? ` Did you mean \`${near}\`?` : ''}`,
        span,
        data: { name, replacement: near },
      });
    } else if (info && info.block !== isBlock && !(name === 'lookup' || name === 'log')) {
      a.diagnostics.push({
        code: 'helper-misuse',
        severity: 'warning',
        message: info.block ? `\`${name}\` is a block helper: write \`{{#${name} …}} … {{/${name}}}\`.` : `\`${name}\` is not a block helper: write \`{{${name} …}}\` without \`#\`.`,
        span,
      });
    }
  };

  const visitExpr = (e: Expr, tag: Tag) => {
    if (e.kind === 'path') pathRef(e, tag);
    else if (e.kind === 'subexpression') {
      if (e.path.kind === 'path') helperRef(e.path.original, e.path.span, tag, false);
      e.params.forEach((p) => visitExpr(p, tag));
      e.hash.forEach((h: HashPair) => visitExpr(h.value, tag));
    }
  };

  const tags = doc.template.tags;
  for (let ti = 0; ti < tags.length; ti++) {
    const tag = tags[ti];
    a.framesAt.push(stack);
    if (!tag.closed) {
      // A half-typed `{{name` still counts as a use, so its declaration is not reported unused.
      if (tag.name && /^[\w$-]+/.test(tag.name)) a.usedInputs.add(/^[\w$-]+/.exec(tag.name)![0]);
      continue;
    }
    if (tag.kind === 'comment' || tag.kind === 'raw-block' || tag.kind === 'json-text') continue;
    const head = tag.path;
    switch (tag.kind) {
      case 'mustache':
      case 'unescaped': {
        if (head?.kind !== 'path') break;
        const isHelper = tag.params.length > 0 || tag.hash.length > 0 || (HELPERS.has(head.original) && !head.data && head.depth === 0) || custom.has(head.original);
        if (isHelper) {
          helperRef(head.original, head.span, tag, false);
          if (head.original === 'role') checkRole(tag, a);
          tag.params.forEach((p) => visitExpr(p, tag));
          tag.hash.forEach((h) => visitExpr(h.value, tag));
        } else {
          pathRef(head, tag);
        }
        break;
      }
      case 'block-open':
      case 'inverse-open': {
        if (head?.kind !== 'path') break;
        const name = head.original;
        const frame: Frame = { context: currentContext(), locals: [], inEach: stack[stack.length - 1].inEach, changesContext: false, blockTag: tag };
        if (tag.kind === 'block-open' && (HELPERS.has(name) || custom.has(name))) {
          helperRef(name, head.span, tag, true);
          const target = tag.params[0];
          const targetRef = target?.kind === 'path' ? pathRef(target, tag) : undefined;
          tag.params.slice(targetRef ? 1 : 0).forEach((p) => visitExpr(p, tag));
          tag.hash.forEach((h) => visitExpr(h.value, tag));
          const targetCtx = targetRef ? contextOfRef(targetRef, resolveContext) : { kind: 'unknown' as const };
          if (name === 'each') {
            if (targetRef?.declared && targetRef.field && ['string', 'number', 'integer', 'boolean', 'null', 'enum'].includes(targetRef.field.type)) {
              a.diagnostics.push({ code: 'each-not-array', severity: 'warning', message: `\`{{#each}}\` over \`${targetRef.expr.original}\`, which input.schema declares as \`${fieldTypeLabel(targetRef.field)}\`, not a list. Declare it as \`${targetRef.expr.original}(array): …\`, or use \`{{#if}}\` / \`{{#with}}\`.`, span: target!.span });
            }
            frame.context = itemOf(targetCtx);
            frame.inEach = true;
            frame.changesContext = true;
            const [itemName, indexName] = tag.blockParams ?? [];
            if (itemName) frame.locals.push({ name: itemName, context: frame.context, span: blockParamSpan(doc, tag, itemName), description: `item of \`${target?.kind === 'path' ? target.original : 'the list'}\`` });
            if (indexName) frame.locals.push({ name: indexName, context: { kind: 'unknown' }, span: blockParamSpan(doc, tag, indexName), description: 'index (or key) of the current item' });
          } else if (name === 'with') {
            frame.context = targetCtx;
            frame.changesContext = true;
            const [alias] = tag.blockParams ?? [];
            if (alias) frame.locals.push({ name: alias, context: targetCtx, span: blockParamSpan(doc, tag, alias), description: `\`${target?.kind === 'path' ? target.original : 'the value'}\`` });
          } else if (!HELPERS.has(name)) {
            frame.context = { kind: 'unknown' };
            frame.changesContext = true;
          }
        } else {
          // A section block over a variable (`{{#items}}` / `{{^items}}`).
          const ref = pathRef(head, tag);
          if (tag.kind === 'block-open') {
            frame.context = ref.field?.type === 'array' ? itemOf(contextOfRef(ref, resolveContext)) : contextOfRef(ref, resolveContext);
            frame.changesContext = true;
          }
        }
        stack = [...stack, frame];
        break;
      }
      case 'else': {
        if (stack.length > 1) {
          const top = stack[stack.length - 1];
          const parent = stack[stack.length - 2];
          // `{{else}}` of `each`/`with` renders in the outer context; `{{else if x}}` keeps checking names.
          stack = [...stack.slice(0, -1), { ...top, context: parent.context, locals: [], inEach: parent.inEach, changesContext: false }];
        }
        if (tag.name && tag.name !== 'else') {
          const chained = tag.path;
          if (chained?.kind === 'path') helperRef(chained.original, chained.span, tag, true);
          tag.params.forEach((p) => visitExpr(p, tag));
          tag.hash.forEach((h) => visitExpr(h.value, tag));
        }
        break;
      }
      case 'block-close': {
        const idx = findLastIndex(stack, (f) => blockName(f.blockTag) === tag.name);
        if (idx > 0) stack = stack.slice(0, idx);
        break;
      }
      case 'partial':
      case 'partial-block-open': {
        if (head) {
          const name = head.kind === 'path' ? head.original : head.kind === 'literal' ? String(head.value) : '';
          const ref: PartialRef = { name, span: head.span, tag };
          a.partials.push(ref);
          if (head.kind === 'path' || head.kind === 'literal') checkPartial(doc, ref, options, inlinePartials, visiting, a);
        }
        tag.params.forEach((p) => {
          if (p.kind === 'path' && !p.parts.length && currentContext().kind === 'root') a.usesWholeRoot = true;
          visitExpr(p, tag);
        });
        tag.hash.forEach((h) => visitExpr(h.value, tag));
        if (tag.kind === 'partial-block-open') stack = [...stack, { context: currentContext(), locals: [], inEach: stack[stack.length - 1].inEach, changesContext: false, blockTag: tag }];
        break;
      }
      case 'decorator-block-open':
        stack = [...stack, { context: currentContext(), locals: [], inEach: stack[stack.length - 1].inEach, changesContext: false, blockTag: tag }];
        break;
      default:
        break;
    }
  }

  // Inputs used by the partials this prompt includes count as used.
  for (const p of a.partials) {
    if (!p.file || !options.partials || visiting.has(p.file.uri)) continue;
    const sub = walk(options.partials.document(p.file), options, new Set([...visiting, p.file.uri]));
    for (const name of sub.usedInputs) a.usedInputs.add(name);
    if (sub.usesWholeRoot) a.usesWholeRoot = true;
  }

  if (!a.usesWholeRoot && doc.notice === undefined) {
    for (const f of doc.input.fields) {
      if (a.usedInputs.has(f.name) || !f.keySpan) continue;
      a.diagnostics.push({
        code: 'unused-variable',
        severity: 'warning',
        message: `\`${f.name}\` is declared in input.schema but never used in the template${a.partials.length ? ' or its partials' : ''}.`,
        span: f.keySpan,
        unnecessary: true,
        data: { name: f.name },
      });
    }
  }
  return a;
}

function contextOfRef(ref: VariableRef, resolve: (ctx: Context, parts: string[]) => Context): Context {
  if (ref.kind === 'input' && ref.root) return resolve({ kind: 'root' }, ref.path);
  if ((ref.kind === 'field' || ref.kind === 'local') && ref.root) return { kind: 'field', path: ref.path, field: ref.field, item: false };
  if (ref.kind === 'local' && ref.local) return ref.local.context;
  return { kind: 'unknown' };
}

function blockName(tag: Tag | undefined): string | undefined {
  if (!tag) return undefined;
  return tag.kind === 'decorator-block-open' ? tag.name?.replace(/^\*/, '') : tag.name;
}

function findLastIndex<T>(list: T[], pred: (x: T) => boolean): number {
  for (let i = list.length - 1; i >= 0; i--) if (pred(list[i])) return i;
  return -1;
}

function blockParamSpan(doc: PromptDocument, tag: Tag, name: string): Span {
  const text = doc.text.slice(tag.span.start, tag.span.end);
  const bar = text.lastIndexOf('|', text.lastIndexOf('|') - 1);
  const at = new RegExp(`\\b${name.replace(/[$]/g, '\\$&')}\\b`).exec(text.slice(Math.max(0, bar)));
  const start = tag.span.start + Math.max(0, bar) + (at?.index ?? 0);
  return at ? { start, end: start + name.length } : tag.span;
}

function checkRole(tag: Tag, a: Analysis): void {
  const p = tag.params[0];
  if (!p) {
    a.diagnostics.push({ code: 'unknown-role', severity: 'error', message: '`{{role}}` needs a role: `{{role "system"}}`, `"user"`, `"model"` or `"tool"`.', span: tag.span });
    return;
  }
  if (p.kind !== 'literal' || typeof p.value !== 'string') return;
  if ((ROLES as readonly string[]).includes(p.value)) return;
  const near = p.value === 'assistant' || p.value === 'ai' || p.value === 'bot' ? 'model' : closest(p.value, ROLES);
  a.diagnostics.push({
    code: 'unknown-role',
    severity: 'error',
    message: `\`${p.value}\` is not a Dotprompt role. Use ${ROLES.map((r) => `"${r}"`).join(', ')}.${near ? ` Did you mean "${near}"?${p.value === 'assistant' ? ' (Dotprompt calls the assistant "model".)' : ''}` : ''}`,
    span: { start: p.span.start + 1, end: p.span.end - 1 },
    data: { replacement: near },
  });
}

function checkPartial(doc: PromptDocument, ref: PartialRef, options: AnalysisOptions, inline: Set<string>, visiting: Set<string>, a: Analysis): void {
  if (inline.has(ref.name)) return;
  const index = options.partials;
  if (!index) return;
  const file = index.resolve(ref.name, doc.uri);
  if (!file) {
    const near = closest(ref.name, index.names());
    a.diagnostics.push({
      code: 'missing-partial',
      severity: 'error',
      message: `No partial \`${ref.name}\`: Dotprompt looks for a file \`_${ref.name}.prompt\`.${near ? ` Did you mean \`${near}\`?` : ' Create it, or fix the name.'}`,
      span: ref.span,
      data: { name: ref.name, replacement: near },
    });
    return;
  }
  ref.file = file;
  const cycle = findCycle(file, index, [...visiting]);
  if (cycle) {
    a.diagnostics.push({
      code: 'circular-partial',
      severity: 'error',
      message: `Circular partials: ${cycle.map((n) => `\`${n}\``).join(' → ')}. Rendering would never end.`,
      span: ref.span,
    });
  }
}

/** A chain of partial names that leads back to a file already on the path, if there is one. */
function findCycle(file: PartialFile, index: PartialIndex, path: string[], names: string[] = []): string[] | undefined {
  const chain = [...names, file.name];
  if (path.includes(file.uri)) return chain;
  if (chain.length > 32) return chain;
  const doc = index.document(file);
  for (const tag of doc.template.tags) {
    if ((tag.kind !== 'partial' && tag.kind !== 'partial-block-open') || !tag.path) continue;
    const name = tag.path.kind === 'path' ? tag.path.original : tag.path.kind === 'literal' ? String(tag.path.value) : undefined;
    const next = name ? index.resolve(name, file.uri) : undefined;
    if (!next) continue;
    const found = findCycle(next, index, [...path, file.uri], chain);
    if (found) return found;
  }
  return undefined;
}
