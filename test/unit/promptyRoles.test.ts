// Prompty role lines: which lines each runtime splits messages on (roles and attribute brackets),
// what the parse, the render and the diagnostics make of them.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import test from 'node:test';
import { codeActions, diagnostics, formatRendered, parseDocument, renderPrompt } from '../../server/src/service';
import { lintDiagnostics } from '../../server/src/service/lint';
import { parsePrompty } from '../../server/src/service/formats/prompty/parse';
import { splitMessages } from '../../server/src/service/formats/prompty/render';
import { canonicalBracket, isRoleLine, roleAttributes, roleLineShape } from '../../server/src/service/formats/prompty/roles';

// The TypeScript runtime's boundary, written from its grammar: role, then optional
// `[` (`\w+ \s* = \s* "? [^"]* "? \s* ,? \s*`)+ `]`, then `\s*:\s*$`, any case, ASCII `\w`.
const TS = /^\s*#?\s*(system|user|assistant|developer)(\[((\w+\s*=\s*"?[^"]*"?\s*,?\s*)+)\])?\s*:\s*$/i;

const pieces = ['', '[]', '[name="Ana"]', '[name=Ana]', '[name="Ana Lima", age=30]', '[a=1,b=2]', '[a=1 b=2]', '[a=x,y]', '[a="x,y"]', '[a=x]y]', '[a="x" y]', '[a="x]', '[a=]', '[Ana]', '[名前="x"]', '[ name = "x" , ]', '[a=1,]', '[a="x"]]', '[=x]', '[a==b]'];
const lines: string[] = [];
for (const role of ['user', 'System', 'ASSISTANT', 'developer', 'tool', 'function', 'users']) {
  for (const p of pieces) for (const head of ['', '# ', '#']) for (const tail of [':', ' :', ': ']) lines.push(`${head}${role}${p}${tail}`.trim());
}
lines.push('user [name="x"]:', 'user:x', 'user', '## user:', 'user[a=1]:extra', 'user[a=1] :');
// Seeded random brackets from the characters that matter, up to 24 long.
let seed = 7;
const rand = (k: number) => {
  seed = (seed * 1103515245 + 12345) % 2147483648;
  return seed % k;
};
const ALPHABET = ['a', 'b', '1', '_', '=', '"', ',', ' ', ']', '[', ':', '.', 'é'];
for (let i = 0; i < 3000; i++) {
  let inner = '';
  for (let j = rand(24); j > 0; j--) inner += ALPHABET[rand(ALPHABET.length)];
  lines.push(`user[${inner}]:`);
}

test('each runtime\'s verdict: the TypeScript regex on every line, Python\'s (its possessive grammar, where Python 3.11+ is here)', (t) => {
  for (const line of lines) {
    const shape = roleLineShape(line);
    assert.equal(shape?.typescript ?? false, TS.test(line), `TypeScript on ${JSON.stringify(line)}`);
  }
  const py = spawnSync('python3', ['-c', `
import json, re, sys
attr = r'\\w++\\s*+=\\s*+(?:"[^"]*"|[^",\\]]*+)\\s*+,?+\\s*+'
role = re.compile(r'^\\s*#?\\s*(system|user|assistant|developer)(\\[(?:' + attr + r')+\\])?\\s*:\\s*$', re.I | re.M)
print(json.dumps([bool(role.match(l.strip())) for l in json.load(sys.stdin)]))
`], { input: JSON.stringify(lines), encoding: 'utf8', timeout: 20_000 });
  if (py.status !== 0) {
    t.diagnostic(`Python 3.11+ is not available here (${(py.stderr || String(py.error)).trim().split('\n').pop()}); the Python column was not checked`);
    return;
  }
  const verdicts = JSON.parse(py.stdout) as boolean[];
  lines.forEach((line, i) => assert.equal(roleLineShape(line)?.python ?? false, verdicts[i], `Python on ${JSON.stringify(line)}`));
});

test('a role line is one both runtimes split on; its attributes are the runtimes\' key=value pairs', () => {
  const yes = ['user:', '# System:', 'USER[name="ana"]:', 'assistant :', 'user[name="Ana Lima", age=30]:', 'user[a=1 b=2]:', 'developer[name = "x" , ]:', 'user[a=]:'];
  const no = ['user[]:', 'user[ name="x"]:', 'user[Ana]:', 'user [name=x]:', 'tool:', 'function:', 'users:', 'user[a=x,y]:', 'user[a=x]y]:', 'user[名前="x"]:', '## user:', 'user: hi'];
  for (const l of yes) assert.ok(isRoleLine(roleLineShape(l)), l);
  for (const l of no) assert.ok(!isRoleLine(roleLineShape(l)), l);
  assert.deepEqual(roleAttributes('[name="Ana Lima", age=30, vip=TRUE, score=1.5, nonce="n"]'), { name: 'Ana Lima', age: 30, vip: true, score: 1.5 });
  assert.equal(roleAttributes(undefined), undefined);
  assert.equal(canonicalBracket('[]'), '');
  assert.equal(canonicalBracket('[a=x,y]'), undefined, 'a part without = has no rewrite');
  assert.equal(canonicalBracket('[name=Ana Lima, age=30]'), '[name="Ana Lima", age="30"]');
  assert.equal(canonicalBracket('[Ana]'), undefined);
});

