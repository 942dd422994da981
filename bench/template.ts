// Template intelligence timings: completion and hover on a 1,000-line prompt with 200 declared
// variables (in-process engine calls, each on a freshly edited document version, so parse and
// analysis are included), and indexing the partials of a 5,000-file workspace while the server
// keeps answering hover requests. Run with `npm run bench` or alone:
//   node --import tsx bench/template.ts
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { HoverRequest } from 'vscode-languageserver-protocol/node';
import { complete, hover, PartialIndex, PromptDocumentCache } from '../server/src/service';
import { TestLanguageClient } from '../test/support/lspClient';
import { createNodeHost } from '../server/src/node/host';
import { indexPartials } from '../server/src/service/workspace';

function stats(samples: number[]) {
  const s = [...samples].sort((a, b) => a - b);
  const at = (q: number) => s[Math.min(s.length - 1, Math.floor(q * s.length))];
  return { median: at(0.5), p95: at(0.95), max: s[s.length - 1], n: s.length };
}

export function bigPrompt(lines = 1000, variables = 200): string {
  const schema = Array.from({ length: variables }, (_, i) => (i % 10 === 0 ? `    list${i}(array):\n      name: string\n      score: number` : `    var${i}: string, variable number ${i}`));
  const out = ['---', 'model: openai/gpt-4o-mini', 'input:', '  schema:', ...schema, '---', '{{role "system"}}'];
  let i = 0;
  while (out.length < lines) {
    const v = i % variables;
    if (v % 10 === 0) out.push(`{{#each list${v}}}`, `- {{name}} scored {{score}} ({{@index}})`, '{{/each}}');
    else out.push(`Line ${i}: tell the user about {{var${v}}} and keep it short.`);
    i++;
  }
  return out.join('\n') + '\n';
}

export async function benchTemplate(): Promise<Record<string, unknown>> {
  const text = bigPrompt();
  const probe = 'Line 7: tell the user about {{var7}}';
  const at = text.indexOf(probe) + 'Line 7: tell the user about {{va'.length;
  const completion: number[] = [];
  const hovers: number[] = [];
  const cachedCompletion: number[] = [];
  const partials = new PartialIndex();
  const cache = new PromptDocumentCache();
  for (let run = 0; run < 220; run++) {
    // A new version each time (an edit in the body, as after a keystroke), through the server's
    // cache: parse (reusing the unchanged frontmatter) + analysis + the request.
    const edited = text.replace('Line 7:', run % 2 ? 'Line 7;' : 'Line 7:');
    const t0 = performance.now();
    const doc = cache.get({ uri: 'file:///bench.prompt', version: run, getText: () => edited });
    const items = complete(doc, at, { partials })!.items;
    const t1 = performance.now();
    hover(doc, at + 1, { partials });
    const t2 = performance.now();
    complete(doc, at, { partials });
    const t3 = performance.now();
    if (run >= 20) {
      completion.push(t1 - t0);
      hovers.push(t2 - t1);
      cachedCompletion.push(t3 - t2);
    }
    if (!items.some((x) => x.label === 'var7')) throw new Error('completion lost var7');
  }

  // 5,000 prompt files, 500 of them partials, indexed by the server while hovers keep coming.
  const root = mkdtempSync(path.join(tmpdir(), 'pw-bench-ws-'));
  for (let d = 0; d < 50; d++) {
    const dir = path.join(root, `team${d}`);
    mkdirSync(dir);
    for (let f = 0; f < 100; f++) {
      const partial = f % 10 === 0;
      writeFileSync(path.join(dir, partial ? `_part${d}_${f}.prompt` : `prompt${f}.prompt`), partial ? `Shared text ${d}/${f} for {{name}}.` : `---\nmodel: openai/gpt-4o\n---\nHello {{> part${d}_0}}`);
    }
  }
  const direct = new PartialIndex();
  const t0 = performance.now();
  const report = await indexPartials(createNodeHost({ roots: [pathToFileURL(root).toString()] }), direct);
  const indexMs = performance.now() - t0;

  // A server whose workspace is this folder indexes it at start; hovers on an open prompt go on meanwhile.
  const uri = pathToFileURL(path.join(root, 'open.prompt')).toString();
  const live = await TestLanguageClient.startWithRoot(root);
  await live.open(uri, text);
  const during: number[] = [];
  for (let k = 0; k < 50; k++) {
    const h0 = performance.now();
    await live.connection.sendRequest(HoverRequest.type, { textDocument: { uri }, position: { line: 8, character: 6 } });
    during.push(performance.now() - h0);
  }
  await live.stop();
  rmSync(root, { recursive: true, force: true });

  return {
    completion1000: stats(completion),
    hover1000: stats(hovers),
    completionSameVersion: stats(cachedCompletion),
    partialIndex: { files: 5000, partials: report.files, ms: indexMs },
    hoverDuringIndex: stats(during),
  };
}

if (require.main === module) {
  void benchTemplate().then((r) => console.log(JSON.stringify(r, null, 2)));
}
