// The Git interface of the history engine, implemented with the `git` program: `execFile` with an
// argument array (never a shell), NUL-separated output, and errors that say what to do. Used by
// the VS Code client (extension host) and the CLI; the language server never runs git.
import { execFile, spawn } from 'node:child_process';
import { readFile, stat } from 'node:fs/promises';
import * as path from 'node:path';
import { GitError, type Git, type GitObjects, type LastCommit, type Location, type LogEntry, type LogOptions, type RepositoryInfo, type WorkingStatus, type WorkingStatuses } from '../service/history/git';
import { CatFileBatchReader, LOG_FORMAT, parseCatFileBatch, parseLastChanges, parseLog, parseStatus, parseStatuses } from '../service/history/parse';

export interface NodeGitOptions {
  /** The git program (default `git` on PATH). */
  gitPath?: string;
  /** Largest output accepted from one git call (default 256 MB). */
  maxBuffer?: number;
}

// Options that make git's output independent of the user's configuration and language.
const CONFIG = ['-c', 'core.quotepath=false', '-c', 'color.ui=false', '-c', 'log.showSignature=false', '-c', 'i18n.logOutputEncoding=UTF-8', '--no-pager', '--literal-pathspecs'];

interface RunResult {
  stdout: Buffer;
  stderr: string;
  code: number;
}

export class NodeGit implements Git {
  private readonly gitPath: string;
  private readonly maxBuffer: number;

  constructor(options: NodeGitOptions = {}) {
    this.gitPath = options.gitPath ?? 'git';
    this.maxBuffer = options.maxBuffer ?? 256 * 1024 * 1024;
  }

  private env(): NodeJS.ProcessEnv {
    return { ...process.env, LC_ALL: 'C', LANGUAGE: 'C', GIT_TERMINAL_PROMPT: '0', GIT_OPTIONAL_LOCKS: '0', GIT_PAGER: 'cat' };
  }

  /** Runs git in `cwd`; resolves with any exit code, rejects only when git cannot start. */
  private run(cwd: string, args: string[], input?: string): Promise<RunResult> {
    const env = this.env();
    return new Promise((resolve, reject) => {
      if (input === undefined) {
        execFile(this.gitPath, [...CONFIG, ...args], { cwd, env, encoding: 'buffer', maxBuffer: this.maxBuffer, windowsHide: true }, (error, stdout, stderr) => {
          const err = error as (NodeJS.ErrnoException & { code?: string | number }) | null;
          if (err && typeof err.code === 'string') return reject(this.startError(err, cwd));
          resolve({ stdout, stderr: stderr.toString('utf8'), code: err ? Number(err.code ?? 1) || 1 : 0 });
        });
        return;
      }
      // Input on stdin (cat-file --batch): spawn, still with an argument array.
      const child = spawn(this.gitPath, [...CONFIG, ...args], { cwd, env, windowsHide: true });
      const out: Buffer[] = [];
      const err: Buffer[] = [];
      let size = 0;
      child.stdout.on('data', (d: Buffer) => {
        size += d.length;
        if (size > this.maxBuffer) child.kill();
        else out.push(d);
      });
      child.stderr.on('data', (d: Buffer) => err.push(d));
      child.on('error', (e: NodeJS.ErrnoException) => reject(this.startError(e, cwd)));
      child.on('close', (code) => resolve({ stdout: Buffer.concat(out), stderr: Buffer.concat(err).toString('utf8'), code: code ?? 1 }));
      child.stdin.on('error', () => undefined);
      child.stdin.end(input);
    });
  }

  private startError(e: NodeJS.ErrnoException, cwd: string): GitError {
    if (e.code === 'ENOENT' && e.path === this.gitPath) return new GitError('git-missing', `git is not installed or not on PATH (looked for "${this.gitPath}"). Install git to see the history of prompts.`);
    if (e.code === 'ENOENT') return new GitError('not-a-repository', `The folder ${cwd} does not exist.`);
    return new GitError('failed', `git could not start: ${e.message}`);
  }

