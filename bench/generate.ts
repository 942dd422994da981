// Deterministic generators for the benchmark: realistic Dotprompt files of a given line count,
// the single-character edit script applied to them, and the bad inputs (a 10 MB prompt, a YAML
// alias bomb). Same seed, same output, on every machine.

/** mulberry32: a small, fast, seedable PRNG; good enough to vary the generated text. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Rand = () => number;
const pick = <T>(r: Rand, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)];
const int = (r: Rand, lo: number, hi: number): number => lo + Math.floor(r() * (hi - lo + 1));

const NOUNS = ['customer', 'ticket', 'order', 'account', 'invoice', 'product', 'region', 'policy', 'message', 'report', 'summary', 'query', 'source', 'document', 'user', 'agent', 'session', 'plan', 'item', 'review'];
const QUALIFIERS = ['Name', 'Id', 'Text', 'Date', 'Status', 'Count', 'Notes', 'Title', 'Body', 'Score', 'Locale', 'Tier', 'Owner', 'Label', 'Url', 'Code'];
const WORDS = ('the a an of to in for with on and or but if then when where which that this these those answer question customer ticket summary ' +
  'model reply context careful brief facts only source quote cite please never always include exclude format list bullet sentence paragraph ' +
  'language tone formal friendly concise detail example step reason check verify before after each every important note rule policy').split(' ');

function sentence(r: Rand, min = 6, max = 16): string {
  const n = int(r, min, max);
  const words: string[] = [];
  for (let i = 0; i < n; i++) words.push(pick(r, WORDS));
  const s = words.join(' ');
  return s[0].toUpperCase() + s.slice(1) + pick(r, ['.', '.', '.', ':', '?']);
}

type Var =
  | { kind: 'scalar'; name: string; type: string; optional: boolean }
  | { kind: 'array'; name: string }
  | { kind: 'object'; name: string; fields: string[] }
  | { kind: 'enum'; name: string; values: string[] };

/** About 20 input variables at 100 lines, 80 at 1,000 and 200 (the cap) at 10,000. */
export function variableCount(lines: number): number {
  return Math.min(200, Math.max(20, Math.round(20 * Math.pow(lines / 100, 0.6))));
}

function makeVariables(r: Rand, count: number): Var[] {
  const vars: Var[] = [];
  const used = new Set<string>();
  for (let i = 0; vars.length < count; i++) {
    let name = pick(r, NOUNS) + pick(r, QUALIFIERS);
    if (used.has(name)) name += String(i);
    used.add(name);
    const k = r();
    if (k < 0.5) vars.push({ kind: 'scalar', name, type: 'string', optional: false });
    else if (k < 0.62) vars.push({ kind: 'scalar', name, type: pick(r, ['number', 'integer', 'boolean']), optional: false });
    else if (k < 0.72) vars.push({ kind: 'scalar', name, type: 'string', optional: true });
    else if (k < 0.84) vars.push({ kind: 'array', name });
    else if (k < 0.95) vars.push({ kind: 'object', name, fields: ['subject', 'body', 'author', 'createdAt'].slice(0, int(r, 2, 4)) });
    else vars.push({ kind: 'enum', name, values: ['low', 'normal', 'high', 'urgent'].slice(0, int(r, 2, 4)) });
  }
  return vars;
}

