// Builds every entry point (extension client, language server, CLI) in one place.
// `node esbuild.mjs` builds once, `--watch` rebuilds on change, `--production` minifies.
import * as esbuild from 'esbuild';
import { copyFileSync, mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import * as path from 'node:path';

const watch = process.argv.includes('--watch');
const production = process.argv.includes('--production');
const IMPORT_META_URL = "const importMetaUrl = require('node:url').pathToFileURL(__filename).href;";
const { version } = JSON.parse(readFileSync(new URL('./package.json', import.meta.url), 'utf8'));
// The sandbox of `javascript` assertions (QuickJS, server/src/service/testing/assertions/sandbox.ts)
// loads this WebAssembly file from the folder of the bundle that runs it (dist/cli.js,
// dist/testing.js, dist/server.js all sit in dist/), so it is copied there once, not inlined.
const QUICKJS_WASM = 'quickjs.wasm';

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
  // server/src/version.ts reads package.json only when this constant is missing (tests, tsx).
  define: { 'import.meta.url': 'importMetaUrl', PROMPT_WORKBENCH_VERSION: JSON.stringify(version), PROMPT_WORKBENCH_QUICKJS_WASM: JSON.stringify(QUICKJS_WASM) },
  banner: { js: IMPORT_META_URL },
};

const e2e = process.argv.includes('--e2e');

// gpt-tokenizer's BPE rank tables (o200k_base 2.7 MB and cl100k_base 1.0 MB minified) are used by
// the server, the test runs and the CLI. Bundled into each of them they were most of the VSIX, so
// each table is built once into its own file, dist/tokenizer-<encoding>.js, and the plugin below
// turns gpt-tokenizer's import of a table into a run-time `require('./tokenizer-<encoding>.js')`
// (relative to the bundle's own file). The require still runs only when an encoding is first
// used. Encodings no model uses (p50k, r50k) are never imported, so never built.
const TOKENIZER_DATA = ['o200k_base', 'cl100k_base'];
const BPE_RANKS = new RegExp(`(^|[\\\\/])bpeRanks[\\\\/](${TOKENIZER_DATA.join('|')})(\\.js)?$`);

/** @param {string} outName the entry's output name, e.g. `server` or `e2e/suite` */
function sharedTokenizerData(outName) {
  const up = path.posix.relative(path.posix.dirname(outName), '.');
  return {
    name: 'shared-tokenizer-data',
    /** @param {import('esbuild').PluginBuild} build */
    setup(build) {
      build.onResolve({ filter: BPE_RANKS }, (args) => {
        if (args.kind === 'entry-point' || !/[\\/]gpt-tokenizer[\\/]/.test(args.importer)) return undefined;
        const encoding = BPE_RANKS.exec(args.path)[2];
        return { path: `${up ? `${up}/` : './'}tokenizer-${encoding}.js`, external: true };
      });
    },
  };
}
const requireFromHere = createRequire(import.meta.url);

