// Engine-side diagnostics: plain data with offsets, converted to LSP ranges in one place.
import { DiagnosticSeverity, DiagnosticTag, type Diagnostic } from 'vscode-languageserver-types';
import type { LineIndex, Span } from './text';

export type Severity = 'error' | 'warning' | 'info' | 'hint';

export interface PromptDiagnostic {
  code: string;
  severity: Severity;
  message: string;
  span: Span;
  /** Extra data a quick fix can use (for example the suggested replacement). */
  data?: Record<string, unknown>;
  unnecessary?: boolean;
  /** A page that explains the code (lint rules link their docs/rules page): the LSP `codeDescription`. */
  href?: string;
}

const SEVERITY: Record<Severity, DiagnosticSeverity> = {
  error: DiagnosticSeverity.Error,
  warning: DiagnosticSeverity.Warning,
  info: DiagnosticSeverity.Information,
  hint: DiagnosticSeverity.Hint,
};

export const DIAGNOSTIC_SOURCE = 'prompt-workbench';

export function toLspDiagnostic(d: PromptDiagnostic, lines: LineIndex): Diagnostic {
  const out: Diagnostic = {
    range: lines.range(d.span.start, d.span.end),
    severity: SEVERITY[d.severity],
    code: d.code,
    source: DIAGNOSTIC_SOURCE,
    message: d.message,
  };
  if (d.data) out.data = d.data;
  if (d.unnecessary) out.tags = [DiagnosticTag.Unnecessary];
  if (d.href) out.codeDescription = { href: d.href };
  return out;
}
