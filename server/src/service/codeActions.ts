// Quick fixes for the diagnostics whose repair is mechanical: "did you mean" replacements,
// declaring an undeclared variable in input.schema (Picoschema or JSON Schema, with a guessed
// type), removing an unused declaration, creating a missing partial, escaping literal JSON.
import { CodeActionKind, type CodeAction, type Diagnostic, type TextEdit, type WorkspaceEdit } from 'vscode-languageserver-types';
import { isMap, type Node, type Pair, type YAMLMap } from 'yaml';
import type { PromptDocument } from './document';
import { analyze, type AnalysisOptions } from './scope';
import { locate } from './yamlPath';

function fix(title: string, diagnostic: Diagnostic, edit: WorkspaceEdit, preferred = false): CodeAction {
  return { title, kind: CodeActionKind.QuickFix, diagnostics: [diagnostic], edit, isPreferred: preferred };
}

function replaceEdit(doc: PromptDocument, diagnostic: Diagnostic, newText: string): WorkspaceEdit {
  return { changes: { [doc.uri]: [{ range: diagnostic.range, newText }] } };
}

/** How the template uses each input: the fields read on it, and whether an `{{#each}}` iterates it. */
interface Usage {
  fields: Map<string, Set<string>>;
  iterated: Set<string>;
}

// Read once per analysis: walking every tag's frame stack per diagnostic made the quick fixes of a
// template with thousands of nested blocks and undeclared names take minutes.
const usages = new WeakMap<object, Usage>();

function usageOf(doc: PromptDocument, options: AnalysisOptions): Usage {
  const a = analyze(doc, options);
  let u = usages.get(a);
  if (u) return u;
  u = { fields: new Map(), iterated: new Set() };
  for (const r of a.refs) {
    if (r.kind !== 'input' || r.root === undefined) continue;
    let fields = u.fields.get(r.root);
    if (!fields) u.fields.set(r.root, (fields = new Set()));
    if (r.path.length > 1) fields.add(r.path[1]);
  }
  // The same frame object sits in the stack of every tag inside its block, above the same
  // enclosing frames: from the top down, a frame already seen means the rest were seen too.
  const seen = new Set<object>();
  for (const frames of a.framesAt) {
    for (let i = frames.length - 1; i >= 0; i--) {
      const f = frames[i];
      if (seen.has(f)) break;
      seen.add(f);
      const param = f.blockTag?.name === 'each' ? f.blockTag.params[0] : undefined;
      if (param?.kind === 'path') u.iterated.add(param.original);
    }
  }
  usages.set(a, u);
  return u;
}

/** The Picoschema line (or lines) declaring `name`, guessing its type from how the template uses it. */
function guessDeclaration(doc: PromptDocument, name: string, options: AnalysisOptions, indent: string, json: boolean): string {
  const u = usageOf(doc, options);
  const inEach = u.iterated.has(name);
  const fields = [...(u.fields.get(name) ?? [])];
  if (json) {
    if (inEach) return `${indent}${name}:\n${indent}  type: array\n${indent}  items:\n${indent}    type: string`;
    if (fields.length) return `${indent}${name}:\n${indent}  type: object\n${indent}  properties:\n${fields.map((f) => `${indent}    ${f}:\n${indent}      type: string`).join('\n')}`;
    return `${indent}${name}:\n${indent}  type: string`;
  }
  if (inEach) return `${indent}${name}(array): string`;
  if (fields.length) return `${indent}${name}(object):\n${fields.map((f) => `${indent}  ${f}: string`).join('\n')}`;
  return `${indent}${name}: string`;
}

function column(doc: PromptDocument, offset: number): number {
  return offset - doc.lines.lineStart(doc.lines.lineAt(offset));
}

function endOfLine(doc: PromptDocument, offset: number): number {
  return doc.lines.lineEnd(doc.lines.lineAt(Math.max(0, offset - 1)));
}

