// The `.prompt` files below a folder, in a stable order (sorted at each level), for tests that run
// every example prompt through the engine.
import { readdirSync, statSync } from 'node:fs';
import * as path from 'node:path';

export function promptFiles(dir: string, out: string[] = []): string[] {
  for (const name of readdirSync(dir).sort()) {
    const file = path.join(dir, name);
    if (statSync(file).isDirectory()) promptFiles(file, out);
    else if (name.endsWith('.prompt')) out.push(file);
  }
  return out;
}
