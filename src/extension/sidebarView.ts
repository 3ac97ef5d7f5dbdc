/**
 * The side panel (view id `sgdLandscape.controls`): run controls, a summary of the shown run, a
 * small landscape chart and the recent runs. A WebviewViewProvider that renders the
 * HostStateSource's state like the landscape panel does: hydrated on `ready` and when it becomes
 * visible again, posted to only while visible.
 *
 *   new ControlsViewProvider(extensionUri, source)
 *   vscode.window.registerWebviewViewProvider(ControlsViewProvider.viewType, provider)
 *
 * It gets of `state` and `live` only what it reads (`toSideMessage`: no paths, finals, c(y) grids,
 * Figure 5 series or comparison). Messages are validated by `parseFromWebview` and forwarded to `source.handle`.
 */
import * as vscode from 'vscode';
import type { HostStateSource } from './hostState';
import { StateChannel } from './stateChannel';
import { toSideMessage } from './viewModel';
import { webviewHtml, webviewOptions } from './webviewHtml';

export class ControlsViewProvider implements vscode.WebviewViewProvider {
  static readonly viewType = 'sgdLandscape.controls';

  private viewDisposables: vscode.Disposable[] = [];

  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly source: HostStateSource,
  ) {}

  resolveWebviewView(view: vscode.WebviewView): void {
    this.disposeView();
    view.webview.options = webviewOptions(this.extensionUri);
    view.webview.html = webviewHtml(view.webview, this.extensionUri, 'sidebar', 'SGD Landscape controls');
    this.viewDisposables.push(
      new StateChannel(view.webview, () => view.visible, view.onDidChangeVisibility, this.source, {
        name: 'side panel',
        live: true,
        project: toSideMessage,
      }),
      view.onDidDispose(() => this.disposeView()),
    );
  }

  private disposeView(): void {
    while (this.viewDisposables.length) this.viewDisposables.pop()?.dispose();
  }
}
