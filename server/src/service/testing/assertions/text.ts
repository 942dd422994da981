// Text checks: equals, contains, icontains, contains-any, contains-all, starts-with, regex, icontains-any, icontains-all.
import type { FixtureAssertion } from '../fixtures';
import type { AssertionContext, Check } from './types';

export function quote(s: string, max = 80): string {
  const one = s.length > max ? `${s.slice(0, max)}…` : s;
  return JSON.stringify(one);
}

function stable(value: unknown): string {
  return JSON.stringify(value, (_k, v) => (v && typeof v === 'object' && !Array.isArray(v) ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) : v), 2);
}

export function equals(a: FixtureAssertion, ctx: AssertionContext): Check {
  if (typeof a.value === 'string') {
    const pass = ctx.output === a.value;
    const trimmed = !pass && ctx.output.trim() === a.value.trim();
    return { pass, reason: pass ? 'The output equals the expected text.' : `The output differs from the expected text${trimmed ? ' (only in leading or trailing whitespace)' : ''}.`, expected: a.value, actual: ctx.output };
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(ctx.output);
  } catch {
    return { pass: false, reason: 'The expected value is JSON, but the output is not valid JSON.', expected: stable(a.value), actual: ctx.output };
  }
  const pass = stable(parsed) === stable(a.value);
  return { pass, reason: pass ? 'The output equals the expected JSON.' : 'The output\'s JSON differs from the expected JSON.', expected: stable(a.value), actual: stable(parsed) };
}

export function contains(a: FixtureAssertion, ctx: AssertionContext): Check {
  const v = a.value as string;
  const pass = ctx.output.includes(v);
  return { pass, reason: pass ? `The output contains ${quote(v)}.` : `The output does not contain ${quote(v)}.`, expected: `contains ${quote(v, 400)}`, actual: ctx.output };
}

export function icontains(a: FixtureAssertion, ctx: AssertionContext): Check {
  const v = a.value as string;
  const pass = ctx.output.toLowerCase().includes(v.toLowerCase());
  return { pass, reason: pass ? `The output contains ${quote(v)} (ignoring case).` : `The output does not contain ${quote(v)}, even ignoring case.`, expected: `contains ${quote(v, 400)} (any case)`, actual: ctx.output };
}

export function containsAny(a: FixtureAssertion, ctx: AssertionContext): Check {
  const values = a.value as string[];
  const found = values.filter((v) => ctx.output.includes(v));
  return {
    pass: found.length > 0,
    reason: found.length ? `The output contains ${found.map((v) => quote(v)).join(', ')}.` : `The output contains none of ${values.map((v) => quote(v)).join(', ')}.`,
    expected: `contains any of ${values.map((v) => quote(v, 400)).join(', ')}`,
    actual: ctx.output,
  };
}

export function containsAll(a: FixtureAssertion, ctx: AssertionContext): Check {
  const values = a.value as string[];
  const missing = values.filter((v) => !ctx.output.includes(v));
  return {
    pass: missing.length === 0,
    score: (values.length - missing.length) / values.length,
    reason: missing.length ? `The output lacks ${missing.map((v) => quote(v)).join(', ')} (${values.length - missing.length} of ${values.length} found).` : `The output contains all of ${values.map((v) => quote(v)).join(', ')}.`,
    expected: `contains all of ${values.map((v) => quote(v, 400)).join(', ')}`,
    actual: ctx.output,
  };
}

export function startsWith(a: FixtureAssertion, ctx: AssertionContext): Check {
  const v = a.value as string;
  const pass = ctx.output.startsWith(v);
  return { pass, reason: pass ? `The output starts with ${quote(v)}.` : `The output starts with ${quote(ctx.output.slice(0, Math.max(v.length, 20)))}, not ${quote(v)}.`, expected: `starts with ${quote(v, 400)}`, actual: ctx.output };
}

export function regex(a: FixtureAssertion, ctx: AssertionContext): Check {
  const re = new RegExp(a.value as string, a.flags);
  const m = re.exec(ctx.output);
  const shown = `/${String(a.value)}/${a.flags ?? ''}`;
  return { pass: !!m, reason: m ? `The output matches ${shown} (at ${quote(m[0])}).` : `The output does not match ${shown}.`, expected: `matches ${shown}`, actual: ctx.output };
}

export function icontainsAny(a: FixtureAssertion, ctx: AssertionContext): Check {
  const values = a.value as string[];
  const lower = ctx.output.toLowerCase();
  const found = values.filter((v) => lower.includes(v.toLowerCase()));
  return {
    pass: found.length > 0,
    reason: found.length ? `The output contains ${found.map((v) => quote(v)).join(', ')} (ignoring case).` : `The output contains none of ${values.map((v) => quote(v)).join(', ')}, even ignoring case.`,
    expected: `contains any of ${values.map((v) => quote(v, 400)).join(', ')} (any case)`,
    actual: ctx.output,
  };
}

export function icontainsAll(a: FixtureAssertion, ctx: AssertionContext): Check {
  const values = a.value as string[];
  const lower = ctx.output.toLowerCase();
  const missing = values.filter((v) => !lower.includes(v.toLowerCase()));
  return {
    pass: missing.length === 0,
    score: (values.length - missing.length) / values.length,
    reason: missing.length ? `The output lacks ${missing.map((v) => quote(v)).join(', ')}, even ignoring case (${values.length - missing.length} of ${values.length} found).` : `The output contains all of ${values.map((v) => quote(v)).join(', ')} (ignoring case).`,
    expected: `contains all of ${values.map((v) => quote(v, 400)).join(', ')} (any case)`,
    actual: ctx.output,
  };
}
