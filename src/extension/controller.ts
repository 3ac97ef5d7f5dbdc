/**
 * The `vscode` layer over the run service (`runService.ts`, which owns the runs and the state):
 * the run commands, dialogs, the webviews' messages, and the editor events the service follows
 * (active editor, cursor, settings, saves for watch mode). Trust and the file and function
 * pickers are in `pickers.ts`; the sweep commands and the sweep panel's messages in
 * `sweepCommands.ts`.
 */
import * as vscode from 'vscode';
import type { HostState } from '../protocol/webview';
import type { HostMessage, HostStateSource } from './hostState';
import { Emitter, systemClock, type Event } from './ports';
import type { RunInputLayer } from './settings';
import { PoolExecutor, type RunRequest } from './runSession';
import { RunService } from './runService';
import { RunStore } from './runStore';
import { checkTrust, pickFile, pickLoss } from './pickers';
import { SweepCommands } from './sweepCommands';
import { SweepService } from './sweepService';
import { SweepStore } from './sweepStore';
import { SECTION, VsCodeNotifier, activeEditorSnapshot, followRunStatus, revealLine, vscodeEnvironment, vscodeSaver } from './vscodePorts';

export class RunController implements HostStateSource, vscode.Disposable {
  readonly service: RunService;
  readonly sweeps: SweepService;
  /** The sweep commands and the sweep panel's messages (`sweepCommands.ts`). */
  readonly sweepUi: SweepCommands;
  private readonly disposables: vscode.Disposable[] = [];
  /** The run service's state changes and the stored sweeps' (the side panel lists them). */
  private readonly stateEmitter = new Emitter<HostState>();

  constructor(
    context: vscode.ExtensionContext,
    output: vscode.OutputChannel,
    /** Opens or reveals the landscape panel (owned by the panel module). */
    private readonly showPanel: () => void,
    /** Opens or reveals the sweep panel (owned by the sweep panel module). */
    private readonly showSweepPanel: () => void = () => undefined,
  ) {
    const storage = context.storageUri ?? context.globalStorageUri;
    const notifier = new VsCodeNotifier(output, showPanel);
    const executor = new PoolExecutor({
      workerScript: context.asAbsolutePath('dist/worker.js'),
      bundleDir: vscode.Uri.joinPath(context.globalStorageUri, 'bundles').fsPath,
      // What the user's loss prints (capped per run by the pool) goes to the output channel.
      onOutput: (text) => output.append(text),
    });
    this.service = new RunService({
      store: new RunStore(vscode.Uri.joinPath(storage, 'runs').fsPath),
      executor,
      clock: systemClock,
      notifier,
      saver: vscodeSaver,
      env: vscodeEnvironment,
    });
    this.sweeps = new SweepService({
      store: new SweepStore(vscode.Uri.joinPath(storage, 'sweeps').fsPath),
      executor,
      clock: systemClock,
      notifier,
      showPanel: () => this.showSweepPanel(),
      saver: vscodeSaver,
      env: vscodeEnvironment,
    });
    this.sweepUi = new SweepCommands(this.sweeps, this.service);
    const controlsChanged = () => this.service.editorChanged(activeEditorSnapshot);
    this.disposables.push(
      notifier,
      this.service.onDidChangeState(() => this.stateEmitter.fire(this.state)),
      this.sweeps.onDidChangeList(() => this.stateEmitter.fire(this.state)),
      followRunStatus(this.service.onDidChangeStatus, this.service.onDidChangeState, () => this.service.stop()),
      followRunStatus(this.sweeps.onDidChangeStatus, this.sweeps.onDidChangeState, () => this.sweeps.stop(), 'sgdLandscape.sweeping'),
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

  /** The run service's state with the stored sweeps. */
  get state(): HostState {
    return { ...this.service.state, sweeps: this.sweeps.sweeps };
  }
  get onDidChangeState(): Event<HostState> {
    return this.stateEmitter.event;
  }
  get onDidChangeStatus() {
    return this.service.onDidChangeStatus;
  }
  get onDidChangeLive() {
    return this.service.onDidChangeLive;
  }

  /** Loads stored runs and shows the newest one, then mirrors the active editor; loads the stored sweeps. */
  async init(): Promise<void> {
    await Promise.all([this.service.init(activeEditorSnapshot()), this.sweeps.init()]);
  }

  dispose(): void {
    this.sweeps.dispose();
    this.service.dispose();
    this.stateEmitter.dispose();
    for (const d of this.disposables) d.dispose();
  }

  // ---- commands ----

  /** "Run SGD on function" and its variants. `target`/`exportName` come from CodeLens or tests. */
  async runCommand(mode: RunRequest['mode'], target?: vscode.Uri | string, exportName?: string, overrides?: RunInputLayer): Promise<void> {
    if (!checkTrust()) return;
    const file = pickFile(target);
    if (!file) return;
    const name = exportName ?? (await pickLoss(file));
    if (!name) return;
    await this.service.start({ file, exportName: name, mode, overrides });
  }

  async rerun(): Promise<void> {
    if (checkTrust()) await this.service.rerun();
  }

  /** Stops the run and the sweep in progress. */
  stop(): void {
    this.service.stop();
    this.sweeps.stop();
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
        if (checkTrust()) await this.service.runFromPanel(message);
        return;
      case 'stop':
        this.service.stop();
        return;
      case 'showPanel':
        this.showPanel();
        return;
      case 'runSeries':
        if (checkTrust()) await this.service.runSeries(message);
        return;
      case 'compareRuns':
        await this.service.compareRuns(message.runIds);
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
      case 'sweep':
        if (checkTrust()) await this.sweepUi.fromPanel(message);
        return;
      case 'openSweep':
        await this.sweeps.open(message.sweepId);
        return;
    }
  }
}
