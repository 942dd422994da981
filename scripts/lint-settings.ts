// Writes the `promptWorkbench.lint.<rule-id>` settings of package.json from the rule registry, so
// every rule has its setting with its description and its level in each preset, and the
// `promptWorkbench.lint.preset` setting. Run after adding a rule:
//   node --import tsx scripts/lint-settings.ts
// (test/unit/lintRegistry.test.ts fails while package.json and the registry disagree.)
import { readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { lint } from '../server/src/service';

const LEVEL_DESCRIPTIONS: Record<string, string> = {
  default: 'The level from the project config (prompt-workbench.yaml), else the preset’s.',
  off: 'Do not run this rule.',
  hint: 'Report as a hint (shown faintly, not in the Problems panel).',
  info: 'Report as information.',
  warning: 'Report as a warning.',
  error: 'Report as an error.',
};

/** The settings entries for every rule, keyed by setting name. */
export function lintSettingsContributions(): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const presets = [lint.DEFAULT_SETTING, ...lint.PRESETS];
  out['promptWorkbench.lint.preset'] = {
    type: 'string',
    enum: presets,
    enumDescriptions: presets.map((p) => (p === lint.DEFAULT_SETTING ? 'The project config’s `preset:`, else `recommended`.' : `${p}: ${lint.PRESET_DESCRIPTIONS[p as lint.Preset]}`)),
    default: lint.DEFAULT_SETTING,
    scope: 'resource',
    markdownDescription: 'The lint rule set to start from, in this editor. `recommended`: warnings only from rules that are almost always right; opinionated rules report as info or are off. `strict`: every rule on, none below warning. `default` takes the project config\'s `preset:` (else `recommended`). The project config\'s `rules:` and the `promptWorkbench.lint.<rule>` settings change single rules on top of it. The command line takes `--preset`. Documentation: `docs/rules/README.md`.',
  };
  for (const rule of lint.RULES) {
    const values = [lint.DEFAULT_SETTING, ...lint.LEVELS];
    out[`promptWorkbench.lint.${rule.id}`] = {
      type: 'string',
      enum: values,
      enumDescriptions: values.map((v) => LEVEL_DESCRIPTIONS[v]),
      default: lint.DEFAULT_SETTING,
      scope: 'resource',
      markdownDescription: `Lint rule \`${rule.id}\`: ${rule.description} Level in the \`recommended\` preset: \`${lint.presetLevel(rule, 'recommended')}\`; in \`strict\`: \`${lint.presetLevel(rule, 'strict')}\`. \`default\` takes the level from the project config (else the preset's); any other value overrides both, in this editor only. Documentation: \`docs/rules/${rule.id}.md\`.`,
    };
  }
  return out;
}

if (require.main === module) {
  const file = path.resolve(__dirname, '..', 'package.json');
  const manifest = JSON.parse(readFileSync(file, 'utf8'));
  // The lint settings replace the old ones where these were, keeping the other settings' order.
  const old: Record<string, unknown> = manifest.contributes.configuration.properties;
  const props: Record<string, unknown> = {};
  let placed = false;
  for (const [key, value] of Object.entries(old)) {
    if (!key.startsWith('promptWorkbench.lint.')) props[key] = value;
    else if (!placed) {
      Object.assign(props, lintSettingsContributions());
      placed = true;
    }
  }
  if (!placed) Object.assign(props, lintSettingsContributions());
  manifest.contributes.configuration.properties = props;
  writeFileSync(file, `${JSON.stringify(manifest, null, 2)}\n`);
  console.log(`Wrote ${lint.RULES.length} lint settings to package.json`);
}
