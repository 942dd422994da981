// Prompty's template body as the engine reads it, for both engines: the tags with their spans, the
// blocks they open and close, the names they declare (loop variables, `set`, macros, Mustache
// sections) with where they are visible, and every name they read. Jinja2 is checked by nunjucks'
// parser (the engine of Prompty's TypeScript runtime), Mustache by the `mustache` package's; the
// tag scan before them is tolerant, so a broken template still yields its names for completion.
import type { PromptDiagnostic } from '../../diagnostic';
import type { Span } from '../../text';
import { mustacheLib, nunjucksParser } from './engines';

export type Engine = 'jinja2' | 'mustache';

export interface BodyTag {
  /** `output` (`{{ }}`), `statement` (`{% %}`), `comment` (`{# #}`, `{{! }}`), Mustache `section`, `inverted`, `close`, `partial`, `unescaped`. */
  kind: string;
  span: Span;
  closed: boolean;
  /** The statement keyword (`for`, `endif`) or the Mustache section name. */
  keyword?: string;
  /** Inside the delimiters (and whitespace-control marks). */
  inner: Span;
}

export interface BodyBlock {
  keyword: string;
  open: BodyTag;
  close?: BodyTag;
  /** Between the open tag's end and the close tag's start (or the body's end). */
  inside: Span;
}

export interface Local {
  name: string;
  span: Span;
  /** Where the name can be read. */
  scope: Span;
  kind: 'loop' | 'set' | 'macro' | 'argument' | 'loop-info';
  /** For loop variables: the input path iterated (`['order', 'items']`), when it is one. */
  of?: string[];
  /** For `for k, v in ...`: which of the names (0, 1). */
  position?: number;
}

export interface NameRef {
  /** The root name (`ticket` of `ticket.subject`). */
  name: string;
  span: Span;
  /** The whole path as read, with each segment's span. */
  path: { name: string; span: Span }[];
  /** The tag it is in. */
  tag: BodyTag;
  /** The local it reads, when it is one; undefined for an input (or an unknown name). */
  local?: Local;
  /** For Mustache: the sections it is inside, innermost last (names resolve through them). */
  sections?: string[][];
}

export interface BodyAnalysis {
  engine: Engine;
  span: Span;
  tags: BodyTag[];
  blocks: BodyBlock[];
  locals: Local[];
  refs: NameRef[];
  diagnostics: PromptDiagnostic[];
}

/** Names Jinja2 and nunjucks provide themselves. */
export const JINJA_GLOBALS = new Set(['range', 'cycler', 'joiner', 'namespace', 'dict', 'lipsum', 'loop', 'caller', 'super', 'varargs', 'kwargs', 'true', 'false', 'none', 'True', 'False', 'None']);

export const LOOP_ATTRIBUTES: { name: string; description: string }[] = [
  { name: 'index', description: 'The current iteration, counting from 1.' },
  { name: 'index0', description: 'The current iteration, counting from 0.' },
  { name: 'revindex', description: 'Iterations until the end, counting down to 1.' },
  { name: 'revindex0', description: 'Iterations until the end, counting down to 0.' },
  { name: 'first', description: 'True on the first iteration.' },
  { name: 'last', description: 'True on the last iteration.' },
  { name: 'length', description: 'The number of items.' },
];

const OPENERS = new Set(['if', 'for', 'macro', 'call', 'filter', 'block', 'raw', 'verbatim', 'with', 'autoescape', 'set']);
const MIDDLES: Record<string, readonly string[]> = { elif: ['if'], elseif: ['if'], else: ['if', 'for'] };

function clampSpan(start: number, end: number): Span {
  return { start, end: Math.max(end, start + 1) };
}

// ---- Jinja2 ----

/** Finds `close` from `from`, skipping quoted strings; -1 when absent. */
function findClose(text: string, from: number, end: number, close: string): number {
  let quote = '';
  for (let i = from; i < end; i++) {
    const c = text[i];
    if (quote) {
      if (c === '\\') i++;
      else if (c === quote) quote = '';
      continue;
    }
    if (c === '"' || c === "'") quote = c;
    else if (c === close[0] && text.startsWith(close, i)) return i;
    // A new tag opener before the close: the tag was left open.
    else if (c === '{' && (text[i + 1] === '{' || text[i + 1] === '%') && close !== '#}') return -1;
  }
  return -1;
}

