// Tokens of the images in a rendered prompt, by each provider's published rule, and only where the
// rule and the image's size are known: otherwise the image is "not counted", with the reason. A
// `{{section}}` marker is never counted: it sends no text. The figures:
// - OpenAI, "Images and vision" (calculating costs): tile models scale the image to fit 2048 x 2048,
//   then its shortest side to 768 px, and cost a base plus a figure per 512 px tile (detail
//   `high`; `low` is the base only); patch models cost one token per 32 px patch (at most 1,536,
//   the image scaled down to fit), times a multiplier.
// - Anthropic, "Vision" (evaluate image size): images whose long edge is over 1,568 px are scaled
//   down; tokens ≈ width x height / 750, about 1,600 at most. An estimate by Anthropic's own word.
// - Google, Gemini "Understand and count tokens": an image with both sides at most 384 px is 258
//   tokens; larger ones are cropped and scaled into 768 x 768 tiles of 258 tokens, and how they are
//   cropped is not published, so those are not counted.
import type { RenderedPart } from '../formats/types';
import type { ResolvedModel } from './catalogue';

export interface ImageSize {
  width: number;
  height: number;
}

export type ImageCount =
  | { counted: true; tokens: number; estimated: boolean; rule: string }
  /** `what`: `image`, or the media type of another part (`audio/mpeg`). */
  | { counted: false; what: string; reason: string };

/** OpenAI tile models: base + per 512 px tile (detail `high`). */
const OPENAI_TILES: Record<string, { base: number; tile: number }> = {
  'gpt-4o': { base: 85, tile: 170 },
  'gpt-4-turbo': { base: 85, tile: 170 },
  'gpt-4.1': { base: 85, tile: 170 },
  'gpt-4o-mini': { base: 2833, tile: 5667 },
  o1: { base: 75, tile: 150 },
  o3: { base: 75, tile: 150 },
  'gpt-5': { base: 70, tile: 140 },
};

/** OpenAI patch models: tokens per 32 px patch. */
const OPENAI_PATCHES: Record<string, number> = {
  'gpt-4.1-mini': 1.62,
  'gpt-4.1-nano': 2.46,
  'gpt-5-mini': 1.62,
  'gpt-5-nano': 2.46,
  'o4-mini': 1.72,
};

const MAX_PATCHES = 1536;

export function openAiTileTokens(size: ImageSize, rate: { base: number; tile: number }): number {
  let { width: w, height: h } = size;
  if (Math.max(w, h) > 2048) {
    const s = 2048 / Math.max(w, h);
    w *= s;
    h *= s;
  }
  if (Math.min(w, h) > 768) {
    const s = 768 / Math.min(w, h);
    w *= s;
    h *= s;
  }
  return rate.base + rate.tile * Math.ceil(w / 512) * Math.ceil(h / 512);
}

export function openAiPatchTokens(size: ImageSize, multiplier: number): number {
  let { width: w, height: h } = size;
  let patches = Math.ceil(w / 32) * Math.ceil(h / 32);
  if (patches > MAX_PATCHES) {
    // OpenAI's worked example: shrink to the budget, then so the width is a whole number of patches.
    const shrink = Math.sqrt((MAX_PATCHES * 32 * 32) / (w * h));
    w *= shrink;
    h *= shrink;
    const fit = Math.floor(w / 32) / (w / 32);
    w *= fit;
    h *= fit;
    patches = Math.min(MAX_PATCHES, Math.ceil(Math.round(w) / 32) * Math.ceil(Math.round(h) / 32));
  }
  return Math.round(patches * multiplier);
}

export function anthropicTokens(size: ImageSize): number {
  let { width: w, height: h } = size;
  if (Math.max(w, h) > 1568) {
    const s = 1568 / Math.max(w, h);
    w = Math.round(w * s);
    h = Math.round(h * s);
  }
  return Math.min(1600, Math.round((w * h) / 750));
}

// ---- the size of an image in a data: URI ----

function bytesOf(url: string, max: number): Uint8Array | undefined {
  const m = /^data:([^;,]*)((?:;[^;,]*)*?);base64,/i.exec(url);
  if (!m) return undefined;
  const b64 = url.slice(m[0].length, m[0].length + Math.ceil(max / 3) * 4).replace(/\s+/g, '');
  try {
    return Uint8Array.from(Buffer.from(b64, 'base64'));
  } catch {
    return undefined;
  }
}

const be16 = (b: Uint8Array, i: number) => (b[i] << 8) | b[i + 1];
const le16 = (b: Uint8Array, i: number) => b[i] | (b[i + 1] << 8);
const be32 = (b: Uint8Array, i: number) => ((b[i] << 24) >>> 0) + (b[i + 1] << 16) + (b[i + 2] << 8) + b[i + 3];

