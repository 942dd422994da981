// Reads a zip file (a .vsix) with yauzl: every entry's name and sizes, and the bytes of the
// entries asked for. Used by the package test and the VSIX benchmark.
import * as yauzl from 'yauzl';

export interface ZipEntry {
  /** The path inside the zip, with forward slashes. */
  name: string;
  /** Uncompressed size in bytes. */
  size: number;
  /** Compressed size in bytes. */
  compressed: number;
  /** The uncompressed bytes, for the entries `withData` selected. */
  data?: Buffer;
}

/** All entries of the zip at `file`, in their order in the zip. */
export function readZip(file: string, withData: (name: string) => boolean = () => false): Promise<ZipEntry[]> {
  return new Promise((resolve, reject) => {
    yauzl.open(file, { lazyEntries: true, autoClose: true }, (err, zip) => {
      if (err || !zip) return reject(err ?? new Error(`cannot open ${file}`));
      const entries: ZipEntry[] = [];
      zip.on('error', reject);
      zip.on('end', () => resolve(entries));
      zip.on('entry', (e: yauzl.Entry) => {
        const entry: ZipEntry = { name: e.fileName, size: e.uncompressedSize, compressed: e.compressedSize };
        entries.push(entry);
        if (e.fileName.endsWith('/') || !withData(e.fileName)) return zip.readEntry();
        zip.openReadStream(e, (streamErr, stream) => {
          if (streamErr || !stream) return reject(streamErr ?? new Error(`cannot read ${e.fileName} in ${file}`));
          const chunks: Buffer[] = [];
          stream.on('data', (c: Buffer) => chunks.push(c));
          stream.on('error', reject);
          stream.on('end', () => {
            entry.data = Buffer.concat(chunks);
            zip.readEntry();
          });
        });
      });
      zip.readEntry();
    });
  });
}