export function scanJinja(text: string, start: number, end: number): { tags: BodyTag[]; diagnostics: PromptDiagnostic[] } {
  const tags: BodyTag[] = [];
  const diagnostics: PromptDiagnostic[] = [];
  let i = text.indexOf('{', start);
  while (i >= 0 && i < end - 1) {
    const next = text[i + 1];
    if (next !== '{' && next !== '%' && next !== '#') {
      i = text.indexOf('{', i + 1);
      continue;
    }
    const close = next === '{' ? '}}' : next === '%' ? '%}' : '#}';
    const at = next === '#' ? text.indexOf('#}', i + 2) : findClose(text, i + 2, end, close);
    const closed = at >= 0 && at < end;
    const tagEnd = closed ? at + 2 : lineEndOf(text, i, end);
    let innerStart = i + 2;
    if (text[innerStart] === '-' || text[innerStart] === '+') innerStart++;
    let innerEnd = closed ? at : tagEnd;
    if (closed && (text[innerEnd - 1] === '-' || text[innerEnd - 1] === '+') && innerEnd - 1 >= innerStart) innerEnd--;
    const kind = next === '{' ? 'output' : next === '%' ? 'statement' : 'comment';
    const tag: BodyTag = { kind, span: { start: i, end: tagEnd }, closed, inner: { start: innerStart, end: innerEnd } };
    if (kind === 'statement') tag.keyword = /^\s*([A-Za-z_]\w*)/.exec(text.slice(innerStart, innerEnd))?.[1];
    tags.push(tag);
    if (!closed) {
      diagnostics.push({
        code: 'prompty-template-unclosed-tag',
        severity: 'error',
        message: `This \`${text.slice(i, i + 2)}\` tag has no closing \`${close}\`. Close it, or write \`{{ '${text.slice(i, i + 2)}' }}\` for the literal characters.`,
        span: clampSpan(i, i + 2),
      });
    }
    // `{% raw %}` ... `{% endraw %}`: nothing inside is a tag.
    if (kind === 'statement' && (tag.keyword === 'raw' || tag.keyword === 'verbatim') && closed) {
      const endRaw = new RegExp(`\\{%[-+]?\\s*end${tag.keyword}\\s*[-+]?%\\}`, 'g');
      endRaw.lastIndex = tagEnd;
      const m = endRaw.exec(text);
      if (m && m.index < end) {
        tags.push({ kind: 'statement', span: { start: m.index, end: m.index + m[0].length }, closed: true, keyword: `end${tag.keyword}`, inner: { start: m.index + 2, end: m.index + m[0].length - 2 } });
        i = text.indexOf('{', m.index + m[0].length);
        continue;
      }
    }
    i = text.indexOf('{', tagEnd);
  }
  return { tags, diagnostics };
}

function lineEndOf(text: string, from: number, end: number): number {
  const nl = text.indexOf('\n', from);
  return nl < 0 || nl > end ? end : nl;
}

/** Matches `{% x %}` with `{% endx %}` on a stack: unclosed and unmatched blocks, `else` out of place. */
export function matchBlocks(text: string, tags: readonly BodyTag[], bodyEnd: number): { blocks: BodyBlock[]; diagnostics: PromptDiagnostic[] } {
  const blocks: BodyBlock[] = [];
  const diagnostics: PromptDiagnostic[] = [];
  const stack: BodyBlock[] = [];
  for (const tag of tags) {
    if (tag.kind !== 'statement' || !tag.keyword || !tag.closed) continue;
    const k = tag.keyword;
    // `{% set x = 1 %}` is a statement; `{% set x %}...{% endset %}` is a block.
    if (k === 'set' && /=/.test(text.slice(tag.inner.start, tag.inner.end))) continue;
    if (OPENERS.has(k)) {
      const b: BodyBlock = { keyword: k, open: tag, inside: { start: tag.span.end, end: bodyEnd } };
      stack.push(b);
      blocks.push(b);
      continue;
    }
    if (MIDDLES[k]) {
      const top = stack[stack.length - 1];
      if (!top || !MIDDLES[k].includes(top.keyword)) {
        diagnostics.push({
          code: 'prompty-template-unmatched',
          severity: 'error',
          message: `\`{% ${k} %}\` is outside ${MIDDLES[k].map((m) => `\`{% ${m} %}\``).join(' or ')}${top ? `: the open block is \`{% ${top.keyword} %}\`` : ''}.`,
          span: tag.span,
        });
      }
      continue;
    }
    if (k.startsWith('end')) {
      const name = k.slice(3);
      const at = stack.map((b) => b.keyword).lastIndexOf(name);
      if (at < 0) {
        const top = stack[stack.length - 1];
        diagnostics.push({
          code: 'prompty-template-unmatched',
          severity: 'error',
          message: `\`{% ${k} %}\` closes no open block${top ? `; the open block is \`{% ${top.keyword} %}\` (close it with \`{% end${top.keyword} %}\`)` : ''}.`,
          span: tag.span,
          data: top ? { replacement: `{% end${top.keyword} %}` } : undefined,
        });
        continue;
      }
      // Blocks opened after the one closed here were never closed.
      while (stack.length > at + 1) unclosed(stack.pop()!, diagnostics);
      const b = stack.pop()!;
      b.close = tag;
      b.inside = { start: b.open.span.end, end: tag.span.start };
    }
  }
  while (stack.length) unclosed(stack.pop()!, diagnostics);
  return { blocks, diagnostics };
}

function unclosed(b: BodyBlock, diagnostics: PromptDiagnostic[]): void {
  diagnostics.push({
    code: 'prompty-template-unclosed',
    severity: 'error',
    message: `\`{% ${b.keyword} %}\` is never closed: add \`{% end${b.keyword} %}\` where the block ends.`,
    span: b.open.span,
  });
}

