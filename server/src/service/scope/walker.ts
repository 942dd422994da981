// Resolves every name in a template: one pass over the tags with an explicit stack of frames, so
// nesting depth never grows the JS stack. It judges nothing; what the checks need goes into `sites`.
import type { PromptDocument } from '../document';
import { HELPERS } from '../helpers';
import type { SchemaField } from '../picoschema';
import type { AnalysisOptions, Context, Frame, HelperRef, Local, PartialRef, VariableRef } from '../scope';
import { MAX_BLOCK_DEPTH, type Expr, type Tag } from '../template';
import { indexStartingAt, type Span } from '../text';
import { LastVersions } from '../lastVersions';
import { runSteps, type Steps } from '../slice';
import { textChange } from '../diff';
import { checkable, child, inputFields, itemOf, type ScopeModel, type Site } from './model';

type PathExpr = Extract<Expr, { kind: 'path' }>;

/** What the first argument of a block helper turned out to be. */
interface BlockTarget {
  expr?: Expr;
  ref?: VariableRef;
  context: Context;
}

/**
 * The model of a prompt, with the names its partials use (at any depth) counted as used here.
 * Each reachable partial is walked once: the set of files reachable without revisiting one is the
 * same whichever path reaches them, and a diamond of includes would otherwise be walked per path.
 */
export function resolveScope(doc: PromptDocument, options: AnalysisOptions): ScopeModel {
  return runSteps(resolveScopeSteps(doc, options));
}

/** `resolveScope` as steps: a sliced run pauses inside the walk (every `WALK_STEP` tags) and between partials. */
export function* resolveScopeSteps(doc: PromptDocument, options: AnalysisOptions): Steps<ScopeModel> {
  const model = yield* new ScopeWalker(doc, options).steps();
  const index = options.partials;
  if (!index) return model;
  const seen = new Set([doc.uri]);
  const pending: PartialRef[][] = [model.partials];
  while (pending.length) {
    for (const p of pending.pop()!) {
      if (!p.file || seen.has(p.file.uri)) continue;
      seen.add(p.file.uri);
      yield 'analysis: walk';
      const sub = walkTemplate(index.document(p.file), options);
      for (const name of sub.usedInputs) model.usedInputs.add(name);
      if (sub.usesWholeRoot) model.usesWholeRoot = true;
      pending.push(sub.partials);
    }
  }
  return model;
}

/** The model of one document's template, partials not followed. */
export function walkTemplate(doc: PromptDocument, options: AnalysisOptions): ScopeModel {
  return new ScopeWalker(doc, options).run();
}

/** Tags walked between two pause points of a sliced run. */
const WALK_STEP = 256;

/** A point of a walk between two top-level tags, where the walker holds nothing but what it has collected. */
interface Checkpoint {
  /** The index of the next tag. */
  tag: number;
  refs: number;
  helpers: number;
  partials: number;
  sites: number;
  /** The last tag whose visit used the whole root context (`usesWholeRoot`), or -1. */
  lastWholeRoot: number;
}

/** The last walk of a document: what the next version's walk may start from. */
interface WalkRecord {
  /** The document's text (tag spans are offsets into it). */
  text: string;
  tags: readonly Tag[];
  input: PromptDocument['input'];
  defaults: PromptDocument['defaults'];
  partials?: AnalysisOptions['partials'];
  generation: number;
  /** The named schemas the inputs were resolved with, and their generation. */
  schemas?: AnalysisOptions['schemas'];
  schemasGeneration: number;
  custom: string;
  inline: string;
  root: SchemaField;
  fields: SchemaField[];
  rootStack: Frame[];
  refs: VariableRef[];
  helpers: ScopeModel['helpers'];
  partialRefs: PartialRef[];
  sites: Site[];
  framesAt: Frame[][];
  checkpoints: Checkpoint[];
  lastWholeRoot: number;
}


/** The last walk of each of the 32 documents walked last. */
const walks = new LastVersions<WalkRecord>(32);

/** Forgets the walks remembered for a document (closed), or all of them. */
export function forgetWalks(uri?: string): void {
  walks.forget(uri);
}

/** What the last walk of a document found, with its declarations and the checks' sites (for tests: read, never change). */
export function lastWalk(uri: string): Readonly<Pick<WalkRecord, 'root' | 'fields' | 'refs' | 'helpers' | 'partialRefs' | 'sites' | 'framesAt'>> | undefined {
  return walks.get(uri);
}

/** Five times the depth the template scan accepts without an error, so any valid template is followed in full. */
const MAX_SCOPE_DEPTH = 5 * MAX_BLOCK_DEPTH;

export class ScopeWalker {
  private readonly model: ScopeModel;
  private root: SchemaField;
  private readonly custom: Set<string>;
  private readonly inlinePartials: Set<string>;
  /** Snapshots are never mutated: `framesAt` keeps them, and tags with the same frames share one. */
  private stack: Frame[] = [{ context: { kind: 'root' }, locals: [], inEach: false, changesContext: false }];
  /** `below[i]` is the snapshot taken just before frame `i` was pushed, so closing a block copies nothing. */
  private below: Frame[][] = [[]];
  /**
   * Blocks opened beyond MAX_SCOPE_DEPTH get no frame of their own (the template scan has already
   * reported them as too deep): each push copies the stack, so following them all would make the
   * walk quadratic in depth. Their closes are counted off here.
   */
  private unframed = 0;
  /** The index of the tag being visited, and the last one whose visit used the whole root context. */
  private at = 0;
  private lastWholeRoot = -1;

