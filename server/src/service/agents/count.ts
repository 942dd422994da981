// Tokens of one agent instruction file: the body (what the agent sends) and each Markdown section,
// counted with the block counter (chunks cached by text, so a recount after an edit counts about
// the edited chunk). Memoised per parsed document and model. The sections cover the body, so the
// file's count is their sum.
import type { PromptDocument } from '../document';
import { agentInfo, type AgentFileInfo } from '../formats/registry';
import { catalogueFor, type TokenOptions } from '../tokens/count';
import { resolveModel, type ResolvedModel } from '../tokens/catalogue';
import { blockCounter } from '../tokens/tokenizer';

export interface SectionTokens {
  /** The heading's text; absent for the text before the first heading. */
  title?: string;
  level: number;
  /** Zero-based line of the heading (or of the body's start). */
  line: number;
  tokens: number;
}

export interface AgentFileTokens {
  model: ResolvedModel;
  /** The body's tokens: the sum of the sections'. */
  tokens: number;
  /** The frontmatter's tokens (read by the tool, not sent as instructions). */
  frontmatter: number;
  sections: SectionTokens[];
  /** True when a number is an estimate (a family without a public tokenizer, or a long run). */
  estimated: boolean;
}

const memo = new WeakMap<PromptDocument, { key: string; value: AgentFileTokens }>();

/** The counts of an agent instruction file; undefined for any other document. */
export function agentFileTokens(doc: PromptDocument, options: TokenOptions = {}): AgentFileTokens | undefined {
  const info = agentInfo(doc);
  if (!info) return undefined;
  const key = `${options.model ?? ''}\u0000${options.models ? JSON.stringify(options.models) : ''}`;
  const hit = memo.get(doc);
  if (hit && hit.key === key) return hit.value;
  const value = compute(doc, info, options);
  memo.set(doc, { key, value });
  return value;
}

function compute(doc: PromptDocument, info: AgentFileInfo, options: TokenOptions): AgentFileTokens {
  const model = resolveModel(doc.prompt.model?.value, options.model, catalogueFor(options));
  const counter = blockCounter(model.encoding);
  let longRuns = 0;
  const count = (start: number, end: number) => {
    const c = counter.count(doc.text, start, end);
    longRuns += c.longRuns;
    return model.factor === 1 ? c.tokens : Math.round(c.tokens * model.factor);
  };
  const sections: SectionTokens[] = [];
  if (doc.notice !== 'binary') {
    info.sections.forEach((s, i) => {
      // The first section starts at the body, so blank lines before the first heading are counted too.
      const start = i === 0 ? info.body.start : s.span.start;
      sections.push({ title: s.heading?.title, level: s.heading?.level ?? 0, line: doc.lines.positionAt(s.heading?.span.start ?? start).line, tokens: count(start, s.span.end) });
    });
    if (!info.sections.length && info.body.end > info.body.start) sections.push({ level: 0, line: doc.lines.positionAt(info.body.start).line, tokens: count(info.body.start, info.body.end) });
  }
  const fm = doc.frontmatter.present && doc.notice !== 'binary' ? count(doc.frontmatter.span.start, doc.frontmatter.span.end) : 0;
  return { model, tokens: sections.reduce((s, x) => s + x.tokens, 0), frontmatter: fm, sections, estimated: !model.exact || longRuns > 0 };
}
