// What a feature keeps of a document's last version for the next keystroke (its scope walk, token
// counts, lint memos), for a bounded number of documents: the server works on its open documents,
// and the bound keeps a long session, or the CLI over a folder, from holding every file.

export class LastVersions<T> {
  private readonly kept = new Map<string, T>();

  constructor(private readonly max: number) {}

  get(uri: string): T | undefined {
    return this.kept.get(uri);
  }

  /** Keeps `value` for the document, as the most recently kept; beyond the bound the least recently kept goes. */
  keep(uri: string, value: T): void {
    this.kept.delete(uri);
    this.kept.set(uri, value);
    if (this.kept.size > this.max) this.kept.delete(this.kept.keys().next().value!);
  }

  /** Forgets one document (closed), or every one. */
  forget(uri?: string): void {
    if (uri === undefined) this.kept.clear();
    else this.kept.delete(uri);
  }
}
