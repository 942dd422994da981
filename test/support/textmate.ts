// Tokenises text with one of the extension's TextMate grammars, through the engine VS Code uses
// (vscode-textmate + vscode-oniguruma). The embedded YAML uses the small test-only grammar in
// test/grammar/yaml.tmLanguage.json (VS Code supplies the real `source.yaml`).
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import * as oniguruma from 'vscode-oniguruma';
import * as vsctm from 'vscode-textmate';

export interface GrammarToken {
  text: string;
  scopes: string[];
}

const root = path.resolve(__dirname, '..', '..');
let wasm: Promise<void> | undefined;

/** A tokeniser for the grammar `syntaxes/<file>` with the root scope `scope`; lines split on `\n`. */
export function grammarTokenizer(scope: string, file: string): (text: string) => Promise<GrammarToken[][]> {
  const files: Record<string, string> = {
    [scope]: path.join(root, 'syntaxes', file),
    'source.yaml': path.join(root, 'test', 'grammar', 'yaml.tmLanguage.json'),
  };
  let grammar: Promise<vsctm.IGrammar> | undefined;
  const load = () =>
    (grammar ??= (async () => {
      await (wasm ??= oniguruma.loadWASM(readFileSync(path.join(root, 'node_modules', 'vscode-oniguruma', 'release', 'onig.wasm'))));
      const registry = new vsctm.Registry({
        onigLib: Promise.resolve({ createOnigScanner: (p: string[]) => oniguruma.createOnigScanner(p), createOnigString: (s: string) => oniguruma.createOnigString(s) }),
        loadGrammar: async (s: string) => (files[s] ? vsctm.parseRawGrammar(readFileSync(files[s], 'utf8'), files[s]) : null),
      });
      const g = await registry.loadGrammar(scope);
      if (!g) throw new Error(`could not load ${scope}`);
      return g;
    })());
  return async (text) => {
    const g = await load();
    let stack = vsctm.INITIAL;
    return text.split('\n').map((line) => {
      const r = g.tokenizeLine(line, stack);
      stack = r.ruleStack;
      return r.tokens.map((t) => ({ text: line.slice(t.startIndex, t.endIndex), scopes: t.scopes }));
    });
  };
}
