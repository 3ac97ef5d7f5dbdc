/**
 * The `vscode` layer over the run service (`runService.ts`, which owns the runs and the state):
 * commands, pickers, dialogs and workspace trust, the webviews' messages, and the editor events
 * the service follows (active editor, cursor, settings, saves for watch mode).
 */
import * as vscode from 'vscode';
import { discoverLosses, lossShapeText, orderByCursor } from '../runner/discover';
import { SWEEP_FIELD } from '../engine/settingsSchema';
import { Problems, checkSweep, problemText } from '../engine/settingsValidate';
import type { SweepGrid } from '../engine/sweep';
import type { FromSweepWebview } from '../protocol/sweep';
import type { HostState } from '../protocol/webview';
import { parseAxisValues } from '../view/sweep';
import type { HostMessage, HostStateSource } from './hostState';
import { Emitter, systemClock, type Event } from './ports';
import type { RunInputLayer } from './settings';
import { PoolExecutor, type RunRequest } from './runSession';
import { RunService } from './runService';
import { RunStore } from './runStore';
import type { SweepStateSource } from './sweepPanel';
import { SweepService } from './sweepService';
import { SweepStore } from './sweepStore';
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
  readonly sweeps: SweepService;
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

  /** Stops the run and the sweep in progress. */
  stop(): void {
    this.service.stop();
    this.sweeps.stop();
  }

  /**
   * "Sweep noise radius and learning rate": the function (CodeLens, argument, or picked), the grid
   * (argument, or two input boxes: radius values, learning rates), over the settings and the
   * file's defaults (and `overrides`, for scripts and tests).
   */
  async sweepCommand(target?: vscode.Uri | string, exportName?: string, grid?: SweepGrid, overrides?: RunInputLayer): Promise<void> {
    if (!this.checkTrust()) return;
    const file = this.pickFile(target);
    if (!file) return;
    const name = exportName ?? (await this.pickLoss(file, 'Sweep which function?'));
    if (!name) return;
    const checked = grid ? this.checkGrid(grid) : await this.askGrid(name);
    if (!checked) return;
    await this.sweeps.start({ file, exportName: name, grid: checked, overrides });
  }

  /** A grid given as an argument, checked like SWEEP.json's `sweep`; undefined (after a warning) when bad. */
  private checkGrid(grid: unknown): SweepGrid | undefined {
    const p = new Problems();
    const checked = checkSweep(p, grid, SWEEP_FIELD, 'sweep');
    if (!checked || p.count > 0) {
      void vscode.window.showWarningMessage(`SGD Landscape: sweep not started: ${p.list.map(problemText).join('; ')}`);
      return undefined;
    }
    return checked;
  }

  /** Two input boxes: the radius values and the learning rates, each a list or start:stop:count. */
  private async askGrid(name: string): Promise<SweepGrid | undefined> {
    const defaults = SWEEP_FIELD.default;
    const ask = async (axis: 'radius' | 'lr', prompt: string): Promise<number[] | undefined> => {
      const text = await vscode.window.showInputBox({
        title: `Sweep ${name}: ${axis === 'radius' ? 'noise radii' : 'learning rates'}`,
        prompt,
        value: defaults[axis].join(', '),
        ignoreFocusOut: true,
        validateInput: (t) => {
          const parsed = parseAxisValues(t);
          if (typeof parsed === 'string') return parsed;
          const p = new Problems();
          checkSweep(p, { [axis]: parsed }, SWEEP_FIELD, 'sweep');
          return p.count > 0 ? p.list.map(problemText).join('; ') : undefined;
        },
      });
      if (text === undefined) return undefined;
      const parsed = parseAxisValues(text);
      return typeof parsed === 'string' ? undefined : parsed;
    };
    const radius = await ask('radius', 'Noise radii of the first stage: a list (0, 0.15, 0.3) or start:stop:count (0:1.2:7)');
    if (!radius) return undefined;
    const lr = await ask('lr', 'Learning rates of the first stage: a list (0.01, 0.05) or start:stop:count');
    if (!lr) return undefined;
    return this.checkGrid({ radius, lr });
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

  /** "Export sweep": SWEEP-RESULT.json or CSV of the shown sweep; asks for the format when not given. */
  async exportSweep(format?: 'json' | 'csv', target?: vscode.Uri | string): Promise<void> {
    const fmt =
      format ??
      (
        await vscode.window.showQuickPick(
          [
            { label: 'JSON', description: 'SWEEP-RESULT.json: settings, axes and every cell', value: 'json' as const },
            { label: 'CSV', description: 'one row per cell', value: 'csv' as const },
          ],
          { title: 'Export sweep as' },
        )
      )?.value;
    if (!fmt) return;
    await this.sweeps.exportSweep(fmt, typeof target === 'string' ? target : target?.fsPath);
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
      case 'runSeries':
        if (this.checkTrust()) await this.service.runSeries(message);
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
        if (this.checkTrust()) await this.sweepFromPanel(message);
        return;
      case 'openSweep':
        await this.sweeps.open(message.sweepId);
        return;
    }
  }

  /** The side panel's Sweep: its chosen function and edited settings, over the grid it gives. */
  private async sweepFromPanel(message: Extract<HostMessage, { type: 'sweep' }>): Promise<void> {
    const controls = this.service.state.controls;
    const file = controls?.file;
    const exportName = message.exportName ?? controls?.selected;
    if (!file || !exportName) {
      void vscode.window.showWarningMessage('SGD Landscape: open a TypeScript file with an exported loss function first.');
      return;
    }
    const { function: _ignored, ...overrides } = message.settings;
    await this.sweeps.start({ file, exportName, grid: message.grid, overrides });
  }

  // ---- the sweep panel (SweepStateSource) ----

  /** What the sweep panel renders (the sweep service's state) and where its messages go. */
  get sweepSource(): SweepStateSource {
    const sweeps = this.sweeps;
    return {
      get state() {
        return sweeps.state;
      },
      onDidChangeState: sweeps.onDidChangeState,
      onDidChangeStatus: sweeps.onDidChangeStatus,
      onDidFinishCell: sweeps.onDidFinishCell,
      handleSweep: (m) => this.handleSweep(m),
    };
  }

  /** The sweep panel's messages (validated by parseFromSweepWebview). */
  async handleSweep(message: Exclude<FromSweepWebview, { type: 'ready' }>): Promise<void> {
    switch (message.type) {
      case 'openCell': {
        const request = this.sweeps.cellRequest(message.sweepId, message.index);
        if (!request) {
          void vscode.window.showWarningMessage('SGD Landscape: that sweep is no longer shown; open it again.');
          return;
        }
        if (this.checkTrust()) await this.service.start(request);
        return;
      }
      case 'openSweep':
        await this.sweeps.open(message.sweepId);
        return;
      case 'exportSweep':
        await this.exportSweep(message.format);
        return;
      case 'exportPng':
        await this.sweeps.savePng(message.name, message.dataUrl);
        return;
      case 'stop':
        this.sweeps.stop();
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

  private async pickLoss(file: string, title = 'Run SGD on which function?'): Promise<string | undefined> {
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
}
