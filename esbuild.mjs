// Builds every entry point (extension client, language server, CLI) in one place.
// `node esbuild.mjs` builds once, `--watch` rebuilds on change, `--production` minifies.
import * as esbuild from 'esbuild';

const watch = process.argv.includes('--watch');
const production = process.argv.includes('--production');
const IMPORT_META_URL = "const importMetaUrl = require('node:url').pathToFileURL(__filename).href;";

/** @type {import('esbuild').BuildOptions} */
const common = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  sourcemap: true,
  minify: production,
  // `vscode` is provided by the editor at run time; nothing else is needed from node_modules.
  external: ['vscode'],
  logLevel: 'info',
  legalComments: 'none',
  // Some ESM dependencies read `import.meta.url`; give them this file's URL in the CJS bundle.
  define: { 'import.meta.url': 'importMetaUrl' },
  banner: { js: IMPORT_META_URL },
};

const e2e = process.argv.includes('--e2e');

const entries = [
  { entryPoints: { client: 'client/src/extension.ts' } },
  // Loaded by the client right after activation (see client/src/extension.ts).
  { entryPoints: { session: 'client/src/session.ts' } },
  // Test runs in the editor (engine, provider SDKs, Testing API), loaded after activation too.
  { entryPoints: { testing: 'client/src/testing/index.ts' } },
  // "Compare Test Results" of the Prompt History view (test engine, provider SDKs), loaded on first use.
  { entryPoints: { server: 'server/src/server.ts' } },
  { entryPoints: { cli: 'server/src/cli/main.ts' }, banner: { js: `#!/usr/bin/env node\n${IMPORT_META_URL}` } },
];
// The end-to-end suite runs inside VS Code's extension host (npm run test:e2e).
if (e2e) entries.push({ entryPoints: { 'e2e/suite': 'test/e2e/suite/index.ts' } });

const contexts = await Promise.all(entries.map((e) => esbuild.context({ ...common, ...e, outdir: 'dist' })));
if (watch) {
  await Promise.all(contexts.map((c) => c.watch()));
  console.log('[watch] build started; watching for changes');
} else {
  try {
    await Promise.all(contexts.map((c) => c.rebuild()));
  } finally {
    await Promise.all(contexts.map((c) => c.dispose()));
  }
}