  constructor(private readonly doc: PromptDocument, private readonly options: AnalysisOptions) {
    const fields = inputFields(doc, options.schemas);
    this.root = { name: '', type: 'object', optional: false, children: fields, ...(doc.input.additional ? { additional: doc.input.additional } : {}) };
    this.custom = new Set(options.customHelpers ?? []);
    this.inlinePartials = new Set(doc.template.tags.filter((t) => t.kind === 'decorator-block-open' && t.params[0]?.kind === 'literal').map((t) => String((t.params[0] as { value: unknown }).value)));
    this.model = { refs: [], helpers: [], partials: [], framesAt: [], usedInputs: new Set(), usesWholeRoot: false, fields, sites: [] };
  }

  /**
   * Walks the tags. The walk of the document's previous version is taken up to its last top-level
   * point before the first tag that is not the same object (tags before an edit are reused by the
   * parse), when the inputs, the partials and the helpers are the same: the state there is the
   * initial one plus what was collected, so the walk goes on from that tag as if it had made it.
   */
  run(): ScopeModel {
    return runSteps(this.steps());
  }

  /** `run` as steps: a pause point every `WALK_STEP` tags. The walk is remembered only once it is complete. */
  *steps(): Steps<ScopeModel> {
    const tags = this.doc.template.tags;
    const record = this.startRecord();
    const previous = walks.get(this.doc.uri);
    let from = 0;
    let tail: Tail | undefined;
    let fields: FieldMap | undefined;
    if (previous && this.sameSetting(previous, record)) {
      if (previous.input === record.input && previous.defaults === record.defaults) {
        this.adopt(previous, record);
        from = yield* this.resume(previous, record);
        tail = this.tailOf(previous, from);
      } else if ((fields = sameShape(previous.root, this.root))) {
        // A frontmatter edit that changed no declaration the walk reads (a description, a key
        // moved, a key outside `input`): the previous walk is taken over from the first tag, its
        // references and contexts pointed at this version's declarations (hover and definition
        // read their descriptions and places). Nothing before the edit is kept as it was: every
        // result holding a declaration is built again.
        this.stack = previous.rootStack;
        record.rootStack = previous.rootStack;
        tail = this.tailOf(previous, 0);
        if (!tail) fields = undefined;
      }
    }
    for (let i = from; i < tags.length; i++) {
      if (this.stack === record.rootStack && this.unframed === 0) {
        if (tail && i >= tail.first) {
          const cp = checkpointAt(previous!.checkpoints, i - tail.shift);
          if (cp >= 0) {
            yield* this.takeOver(previous!, record, tail, i, cp, fields);
            break;
          }
        }
        this.checkpoint(record, i);
      }
      this.at = i;
      this.visit(tags[i]);
      if ((i - from) % WALK_STEP === WALK_STEP - 1) yield 'analysis: walk';
    }
    record.lastWholeRoot = this.lastWholeRoot;
    record.refs = this.model.refs;
    record.helpers = this.model.helpers;
    record.partialRefs = this.model.partials;
    record.sites = this.model.sites;
    record.framesAt = this.model.framesAt;
    walks.keep(this.doc.uri, record);
    return this.model;
  }

  private startRecord(): WalkRecord {
    const o = this.options;
    return {
      tags: this.doc.template.tags,
      input: this.doc.input,
      defaults: this.doc.defaults,
      partials: o.partials,
      generation: o.partials?.generation ?? -1,
      schemas: o.schemas,
      schemasGeneration: o.schemas?.generation ?? -1,
      custom: [...this.custom].join('\u0000'),
      inline: [...this.inlinePartials].sort().join('\u0000'),
      text: this.doc.text,
      root: this.root,
      fields: this.model.fields,
      rootStack: this.stack,
      refs: [],
      helpers: [],
      partialRefs: [],
      sites: [],
      framesAt: [],
      checkpoints: [],
      lastWholeRoot: -1,
    };
  }

  /** Whether the walk may start from the previous one: the same partials, named schemas and helpers (the inputs are compared by the caller). */
  private sameSetting(a: WalkRecord, b: WalkRecord): boolean {
    return a.partials === b.partials && a.generation === b.generation && a.schemas === b.schemas && a.schemasGeneration === b.schemasGeneration && a.custom === b.custom && a.inline === b.inline;
  }

  private checkpoint(record: WalkRecord, tag: number): void {
    const m = this.model;
    record.checkpoints.push({ tag, refs: m.refs.length, helpers: m.helpers.length, partials: m.partials.length, sites: m.sites.length, lastWholeRoot: this.lastWholeRoot });
  }

