import { readFileSync } from 'node:fs';
import { parseDocument, promptDiagnostics, renderPrompt } from './server/src/service';
(async () => {
for (const f of process.argv.slice(2)) {
  const text = readFileSync(f, 'utf8');
  const doc = parseDocument(text, 'file://' + f);
  console.log('==', f.split('/').pop(), 'model', doc.prompt.model?.value, 'inputs', doc.prompt.inputs.map((i) => i.name).join(','), 'msgs', doc.prompt.messages.map((m) => m.role).join(','));
  for (const d of promptDiagnostics(doc)) console.log('  ', d.severity, d.code, JSON.stringify(text.slice(d.span.start, d.span.end).slice(0, 30)), d.message.slice(0, 150));
  const r = await renderPrompt(doc);
  console.log('   render:', r.error ? 'ERROR ' + r.error.message : r.messages!.map((m) => `${m.role}(${m.text.length})`).join(' '));
}
})();
