// pii-in-prompt: e-mail addresses, phone numbers and payment card numbers (Luhn-checked) written
// into the template's literal text or the `input.default` values. Reserved example domains
// (example.com, .test, ...) and fictional 555-01xx numbers are not reported.
import type { Span } from '../text';
import { clip, valueSpan } from './util';
import type { Finding, LintRule, RuleContext } from './types';

const EMAIL_LOCAL = /[A-Za-z0-9._%+-]/;
const EMAIL_DOMAIN = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*\.[A-Za-z]{2,24}$/;
const RESERVED_DOMAIN = /(?:^|\.)(?:example\.(?:com|org|net)|example|test|invalid|localhost|local)$/i;
// Phone numbers: international (+CC ...) or North American with separators.
const PHONE = /(?<![\w+])(?:\+\d{1,3}[ .-]?(?:\(\d{1,4}\)[ .-]?)?\d{1,4}(?:[ .-]?\d{2,4}){1,4}|\(\d{3}\)[ .-]?\d{3}[ .-]\d{4}|\d{3}[.-]\d{3}[.-]\d{4})(?![\w-])/g;
// Card numbers: 13 to 19 digits, optionally in groups separated by a space or a dash.
const CARD = /(?<![\d-])\d(?:[ -]?\d){12,18}(?![\d-])/g;
const FICTIONAL = /555[ .-]?01\d\d$/;
const CARD_PREFIX = /^(?:4|5[1-5]|2[2-7]|3[47]|3[068]|35|6(?:011|5|4[4-9]|2))/;

export const PATTERNS = [EMAIL_LOCAL, EMAIL_DOMAIN, RESERVED_DOMAIN, PHONE, FICTIONAL, CARD, CARD_PREFIX];

export function luhn(digits: string): boolean {
  let sum = 0;
  let double = false;
  for (let i = digits.length - 1; i >= 0; i--) {
    let d = digits.charCodeAt(i) - 48;
    if (double) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
    double = !double;
  }
  return sum % 10 === 0;
}

/** E-mail addresses found by expanding around each `@` (linear, unlike a single regex). */
function emails(text: string, region: Span, out: { span: Span; value: string }[]): void {
  for (let at = text.indexOf('@', region.start); at >= 0 && at < region.end; at = text.indexOf('@', at + 1)) {
    let a = at;
    while (a > region.start && at - a < 64 && EMAIL_LOCAL.test(text[a - 1])) a--;
    let b = at + 1;
    while (b < region.end && b - at < 255 && /[A-Za-z0-9.-]/.test(text[b])) b++;
    while (b > at + 1 && text[b - 1] === '.') b--;
    if (a === at || b === at + 1) continue;
    const local = text.slice(a, at);
    if (local.startsWith('.') || local.endsWith('.')) continue;
    const domain = text.slice(at + 1, b);
    if (!EMAIL_DOMAIN.test(domain) || RESERVED_DOMAIN.test(domain)) continue;
    out.push({ span: { start: a, end: b }, value: text.slice(a, b) });
  }
}

/** Where personal data is looked for: `input.default`'s value, then the template. */
function regions(ctx: RuleContext): Span[] {
  const doc = ctx.doc;
  const out: Span[] = [doc.template.span];
  const defaults = valueSpan(doc, ['input', 'default']);
  if (defaults) out.unshift(defaults);
  return out;
}

/** The findings in one region of the masked text, e-mail addresses first, then phones, then cards. */
function scan(text: string, region: Span, out: Finding[]): Finding[] {
  const slice = text.slice(0, region.end);
  const found: { span: Span; value: string }[] = [];
  emails(text, region, found);
  for (const f of found) {
    out.push({ message: `Personal data in the prompt: the e-mail address "${clip(f.value, 40)}". Prompts are sent to the model provider and kept in repositories and logs: pass personal data as an input at run time, or use a reserved example address (name@example.com).`, span: f.span, data: { kind: 'email' } });
  }
  PHONE.lastIndex = region.start;
  for (let m = PHONE.exec(slice); m; m = PHONE.exec(slice)) {
    const digits = m[0].replace(/\D/g, '');
    if (digits.length < 8 || digits.length > 15) continue;
    if (FICTIONAL.test(m[0])) continue;
    out.push({ message: `Personal data in the prompt: the phone number "${m[0]}". Pass it as an input at run time, or use a fictional number (555-0100 to 555-0199).`, span: { start: m.index, end: m.index + m[0].length }, data: { kind: 'phone' } });
  }
  CARD.lastIndex = region.start;
  for (let m = CARD.exec(slice); m; m = CARD.exec(slice)) {
    const digits = m[0].replace(/\D/g, '');
    if (digits.length < 13 || digits.length > 19 || !CARD_PREFIX.test(digits) || !luhn(digits)) continue;
    out.push({ message: `Personal data in the prompt: a payment card number ending in ${digits.slice(-4)} (it passes the Luhn check). Card numbers must not be stored in prompts: remove it, and pass test data as an input.`, span: { start: m.index, end: m.index + m[0].length }, data: { kind: 'card' } });
  }
  return out;
}

export const rule: LintRule = {
  id: 'pii-in-prompt',
  description: 'E-mail addresses, phone numbers or card numbers written into the prompt text or input.default.',
  defaultLevel: 'warning',
  category: 'security',
  checksPartials: true,
  patterns: PATTERNS,
  check(ctx) {
    const doc = ctx.doc;
    if (doc.notice) return [];
    // Every match lies on one line: a block of whole lines finds what the whole template finds there.
    if (ctx.block) return scan(ctx.prose().masked, ctx.block, []);
    const out: Finding[] = [];
    for (const region of regions(ctx)) scan(ctx.prose().masked, region, out);
    return out.sort((a, b) => a.span.start - b.span.start);
  },
  blocks: {
    finish(ctx, found) {
      const out: Finding[] = [];
      const defaults = regions(ctx).slice(0, -1);
      for (const region of defaults) scan(ctx.prose().masked, region, out);
      out.push(...found);
      return out.sort((a, b) => a.span.start - b.span.start);
    },
  },
};