  private fail(what: string, r: RunResult, cwd: string): GitError {
    const detail = r.stderr.trim();
    if (/not a git repository/i.test(detail)) return new GitError('not-a-repository', `${cwd} is not in a git repository, so prompts there have no history. Run "git init" and commit the prompt to start one.`, detail);
    if (/dubious ownership/i.test(detail)) return new GitError('failed', `git refuses to read ${cwd}: the repository is owned by another user. ${detail.split('\n').find((l) => l.includes('safe.directory')) ?? 'Mark it safe with git config --global --add safe.directory <path>.'}`, detail);
    return new GitError('failed', `git ${what} failed: ${detail || `exit code ${r.code}`}`, detail);
  }

  async repository(file: string): Promise<RepositoryInfo> {
    const dir = path.dirname(file);
    // A missing folder would fail to spawn with the same ENOENT as a missing git: tell them apart.
    if (!(await stat(dir).then((s) => s.isDirectory(), () => false))) throw new GitError('not-found', `The folder ${dir} does not exist.`);
    const r = await this.run(dir, ['rev-parse', '--show-toplevel', '--show-prefix', '--is-shallow-repository', '--git-path', 'shallow']);
    if (r.code !== 0) throw this.fail('rev-parse', r, dir);
    const [root = '', prefix = '', shallow = 'false', shallowFile = ''] = r.stdout.toString('utf8').split('\n');
    if (!root) throw new GitError('not-a-repository', `${dir} is inside a git folder but not in a working tree (a bare repository?): prompts there have no history.`);
    const [head, branch] = await Promise.all([this.run(dir, ['rev-parse', '--verify', '-q', 'HEAD^{commit}']), this.run(dir, ['symbolic-ref', '-q', '--short', 'HEAD'])]);
    const isShallow = shallow.trim() === 'true';
    let shallowCommits: string[] = [];
    if (isShallow) {
      const list = await readFile(path.resolve(dir, shallowFile), 'utf8').catch(() => '');
      shallowCommits = list.split('\n').map((l) => l.trim()).filter(Boolean);
    }
    return {
      root,
      path: prefix + path.basename(file),
      head: head.code === 0 ? head.stdout.toString('utf8').trim() : undefined,
      branch: branch.code === 0 ? branch.stdout.toString('utf8').trim() || undefined : undefined,
      shallow: isShallow,
      shallowCommits,
    };
  }

  async log(root: string, file: string, options: LogOptions): Promise<LogEntry[]> {
    // No --skip: with --follow, git applies it to every commit walked, not only to those that
    // touched the file, so pages would overlap. -n does count only the file's commits; the first
    // `skip` are dropped here (the whole walk of 1,000 such commits takes under 20 ms).
    const args = ['log', '--follow', '-z', '--raw', '--no-abbrev', '-M', '--diff-merges=first-parent', `--format=${LOG_FORMAT}`, '-n', String(options.skip + options.limit), options.rev ?? 'HEAD', '--', file];
    const r = await this.run(root, args);
    if (r.code !== 0) {
      if (/does not have any commits yet|bad default revision|unknown revision/i.test(r.stderr)) return [];
      throw this.fail('log', r, root);
    }
    return parseLog(r.stdout.toString('utf8'), file).slice(options.skip);
  }

  async lastChanges(root: string): Promise<Map<string, LastCommit>> {
    // One walk, newest first: the first commit that names a path is its newest change. No rename
    // detection: a renamed file's newest change is the rename, under its new path, as `log --follow`
    // says too. Merges list no files (as `log -- <path>` follows the side that brought a change).
    const r = await this.run(root, ['log', '-z', '--name-only', '--no-renames', '--format=%x1e%H%x1f%an%x1f%aI%x1f%s', 'HEAD', '--']);
    if (r.code !== 0) {
      if (/does not have any commits yet|bad default revision|unknown revision/i.test(r.stderr)) return new Map();
      throw this.fail('log', r, root);
    }
    return parseLastChanges(r.stdout.toString('utf8'));
  }

  async readBlobs(root: string, ids: readonly string[]): Promise<Map<string, string>> {
    const wanted = ids.filter((id) => /^[0-9a-f]{4,64}$/.test(id));
    if (!wanted.length) return new Map();
    const r = await this.run(root, ['cat-file', '--batch'], `${wanted.join('\n')}\n`);
    if (r.code !== 0) throw this.fail('cat-file', r, root);
    return parseCatFileBatch(r.stdout);
  }

  async resolve(root: string, rev: string): Promise<string | undefined> {
    if (!rev || rev.startsWith('-')) return undefined;
    const r = await this.run(root, ['rev-parse', '--verify', '-q', '--end-of-options', `${rev}^{commit}`]);
    return r.code === 0 ? r.stdout.toString('utf8').trim() : undefined;
  }

