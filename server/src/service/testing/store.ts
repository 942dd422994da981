// The small file interface the cache and the run records write through, so the engine does no I/O
// of its own. The Node host (`server/src/node/host.ts`) implements it on disk (atomic writes); tests may use the same.
export interface FileStore {
  /** Where the files are, for messages (a folder path). */
  readonly location: string;
  /** The text of a file, or undefined when it does not exist. */
  read(name: string): Promise<string | undefined>;
  /** Writes a whole file atomically: a reader sees the old file or the new one, never a part. */
  writeAtomic(name: string, text: string): Promise<void>;
  /** File names (relative, `/`-separated), recursively. */
  list(): Promise<string[]>;
  /** Removes every file. */
  clear(): Promise<void>;
}
