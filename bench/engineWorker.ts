// Times the in-process engine on one bad input in a child process, so that a crash (for example
// running out of heap) is reported by the benchmark instead of ending it.
//   node --import tsx bench/engineWorker.ts <large:CHARS | alias-bomb> <runs>
import { aliasBombPrompt, largePrompt } from './generate';
import { Engine, examplePartials, type EngineTiming } from './engine';
import { ROOT } from '../test/support/lspClient';

const [which = '', runsArg = '3'] = process.argv.slice(2);
const text = which === 'alias-bomb' ? aliasBombPrompt() : which.startsWith('large:') ? largePrompt(Number(which.slice(6))) : undefined;
if (text === undefined) throw new Error(`unknown input ${which}`);
const engine = new Engine(examplePartials(ROOT));
const runs: EngineTiming[] = [];
const total = Number(runsArg) + 1;
for (let i = 0; i < total; i++) {
  const t = engine.validate(text, 'file:///bench/bad.prompt', i + 1);
  if (i > 0 || total === 1) runs.push(t);
}
// maxRSS is in kilobytes.
process.stdout.write(JSON.stringify({ runs, peakRssBytes: process.resourceUsage().maxRSS * 1024 }) + '\n');