  /** Takes what the previous walk collected before its last checkpoint ahead of the first changed tag; returns the tag to go on from. */
  private *resume(previous: WalkRecord, record: WalkRecord): Steps<number> {
    const tags = this.doc.template.tags;
    let same = 0;
    const n = Math.min(tags.length, previous.tags.length);
    while (same < n && tags[same] === previous.tags[same]) same++;
    const points = previous.checkpoints;
    let lo = 0;
    let hi = points.length - 1;
    let at = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (points[mid].tag <= same) {
        at = mid;
        lo = mid + 1;
      } else hi = mid - 1;
    }
    if (at <= 0) return 0;
    const cp = points[at];
    record.checkpoints = points.slice(0, at + 1);
    const m = this.model;
    m.refs = previous.refs.slice(0, cp.refs);
    m.helpers = previous.helpers.slice(0, cp.helpers);
    m.partials = previous.partialRefs.slice(0, cp.partials);
    m.sites = previous.sites.slice(0, cp.sites);
    m.framesAt = previous.framesAt.slice(0, cp.tag);
    m.usesWholeRoot = cp.lastWholeRoot >= 0;
    this.lastWholeRoot = cp.lastWholeRoot;
    // The names used, in the order the walk adds them: unclosed tags and references, tag by tag.
    let r = 0;
    for (let i = 0; i < cp.tag; i++) {
      const tag = tags[i];
      if (!tag.closed) this.unclosed(tag);
      for (; r < m.refs.length && m.refs[r].tag === tag; r++) this.usedBy(m.refs[r]);
      if (i % (4 * WALK_STEP) === 4 * WALK_STEP - 1) yield 'analysis: walk';
    }
    // The checkpoint is taken again when the walk goes on from it.
    record.checkpoints.pop();
    return cp.tag;
  }

  /**
   * The previous walk's declarations and root frame (the same settings give equal ones), so the
   * references and frames taken over point where new ones would.
   */
  private adopt(previous: WalkRecord, record: WalkRecord): void {
    this.root = previous.root;
    this.model.fields = previous.fields;
    this.stack = previous.rootStack;
    record.root = previous.root;
    record.fields = previous.fields;
    record.rootStack = previous.rootStack;
  }

  /**
   * The tags after the edit that are the previous version's moved: from `first` on, each tag lies
   * in the text the edit left unchanged after it and has a tag of the previous version `shift`
   * places earlier with the same text (moved by the edit's length), so its walk would give the
   * same results moved. Undefined when there is no such run of tags up to the end.
   */
  private tailOf(previous: WalkRecord, from: number): Tail | undefined {
    const tags = this.doc.template.tags;
    const old = previous.tags;
    const text = this.doc.text;
    if (!tags.length || previous.text === text) return undefined;
    const { suffix, delta } = textChange(previous.text, text);
    const suffixFrom = text.length - suffix;
    const shift = tags.length - old.length;
    // The first tag wholly in the unchanged end, by a binary search (tags are sorted, apart).
    let lo = from;
    let hi = tags.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (tags[mid].span.start < suffixFrom) lo = mid + 1;
      else hi = mid;
    }
    const first = lo;
    if (first >= tags.length || first - shift < 0) return undefined;
    for (let i = first; i < tags.length; i++) {
      const t = tags[i];
      const o = old[i - shift];
      if (o.span.start + delta !== t.span.start || o.span.end + delta !== t.span.end || o.kind !== t.kind || o.closed !== t.closed || o.name !== t.name) return undefined;
    }
    return { first, shift, delta };
  }

  /**
   * Ends the walk at tag `i`, a top-level point where the previous walk had checkpoint `cp` at the
   * same tag (moved): the walk from there would give what the previous one gave from there, so
   * its references, sites and frames are taken, moved onto this version's tags.
   */
  private *takeOver(previous: WalkRecord, record: WalkRecord, tail: Tail, i: number, c: number, fields?: FieldMap): Steps<void> {
    const tags = this.doc.template.tags;
    const old = previous.tags;
    const { shift, delta } = tail;
    const cp = previous.checkpoints[c];
    const m = this.model;
    const base = { refs: m.refs.length, helpers: m.helpers.length, partials: m.partials.length, sites: m.sites.length };
    this.checkpoint(record, i);
    for (let k = c + 1; k < previous.checkpoints.length; k++) {
      const p = previous.checkpoints[k];
      record.checkpoints.push({
        tag: p.tag + shift,
        refs: p.refs - cp.refs + base.refs,
        helpers: p.helpers - cp.helpers + base.helpers,
        partials: p.partials - cp.partials + base.partials,
        sites: p.sites - cp.sites + base.sites,
        lastWholeRoot: p.lastWholeRoot >= cp.tag ? p.lastWholeRoot + shift : this.lastWholeRoot,
      });
    }
    if (previous.lastWholeRoot >= cp.tag) {
      this.lastWholeRoot = previous.lastWholeRoot + shift;
      m.usesWholeRoot = true;
    }
    const move = new Mover(old, tags, shift, delta, fields);
    // Frames (a snapshot's frames below the top are those of an earlier snapshot, the root's kept).
    const rootFrames = new Set<Frame>(previous.rootStack);
    const frames = new Map<Frame, Frame>();
    const snapshots = new Map<Frame[], Frame[]>([[previous.rootStack, record.rootStack]]);
    const moveFrame = (f: Frame): Frame => {
      if (rootFrames.has(f)) return f;
      let out = frames.get(f);
      if (!out) {
        out = { context: move.context(f.context), locals: f.locals.length ? f.locals.map((l) => move.local(l)) : f.locals, inEach: f.inEach, changesContext: f.changesContext };
        if (f.blockTag) out.blockTag = move.tag(f.blockTag);
        frames.set(f, out);
      }
      return out;
    };
    const pf = previous.framesAt;
    // Neighbouring tags mostly share a snapshot (the root's, or a block's).
    let lastIn: Frame[] | undefined;
    let lastOut: Frame[] = record.rootStack;
    for (let t = cp.tag; t < pf.length; t++) {
      const s = pf[t];
      if (s !== lastIn) {
        let out = s === previous.rootStack ? record.rootStack : snapshots.get(s);
        if (!out) {
          out = s.map(moveFrame);
          snapshots.set(s, out);
        }
        lastIn = s;
        lastOut = out;
      }
      m.framesAt.push(lastOut);
      if ((t - cp.tag) % (4 * WALK_STEP) === 4 * WALK_STEP - 1) yield 'analysis: walk';
    }
    const pr = previous.refs;
    move.rewind(cp.tag);
    for (let r = cp.refs; r < pr.length; r++) m.refs.push(move.ref(pr[r]));
    move.rewind(cp.tag);
    for (let h = cp.helpers; h < previous.helpers.length; h++) {
      const o = previous.helpers[h];
      m.helpers.push({ name: o.name, span: move.span(o.span), builtin: o.builtin, known: o.known, tag: move.tag(o.tag) });
    }
    move.rewind(cp.tag);
    for (let p = cp.partials; p < previous.partialRefs.length; p++) {
      const o = previous.partialRefs[p];
      const ref: PartialRef = { name: o.name, span: move.span(o.span), tag: move.tag(o.tag) };
      if (o.file) ref.file = o.file;
      m.partials.push(ref);
    }
    // A site's reference by its place in the lists (sites come in the order of their references,
    // but for an `{{#each}}`'s list, met before the block's other arguments): a search from the last one found.
    let rc = cp.refs;
    const refs = (o: VariableRef): VariableRef => {
      let at = pr.indexOf(o, Math.max(cp.refs, rc - 16));
      if (at < 0) at = pr.indexOf(o, cp.refs);
      rc = at;
      return m.refs[at - cp.refs + base.refs];
    };
    // Helper and partial sites are added with their references, so in the same order.
    let hc = cp.helpers;
    const helpers = (o: HelperRef): HelperRef => {
      while (hc < previous.helpers.length && previous.helpers[hc] !== o) hc++;
      return m.helpers[hc - cp.helpers + base.helpers];
    };
    let pc = cp.partials;
    const partials = (o: PartialRef): PartialRef => {
      while (pc < previous.partialRefs.length && previous.partialRefs[pc] !== o) pc++;
      return m.partials[pc - cp.partials + base.partials];
    };
    move.rewind(cp.tag);
    for (let k = cp.sites; k < previous.sites.length; k++) {
      const s = previous.sites[k];
      switch (s.kind) {
        case 'unresolved':
          m.sites.push({ kind: 'unresolved', ref: refs(s.ref), base: move.context(s.base), parts: s.parts, at: s.at, owner: move.field(s.owner) });
          break;
        case 'data':
          m.sites.push({ kind: 'data', ref: refs(s.ref), inEach: s.inEach });
          break;
        case 'helper':
          m.sites.push({ kind: 'helper', ref: helpers(s.ref), block: s.block });
          break;
        case 'role':
          m.sites.push(s.inEach === undefined ? { kind: 'role', tag: move.tag(s.tag) } : { kind: 'role', tag: move.tag(s.tag), inEach: s.inEach });
          break;
        case 'shadow':
          m.sites.push({ kind: 'shadow', tag: move.tag(s.tag), head: move.expr(s.tag, s.head) as PathExpr, field: move.field(s.field), context: move.context(s.context) });
          break;
        case 'each':
          m.sites.push({ kind: 'each', ref: refs(s.ref), span: move.span(s.span) });
          break;
        case 'partial':
          m.sites.push({ kind: 'partial', ref: partials(s.ref), inline: s.inline });
          break;
      }
    }
    // The names used, in the order the walk adds them.
    let r = base.refs;
    for (let t = i; t < tags.length; t++) {
      const tag = tags[t];
      if (!tag.closed) this.unclosed(tag);
      for (; r < m.refs.length && m.refs[r].tag === tag; r++) this.usedBy(m.refs[r]);
    }
    m.moved = { previous: pr, from: cp.refs, to: base.refs, delta };
  }

  private wholeRoot(): void {
    this.model.usesWholeRoot = true;
    this.lastWholeRoot = this.at;
  }

  private visit(tag: Tag): void {
    this.model.framesAt.push(this.stack);
    if (!tag.closed) return this.unclosed(tag);
    switch (tag.kind) {
      case 'mustache':
      case 'unescaped':
        return this.mustache(tag);
      case 'block-open':
      case 'inverse-open':
        return this.blockOpen(tag);
      case 'else':
        return this.elseTag(tag);
      case 'block-close':
        return this.blockClose(tag);
      case 'partial':
      case 'partial-block-open':
        return this.partial(tag);
      case 'decorator-block-open':
        return this.push(this.innerFrame(tag));
      default:
        // Comments, raw blocks, literal JSON and decorators name nothing.
        return;
    }
  }

  /** A half-typed `{{name` still counts as a use, so its declaration is not reported unused. */
  private unclosed(tag: Tag): void {
    const name = tag.name ? /^[\w$-]+/.exec(tag.name) : null;
    if (name) this.model.usedInputs.add(name[0]);
  }

  private mustache(tag: Tag): void {
    const head = tag.path;
    if (head?.kind !== 'path') return;
    const bare = tag.params.length === 0 && tag.hash.length === 0;
    // A block parameter wins over a helper of the same name (Handlebars' compiler looks it up first).
    const blockParam = bare && head.depth === 0 && !head.data && head.parts.length === 1 && !!this.findLocal(head.parts[0]);
    const isHelper = !blockParam && (!bare || (HELPERS.has(head.original) && !head.data && head.depth === 0) || this.custom.has(head.original));
    if (isHelper) this.helperCall(tag, head);
    else this.pathRef(head, tag);
  }

  /** `{{helper args}}`, including the Dotprompt markers `{{role}}`, `{{history}}` and `{{section}}`. */
  private helperCall(tag: Tag, head: PathExpr): void {
    this.helperRef(head.original, head.span, tag, false);
    const shadowed = this.shadowedField(tag, head);
    if (shadowed) this.site({ kind: 'shadow', tag, head, field: shadowed.field, context: shadowed.context });
    else if (head.original === 'role') this.site({ kind: 'role', tag, inEach: this.stack.some((f) => f.inEach) });
    this.args(tag, tag.params);
  }

  /**
   * `{{name}}` without arguments where `name` is both a helper and a field of the current context
   * (`{{role}}` in `{{#each turns}}` over items with a `role`): Handlebars calls the helper.
   */
  private shadowedField(tag: Tag, head: PathExpr): { field: SchemaField; context: Context } | undefined {
    if (tag.params.length || tag.hash.length || head.data || head.depth || head.parts.length !== 1 || /^(this|\.)/.test(head.original)) return undefined;
    const context = this.stack[this.stack.length - 1].context;
    const fields = context.kind === 'root' ? this.root.children : context.kind === 'field' && context.field?.type === 'object' ? context.field.children : undefined;
    const field = fields?.find((f) => f.name === head.parts[0]);
    return field ? { field, context } : undefined;
  }

  private blockOpen(tag: Tag): void {
    const head = tag.path;
    if (head?.kind !== 'path') return;
    const name = head.original;
    let frame: Frame;
    if (tag.kind === 'block-open' && (HELPERS.has(name) || this.custom.has(name))) {
      const target = this.blockHelperArgs(tag, head);
      if (name === 'each') frame = this.eachBlock(tag, target);
      else if (name === 'with') frame = this.withBlock(tag, target);
      else if (HELPERS.has(name)) frame = this.conditionalBlock(tag);
      else frame = this.customBlock(tag);
    } else {
      frame = this.sectionBlock(tag, head);
    }
    this.push(frame);
  }

  /** The helper, its first argument as the block's target, then the other arguments. */
  private blockHelperArgs(tag: Tag, head: PathExpr): BlockTarget {
    this.helperRef(head.original, head.span, tag, true);
    const expr = tag.params[0];
    const ref = expr?.kind === 'path' ? this.pathRef(expr, tag) : undefined;
    this.args(tag, ref ? tag.params.slice(1) : tag.params);
    return { expr, ref, context: ref ? this.contextOfRef(ref) : { kind: 'unknown' } };
  }

  private eachBlock(tag: Tag, target: BlockTarget): Frame {
    if (target.ref) this.site({ kind: 'each', ref: target.ref, span: target.expr!.span });
    const frame = this.innerFrame(tag);
    frame.context = itemOf(target.context);
    frame.inEach = true;
    frame.changesContext = true;
    const [itemName, indexName] = tag.blockParams ?? [];
    if (itemName) frame.locals.push({ name: itemName, context: frame.context, span: this.blockParamSpan(tag, itemName), description: `item of \`${target.expr?.kind === 'path' ? target.expr.original : 'the list'}\`` });
    if (indexName) frame.locals.push({ name: indexName, context: { kind: 'unknown' }, span: this.blockParamSpan(tag, indexName), description: 'index (or key) of the current item' });
    return frame;
  }

  private withBlock(tag: Tag, target: BlockTarget): Frame {
    const frame = this.innerFrame(tag);
    frame.context = target.context;
    frame.changesContext = true;
    const [alias] = tag.blockParams ?? [];
    if (alias) frame.locals.push({ name: alias, context: target.context, span: this.blockParamSpan(tag, alias), description: `\`${target.expr?.kind === 'path' ? target.expr.original : 'the value'}\`` });
    return frame;
  }

  /** `{{#if}}`, `{{#unless}}`, `{{#ifEquals}}` and the like render their body in the same context. */
  private conditionalBlock(tag: Tag): Frame {
    return this.innerFrame(tag);
  }

  /** A helper registered in code may set any context, so names inside are not checked. */
  private customBlock(tag: Tag): Frame {
    const frame = this.innerFrame(tag);
    frame.context = { kind: 'unknown' };
    frame.changesContext = true;
    return frame;
  }

  /** A section block over a variable: `{{#items}}` renders per item (or in the value), `{{^items}}` in place. */
  private sectionBlock(tag: Tag, head: PathExpr): Frame {
    const ref = this.pathRef(head, tag);
    const frame = this.innerFrame(tag);
    if (tag.kind === 'block-open') {
      frame.context = ref.field?.type === 'array' ? itemOf(this.contextOfRef(ref)) : this.contextOfRef(ref);
      frame.changesContext = true;
    }
    return frame;
  }

  private elseTag(tag: Tag): void {
    const stack = this.stack;
    if (stack.length > 1) {
      const top = stack[stack.length - 1];
      const parent = stack[stack.length - 2];
      // `{{else}}` of `each`/`with` renders in the outer context; `{{else if x}}` keeps checking names.
      this.stack = [...stack.slice(0, -1), { ...top, context: parent.context, locals: [], inEach: parent.inEach, changesContext: false }];
    }
    if (tag.name && tag.name !== 'else') {
      const chained = tag.path;
      if (chained?.kind === 'path') this.helperRef(chained.original, chained.span, tag, true);
      this.args(tag, tag.params);
    }
  }

  private blockClose(tag: Tag): void {
    if (this.unframed > 0) {
      this.unframed--;
      return;
    }
    const stack = this.stack;
    let idx = stack.length - 1;
    while (idx >= 0 && blockName(stack[idx].blockTag) !== tag.name) idx--;
    if (idx > 0) {
      this.stack = this.below[idx];
      this.below.length = idx;
    }
  }

  private partial(tag: Tag): void {
    const head = tag.path;
    if (head) {
      const name = head.kind === 'path' ? head.original : head.kind === 'literal' ? String(head.value) : '';
      const ref: PartialRef = { name, span: head.span, tag };
      this.model.partials.push(ref);
      if (head.kind === 'path' || head.kind === 'literal') this.resolvePartial(ref);
    }
    for (const p of tag.params) {
      if (p.kind === 'path' && !p.parts.length && this.currentContext().kind === 'root') this.wholeRoot();
      this.expr(p, tag);
    }
    for (const h of tag.hash) this.expr(h.value, tag);
    if (tag.kind === 'partial-block-open') this.push(this.innerFrame(tag));
  }

  private resolvePartial(ref: PartialRef): void {
    const inline = this.inlinePartials.has(ref.name);
    const index = this.options.partials;
    if (!inline && index) {
      const file = index.resolve(ref.name, this.doc.uri);
      if (file) ref.file = file;
    }
    this.site({ kind: 'partial', ref, inline });
  }

  /** A frame that inherits the current context; blocks that change it adjust it before the push. */
  private innerFrame(tag: Tag): Frame {
    const top = this.stack[this.stack.length - 1];
    return { context: top.context, locals: [], inEach: top.inEach, changesContext: false, blockTag: tag };
  }

  private push(frame: Frame): void {
    if (this.stack.length > MAX_SCOPE_DEPTH) {
      this.unframed++;
      return;
    }
    this.below.push(this.stack);
    this.stack = [...this.stack, frame];
  }

  private currentContext(): Context {
    return this.stack[this.stack.length - 1].context;
  }

  private site(site: Site): void {
    this.model.sites.push(site);
  }

  private args(tag: Tag, params: readonly Expr[]): void {
    for (const p of params) this.expr(p, tag);
    for (const h of tag.hash) this.expr(h.value, tag);
  }

  /** Subexpressions nest as deep as the input does, so they are visited from a work list, in source order. */
  private expr(e: Expr, tag: Tag): void {
    const work: Expr[] = [e];
    while (work.length) {
      const x = work.pop()!;
      if (x.kind === 'path') this.pathRef(x, tag);
      else if (x.kind === 'subexpression') {
        if (x.path.kind === 'path') this.helperRef(x.path.original, x.path.span, tag, false);
        for (let i = x.hash.length - 1; i >= 0; i--) work.push(x.hash[i].value);
        for (let i = x.params.length - 1; i >= 0; i--) work.push(x.params[i]);
      }
    }
  }

  private helperRef(name: string, span: Span, tag: Tag, block: boolean): void {
    const builtin = HELPERS.has(name);
    const ref = { name, span, builtin, known: builtin || this.custom.has(name), tag };
    this.model.helpers.push(ref);
    this.site({ kind: 'helper', ref, block });
  }

  private pathRef(expr: PathExpr, tag: Tag): VariableRef {
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
        if (!rest.length) this.wholeRoot();
        else this.resolve(ref, { kind: 'root' }, rest);
      } else {
        ref.kind = 'data';
        ref.path = expr.parts;
        this.site({ kind: 'data', ref, inEach: this.stack.some((f) => f.inEach) });
      }
    } else {
      // Only a path starting with `.` or `this` can be one (the test runs for every reference).
      const c0 = text.charCodeAt(0);
      const explicitThis = (c0 === 46 /* . */ || c0 === 116 /* t */) && /^(\.\.\/)*(this|\.)(\/|\.|$)/.test(text);
      const frame = expr.depth > 0 ? this.frameAtDepth(expr.depth) : this.stack[this.stack.length - 1];
      const local = !explicitThis && expr.depth === 0 && expr.parts.length ? this.findLocal(expr.parts[0]) : undefined;
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
        if (base.kind === 'root') this.wholeRoot();
      } else if (base.kind === 'root') {
        ref.kind = 'input';
        ref.root = parts[0];
        ref.path = parts;
        // The length of `parts.slice(1).join('.')`, without building it.
        let tail = parts.length > 1 ? parts.length - 2 : 0;
        for (let i = 1; i < parts.length; i++) tail += parts[i].length;
        const at = text.lastIndexOf(parts[0], text.length - tail - (parts.length > 1 ? 1 : 0));
        ref.rootSpan = at >= 0 ? { start: expr.span.start + at, end: expr.span.start + at + parts[0].length } : undefined;
      } else if (base.kind === 'field') {
        if (!local) ref.kind = 'field';
        ref.root = base.path[0];
        ref.path = [...base.path, ...parts];
      }
      this.resolve(ref, base, parts);
    }
    this.usedBy(ref);
    this.model.refs.push(ref);
    return ref;
  }

  private usedBy(ref: VariableRef): void {
    if ((ref.kind === 'input' || ref.kind === 'field') && ref.root) this.model.usedInputs.add(ref.root);
    if (ref.kind === 'unknown' && ref.expr.parts.length) this.model.usedInputs.add(ref.expr.parts[0]);
  }

  /**
   * Follows `parts` down the declarations from `base`. Below a value whose shape is not declared
   * nothing is known, so the name stays undeclared without a site; a segment missing from a
   * declared object becomes an `unresolved` site.
   */
  private resolve(ref: VariableRef, base: Context, parts: string[]): void {
    if (!(ref.kind === 'input' || ref.kind === 'field' || (ref.kind === 'local' && parts.length))) return;
    let owner: SchemaField | undefined = ref.kind === 'input' ? this.root : base.kind === 'field' ? base.field : undefined;
    for (let i = 0; i < parts.length; i++) {
      if (!checkable(owner)) return;
      const next = child(owner, parts[i]) ?? owner!.additional;
      if (!next) {
        this.site({ kind: 'unresolved', ref, base, parts, at: i, owner: owner! });
        return;
      }
      owner = next;
    }
    if (owner) {
      ref.declared = true;
      ref.field = owner;
    }
  }

  private resolveContext(ctx: Context, parts: string[]): Context {
    if (!parts.length) return ctx;
    if (ctx.kind === 'root') {
      const f = child(this.root, parts[0]) ?? this.root.additional;
      let cur: SchemaField | undefined = f;
      for (const p of parts.slice(1)) cur = checkable(cur) ? (child(cur, p) ?? cur!.additional) : undefined;
      return f ? { kind: 'field', path: parts, field: cur, item: false } : { kind: 'unknown' };
    }
    if (ctx.kind === 'field' && checkable(ctx.field)) {
      let cur: SchemaField | undefined = ctx.field;
      for (const p of parts) cur = checkable(cur) ? (child(cur, p) ?? cur!.additional) : undefined;
      return { kind: 'field', path: [...ctx.path, ...parts], field: cur, item: false };
    }
    return { kind: 'unknown' };
  }

  private contextOfRef(ref: VariableRef): Context {
    if (ref.kind === 'input' && ref.root) return this.resolveContext({ kind: 'root' }, ref.path);
    if ((ref.kind === 'field' || ref.kind === 'local') && ref.root) return { kind: 'field', path: ref.path, field: ref.field, item: false };
    if (ref.kind === 'local' && ref.local) return ref.local.context;
    return { kind: 'unknown' };
  }

  /** The frame `depth` context changes above the current one (`../`). */
  private frameAtDepth(depth: number): Frame {
    const stack = this.stack;
    let i = stack.length - 1;
    let remaining = depth;
    while (remaining > 0 && i > 0) {
      if (stack[i].changesContext) remaining--;
      i--;
    }
    return stack[i];
  }

  private findLocal(name: string): Local | undefined {
    const stack = this.stack;
    for (let i = stack.length - 1; i >= 0; i--) {
      const l = stack[i].locals.find((x) => x.name === name);
      if (l) return l;
    }
    return undefined;
  }

  private blockParamSpan(tag: Tag, name: string): Span {
    const text = this.doc.text.slice(tag.span.start, tag.span.end);
    const bar = text.lastIndexOf('|', text.lastIndexOf('|') - 1);
    const at = new RegExp(`\\b${name.replace(/[$]/g, '\\$&')}\\b`).exec(text.slice(Math.max(0, bar)));
    const start = tag.span.start + Math.max(0, bar) + (at?.index ?? 0);
    return at ? { start, end: start + name.length } : tag.span;
  }
}

