// Runs the CLI's `main` in-process with captured output, as the CLI tests do.
import { PassThrough } from 'node:stream';
import { main } from '../../server/src/cli/main';

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * `env` sets (a string) or removes (undefined) environment variables for the run only; GITHUB_ACTIONS
 * is always controlled, so annotations never depend on where the tests run.
 */
export async function runCli(args: string[], cwd: string, env: Record<string, string | undefined> = {}): Promise<CliResult> {
  const out = new PassThrough();
  const err = new PassThrough();
  let stdout = '';
  let stderr = '';
  out.on('data', (d) => (stdout += d));
  err.on('data', (d) => (stderr += d));
  const vars = { GITHUB_ACTIONS: undefined, ...env };
  const saved = Object.fromEntries(Object.keys(vars).map((k) => [k, process.env[k]]));
  for (const [k, v] of Object.entries(vars)) {
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
  try {
    const code = await main(args, cwd, out, err);
    return { code, stdout, stderr };
  } finally {
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  }
}
