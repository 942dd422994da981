// The packaged extension as the Marketplace and VS Code get it: dist/prompt-workbench.vsix, made by
// `npm run package` (`npm run test:package` packages, then runs this). Its size budget, that it
// holds only what runs or what a user reads, the manifest fields the Marketplace shows, and that
// the packaged language server counts tokens with the packaged tokenizer data.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, before, test } from 'node:test';
import {
  createProtocolConnection,
  DidOpenTextDocumentNotification,
  ExitNotification,
  InitializedNotification,
  InitializeRequest,
  ShutdownRequest,
  StreamMessageReader,
  StreamMessageWriter,
} from 'vscode-languageserver-protocol/node';
import { TokenSummaryRequest, type TokenSummary } from '../../server/src/protocol';
import { parsePromptDocument } from '../../server/src/service';
import { tokenSummary } from '../../server/src/service/tokens/present';
import { readZip, type ZipEntry } from './zip';

const ROOT = path.resolve(__dirname, '..', '..');
const VSIX = path.join(ROOT, 'dist', 'prompt-workbench.vsix');
/** The budget: 3.25 MiB (3 MiB until Chart.js came in for the comparison and trends charts; docs/benchmarks.md). */
const MAX_BYTES = 3.25 * 1024 * 1024;

/** What may be in the package besides the images the manifest or README use. */
const ALLOWED: RegExp[] = [
  // vsce's own files
  /^\[Content_Types\]\.xml$/,
  /^extension\.vsixmanifest$/,
  // the bundles and the tokenizer data they share
  /^extension\/dist\/(client|session|testing|server)\.js$/,
  /^extension\/dist\/tokenizer-[a-z0-9_]+\.js$/,
  /^extension\/dist\/quickjs\.wasm$/,
  // Google's Gemini SDK, loaded on the first Gemini call
  /^extension\/dist\/genai\.js$/,
  // Chart.js for the webviews' charts, a browser script
  /^extension\/dist\/charts\.js$/,
  // the libraries the language server and the test runs share (esbuild.mjs, SHARED_LIBRARIES)
  /^extension\/dist\/lib-[a-z-]+\.js$/,
  // the language: grammar, configuration, frontmatter schema
  /^extension\/syntaxes\/[\w.-]+\.tmLanguage\.json$/,
  /^extension\/language-configuration(?:[.-][\w-]+)?\.json$/,
  /^extension\/schemas\/[\w.-]+\.json$/,
  // what a user reads
  /^extension\/docs\/rules\/[\w-]+\.md$/,
  /^extension\/(package\.json|readme\.md|changelog\.md|LICENSE\.txt)$/,
];
const BUNDLES = ['client', 'session', 'testing', 'server'];
/** Every script in dist/ of the package: the bundles, the libraries they share, the tokenizer data. */
const scripts = (): string[] => [...byName.keys()].filter((n) => /^extension\/dist\/[^/]+\.js$/.test(n)).map((n) => n.slice('extension/dist/'.length, -3));

let entries: ZipEntry[];
let byName: Map<string, ZipEntry>;
let manifest: Record<string, any>;
let extracted: string;

const text = (name: string) => {
  const e = byName.get(name);
  assert.ok(e?.data, `${name} is not in the package`);
  return e.data.toString('utf8');
};
/** A path the manifest gives (`./dist/client.js`, `images/icon.png`) as its name in the zip. */
const inPackage = (p: string) => `extension/${path.posix.normalize(p.replace(/^\.\//, ''))}`;

before(async () => {
  assert.ok(fs.existsSync(VSIX), `${path.relative(ROOT, VSIX)} is missing: run \`npm run test:package\` (or \`npm run package\` first)`);
  entries = (await readZip(VSIX, () => true)).filter((e) => !e.name.endsWith('/'));
  byName = new Map(entries.map((e) => [e.name, e]));
  manifest = JSON.parse(text('extension/package.json'));
  extracted = fs.mkdtempSync(path.join(os.tmpdir(), 'pw-vsix-'));
  for (const e of entries) {
    const file = path.join(extracted, ...e.name.split('/'));
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, e.data!);
  }
});

