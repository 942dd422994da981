// Which build of the engine is running, for caches that must not outlive it (the catalogue's row
// cache): the version plus the size and time of the running bundle, so a rebuild of the same
// version (a development build, a reinstalled VSIX) is another build too.
import { statSync } from 'node:fs';
import { VERSION } from '../version';

export function engineBuildId(file: string = __filename): string {
  try {
    const s = statSync(file);
    return `${VERSION}+${s.size}.${Math.floor(s.mtimeMs)}`;
  } catch {
    return `${VERSION}+unknown`;
  }
}