/** Width and height of a PNG, GIF, JPEG or WebP given as a base64 `data:` URI; undefined otherwise. */
export function imageSizeOf(url: string): ImageSize | undefined {
  const b = bytesOf(url, 256 * 1024);
  if (!b || b.length < 24) return undefined;
  // PNG: signature, then the IHDR chunk's width and height.
  if (b[0] === 0x89 && b[1] === 0x50 && b[2] === 0x4e && b[3] === 0x47) return { width: be32(b, 16), height: be32(b, 20) };
  // GIF87a / GIF89a: the logical screen size.
  if (b[0] === 0x47 && b[1] === 0x49 && b[2] === 0x46) return { width: le16(b, 6), height: le16(b, 8) };
  // WebP: RIFF....WEBP and a VP8 / VP8L / VP8X chunk.
  if (b[0] === 0x52 && b[1] === 0x49 && b[2] === 0x46 && b[3] === 0x46 && b[8] === 0x57 && b[9] === 0x45 && b[10] === 0x42 && b[11] === 0x50 && b.length >= 30) {
    const chunk = String.fromCharCode(b[12], b[13], b[14], b[15]);
    if (chunk === 'VP8 ') return { width: le16(b, 26) & 0x3fff, height: le16(b, 28) & 0x3fff };
    if (chunk === 'VP8L') return { width: 1 + (((b[22] & 0x3f) << 8) | b[21]), height: 1 + (((b[24] & 0x0f) << 10) | (b[23] << 2) | ((b[22] & 0xc0) >> 6)) };
    if (chunk === 'VP8X') return { width: 1 + (b[24] | (b[25] << 8) | (b[26] << 16)), height: 1 + (b[27] | (b[28] << 8) | (b[29] << 16)) };
    return undefined;
  }
  // JPEG: walk the segments to the first start-of-frame.
  if (b[0] === 0xff && b[1] === 0xd8) {
    let i = 2;
    while (i + 9 < b.length) {
      if (b[i] !== 0xff) return undefined;
      const marker = b[i + 1];
      if (marker === 0xd8 || (marker >= 0xd0 && marker <= 0xd7) || marker === 0x01) {
        i += 2;
        continue;
      }
      const length = be16(b, i + 2);
      if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc) return { width: be16(b, i + 7), height: be16(b, i + 5) };
      i += 2 + length;
    }
  }
  return undefined;
}

function isImage(part: Extract<RenderedPart, { kind: 'media' }>): boolean | undefined {
  const type = part.contentType ?? /^data:([^;,]+)/i.exec(part.url)?.[1];
  if (type) return type.toLowerCase().startsWith('image/');
  if (/\.(png|jpe?g|gif|webp|bmp|heic|heif)(\?|#|$)/i.test(part.url)) return true;
  return undefined;
}

/** The tokens of one media part for a model, or why it is not counted. */
export function mediaTokens(part: Extract<RenderedPart, { kind: 'media' }>, model: ResolvedModel): ImageCount {
  const image = isImage(part);
  if (image === false) return { counted: false, what: part.contentType ?? 'media', reason: `each provider counts such a part by its own measure, its length or pages, which is not known here` };
  const id = model.id;
  const provider = model.provider ?? model.entry?.provider;
  const tile = id ? OPENAI_TILES[id] : undefined;
  const patch = id ? OPENAI_PATCHES[id] : undefined;
  const known = !!tile || !!patch || provider === 'anthropic' || provider === 'google';
  if (!known) return { counted: false, what: 'image', reason: id ? `${provider ? `${provider} publishes` : 'there is'} no image token rule for \`${id}\`` : 'no model is set, and image tokens depend on the model' };
  const size = imageSizeOf(part.url);
  if (!size || !size.width || !size.height) {
    return { counted: false, what: 'image', reason: part.url.startsWith('data:') ? 'its size cannot be read from the data: URI; PNG, JPEG, GIF and WebP sizes are read' : 'its size is unknown: a URL is not fetched, only the size of a data: URI is read' };
  }
  const dims = `${size.width}×${size.height}`;
  if (tile) return { counted: true, tokens: openAiTileTokens(size, tile), estimated: false, rule: `OpenAI tiles (${dims}, detail high: ${tile.base} + ${tile.tile} per 512 px tile)` };
  if (patch) return { counted: true, tokens: openAiPatchTokens(size, patch), estimated: false, rule: `OpenAI patches (${dims}: 32 px patches × ${patch})` };
  if (provider === 'anthropic') return { counted: true, tokens: anthropicTokens(size), estimated: true, rule: `Anthropic (${dims}: width × height / 750)` };
  if (size.width <= 384 && size.height <= 384) return { counted: true, tokens: 258, estimated: false, rule: `Gemini (${dims}: both sides ≤ 384 px)` };
  return { counted: false, what: 'image', reason: `Gemini cuts an image over 384 px, here ${dims}, into 768 px tiles of 258 tokens but does not publish how it crops and scales it` };
}
