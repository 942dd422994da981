// The two template libraries of Prompty files, loaded on first use: nunjucks takes a few hundred
// milliseconds to load, and a workspace without `.prompty` files never needs it.
import type Nunjucks from 'nunjucks';
import type MustacheLib from 'mustache';

let nj: typeof Nunjucks | undefined;
let mu: typeof MustacheLib | undefined;

export function nunjucksLib(): typeof Nunjucks {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  nj ??= require('nunjucks') as typeof Nunjucks;
  return nj;
}

export function mustacheLib(): typeof MustacheLib {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  mu ??= require('mustache') as typeof MustacheLib;
  return mu;
}

/** nunjucks' own parser (not in its type declarations): the same one its renderer compiles with. */
export function nunjucksParser(): { parse(src: string, extensions: unknown[], opts: object): unknown } {
  return (nunjucksLib() as unknown as { parser: { parse(src: string, extensions: unknown[], opts: object): unknown } }).parser;
}
