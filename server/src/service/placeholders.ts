// `gh models`' template substitution, shared by the GitHub Models renderer and its evaluators:
// each `{{key}}` written exactly so (no spaces) is replaced by the value of `key`; a value that is
// not text by its printed form; every other `{{ }}` stays as written.

/** A value as `gh models` writes it into the text (text as is, numbers and booleans printed, others as JSON). */
export function placeholderValueText(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value === null || value === undefined) return '<nil>';
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

/** Replaces every `{{key}}` of the values, everywhere in the template. */
export function substitutePlaceholders(template: string, values: Record<string, unknown>): string {
  let out = template;
  for (const [key, value] of Object.entries(values)) out = out.split(`{{${key}}}`).join(placeholderValueText(value));
  return out;
}
