// Prompty's renders against the reference libraries: test/conformance/prompty-render.yaml. Every
// case goes through the preview's and the runner's renderer (`renderPrompt`); the Jinja2 cases are
// also rendered by Python's Jinja2 (Prompty's Python runtime), when it is installed, to re-check
// the recorded `jinja2` column, including where the two engines differ.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import Mustache from 'mustache';
import { parse } from 'yaml';
import { parseDocument, renderPrompt } from '../../server/src/service';
import { splitMessages } from '../../server/src/service/formats/prompty/render';

interface Case {
  name: string;
  template: string;
  input: Record<string, unknown>;
  expect?: { role: string; text: string }[];
  error?: string;
  jinja2?: 'same' | string | { role: string; text: string }[];
}

const cases = parse(readFileSync(path.resolve(__dirname, '..', 'conformance', 'prompty-render.yaml'), 'utf8')) as Case[];

test('the Prompty conformance file has Jinja2 and Mustache cases', () => {
  assert.ok(cases.length >= 15);
  assert.ok(cases.some((c) => c.template.includes('kind: mustache')));
  assert.ok(cases.filter((c) => c.jinja2 !== undefined && c.jinja2 !== 'same').length >= 3, 'the differences are recorded');
});

for (const c of cases) {
  test(`prompty render: ${c.name}`, async () => {
    const doc = parseDocument(c.template, 'file:///conformance/case.prompty');
    const result = await renderPrompt(doc, c.input);
    if (c.error) {
      assert.ok(result.error, JSON.stringify(result.messages));
      assert.ok(result.error.message.includes(c.error), result.error.message);
      return;
    }
    assert.equal(result.error, undefined, result.error?.message);
    assert.deepEqual(result.messages, c.expect);
  });
}

test('Mustache cases equal mustache.js rendering the body directly, split by Prompty\'s parser', () => {
  for (const c of cases.filter((x) => x.template.includes('kind: mustache'))) {
    const body = c.template.slice(c.template.indexOf('\n---\n') + 5).trim();
    assert.deepEqual(splitMessages(Mustache.render(body, c.input)), c.expect, c.name);
  }
});

// Python's Jinja2, for the `jinja2` column: the same body (trimmed, as Prompty's loader keeps it)
// rendered without autoescaping, split at role lines as Prompty's Python runtime reads them (its
// grammar, here with atomic groups and ASCII attribute names, which both runtimes read), each
// line's attributes as the message's metadata.
const PYTHON = `
import json, re, sys
from jinja2 import Environment
env = Environment(autoescape=False)
attr = r'(?>[A-Za-z0-9_]+)(?>\\s*)=(?>\\s*)(?:"[^"]*"|(?>[^",\\]]*))(?>\\s*)(?>,?)(?>\\s*)'
role = re.compile(r'^\\s*#?\\s*(system|user|assistant|developer)(\\[(?:' + attr + r')+\\])?\\s*:\\s*$', re.I)
def attrs(raw):
    out = {}
    for m in re.finditer(r'(\\w+)\\s*=\\s*"?([^",]*)"?', raw[1:-1]):
        v = m.group(2).strip()
        if v.lower() in ('true', 'false'): out[m.group(1)] = v.lower() == 'true'
        elif re.fullmatch(r'\\d+', v): out[m.group(1)] = int(v)
        elif re.fullmatch(r'\\d+\\.\\d+', v): out[m.group(1)] = float(v)
        else: out[m.group(1)] = v
    return out
def split(text):
    out, current, meta, buf = [], 'system', {}, None
    def flush():
        if buf is None: return
        msg = {'role': current, 'text': '\\n'.join(buf).strip('\\n')}
        if meta: msg['metadata'] = meta
        out.append(msg)
    for line in text.split('\\n'):
        m = role.match(line.strip())
        if m:
            flush()
            current, meta, buf = m.group(1).lower(), attrs(m.group(2)) if m.group(2) else {}, None
            continue
        buf = (buf or []) + [line]
    flush()
    return out
res = []
for body, values in json.load(sys.stdin):
    try: res.append(split(env.from_string(body).render(**values)))
    except Exception as e: res.append('error: %s: %s' % (type(e).__name__, e))
print(json.dumps(res))
`;

test('the jinja2 column is what Python\'s Jinja2 renders', (t) => {
  const jinja = cases.filter((c) => c.jinja2 !== undefined);
  const input = JSON.stringify(jinja.map((c) => [c.template.trim(), c.input]));
  const run = spawnSync('python3', ['-c', PYTHON], { input, encoding: 'utf8', timeout: 20_000 });
  if (run.status !== 0 || !run.stdout.trim()) {
    // Still checks that each recorded difference is a difference.
    t.diagnostic(`Python's Jinja2 is not available here (${(run.stderr || String(run.error)).trim().split('\n').pop()}); the recorded column was not re-rendered`);
    for (const c of jinja) if (c.jinja2 !== 'same') assert.notDeepEqual(c.jinja2, c.expect, c.name);
    return;
  }
  const got = JSON.parse(run.stdout) as unknown[];
  jinja.forEach((c, i) => {
    const expected = c.jinja2 === 'same' ? c.expect : c.jinja2;
    assert.deepEqual(got[i], expected, `${c.name}: Python's Jinja2 gave ${JSON.stringify(got[i])}`);
  });
});
