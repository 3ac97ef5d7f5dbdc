/**
 * "Run SGD", "Smoothed landscape" and "Sweep" above each exported loss. Discovery is a syntax-only walk,
 * so the lenses show in untrusted workspaces too; there they say that running needs trust.
 */
import * as vscode from 'vscode';
import { discoverLosses, lossShapeText } from '../runner/discover';

export class LossCodeLensProvider implements vscode.CodeLensProvider, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChangeCodeLenses = this.changed.event;
  private readonly subs: vscode.Disposable[] = [];

  constructor() {
    this.subs.push(
      this.changed,
      vscode.workspace.onDidGrantWorkspaceTrust(() => this.changed.fire()),
    );
  }

  provideCodeLenses(document: vscode.TextDocument): vscode.CodeLens[] {
    if (document.uri.scheme !== 'file') return [];
    const trusted = vscode.workspace.isTrusted;
    const lenses: vscode.CodeLens[] = [];
    for (const loss of discoverLosses(document.getText(), document.uri.fsPath)) {
      const range = new vscode.Range(loss.line, loss.character, loss.line, loss.character);
      const args = [document.uri, loss.name];
      const dims = lossShapeText(loss);
      if (trusted) {
        lenses.push(
          new vscode.CodeLens(range, {
            // A finite sum shows its examples and dimension in the lens itself.
            title: loss.examples ? `$(play) Run SGD (${dims})` : '$(play) Run SGD',
            command: 'sgdLandscape.run',
            arguments: args,
            tooltip: `Run noisy SGD on ${loss.name} (${dims}) with the current settings`,
          }),
          new vscode.CodeLens(range, {
            title: 'Smoothed landscape',
            command: 'sgdLandscape.showLandscape',
            arguments: args,
            tooltip: `f and its noise-smoothed g(y) = E f(y − ηω), with the one-point-convexity map`,
          }),
          new vscode.CodeLens(range, {
            title: 'Sweep',
            command: 'sgdLandscape.sweep',
            arguments: args,
            tooltip: `Sweep noise radius × learning rate on ${loss.name}: a phase diagram of where SGD reaches x*`,
          }),
        );
      } else {
        const tooltip = 'This workspace is not trusted: running would execute its code. Click to manage workspace trust.';
        lenses.push(
          new vscode.CodeLens(range, {
            title: '$(shield) Run SGD (needs a trusted workspace)',
            command: 'sgdLandscape.run',
            arguments: args,
            tooltip,
          }),
          new vscode.CodeLens(range, {
            title: 'Smoothed landscape (needs trust)',
            command: 'sgdLandscape.showLandscape',
            arguments: args,
            tooltip,
          }),
        );
      }
    }
    return lenses;
  }

  dispose(): void {
    for (const s of this.subs) s.dispose();
  }
}
