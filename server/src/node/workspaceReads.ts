// One-off reads over the Node host for the command line, test runs in the extension host, tests and
// benchmarks: a file by URI, the partial index of some folders, git facts of a file. Apart from
// host.ts, because these pull in the engine, which the client's session bundle must not carry.
import * as path from 'node:path';
import { gitInfoOf } from '../service/host';
import type { PartialIndex } from '../service/partials';
import type { GitInfo } from '../service/testing/records';
import { loadPartialIndex as loadPartialIndexOf } from '../service/workspace';
import { NodeGit, type NodeGitOptions } from './git';
import { createNodeHost, toUri } from './host';

/** A file's text by URI or path, through a host with no open editor (tests, benchmarks, one-off reads). */
export function readTextUri(uri: string): Promise<string> {
  return createNodeHost().readText(uri.startsWith('file:') ? uri : toUri(path.resolve(uri)));
}

/** The partials under the given folders (URIs or paths), searched with the one skip list. */
export function loadPartialIndex(folders: readonly string[], exclude: readonly string[] = []): Promise<PartialIndex> {
  return loadPartialIndexOf(createNodeHost({ roots: [...new Set(folders)], exclude }));
}

/** The commit checked out where the file is, and whether the file differs from it (the git runner's options). */
export function gitInfo(file: string, git?: NodeGitOptions): Promise<GitInfo | undefined> {
  return gitInfoOf(new NodeGit(git), file);
}