function blockName(tag: Tag | undefined): string | undefined {
  if (!tag) return undefined;
  return tag.kind === 'decorator-block-open' ? tag.name?.replace(/^\*/, '') : tag.name;
}

/** A run of tags after the edit that are the previous version's moved (see ScopeWalker.tailOf). */
interface Tail {
  first: number;
  /** This version's index of a tag minus the previous version's. */
  shift: number;
  /** The edit's change in length. */
  delta: number;
}

/** The index of the checkpoint at tag `tag`, or -1. */
function checkpointAt(points: readonly Checkpoint[], tag: number): number {
  let lo = 0;
  let hi = points.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const t = points[mid].tag;
    if (t === tag) return mid;
    if (t < tag) lo = mid + 1;
    else hi = mid - 1;
  }
  return -1;
}

/** The expressions of a tag in a fixed order (head, arguments, hash values, each depth-first). */
function exprsOf(tag: Tag): Expr[] {
  const out: Expr[] = [];
  const add = (e: Expr): void => {
    out.push(e);
    if (e.kind === 'subexpression') {
      add(e.path);
      for (const p of e.params) add(p);
      for (const h of e.hash) add(h.value);
    }
  };
  if (tag.path) add(tag.path);
  for (const p of tag.params) add(p);
  for (const h of tag.hash) add(h.value);
  return out;
}

