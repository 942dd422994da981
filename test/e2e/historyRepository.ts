// Makes the `history` scenario's folder a git repository with the commits of expectations.ts
// (real git, argument arrays, fixed author and dates, none of the machine's git configuration).
import { writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { BASE_TIME, git } from '../support/gitRepo.js';
import { history } from './expectations.js';

export function makeHistoryRepository(dir: string): void {
  git(dir, ['init', '-q', '-b', 'main']);
  git(dir, ['config', 'user.name', 'Ada Lovelace']);
  git(dir, ['config', 'user.email', 'ada@example.com']);
  git(dir, ['config', 'commit.gpgsign', 'false']);
  history.commits.forEach((c, i) => {
    writeFileSync(path.join(dir, history.file), c.text);
    git(dir, ['add', '--', history.file]);
    const date = `@${BASE_TIME + i * 86_400} +0100`;
    git(dir, ['commit', '-q', '--no-verify', '-m', c.message], { GIT_AUTHOR_DATE: date, GIT_COMMITTER_DATE: date });
  });
}
