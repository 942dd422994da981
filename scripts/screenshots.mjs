#!/usr/bin/env node
// `npm run screenshots`: runs the end-to-end scenarios (npm run test:e2e) and replaces the README's
// screenshots (docs/images/<scenario>.png) with the ones the scenarios take in code-server.
import { spawnSync } from 'node:child_process';

const npm = process.env.npm_execpath
  ? [process.execPath, [process.env.npm_execpath]]
  : [process.platform === 'win32' ? 'npm.cmd' : 'npm', []];
const r = spawnSync(npm[0], [...npm[1], 'run', 'test:e2e'], {
  stdio: 'inherit',
  env: { ...process.env, PROMPT_WORKBENCH_UPDATE_SCREENSHOTS: '1' },
  shell: process.platform === 'win32',
});
process.exit(r.status ?? 1);