function declareEdit(doc: PromptDocument, name: string, options: AnalysisOptions): TextEdit | undefined {
  const fm = doc.frontmatter;
  const base = fm.content.start;
  const nl = doc.text.includes('\r\n') ? '\r\n' : '\n';
  const at = (offset: number, text: string): TextEdit => ({ range: doc.lines.range(offset, offset), newText: text.replace(/\n/g, nl) });
  if (!fm.present) return at(0, `---\ninput:\n  schema:\n${guessDeclaration(doc, name, options, '    ', false)}\n---\n`);
  if (!fm.yaml || fm.yaml.errors.length) return undefined;
  const schemaNode = locate(fm.yaml, ['input', 'schema']).node;
  const lastPairEnd = (map: YAMLMap) => {
    const pairs = map.items as Pair<Node, Node | null>[];
    const last = pairs[pairs.length - 1];
    return base + (last.value?.range?.[1] ?? last.key.range![1]);
  };
  if (isMap(schemaNode) && schemaNode.items.length && !schemaNode.flow) {
    if (doc.input.style === 'json-schema') {
      const props = locate(fm.yaml, ['input', 'schema', 'properties']).node;
      if (!isMap(props) || props.flow || !props.items.length) return undefined;
      const first = (props.items[0] as Pair<Node, Node>).key.range![0];
      const indent = ' '.repeat(column(doc, base + first));
      return at(endOfLine(doc, lastPairEnd(props)), '\n' + guessDeclaration(doc, name, options, indent, true));
    }
    const first = (schemaNode.items[0] as Pair<Node, Node>).key.range![0];
    const indent = ' '.repeat(column(doc, base + first));
    return at(endOfLine(doc, lastPairEnd(schemaNode)), '\n' + guessDeclaration(doc, name, options, indent, false));
  }
  const input = locate(fm.yaml, ['input']);
  if (input.pair && (isMap(input.node) || input.node == null) && !schemaNode) {
    const keyStart = base + input.pair.key.range![0];
    const indent = ' '.repeat(column(doc, keyStart) + 2);
    if (isMap(input.node) && input.node.flow) return undefined;
    return at(doc.lines.lineEnd(doc.lines.lineAt(keyStart)), `\n${indent}schema:\n${guessDeclaration(doc, name, options, indent + '  ', false)}`);
  }
  if (!input.pair && isMap(fm.yaml.contents) && !fm.yaml.contents.flow) {
    return at(fm.closed ? fm.content.end : doc.text.length, `${fm.content.end > fm.content.start ? '\n' : ''}input:\n  schema:\n${guessDeclaration(doc, name, options, '    ', false)}`);
  }
  if (!input.pair && fm.value == null) return at(fm.content.start, `input:\n  schema:\n${guessDeclaration(doc, name, options, '    ', false)}\n`);
  return undefined;
}

function removeDeclarationEdit(doc: PromptDocument, name: string): TextEdit | undefined {
  const field = doc.input.fields.find((f) => f.name === name);
  if (!field?.span) return undefined;
  const firstLine = doc.lines.lineAt(field.span.start);
  const lastLine = doc.lines.lineAt(Math.max(field.span.start, field.span.end - 1));
  // Only whole lines that hold nothing but this declaration.
  if (doc.text.slice(doc.lines.lineStart(firstLine), field.span.start).trim()) return undefined;
  // A declaration on the last line (an unclosed frontmatter) has no next line to end at.
  const end = lastLine + 1 < doc.lines.lineCount ? { line: lastLine + 1, character: 0 } : doc.lines.positionAt(doc.text.length);
  return { range: { start: { line: firstLine, character: 0 }, end }, newText: '' };
}

/** The URI of a new partial beside the prompt; undefined for a name no file can have (a lone surrogate, which `encodeURIComponent` rejects). */
function partialUri(doc: PromptDocument, name: string): string | undefined {
  try {
    return doc.uri.slice(0, doc.uri.lastIndexOf('/') + 1) + encodeURIComponent(`_${name}.prompt`);
  } catch {
    return undefined;
  }
}