  async show(root: string, rev: string, file: string): Promise<string | undefined> {
    const commit = await this.resolve(root, rev);
    if (!commit) throw new GitError('bad-revision', `"${rev}" is not a commit in ${root}.`);
    // `<commit>:<path>` with the path from the root; a path missing there is not an error.
    const r = await this.run(root, ['cat-file', 'blob', `${commit}:${file}`]);
    if (r.code !== 0) {
      if (/does not exist|exists on disk, but not in|not a valid object name|fatal: path/i.test(r.stderr)) return undefined;
      throw this.fail('cat-file', r, root);
    }
    return new TextDecoder('utf-8').decode(r.stdout);
  }

  async status(root: string, file: string): Promise<WorkingStatus> {
    const r = await this.run(root, ['status', '--porcelain=v1', '-z', '--ignored=matching', '--untracked-files=all', '--', file]);
    if (r.code !== 0) throw this.fail('status', r, root);
    return parseStatus(r.stdout.toString('utf8'));
  }

  async locate(dir: string): Promise<Location> {
    if (!(await stat(dir).then((s) => s.isDirectory(), () => false))) throw new GitError('not-found', `The folder ${dir} does not exist.`);
    const r = await this.run(dir, ['rev-parse', '--show-toplevel', '--show-prefix']);
    if (r.code !== 0) throw this.fail('rev-parse', r, dir);
    const [root = '', prefix = ''] = r.stdout.toString('utf8').split('\n');
    if (!root) throw new GitError('not-a-repository', `${dir} is inside a git folder but not in a working tree (a bare repository?): prompts there have no history.`);
    return { root, prefix };
  }

  async statuses(root: string, folder = ''): Promise<WorkingStatuses> {
    const r = await this.run(root, ['status', '--porcelain=v1', '-z', '--ignored=matching', '--untracked-files=all', ...(folder ? ['--', folder] : [])]);
    if (r.code !== 0) throw this.fail('status', r, root);
    return parseStatuses(r.stdout.toString('utf8'));
  }

  objects(root: string): GitObjects {
    // One `git cat-file --batch` for many reads: a request is a line, each answer comes in order.
    let child: ReturnType<typeof spawn> | undefined;
    let failure: GitError | undefined;
    let closed = false;
    const waiting: { resolve(o: { oid: string; type: string; content: Uint8Array } | undefined): void; reject(e: Error): void }[] = [];
    const reader = new CatFileBatchReader();
    const failAll = (e: GitError) => {
      failure ??= e;
      for (const w of waiting.splice(0)) w.reject(failure);
    };
    const start = () => {
      const c = spawn(this.gitPath, [...CONFIG, 'cat-file', '--batch'], { cwd: root, env: this.env(), windowsHide: true, stdio: ['pipe', 'pipe', 'pipe'] });
      const err: Buffer[] = [];
      c.stdout!.on('data', (d: Buffer) => {
        for (const answer of reader.push(d)) waiting.shift()?.resolve(answer);
        if (reader.buffered > this.maxBuffer) {
          c.kill();
          failAll(new GitError('failed', `git cat-file answered more than ${this.maxBuffer} bytes for one object in ${root}.`));
        }
      });
      c.stderr!.on('data', (d: Buffer) => err.push(d));
      c.on('error', (e: NodeJS.ErrnoException) => failAll(this.startError(e, root)));
      c.on('close', (code) => failAll(this.fail('cat-file', { stdout: Buffer.alloc(0), stderr: Buffer.concat(err).toString('utf8') || (closed ? 'closed' : ''), code: code ?? 1 }, root)));
      c.stdin!.on('error', () => undefined);
      return c;
    };
    return {
      read: (name) => {
        if (/[\n\0]/.test(name)) return Promise.resolve(undefined);
        if (failure) return Promise.reject(failure);
        if (closed) return Promise.reject(new GitError('failed', 'The git object reader is closed.'));
        child ??= start();
        const answer = new Promise<{ oid: string; type: string; content: Uint8Array } | undefined>((resolve, reject) => waiting.push({ resolve, reject }));
        child.stdin!.write(`${name}\n`);
        return answer;
      },
      close: () => {
        if (closed) return;
        closed = true;
        child?.stdin!.end();
      },
    };
  }
}
