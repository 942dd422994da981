// The server's parts of the project config that are not the engine's: where the rule pages of the
// installed extension are, and a config file's own problems as diagnostics when it is open.
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Diagnostic } from 'vscode-languageserver-types';
import { lint } from './service';
import { toLspDiagnostic } from './service/diagnostic';
import { schemaProblemSpans, type SchemaFileProblem } from './service/schemas';
import { LineIndex } from './service/text';

/** The `docs/rules/` folder of the installed extension (dist/server.js -> ../docs/rules/) as a URI prefix. */
export function docsBaseUri(): string {
  return `${pathToFileURL(path.resolve(__dirname, '..', 'docs', 'rules')).toString()}/`;
}

/** A config file's own problems as LSP diagnostics (code `lint-config`), for the open file. */
export function configFileDiagnostics(text: string, source?: string, schemaProblems: readonly SchemaFileProblem[] = []): Diagnostic[] {
  const { problems } = lint.parseLintConfig(text, lint.RULES, source);
  const lines = new LineIndex(text);
  return [...problems, ...schemaProblemSpans(text, schemaProblems)].map((p) => toLspDiagnostic({ code: 'lint-config', severity: p.severity, message: p.message, span: p.span }, lines));
}
