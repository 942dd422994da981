// The engine's work per keystroke, in-process, by edit kind and step (parse, analysis, tokens,
// lint), on the edit script of table 1. Each edit's time is its minimum over several runs of the
// whole script in the same process (a fresh document each run), so a load spike or a garbage
// collection that hits one run does not count: it measures the work, not the waiting, and stays
// comparable on a loaded machine. The token counts' block cache (shared by documents, keyed by text)
// is emptied before each run, so a run pays for the blocks an edit changes. With --baseline REF the same script runs on commit REF's engine
// (extracted with `git archive` into a temporary folder, this repository's node_modules linked),
// alternately with the working tree's, in the same minutes.
//
//   node --import tsx bench/keystroke.ts [--lines 1000] [--edits 220] [--runs 5] [--rounds 2] [--baseline REF]
import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { blockCounter } from '../server/src/service/tokens';
import { Engine, examplePartials } from './engine';
import { editScript, generatePrompt } from './generate';

const argv = process.argv.slice(2);
const opt = (name: string, fallback: string) => {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 && argv[i + 1] !== undefined ? argv[i + 1] : fallback;
};
const LINES = Number(opt('lines', '1000'));
const EDITS = Number(opt('edits', '220'));
const RUNS = Number(opt('runs', '5'));
const ROUNDS = Number(opt('rounds', '2'));
const BASELINE = opt('baseline', '');
const WARMUP = 20;
const ROOT = path.resolve(__dirname, '..');

function measure(): string[] {
  const engine = new Engine(examplePartials(ROOT));
  const text = generatePrompt(LINES).text;
  const edits = editScript(text, EDITS);
  // Per edit: the run with the smallest total, and its steps.
  const best = edits.map(() => ({ total: Infinity, parse: 0, analysis: 0, tokens: 0, lint: 0 }));
  for (let run = 0; run < RUNS; run++) {
    // The token counts are cached by block text across documents: a run would find every block the
    // previous run counted and never pay for the edited one. Each run starts without them.
    for (const encoding of ['o200k_base', 'cl100k_base'] as const) blockCounter(encoding).clear();
    const uri = `file:///bench/keystroke-${run}.prompt`;
    let current = text;
    let version = 1;
    engine.validate(current, uri, version);
    for (const [i, e] of edits.entries()) {
      current = applyEdit(current, e.range, e.text);
      const t = engine.validate(current, uri, ++version);
      if (t.total < best[i].total) best[i] = { total: t.total, parse: t.parse, analysis: t.analysis, tokens: t.tokens, lint: t.lint };
    }
  }
  const kinds = new Map<string, (typeof best)[number][]>([['all', []]]);
  for (let i = WARMUP; i < edits.length; i++) {
    kinds.get('all')!.push(best[i]);
    if (!kinds.has(edits[i].kind)) kinds.set(edits[i].kind, []);
    kinds.get(edits[i].kind)!.push(best[i]);
  }
  const cell = (xs: number[]) => `${fmt(quantile(xs, 0.5))} / ${fmt(quantile(xs, 0.95))}`;
  const rows = [`${'edits'.padEnd(24)} ${'n'.padStart(4)}  ${['total', 'parse', 'analysis', 'tokens', 'lint'].map((h) => h.padStart(15)).join('')}`];
  for (const [kind, xs] of kinds) {
    rows.push(`${kind.padEnd(24)} ${String(xs.length).padStart(4)}  ${(['total', 'parse', 'analysis', 'tokens', 'lint'] as const).map((k) => cell(xs.map((x) => x[k])).padStart(15)).join('')}`);
  }
  return rows;
}

function applyEdit(text: string, range: { start: { line: number; character: number }; end: { line: number; character: number } }, insert: string): string {
  const offset = (p: { line: number; character: number }) => {
    let at = 0;
    for (let l = 0; l < p.line; l++) at = text.indexOf('\n', at) + 1;
    return at + p.character;
  };
  return text.slice(0, offset(range.start)) + insert + text.slice(offset(range.end));
}

function quantile(xs: number[], q: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))];
}

function fmt(ms: number): string {
  return ms >= 100 ? ms.toFixed(0) : ms >= 10 ? ms.toFixed(1) : ms.toFixed(2);
}

function header(): string {
  return `${LINES.toLocaleString('en-US')} lines, ${EDITS} edits (first ${WARMUP} not counted), each edit's minimum over ${RUNS} runs; median / p95 ms; load average ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}`;
}

/** Commit REF's engine and bench scripts in a temporary folder, with this script and node_modules. */
function extractBaseline(ref: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pw-keystroke-'));
  const archive = execFileSync('git', ['archive', '--format=tar', ref, 'server', 'bench', 'examples', 'package.json', 'tsconfig.json'], { cwd: ROOT, maxBuffer: 1 << 30 });
  execFileSync('tar', ['-x', '-C', dir], { input: archive });
  fs.symlinkSync(path.join(ROOT, 'node_modules'), path.join(dir, 'node_modules'));
  fs.copyFileSync(__filename, path.join(dir, 'bench', 'keystroke.ts'));
  return dir;
}

if (BASELINE) {
  const dir = extractBaseline(BASELINE);
  const args = ['--lines', String(LINES), '--edits', String(EDITS), '--runs', String(RUNS), '--rounds', '1'];
  try {
    for (let round = 1; round <= ROUNDS; round++) {
      for (const [name, cwd] of [[`baseline ${BASELINE}`, dir], ['current', ROOT]] as const) {
        const r = spawnSync(process.execPath, ['--import', 'tsx', path.join(cwd, 'bench', 'keystroke.ts'), ...args], { cwd, encoding: 'utf8' });
        if (r.status !== 0) throw new Error(`${name}: ${r.stderr}`);
        console.log(`round ${round}, ${name}\n${r.stdout}`);
      }
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
} else {
  for (let round = 1; round <= ROUNDS; round++) console.log([header(), ...measure()].join('\n'));
}