/** Offsets of line starts in `s`. */
function lineStarts(s: string): number[] {
  const out = [0];
  for (let i = s.indexOf('\n'); i >= 0; i = s.indexOf('\n', i + 1)) out.push(i + 1);
  return out;
}

/** The whole body through nunjucks' parser: a syntax error the tag scan did not find, with its place. */
export function jinjaSyntax(text: string, span: Span): PromptDiagnostic | undefined {
  const source = text.slice(span.start, span.end);
  try {
    nunjucksParser().parse(source, [], {});
    return undefined;
  } catch (e) {
    const err = e as { message?: string; lineno?: number; colno?: number };
    const starts = lineStarts(source);
    const line = typeof err.lineno === 'number' ? Math.min(Math.max(err.lineno - 1, 0), starts.length - 1) : undefined;
    const at = line === undefined ? span.start : span.start + starts[line] + Math.max(0, (err.colno ?? 1) - 1);
    const raw = String(err.message ?? e).replace(/^\(unknown path\)\s*(\[Line \d+, Column \d+\])?\s*/, '').replace(/^Template render error:\s*/, '').trim();
    return {
      code: 'prompty-template-syntax',
      severity: 'error',
      message: `Jinja2 syntax error: ${raw.replace(/^parse\w*:\s*/, '')}.`.replace(/\.\.$/, '.'),
      span: clampSpan(Math.min(at, span.end), Math.min(at + 1, span.end)),
    };
  }
}

type NjNode = { typename: string; value?: unknown; lineno: number; colno: number; [k: string]: unknown };

/** The expression of a statement tag, as a span inside it: what its names are read from. */
function statementExpression(text: string, tag: BodyTag): Span | undefined {
  const inner = text.slice(tag.inner.start, tag.inner.end);
  const m = /^(\s*)([A-Za-z_]\w*)/.exec(inner);
  if (!m) return undefined;
  const after = tag.inner.start + m[0].length;
  switch (m[2]) {
    case 'if':
    case 'elif':
    case 'elseif':
      return { start: after, end: tag.inner.end };
    case 'for': {
      const rest = inner.slice(m[0].length);
      const k = rest.search(/\sin\s/);
      if (k < 0) return undefined;
      let start = after + k + 3;
      while (start < tag.inner.end && /\s/.test(text[start])) start++;
      return { start, end: tag.inner.end };
    }
    case 'set': {
      const eq = inner.indexOf('=');
      return eq >= 0 ? { start: tag.inner.start + eq + 1, end: tag.inner.end } : undefined;
    }
    case 'call':
      return { start: after, end: tag.inner.end };
    default:
      return undefined;
  }
}

const exprMemo = new Map<string, NjNode | null>();

