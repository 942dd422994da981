// One parsed PromptDocument per open document version and parse options, shared by every feature;
// dropped on change (a new version replaces it) and on close. The options are part of the key, so
// a parse made before a document's settings were known is never reused once they are.
import { parseDocumentSteps, type ParseOptions, type PromptDocument } from './document';
import { forgetLintState } from './lint/blocks';
import { forgetWalks } from './scope/walker';
import { runSteps, type Steps } from './slice';

export interface VersionedText {
  uri: string;
  version: number;
  /** The editor's language id: decides the format of a document whose name no format claims (an untitled buffer). */
  languageId?: string;
  getText(): string;
}

/** A parse under way (a sliced one paused between two steps), shared by every caller that asks for the same version and options. */
interface Flight {
  version: number;
  key: string;
  steps: Steps<PromptDocument>;
  /** Set once the parse is done. */
  doc?: PromptDocument;
}

export class PromptDocumentCache {
  private readonly docs = new Map<string, { doc: PromptDocument; key: string }>();
  private readonly flights = new Map<string, Flight>();
  /** Number of parses performed; lets tests prove that features share one parse. */
  parses = 0;

  constructor(private readonly options: (uri: string) => ParseOptions = () => ({})) {}

  /** The parse of this version with these options (default: the constructor's options for the URI). */
  get(doc: VersionedText, options: ParseOptions = this.options(doc.uri)): PromptDocument {
    return runSteps(this.getSteps(doc, options));
  }

  /**
   * `get` as steps, for a sliced run (`Slicer.run`) that pauses inside the parse of a large
   * document. The parse is shared: a `get` of the same version and options meanwhile (a request
   * answered between two slices) finishes it, and this run then returns that same document.
   */
  *getSteps(doc: VersionedText, options: ParseOptions = this.options(doc.uri)): Steps<PromptDocument> {
    const key = optionsKey(options);
    const hit = this.docs.get(doc.uri);
    if (hit && hit.doc.version === doc.version && hit.key === key) return hit.doc;
    let flight = this.flights.get(doc.uri);
    if (!flight || flight.version !== doc.version || flight.key !== key) {
      // The previous parse still lends its frontmatter (same text, same result whatever the options).
      flight = { version: doc.version, key, steps: parseDocumentSteps(doc.getText(), doc.uri, doc.version, options, hit?.doc, doc.languageId) };
      this.flights.set(doc.uri, flight);
    }
    while (!flight.doc) {
      let r: IteratorResult<string, PromptDocument>;
      try {
        r = flight.steps.next();
      } catch (e) {
        if (this.flights.get(doc.uri) === flight) this.flights.delete(doc.uri);
        throw e;
      }
      if (!r.done) {
        yield r.value;
        continue;
      }
      flight.doc = r.value;
      this.parses++;
      // A flight dropped meanwhile (the document closed, the cache cleared) is not stored.
      if (this.flights.get(doc.uri) === flight) {
        this.flights.delete(doc.uri);
        this.docs.set(doc.uri, { doc: r.value, key });
      }
    }
    return flight.doc;
  }

  /** The last parse stored for a URI, whatever its version and options; undefined when none. Parses nothing. */
  peek(uri: string): PromptDocument | undefined {
    return this.docs.get(uri)?.doc;
  }

  delete(uri: string): void {
    this.docs.delete(uri);
    this.flights.delete(uri);
    forgetLintState(uri);
    forgetWalks(uri);
  }

  clear(): void {
    for (const uri of this.docs.keys()) {
      forgetLintState(uri);
      forgetWalks(uri);
    }
    this.docs.clear();
    this.flights.clear();
  }
}

function optionsKey(options: ParseOptions): string {
  return JSON.stringify(Object.entries(options).filter(([, v]) => v !== undefined).sort(([a], [b]) => a.localeCompare(b)));
}
