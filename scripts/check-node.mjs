#!/usr/bin/env node
// Checks that the running Node.js is one the project supports: the `engines.node` of package.json
// (">=N" or ">=N.M"). `.ci/run` runs it first, so a wrong Node fails with one clear line instead of
// an obscure error halfway through the build.
//   node scripts/check-node.mjs     exit 0 (and the version) when it fits, 1 with what to install otherwise
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The lowest version `range` (">=20", ">= 20.18.1") allows, as [major, minor, patch]; undefined for other forms. */
export function minimumOf(range) {
  const m = /^\s*>=\s*(\d+)(?:\.(\d+))?(?:\.(\d+))?\s*$/.exec(range ?? '');
  return m ? [Number(m[1]), Number(m[2] ?? 0), Number(m[3] ?? 0)] : undefined;
}

/** undefined when `version` ("v20.20.2") satisfies `range`, else the message to print. */
export function checkNode(version, range) {
  const min = minimumOf(range);
  if (!min) return `package.json: engines.node is "${range}"; scripts/check-node.mjs understands ">=N", ">=N.M" or ">=N.M.P".`;
  const have = version.replace(/^v/, '').split('.').map(Number);
  const cmp = have[0] - min[0] || have[1] - min[1] || have[2] - min[2];
  if (cmp >= 0) return undefined;
  return `Prompt Workbench needs Node.js ${range.replace(/\s+/g, '')} (package.json engines.node); this is Node.js ${version}. Install Node.js ${min.join('.')} or later (https://nodejs.org/, or nvm install ${min[0]}) and run again.`;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
  const problem = checkNode(process.version, pkg.engines?.node);
  if (problem) {
    console.error(problem);
    process.exit(1);
  }
  console.log(`Node.js ${process.version} (package.json engines.node ${pkg.engines.node})`);
}