/** Parses one expression with nunjucks (memoised by text); null when it does not parse. */
function parseExpression(padded: string): NjNode | null {
  const hit = exprMemo.get(padded);
  if (hit !== undefined) return hit;
  let node: NjNode | null = null;
  try {
    node = nunjucksParser().parse(padded, [], {}) as NjNode;
  } catch {
    node = null;
  }
  if (exprMemo.size > 5000) exprMemo.clear();
  exprMemo.set(padded, node);
  return node;
}

function children(node: NjNode): NjNode[] {
  const out: NjNode[] = [];
  const fields = (node as { fields?: string[] }).fields ?? [];
  for (const f of fields) {
    const c = node[f] as unknown;
    if (Array.isArray(c)) {
      for (const x of c) if (x && typeof x === 'object') out.push(x as NjNode);
    } else if (c && typeof c === 'object') out.push(c as NjNode);
  }
  if (node.typename === 'NodeList' || node.typename === 'Root' || node.typename === 'Array' || node.typename === 'Group' || node.typename === 'Dict' || node.typename === 'KeywordArgs') {
    for (const x of (node.children as NjNode[] | undefined) ?? []) if (!out.includes(x)) out.push(x);
  }
  return out;
}

/** The names an expression reads: a symbol with the member lookups on it (`a.b.c`, `a['b']`). */
function readsOf(root: NjNode, map: (line: number, col: number) => number): { name: string; span: Span; path: { name: string; span: Span }[] }[] {
  const out: { name: string; span: Span; path: { name: string; span: Span }[] }[] = [];
  const stack: NjNode[] = [root];
  while (stack.length) {
    const node = stack.pop()!;
    switch (node.typename) {
      case 'LookupVal': {
        const chain: NjNode[] = [];
        let n: NjNode = node;
        while (n.typename === 'LookupVal') {
          chain.unshift(n.val as NjNode);
          n = n.target as NjNode;
        }
        if (n.typename === 'Symbol') {
          const start = map(n.lineno, n.colno);
          const name = String(n.value);
          const path = [{ name, span: { start, end: start + name.length } }];
          for (const v of chain) {
            if (v.typename !== 'Literal' || typeof v.value !== 'string') break;
            const s = map(v.lineno, v.colno);
            path.push({ name: v.value, span: { start: s, end: s + v.value.length } });
          }
          out.push({ name, span: path[0].span, path });
          for (const v of chain) if (v.typename !== 'Literal') stack.push(v);
        } else {
          stack.push(n);
          for (const v of chain) stack.push(v);
        }
        continue;
      }
      case 'Symbol': {
        const start = map(node.lineno, node.colno);
        const name = String(node.value);
        out.push({ name, span: { start, end: start + name.length }, path: [{ name, span: { start, end: start + name.length } }] });
        continue;
      }
      case 'Filter':
      case 'FilterAsync':
        // The filter's name is not a variable; its arguments are.
        if (node.args) stack.push(node.args as unknown as NjNode);
        continue;
      case 'Is':
        stack.push(node.left as NjNode);
        continue;
      case 'FunCall':
        stack.push(node.name as NjNode, ...(node.args ? [node.args as NjNode] : []));
        continue;
      case 'Pair':
        stack.push(node.value as NjNode);
        continue;
      default:
        stack.push(...children(node));
    }
  }
  return out;
}