/**
 * Moves the comment lines before `---` to just after it, as YAML comments, so every Dotprompt
 * runtime reads the frontmatter; blank lines between them and `---` go.
 */
function preambleEdits(doc: PromptDocument): TextEdit[] | undefined {
  const fm = doc.frontmatter;
  if (!fm.preamble || !fm.present) return undefined;
  const lines = doc.text.slice(fm.preamble.start, fm.preamble.end).split('\n').map((l) => l.replace(/\r$/, ''));
  while (lines.length && !lines[lines.length - 1].trim()) lines.pop();
  while (lines.length && !lines[0].trim()) lines.shift();
  const nl = doc.text.includes('\r\n') ? '\r\n' : '\n';
  const edits: TextEdit[] = [{ range: doc.lines.range(fm.preamble.start, fm.preamble.end), newText: '' }];
  if (lines.length) edits.push({ range: doc.lines.range(fm.content.start, fm.content.start), newText: (doc.text[fm.content.start - 1] === '\n' ? '' : nl) + lines.join(nl) + nl });
  return edits;
}

export function codeActions(doc: PromptDocument, diagnostics: Diagnostic[], options: AnalysisOptions = {}): CodeAction[] {
  const actions: CodeAction[] = [];
  // A fix the format wrote into the diagnostic: a title and edits by document offset.
  const writtenFix = (d: Diagnostic, data: Record<string, unknown>) => {
    const f = data.fix as { title?: unknown; edits?: unknown } | undefined;
    if (!f || typeof f.title !== 'string' || !Array.isArray(f.edits)) return;
    const edits = (f.edits as { start: number; end: number; newText: string }[]).filter((e) => typeof e.start === 'number' && typeof e.end === 'number' && typeof e.newText === 'string' && e.start <= e.end && e.end <= doc.text.length);
    if (edits.length) actions.push(fix(f.title, d, { changes: { [doc.uri]: edits.map((e) => ({ range: doc.lines.range(e.start, e.end), newText: e.newText })) } }, true));
  };
  for (const d of diagnostics) {
    const data = (d.data ?? {}) as Record<string, unknown>;
    const replacement = typeof data.replacement === 'string' ? data.replacement : undefined;
    switch (d.code) {
      case 'undefined-variable': {
        if (replacement) actions.push(fix(`Change to \`${replacement}\``, d, replaceEdit(doc, d, replacement), true));
        if (data.topLevel && typeof data.name === 'string') {
          const edit = declareEdit(doc, data.name, options);
          if (edit) actions.push(fix(`Declare \`${data.name}\` in input.schema`, d, { changes: { [doc.uri]: [edit] } }, !replacement));
        }
        break;
      }
      case 'unused-variable': {
        if (typeof data.name !== 'string') break;
        const edit = removeDeclarationEdit(doc, data.name);
        if (edit) actions.push(fix(`Remove unused \`${data.name}\` from input.schema`, d, { changes: { [doc.uri]: [edit] } }, true));
        break;
      }
      case 'missing-partial': {
        if (replacement) actions.push(fix(`Change to \`${replacement}\``, d, replaceEdit(doc, d, replacement), true));
        const uri = typeof data.name === 'string' ? partialUri(doc, data.name) : undefined;
        if (uri) {
          actions.push(fix(`Create partial file \`_${data.name}.prompt\``, d, {
            documentChanges: [
              { kind: 'create', uri, options: { ignoreIfExists: true } },
              { textDocument: { uri, version: null }, edits: [{ range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, newText: `{{!-- The partial "${data.name}": included with {{> ${data.name}}} --}}\n` }] },
            ],
          }, !replacement));
        }
        break;
      }
      case 'template-json-collision': {
        if (typeof data.escapeAt !== 'number') break;
        const at = doc.lines.positionAt(data.escapeAt);
        actions.push(fix('Escape as `\\{{` (literal text)', d, { changes: { [doc.uri]: [{ range: { start: at, end: at }, newText: '\\' }] } }, true));
        break;
      }
      case 'frontmatter-empty': {
        const remove = data.remove as { start: number; end: number } | undefined;
        if (remove && typeof remove.start === 'number' && typeof remove.end === 'number') actions.push(fix('Remove the empty frontmatter', d, { changes: { [doc.uri]: [{ range: doc.lines.range(remove.start, remove.end), newText: '' }] } }, true));
        break;
      }
      case 'frontmatter-preamble': {
        const edits = preambleEdits(doc);
        const comments = !!doc.frontmatter.preamble && doc.text.slice(doc.frontmatter.preamble.start, doc.frontmatter.preamble.end).trim() !== '';
        if (edits) actions.push(fix(comments ? 'Move the comment lines into the frontmatter' : 'Remove the blank lines before `---`', d, { changes: { [doc.uri]: edits } }, true));
        break;
      }
      case 'template-unmatched-close':
        if (typeof data.expected === 'string') actions.push(fix(`Change to \`{{/${data.expected}}}\``, d, replaceEdit(doc, d, `{{/${data.expected}}}`), true));
        break;
      case 'template-stray-close': {
        const comment = data.comment as { start: number; end: number } | undefined;
        if (comment && typeof comment.start === 'number' && typeof comment.end === 'number') {
          // `{{! a {{b}} }}` -> `{{!-- a {{b}} --}}`: one comment up to the stray `}}`.
          const inner = doc.text.slice(comment.start, comment.end - 2).replace(/^\{\{(~?)!/, '');
          const tilde = /^\{\{~/.test(doc.text.slice(comment.start, comment.start + 3)) ? '~' : '';
          actions.push(fix('Make it a `{{!-- --}}` comment', d, { changes: { [doc.uri]: [{ range: doc.lines.range(comment.start, comment.end), newText: `{{${tilde}!--${inner.trimEnd()} --}}` }] } }, true));
          break;
        }
        if (typeof data.name === 'string' && typeof data.nameStart === 'number') {
          const at = doc.lines.positionAt(data.nameStart);
          actions.push(fix(`Make it a tag: \`{{${data.name}}}\``, d, { changes: { [doc.uri]: [{ range: { start: at, end: at }, newText: '{{' }] } }, true));
        }
        actions.push(fix('Remove the stray `}}`', d, replaceEdit(doc, d, ''), !data.name));
        break;
      }
      case 'helper-shadows-field':
        if (replacement) actions.push(fix(`Change to \`{{${replacement}}}\` (the field)`, d, replaceEdit(doc, d, replacement), true));
        break;
      case 'role-case':
      case 'model-id-publisher':
      case 'unknown-role':
        if (!replacement && typeof data.field === 'string') {
          // `{{role}}` inside `{{#each}}`: the item's field, written so Handlebars reads it.
          const text = doc.text.slice(doc.lines.offsetAt(d.range.start), doc.lines.offsetAt(d.range.end));
          actions.push(fix(`Change to \`{{${data.field}}}\` (the item's field)`, d, replaceEdit(doc, d, text.replace(/\brole\b/, data.field)), true));
          break;
        }
        if (replacement) actions.push(fix(`Change to \`${replacement}\``, d, replaceEdit(doc, d, replacement), true));
        break;
      case 'unknown-helper':
      case 'prompty-unknown-role':
      case 'prompty-undeclared-input':
      case 'prompty-template-unmatched':
      case 'frontmatter-unknown-key':
      case 'frontmatter-schema':
      case 'output-format-unknown':
      case 'prompt-file-unknown-key':
      case 'prompt-file-schema':
      case 'prompt-file-evaluator':
      case 'placeholder-spaces':
      case 'input-schema-type':
      case 'template-foreign-syntax':
        if (replacement) actions.push(fix(d.code === 'template-foreign-syntax' ? 'Change to a Handlebars comment' : `Change to \`${replacement}\``, d, replaceEdit(doc, d, replacement), true));
        else writtenFix(d, data);
        break;
      default:
        writtenFix(d, data);
        break;
    }
  }
  return actions;
}
