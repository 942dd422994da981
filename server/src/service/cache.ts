// One parsed PromptDocument per open document version and parse options, shared by every feature;
// dropped on change (a new version replaces it) and on close. The options are part of the key, so
// a parse made before a document's settings were known is never reused once they are.
import { parseDocument, type ParseOptions, type PromptDocument } from './document';
import { forgetLintState } from './lint/blocks';
import { forgetWalks } from './scope/walker';

export interface VersionedText {
  uri: string;
  version: number;
  /** The editor's language id: decides the format of a document whose name no format claims (an untitled buffer). */
  languageId?: string;
  getText(): string;
}

export class PromptDocumentCache {
  private readonly docs = new Map<string, { doc: PromptDocument; key: string }>();
  /** Number of parses performed; lets tests prove that features share one parse. */
  parses = 0;

  constructor(private readonly options: (uri: string) => ParseOptions = () => ({})) {}

  /** The parse of this version with these options (default: the constructor's options for the URI). */
  get(doc: VersionedText, options: ParseOptions = this.options(doc.uri)): PromptDocument {
    const key = optionsKey(options);
    const hit = this.docs.get(doc.uri);
    if (hit && hit.doc.version === doc.version && hit.key === key) return hit.doc;
    // The previous parse still lends its frontmatter (same text, same result whatever the options).
    const parsed = parseDocument(doc.getText(), doc.uri, doc.version, options, hit?.doc, doc.languageId);
    this.parses++;
    this.docs.set(doc.uri, { doc: parsed, key });
    return parsed;
  }

  delete(uri: string): void {
    this.docs.delete(uri);
    forgetLintState(uri);
    forgetWalks(uri);
  }

  clear(): void {
    for (const uri of this.docs.keys()) {
      forgetLintState(uri);
      forgetWalks(uri);
    }
    this.docs.clear();
  }
}

function optionsKey(options: ParseOptions): string {
  return JSON.stringify(Object.entries(options).filter(([, v]) => v !== undefined).sort(([a], [b]) => a.localeCompare(b)));
}
