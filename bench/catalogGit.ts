// `prompt-workbench catalog --format json` over a git repository of generated prompts
// (docs/benchmarks.md, "Prompt catalogue"): the catalogue with its git facts (last changes) and the
// lifecycle rules, which read each prompt's previous version from git. Reports the wall time, the
// CPU time of the CLI and its git processes (from /usr/bin/time when there is one), and how many
// git processes started (a `git` on PATH that counts, then runs the real one).
//
//   npm run build && node --import tsx bench/catalogGit.ts [--prompts 2000] [--runs 3] [--cli dist/cli.js]
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { makeWorkspace } from './catalog';

const { values } = parseArgs({ options: { prompts: { type: 'string', default: '2000' }, runs: { type: 'string', default: '3' }, cli: { type: 'string', default: path.join(__dirname, '..', 'dist', 'cli.js') } } });
const n = Number(values.prompts);
const cli = path.resolve(values.cli!);
const gitEnv = { ...process.env, GIT_CONFIG_GLOBAL: '/dev/null', GIT_CONFIG_NOSYSTEM: '1', GIT_AUTHOR_NAME: 'Bench', GIT_AUTHOR_EMAIL: 'bench@example.com', GIT_COMMITTER_NAME: 'Bench', GIT_COMMITTER_EMAIL: 'bench@example.com' };

const dir = makeWorkspace(n);
const bin = mkdtempSync(path.join(tmpdir(), 'pw-catalog-git-bin-'));
try {
  for (const args of [['init', '-q'], ['add', '-A'], ['commit', '-q', '-m', 'prompts']]) execFileSync('git', args, { cwd: dir, env: gitEnv });
  const realGit = execFileSync('sh', ['-c', 'command -v git'], { encoding: 'utf8' }).trim();
  const log = path.join(bin, 'starts.log');
  writeFileSync(path.join(bin, 'git'), `#!/bin/sh\necho >> '${log}'\nexec '${realGit}' "$@"\n`);
  chmodSync(path.join(bin, 'git'), 0o755);
  const timed = existsSync('/usr/bin/time');
  console.log(`catalog --format json, ${n} prompts in a git repository with one commit (${cli})`);
  for (let run = 0; run < Number(values.runs); run++) {
    rmSync(log, { force: true });
    const t0 = performance.now();
    const cmd = timed ? ['/usr/bin/time', '-f', 'cpu %U %S', process.execPath, cli, 'catalog', '--format', 'json'] : [process.execPath, cli, 'catalog', '--format', 'json'];
    const r = spawnSync(cmd[0], cmd.slice(1), { cwd: dir, env: { ...gitEnv, PATH: `${bin}${path.delimiter}${process.env.PATH}` }, encoding: 'utf8', maxBuffer: 1 << 30 });
    const wall = performance.now() - t0;
    const rows = JSON.parse(r.stdout || '{"prompts":[]}').prompts.length;
    const cpu = /cpu ([\d.]+) ([\d.]+)/.exec(r.stderr);
    const gits = existsSync(log) ? readFileSync(log, 'utf8').split('\n').length - 1 : 0;
    console.log(`run ${run + 1}: ${(wall / 1000).toFixed(2)} s wall${cpu ? `, ${(Number(cpu[1]) + Number(cpu[2])).toFixed(2)} s CPU (user ${cpu[1]}, sys ${cpu[2]})` : ''}, ${rows} rows, ${gits} git processes, exit ${r.status}`);
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
  rmSync(bin, { recursive: true, force: true });
}
