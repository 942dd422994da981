// Paints the last result of each case (inlineResults.ts) at the end of its line in the visible
// editors, in the Testing view's colours for passed and failed.
import * as vscode from 'vscode';
import type { CaseResult, TestSuite } from '../../../server/src/service/testing';
import { InlineResults, type InlineResult } from './inlineResults';

export class ResultDecorations implements vscode.Disposable {
  private readonly results = new InlineResults();
  private readonly passedType = vscode.window.createTextEditorDecorationType({ after: { color: new vscode.ThemeColor('testing.iconPassed'), margin: '0 0 0 2em' } });
  private readonly failedType = vscode.window.createTextEditorDecorationType({ after: { color: new vscode.ThemeColor('testing.iconFailed'), margin: '0 0 0 2em' } });
  private readonly otherType = vscode.window.createTextEditorDecorationType({ after: { color: new vscode.ThemeColor('descriptionForeground'), margin: '0 0 0 2em' } });

  add(r: CaseResult): void {
    this.results.add(r);
    this.paintAll();
  }

  /** Drops a fixture file's results; what is painted stays until the next repaint. */
  forgetFixture(fixtureUri: string): void {
    this.results.forgetFixture(fixtureUri);
  }

  forgetPrompt(promptUri: string, suites: Iterable<TestSuite>): void {
    if (this.results.forgetPrompt(promptUri, suites)) this.paintAll();
  }

  paintAll(): void {
    for (const editor of vscode.window.visibleTextEditors) {
      const entries = this.results.of(editor.document.uri.toString());
      const doc = editor.document;
      // At the end of the case's line (after its `- name: ...`).
      const at = (line: number) => (line < doc.lineCount ? doc.lineAt(line).range.end : new vscode.Position(line, 0));
      const of = (pred: (e: InlineResult) => boolean) => entries.filter(pred).map((e) => ({ range: new vscode.Range(at(e.line), at(e.line)), renderOptions: { after: { contentText: `  ${e.text}` } } }));
      editor.setDecorations(this.passedType, of((e) => e.status === 'passed'));
      editor.setDecorations(this.failedType, of((e) => e.status === 'failed' || e.status === 'error'));
      editor.setDecorations(this.otherType, of((e) => e.status === 'skipped'));
    }
  }

  dispose(): void {
    this.passedType.dispose();
    this.failedType.dispose();
    this.otherType.dispose();
  }
}
