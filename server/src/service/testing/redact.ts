// Keeps secrets out of everything written: cache entries, run records, logs and messages. A key
// that a server echoes back (some error bodies quote it) is replaced before anything is stored.
export function redact(text: string, secrets: readonly (string | undefined)[]): string {
  let out = text;
  for (const s of secrets) {
    if (!s || s.length < 4) continue;
    out = out.split(s).join('[redacted]');
    // A JSON-escaped form of the key, as it would appear inside a serialised string.
    const escaped = JSON.stringify(s).slice(1, -1);
    if (escaped !== s) out = out.split(escaped).join('[redacted]');
  }
  return out;
}
