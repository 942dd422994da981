// Test runs in the editor, bundled as dist/testing.js and loaded after activation (like
// dist/session.js), so the engine, the SDKs and the Testing API wiring cost activation nothing.
import * as vscode from 'vscode';
import { PromptTests } from './controller';
import { setApiKey, type KeyProvider } from './settings';
import { registerSuiteCost } from './suiteCost';

// The history view's "Compare Test Results" runs suites through this same bundle (dist/testing.js).
export { createSuiteRunner, readRunRecords } from '../history/suiteRunner';

export function startTesting(context: vscode.ExtensionContext, output: vscode.LogOutputChannel): vscode.Disposable {
  const tests = new PromptTests(context, output);
  const disposables = [
    tests,
    vscode.commands.registerCommand('promptWorkbench.test.setApiKey', (provider?: KeyProvider) => setApiKey(context.secrets, provider)),
    vscode.commands.registerCommand('promptWorkbench.test.clearCache', () => tests.clearCache()),
    vscode.commands.registerCommand('promptWorkbench.test.openRecord', () => tests.openRecord()),
    vscode.commands.registerCommand('promptWorkbench.test.replayCase', (item?: vscode.TestItem) => tests.replay(item)),
    vscode.commands.registerCommand('promptWorkbench.test.runItem', (id: string, debug?: boolean) => tests.runItem(id, !!debug)),
    vscode.commands.registerCommand('promptWorkbench.test.refresh', () => tests.discover()),
    vscode.commands.registerCommand('promptWorkbench.test.compareModels', () => tests.compareModels()),
    registerSuiteCost(output),
  ];
  context.subscriptions.push(...disposables);
  return vscode.Disposable.from(...disposables);
}
