// One parsed PromptDocument per open document version, shared by every feature; dropped on
// change (a new version replaces it) and on close.
import { parseDocument, type ParseOptions, type PromptDocument } from './document';

export interface VersionedText {
  uri: string;
  version: number;
  getText(): string;
}

export class PromptDocumentCache {
  private readonly docs = new Map<string, PromptDocument>();
  /** Number of parses performed; lets tests prove that features share one parse. */
  parses = 0;

  constructor(private readonly options: (uri: string) => ParseOptions = () => ({})) {}

  get(doc: VersionedText): PromptDocument {
    const hit = this.docs.get(doc.uri);
    if (hit && hit.version === doc.version) return hit;
    const parsed = parseDocument(doc.getText(), doc.uri, doc.version, this.options(doc.uri), hit);
    this.parses++;
    this.docs.set(doc.uri, parsed);
    return parsed;
  }

  delete(uri: string): void {
    this.docs.delete(uri);
  }

  clear(): void {
    this.docs.clear();
  }
}
