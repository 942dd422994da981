// Renders a Prompty file the way Prompty's TypeScript runtime does: the body (trimmed, as the loader
// keeps it) through nunjucks (Jinja2; no autoescaping, undefined names render empty, no member
// lookups of `__proto__` / `constructor` / `prototype`, no function calls) or mustache (its default
// HTML escaping of `{{x}}`), then split into messages by role lines with Prompty's parser rules:
// text before the first role line is a `system` message, each message's leading and trailing line
// breaks are dropped, and a `thread` input written alone in a message becomes its turns.
import type { PromptDocument } from '../../document';
import type { RenderedMessage, RenderResult, TemplateOptions } from '../types';
import { mustacheLib, nunjucksLib } from './engines';
import { promptyOf } from './parse';
import { isRoleLine, roleAttributes, roleLineShape } from './roles';


const UNSAFE = new Set(['__proto__', 'constructor', 'prototype']);

let env: InstanceType<ReturnType<typeof nunjucksLib>['Environment']> | undefined;

type Runtime = { memberLookup: (o: unknown, p: unknown) => unknown; callWrap: (f: unknown, name: string, ctx: unknown, args: unknown[]) => unknown };

function safeLookup(object: unknown, property: unknown): unknown {
  if (typeof property === 'string' && UNSAFE.has(property)) throw new Error(`Unsafe template member access: ${property}`);
  if ((typeof property !== 'string' && typeof property !== 'number') || object === null || typeof object !== 'object') return undefined;
  const d = Object.getOwnPropertyDescriptor(object, property);
  return d !== undefined && 'value' in d ? d.value : undefined;
}

function noCalls(_f: unknown, name: string): never {
  throw new Error(`Template function calls are not allowed: ${name}`);
}