function diagnosticsOf(text: string) {
  const doc = parsePrompty(text, 'file:///r.prompty');
  return { doc, roles: doc.diagnostics.filter((d) => d.code === 'prompty-unknown-role') };
}

test('a line shaped like a role line that a runtime does not split on: a warning on its bracket, what each runtime does, and the rewrite both read alike', () => {
  const text = '---\nname: r\n---\nsystem:\nBe brief.\nuser []:\nuser[Ana]:\nuser[tags=a]b]:\nuser[名前="x"]:\nuser[name=Ana, role=admin]:\nHi\n';
  const { doc, roles } = diagnosticsOf(text);
  const at = (d: { span: { start: number; end: number } }) => text.slice(d.span.start, d.span.end);
  assert.deepEqual(roles.map(at), [' []', '[Ana]', '[tags=a]b]', '[名前="x"]']);
  assert.match(roles[0].message, /no space.*neither Prompty runtime splits messages at this line, so it is sent as text of the system message/);
  assert.deepEqual((roles[0].data as { fix: { edits: unknown[] } }).fix.edits, [{ start: text.indexOf(' []'), end: text.indexOf(' []') + 3, newText: '' }]);
  assert.match(roles[1].message, /not a role line for Prompty: attributes are `key=value` pairs/);
  assert.equal(roles[1].data, undefined, 'no rewrite for a bracket without key=value');
  assert.match(roles[2].message, /TypeScript runtime starts a user message at this line but its Python runtime does not/);
  assert.equal((roles[2].data as { fix: { edits: { newText: string }[] } }).fix.edits[0].newText, '[tags="a]b"]');
  assert.match(roles[3].message, /Python runtime starts a user message at this line but its TypeScript runtime does not/);
  // The valid line with attributes is a role line: the system message, then the user message.
  assert.deepEqual(doc.prompt.messages.map((m) => [m.role, doc.text.slice(m.contentSpan.start, m.contentSpan.end)]), [
    ['system', 'Be brief.\nuser []:\nuser[Ana]:\nuser[tags=a]b]:\nuser[名前="x"]:'],
    ['user', 'Hi'],
  ]);
});

test('tool:, tools: and function: lines say that the current runtimes have no such role line', () => {
  const { roles } = diagnosticsOf('user:\nA\ntool:\nB\nfunction:\ntools:\n');
  assert.deepEqual(roles.map((d) => d.message.split(' ').slice(0, 2).join(' ')), ['`tool:` is', '`function:` is', '`tools:` is']);
  assert.match(roles[2].message, /first Python runtime read tool definitions there/);
});

test('role lines are found in CRLF files and with blanks around them; a line inside a Jinja comment is none', () => {
  const { doc, roles } = diagnosticsOf('system:\r\nA\r\n  user[name="Ana"] :  \r\nB\r\n{# user: #}\r\n');
  assert.equal(roles.length, 0);
  assert.deepEqual(doc.prompt.messages.map((m) => m.role), ['system', 'user']);
  assert.deepEqual(splitMessages('system:\r\nA\r\n  user[name="Ana"] :  \r\nB'), [{ role: 'system', text: 'A\r' }, { role: 'user', text: 'B', metadata: { name: 'Ana' } }]);
});

test('the rewrite of a role line\'s bracket is a quick fix', () => {
  const text = 'system:\nA\nuser[tags=a,b, name=Ana]:\nB\n';
  const doc = parseDocument(text, 'file:///w/q.prompty');
  const ds = diagnostics(doc).filter((d) => d.code === 'prompty-unknown-role');
  assert.equal(ds.length, 1);
  const action = codeActions(doc, ds).find((a) => /Write the attributes/.test(a.title));
  assert.equal(action, undefined, 'a comma-split value has no rewrite that keeps both readings');
  const text2 = 'system:\nA\nuser[tags=a]b]:\nB\n';
  const doc2 = parseDocument(text2, 'file:///w/q.prompty');
  const action2 = codeActions(doc2, diagnostics(doc2).filter((d) => d.code === 'prompty-unknown-role')).find((a) => /Write the attributes/.test(a.title));
  assert.ok(action2);
  const edits = action2!.edit!.changes![doc2.uri];
  assert.deepEqual(edits.map((e) => [doc2.lines.offsetAt(e.range.start), doc2.lines.offsetAt(e.range.end), e.newText]), [[text2.indexOf('['), text2.indexOf(':\nB'), '[tags="a]b"]']]);
});

