// What a user must see in each end-to-end scenario (workspaces in test/e2e/scenarios/). One source
// for both suites: the web suite (test/e2e/web, code-server in chromium, reads the screen) and the
// desktop suite (test/e2e/desktop, @vscode/test-electron, asks the extension API).
// Figures (token counts) are the CLI's own (`prompt-workbench tokens <file>`), written down here so
// that the editor has to agree with the CLI.

export type Severity = 'error' | 'warning';

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
    { severity: 'warning', code: 'untrusted-input-undelimited', line: 14, column: 19, message: '`{{nmae}}` writes the input `nmae` into the prompt with nothing marking where it starts and ends, so text in it can pass for instructions (prompt injection, OWASP LLM01). Put it between delimiters, e.g. <nmae>{{nmae}}</nmae>, and tell the model to treat what is inside as data.' },
    { severity: 'warning', code: 'undefined-variable', line: 14, column: 21, message: '`nmae` is not declared in input.schema.' },
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
