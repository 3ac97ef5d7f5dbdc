/**
 * The landscape panel (viewType `sgdLandscape.panel`): one WebviewPanel beside the editor that
 * renders the HostStateSource's state. The host owns the data; the panel is a disposable
 * renderer, hydrated with the full state on `ready` and whenever it becomes visible, and posted
 * to only while visible.
 *
 *   LandscapePanel.createOrShow(extensionUri, source)  open, or reveal the open one
 *   LandscapePanel.revive(panel, extensionUri, source) from a WebviewPanelSerializer after a reload
 *   LandscapePanel.current                             the open panel, if any
 *
 * Messages from the webview are validated by `parseFromWebview` and go to `source.handle`.
 */
import * as vscode from 'vscode';
import type { HostStateSource } from './hostState';
import { StateChannel } from './stateChannel';
import { webviewHtml, webviewOptions } from './webviewHtml';

export class LandscapePanel implements vscode.Disposable {
  static readonly viewType = 'sgdLandscape.panel';
  private static _current: LandscapePanel | undefined;
  static get current(): LandscapePanel | undefined {
    return LandscapePanel._current;
  }

  private readonly disposables: vscode.Disposable[] = [];

  static createOrShow(extensionUri: vscode.Uri, source: HostStateSource): LandscapePanel {
    const column = vscode.window.activeTextEditor ? vscode.ViewColumn.Beside : vscode.ViewColumn.Active;
    if (LandscapePanel._current) {
      LandscapePanel._current.panel.reveal(column, true);
      return LandscapePanel._current;
    }
    const panel = vscode.window.createWebviewPanel(
      LandscapePanel.viewType,
      'SGD Landscape',
      { viewColumn: column, preserveFocus: true },
      {
        ...webviewOptions(extensionUri),
        // Keeping the page alive when hidden is not needed: it re-hydrates from the host state.
        retainContextWhenHidden: false,
      },
    );
    return LandscapePanel.revive(panel, extensionUri, source);
  }

  /** Takes over a panel VS Code restored after a window reload (or one just created). */
  static revive(panel: vscode.WebviewPanel, extensionUri: vscode.Uri, source: HostStateSource): LandscapePanel {
    LandscapePanel._current?.dispose();
    LandscapePanel._current = new LandscapePanel(panel, extensionUri, source);
    return LandscapePanel._current;
  }

  private constructor(
    readonly panel: vscode.WebviewPanel,
    extensionUri: vscode.Uri,
    source: HostStateSource,
  ) {
    panel.webview.options = webviewOptions(extensionUri);
    panel.webview.html = webviewHtml(panel.webview, extensionUri, 'panel', 'SGD Landscape');
    const channel = new StateChannel(panel.webview, () => panel.visible, panel.onDidChangeViewState, source, { name: 'panel', live: true });
    this.disposables.push(
      channel,
      panel.onDidDispose(() => this.dispose()),
    );
  }

  private disposed = false;

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    if (LandscapePanel._current === this) LandscapePanel._current = undefined;
    while (this.disposables.length) this.disposables.pop()?.dispose();
    this.panel.dispose();
  }
}
