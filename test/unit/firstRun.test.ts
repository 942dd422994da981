// A first run on a fresh machine: the Node.js version package.json (engines), the README and
// `.ci/run` state is the one every installed package accepts; `npm start` names the Debian
// packages it would install and asks first unless --yes or CI; its options are documented.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { pathToFileURL } from 'node:url';

const root = path.resolve(__dirname, '..', '..');
const pkg = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8'));
const readme = readFileSync(path.join(root, 'README.md'), 'utf8');
const load = <T>(rel: string): Promise<T> => import(pathToFileURL(path.join(root, rel)).href) as Promise<T>;

interface CheckNode {
  minimumOf(range: string): number[] | undefined;
  checkNode(version: string, range: string): string | undefined;
}

test('engines.node is the lowest Node.js every installed package accepts, and this Node.js fits it', async () => {
  const { minimumOf, checkNode } = await load<CheckNode>('scripts/check-node.mjs');
  const min = minimumOf(pkg.engines.node);
  assert.ok(min, `engines.node "${pkg.engines.node}" is a ">=" range`);
  assert.equal(checkNode(process.version, pkg.engines.node), undefined);
  // semver is what npm itself uses to read engines ranges.
  const semver = require('semver') as { satisfies(v: string, r: string): boolean };
  const lowest = min.join('.');
  const refused: string[] = [];
  const walk = (dir: string) => {
    for (const name of readdirSync(dir)) {
      if (name.startsWith('.')) continue;
      const p = path.join(dir, name);
      if (name.startsWith('@')) {
        walk(p);
        continue;
      }
      const manifest = path.join(p, 'package.json');
      if (existsSync(manifest)) {
        const j = JSON.parse(readFileSync(manifest, 'utf8')) as { version?: string; engines?: { node?: string } };
        if (j.engines?.node && !semver.satisfies(lowest, j.engines.node)) refused.push(`${path.relative(path.join(root, 'node_modules'), p)}@${j.version} wants node ${j.engines.node}`);
      }
      if (existsSync(path.join(p, 'node_modules'))) walk(path.join(p, 'node_modules'));
    }
  };
  walk(path.join(root, 'node_modules'));
  assert.deepEqual(refused, [], `engines.node ${pkg.engines.node} is lower than these packages accept`);
});

test('the README and .ci/run state the same Node.js', () => {
  const min = /^>=(\d+\.\d+\.\d+|\d+)$/.exec(pkg.engines.node)![1];
  assert.ok(readme.includes(`Node.js ${min} or later`), `README states Node.js ${min} or later`);
  const ci = readFileSync(path.join(root, '.ci', 'run'), 'utf8');
  const check = ci.indexOf('node scripts/check-node.mjs');
  assert.ok(check > 0 && check < ci.indexOf('npm ci'), '.ci/run checks the Node.js version before npm ci');
});

test('scripts/check-node.mjs: a Node.js below the range fails with what to install', async () => {
  const { checkNode, minimumOf } = await load<CheckNode>('scripts/check-node.mjs');
  assert.deepEqual(minimumOf('>=20.18.1'), [20, 18, 1]);
  assert.deepEqual(minimumOf('>= 20'), [20, 0, 0]);
  assert.equal(minimumOf('^20 || ^22'), undefined);
  assert.equal(checkNode('v20.18.1', '>=20.18.1'), undefined);
  assert.equal(checkNode('v22.0.0', '>=20.18.1'), undefined);
  assert.equal(checkNode('v20.18.0', '>=20.18.1'), 'Prompt Workbench needs Node.js >=20.18.1 (package.json engines.node); this is Node.js v20.18.0. Install Node.js 20.18.1 or later (https://nodejs.org/, or nvm install 20) and run again.');
  assert.match(checkNode('v18.20.4', '>=20')!, /this is Node\.js v18\.20\.4\. Install Node\.js 20\.0\.0 or later/);
  const out = execFileSync(process.execPath, [path.join(root, 'scripts', 'check-node.mjs')], { encoding: 'utf8' });
  assert.equal(out, `Node.js ${process.version} (package.json engines.node ${pkg.engines.node})\n`);
});

interface CodeServer {
  installConsent(o: { yes?: boolean; env?: Record<string, string | undefined>; interactive?: boolean }): 'install' | 'ask' | 'refuse';
  installAnnouncement(missing: string[], why: string): string;
}

test('npm start installs Debian packages only with --yes, in CI, or after asking; it names them first', async () => {
  const { installConsent, installAnnouncement } = await load<CodeServer>('scripts/code-server.mjs');
  assert.equal(installConsent({ yes: true, env: {}, interactive: false }), 'install');
  assert.equal(installConsent({ env: { CI: 'true' }, interactive: false }), 'install');
  assert.equal(installConsent({ env: { CI: '1' }, interactive: true }), 'install');
  assert.equal(installConsent({ env: {}, interactive: true }), 'ask');
  assert.equal(installConsent({ env: { CI: 'false' }, interactive: true }), 'ask');
  assert.equal(installConsent({ env: {}, interactive: false }), 'refuse', 'no terminal to ask on: nothing is installed');
  assert.equal(
    installAnnouncement(['libx11-dev', 'libsecret-1-dev'], "building code-server's native modules"),
    "building code-server's native modules needs these Debian packages, which are not installed: libx11-dev, libsecret-1-dev. They are installed with: apt-get install -y libx11-dev libsecret-1-dev",
  );
  // The question comes after the announcement, before apt-get.
  const source = readFileSync(path.join(root, 'scripts', 'code-server.mjs'), 'utf8');
  const fn = source.slice(source.indexOf('export async function ensureDebianPackages'));
  const announced = fn.indexOf('log(installAnnouncement(');
  const asked = fn.indexOf('confirmInstall(');
  const installed = fn.indexOf("run('apt-get'");
  assert.ok(announced > 0 && announced < asked && asked < installed, 'announce, ask, then install');
});

test('npm start --help and the README document --yes and --screenshot FILE', () => {
  const help = execFileSync(process.execPath, [path.join(root, 'scripts', 'start.mjs'), '--help'], { encoding: 'utf8' });
  assert.match(help, /^ {4}--yes +install missing Debian packages without asking/m);
  assert.match(help, /^ {4}--screenshot FILE\.png +headless/m);
  assert.ok(readme.includes('npm start -- --screenshot FILE.png'), 'README: --screenshot');
  assert.ok(readme.includes('npm start -- --yes'), 'README: --yes');
});
