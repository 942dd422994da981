// Semantic tokens for template names, so declared inputs, undeclared names, block parameters and
// helpers are coloured differently whatever the theme's TextMate rules say.
import type { PromptDocument } from './document';
import { analyze, type AnalysisOptions } from './scope';

export const TOKEN_TYPES = ['parameter', 'property', 'variable', 'function', 'namespace', 'undeclaredVariable'] as const;
export const TOKEN_MODIFIERS = ['declaration', 'readonly', 'defaultLibrary'] as const;
export const SEMANTIC_LEGEND = { tokenTypes: [...TOKEN_TYPES], tokenModifiers: [...TOKEN_MODIFIERS] };

type TokenType = (typeof TOKEN_TYPES)[number];

export function semanticTokens(doc: PromptDocument, options: AnalysisOptions = {}): { data: number[] } {
  const a = analyze(doc, options);
  const tokens: { start: number; end: number; type: TokenType; modifiers: number }[] = [];
  for (const r of a.refs) {
    const s = r.expr.span;
    if (r.kind === 'input') tokens.push({ start: s.start, end: s.end, type: r.declared ? 'parameter' : 'undeclaredVariable', modifiers: 0 });
    else if (r.kind === 'field') tokens.push({ start: s.start, end: s.end, type: r.declared ? 'property' : 'undeclaredVariable', modifiers: 0 });
    else if (r.kind === 'local' || r.kind === 'this') tokens.push({ start: s.start, end: s.end, type: 'variable', modifiers: 0 });
    else if (r.kind === 'data') tokens.push({ start: s.start, end: s.end, type: 'variable', modifiers: 1 << 1 });
  }
  for (const h of a.helpers) tokens.push({ start: h.span.start, end: h.span.end, type: 'function', modifiers: h.builtin ? 1 << 2 : 0 });
  for (const p of a.partials) tokens.push({ start: p.span.start, end: p.span.end, type: 'namespace', modifiers: 0 });
  tokens.sort((x, y) => x.start - y.start);

  const data: number[] = [];
  let prevLine = 0;
  let prevChar = 0;
  for (const t of tokens) {
    const start = doc.lines.positionAt(t.start);
    const end = doc.lines.positionAt(t.end);
    // Tokens may not span lines; a span that is not a forward pair of numbers would corrupt every
    // relative position after it.
    if (end.line !== start.line || !(t.end > t.start) || start.line < prevLine) continue;
    data.push(start.line - prevLine, start.line === prevLine ? start.character - prevChar : start.character, t.end - t.start, TOKEN_TYPES.indexOf(t.type), t.modifiers);
    prevLine = start.line;
    prevChar = start.character;
  }
  return { data };
}
