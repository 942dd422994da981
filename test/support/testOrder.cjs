// Runs a test file's top-level tests in another order, to show that none depends on what an
// earlier one left behind (a document left open, a setting, a file written):
//   PW_TEST_ORDER=reverse     last test first
//   PW_TEST_ORDER=shuffle:N   a shuffle seeded with N (the same N gives the same order)
// Loaded with `--require` before the tests (npm run test:integration:order). Hooks (before,
// after, beforeEach, afterEach) keep their meaning; only the order of `test(...)` calls changes.
'use strict';
const nodeTest = require('node:test');

const mode = process.env.PW_TEST_ORDER;
if (mode) {
  const match = /^(reverse|shuffle)(?::(\d+))?$/.exec(mode);
  if (!match) throw new Error(`PW_TEST_ORDER must be "reverse" or "shuffle:<seed>"; got "${mode}".`);
  const register = nodeTest.test;
  const queue = [];
  let seed = Number(match[2] ?? 1) >>> 0 || 1;
  // xorshift32: a small seeded generator, so an order that fails can be run again.
  const next = () => {
    seed ^= seed << 13;
    seed >>>= 0;
    seed ^= seed >>> 17;
    seed ^= seed << 5;
    seed >>>= 0;
    return seed / 0x100000000;
  };
  const flush = () => {
    const order = queue.splice(0);
    if (match[1] === 'reverse') order.reverse();
    else for (let i = order.length - 1; i > 0; i--) {
      const j = Math.floor(next() * (i + 1));
      [order[i], order[j]] = [order[j], order[i]];
    }
    for (const args of order) register(...args);
  };
  nodeTest.test = function orderedTest(...args) {
    if (!queue.length) setImmediate(flush);
    queue.push(args);
  };
}
