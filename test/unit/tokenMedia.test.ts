// Tokens of media and sections: a `{{section}}` marker sends no text and counts nothing; an image
// is counted by its provider's published rule when its size is known (OpenAI tiles and patches,
// Anthropic w×h/750, Gemini's 258 for small images), else it is "image: not counted" with why.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parsePromptDocument } from '../../server/src/service';
import { anthropicTokens, documentTokens, imageSizeOf, mediaLines, openAiPatchTokens, openAiTileTokens, renderedTokens, tokenCodeLenses, tokenHover } from '../../server/src/service/tokens';

const o200k: (text: string) => number = require('gpt-tokenizer/encoding/o200k_base').countTokens;

// ---- images of known sizes, as data: URIs ----

function png(width: number, height: number): string {
  const b = Buffer.alloc(33);
  Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]).copy(b, 0);
  b.writeUInt32BE(13, 8);
  b.write('IHDR', 12, 'latin1');
  b.writeUInt32BE(width, 16);
  b.writeUInt32BE(height, 20);
  return `data:image/png;base64,${b.toString('base64')}`;
}

function gif(width: number, height: number): string {
  const b = Buffer.alloc(26);
  b.write('GIF89a', 0, 'latin1');
  b.writeUInt16LE(width, 6);
  b.writeUInt16LE(height, 8);
  return `data:image/gif;base64,${b.toString('base64')}`;
}

