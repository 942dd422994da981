// Cursor markers in fixtures: `Hello {{na|}}` means the cursor sits where `|` is.
import { parsePromptDocument, type PromptDocument } from '../../server/src/service';

export function withCursor(source: string, marker = '|'): { text: string; offset: number } {
  const offset = source.indexOf(marker);
  if (offset < 0) throw new Error(`fixture has no cursor marker "${marker}"`);
  if (source.indexOf(marker, offset + 1) >= 0) throw new Error(`fixture has more than one cursor marker "${marker}"`);
  return { text: source.slice(0, offset) + source.slice(offset + marker.length), offset };
}

export function docAtCursor(source: string, marker = '|'): { doc: PromptDocument; offset: number } {
  const { text, offset } = withCursor(source, marker);
  return { doc: parsePromptDocument(text, 'file:///test.prompt', 1), offset };
}

/** The text a diagnostic (or any offset span) covers. */
export function covered(doc: PromptDocument, span: { start: number; end: number }): string {
  return doc.text.slice(span.start, span.end);
}
