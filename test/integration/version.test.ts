// The built CLI and server report package.json's version, which esbuild wrote into the bundles
// without package.json itself.
import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { createProtocolConnection, ExitNotification, InitializeRequest, ShutdownRequest, StreamMessageReader, StreamMessageWriter } from 'vscode-languageserver-protocol/node';
import { ROOT, SERVER } from '../support/lspClient';

const PKG = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { version: string; description: string };

test('dist/cli.js --version prints package.json\'s version', async () => {
  for (const flag of ['--version', '-v']) {
    const stdout = await new Promise<string>((resolve, reject) => execFile(process.execPath, [path.join(ROOT, 'dist', 'cli.js'), flag], { cwd: ROOT }, (err, out) => (err ? reject(err) : resolve(String(out)))));
    assert.equal(stdout, `${PKG.version}\n`);
  }
});

test('dist/server.js names package.json\'s version in serverInfo', async () => {
  const env = { ...process.env };
  delete env.PROMPT_WORKBENCH_VERSION;
  const proc = spawn(process.execPath, [SERVER, '--stdio'], { stdio: ['pipe', 'pipe', 'pipe'], env });
  const connection = createProtocolConnection(new StreamMessageReader(proc.stdout), new StreamMessageWriter(proc.stdin));
  connection.listen();
  try {
    const result = await connection.sendRequest(InitializeRequest.type, { processId: process.pid, rootUri: null, capabilities: {}, workspaceFolders: null });
    assert.deepEqual(result.serverInfo, { name: 'Prompt Workbench Language Server', version: PKG.version });
    await connection.sendRequest(ShutdownRequest.type);
    await connection.sendNotification(ExitNotification.type);
  } finally {
    connection.dispose();
    proc.kill();
  }
});

test('the bundles carry the version, not package.json', () => {
  for (const bundle of ['cli.js', 'server.js', 'testing.js']) {
    const text = readFileSync(path.join(ROOT, 'dist', bundle), 'utf8');
    assert.ok(text.includes(JSON.stringify(PKG.version)), `${bundle} has no "${PKG.version}"`);
    assert.ok(!text.includes(PKG.description), `${bundle} embeds package.json`);
  }
});
