// What a user must see in each end-to-end scenario (workspaces in test/e2e/scenarios/). One source
// for both suites: the web suite (test/e2e/web, code-server in chromium, reads the screen) and the
// desktop suite (test/e2e/desktop, @vscode/test-electron, asks the extension API).
// Figures (token counts) are the CLI's own (`prompt-workbench tokens <file>`), written down here so
// that the editor has to agree with the CLI.

export type Severity = 'error' | 'warning' | 'info';

export interface ExpectedProblem {
  severity: Severity;
  code: string;
  /** 1-based, as the Problems panel shows them. */
  line: number;
  column: number;
  message: string;
}

/** Scenario `problems`: opening broken.prompt fills the Problems panel with exactly these entries. */
export const problems = {
  file: 'broken.prompt',
  entries: [
    { severity: 'error', code: 'frontmatter-schema', line: 4, column: 16, message: 'Expected a number (0 to 2) for `config.temperature`, got the text "hot".' },
    { severity: 'error', code: 'template-unclosed-block', line: 15, column: 1, message: 'The block `{{#if}}` is never closed. Add `{{/if}}` where it should end.' },
    { severity: 'info', code: 'untrusted-input-undelimited', line: 14, column: 19, message: '`{{nmae}}` writes the input `nmae` into the prompt with nothing marking where it starts and ends, so text in it can pass for instructions (prompt injection, OWASP LLM01). Put it between delimiters, e.g. <nmae>{{nmae}}</nmae>, and tell the model to treat what is inside as data.' },
    { severity: 'warning', code: 'undefined-variable', line: 14, column: 21, message: '`nmae` is not declared in input.schema. Did you mean `name`?' },
  ] satisfies ExpectedProblem[],
};

/** Scenario `completion`: typing `{{` after the user role offers the declared inputs. */
export const completion = {
  file: 'order-status.prompt',
  /** Typed at the end of this (1-based) line, the empty line after `{{role "user"}}`. */
  line: 15,
  typed: 'Where is order {{',
  /** Offered, each with its description from input.schema. */
  variables: [
    { label: 'customerName', detail: "the customer's first name" },
    { label: 'orderId', detail: 'the order number' },
    { label: 'carrier', detail: 'the parcel service' },
  ],
};

/** Scenario `tokens`: counts for openai/gpt-4o (o200k_base, exact), as `prompt-workbench tokens` gives them. */
export const tokens = {
  file: 'summarize.prompt',
  model: 'gpt-4o',
  /** The whole template; the status bar item and the first code lens show it. */
  template: 63,
  /** Shown for information: the frontmatter is not sent to the model. */
  frontmatter: 37,
  /** Per message, framing included (the code lens above each role marker). */
  messages: [
    { role: 'system', line: 9, tokens: 40 },
    { role: 'user', line: 13, tokens: 20 },
  ],
};

/**
 * The agents scenario: AGENTS.md (opened as Markdown) and .github/copilot-instructions.md, both
 * always loaded, over `agents.budget: 120`. Counts in o200k_base (the web suite recounts them with
 * gpt-tokenizer; test/unit/agents.test.ts keeps these in step with the files).
 */
export const agents = {
  file: 'AGENTS.md',
  tokens: 100,
  total: 135,
  budget: 120,
  /** Zero-based line of each section's heading, and its tokens. */
  sections: [
    { title: '# Project guide', line: 0, tokens: 34 },
    { title: '## Build and test', line: 5, tokens: 36 },
    { title: '## Code style', line: 10, tokens: 30 },
  ],
};

/**
 * What the local test provider (an OpenAI-compatible server on 127.0.0.1) answers, from the last
 * user message: it greets by the name in <name>…</name> and gets the refund policy wrong (30 days
 * where the fixture expects 14), so one case passes and one fails with a diff.
 */
export function providerAnswer(userMessage: string): string {
  const name = /<name>(.*?)<\/name>/.exec(userMessage)?.[1] ?? 'there';
  if (/refund/i.test(userMessage)) return `Hello ${name}! Refunds are issued within 30 days of the return.`;
  return `Hello ${name}! Your parcel left our warehouse yesterday.`;
}

export type CaseStatus = 'passed' | 'failed' | 'skipped';

/** Scenario `testing` (trusted) and `untrusted` (the same workspace, Restricted Mode). */
export const testing = {
  prompt: 'support-reply.prompt',
  fixture: 'support-reply.tests.yaml',
  /** The API key the user sets with "Prompt Workbench: Set API Key". */
  apiKey: 'e2e-test-key',
  cases: [
    { name: 'greets the customer by name', provider: 'openai', trusted: 'passed', untrusted: 'skipped' },
    { name: 'quotes the refund policy word for word', provider: 'openai', trusted: 'failed', untrusted: 'skipped' },
    { name: 'the question reaches the template', provider: 'render', trusted: 'passed', untrusted: 'passed' },
  ] satisfies { name: string; provider: string; trusted: CaseStatus; untrusted: CaseStatus }[],
  /** The failing case's diff: expected (the fixture) against actual (the answer). */
  diff: {
    case: 'quotes the refund policy word for word',
    expected: 'Hello Grace! Refunds are issued within 14 days of the return.',
    actual: 'Hello Grace! Refunds are issued within 30 days of the return.',
  },
  /** The sentence the run's output starts with in Restricted Mode. */
  untrustedNotice: 'This workspace is not trusted (Restricted Mode): only render cases run, nothing is sent to any provider',
  /** Under each skipped case. */
  skippedReason: 'Skipped: the workspace is not trusted, so nothing is sent to any provider (this case runs with openai).',
};

