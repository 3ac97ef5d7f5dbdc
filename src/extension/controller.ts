/**
 * The `vscode` layer over the run service (`runService.ts`, which owns the runs and the state):
 * commands, pickers, dialogs and workspace trust, the webviews' messages, and the editor events
 * the service follows (active editor, cursor, settings, saves for watch mode).
 */
import * as vscode from 'vscode';
import { discoverLosses, orderByCursor } from '../runner/discover';
import type { HostState } from '../protocol/webview';
import type { HostMessage, HostStateSource } from './hostState';
import { systemClock } from './ports';
import type { RunInputLayer } from './settings';
import { PoolExecutor, type RunRequest } from './runSession';
import { RunService } from './runService';
import { RunStore } from './runStore';
import {
  SECTION,
  VsCodeNotifier,
  activeEditorSnapshot,
  followRunStatus,
  isLossDocument,
  revealLine,
  vscodeEnvironment,
  vscodeSaver,
} from './vscodePorts';

export class RunController implements HostStateSource, vscode.Disposable {
  readonly service: RunService;
  private readonly disposables: vscode.Disposable[] = [];

  constructor(
    context: vscode.ExtensionContext,
    output: vscode.OutputChannel,
    /** Opens or reveals the landscape panel (owned by the panel module). */
    private readonly showPanel: () => void,
  ) {
    const storage = context.storageUri ?? context.globalStorageUri;
    const notifier = new VsCodeNotifier(output, showPanel);
    this.service = new RunService({
      store: new RunStore(vscode.Uri.joinPath(storage, 'runs').fsPath),
      executor: new PoolExecutor({
        workerScript: context.asAbsolutePath('dist/worker.js'),
        bundleDir: vscode.Uri.joinPath(context.globalStorageUri, 'bundles').fsPath,
        // What the user's loss prints (capped per run by the pool) goes to the output channel.
        onOutput: (text) => output.append(text),
      }),
      clock: systemClock,
      notifier,
      saver: vscodeSaver,
      env: vscodeEnvironment,
    });
    const controlsChanged = () => this.service.editorChanged(activeEditorSnapshot);
    this.disposables.push(
      notifier,
      followRunStatus(this.service.onDidChangeStatus, this.service.onDidChangeState, () => this.service.stop()),
      vscode.window.onDidChangeActiveTextEditor(controlsChanged),
      vscode.window.onDidChangeTextEditorSelection((e) => {
        if (e.textEditor === vscode.window.activeTextEditor) controlsChanged();
      }),
      vscode.workspace.onDidChangeTextDocument((e) => {
        if (e.document === vscode.window.activeTextEditor?.document) controlsChanged();
      }),
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration(SECTION)) controlsChanged();
      }),
      vscode.workspace.onDidGrantWorkspaceTrust(controlsChanged),
      vscode.workspace.onDidSaveTextDocument((doc) => this.service.fileSaved(doc.uri.fsPath)),
    );
  }

  get state(): HostState {
    return this.service.state;
  }
  get onDidChangeState() {
    return this.service.onDidChangeState;
  }
  get onDidChangeStatus() {
    return this.service.onDidChangeStatus;
  }
  get onDidChangeLive() {
    return this.service.onDidChangeLive;
  }

  /** Loads stored runs and shows the newest one, then mirrors the active editor. */
  init(): Promise<void> {
    return this.service.init(activeEditorSnapshot());
  }

  dispose(): void {
    this.service.dispose();
    for (const d of this.disposables) d.dispose();
  }

  // ---- commands ----

  /** "Run SGD on function" and its variants. `target`/`exportName` come from CodeLens or tests. */
  async runCommand(mode: RunRequest['mode'], target?: vscode.Uri | string, exportName?: string, overrides?: RunInputLayer): Promise<void> {
    if (!this.checkTrust()) return;
    const file = this.pickFile(target);
    if (!file) return;
    const name = exportName ?? (await this.pickLoss(file));
    if (!name) return;
    await this.service.start({ file, exportName: name, mode, overrides });
  }

  async rerun(): Promise<void> {
    if (this.checkTrust()) await this.service.rerun();
  }

  stop(): void {
    this.service.stop();
  }

  async toggleWatch(): Promise<void> {
    const cfg = vscode.workspace.getConfiguration(SECTION);
    const next = !cfg.get<boolean>('watch', false);
    const target = vscode.workspace.workspaceFolders?.length ? vscode.ConfigurationTarget.Workspace : vscode.ConfigurationTarget.Global;
    await cfg.update('watch', next, target);
    void vscode.window.showInformationMessage(
      next ? 'SGD Landscape: watch mode on — saving the file of the last run re-runs it.' : 'SGD Landscape: watch mode off.',
    );
  }

  /** "Export results": JSON (the full ExperimentResult) or CSV (one row per trial); asks for what is not given. */
  async exportResults(format?: 'json' | 'csv', target?: vscode.Uri | string): Promise<void> {
    if (!this.service.shownResult) {
      void vscode.window.showInformationMessage('SGD Landscape: no results to export yet.');
      return;
    }
    const fmt =
      format ??
      (
        await vscode.window.showQuickPick(
          [
            { label: 'JSON', description: 'the full result: settings, finals, landscape, diagnostics', value: 'json' as const },
            { label: 'CSV', description: 'one row per trial: start, final y, f(y), diverged, method', value: 'csv' as const },
          ],
          { title: 'Export results as' },
        )
      )?.value;
    if (!fmt) return;
    await this.service.exportResults(fmt, typeof target === 'string' ? target : target?.fsPath);
  }

  // ---- webview messages (already validated by parseFromWebview) ----

  async handle(message: HostMessage): Promise<void> {
    switch (message.type) {
      case 'run':
        if (this.checkTrust()) await this.service.runFromPanel(message);
        return;
      case 'stop':
        this.service.stop();
        return;
      case 'showPanel':
        this.showPanel();
        return;
      case 'openRun':
        await this.service.openRun(message.runId);
        return;
      case 'exportRun':
        await this.exportResults(message.format);
        return;
      case 'exportPng':
        await this.service.savePng(message.name, message.dataUrl);
        return;
      case 'reveal':
        // Only files this extension knows about (a run's source or the failing file).
        if (this.service.isKnownFile(message.file)) await revealLine(message.file, message.line);
        return;
    }
  }

  // ---- pickers and trust ----

  /** In an untrusted workspace: explain and offer the trust dialog. Returns whether trusted. */
  checkTrust(): boolean {
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

  private pickFile(target?: vscode.Uri | string): string | undefined {
    if (target) return typeof target === 'string' ? target : target.fsPath;
    const editor = vscode.window.activeTextEditor;
    if (editor && isLossDocument(editor.document)) return editor.document.uri.fsPath;
    void vscode.window.showWarningMessage(
      'SGD Landscape: open a TypeScript file that exports a loss function, e.g. via "SGD Landscape: Open examples".',
    );
    return undefined;
  }

  private async pickLoss(file: string): Promise<string | undefined> {
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
        description: `${l.dim ?? 'dim from settings'}-D${l.argStyle === 'array' ? ' (array)' : ''}${l.hasOptions ? ', with options' : ''}`,
        detail: `line ${l.line + 1}: (${l.params.join(', ')})`,
        name: l.name,
      })),
      { title: 'Run SGD on which function?', placeHolder: 'exported loss functions (the one under the cursor first)' },
    );
    return pick?.name;
  }
}