function jpeg(width: number, height: number): string {
  // SOI, an APP0 segment of 16 bytes, then SOF0 with height and width.
  const app0 = Buffer.from([0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46, 0x49, 0x46, 0x00, 0x01, 0x01, 0x00, 0x00, 0x01, 0x00, 0x01, 0x00, 0x00]);
  const sof = Buffer.from([0xff, 0xc0, 0x00, 0x11, 0x08, height >> 8, height & 0xff, width >> 8, width & 0xff, 0x03, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
  return `data:image/jpeg;base64,${Buffer.concat([Buffer.from([0xff, 0xd8]), app0, sof]).toString('base64')}`;
}

function webp(width: number, height: number): string {
  const b = Buffer.alloc(30);
  b.write('RIFF', 0, 'latin1');
  b.writeUInt32LE(22, 4);
  b.write('WEBPVP8X', 8, 'latin1');
  b.writeUIntLE(width - 1, 24, 3);
  b.writeUIntLE(height - 1, 27, 3);
  return `data:image/webp;base64,${b.toString('base64')}`;
}

test('image sizes are read from PNG, GIF, JPEG and WebP data URIs, and nothing else', () => {
  assert.deepEqual(imageSizeOf(png(1024, 768)), { width: 1024, height: 768 });
  assert.deepEqual(imageSizeOf(gif(300, 200)), { width: 300, height: 200 });
  assert.deepEqual(imageSizeOf(jpeg(1800, 2400)), { width: 1800, height: 2400 });
  assert.deepEqual(imageSizeOf(webp(640, 480)), { width: 640, height: 480 });
  assert.equal(imageSizeOf('https://example.com/cat.png'), undefined);
  assert.equal(imageSizeOf('data:text/plain;base64,aGVsbG8gd29ybGQsIHRoaXMgaXMgbm90IGFuIGltYWdl'), undefined);
});

test('the published rules, on the providers\' own worked examples', () => {
  // OpenAI: 1024 x 1024 in detail high is 765 tokens; 2048 x 4096 is 1105 (gpt-4o figures).
  assert.equal(openAiTileTokens({ width: 1024, height: 1024 }, { base: 85, tile: 170 }), 765);
  assert.equal(openAiTileTokens({ width: 2048, height: 4096 }, { base: 85, tile: 170 }), 1105);
  assert.equal(openAiTileTokens({ width: 512, height: 512 }, { base: 2833, tile: 5667 }), 8500);
  // OpenAI patches: 1024 x 1024 is 1024 patches; 1800 x 2400 is scaled to 1452 patches.
  assert.equal(openAiPatchTokens({ width: 1024, height: 1024 }, 1), 1024);
  assert.equal(openAiPatchTokens({ width: 1800, height: 2400 }, 1), 1452);
  assert.equal(openAiPatchTokens({ width: 1800, height: 2400 }, 1.62), 2352);
  // Anthropic: 1092 x 1092 is about 1590 tokens; 1000 x 1000 about 1333; larger ones are scaled down.
  assert.equal(anthropicTokens({ width: 1092, height: 1092 }), 1590);
  assert.equal(anthropicTokens({ width: 1000, height: 1000 }), 1333);
  assert.equal(anthropicTokens({ width: 4000, height: 3000 }), 1600);
});

const SAMPLE = (url: string, model: string) => `---
model: ${model}
input:
  schema:
    photo: string
    question: string
  default:
    photo: "${url}"
    question: What breed is it?
---
{{role "system"}}
{{section "instructions"}}
You are a careful assistant that describes photographs for people who cannot see them.
{{role "user"}}
{{media url=photo contentType="image/png"}}
{{section "question"}}
{{question}}
`;

const SYSTEM = '\nYou are a careful assistant that describes photographs for people who cannot see them.\n';
const chat = (role: string, parts: string[]) => 3 + o200k(role) + parts.reduce((s, p) => s + o200k(p), 0);

test('the template count sends nothing for {{section}} and {{media}} tags; the lens says the image is not counted', () => {
  const doc = parsePromptDocument(SAMPLE('https://example.com/cat.png', 'gpt-4o'), 'file:///w/sample.prompt');
  const t = documentTokens(doc);
  const [system, user] = t.messages;
  // The text between the tags, each piece as written (the tags themselves send nothing).
  assert.equal(system.content, o200k('\n') + o200k(SYSTEM));
  assert.equal(user.content, o200k('\n') + o200k('\n') + o200k('\n{{question}}\n'));
  assert.equal(user.media, 1);
  assert.equal(t.template, system.tokens + user.tokens + 3);
  const titles = tokenCodeLenses(doc).map((l) => l.command!.title);
  assert.ok(titles.includes(`user: ${user.tokens} tokens (${user.content} + ${user.framing} framing) · image: not counted`), titles.join('\n'));
  assert.ok(t.notes.some((n) => /1 `\{\{media\}\}` part is not counted in the template/.test(n)));

  const text = doc.text;
  const media = tokenHover(doc, text.indexOf('{{media') + 3)!;
  assert.match((media.contents as { value: string }).value, /^\*\*image: not counted\*\* in the template figure/);
  assert.deepEqual(media.range, doc.lines.range(text.indexOf('{{media'), text.indexOf('"}}', text.indexOf('{{media')) + 3));
  const section = tokenHover(doc, text.indexOf('{{section') + 3)!;
  assert.match((section.contents as { value: string }).value, /^\*\*section marker\*\*: 0 tokens/);
});

test('rendered: text parts only, framing per message; a URL image is "not counted" with why (342 -> exact)', async () => {
  const doc = parsePromptDocument(SAMPLE('https://example.com/cat.png', 'gpt-4o'), 'file:///w/sample.prompt');
  const r = await renderedTokens(doc);
  assert.ok(r.available);
  // Dotprompt trims the body: the last text part is "\nWhat breed is it?".
  const exact = chat('system', [SYSTEM]) + chat('user', ['\nWhat breed is it?']) + 3;
  assert.equal(r.tokens, exact);
  assert.equal(r.media?.counted, 0);
  assert.deepEqual(mediaLines(r.media), ['image: not counted (its size is unknown: a URL is not fetched, only the size of a data: URI is read)']);
});

test('rendered: a data: URI image is counted by the model provider\'s rule', async () => {
  const withText = async (model: string, url: string) => {
    const doc = parsePromptDocument(SAMPLE(url, model), 'file:///w/sample.prompt');
    const r = await renderedTokens(doc);
    assert.ok(r.available);
    return r;
  };
  const gpt = await withText('gpt-4o', png(1024, 1024));
  const base = chat('system', [SYSTEM]) + chat('user', ['\nWhat breed is it?']) + 3;
  assert.equal(gpt.tokens, base + 765);
  assert.deepEqual(mediaLines(gpt.media), ['image: 765 tokens (included)', 'image 1: counted by OpenAI tiles (1024×1024, detail high: 85 + 170 per 512 px tile)']);
  assert.equal(gpt.estimated, false);

  const mini = await withText('gpt-4.1-mini', png(1024, 1024));
  assert.equal(mini.media?.tokens, 1659);

  const claude = await withText('claude-sonnet-4-5', jpeg(1000, 1000));
  assert.equal(claude.media?.tokens, 1333);
  assert.equal(claude.estimated, true);

  const gemini = await withText('gemini-2.5-flash', gif(300, 200));
  assert.equal(gemini.media?.tokens, 258);
  const big = await withText('gemini-2.5-flash', png(1000, 800));
  assert.equal(big.media?.counted, 0);
  assert.match(mediaLines(big.media)[0], /^image: not counted \(Gemini cuts an image over 384 px, here 1000×800/);

  const llama = await withText('llama-3.3-70b', png(100, 100));
  assert.match(mediaLines(llama.media)[0], /^image: not counted \(meta publishes no image token rule for `llama-3.3-70b`\)/);
});

test('a section marker never adds tokens to the rendered count', async () => {
  const plain = parsePromptDocument('---\nmodel: gpt-4o\n---\nHello there.\nGoodbye.', 'file:///w/a.prompt');
  const marked = parsePromptDocument('---\nmodel: gpt-4o\n---\nHello there.\n{{section "end"}}Goodbye.', 'file:///w/b.prompt');
  const a = await renderedTokens(plain);
  const b = await renderedTokens(marked);
  assert.ok(a.available && b.available);
  // The marker splits the text in two parts; each is counted, the marker is not.
  assert.equal(b.tokens, 3 + o200k('user') + o200k('Hello there.\n') + o200k('Goodbye.') + 3);
  assert.ok(b.tokens <= a.tokens + 1, `${b.tokens} vs ${a.tokens}`);
  assert.equal(b.media, undefined);
});
