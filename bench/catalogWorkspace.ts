// The generated workspace of the catalogue benchmark (bench/catalog.ts): 10,000 prompts by default,
// Dotprompt, Prompty and GitHub Models files in 100 folders, a CODEOWNERS file and a project config
// with status defaults. Also used by bench/catalogGit.ts and bench/editsAtStart.ts.
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';

export function promptText(i: number): { rel: string; text: string } {
  const folder = `team${i % 100}`;
  const status = ['draft', 'review', 'approved', 'released', 'retired'][i % 5];
  const body = `You are the assistant of team ${i % 100}. Answer the customer's question about order {{order}} politely and briefly.\nQuote the relevant policy when it helps.\n`;
  if (i % 10 === 7) return { rel: `prompts/${folder}/p${i}.prompty`, text: `---\nname: p${i}\nmodel:\n  id: gpt-4o-mini\nmetadata:\n  authors: [author${i % 37}]\n  status: ${status}\n  tags: [t${i % 13}]\n---\nsystem:\n${body.replace('{{order}}', '{{order}}')}\nuser:\n{{question}}\n` };
  if (i % 10 === 8) return { rel: `prompts/${folder}/p${i}.prompt.yml`, text: `name: p${i}\nmodel: openai/gpt-4o-mini\nmetadata:\n  status: ${status}\nmessages:\n  - role: system\n    content: "Answer about order {{order}} politely."\n  - role: user\n    content: "{{question}}"\n` };
  return { rel: `prompts/${folder}/p${i}.prompt`, text: `---\nmodel: openai/gpt-4o-mini\nversion: ${i % 4}\nconfig:\n  maxOutputTokens: 400\ninput:\n  schema:\n    order: string\n    question: string\nmetadata:\n  ${i % 3 ? `owner: "@owner${i % 11}"\n  ` : ''}status: ${status}\n---\n${body}{{role "user"}}\n{{question}}\n` };
}

export function makeWorkspace(n: number): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'pw-catalog-bench-'));
  mkdirSync(path.join(dir, '.github'));
  writeFileSync(path.join(dir, '.github', 'CODEOWNERS'), '* @everyone\n/prompts/team1*/ @team-one\n/prompts/team5/ @team-five\n');
  writeFileSync(path.join(dir, 'prompt-workbench.yaml'), 'catalog:\n  defaults:\n    "prompts/team9*/**": review\n');
  for (let i = 0; i < n; i++) {
    const { rel, text } = promptText(i);
    const file = path.join(dir, ...rel.split('/'));
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, text);
  }
  return dir;
}

