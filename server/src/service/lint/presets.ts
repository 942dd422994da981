// Rule presets, as ESLint's shared configs: `recommended` (the default) keeps at `warning` only the
// rules that are almost always right, and reports the opinionated ones as `info` or not at all;
// `strict` turns every rule on, none below `warning`. A preset gives each rule its starting level;
// the config file's `rules:` and the editor's `promptWorkbench.lint.<id>` settings apply on top.
// A rule's `defaultLevel` is its level in `recommended`; each rule's page (docs/rules/<id>.md) says
// which preset has it at which level, and why (test/unit/lintPresets.test.ts checks both agree).
import type { Level, LintRule } from './types';

export type Preset = 'recommended' | 'strict';
export const PRESETS: readonly Preset[] = ['recommended', 'strict'];
export const DEFAULT_PRESET: Preset = 'recommended';

/** What each preset is for, for settings, `--help` and the docs. */
export const PRESET_DESCRIPTIONS: Record<Preset, string> = {
  recommended: 'Warnings only from rules that are almost always right; opinionated rules report as info or are off.',
  strict: 'Every rule on, none below warning: for projects that want each convention enforced (e.g. in CI).',
};

export function isPreset(value: unknown): value is Preset {
  return typeof value === 'string' && (PRESETS as readonly string[]).includes(value);
}

/** A rule's level in a preset: `recommended` is the rule's own default; `strict` raises every rule to `warning` at least. */
export function presetLevel(rule: LintRule<any>, preset: Preset): Level {
  if (preset === 'recommended') return rule.defaultLevel;
  return rule.defaultLevel === 'error' ? 'error' : 'warning';
}

/** Every rule's level in a preset. */
export function presetLevels(rules: readonly LintRule<any>[], preset: Preset): Record<string, Level> {
  return Object.fromEntries(rules.map((r) => [r.id, presetLevel(r, preset)]));
}
