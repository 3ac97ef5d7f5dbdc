/**
 * The `vscode` dialogs a command goes through before the run or sweep service gets a request:
 * workspace trust, the file (argument or active editor) and the loss function (the only export,
 * or a quick pick with the one under the cursor first).
 */
import * as vscode from 'vscode';
import { discoverLosses, lossShapeText, orderByCursor } from '../runner/discover';
import { isLossDocument, vscodeEnvironment } from './vscodePorts';

/** In an untrusted workspace: explain and offer the trust dialog. Returns whether trusted. */
export function checkTrust(): boolean {
  if (vscode.workspace.isTrusted) return true;
  void vscode.window
    .showWarningMessage(
      'SGD Landscape runs the loss functions of your workspace (bundled and executed in worker threads). This workspace is not trusted, so running is disabled. Trust the workspace to run experiments.',
      'Manage Workspace Trust',
    )
    .then((a) => {
      if (a === 'Manage Workspace Trust') void vscode.commands.executeCommand('workbench.trust.manage');
    });
  return false;
}

/** The file a command acts on: its argument, else the active editor's loss file (a warning when neither). */
export function pickFile(target?: vscode.Uri | string): string | undefined {
  if (target) return typeof target === 'string' ? target : target.fsPath;
  const editor = vscode.window.activeTextEditor;
  if (editor && isLossDocument(editor.document)) return editor.document.uri.fsPath;
  void vscode.window.showWarningMessage(
    'SGD Landscape: open a TypeScript file that exports a loss function, e.g. via "SGD Landscape: Open examples".',
  );
  return undefined;
}

/** The loss function of `file`: the only one, or picked (the one under the cursor first); a warning when there is none. */
export async function pickLoss(file: string, title = 'Run SGD on which function?'): Promise<string | undefined> {
  const text = await vscodeEnvironment.readSource(file);
  const editor = vscode.window.activeTextEditor;
  const line = editor?.document.uri.fsPath === file ? editor.selection.active.line : undefined;
  const losses = orderByCursor(discoverLosses(text, file), line);
  if (losses.length === 0) {
    void vscode.window.showWarningMessage(
      `SGD Landscape: ${vscode.workspace.asRelativePath(file)} exports no loss function. Export a function of number parameters, e.g. "export function f(x: number, y: number) { … }", or of one number[] parameter.`,
    );
    return undefined;
  }
  if (losses.length === 1) return losses[0].name;
  const pick = await vscode.window.showQuickPick(
    losses.map((l) => ({
      label: l.name,
      description: `${lossShapeText(l)}${l.hasOptions ? ', with options' : ''}`,
      detail: `line ${l.line + 1}: (${[...l.params, ...(l.examples ? [l.examples.param] : [])].join(', ')})`,
      name: l.name,
    })),
    { title, placeHolder: 'exported loss functions (the one under the cursor first)' },
  );
  return pick?.name;
}
