// The resolution model the walker builds and the checks read: what each name refers to, plus the
// places a check has to look at, kept in the order the walk met them.
import type { PromptDocument } from '../document';
import type { SchemaField } from '../picoschema';
import type { Analysis, Context, Frame, HelperRef, PartialRef, VariableRef } from '../scope';
import type { Tag } from '../template';
import type { Span } from '../text';
import type { SchemaLibrary } from '../formats/types';
import { settingAt } from '../formats/model';
import { fieldOfJsonSchema, resolveNamedField, schemaNameOf } from '../schemas';

/**
 * A place the checks look at. Diagnostics come out in this order, which is the order of the tags
 * and, within a tag, of its head, arguments and hash.
 */
export type Site =
  /** A name whose path leaves its declaration: segment `at` is not a child of `owner`. */
  | { kind: 'unresolved'; ref: VariableRef; base: Context; parts: string[]; at: number; owner: SchemaField }
  /** An `@name` other than `@root`; `inEach` is whether an `{{#each}}` encloses it. */
  | { kind: 'data'; ref: VariableRef; inEach: boolean }
  | { kind: 'helper'; ref: HelperRef; block: boolean }
  /** A `{{role …}}` tag; `inEach` is whether an `{{#each}}` encloses it. */
  | { kind: 'role'; tag: Tag; inEach?: boolean }
  /** `{{name}}` without arguments where `name` is a helper and also a field of the context: Handlebars calls the helper. */
  | { kind: 'shadow'; tag: Tag; head: Extract<Tag['path'], { kind: 'path' }>; field: SchemaField; context: Context }
  /** The list of an `{{#each}}`, when it is a path. */
  | { kind: 'each'; ref: VariableRef; span: Span }
  /** A partial named by a path or a literal; `inline` when a `{{#*inline}}` of the same document defines it. */
  | { kind: 'partial'; ref: PartialRef; inline: boolean };

/** The analysis before its checks: the same references, frames and used inputs, plus what the checks read. */
export interface ScopeModel extends Omit<Analysis, 'diagnostics'> {
  /** The inputs names resolve against. */
  fields: SchemaField[];
  sites: Site[];
}

/**
 * Every frame of `framesAt` once. Snapshots share the frames below their top, and a frame's
 * object fixes the frames below it, so a walk down each snapshot stops at the first frame seen:
 * linear in the frames, not tags times depth.
 */
export function distinctFrames(framesAt: Frame[][]): Frame[] {
  const seen = new Set<Frame>();
  const out: Frame[] = [];
  for (const frames of framesAt) {
    for (let i = frames.length - 1; i >= 0 && !seen.has(frames[i]); i--) {
      seen.add(frames[i]);
      out.push(frames[i]);
    }
  }
  return out;
}

/**
 * The declared inputs: `input.schema`'s fields (a schema named by `input.schema: Name`, and fields
 * typed with a schema name, resolved through `schemas`), plus names only in `input.default`.
 */
export function inputFields(doc: PromptDocument, schemas?: SchemaLibrary): SchemaField[] {
  const fields = schemas ? namedInputFields(doc, schemas) : [...doc.input.fields];
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

/** Whether a declaration lets us check names beneath it. */
export function checkable(field: SchemaField | undefined): boolean {
  return !!field && field.type === 'object' && !!field.children;
}

/** Fields with many children, indexed by name (the first of each name, as a search from the start finds). */
const childIndex = new WeakMap<SchemaField, { children: SchemaField[]; length: number; byName: Map<string, SchemaField> }>();

export function child(field: SchemaField | undefined, name: string): SchemaField | undefined {
  const children = field?.children;
  if (!children) return undefined;
  // A prompt with hundreds of inputs resolved each reference by a search through all of them.
  if (children.length < 16) return children.find((c) => c.name === name);
  let index = childIndex.get(field!);
  if (!index || index.children !== children || index.length !== children.length) {
    const byName = new Map<string, SchemaField>();
    for (const c of children) if (!byName.has(c.name)) byName.set(c.name, c);
    childIndex.set(field!, (index = { children, length: children.length, byName }));
  }
  return index.byName.get(name);
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

const resolvedMemo = new WeakMap<PromptDocument, { generation: number; fields: SchemaField[] }>();

function namedInputFields(doc: PromptDocument, schemas: SchemaLibrary): SchemaField[] {
  const hit = resolvedMemo.get(doc);
  if (hit && hit.generation === schemas.generation) return [...hit.fields];
  let fields: SchemaField[];
  const name = doc.input.style === 'named' ? schemaNameOf(settingAt(doc.prompt.settings, 'input.schema').setting?.value) : undefined;
  const named = name ? schemas.get(name) : undefined;
  if (named) {
    const root = fieldOfJsonSchema('', named, false, schemas);
    fields = root.type === 'object' ? (root.children ?? []) : [];
  } else fields = doc.input.fields.map((f) => resolveNamedField(f, schemas));
  resolvedMemo.set(doc, { generation: schemas.generation, fields });
  return [...fields];
}