/** Moves what a walk of the previous version found onto this version's tags (same text, moved by `delta`). */
class Mover {
  /** The previous version's index of the tag last looked up: lookups mostly go forward a tag or two. */
  private cursor = 0;
  private readonly locals = new Map<Local, Local>();
  private exprTag: Tag | undefined;
  private oldExprs: Expr[] = [];
  private newExprs: Expr[] = [];

  private readonly contexts = new Map<Context, Context>();

  /** `fields`: the previous version's declarations to this version's, when they are other objects of the same shape. */
  constructor(private readonly old: readonly Tag[], private readonly tags: readonly Tag[], private readonly shift: number, readonly delta: number, private readonly fields?: FieldMap) {}

  /** This version's declaration for the previous version's `f`. */
  field(f: SchemaField): SchemaField {
    return this.fields?.get(f) ?? f;
  }

  /** A context with this version's declaration (the same object when it holds none). */
  context(c: Context): Context {
    if (!this.fields || c.kind !== 'field' || !c.field) return c;
    let out = this.contexts.get(c);
    if (!out) {
      out = { kind: 'field', path: c.path, field: this.field(c.field), item: c.item };
      this.contexts.set(c, out);
    }
    return out;
  }

  /** Lookups start again from the previous version's tag `i`. */
  rewind(i: number): void {
    this.cursor = i;
  }

