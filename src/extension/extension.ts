/**
 * Entry point of the extension host: wires the run controller (state, runs, persistence), the
 * CodeLens provider, the commands, and the two webviews (landscape panel, side panel), which
 * render the controller's state.
 */
import * as vscode from 'vscode';
import { RunController } from './controller';
import { LossCodeLensProvider } from './codeLens';
import { openExamples } from './examples';
import { LandscapePanel } from './panel';
import { SweepPanel } from './sweepPanel';
import type { SweepGrid } from '../engine/sweep';
import { ControlsViewProvider } from './sidebarView';
import type { RunInputLayer } from './settings';

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  const output = vscode.window.createOutputChannel('SGD Landscape');
  context.subscriptions.push(output);
  // Reveal the open panel where it is (do not move it); open one beside the editor otherwise.
  const showPanel = () => {
    if (LandscapePanel.current) LandscapePanel.current.panel.reveal(undefined, true);
    else LandscapePanel.createOrShow(context.extensionUri, ctrl);
  };
  const showSweepPanel = () => {
    if (SweepPanel.current) SweepPanel.current.panel.reveal(undefined, true);
    else SweepPanel.createOrShow(context.extensionUri, ctrl.sweepUi.source);
  };
  const ctrl = new RunController(context, output, showPanel, showSweepPanel);
  context.subscriptions.push(ctrl);

  const lenses = new LossCodeLensProvider();
  context.subscriptions.push(
    lenses,
    vscode.languages.registerCodeLensProvider(
      [
        { language: 'typescript', scheme: 'file' },
        { language: 'javascript', scheme: 'file' },
      ],
      lenses,
    ),
    vscode.window.registerWebviewViewProvider(ControlsViewProvider.viewType, new ControlsViewProvider(context.extensionUri, ctrl), {
      webviewOptions: { retainContextWhenHidden: false },
    }),
    vscode.window.registerWebviewPanelSerializer(LandscapePanel.viewType, {
      async deserializeWebviewPanel(panel: vscode.WebviewPanel) {
        LandscapePanel.revive(panel, context.extensionUri, ctrl);
      },
    }),
    vscode.window.registerWebviewPanelSerializer(SweepPanel.viewType, {
      async deserializeWebviewPanel(panel: vscode.WebviewPanel) {
        SweepPanel.revive(panel, context.extensionUri, ctrl.sweepUi.source);
      },
    }),
  );

  const register = (id: string, fn: (...args: any[]) => unknown) => context.subscriptions.push(vscode.commands.registerCommand(id, fn));
  // Arguments: (uri | path, exportName, overrides) from CodeLens, scripts and tests; none from the palette.
  register('sgdLandscape.run', (target?: vscode.Uri | string, name?: string, overrides?: RunInputLayer) =>
    ctrl.runCommand('run', target, name, overrides),
  );
  register('sgdLandscape.runGdVsSgd', (target?: vscode.Uri | string, name?: string, overrides?: RunInputLayer) =>
    ctrl.runCommand('gdVsSgd', target, name, overrides),
  );
  register('sgdLandscape.showLandscape', (target?: vscode.Uri | string, name?: string, overrides?: RunInputLayer) =>
    ctrl.runCommand('landscape', target, name, overrides),
  );
  // Arguments: (uri | path, exportName, grid, overrides) from CodeLens, scripts and tests; none from the palette.
  register('sgdLandscape.sweep', (target?: vscode.Uri | string, name?: string, grid?: SweepGrid, overrides?: RunInputLayer) =>
    ctrl.sweepUi.sweepCommand(target, name, grid, overrides),
  );
  register('sgdLandscape.showSweep', () => showSweepPanel());
  register('sgdLandscape.exportSweep', (format?: 'json' | 'csv', target?: vscode.Uri | string) => ctrl.sweepUi.exportSweep(format, target));
  register('sgdLandscape.rerun', () => ctrl.rerun());
  register('sgdLandscape.stop', () => ctrl.stop());
  register('sgdLandscape.export', (format?: 'json' | 'csv', target?: vscode.Uri | string) => ctrl.exportResults(format, target));
  register('sgdLandscape.openExamples', (target?: vscode.Uri | string) => openExamples(context, target));
  register('sgdLandscape.toggleWatch', () => ctrl.toggleWatch());
  register('sgdLandscape.openPanel', () => showPanel());

  await ctrl.init();
}

export function deactivate(): void {
  // The controller (and its worker pool) is disposed through context.subscriptions.
}