function frontmatter(r: Rand, lines: number, vars: Var[]): string[] {
  const out = [
    '---',
    `name: generated-${lines}`,
    `description: A generated prompt of about ${lines} lines for the benchmark; it reads like a long support prompt.`,
    'version: "2.4.1"',
    'model: openai/gpt-4o-mini',
    'config:',
    '  temperature: 0.3',
    '  maxOutputTokens: 1024',
    '  topP: 0.9',
    '  stopSequences: ["</answer>"]',
    'input:',
    '  schema:',
  ];
  for (const v of vars) {
    const desc = sentence(r, 3, 8).replace(/[.:?]$/, '').toLowerCase();
    switch (v.kind) {
      case 'scalar':
        out.push(`    ${v.name}${v.optional ? '?' : ''}: ${v.type}, ${desc}`);
        break;
      case 'array':
        out.push(`    ${v.name}(array, ${desc}): string`);
        break;
      case 'object':
        out.push(`    ${v.name}(object, ${desc}):`);
        for (const f of v.fields) out.push(`      ${f}: string`);
        break;
      case 'enum':
        out.push(`    ${v.name}(enum): [${v.values.join(', ')}]`);
        break;
    }
  }
  out.push('  default:');
  for (const v of vars.filter((x) => x.kind === 'scalar' && x.type === 'string').slice(0, 5)) out.push(`    ${v.name}: unknown`);
  out.push('output:', '  format: json', '  schema:', '    answer: string, the reply to send', '    confidence: number, between 0 and 1', '    citations(array): string');
  out.push('metadata:', '  owner: bench', '  tags: [generated, benchmark]', '---');
  return out;
}

/**
 * Picks the variables the template refers to: a variable not used yet first (so every declared
 * input is used and the prompt has no "unused variable" warnings), then any at random.
 */
class Refs {
  readonly unused: Set<string>;
  constructor(
    private readonly r: Rand,
    readonly vars: Var[],
  ) {
    this.unused = new Set(vars.map((v) => v.name));
  }

  pick<K extends Var['kind']>(kinds: K[]): Extract<Var, { kind: K }> | undefined {
    const candidates = this.vars.filter((v) => (kinds as string[]).includes(v.kind)) as Extract<Var, { kind: K }>[];
    if (!candidates.length) return undefined;
    const v = candidates.find((c) => this.unused.has(c.name)) ?? pick(this.r, candidates);
    this.unused.delete(v.name);
    return v;
  }

  /** An inline reference: `{{name}}` or `{{object.field}}`. */
  inline(): string {
    const v = this.pick(this.r() < 0.2 ? ['object'] : ['scalar', 'enum']) ?? this.pick(['scalar', 'enum'])!;
    return v.kind === 'object' ? `{{${v.name}.${pick(this.r, v.fields)}}}` : `{{${v.name}}}`;
  }

  /** One line that uses the variable, for the inputs list at the end. */
  static line(v: Var): string {
    switch (v.kind) {
      case 'array':
        return `- ${v.name}: {{#each ${v.name}}}{{this}}{{#unless @last}}, {{/unless}}{{/each}}`;
      case 'object':
        return `- ${v.name}: {{${v.name}.${v.fields[0]}}}`;
      default:
        return `- ${v.name}: {{${v.name}}}`;
    }
  }
}

/** One block of template lines; every block is self-contained (its `{{#x}}` and `{{/x}}` balance). */
function section(r: Rand, refs: Refs): string[] {
  const prose = (): string => {
    const s = sentence(r);
    if (r() < 0.4) {
      const words = s.split(' ');
      words.splice(int(r, 1, words.length - 1), 0, refs.inline());
      return words.join(' ');
    }
    return s;
  };
  const k = r();
  if (k < 0.32) return Array.from({ length: int(r, 2, 6) }, prose);
  if (k < 0.47) {
    const cond = refs.pick(['scalar', 'array', 'object', 'enum'])!.name;
    const body = Array.from({ length: int(r, 1, 3) }, prose);
    return r() < 0.5 ? [`{{#if ${cond}}}`, ...body, '{{else}}', prose(), '{{/if}}'] : [`{{#if ${cond}}}`, ...body, '{{/if}}'];
  }
  if (k < 0.57) {
    const list = refs.pick(['array']);
    if (list) {
      const inner = r() < 0.4 ? ['{{#if @first}}First: {{this}}{{else}}- {{@index}}. {{this}}{{/if}}'] : ['- {{@index}}. {{this}}'];
      return [`{{#each ${list.name}}}`, ...inner, '{{/each}}'];
    }
  }
  if (k < 0.63) return [`{{#unless ${refs.pick(['scalar', 'enum'])!.name}}}`, prose(), '{{/unless}}'];
  // Partials: `footer` is examples/_footer.prompt, which the server finds in its workspace folder.
  if (k < 0.69) return [pick(r, ['{{> footer}}', '{{> footer}}', '{{> footer tone="formal"}}'])];
  if (k < 0.75) return [`{{! ${sentence(r, 3, 7)} }}`];
  if (k < 0.79) return ['{{!--', sentence(r), sentence(r), '--}}'];
  if (k < 0.86) {
    const tag = pick(r, ['context', 'instructions', 'example', 'rules']);
    return [`<${tag}>`, prose(), prose(), `</${tag}>`];
  }
  if (k < 0.9) {
    const o = refs.pick(['object']);
    // Inside `{{#with}}` names resolve against the object, so only its fields are used.
    if (o) return [`{{#with ${o.name}}}`, `Subject: {{${o.fields[0]}}}`, `${sentence(r)} From {{${o.fields[1]}}}.`, '{{/with}}'];
  }
  if (k < 0.93) return [`{{json ${refs.pick(['scalar', 'array', 'object', 'enum'])!.name}}}`];
  if (k < 0.95) return [`{{media url=${refs.pick(['scalar'])!.name}}}`];
  return ['', `## ${sentence(r, 2, 5).replace(/[.:?]$/, '')}`, ''];
}