/**
 * Scenario `compare-models`: a fixture file with a two-model `matrix:` (gpt-4o-mini and gpt-4o).
 * The local test provider answers each model its own way (by the model and the customer in
 * <name>…</name>): gpt-4o passes all four cases, gpt-4o-mini two, so they disagree on two.
 */
export const compareModels = {
  fixture: 'support-reply.tests.yaml',
  apiKey: 'sk-e2e-COMPARE-0123456789',
  /** Each model's answer to each customer. */
  answers: {
    'gpt-4o-mini': {
      Margaret: 'Hello Margaret! Your parcel left our warehouse today.',
      Katherine: 'Hi Katherine, refunds are possible within two weeks.',
      Dorothy: 'Hello Dorothy! Yes, gift cards come in 10 and 25 euros.',
      Barbara: 'Hello Barbara! Yes, we are open on Sundays from 10 to 4.',
    },
    'gpt-4o': {
      Margaret: 'Hello Margaret! Your parcel is on its way and should arrive tomorrow.',
      Katherine: 'Hello Katherine! Refunds are issued within 14 days of the return.',
      Dorothy: 'Hello Dorothy! Our gift cards come in 10, 25 and 50 euros.',
      Barbara: 'Hello Barbara! We are open on Sundays from 10 am to 4 pm.',
    },
  } as Record<string, Record<string, string>>,
  /** The cases in file order: the line of `- name:` and each variant's status. */
  cases: [
    { name: 'greets the customer by name', line: 9, 'gpt-4o-mini': 'passed', 'gpt-4o': 'passed' },
    { name: 'states the refund period', line: 17, 'gpt-4o-mini': 'failed', 'gpt-4o': 'passed' },
    { name: 'names the gift card values', line: 25, 'gpt-4o-mini': 'failed', 'gpt-4o': 'passed' },
    { name: 'stays short', line: 33, 'gpt-4o-mini': 'passed', 'gpt-4o': 'passed' },
  ] as { name: string; line: number; 'gpt-4o-mini': 'passed' | 'failed'; 'gpt-4o': 'passed' | 'failed' }[],
};

/** The local test provider's answer: the compare-models scenario's by model and customer, else `providerAnswer`'s. */
export function scenarioAnswer(model: string, userMessage: string): string {
  const name = /<name>(.*?)<\/name>/.exec(userMessage)?.[1] ?? '';
  return compareModels.answers[model]?.[name] ?? providerAnswer(userMessage);
}

/** Scenario `history`: a git repository (made at run time, real git) with three versions of one prompt. */
export const history = {
  file: 'support.prompt',
  /** Oldest first. The view lists them newest first. */
  commits: [
    {
      message: 'Support prompt: first version',
      /** What the view says the commit changed. */
      summary: 'created, gpt-4o-mini, 32 tokens, 1 variable',
      text: '---\nmodel: openai/gpt-4o-mini\nconfig:\n  temperature: 0.7\n  maxOutputTokens: 300\ninput:\n  schema:\n    question: string\n---\n{{role "system"}}\nYou answer questions from customers of a bookshop.\n\n{{role "user"}}\n<question>\n{{question}}\n</question>\n',
    },
    {
      message: 'Use gpt-4o at temperature 0.2',
      /** What the view says the commit changed. */
      summary: 'model gpt-4o-mini → gpt-4o, temperature 0.7 → 0.2',
      text: '---\nmodel: openai/gpt-4o\nconfig:\n  temperature: 0.2\n  maxOutputTokens: 300\ninput:\n  schema:\n    question: string\n---\n{{role "system"}}\nYou answer questions from customers of a bookshop.\n\n{{role "user"}}\n<question>\n{{question}}\n</question>\n',
    },
    {
      message: 'Ask for the order number',
      /** What the view says the commit changed. */
      summary: '+1 variable, +34 tokens',
      text: '---\nmodel: openai/gpt-4o\nconfig:\n  temperature: 0.2\n  maxOutputTokens: 300\ninput:\n  schema:\n    question: string\n    orderId?: string, the order number if the customer gave one\n---\n{{role "system"}}\nYou answer questions from customers of a bookshop.\nIf the question is about an order and no order number is given, ask for it.\n\n{{role "user"}}\n{{#if orderId}}Order: {{orderId}}\n{{/if}}<question>\n{{question}}\n</question>\n',
    },
  ],
  /**
   * Clicking the first version in the view opens its diff against the working copy (the third
   * version); "Compare with Previous" on the second version shows the same model change.
   */
  diff: { message: 'Support prompt: first version', removed: 'model: openai/gpt-4o-mini', added: 'model: openai/gpt-4o' },
};
