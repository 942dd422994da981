// What the lint rules read of a prompt file: its prose (message contents, judge prompts and judge
// system prompts) at the characters where it is written, everything else blanked out with line
// breaks kept, so every finding's range is the file's own characters (inside block scalars and
// quoted strings alike) and YAML keys, test data and evaluator names are never read as prose.
// Comment lines with a `prompt-workbench-disable` directive stay, so suppressions work. A blanked
// run that ends its line is filled with zero-width spaces (not white space to the rules), so the
// YAML outside the prose never reads as trailing white space sent to the model.
import type { PromptDocument } from '../../document';
import { promptFileInfo } from './parse';

const views = new WeakMap<PromptDocument, PromptDocument>();

export function lintView(doc: PromptDocument): PromptDocument {
  const hit = views.get(doc);
  if (hit) return hit;
  const text = doc.text;
  const keep = new Uint8Array(text.length);
  for (const s of promptFileInfo(doc).prose) keep.fill(1, s.start, s.end);
  // YAML layout inside the prose (a block scalar's indentation) is not text the model reads.
  for (const s of promptFileInfo(doc).proseLayout) keep.fill(0, s.start, s.end);
  // Comment lines holding a directive (a scan: no regular expression over long lines).
  for (let at = text.indexOf('prompt-workbench-disable'); at >= 0; at = text.indexOf('prompt-workbench-disable', at + 1)) {
    let start = at;
    while (start > 0 && text[start - 1] !== '\n' && text[start - 1] !== '\r') start--;
    let i = start;
    while (text[i] === ' ' || text[i] === '\t') i++;
    if (text[i] !== '#') continue;
    let end = at;
    while (end < text.length && text[end] !== '\n' && text[end] !== '\r') end++;
    keep.fill(1, start, end);
  }
  let out = '';
  let from = 0;
  for (let i = 0; i <= text.length; i++) {
    if (i < text.length && keep[i]) continue;
    if (i > from) out += text.slice(from, i);
    if (i < text.length) out += text[i] === '\n' || text[i] === '\r' ? text[i] : ' ';
    from = i + 1;
  }
  // A blanked run that ends its line: zero-width spaces (a backwards scan from each line end).
  const chars = out.split('');
  for (let end = 0; end <= chars.length; end++) {
    if (end < chars.length && chars[end] !== '\n' && chars[end] !== '\r') continue;
    for (let i = end - 1; i >= 0 && chars[i] === ' ' && !keep[i]; i--) chars[i] = '\u200b';
  }
  out = chars.join('');
  // Only the prose's placeholders are written into text a model reads; a string evaluator's are compared, not sent.
  const prose = promptFileInfo(doc).prose;
  const tags = doc.template.tags.filter((t) => prose.some((s) => s.start <= t.span.start && t.span.end <= s.end));
  const view: PromptDocument = { ...doc, text: out, template: { ...doc.template, tags } };
  views.set(doc, view);
  return view;
}