export interface GeneratedPrompt {
  text: string;
  lines: number;
  variables: number;
}

/**
 * A realistic prompt of exactly `lines` lines (frontmatter included), the same for the same seed.
 * Every declared input is used; the inputs not used by the generated sections are listed at the
 * end, one line each, as prompts often do.
 */
export function generatePrompt(lines: number, seed = 1): GeneratedPrompt {
  const r = rng(seed * 7919 + lines);
  const vars = makeVariables(r, variableCount(lines));
  const refs = new Refs(r, vars);
  const out = frontmatter(r, lines, vars);
  let sinceRole = Infinity;
  let roleIndex = 0;
  const room = () => lines - out.length - (refs.unused.size ? refs.unused.size + 2 : 0);
  while (room() > 0) {
    let block: string[];
    if (sinceRole > int(r, 25, 60)) {
      block = [`{{role "${['system', 'user', 'model', 'user'][roleIndex++ % 4]}"}}`];
      if (roleIndex === 3) block.push('{{history}}');
      sinceRole = 0;
    } else {
      const before = new Set(refs.unused);
      block = section(r, refs);
      if (block.length > room()) {
        // The block does not fit: fill with prose, and the variables it used are unused again.
        for (const name of before) refs.unused.add(name);
        block = [];
      }
    }
    if (block.length > room()) block = [];
    if (!block.length) block = Array.from({ length: Math.max(0, room()) }, () => sentence(r));
    out.push(...block);
    sinceRole += block.length;
  }
  if (refs.unused.size) {
    out.push('<inputs>', ...vars.filter((v) => refs.unused.has(v.name)).map(Refs.line), '</inputs>');
    refs.unused.clear();
  }
  while (out.length < lines) out.push(sentence(r));
  return { text: out.join('\n') + '\n', lines: out.length, variables: vars.length };
}

// ---- edits ----

export type EditKind = 'body-prose' | 'body-tag-name' | 'body-brace' | 'frontmatter-description' | 'frontmatter-key';

export interface Edit {
  kind: EditKind;
  range: { start: { line: number; character: number }; end: { line: number; character: number } };
  text: string;
}

/**
 * Single-character edits that type a character and then delete it again (two edits, two versions),
 * so the document returns to its clean state every second edit and later edits are not measured on
 * a document that has drifted into nonsense. The mix: 75% in the template body (prose 50%, inside a
 * variable name 17%, a `{` typed before a tag, which is a transient error, 8%), 25% in the
 * frontmatter (inside a schema description 15%, inside a variable's key 10%).
 */
