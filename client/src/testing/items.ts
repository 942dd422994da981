// The Test Explorer's tree as plain data: the items a set of suites gives (prompt > case > repeat)
// and the jobs a selection of items means. discovery.ts turns it into vscode.TestItems.
import { planJobs, type CaseJob, type TestSuite } from '../../../server/src/service/testing';

export interface ItemData {
  kind: 'prompt' | 'case' | 'variant' | 'repeat';
  promptUri: string;
  fixtureUri?: string;
  caseName?: string;
  /** The job id this item runs (a case's first repeat, or one repeat). */
  jobId?: string;
  caseKey?: string;
  /** A variant item's label (prompt variant × model variant), and the repeats below one. */
  variant?: string;
}

export interface ItemNode {
  id: string;
  label: string;
  /** The file the item opens: the prompt, or the fixture file. */
  uri: string;
  /** Zero-based line of the item's range. */
  line: number;
  description?: string;
  error?: string;
  data: ItemData;
  children: ItemNode[];
}

/**
 * One item per prompt (in the order the suites name them), its cases below, and a case's repeats
 * below it. A case of a suite with `matrix:` or `variants:` has one item per variant below it
 * (named by the variant's label, its repeats below that), so a variant's result has its own place.
 */
export function planItems(suites: Iterable<TestSuite>): ItemNode[] {
  const prompts = new Map<string, ItemNode>();
  for (const suite of suites) {
    const promptUri = suite.fixture.promptUri;
    const fixtureUri = suite.fixture.uri;
    let prompt = prompts.get(promptUri);
    if (!prompt) {
      prompt = { id: promptUri, label: suite.promptPath, uri: promptUri, line: 0, error: suite.prompt ? undefined : `The prompt ${suite.promptPath} does not exist.`, data: { kind: 'prompt', promptUri }, children: [] };
      prompts.set(promptUri, prompt);
    }
    const jobs = planJobs([suite]);
    for (const c of suite.fixture.cases) {
      const caseJobs = jobs.filter((j) => j.testCase === c);
      const id = `${fixtureUri}#${c.name}`;
      const description = [c.provider, c.repeat > 1 ? `×${c.repeat}` : undefined, c.skip ? 'skipped' : undefined].filter(Boolean).join(' · ') || undefined;
      const caseNode: ItemNode = { id, label: c.name, uri: fixtureUri, line: c.line, description, data: { kind: 'case', promptUri, fixtureUri, caseName: c.name, jobId: caseJobs[0]?.id, caseKey: caseJobs[0]?.caseKey }, children: [] };
      if (c.repeat > 1) {
        for (const j of caseJobs) caseNode.children.push({ id: `${id}#${j.repeat}`, label: `run ${j.repeat} of ${j.repeats}`, uri: fixtureUri, line: c.line, data: { kind: 'repeat', promptUri, fixtureUri, caseName: c.name, jobId: j.id, caseKey: j.caseKey }, children: [] });
      }
      const varied = planJobs([suite], undefined, { matrix: true }).filter((j) => j.testCase === c && j.label !== undefined);
      for (const label of [...new Set(varied.map((j) => j.label!))]) {
        const jobs = varied.filter((j) => j.label === label);
        const vid = `${id}@${label}`;
        const node: ItemNode = { id: vid, label, uri: fixtureUri, line: c.line, data: { kind: 'variant', promptUri, fixtureUri, caseName: c.name, jobId: jobs[0].id, caseKey: jobs[0].caseKey, variant: label }, children: [] };
        if (jobs.length > 1) for (const j of jobs) node.children.push({ id: `${vid}#${j.repeat}`, label: `run ${j.repeat} of ${j.repeats}`, uri: fixtureUri, line: c.line, data: { kind: 'repeat', promptUri, fixtureUri, caseName: c.name, jobId: j.id, caseKey: j.caseKey, variant: label }, children: [] });
        caseNode.children.push(node);
      }
      prompt.children.push(caseNode);
    }
  }
  return [...prompts.values()];
}

/**
 * The jobs of a run request. `included` holds the data of the requested cases and repeats (a
 * requested prompt stands for its cases), undefined for "everything"; `excluded` the data of the
 * excluded items and everything below them.
 */
