// `prompt-workbench test --estimate`: what a test run would send and cost, before anything is sent
// (every case run rendered and counted for its model; see service/testing/suiteCost.ts).
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { pathToFileURL } from 'node:url';
import { estimateSuiteCost, formatSuiteCost, loadSuite, PROVIDER_IDS, variantsFromModels, type MatrixVariant, type ProviderId, type TestSuite } from '../service/testing';
import { loadPartialIndex } from '../service';
import { cliFileValues, cliProject } from './project';
import { cliPromptVariants, expandFixtures, TestUsageError } from './test';

/** Exit 0; 1 when a case cannot be rendered (the run would report it as an error). */
export async function estimateCommand(argv: string[], cwd: string, stdout: NodeJS.WritableStream): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      estimate: { type: 'boolean', default: true },
      provider: { type: 'string' },
      models: { type: 'string' },
      variants: { type: 'string' },
      'judge-provider': { type: 'string' },
      'judge-model': { type: 'string' },
      repeat: { type: 'string' },
      json: { type: 'boolean', default: false },
      reporter: { type: 'string' },
    },
  });
  const provider = values.provider as ProviderId | undefined;
  if (provider && !(PROVIDER_IDS as readonly string[]).includes(provider)) throw new TestUsageError(`Unknown provider "${provider}". Use render, openai, anthropic, googleai, vertexai or vscode-lm.`);
  const judgeProvider = values['judge-provider'] as ProviderId | undefined;
  if (judgeProvider && !(PROVIDER_IDS as readonly string[]).includes(judgeProvider)) throw new TestUsageError(`Unknown judge provider "${judgeProvider}".`);
  let variants: MatrixVariant[] | undefined;
  if (values.models !== undefined) {
    try {
      variants = variantsFromModels(values.models);
    } catch (e) {
      throw new TestUsageError((e as Error).message);
    }
  }
  let repeat: number | undefined;
  if (values.repeat !== undefined) {
    repeat = Number(values.repeat);
    if (!Number.isInteger(repeat) || repeat < 1) throw new TestUsageError(`--repeat needs a whole number of 1 or more; got "${values.repeat}".`);
  }
  const json = values.json || values.reporter === 'json';
  if (values.reporter !== undefined && values.reporter !== 'json' && values.reporter !== 'text') throw new TestUsageError(`--estimate prints text or JSON (--json); got --reporter ${values.reporter}.`);
  const project = await cliProject(cwd);
  const readTextUri = (uri: string) => project.host.readText(uri);
  const files = await expandFixtures(positionals.length ? positionals : ['.'], cwd, project);
  // Nothing is recorded or cached: paths are shown relative to the working folder, as typed.
  const rootUri = pathToFileURL(cwd).toString();
  const prompts = await cliPromptVariants(values.variants, cwd, rootUri, readTextUri, project.host.git);
  const suites: TestSuite[] = [];
  for (const file of files) {
    suites.push(
      await loadSuite(pathToFileURL(file).toString(), rootUri, readTextUri, undefined, { git: project.host.git }).catch((e: Error) => {
        throw new TestUsageError(`Cannot read ${path.relative(cwd, file)}: ${e.message}`);
      }),
    );
  }
  const estimate = await estimateSuiteCost(suites, {
    readText: cliFileValues(project, cwd).read,
    analysis: { partials: await loadPartialIndex(project.host, [...new Set([cwd, ...files.map((f) => path.dirname(f))])]), customHelpers: project.config?.helpers, schemas: project.schemas },
    defaultProvider: provider,
    repeat,
    // As `prompt-workbench test` plans the run: every prompt variant × matrix variant, and the judge calls.
    plan: { matrix: true, variants, prompts },
    judge: judgeProvider || values['judge-model'] ? { provider: judgeProvider, model: values['judge-model'] } : undefined,
  });
  stdout.write(json ? `${JSON.stringify(estimate, null, 2)}\n` : formatSuiteCost(estimate, 'text'));
  return estimate.totals.unrenderable > 0 ? 1 : 0;
}