  tag(t: Tag): Tag {
    const old = this.old;
    let i = this.cursor;
    if (old[i] !== t) {
      const end = Math.min(old.length, i + 8);
      i++;
      while (i < end && old[i] !== t) i++;
      if (i >= end) i = this.find(t);
      this.cursor = i;
    }
    return this.tags[i + this.shift];
  }

  private find(t: Tag): number {
    const old = this.old;
    const i = indexStartingAt(old, t.span.start);
    if (i >= 0 && old[i] === t) return i;
    const at = old.indexOf(t);
    if (at < 0) throw new Error('scope walk: a tag taken over is not in the previous version');
    return at;
  }

  span(s: Span): Span {
    return { start: s.start + this.delta, end: s.end + this.delta };
  }

  /** The expression of this version's tag at the place of `e` in the previous version's `tag`. */
  expr(tag: Tag, e: Expr): Expr {
    if (tag.path === e) return this.tag(tag).path!;
    const p = tag.params.indexOf(e);
    if (p >= 0) return this.tag(tag).params[p];
    if (this.exprTag !== tag) {
      this.exprTag = tag;
      this.oldExprs = exprsOf(tag);
      this.newExprs = exprsOf(this.tag(tag));
    }
    const k = this.oldExprs.indexOf(e);
    if (k < 0) throw new Error('scope walk: an expression taken over is not in its tag');
    return this.newExprs[k];
  }