after(() => {
  if (extracted) fs.rmSync(extracted, { recursive: true, force: true });
});

test('the VSIX is at most 3.25 MiB', () => {
  const size = fs.statSync(VSIX).size;
  const biggest = [...entries].sort((a, b) => b.compressed - a.compressed).slice(0, 5);
  assert.ok(size <= MAX_BYTES, `${size} bytes > ${MAX_BYTES}; largest entries (compressed): ${biggest.map((e) => `${e.name} ${e.compressed}`).join(', ')}`);
});

test('the package holds only what runs or what a user reads', () => {
  const images = new Set([...manifestFiles(manifest), ...readmeImages(text('extension/readme.md'))].filter((p) => !/^[a-z]+:/i.test(p)).map(inPackage));
  const unexpected = entries.map((e) => e.name).filter((n) => !ALLOWED.some((re) => re.test(n)) && !images.has(n));
  assert.deepEqual(unexpected, [], 'files in the VSIX that neither run nor are read by a user (see .vscodeignore)');
  for (const e of entries) {
    assert.doesNotMatch(e.name, /\.map$/, 'source maps must not ship');
    assert.doesNotMatch(e.name, /\.tsx?$/, 'TypeScript sources must not ship');
    assert.doesNotMatch(e.name, /(^|\/)(test|node_modules|e2e)\//, 'tests and node_modules must not ship');
    assert.doesNotMatch(e.name, /(^|\/)cli\.js$/, 'the CLI is not part of the extension');
  }
  for (const b of BUNDLES) assert.ok(byName.has(`extension/dist/${b}.js`), `dist/${b}.js is missing`);
});

test('the session bundle (loaded at start-up) carries no engine: lint rules, parsers and schemas stay in the server and test bundles', () => {
  const session = text('extension/dist/session.js');
  // Rule ids are string literals, which minification keeps.
  for (const marker of ['untrusted-input-undelimited', 'secret-in-prompt', 'duplicate-instruction']) assert.ok(!session.includes(marker), `dist/session.js contains "${marker}"`);
  assert.ok(text('extension/dist/testing.js').includes('untrusted-input-undelimited'), 'the marker is a real one: the test bundle has it');
});

test('every file a bundle requires at run time is in the package', () => {
  for (const b of scripts()) {
    const code = text(`extension/dist/${b}.js`);
    assert.doesNotMatch(code, /sourceMappingURL=data:/, `dist/${b}.js has an inline source map`);
    // Sibling files required by a literal relative path, e.g. require("./tokenizer-o200k_base.js").
    for (const m of code.matchAll(/(?:require|import)\((["'])(\.\.?\/[^"']+)\1\)/g)) {
      const target = path.posix.join('extension/dist', m[2]);
      assert.ok(byName.has(target) || byName.has(`${target}.js`), `dist/${b}.js requires ${m[2]}, which is not in the package`);
    }
  }
  // The tokenizer data is shared, not bundled again: the two bundles that count tokens require it.
  for (const b of ['server', 'testing']) assert.match(text(`extension/dist/${b}.js`), /require\("\.\/tokenizer-o200k_base\.js"\)/, `dist/${b}.js`);
  // So is the Gemini SDK: the test bundle requires it on the first Gemini call, and does not carry it.
  // (esbuild keeps the engine's dynamic import: `import("./genai.js")`, relative to dist/testing.js.)
  const testing = text('extension/dist/testing.js');
  assert.ok(/import\("\.\/genai\.js"\)/.test(testing), 'dist/testing.js does not load ./genai.js');
  assert.ok(!testing.includes('generativelanguage.googleapis.com/`'), 'dist/testing.js bundles @google/genai');
  assert.ok(byName.has('extension/dist/genai.js'), 'dist/genai.js is not in the package');
  // The libraries both the language server and the test runs use are one file each, required by both.
  for (const lib of ['lib-zod', 'lib-yaml', 'lib-handlebars', 'lib-openai', 'lib-nunjucks', 'lib-mustache', 'lib-ajv', 'lib-picomatch', 'lib-lsp-types']) {
    assert.ok(byName.has(`extension/dist/${lib}.js`), `dist/${lib}.js is not in the package`);
    for (const b of ['server', 'testing']) assert.ok(text(`extension/dist/${b}.js`).includes(`require("./${lib}.js")`), `dist/${b}.js does not require ./${lib}.js`);
  }
  // zod's own error text is in its shared file only, not bundled again.
  for (const b of ['server', 'testing']) assert.ok(!text(`extension/dist/${b}.js`).includes('Invalid input: expected'), `dist/${b}.js bundles zod`);
  assert.ok(text('extension/dist/lib-zod.js').includes('Invalid input: expected'), 'the marker is a real one: dist/lib-zod.js has it');
});

test('the sandbox of javascript assertions ships beside the bundle that runs them', () => {
  // dist/testing.js loads it by name from its own folder (esbuild.mjs); the language server runs no assertion.
  assert.match(text('extension/dist/testing.js'), /"quickjs\.wasm"/);
  assert.doesNotMatch(text('extension/dist/server.js'), /quickjs/i, 'dist/server.js bundles the sandbox it never uses');
  const wasm = byName.get('extension/dist/quickjs.wasm')?.data;
  assert.ok(wasm, 'dist/quickjs.wasm is not in the package');
  assert.ok(WebAssembly.validate(new Uint8Array(wasm)), 'dist/quickjs.wasm is not a valid WebAssembly module');
});

test('the manifest has what the Marketplace shows, and every file it points to is packaged', () => {
  for (const field of ['displayName', 'description', 'icon', 'license', 'publisher', 'version']) {
    assert.ok(typeof manifest[field] === 'string' && manifest[field].trim(), `package.json: ${field} is missing`);
  }
  assert.ok(Array.isArray(manifest.categories) && manifest.categories.length > 0, 'package.json: categories');
  assert.ok(Array.isArray(manifest.keywords) && manifest.keywords.length > 0 && manifest.keywords.length <= 30, 'package.json: 1 to 30 keywords');
  assert.match(manifest.repository?.url ?? '', /^https:\/\//, 'package.json: repository.url');
  assert.ok(byName.has('extension/LICENSE.txt'), 'the license file');

  for (const p of manifestFiles(manifest)) assert.ok(byName.has(inPackage(p)), `package.json points to ${p}, which is not in the package`);
  assert.ok(byName.has(inPackage(manifest.main)), manifest.main);

  const icon = byName.get(inPackage(manifest.icon))!.data!;
  assert.ok(icon.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])), `${manifest.icon} is not a PNG`);
  assert.equal(icon.toString('latin1', 12, 16), 'IHDR');
  const [width, height] = [icon.readUInt32BE(16), icon.readUInt32BE(20)];
  assert.ok(width >= 128 && height >= 128 && width === height, `${manifest.icon} is ${width}x${height}; the Marketplace wants a square of at least 128x128`);
});

test('the README (with a screenshot) and the CHANGELOG are packaged', () => {
  const readme = text('extension/readme.md');
  const changelog = text('extension/changelog.md');
  assert.match(changelog, /^# Changelog/m);
  assert.match(readme, /^# Prompt Workbench/m);
  const images = readmeImages(readme);
  assert.ok(images.some((src) => /\.(png|jpe?g|gif|webp)$/i.test(src)), `readme.md shows no screenshot; images: ${images.join(', ') || '(none)'}`);
  // Each image either ships in the package or is an https URL (vsce rewrites relative ones to the
  // repository); neither a relative path to a file left out nor plain http.
  for (const src of images) {
    if (/^[a-z]+:/i.test(src)) assert.match(src, /^https:\/\//, `readme.md: ${src}`);
    else assert.ok(byName.has(inPackage(src)), `readme.md shows ${src}, which is not in the package`);
  }
});

test('the packaged language server starts from the package and counts tokens with the packaged tokenizer data', async () => {
  const server = path.join(extracted, 'extension', 'dist', 'server.js');
  const proc = spawn(process.execPath, [server, '--stdio'], { cwd: extracted, stdio: ['pipe', 'pipe', 'pipe'] });
  const stderr: string[] = [];
  proc.stderr.on('data', (d) => stderr.push(String(d)));
  const connection = createProtocolConnection(new StreamMessageReader(proc.stdout), new StreamMessageWriter(proc.stdin));
  connection.onRequest('workspace/configuration', (p: { items: unknown[] }) => p.items.map(() => null));
  connection.onRequest('client/registerCapability', () => null);
  connection.listen();
  try {
    await connection.sendRequest(InitializeRequest.type, { processId: process.pid, rootUri: pathToFileURL(extracted).toString(), capabilities: {}, workspaceFolders: null });
    await connection.sendNotification(InitializedNotification.type, {});
    // One model per encoding, so both data files are loaded from the package.
    for (const [model, tokenizer] of [
      ['openai/gpt-4o', 'o200k_base'],
      ['openai/gpt-4', 'cl100k_base'],
    ]) {
      const source = `---\nmodel: ${model}\ninput:\n  schema:\n    topic: string\n---\n{{role "system"}}\nYou write short, friendly summaries. Ünïcödé, emoji 🙂 and code: \`const x = 1;\`\n{{role "user"}}\nSummarise <topic>{{topic}}</topic> in three sentences.\n`;
      const uri = pathToFileURL(path.join(extracted, `${tokenizer}.prompt`)).toString();
      await connection.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri, languageId: 'dotprompt', version: 1, text: source } });
      const got = (await connection.sendRequest(TokenSummaryRequest.method, { uri })) as TokenSummary | null;
      const want = await tokenSummary(parsePromptDocument(source, uri, 1));
      assert.ok(got, `no token summary for ${model}; server stderr: ${stderr.join('')}`);
      assert.equal(got.tokenizer, tokenizer);
      assert.equal(got.estimated, false, `${model}: counts are estimates, so the tokenizer data did not load`);
      assert.ok(got.template > 20, `${model}: ${got.template} tokens`);
      assert.deepEqual({ template: got.template, messages: got.messages }, { template: want.template, messages: want.messages }, `${model}: the packaged server counts differently from the engine`);
    }
  } finally {
    await connection.sendRequest(ShutdownRequest.type).catch(() => undefined);
    await connection.sendNotification(ExitNotification.type).catch(() => undefined);
    connection.dispose();
    if (proc.exitCode === null) await new Promise((r) => proc.once('exit', r));
  }
});

/** The local files the manifest points to: entry point, icon, grammar, language configuration, view icons. */
function manifestFiles(m: Record<string, any>): string[] {
  const files: unknown[] = [m.main, m.icon];
  const c = m.contributes ?? {};
  for (const l of c.languages ?? []) files.push(l.configuration, l.icon?.light, l.icon?.dark);
  for (const g of c.grammars ?? []) files.push(g.path);
  for (const list of Object.values<{ icon?: string }[]>(c.viewsContainers ?? {})) for (const v of list) files.push(v.icon);
  for (const list of Object.values<{ icon?: string }[]>(c.views ?? {})) for (const v of list) files.push(v.icon);
  for (const j of c.jsonValidation ?? []) files.push(j.url);
  return files.filter((f): f is string => typeof f === 'string' && !/^[a-z]+:/i.test(f) && /\.[a-z]+$/i.test(f));
}

/** The images README.md shows (Markdown images and <img> tags). */
function readmeImages(readme: string): string[] {
  const md = [...readme.matchAll(/!\[[^\]]*\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g)].map((m) => m[1]);
  const html = [...readme.matchAll(/<img\b[^>]*\bsrc=["']([^"']+)["']/gi)].map((m) => m[1]);
  return [...md, ...html];
}
