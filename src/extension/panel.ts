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
 * Messages from the webview are validated by `parseFromWebview`; `exportPng` is handled here
 * (save dialog), everything else goes to `source.handle`.
 */
import * as vscode from 'vscode';
import { explainRejection, liveMessage, parseFromWebview, stateMessage, type LiveView, type ToWebview, type ViewResult } from '../protocol/webview';
import type { HostStateSource } from './hostState';
import { webviewHtml, webviewOptions } from './webviewHtml';

export class LandscapePanel implements vscode.Disposable {
  static readonly viewType = 'sgdLandscape.panel';
  private static _current: LandscapePanel | undefined;
  static get current(): LandscapePanel | undefined {
    return LandscapePanel._current;
  }

  private readonly disposables: vscode.Disposable[] = [];
  /** A state change arrived while hidden: hydrate on the next show. */
  private stale = false;

  static createOrShow(extensionUri: vscode.Uri, source: HostStateSource): LandscapePanel {
    const column = vscode.window.activeTextEditor ? vscode.ViewColumn.Beside : vscode.ViewColumn.Active;
    if (LandscapePanel._current) {
      LandscapePanel._current.panel.reveal(column, true);
      return LandscapePanel._current;
    }
    const panel = vscode.window.createWebviewPanel(LandscapePanel.viewType, 'SGD Landscape', { viewColumn: column, preserveFocus: true }, {
      ...webviewOptions(extensionUri),
      // Keeping the page alive when hidden is not needed: it re-hydrates from the host state.
      retainContextWhenHidden: false,
    });
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
    private readonly source: HostStateSource,
  ) {
    panel.webview.options = webviewOptions(extensionUri);
    panel.webview.html = webviewHtml(panel.webview, extensionUri, 'panel', 'SGD Landscape');
    this.disposables.push(
      panel.onDidDispose(() => this.dispose()),
      panel.onDidChangeViewState(() => {
        if (panel.visible && this.stale) this.hydrate();
      }),
      panel.webview.onDidReceiveMessage((raw: unknown) => this.onMessage(raw)),
      source.onDidChangeState(() => {
        if (panel.visible) this.hydrate();
        else this.stale = true;
      }),
      source.onDidChangeStatus((status) => {
        if (panel.visible) this.post({ type: 'status', status });
      }),
      // Partial results while a run goes; a hidden panel gets them with the state when shown.
      source.onDidChangeLive((live) => {
        if (!panel.visible) {
          this.stale = true;
          return;
        }
        this.post(liveMessage(live, this.postedLive));
        this.postedLive = live;
      }),
    );
  }

  /** The run last posted to this page (not re-sent while it stays the same object). */
  private postedCurrent: ViewResult | undefined;
  /** The live view last posted to this page (its landscape is not re-sent). */
  private postedLive: LiveView | undefined;

  /** Sends the state (the answer to `ready`, and after any change); `fresh`: the page has nothing yet. */
  hydrate(fresh = false): void {
    this.stale = false;
    if (fresh) this.postedCurrent = undefined;
    const state = this.source.state;
    this.post(stateMessage(state, this.postedCurrent));
    this.postedCurrent = state.current;
    this.postedLive = state.live;
  }

  private post(message: ToWebview): void {
    void this.panel.webview.postMessage(message);
  }

  private async onMessage(raw: unknown): Promise<void> {
    const message = parseFromWebview(raw);
    if (!message) {
      const why = explainRejection(raw);
      console.warn(`[sgd-landscape] panel: ignored a message (${why})`);
      // A refused run is the one case a user caused and must hear about (out-of-range settings).
      if ((raw as { type?: unknown } | null)?.type === 'run') void vscode.window.showWarningMessage(`SGD Landscape: run not started: ${why}`);
      return;
    }
    try {
      if (message.type === 'ready') {
        this.hydrate(true);
        return;
      }
      if (message.type === 'exportPng') {
        await saveDataUrlPng(message.name, message.dataUrl);
        return;
      }
      await this.source.handle(message);
    } catch (e) {
      void vscode.window.showErrorMessage(`SGD Landscape: ${e instanceof Error ? e.message : String(e)}`);
    }
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

/** Asks where to save a chart and writes the PNG bytes of its data URL there. */
export async function saveDataUrlPng(name: string, dataUrl: string): Promise<vscode.Uri | undefined> {
  const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
  const uri = await vscode.window.showSaveDialog({
    ...(folder ? { defaultUri: vscode.Uri.joinPath(folder, `${name}.png`) } : {}),
    filters: { PNG: ['png'] },
    title: 'Save chart as PNG',
  });
  if (!uri) return undefined;
  const bytes = Buffer.from(dataUrl.slice(dataUrl.indexOf(',') + 1), 'base64');
  await vscode.workspace.fs.writeFile(uri, bytes);
  void vscode.window.showInformationMessage(`SGD Landscape: chart saved to ${vscode.workspace.asRelativePath(uri)}`);
  return uri;
}
