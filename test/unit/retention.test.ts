// Caches that outlive a document keep copies of the pieces they are keyed by, not pieces cut from
// the document: a substring refers to the whole string it was cut from, so a cache keyed by
// substrings kept every version of every document whose piece it stored (a 10,000-line prompt
// grew the heap by about 0.4 MB per keystroke). Measured on the heap after full collections:
// thirty 0.5 MB texts counted or parsed, then let go, must not stay behind.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as v8 from 'node:v8';
import { runInNewContext } from 'node:vm';
import { parseDocument } from '../../server/src/service';
import { forgetLintState, lintDiagnostics } from '../../server/src/service/lint';
import { blockCounter } from '../../server/src/service/tokens';

v8.setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

// About 0.5 MB (one byte per character): thirty texts kept would grow the heap by about 15 MB.
const FILLER = Array.from({ length: 14000 }, (_, i) => `Line ${i % 50} of the shared filler text.`).join('\n\n');

function heapAfterGc(): number {
  gc();
  gc();
  return process.memoryUsage().heapUsed;
}

/** The heap growth, in MB, left by `use` on 30 texts of about 0.5 MB, each made here and dropped. */
function retainedBy(use: (text: string, k: number) => void): number {
  const before = heapAfterGc();
  for (let k = 0; k < 30; k++) {
    // A fresh string each time (built, not a literal).
    const text = `${FILLER}\n\nThe unique paragraph number ${k} with {{value_${k}}} and {{#if flag_${k}}}yes{{/if}} in it.\n`;
    use(text, k);
  }
  return (heapAfterGc() - before) / 1e6;
}

test('the token counts\' block cache keeps its own copies of the blocks, not the texts they were cut from', () => {
  const counter = blockCounter('o200k_base');
  counter.count(`${FILLER}\n\nwarm up\n`);
  const grown = retainedBy((text) => counter.count(text));
  assert.ok(counter.size > 30, `${counter.size} blocks cached`);
  assert.ok(grown < 5, `the heap grew by ${grown.toFixed(1)} MB after 30 texts of 0.5 MB were counted and let go`);
});

test('the template\'s tag parse cache keeps its own copies of the tags, not the documents they were cut from', () => {
  parseDocument(`${FILLER}\n{{warm}}\n`, 'file:///w/warm.prompt');
  const grown = retainedBy((text, k) => {
    const doc = parseDocument(text, `file:///w/retained-${k}.prompt`);
    assert.ok(doc.template.tags.some((t) => t.name === `value_${k}`));
  });
  assert.ok(grown < 5, `the heap grew by ${grown.toFixed(1)} MB after 30 documents of 0.5 MB were parsed and let go`);
});

test('the lint rules\' sentence memos keep their own copies of the sentences, not the versions they were cut from', () => {
  // One document, a paragraph added per version: each paragraph's sentences are split in the version
  // that added it and carried to the next ones, so a piece of that version would keep it alive.
  const uri = 'file:///w/retained-sentences.prompt';
  const head = '---\nmodel: openai/gpt-4o\n---\n';
  let body = FILLER;
  lintDiagnostics(parseDocument(`${head}${body}\n`, uri, 0));
  const grown = retainedBy((_text, k) => {
    body += `\n\nAlways answer question ${k} in one short sentence.`;
    lintDiagnostics(parseDocument(`${head}${body}\n`, uri, k + 1));
  });
  forgetLintState(uri);
  assert.ok(grown < 5, `the heap grew by ${grown.toFixed(1)} MB over 30 versions of a 0.5 MB document linted in turn`);
});