/** Loop variables, `set` targets and macros with where they are visible, from the tags alone. */
function jinjaLocals(text: string, tags: readonly BodyTag[], blocks: readonly BodyBlock[], body: Span): Local[] {
  const locals: Local[] = [];
  const blockOf = new Map(blocks.map((b) => [b.open, b]));
  const enclosing = (offset: number) => blocks.filter((b) => b.inside.start <= offset && offset <= b.inside.end && b.keyword !== 'set').sort((a, b) => b.inside.start - a.inside.start)[0];
  for (const tag of tags) {
    if (tag.kind !== 'statement' || !tag.closed) continue;
    const inner = text.slice(tag.inner.start, tag.inner.end);
    const lead = tag.inner.start;
    if (tag.keyword === 'for') {
      const m = /^(\s*for\s+)([A-Za-z_]\w*)(?:(\s*,\s*)([A-Za-z_]\w*))?\s+in\s+([A-Za-z_][\w.]*)?/.exec(inner);
      const block = blockOf.get(tag);
      if (!m || !block) continue;
      const scope = block.inside;
      const of = m[5] ? m[5].split('.') : undefined;
      const first = lead + m[1].length;
      locals.push({ name: m[2], span: { start: first, end: first + m[2].length }, scope, kind: 'loop', of, position: 0 });
      if (m[4]) {
        const second = first + m[2].length + m[3].length;
        locals.push({ name: m[4], span: { start: second, end: second + m[4].length }, scope, kind: 'loop', of, position: 1 });
      }
      locals.push({ name: 'loop', span: tag.span, scope, kind: 'loop-info' });
    } else if (tag.keyword === 'set') {
      const m = /^(\s*set\s+)([A-Za-z_]\w*(?:\s*,\s*[A-Za-z_]\w*)*)/.exec(inner);
      if (!m) continue;
      const within = enclosing(tag.span.start);
      const block = blockOf.get(tag);
      const scopeEnd = within ? within.inside.end : body.end;
      let at = lead + m[1].length;
      for (const part of m[2].split(',')) {
        const name = part.trim();
        const s = at + part.indexOf(name);
        locals.push({ name, span: { start: s, end: s + name.length }, scope: { start: block ? (block.close?.span.end ?? tag.span.end) : tag.span.end, end: scopeEnd }, kind: 'set' });
        at += part.length + 1;
      }
    } else if (tag.keyword === 'macro') {
      const m = /^(\s*macro\s+)([A-Za-z_]\w*)\s*\(([^)]*)\)/.exec(inner);
      const block = blockOf.get(tag);
      if (!m) continue;
      const s = lead + m[1].length;
      // Macros are known in the whole template (nunjucks hoists them).
      locals.push({ name: m[2], span: { start: s, end: s + m[2].length }, scope: body, kind: 'macro' });
      if (!block) continue;
      let argAt = lead + m[0].length - m[3].length - 1;
      for (const part of m[3].split(',')) {
        const a = /^\s*([A-Za-z_]\w*)/.exec(part);
        if (a) locals.push({ name: a[1], span: { start: argAt + a[0].length - a[1].length, end: argAt + a[0].length }, scope: block.inside, kind: 'argument' });
        argAt += part.length + 1;
      }
      locals.push({ name: 'caller', span: tag.span, scope: block.inside, kind: 'argument' });
    }
  }
  return locals;
}

/** The local a name at `offset` reads: the innermost declaration whose scope holds it. */
export function localAt(locals: readonly Local[], name: string, offset: number): Local | undefined {
  let best: Local | undefined;
  for (const l of locals) {
    if (l.name !== name || offset < l.scope.start || offset > l.scope.end) continue;
    if (!best || l.scope.start >= best.scope.start) best = l;
  }
  return best;
}

/** Where a tag's expression has a backslash outside a quoted string (`{{ user\_name }}`, Markdown escaping): Jinja2's lexer stops there. */
function strayBackslash(text: string, tag: BodyTag): number | undefined {
  let quote: string | undefined;
  for (let i = tag.inner.start; i < tag.inner.end; i++) {
    const ch = text[i];
    if (quote) {
      if (ch === '\\') i++;
      else if (ch === quote) quote = undefined;
    } else if (ch === '"' || ch === "'") quote = ch;
    else if (ch === '\\') return i;
  }
  return undefined;
}