test('the attributes are what the runtimes\' `(\\w+)\\s*=\\s*"?([^",]*)"?` finds, left to right, with their conversions', () => {
  const re = /(\w+)\s*=\s*"?([^",]*)"?/g;
  const convert = (v: string) => (v.toLowerCase() === 'true' ? true : v.toLowerCase() === 'false' ? false : /^\d+$/.test(v) ? parseInt(v, 10) : /^\d+\.\d+$/.test(v) ? parseFloat(v) : v);
  for (const inner of ['name="Ana"', 'a=1,b=2', 'a = "x y" , b=TRUE', 'x y=3', 'k="v"w=2', 'a="1.5",b=1.5.2', 'abc', '=x', 'a==b', 'a=,b="",c', 'nonce="n",name=Bo', 'k=  v  ']) {
    const expected: Record<string, unknown> = {};
    for (const m of inner.matchAll(re)) if (m[1] !== 'nonce') expected[m[1]] = convert(m[2].trim());
    assert.deepEqual(roleAttributes(`[${inner}]`) ?? {}, expected, inner);
  }
});

test('capitalised `Tools:`, `Model:` and plural `Users:` alone on a line are prose headings, not misspelt role lines; lower-case `tools:`, `Sytem:` and `Human:` are', () => {
  const { roles } = diagnosticsOf('system:\nTools:\n- search\nModel:\nUsers:\nSystems:\ntools:\nSytem:\nHuman:\n');
  const text = 'system:\nTools:\n- search\nModel:\nUsers:\nSystems:\ntools:\nSytem:\nHuman:\n';
  assert.deepEqual(roles.map((d) => text.slice(d.span.start, d.span.end)), ['tools', 'Sytem', 'Human']);
});

test('the preview renders a role line\'s attributes as the message\'s metadata and shows its name', async () => {
  const doc = parseDocument('---\nname: p\ninputs:\n  - name: q\n    kind: string\n    default: hi\n---\nsystem:\nBe brief.\nuser[name="Ana", vip=true]:\n{{ q }}\n', 'file:///w/p.prompty');
  const result = await renderPrompt(doc);
  assert.deepEqual(result.messages, [{ role: 'system', text: 'Be brief.' }, { role: 'user', text: 'hi', metadata: { name: 'Ana', vip: true } }]);
  assert.match(formatRendered(result, 'p.prompty'), /## system\n\nBe brief\.\n\n## user \(name: Ana\)\n\nhi\n/);
});

test('version 1 `api: completion`: the body is one prompt, role lines included, as the runtime\'s completion parser passes it on unsplit', async () => {
  const text = '---\nname: c\nmodel:\n  api: completion\n  configuration:\n    type: azure_openai\n    azure_deployment: gpt-35-turbo-instruct\nsample:\n  topic: owls\n---\nsystem:\nYou write about {{topic}}.\nSytem:\nuser:\nWrite one line.\n';
  const doc = parseDocument(text, 'file:///w/c.prompty');
  assert.equal(doc.prompt.messages.length, 1);
  const m = doc.prompt.messages[0];
  assert.equal(m.role, 'user');
  assert.equal(text.slice(m.contentSpan.start, m.contentSpan.end), 'system:\nYou write about {{topic}}.\nSytem:\nuser:\nWrite one line.');
  assert.deepEqual(m.variables.map((v) => v.name), ['topic']);
  // No role-line findings: these lines are text here.
  assert.deepEqual(diagnostics(doc).filter((d) => d.code === 'prompty-unknown-role'), []);
  assert.deepEqual(lintDiagnostics(doc).filter((d) => d.code === 'variable-in-system-role'), []);
  const result = await renderPrompt(doc, { topic: 'owls' });
  assert.deepEqual(result.messages, [{ role: 'user', text: 'system:\nYou write about owls.\nSytem:\nuser:\nWrite one line.' }]);
  // The same file as a chat prompt is split at its role lines, and the misspelt one is reported.
  const chat = parseDocument(text.replace('api: completion', 'api: chat'), 'file:///w/c.prompty');
  assert.deepEqual(chat.prompt.messages.map((x) => x.role), ['system', 'user']);
  assert.equal(diagnostics(chat).filter((d) => d.code === 'prompty-unknown-role').length, 1);
  assert.equal(lintDiagnostics(chat).filter((d) => d.code === 'variable-in-system-role').length, 1);
});
