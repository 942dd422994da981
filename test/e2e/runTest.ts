// End-to-end tests in a real desktop VS Code, for machines that can download it:
//   npm run test:e2e
// @vscode/test-electron downloads VS Code (stable by default, or VSCODE_VERSION), starts it with
// this extension in development mode on each scenario folder in test/e2e/workspace/, and runs
// the suite in the extension host. It needs network access to update.code.visualstudio.com.
import { readdirSync } from 'node:fs';
import * as path from 'node:path';
import { runTests } from '@vscode/test-electron';

async function main(): Promise<void> {
  const root = path.resolve(__dirname, '..', '..');
  const scenarios = readdirSync(path.join(root, 'test', 'e2e', 'workspace'));
  for (const scenario of scenarios) {
    console.log(`e2e scenario: ${scenario}`);
    await runTests({
      version: process.env.VSCODE_VERSION ?? 'stable',
      extensionDevelopmentPath: root,
      extensionTestsPath: path.join(root, 'dist', 'e2e', 'suite.js'),
      launchArgs: [path.join(root, 'test', 'e2e', 'workspace', scenario), '--disable-extensions', '--disable-workspace-trust'],
      extensionTestsEnv: { PROMPT_WORKBENCH_E2E_SCENARIO: scenario },
    });
  }
}

main().catch((e) => {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
});
