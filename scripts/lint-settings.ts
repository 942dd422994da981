// Writes the `promptWorkbench.lint.<rule-id>` settings of package.json from the rule registry, so
// every rule has its setting with its description and default level. Run after adding a rule:
//   node --import tsx scripts/lint-settings.ts
// (test/unit/lintRegistry.test.ts fails while package.json and the registry disagree.)
import { readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { lint } from '../server/src/service';

const LEVEL_DESCRIPTIONS: Record<string, string> = {
  default: 'The level from .promptlintrc.yaml, else the rule’s built-in level.',
  off: 'Do not run this rule.',
  hint: 'Report as a hint (shown faintly, not in the Problems panel).',
  info: 'Report as information.',
  warning: 'Report as a warning.',
  error: 'Report as an error.',
};

/** The settings entries for every rule, keyed by setting name. */
export function lintSettingsContributions(): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const rule of lint.RULES) {
    const values = [lint.DEFAULT_SETTING, ...lint.LEVELS];
    out[`promptWorkbench.lint.${rule.id}`] = {
      type: 'string',
      enum: values,
      enumDescriptions: values.map((v) => LEVEL_DESCRIPTIONS[v]),
      default: lint.DEFAULT_SETTING,
      scope: 'resource',
      markdownDescription: `Lint rule \`${rule.id}\`: ${rule.description} Built-in level: \`${rule.defaultLevel}\`. \`default\` takes the level from \`.promptlintrc.yaml\` (else the built-in one); any other value overrides both, in this editor only. Documentation: \`docs/rules/${rule.id}.md\`.`,
    };
  }
  return out;
}

if (require.main === module) {
  const file = path.resolve(__dirname, '..', 'package.json');
  const manifest = JSON.parse(readFileSync(file, 'utf8'));
  const props: Record<string, unknown> = manifest.contributes.configuration.properties;
  for (const key of Object.keys(props)) if (key.startsWith('promptWorkbench.lint.')) delete props[key];
  Object.assign(props, lintSettingsContributions());
  writeFileSync(file, `${JSON.stringify(manifest, null, 2)}\n`);
  console.log(`Wrote ${lint.RULES.length} lint settings to package.json`);
}