/** `{{#name}}`, `{{/name}}`, `{{^name}}`: Mustache or Handlebars block tags in a Jinja2 body. */
function mustacheBlockTag(text: string, tag: BodyTag): boolean {
  return tag.kind === 'output' && /^-?\s*[#/^]\s*[A-Za-z_]/.test(text.slice(tag.inner.start, tag.inner.end));
}

export function analyseJinja(text: string, span: Span): BodyAnalysis {
  const { tags, diagnostics } = scanJinja(text, span.start, span.end);
  const matched = matchBlocks(text, tags, span.end);
  diagnostics.push(...matched.diagnostics);
  // Tags Jinja2 cannot lex: their names are not read, and the first one is the syntax error.
  const broken = new Set<BodyTag>();
  if (!diagnostics.length) {
    const blocks = tags.filter((t) => t.closed && mustacheBlockTag(text, t));
    for (const t of blocks) broken.add(t);
    if (blocks.length) {
      // Handlebars' `{{else}}` between them is part of the same mistake, not a name.
      for (const t of tags) if (t.closed && t.kind === 'output' && /^-?\s*else(\s|-?$)/.test(text.slice(t.inner.start, t.inner.end))) broken.add(t);
      const first = blocks[0];
      const written = text.slice(first.span.start, first.span.end);
      diagnostics.push({
        code: 'prompty-template-syntax',
        severity: 'error',
        message: `\`${written.length > 40 ? `${written.slice(0, 37)}...` : written}\` is Mustache or Handlebars block syntax, but this body is Jinja2 (Prompty's default template format), so rendering fails${blocks.length > 1 ? ` (the ${blocks.length - 1} other such tag${blocks.length > 2 ? 's' : ''} too)` : ''}. Name Mustache as the format (\`template: { format: { kind: mustache } }\`; version 1: \`template: mustache\`), or write Jinja2 (\`{% for item in items %}\`, \`{% if x %}\`).`,
        span: first.span,
      });
    }
    for (const t of tags) {
      if (!t.closed || (t.kind !== 'output' && t.kind !== 'statement')) continue;
      const at = strayBackslash(text, t);
      if (at === undefined) continue;
      if (!broken.size) {
        diagnostics.push({
          code: 'prompty-template-syntax',
          severity: 'error',
          message: 'Jinja2 syntax error: unexpected char `\\` (a backslash outside a quoted string), so rendering fails. Remove it; Markdown escaping (`past\\_messages`) does not belong inside a tag.',
          span: { start: at, end: at + 1 },
        });
      }
      broken.add(t);
    }
  }
  if (!diagnostics.length) {
    const syntax = jinjaSyntax(text, span);
    if (syntax) diagnostics.push(syntax);
  }
  // Prompty renders the body as one string, with no loader: other templates cannot be pulled in.
  for (const tag of tags) {
    if (tag.kind !== 'statement' || !tag.keyword || !['include', 'import', 'from', 'extends'].includes(tag.keyword)) continue;
    diagnostics.push({ code: 'prompty-template-include', severity: 'warning', message: `\`{% ${tag.keyword} %}\` needs a template loader, and Prompty renders the body alone: rendering fails with "template not found". Write the text here, or pass it in as an input.`, span: tag.span });
  }
  const locals = jinjaLocals(text, tags, matched.blocks, span);
  const refs: NameRef[] = [];
  for (const tag of tags) {
    if (!tag.closed || broken.has(tag)) continue;
    let expr: Span | undefined;
    if (tag.kind === 'output') expr = tag.inner;
    else if (tag.kind === 'statement') expr = statementExpression(text, tag);
    if (!expr || expr.end <= expr.start) continue;
    // `{{` + blanks up to the expression + the expression + ` }}`: offsets map one to one.
    const prefix = text.slice(tag.span.start + 2, expr.start).replace(/[^\n]/g, ' ');
    const padded = `{{${prefix}${text.slice(expr.start, expr.end)} }}`;
    const ast = parseExpression(padded);
    if (!ast) continue;
    const starts = lineStarts(padded);
    const map = (line: number, col: number) => tag.span.start + (starts[line] ?? 0) + col;
    for (const r of readsOf(ast, map)) {
      const local = localAt(locals, r.name, r.span.start);
      if (!local && JINJA_GLOBALS.has(r.name)) continue;
      refs.push({ ...r, tag, local });
    }
  }
  refs.sort((a, b) => a.span.start - b.span.start);
  return { engine: 'jinja2', span, tags, blocks: matched.blocks, locals, refs, diagnostics };
}

// ---- Mustache ----

type MToken = [string, string, number, number, MToken[]?, number?];

export function analyseMustache(text: string, span: Span): BodyAnalysis {
  const source = text.slice(span.start, span.end);
  const diagnostics: PromptDiagnostic[] = [];
  const tags: BodyTag[] = [];
  const blocks: BodyBlock[] = [];
  const refs: NameRef[] = [];
  let tokens: MToken[] = [];
  try {
    tokens = mustacheLib().parse(source) as unknown as MToken[];
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    const m = / at (\d+)$/.exec(message);
    const at = span.start + (m ? Number(m[1]) : 0);
    const unopened = /^Unopened section "([^"]*)"/.exec(message);
    const unclosedSection = /^Unclosed section "([^"]*)"/.exec(message);
    let text2: string;
    let where = clampSpan(at, Math.min(span.end, at + 2));
    if (unopened) text2 = `\`{{/${unopened[1]}}}\` closes no open section. Remove it, or open the section with \`{{#${unopened[1]}}}\`.`;
    else if (unclosedSection) {
      // mustache names the section; point at its opening tag.
      const open = new RegExp(`\\{\\{\\s*[#^]\\s*${unclosedSection[1].replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\s*\\}\\}`).exec(source);
      if (open) where = { start: span.start + open.index, end: span.start + open.index + open[0].length };
      text2 = `The section \`{{#${unclosedSection[1]}}}\` is never closed (or closed by another name): add \`{{/${unclosedSection[1]}}}\` where it ends.`;
    } else if (/^Unclosed tag/.test(message)) text2 = 'This `{{` tag has no closing `}}`.';
    else text2 = `Mustache syntax error: ${message}.`;
    diagnostics.push({ code: unopened ? 'prompty-template-unmatched' : unclosedSection ? 'prompty-template-unclosed' : 'prompty-template-syntax', severity: 'error', message: text2, span: where });
    tokens = scanMustacheLoosely(source);
  }
  const walk = (list: MToken[], sections: string[][]) => {
    for (const t of list) {
      const [type, value, s, e] = t;
      if (type === 'text') continue;
      const tagSpan = { start: span.start + s, end: span.start + e };
      const kind = type === 'name' ? 'output' : type === '#' ? 'section' : type === '^' ? 'inverted' : type === '!' ? 'comment' : type === '>' ? 'partial' : type === '&' || type === '{' ? 'unescaped' : type === '/' ? 'close' : 'other';
      const tag: BodyTag = { kind, span: tagSpan, closed: true, keyword: value, inner: { start: tagSpan.start + 2, end: tagSpan.end - 2 } };
      tags.push(tag);
      if (type === 'name' || type === '&' || type === '{' || type === '#' || type === '^') {
        if (value !== '.') {
          const inTag = text.indexOf(value, tagSpan.start + 2);
          const start = inTag >= 0 && inTag < tagSpan.end ? inTag : tagSpan.start;
          const parts = value.split('.');
          let at = start;
          const path = parts.map((p) => {
            const seg = { name: p, span: { start: at, end: at + p.length } };
            at += p.length + 1;
            return seg;
          });
          refs.push({ name: parts[0], span: path[0].span, path, tag, sections: sections.slice() });
        }
      }
      if ((type === '#' || type === '^') && t[4]) {
        const closeAt = typeof t[5] === 'number' ? span.start + t[5] : span.end;
        const closeEnd = text.indexOf('}}', closeAt);
        const close: BodyTag = { kind: 'close', span: { start: closeAt, end: closeEnd >= 0 ? closeEnd + 2 : closeAt }, closed: true, keyword: value, inner: { start: closeAt + 2, end: closeEnd >= 0 ? closeEnd : closeAt } };
        blocks.push({ keyword: value, open: tag, close, inside: { start: tagSpan.end, end: closeAt } });
        walk(t[4], type === '#' ? [...sections, value.split('.')] : sections);
        tags.push(close);
      }
    }
  };
  walk(tokens, []);
  tags.sort((a, b) => a.span.start - b.span.start);
  return { engine: 'mustache', span, tags, blocks, locals: [], refs, diagnostics };
}