// Libraries that more than one bundle uses are built once each into their own file and loaded
// from there, so the VSIX carries one copy: the language server (dist/server.js) and the test runs
// (dist/testing.js) both need the engine's libraries, and bundled into each they were two copies
// of about 1.1 MB minified. The plugin below turns an import of such a package (by its exact name,
// from our code or a dependency such as dotprompt) into a run-time `require('./<file>.js')`,
// relative to the bundle's own file. Google's `@google/genai` SDK (the `googleai` and `vertexai`
// test providers, with google-auth-library for Vertex AI, 0.75 MB minified) is one of them: the
// engine imports it dynamically (server/src/service/testing/providers/gemini.ts), so it loads on
// the first Gemini call only.
const SHARED_LIBRARIES = {
  '@google/genai': 'genai',
  zod: 'lib-zod',
  yaml: 'lib-yaml',
  handlebars: 'lib-handlebars',
  openai: 'lib-openai',
  // The Prompty format's template engines (server/src/service/formats/prompty/engines.ts, which
  // requires them on the first Prompty file).
  nunjucks: 'lib-nunjucks',
  mustache: 'lib-mustache',
  '@secretlint/secretlint-rule-preset-recommend': 'lib-secretlint-preset',
  // Globs (the host's file searches, fixture and config globs) and the LSP's data types.
  picomatch: 'lib-picomatch',
  'vscode-languageserver-types': 'lib-lsp-types',
  // The XML checks of test runs (`is-xml`, `contains-xml`; server/src/service/testing/assertions/xml.ts
  // requires it on the first XML check), in the editor's test runs and the CLI.
  'fast-xml-parser': 'lib-xml',
};
const SHARED_LIBRARY_RE = new RegExp(`^(${Object.keys(SHARED_LIBRARIES).map((n) => n.replace(/[/.]/g, '\\$&')).join('|')})$`);
/** @param {string} outName the entry's output name */
function sharedLibraries(outName) {
  const up = path.posix.relative(path.posix.dirname(outName), '.');
  return {
    name: 'shared-libraries',
    /** @param {import('esbuild').PluginBuild} build */
    setup(build) {
      build.onResolve({ filter: SHARED_LIBRARY_RE }, (args) =>
        args.kind === 'entry-point' ? undefined : { path: `${up ? `${up}/` : './'}${SHARED_LIBRARIES[args.path]}.js`, external: true },
      );
    },
  };
}
// Packages that must share one copy with each other are built together into one file, from an
// entry that exports each of them by name; an import of one of them becomes that member of the file.
const SHARED_GROUPS = {
  'lib-ajv': { entry: 'scripts/shared/ajv.cjs', members: ['ajv', 'ajv-formats'] },
  'lib-yaml-parser': { entry: 'scripts/shared/yamlParser.mjs', members: ['yaml3'] },
};
const SHARED_MEMBER_RE = new RegExp(`^(${Object.values(SHARED_GROUPS).flatMap((g) => g.members).map((n) => n.replace(/[/.]/g, '\\$&')).join('|')})$`);
/** @param {string} outName the entry's output name */
function sharedGroups(outName) {
  const up = path.posix.relative(path.posix.dirname(outName), '.');
  return {
    name: 'shared-groups',
    /** @param {import('esbuild').PluginBuild} build */
    setup(build) {
      build.onResolve({ filter: SHARED_MEMBER_RE }, (args) => (args.kind === 'entry-point' ? undefined : { path: args.path, namespace: 'shared-member' }));
      build.onLoad({ filter: /.*/, namespace: 'shared-member' }, (args) => {
        const file = Object.entries(SHARED_GROUPS).find(([, g]) => g.members.includes(args.path))[0];
        return { contents: `module.exports = require(${JSON.stringify(`${up ? `${up}/` : './'}${file}.js`)})[${JSON.stringify(args.path)}];`, loader: 'js' };
      });
      build.onResolve({ filter: /^(\.\.?\/)+lib-[a-z-]+\.js$/, namespace: 'shared-member' }, (args) => ({ path: args.path, external: true }));
    },
  };
}
/** @type {import('esbuild').BuildOptions[]} */
const groupBundles = Object.entries(SHARED_GROUPS).map(([file, group]) => ({
  ...common,
  entryPoints: { [file]: group.entry },
  plugins: [sharedTokenizerData(file), sharedLibraries(file)],
}));
/** @type {import('esbuild').BuildOptions[]} */
const libraryBundles = Object.entries(SHARED_LIBRARIES).map(([name, file]) => ({
  ...common,
  entryPoints: { [file]: requireFromHere.resolve(name) },
  plugins: [sharedTokenizerData(file), sharedLibraries(file)],
}));
// Each table is written as one JSON string that `JSON.parse` reads at run time, not as the array
// literal gpt-tokenizer ships: V8 reads JSON text several times faster than it compiles a literal
// of 200,000 strings (o200k_base: about 35 ms less on the first count; the file is no larger). The same
// array either way (the table is loaded here, at build time, and written out).
const JSON_TABLE = {
  name: 'tokenizer-table-as-json',
  /** @param {import('esbuild').PluginBuild} build */
  setup(build) {
    build.onLoad({ filter: BPE_RANKS }, (args) => {
      const table = requireFromHere(args.path).default;
      if (!Array.isArray(table) || table.length < 1000) throw new Error(`${args.path}: not the BPE table this build expects (gpt-tokenizer changed its layout)`);
      return { contents: `Object.defineProperty(exports, '__esModule', { value: true });\nexports.default = JSON.parse(${JSON.stringify(JSON.stringify(table))});\n`, loader: 'js' };
    });
  },
};
/** @type {import('esbuild').BuildOptions[]} */
const tokenizerData = TOKENIZER_DATA.map((encoding) => ({
  entryPoints: { [`tokenizer-${encoding}`]: requireFromHere.resolve(`gpt-tokenizer/bpeRanks/${encoding}`) },
  plugins: [JSON_TABLE],
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  minify: production,
  logLevel: 'info',
  legalComments: 'none',
}));

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
// The desktop end-to-end suite runs inside VS Code's extension host (npm run test:desktop).
// Charts of the webviews and the CLI's HTML reports (Chart.js), a browser script: a webview loads
// it by URI, a report inlines it (see client/src/webview/charts.mts).
// No `require` in a browser: neither the node banner nor its `import.meta.url` stand-in.
const browserBundles = [{ ...common, entryPoints: { charts: 'client/src/webview/charts.mts' }, platform: 'browser', target: 'es2022', format: 'iife', globalName: 'promptWorkbenchCharts', external: [], banner: {}, define: {} }];
if (e2e) entries.push({ entryPoints: { 'e2e/suite': 'test/e2e/desktop/suite/index.ts' } });
// The measured side of the catalogue benchmark (bench/catalogChild.ts), built like the server (`npm run bench`).
// The transport-only server of table 1's floor (bench/floorServer.ts), built the same way.
if (process.argv.includes('--bench')) entries.push({ entryPoints: { 'bench/catalog': 'bench/catalogChild.ts', 'bench/floor-server': 'bench/floorServer.ts' } });

mkdirSync('dist', { recursive: true });
copyFileSync(requireFromHere.resolve('@jitl/quickjs-wasmfile-release-sync/wasm'), path.join('dist', QUICKJS_WASM));

const contexts = await Promise.all([
  ...entries.map((e) => esbuild.context({ ...common, ...e, plugins: [sharedTokenizerData(Object.keys(e.entryPoints)[0]), sharedLibraries(Object.keys(e.entryPoints)[0]), sharedGroups(Object.keys(e.entryPoints)[0])], outdir: 'dist' })),
  ...libraryBundles.map((e) => esbuild.context({ ...e, outdir: 'dist' })),
  ...groupBundles.map((e) => esbuild.context({ ...e, outdir: 'dist' })),
  ...tokenizerData.map((e) => esbuild.context({ ...e, outdir: 'dist' })),
  ...browserBundles.map((e) => esbuild.context({ ...e, outdir: 'dist' })),
]);
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