export function selectJobs(all: readonly CaseJob[], included: readonly ItemData[] | undefined, excluded: readonly ItemData[]): CaseJob[] {
  const ids = new Set<string>();
  if (included) {
    for (const d of included) {
      // A case item holds only its first repeat's job id; it stands for every repeat.
      if (d.kind === 'case') {
        for (const j of all) if (sameCase(j, d)) ids.add(j.id);
      } else if (d.kind === 'variant') {
        for (const j of all) if (sameCase(j, d) && j.label === d.variant) ids.add(j.id);
      } else if (d.jobId) ids.add(d.jobId);
    }
  } else for (const j of all) ids.add(j.id);
  const skip = new Set<string>();
  for (const d of excluded) {
    if (d.jobId && d.kind !== 'prompt') for (const j of all) if (j.id === d.jobId || (d.kind === 'case' && sameCase(j, d)) || (d.kind === 'variant' && sameCase(j, d) && j.label === d.variant)) skip.add(j.id);
  }
  return all.filter((j) => ids.has(j.id) && !skip.has(j.id));
}

function sameCase(j: CaseJob, d: ItemData): boolean {
  return j.suite.fixture.uri === d.fixtureUri && j.testCase.name === d.caseName;
}

/** A Test Explorer run profile of the variants: `only` is one variant's label; none means every variant. */
export interface VariantProfile {
  label: string;
  only?: string;
}

/** The variant run profiles the suites call for: "all variants" and one per variant label (in plan order); none when no suite has `matrix:` or `variants:`. */
export function variantProfiles(suites: Iterable<TestSuite>): VariantProfile[] {
  const labels = [...new Set(planJobs([...suites], 1, { matrix: true }).flatMap((j) => (j.label !== undefined ? [j.label] : [])))];
  if (!labels.length) return [];
  return [{ label: 'Run all variants (matrix and prompt variants)' }, ...labels.map((only) => ({ label: `Run variant: ${only}`, only }))];
}

/**
 * The jobs of a run from the Test Explorer. Without a variant profile each case runs once, with
 * the suite's prompt (a variant item still runs its variant); with one, a case stands for its
 * variants (all, or the profile's one), and suites without variants run as usual.
 */
export function jobsForRun(suites: readonly TestSuite[], included: readonly ItemData[] | undefined, excluded: readonly ItemData[], profile?: VariantProfile): CaseJob[] {
  const varied = planJobs(suites, undefined, { matrix: true, ...(profile?.only !== undefined ? { only: profile.only } : {}) });
  if (profile) return selectJobs(varied, included, excluded);
  const plain = planJobs(suites);
  const variantItems = included?.filter((d) => d.kind === 'variant' || (d.kind === 'repeat' && d.variant !== undefined)) ?? [];
  if (!variantItems.length) return selectJobs(plain, included, excluded);
  const all = planJobs(suites, undefined, { matrix: true }).filter((j) => j.label !== undefined);
  return [...selectJobs(plain, included!.filter((d) => !variantItems.includes(d)), excluded), ...selectJobs(all, variantItems, excluded)];
}

/** The job id a recorded case replays onto: the same id, or one ending with it (the CLI's ids are relative to its working folder, which may be a subfolder). */
export function jobIdOfRecord(jobIds: Iterable<string>, recordedId: string): string | undefined {
  for (const id of jobIds) if (id === recordedId || id.endsWith(`/${recordedId}`)) return id;
  return undefined;
}

/**
 * The jobs of a variant run: every variant of each selected job (a fixture file's `matrix:` and
 * `variants:`), in plan order; the jobs of suites without variants stay as they are.
 */
export function matrixJobs(selected: readonly CaseJob[]): CaseJob[] {
  const suites = [...new Set(selected.map((j) => j.suite))];
  const wanted = new Set(selected.map((j) => itemJobId(j)));
  return planJobs(suites, undefined, { matrix: true }).filter((j) => wanted.has(itemJobId(j)));
}

/**
 * The job id of a variant job's case (or repeat) item: its case key without `@label` (the full
 * label, `prompt × model` when both vary). A job without a variant keeps its id.
 */
export function itemJobId(job: Pick<CaseJob, 'id' | 'caseKey' | 'repeat' | 'label'>): string {
  if (job.label === undefined) return job.id;
  const suffix = `@${job.label}`;
  const key = job.caseKey.endsWith(suffix) ? job.caseKey.slice(0, -suffix.length) : job.caseKey;
  return job.repeat > 1 ? `${key}#${job.repeat}` : key;
}
