// Runs the lifecycle rules (`LintRule.catalog`) over catalogue rows with their levels from the
// project config, giving each rule the previous committed version and the references on demand
// (each computed once per row and run). Returns findings as engine diagnostics per file.
import type { Diagnostic } from 'vscode-languageserver-types';
import { DiagnosticSeverity } from 'vscode-languageserver-types';
import { CATALOG_RULES, docsPath } from '../lint';
import type { CatalogConfig, ResolvedLintConfig } from '../lint/config';
import type { Level, Reference } from '../lint/types';
import { CancelledError } from '../host';
import type { Catalog, CatalogEntry } from './catalog';

export interface LifecycleFinding {
  uri: string;
  path: string;
  rule: string;
  level: Exclude<Level, 'off'>;
  diagnostic: Diagnostic;
}

export interface LifecycleWorkspace {
  /** The prompt's text at its previous committed version (see `CatalogRuleContext.previous`); undefined without one. */
  previousText(entry: CatalogEntry): Promise<{ text: string; uri: string } | undefined>;
  /** Places in other files naming the prompt. */
  references(entry: CatalogEntry): Promise<Reference[]>;
  /** Ends what answering took (a long-lived git process): called once the rules are done. */
  close?(): void;
}

export interface LifecycleOptions {
  lint: ResolvedLintConfig;
  config?: CatalogConfig;
  /** Base URI of the rule pages: diagnostics link to `<base><id>.md`. */
  docsBase?: string;
  /** Rows to check (default every row). */
  uris?: readonly string[];
  /** Checked between rows: a newer run stops this one (`CancelledError`). */
  cancelled?(): boolean;
  /** Awaited between rows, so a server answers other requests meanwhile. */
  pause?(): Promise<void>;
}

const SEVERITY: Record<Exclude<Level, 'off'>, DiagnosticSeverity> = { error: DiagnosticSeverity.Error, warning: DiagnosticSeverity.Warning, info: DiagnosticSeverity.Information, hint: DiagnosticSeverity.Hint };

export async function lifecycleFindings(catalog: Catalog, workspace: LifecycleWorkspace, options: LifecycleOptions): Promise<LifecycleFinding[]> {
  const active = CATALOG_RULES.map((rule) => ({ rule, level: options.lint.levels[rule.id] ?? rule.defaultLevel })).filter((a) => a.level !== 'off');
  if (!active.length) return [];
  const rows = options.uris ? options.uris.map((u) => catalog.get(u)).filter((e): e is CatalogEntry => !!e) : catalog.entries();
  const out: LifecycleFinding[] = [];
  for (const entry of rows) {
    if (options.cancelled?.()) throw new CancelledError();
    await options.pause?.();
    let previous: Promise<CatalogEntry | undefined> | undefined;
    let refs: Promise<Reference[]> | undefined;
    const ctx = {
      entry,
      lifecycle: catalog.lifecycle,
      config: options.config,
      previous: () =>
        (previous ??= workspace
          .previousText(entry)
          .then((p) => (p ? catalog.entryOf(p.uri, p.text) : undefined))
          .catch(() => undefined)),
      references: () => (refs ??= workspace.references(entry).catch(() => [])),
    };
    for (const { rule, level } of active) {
      let found;
      try {
        found = await rule.catalog!({ ...ctx, options: options.lint.options[rule.id] ?? {} });
      } catch (e) {
        if (e instanceof CancelledError) throw e;
        continue; // a rule that fails is skipped, never the others
      }
      for (const f of found) {
        const lvl = level as Exclude<Level, 'off'>;
        out.push({
          uri: entry.uri,
          path: entry.path,
          rule: rule.id,
          level: lvl,
          diagnostic: { range: f.range, severity: SEVERITY[lvl], code: rule.id, source: 'prompt-workbench', message: f.message, ...(options.docsBase ? { codeDescription: { href: `${options.docsBase}${rule.id}.md` } } : {}) },
        });
      }
    }
  }
  return out;
}

export { docsPath };
