// Real git repositories in temporary folders for the history tests: commits with fixed dates and
// authors, renames, branches, merges, clones. git runs with an argument array, without a shell,
// and without the machine's global configuration.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';

export const GIT_ENV = { ...process.env, GIT_CONFIG_GLOBAL: '/dev/null', GIT_CONFIG_NOSYSTEM: '1', LC_ALL: 'C' };

/** Seconds since the epoch of the first commit's date; each commit is one day later. */
export const BASE_TIME = Date.parse('2026-01-05T09:30:00Z') / 1000;

export function git(cwd: string, args: string[], env: Record<string, string> = {}): string {
  return execFileSync('git', args, { cwd, env: { ...GIT_ENV, ...env }, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

export class TempRepo {
  private commits = 0;

  private constructor(readonly dir: string) {}

  static init(prefix = 'pw-history-'): TempRepo {
    const dir = mkdtempSync(path.join(tmpdir(), prefix));
    git(dir, ['init', '-q', '-b', 'main']);
    git(dir, ['config', 'user.name', 'Ada Lovelace']);
    git(dir, ['config', 'user.email', 'ada@example.com']);
    git(dir, ['config', 'commit.gpgsign', 'false']);
    return new TempRepo(dir);
  }

  /** A clone of another repository (`--depth N` for a shallow one). */
  static clone(source: TempRepo, args: string[] = []): TempRepo {
    const dir = mkdtempSync(path.join(tmpdir(), 'pw-history-clone-'));
    // file:// makes --depth take effect for a local clone.
    git(dir, ['clone', '-q', ...args, `file://${source.dir}`, 'repo']);
    const repo = new TempRepo(path.join(dir, 'repo'));
    git(repo.dir, ['config', 'user.name', 'Ada Lovelace']);
    git(repo.dir, ['config', 'user.email', 'ada@example.com']);
    return repo;
  }

  path(rel: string): string {
    return path.join(this.dir, ...rel.split('/'));
  }

  write(rel: string, text: string): string {
    const file = this.path(rel);
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, text);
    return file;
  }

  git(...args: string[]): string {
    return git(this.dir, args);
  }

  /** Stages everything and commits with a fixed date (one day after the previous commit). */
  commit(message: string, options: { author?: string; email?: string; allowEmpty?: boolean } = {}): string {
    this.git('add', '-A');
    const date = `@${BASE_TIME + this.commits++ * 86_400} +0100`;
    const env = {
      GIT_AUTHOR_DATE: date,
      GIT_COMMITTER_DATE: date,
      ...(options.author ? { GIT_AUTHOR_NAME: options.author, GIT_AUTHOR_EMAIL: options.email ?? 'someone@example.com' } : {}),
    };
    git(this.dir, ['commit', '-q', '--no-verify', ...(options.allowEmpty ? ['--allow-empty'] : []), '-m', message], env);
    return this.head();
  }

  /** Writes a file and commits it. */
  commitFile(rel: string, text: string, message: string, options: { author?: string } = {}): string {
    this.write(rel, text);
    return this.commit(message, options);
  }

  /** Merges with a fixed date; conflicts are left for the caller to resolve and commit. */
  merge(branch: string, message: string): { conflicted: boolean } {
    const date = `@${BASE_TIME + this.commits++ * 86_400} +0100`;
    try {
      git(this.dir, ['merge', '-q', '--no-ff', '-m', message, branch], { GIT_AUTHOR_DATE: date, GIT_COMMITTER_DATE: date });
      return { conflicted: false };
    } catch {
      return { conflicted: true };
    }
  }

  head(): string {
    return this.git('rev-parse', 'HEAD').trim();
  }

  remove(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/** A prompt with the given frontmatter lines and body. */
export function prompt(frontmatter: string, body: string): string {
  return `---\n${frontmatter.trim()}\n---\n${body}`;
}