  local(l: Local): Local {
    let out = this.locals.get(l);
    if (!out) {
      out = { name: l.name, context: this.context(l.context), span: this.span(l.span), description: l.description };
      this.locals.set(l, out);
    }
    return out;
  }

  ref(o: VariableRef): VariableRef {
    const ref: VariableRef = { kind: o.kind, expr: this.expr(o.tag, o.expr) as PathExpr, tag: this.tag(o.tag), path: o.path, declared: o.declared };
    // The same keys as the walk sets (some it sets to undefined).
    if ('root' in o) ref.root = o.root;
    if ('rootSpan' in o) ref.rootSpan = o.rootSpan && this.span(o.rootSpan);
    if ('field' in o) ref.field = o.field && this.field(o.field);
    if ('local' in o) ref.local = o.local && this.local(o.local);
    return ref;
  }
}

/** The previous version's declarations to this version's (see `sameShape`). */
type FieldMap = Map<SchemaField, SchemaField>;

/**
 * How `sameShape` treats each property of a declaration: compared, or not (the description and
 * the places, which no result of the walk depends on: hover and definition read them from the
 * declaration itself). A property added to SchemaField fails to compile here until it is placed.
 */
const COMPARED: Record<keyof SchemaField, boolean> = { name: true, type: true, optional: true, enumValues: true, children: true, items: true, additional: true, description: false, keySpan: false, span: false };
void COMPARED;

