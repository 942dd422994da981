// Runs inside VS Code's extension host (see ../runTest.ts). No test framework: each check is an
// async function; the first failure rejects `run()`, which fails the VS Code test run.
import assert from 'node:assert/strict';
import * as vscode from 'vscode';

async function waitFor<T>(what: string, probe: () => T | undefined | Promise<T | undefined>, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function openExample(name: string): Promise<vscode.TextDocument> {
  const [file] = await vscode.workspace.findFiles(name);
  assert.ok(file, `${name} not found in the scenario folder`);
  const doc = await vscode.workspace.openTextDocument(file);
  await vscode.window.showTextDocument(doc);
  return doc;
}

const checks: [string, () => Promise<void>][] = [
  ['a .prompt file opens as dotprompt and activates the extension', async () => {
    const doc = await openExample('broken.prompt');
    assert.equal(doc.languageId, 'dotprompt');
    const ext = vscode.extensions.all.find((e) => e.packageJSON.name === 'prompt-workbench');
    assert.ok(ext, 'extension is installed');
    await waitFor('activation', () => (ext.isActive ? true : undefined));
  }],
  ['temperature: hot gets a red squiggle saying a number was expected', async () => {
    const doc = await openExample('broken.prompt');
    const d = await waitFor('diagnostics', () => vscode.languages.getDiagnostics(doc.uri).find((x) => x.code === 'frontmatter-schema'));
    assert.equal(d.severity, vscode.DiagnosticSeverity.Error);
    assert.match(d.message, /Expected a number/);
    assert.equal(doc.getText(d.range), 'hot');
  }],
  ['completion after `format:` offers json', async () => {
    const doc = await openExample('broken.prompt');
    const line = doc.getText().split('\n').findIndex((l) => l.includes('format:'));
    const list = await vscode.commands.executeCommand<vscode.CompletionList>('vscode.executeCompletionItemProvider', doc.uri, new vscode.Position(line, doc.lineAt(line).text.length));
    assert.ok(list.items.some((i) => (typeof i.label === 'string' ? i.label : i.label.label) === 'json'));
  }],
  ['hover on a key shows its documentation', async () => {
    const doc = await openExample('broken.prompt');
    const line = doc.getText().split('\n').findIndex((l) => l.includes('temperature'));
    const hovers = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', doc.uri, new vscode.Position(line, 4));
    const text = hovers.flatMap((h) => h.contents.map((c) => (typeof c === 'string' ? c : c.value))).join('\n');
    assert.match(text, /Sampling temperature/);
  }],
  ['the restart command restarts the server and diagnostics come back', async () => {
    const doc = await openExample('broken.prompt');
    await vscode.commands.executeCommand('promptWorkbench.restartServer');
    await waitFor('diagnostics after restart', () => (vscode.languages.getDiagnostics(doc.uri).length ? true : undefined));
  }],
];

export async function run(): Promise<void> {
  const failures: string[] = [];
  for (const [name, check] of checks) {
    try {
      await check();
      console.log(`  ok   ${name}`);
    } catch (e) {
      failures.push(name);
      console.error(`  FAIL ${name}: ${e instanceof Error ? e.message : String(e)}`);
    }
  }
  console.log(`${checks.length - failures.length} passed, ${failures.length} failed`);
  if (failures.length) throw new Error(`${failures.length} end-to-end check(s) failed`);
}
