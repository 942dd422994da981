// The Test Explorer's tree as plain data: the items a set of suites gives (prompt > case > repeat)
// and the jobs a selection of items means. discovery.ts turns it into vscode.TestItems.
import { planJobs, type CaseJob, type TestSuite } from '../../../server/src/service/testing';

export interface ItemData {
  kind: 'prompt' | 'case' | 'repeat';
  promptUri: string;
  fixtureUri?: string;
  caseName?: string;
  /** The job id this item runs (a case's first repeat, or one repeat). */
  jobId?: string;
  caseKey?: string;
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

/** One item per prompt (in the order the suites name them), its cases below, and a case's repeats below it. */
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
        for (const j of all) if (j.caseKey === d.caseKey && j.suite.fixture.uri === d.fixtureUri) ids.add(j.id);
      } else if (d.jobId) ids.add(d.jobId);
    }
  } else for (const j of all) ids.add(j.id);
  const skip = new Set<string>();
  for (const d of excluded) {
    if (d.jobId && d.kind !== 'prompt') for (const j of all) if (j.id === d.jobId || (d.kind === 'case' && j.caseKey === d.caseKey)) skip.add(j.id);
  }
  return all.filter((j) => ids.has(j.id) && !skip.has(j.id));
}

/** The job id a recorded case replays onto: the same id, or one ending with it (the CLI's ids are relative to its working folder, which may be a subfolder). */
export function jobIdOfRecord(jobIds: Iterable<string>, recordedId: string): string | undefined {
  for (const id of jobIds) if (id === recordedId || id.endsWith(`/${recordedId}`)) return id;
  return undefined;
}

/**
 * The jobs of a matrix run: every variant of each selected job (a fixture file's `matrix:`), in
 * plan order; the jobs of suites without a matrix stay as they are.
 */
export function matrixJobs(selected: readonly CaseJob[]): CaseJob[] {
  const suites = [...new Set(selected.map((j) => j.suite))];
  const wanted = new Set(selected.map((j) => itemJobId(j)));
  return planJobs(suites, undefined, { matrix: true }).filter((j) => wanted.has(itemJobId(j)));
}

/** The job id of the item a job reports to: a variant's job reports to its case (or repeat) item. */
export function itemJobId(job: Pick<CaseJob, 'id' | 'caseKey' | 'repeat' | 'variant'>): string {
  if (!job.variant) return job.id;
  const suffix = `@${job.variant.label}`;
  const key = job.caseKey.endsWith(suffix) ? job.caseKey.slice(0, -suffix.length) : job.caseKey;
  return job.repeat > 1 ? `${key}#${job.repeat}` : key;
}
