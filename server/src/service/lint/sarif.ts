// SARIF 2.1.0 output for GitHub code scanning and other SARIF viewers: one run, the rule metadata
// in `tool.driver.rules` (lint rules with their docs and default level, plus the template checks
// that were reported), results with 1-based lines and UTF-16 columns, paths relative to the
// working folder (`%SRCROOT%`).
import type { Severity } from '../diagnostic';
import { sarifLevel, type ResolvedLintConfig } from './config';
import type { LintRule } from './types';

export interface SarifFinding {
  /** Path relative to the working folder, with `/` separators. */
  file: string;
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
  severity: Severity;
  code: string;
  message: string;
}

export interface SarifOptions {
  toolName: string;
  toolVersion: string;
  /** The working folder as a `file:` URI ending in `/`: the base of every result's path. */
  srcRoot: string;
  rules: readonly LintRule<any>[];
  config: ResolvedLintConfig;
  /** The page of a lint rule (an absolute URI), when known. */
  helpUri?: (ruleId: string) => string | undefined;
  /** The Markdown of a rule's page, shown by GitHub as the rule's help. */
  helpMarkdown?: (ruleId: string) => string | undefined;
  /** The page listing the template checks (an absolute URI). */
  checksHelpUri?: string;
}

type Json = Record<string, unknown>;

function encodePath(rel: string): string {
  return rel
    .split('/')
    .map((s) => encodeURIComponent(s))
    .join('/');
}

export function toSarif(findings: readonly SarifFinding[], options: SarifOptions): Json {
  const descriptors: Json[] = [];
  const index = new Map<string, number>();
  const add = (id: string, d: Json) => {
    index.set(id, descriptors.length);
    descriptors.push({ id, ...d });
  };
  for (const rule of options.rules) {
    const level = options.config.levels[rule.id] ?? rule.defaultLevel;
    const helpUri = options.helpUri?.(rule.id);
    const markdown = options.helpMarkdown?.(rule.id);
    add(rule.id, {
      name: rule.id.replace(/(^|-)([a-z])/g, (_, _d, c: string) => c.toUpperCase()),
      shortDescription: { text: rule.description },
      fullDescription: { text: rule.description },
      ...(helpUri ? { helpUri } : {}),
      help: { text: `${rule.description} See docs/rules/${rule.id}.md.`, ...(markdown ? { markdown } : {}) },
      defaultConfiguration: { enabled: level !== 'off', level: sarifLevel(level === 'off' ? rule.defaultLevel : level) },
      properties: { category: rule.category, tags: ['prompt', rule.category] },
    });
  }
  for (const f of findings) {
    if (index.has(f.code)) continue;
    add(f.code, {
      shortDescription: { text: `Prompt Workbench check \`${f.code}\` (see docs/diagnostics.md).` },
      ...(options.checksHelpUri ? { helpUri: options.checksHelpUri } : {}),
      defaultConfiguration: { level: sarifLevel(f.severity) },
      properties: { category: 'template', tags: ['prompt'] },
    });
  }
  const results = findings.map((f) => ({
    ruleId: f.code,
    ruleIndex: index.get(f.code),
    level: sarifLevel(f.severity),
    message: { text: f.message },
    locations: [
      {
        physicalLocation: {
          artifactLocation: { uri: encodePath(f.file), uriBaseId: '%SRCROOT%' },
          region: { startLine: f.line, startColumn: f.column, endLine: f.endLine, endColumn: f.endColumn },
        },
      },
    ],
  }));
  return {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: { driver: { name: options.toolName, version: options.toolVersion, semanticVersion: options.toolVersion, rules: descriptors } },
        originalUriBaseIds: { '%SRCROOT%': { uri: options.srcRoot } },
        columnKind: 'utf16CodeUnits',
        results,
      },
    ],
  };
}
