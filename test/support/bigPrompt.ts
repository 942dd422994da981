// A realistic prompt of about 1 MB, the same for the same seed: the benchmark's generated support
// prompt (frontmatter with ~200 inputs, prose, `{{#if}}` / `{{#each}}` / `{{#with}}` blocks,
// partials, comments, XML sections, role markers) grown to the size asked for, with lines mixed in
// that give each lint rule work: e-mail addresses and phone numbers (pii-in-prompt), vague words
// (vague-language), instructions repeated far apart (duplicate-instruction) or pulling against
// each other (conflicting-instructions), trailing spaces (whitespace), code fences and XML-delimited
// data (the data regions of untrusted-input-undelimited) and a key-shaped string (secret-in-prompt).
// Used by test/integration/responsiveness.test.ts and bench/run.ts.
import { generatePrompt, rng } from '../../bench/generate';

const EXTRA = [
  (n: number) => `If the customer asks for a refund, contact the billing lead at refunds.team${n}@acme-corp.com or +44 20 7946 ${String(1000 + (n % 9000)).padStart(4, '0')}.`,
  () => 'Try to keep the answer short and maybe add some examples, etc.',
  () => "Answer in the customer's language.",
  () => 'Be concise.',
  () => 'Explain every step of the fix in detail.',
  (n: number) => `Quote the ticket number ${n} exactly as written.   `,
  () => '```json',
  () => '{ "answer": "string", "confidence": 0.5 }',
  () => '```',
  () => '<example>Customer: my router blinks red. Agent: unplug it for ten seconds.</example>',
];

/** Just under `chars` characters (so that a `maxFileSize` of 1,000,000 still analyses it), every declared input used. */
export function bigPrompt(chars = 990_000, seed = 1): string {
  // generatePrompt writes ~50 characters per line; shrink the line count until the text fits.
  let lines = Math.floor(chars / 52);
  for (;;) {
    const text = withExtras(generatePrompt(lines, seed).text, seed);
    if (text.length <= chars) return text;
    lines = Math.floor((lines * chars) / text.length) - 20;
  }
}

function withExtras(base: string, seed: number): string {
  const r = rng(seed * 31 + 7);
  const lines = base.split('\n');
  const close = lines.indexOf('---', 1);
  const out = lines.slice(0, close + 1);
  const secret = `Use the sandbox key sk-${'Ab3dEf6hIj9kLm2nOp5q'}T3BlbkFJ${'Rs8tUv1wXy4zAb3dEf6h'} for the demo account.`;
  let extras = 0;
  for (let i = close + 1; i < lines.length; i++) {
    const line = lines[i];
    out.push(line);
    // After a plain prose line (never a tag's own line), now and then.
    if (line && !line.includes('{{') && !line.startsWith('<') && r() < 0.08) {
      const kind = Math.floor(r() * EXTRA.length);
      if (kind >= 6 && kind <= 8) out.push(EXTRA[6](0), EXTRA[7](0), EXTRA[8](0));
      else out.push(EXTRA[kind](extras));
      extras++;
    }
    if (i === close + 400) out.push(secret);
  }
  return out.join('\n');
}