export function editScript(text: string, count: number, seed = 1): Edit[] {
  const r = rng(seed * 104729 + count);
  const lines = text.split('\n');
  const close = lines.indexOf('---', 1);
  const schemaStart = lines.indexOf('  schema:');
  const schemaEnd = lines.indexOf('  default:');
  const prose: number[] = [];
  const tagLines: number[] = [];
  const varLines: number[] = [];
  for (let i = close + 1; i < lines.length; i++) {
    if (/\{\{[A-Za-z][\w.]*\}\}/.test(lines[i])) varLines.push(i);
    if (lines[i].includes('{{')) tagLines.push(i);
    else if (lines[i].length > 10) prose.push(i);
  }
  const descLines: number[] = [];
  const keyLines: number[] = [];
  for (let i = schemaStart + 1; i < schemaEnd; i++) {
    if (/^ {4}\S/.test(lines[i])) keyLines.push(i);
    if (/, \w/.test(lines[i])) descLines.push(i);
  }
  const letters = 'etaoinshrdlu';
  const edits: Edit[] = [];
  while (edits.length < count) {
    const k = r();
    let kind: EditKind;
    let line: number;
    let character: number;
    let ch = pick(r, letters.split(''));
    if (k < 0.5 || (k < 0.75 && !varLines.length)) {
      kind = 'body-prose';
      line = pick(r, prose);
      character = int(r, 0, lines[line].length);
    } else if (k < 0.67) {
      kind = 'body-tag-name';
      line = pick(r, varLines);
      const m = pick(r, [...lines[line].matchAll(/\{\{([A-Za-z][\w.]*)\}\}/g)]);
      character = m.index! + 2 + int(r, 1, m[1].length);
    } else if (k < 0.75) {
      kind = 'body-brace';
      line = pick(r, tagLines);
      character = lines[line].indexOf('{{');
      ch = '{';
    } else if (k < 0.9) {
      kind = 'frontmatter-description';
      line = pick(r, descLines);
      const at = lines[line].indexOf(', ') + 2;
      character = int(r, at, lines[line].length);
    } else {
      kind = 'frontmatter-key';
      line = pick(r, keyLines);
      const nameEnd = lines[line].search(/[?(:]/);
      character = int(r, 5, nameEnd);
    }
    const at = { line, character };
    edits.push({ kind, range: { start: at, end: at }, text: ch });
    edits.push({ kind, range: { start: at, end: { line, character: character + 1 } }, text: '' });
  }
  return edits.slice(0, count);
}

/** Applies an edit to the text (as the server's TextDocument does) so the engine can be timed on the same versions. */
export function applyEdit(text: string, lineStarts: number[], e: Edit): string {
  const s = lineStarts[e.range.start.line] + e.range.start.character;
  const t = lineStarts[e.range.end.line] + e.range.end.character;
  return text.slice(0, s) + e.text + text.slice(t);
}

export function lineStartsOf(text: string): number[] {
  const starts = [0];
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 10) starts.push(i + 1);
  return starts;
}

// ---- bad inputs ----

/** A prompt of at least `bytes` characters: a normal frontmatter and a template body repeated until large. */
export function largePrompt(bytes: number): string {
  const base = generatePrompt(1000, 3).text;
  const close = base.indexOf('\n---\n') + 5;
  const head = base.slice(0, close);
  const body = base.slice(close);
  const parts = [head];
  let size = head.length;
  while (size < bytes) {
    parts.push(body);
    size += body.length;
  }
  return parts.join('');
}

/** The classic "billion laughs" in the frontmatter: 9 levels of 9 aliases, 9^9 nodes if expanded. */
export function aliasBombPrompt(): string {
  const out = ['---', 'model: openai/gpt-4o-mini', 'metadata:', '  a: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]'];
  const names = 'abcdefghi';
  for (let i = 1; i < names.length; i++) {
    const prev = names[i - 1];
    out.push(`  ${names[i]}: &${names[i]} [${Array(9).fill(`*${prev}`).join(', ')}]`);
  }
  out.push('---', '{{role "user"}}', 'Say hello.', '');
  return out.join('\n');
}