/** After a Mustache error: the tags one by one, so completion and the other names still work. */
function scanMustacheLoosely(source: string): MToken[] {
  const out: MToken[] = [];
  for (let i = source.indexOf('{{'); i >= 0; ) {
    const close = source.indexOf('}}', i + 2);
    if (close < 0) break;
    let end = close + 2;
    let inner = source.slice(i + 2, close);
    let type = 'name';
    if (inner.startsWith('{')) {
      type = '{';
      inner = inner.slice(1);
      if (source[end] === '}') end++;
    } else if ('#^/!>&'.includes(inner[0] ?? ' ')) {
      type = inner[0] === '/' ? 'text' : inner[0];
      inner = inner.slice(1);
    }
    out.push([type, inner.trim(), i, end]);
    i = source.indexOf('{{', end);
  }
  return out;
}

/** The name text of a tag's body at `offset` (`order.it` in `{{ order.it| }}`). */
export function wordBefore(text: string, from: number, offset: number): string {
  let i = offset;
  while (i > from && /[\w.]/.test(text[i - 1])) i--;
  // A name starts with a letter or `_`; a lone `.` (Mustache's current item) is a word of its own.
  while (i < offset && !/[A-Za-z_]/.test(text[i]) && text.slice(i, offset) !== '.') i++;
  return text.slice(i, offset);
}