/** Plain data only: no prototypes, getters or functions reach the template. */
function sanitize(value: unknown, seen = new WeakMap<object, unknown>()): unknown {
  if (value === null || typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return value;
  if (typeof value !== 'object') return undefined;
  const hit = seen.get(value);
  if (hit !== undefined) return hit;
  if (Array.isArray(value)) {
    const out: unknown[] = [];
    seen.set(value, out);
    for (const v of value) out.push(sanitize(v, seen));
    return out;
  }
  const out = Object.create(null) as Record<string, unknown>;
  seen.set(value, out);
  for (const [k, d] of Object.entries(Object.getOwnPropertyDescriptors(value))) if (!UNSAFE.has(k) && 'value' in d) out[k] = sanitize(d.value, seen);
  return out;
}

/** Renders a template text with one engine, as Prompty's TypeScript runtime does (throws the engine's error). */
export function renderTemplate(engine: 'jinja2' | 'mustache', template: string, values: Record<string, unknown>): string {
  if (engine === 'mustache') return mustacheLib().render(template, values);
  const nunjucks = nunjucksLib();
  env ??= new nunjucks.Environment(null, { autoescape: false, throwOnUndefined: false });
  const runtime = nunjucks.runtime as unknown as Runtime;
  const { memberLookup, callWrap } = runtime;
  runtime.memberLookup = safeLookup;
  runtime.callWrap = noCalls;
  try {
    return env.renderString(template, sanitize(values) as Record<string, unknown>);
  } finally {
    runtime.memberLookup = memberLookup;
    runtime.callWrap = callWrap;
  }
}

/** Prompty's parser: the rendered text split into messages at role lines; a role line's attributes (`user[name="Alice"]:`) become the message's metadata. */
export function splitMessages(rendered: string): RenderedMessage[] {
  const out: RenderedMessage[] = [];
  let role = 'system';
  let metadata: Record<string, unknown> | undefined;
  let buffer: string[] | undefined;
  const flush = () => {
    if (!buffer) return;
    let text = buffer.join('\n');
    let s = 0;
    let e = text.length;
    while (s < e && text[s] === '\n') s++;
    while (e > s && text[e - 1] === '\n') e--;
    text = text.slice(s, e);
    out.push(metadata ? { role, text, metadata } : { role, text });
    buffer = undefined;
  };
  for (const line of rendered.split('\n')) {
    const shape = line.length <= 1000 && line.includes(':') ? roleLineShape(line.trim()) : undefined;
    if (isRoleLine(shape)) {
      flush();
      role = shape.role;
      metadata = roleAttributes(shape.bracket);
      continue;
    }
    (buffer ??= []).push(line);
  }
  flush();
  return out;
}

function threadTurns(value: unknown): RenderedMessage[] {
  if (!Array.isArray(value)) return [];
  const out: RenderedMessage[] = [];
  for (const m of value) {
    const r = m && typeof m === 'object' ? (m as Record<string, unknown>) : {};
    const text = typeof r.content === 'string' ? r.content : typeof r.text === 'string' ? r.text : JSON.stringify(r.content ?? r);
    out.push({ role: typeof r.role === 'string' ? r.role : 'user', text });
  }
  return out;
}

/** The body as the loader keeps it, and the line in the file where it starts. */
export function bodyOf(doc: PromptDocument): { template: string; firstLine: number } {
  const info = promptyOf(doc);
  const start = info?.body.start ?? doc.template.span.start;
  return { template: doc.text.slice(start).trim(), firstLine: doc.lines.positionAt(start).line };
}

export async function renderPrompty(doc: PromptDocument, values: Record<string, unknown>, _options: TemplateOptions = {}): Promise<RenderResult> {
  const info = promptyOf(doc);
  const line = (offset: number) => doc.lines.positionAt(offset).line;
  if (doc.notice) return { values, error: { message: doc.notice === 'binary' ? 'This file is binary, not a prompt.' : 'This file is too large to render in the editor.' } };
  if (info?.unknownEngine) return { values, error: { message: `Prompty has no template engine \`${info.engineKind}\`: set \`template.format.kind\` to \`jinja2\` or \`mustache\`.` } };
  const blocking = doc.diagnostics.find((d) => d.severity === 'error' && (d.code.startsWith('prompty-template') || d.code.startsWith('yaml-') || d.code === 'frontmatter-unclosed'));
  if (blocking) return { values, error: { message: `The prompt cannot be rendered until this is fixed: ${blocking.message}`, line: line(blocking.span.start) } };
  const missing = (info?.inputs ?? []).filter((i) => i.required && values[i.name] === undefined);
  if (missing.length) {
    return {
      values,
      error: { message: `No value for the required input ${missing.map((m) => `\`${m.name}\``).join(', ')}. Give ${missing.length > 1 ? 'them' : 'it'} a \`default\` in \`inputs\` (or a value in a test case).`, line: line(missing[0].nameSpan.start) },
    };
  }
  const engine = info?.engine ?? 'jinja2';
  const { template, firstLine } = bodyOf(doc);
  // `thread` inputs: a marker stands in the text, then the message holding only it becomes the turns.
  const threads = new Map<string, unknown>();
  const input: Record<string, unknown> = { ...values };
  for (const i of info?.inputs ?? []) {
    if (i.type !== 'thread') continue;
    const marker = `__prompty_thread_${i.name}__`;
    threads.set(marker, values[i.name]);
    input[i.name] = marker;
  }
  let rendered: string;
  try {
    rendered = renderTemplate(engine, template, input);
  } catch (e) {
    const raw = e instanceof Error ? e.message : String(e);
    const m = /\[Line (\d+), Column (\d+)\]/.exec(raw);
    const message = raw.replace(/^\(unknown path\)\s*(\[Line \d+, Column \d+\])?\s*/, '').replace(/^Template render error:\s*/, '').replace(/\s+/g, ' ').trim();
    return { values, error: { message: `${engine === 'mustache' ? 'Mustache' : 'Jinja2'}: ${message}`, line: m ? firstLine + Number(m[1]) - 1 : undefined } };
  }
  // A message holding a thread's marker: its text before the marker, the thread's turns, its text after.
  const messages: RenderedMessage[] = [];
  // Version 1's `api: completion`: one prompt, the rendered text unsplit (role lines included).
  const split = info?.completion ? [{ role: 'user', text: rendered.trim() }] : splitMessages(rendered);
  for (const m of split) {
    let rest = m.text;
    for (;;) {
      const hit = [...threads.keys()].map((k) => ({ k, at: rest.indexOf(k) })).filter((h) => h.at >= 0).sort((a, b) => a.at - b.at)[0];
      if (!hit) break;
      let cut = hit.at;
      while (cut > 0 && rest[cut - 1] === '\n') cut--;
      const before = rest.slice(0, cut);
      if (before.trim()) messages.push({ ...m, text: before });
      messages.push(...threadTurns(threads.get(hit.k)));
      rest = rest.slice(hit.at + hit.k.length).replace(/^\n+/, '');
    }
    if (rest.trim() || rest === m.text) messages.push({ ...m, text: rest });
  }
  return { values, messages };
}