/**
 * Whether two declaration trees say the same to the walk: names, types, optionality, enum values,
 * children in order, items and `additional` equal (not the descriptions and places), each
 * declaration of `a` standing for one of `b`. Returns the declarations of `a` mapped to those of
 * `b`, or undefined.
 */
export function sameShape(a: SchemaField, b: SchemaField): FieldMap | undefined {
  const map: FieldMap = new Map();
  // A work list: declarations nest as deep as the YAML does.
  const work: SchemaField[] = [a, b];
  while (work.length) {
    const y = work.pop()!;
    const x = work.pop()!;
    const seen = map.get(x);
    if (seen) {
      if (seen !== y) return undefined;
      continue;
    }
    map.set(x, y);
    if (x.name !== y.name || x.type !== y.type || x.optional !== y.optional || !sameValue(x.enumValues, y.enumValues)) return undefined;
    const u = x.children;
    const v = y.children;
    if (u && v) {
      if (u.length !== v.length) return undefined;
      for (let i = 0; i < u.length; i++) work.push(u[i], v[i]);
    } else if (u || v) return undefined;
    if (x.items && y.items) work.push(x.items, y.items);
    else if (x.items || y.items) return undefined;
    if (x.additional && y.additional) work.push(x.additional, y.additional);
    else if (x.additional || y.additional) return undefined;
  }
  return map;
}

/** Plain data (enum values and the like) equal. */
function sameValue(u: unknown, v: unknown): boolean {
  if (u === v) return true;
  if (typeof u !== 'object' || typeof v !== 'object' || !u || !v || Array.isArray(u) !== Array.isArray(v)) return false;
  const ku = Object.keys(u);
  const kv = Object.keys(v);
  if (ku.length !== kv.length) return false;
  for (const k of ku) if (!(k in v) || !sameValue((u as Record<string, unknown>)[k], (v as Record<string, unknown>)[k])) return false;
  return true;
}
