// `gh models`' template substitution, shared by the GitHub Models renderer and its evaluators:
// each `{{key}}` written exactly so (no spaces) is replaced by the value of `key`; a value that is
// not text by its printed form, as Go's `%v` prints it (gh models is written in Go); every other
// `{{ }}` stays as written.

/** A number as Go's `%v` prints a float64: shortest digits, `e+06` / `e-05` outside 1e-4 to 1e6. */
function goFloat(x: number): string {
  if (Number.isNaN(x)) return 'NaN';
  if (!Number.isFinite(x)) return x > 0 ? '+Inf' : '-Inf';
  if (Number.isInteger(x) && Math.abs(x) < 1e21) return String(x);
  const [mantissa, e] = x.toExponential().split('e');
  const exp = Number(e);
  if (exp < -4 || exp >= 6) return `${mantissa}e${exp < 0 ? '-' : '+'}${String(Math.abs(exp)).padStart(2, '0')}`;
  return String(x);
}

/**
 * A value as `gh models` writes it into the text: text as is; other values as Go's `%v` prints
 * what its YAML reader gives: numbers and booleans printed, null `<nil>`, a list `[a b]`, a
 * mapping `map[k:v]` with its keys sorted, nested values alike.
 */
export function placeholderValueText(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value === null || value === undefined) return '<nil>';
  if (typeof value === 'number') return goFloat(value);
  if (Array.isArray(value)) return `[${value.map(placeholderValueText).join(' ')}]`;
  if (value instanceof Date) return value.toISOString();
  if (typeof value === 'object') {
    const o = value as Record<string, unknown>;
    return `map[${Object.keys(o)
      .sort()
      .map((k) => `${k}:${placeholderValueText(o[k])}`)
      .join(' ')}]`;
  }
  return String(value);
}

/** Replaces every `{{key}}` of the values, everywhere in the template. */
export function substitutePlaceholders(template: string, values: Record<string, unknown>): string {
  let out = template;
  for (const [key, value] of Object.entries(values)) out = out.split(`{{${key}}}`).join(placeholderValueText(value));
  return out;
}
