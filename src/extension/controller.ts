/**
 * The run controller: owns the host state the webviews render (status, shown result, recent
 * runs, side-panel controls), starts and stops runs, persists results, and reports failures
 * where the user looks (notification, diagnostics on the right line, output channel).
 *
 * Heavy work never runs here: esbuild bundles asynchronously in its own process, the module is
 * inspected and the trials run in worker threads; this thread only coordinates. Each run logs
 * the largest event-loop delay seen on this thread while it ran.
 */
import * as vscode from 'vscode';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { readFile } from 'node:fs/promises';
import { ExperimentRunner, type RunPartial, type RunProgress } from '../runner/pool';
import { discoverLosses, orderByCursor, readStaticExport, type DiscoveredLoss } from '../runner/discover';
import type { ExperimentResult, LossOptions } from '../engine/types';
import type { FromWebview, HostState, LiveView, RunStatus, RunSettings } from '../protocol/webview';
import { toLiveView, toViewResult } from './viewModel';
import type { HostStateSource } from './hostState';
import { saveDataUrlPng } from './panel';
import {
  buildRunInput,
  changedFields,
  displaySettings,
  parseSettings,
  SETTING_KEYS,
  runnerLimits,
  type ExtensionSettings,
  type RunInputLayer,
} from './settings';
import { prepareRun, runPrepared, toFailure, type RunRequest } from './runSession';
import { RunFailure, isCancellation } from '../runner/failure';
import { RunStore, newRunId, resultToCsv, summarize } from './runStore';

export const SECTION = 'sgdLandscape';
const RUNNING_CONTEXT = 'sgdLandscape.running';

interface ActiveRun {
  id: string;
  request: RunRequest;
  abort: AbortController;
  done: Promise<void>;
}

export class RunController implements HostStateSource, vscode.Disposable {
  private _state: HostState = { status: { kind: 'idle' }, runs: [] };
  private readonly stateEmitter = new vscode.EventEmitter<HostState>();
  private readonly statusEmitter = new vscode.EventEmitter<RunStatus>();
  private readonly liveEmitter = new vscode.EventEmitter<LiveView>();
  readonly onDidChangeState = this.stateEmitter.event;
  readonly onDidChangeStatus = this.statusEmitter.event;
  readonly onDidChangeLive = this.liveEmitter.event;

  private readonly diagnostics = vscode.languages.createDiagnosticCollection('sgdLandscape');
  private readonly store: RunStore;
  private readonly disposables: vscode.Disposable[] = [];
  private runner?: ExperimentRunner;
  private runnerKey = '';
  private active?: ActiveRun;
  private startSeq = 0;
  /** The full result shown (the state carries the view-shaped copy). */
  private currentResult?: ExperimentResult;
  private watchTimer?: NodeJS.Timeout;
  private controlsTimer?: NodeJS.Timeout;
  /** Remembered side-panel choice per file. */
  private readonly selected = new Map<string, string>();

  constructor(
    private readonly context: vscode.ExtensionContext,
    private readonly output: vscode.OutputChannel,
    /** Opens or reveals the landscape panel (owned by the panel module). */
    private readonly showPanel: () => void,
  ) {
    const storage = context.storageUri ?? context.globalStorageUri;
    this.store = new RunStore(vscode.Uri.joinPath(storage, 'runs').fsPath);
    this.disposables.push(
      this.diagnostics,
      this.stateEmitter,
      this.statusEmitter,
      this.liveEmitter,
      vscode.window.onDidChangeActiveTextEditor(() => this.refreshControlsSoon()),
      vscode.window.onDidChangeTextEditorSelection((e) => {
        if (e.textEditor === vscode.window.activeTextEditor) this.refreshControlsSoon();
      }),
      vscode.workspace.onDidChangeTextDocument((e) => {
        if (e.document === vscode.window.activeTextEditor?.document) this.refreshControlsSoon();
        // Edits invalidate syntax diagnostics from the last bundle of that file.
        if (this.diagnostics.has(e.document.uri)) this.diagnostics.delete(e.document.uri);
      }),
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration(SECTION)) this.refreshControlsSoon();
      }),
      vscode.workspace.onDidGrantWorkspaceTrust(() => this.refreshControlsSoon()),
      vscode.workspace.onDidSaveTextDocument((doc) => this.onSave(doc)),
    );
  }

  get state(): HostState {
    return this._state;
  }

  /** Loads persisted runs and shows the newest one, then mirrors the active editor. */
  async init(): Promise<void> {
    const index = await this.store.load();
    this._state = { ...this._state, runs: index.runs };
    if (index.runs[0]) {
      const result = await this.store.get(index.runs[0].id);
      if (result) this.setCurrent(result);
    }
    this.refreshControls();
    this.fireState();
  }

  dispose(): void {
    this.active?.abort.abort();
    if (this.watchTimer) clearTimeout(this.watchTimer);
    if (this.controlsTimer) clearTimeout(this.controlsTimer);
    this.runner?.dispose();
    for (const d of this.disposables) d.dispose();
  }

  // ---------------------------------------------------------------------------------------
  // Commands

  /** "Run SGD on function" and its variants. `target`/`exportName` come from CodeLens or tests. */
  async runCommand(mode: RunRequest['mode'], target?: vscode.Uri | string, exportName?: string, overrides?: RunInputLayer): Promise<void> {
    if (!this.checkTrust()) return;
    const file = await this.pickFile(target);
    if (!file) return;
    const name = exportName ?? (await this.pickLoss(file));
    if (!name) return;
    await this.start({ file, exportName: name, mode, overrides });
  }

  async rerun(): Promise<void> {
    if (!this.checkTrust()) return;
    await this.store.load();
    const last = this.active?.request ?? this.store.lastRequest;
    if (!last) {
      void vscode.window.showInformationMessage('SGD Landscape: nothing to re-run yet. Run "SGD Landscape: Run SGD on function" first.');
      return;
    }
    await this.start(last);
  }

  stop(): void {
    if (!this.active) return;
    this.output.appendLine(`[${time()}] stop requested for ${this.active.request.exportName}`);
    this.active.abort.abort();
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

  /** "Export results": JSON (the full ExperimentResult) or CSV (one row per trial). */
  async exportResults(format?: 'json' | 'csv', target?: vscode.Uri | string): Promise<void> {
    const result = this.currentResult;
    if (!result) {
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
    let uri = typeof target === 'string' ? vscode.Uri.file(target) : target;
    if (!uri) {
      const base = `${result.source?.exportName ?? result.config.function}-${result.startedAt.replace(/[:.]/g, '-')}.${fmt}`;
      const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
      uri = await vscode.window.showSaveDialog({
        defaultUri: folder ? vscode.Uri.joinPath(folder, base) : undefined,
        filters: fmt === 'json' ? { JSON: ['json'] } : { CSV: ['csv'] },
        title: 'Export SGD Landscape results',
      });
    }
    if (!uri) return;
    const text = fmt === 'json' ? JSON.stringify(result, null, 1) : resultToCsv(result);
    await vscode.workspace.fs.writeFile(uri, new TextEncoder().encode(text));
    this.output.appendLine(`[${time()}] exported ${fmt.toUpperCase()} to ${uri.fsPath}`);
    void vscode.window.showInformationMessage(`SGD Landscape: results saved to ${vscode.workspace.asRelativePath(uri)}`);
  }

  // ---------------------------------------------------------------------------------------
  // Webview messages (already validated by parseFromWebview)

  async handle(message: FromWebview): Promise<void> {
    switch (message.type) {
      case 'ready':
        return; // Providers answer `ready` with `state` themselves.
      case 'run': {
        if (!this.checkTrust()) return;
        const controls = this._state.controls;
        const file = controls?.file;
        const exportName = message.exportName ?? controls?.selected;
        if (!file || !exportName) {
          void vscode.window.showWarningMessage('SGD Landscape: open a TypeScript file with an exported loss function first.');
          return;
        }
        if (controls) this.selected.set(file, exportName);
        // Only what the user changed in the panel overrides settings and file defaults.
        const shown = (controls?.settings ?? {}) as Record<string, unknown>;
        const overrides = changedFields(shown, message.settings as Record<string, unknown>);
        delete (overrides as Record<string, unknown>).function;
        await this.start({ file, exportName, mode: 'run', overrides });
        return;
      }
      case 'stop':
        this.stop();
        return;
      case 'showPanel':
        this.showPanel();
        return;
      case 'openRun': {
        const result = await this.store.get(message.runId);
        if (!result) {
          void vscode.window.showWarningMessage('SGD Landscape: that run is no longer stored.');
          return;
        }
        this.setCurrent(result);
        this.fireState();
        this.showPanel();
        return;
      }
      case 'exportRun':
        await this.exportResults(message.format);
        return;
      case 'exportPng':
        await saveDataUrlPng(message.name, message.dataUrl);
        return;
      case 'reveal': {
        // Only files this extension knows about (a run's source or the failing file).
        const known = new Set<string>([
          ...this._state.runs.map((r) => r.file),
          ...(this.currentResult?.source ? [this.currentResult.source.file] : []),
          ...(this._state.status.kind === 'error' && this._state.status.file ? [this._state.status.file] : []),
          ...(this._state.controls?.file ? [this._state.controls.file] : []),
        ]);
        if (!known.has(message.file)) return;
        await revealLine(message.file, message.line);
        return;
      }
    }
  }

  // ---------------------------------------------------------------------------------------
  // Running

  /** Starts a run, cancelling the one in progress. Resolves when the new run has ended. */
  async start(request: RunRequest): Promise<void> {
    const seq = ++this.startSeq;
    if (this.active) {
      const prev = this.active;
      prev.abort.abort();
      await prev.done.catch(() => undefined);
      // A later start arrived while this one waited: that one wins.
      if (seq !== this.startSeq) return;
    }
    let settings: ExtensionSettings;
    try {
      settings = this.readSettings();
    } catch (e) {
      this.fail(toFailure(e, request));
      return;
    }
    const id = newRunId();
    const abort = new AbortController();
    let finish!: () => void;
    const done = new Promise<void>((r) => (finish = r));
    this.active = { id, request, abort, done };
    // The last run's partial results (if it was replaced mid-way) are not this run's.
    this._state = { ...this._state, live: undefined };
    void vscode.commands.executeCommand('setContext', RUNNING_CONTEXT, true);
    void this.store.setLastRequest(request).catch(() => undefined);
    const label = `${request.exportName} — ${vscode.workspace.asRelativePath(request.file)}`;
    this.setStatus({ kind: 'running', runId: id, label, phase: 'bundling', done: 0, total: 1 });
    this.showPanel();
    const delay = monitorEventLoopDelay({ resolution: 10 });
    delay.enable();
    const elu0 = performance.eventLoopUtilization();
    const loopText = () => {
      const elu = performance.eventLoopUtilization(elu0);
      return `host event-loop delay max ${(delay.max / 1e6).toFixed(1)} ms, p99 ${(delay.percentile(99) / 1e6).toFixed(1)} ms; host thread busy ${elu.active.toFixed(0)} ms (${(elu.utilization * 100).toFixed(1)}%)`;
    };
    const t0 = Date.now();
    try {
      await vscode.window.withProgress(
        { location: vscode.ProgressLocation.Notification, title: `SGD Landscape: ${request.exportName}`, cancellable: true },
        async (progress, token) => {
          token.onCancellationRequested(() => abort.abort());
          const sourceText = await readSource(request.file);
          progress.report({ message: 'bundling…' });
          const runner = this.getRunner(settings);
          const prepared = await prepareRun({
            request,
            sourceText,
            settings,
            runner,
            bundleDir: vscode.Uri.joinPath(this.context.globalStorageUri, 'bundles').fsPath,
            signal: abort.signal,
          });
          this.diagnostics.delete(vscode.Uri.file(request.file));
          if (abort.signal.aborted) throw RunFailure.cancelled(request.exportName);
          this.output.appendLine(
            `[${time()}] run ${id}: ${request.exportName} in ${request.file} (${request.mode}); bundle ${prepared.bundleMs} ms, inspect ${prepared.inspectMs} ms`,
          );
          this.output.appendLine(`  settings: ${JSON.stringify(prepared.config)}`);
          progress.report({ message: 'running…' });
          this.setStatus({ kind: 'running', runId: id, label, phase: 'sgd', done: 0, total: 1 });
          let reported = 0;
          let lastStatus = 0;
          const onProgress = (p: RunProgress) => {
            const frac = p.total > 0 ? Math.min(1, p.done / p.total) : 0;
            const pct = Math.floor(frac * 100);
            if (pct > reported) {
              progress.report({ increment: pct - reported, message: `${p.phase} ${pct}%` });
              reported = pct;
            }
            const now = Date.now();
            if (now - lastStatus > 100) {
              lastStatus = now;
              this.setStatus({ kind: 'running', runId: id, label, phase: p.phase, done: p.done, total: p.total });
            }
          };
          const startedAt = new Date().toISOString();
          const source = { file: request.file, exportName: request.exportName };
          // Throttled by the pool (≤ 4 a second); shaped here, posted by the providers to visible webviews.
          const onPartial = (p: RunPartial) => {
            if (this.active?.id !== id || abort.signal.aborted) return;
            const live = toLiveView(id, prepared.config, p, startedAt, source);
            this._state = { ...this._state, live };
            this.liveEmitter.fire(live);
          };
          const result = await runPrepared(runner, prepared, { onProgress, onPartial, signal: abort.signal });
          await this.succeed(id, request, result);
        },
      );
      this.output.appendLine(`[${time()}] run ${id} done in ${Date.now() - t0} ms; ${loopText()}`);
    } catch (e) {
      const failure = toFailure(e, request);
      const cancelled = isCancellation(failure);
      this.output.appendLine(
        `[${time()}] run ${id} ${cancelled ? 'cancelled' : 'failed'} after ${Date.now() - t0} ms (${loopText()}): ${failure.message}`,
      );
      if (failure.detail.stack && !cancelled) this.output.appendLine(failure.detail.stack);
      if (this.active?.id === id) this.fail(failure);
    } finally {
      delay.disable();
      if (this.active?.id === id) {
        this.active = undefined;
        void vscode.commands.executeCommand('setContext', RUNNING_CONTEXT, false);
      }
      finish();
    }
  }

  private async succeed(id: string, request: RunRequest, result: ExperimentResult): Promise<void> {
    const summary = summarize(id, result, request);
    this.setCurrent(result, true);
    // Show first, persist after: writing a large result must not delay the charts.
    this._state = {
      ...this._state,
      status: { kind: 'idle' },
      live: undefined,
      runs: [summary, ...this._state.runs.filter((r) => r.id !== id)],
    };
    this.fireState();
    const t0 = Date.now();
    try {
      await this.store.add(summary, result);
      this.output.appendLine(`[${time()}] run ${id} stored in ${Date.now() - t0} ms`);
    } catch (e) {
      this.output.appendLine(`[${time()}] could not persist run ${id}: ${String(e)}`);
    }
    if (this.store.runs.length) {
      this._state = { ...this._state, runs: this.store.runs };
      this.fireState();
    }
    const t = result.timing;
    this.output.appendLine(
      `  timing: trials ${t.trialsMs.toFixed(0)} ms, gd ${t.gdMs.toFixed(0)} ms, landscape ${t.landscapeMs.toFixed(0)} ms, diagnostics ${t.diagnosticsMs.toFixed(0)} ms, total ${t.totalMs.toFixed(0)} ms on ${t.workers} workers`,
    );
    this.output.appendLine(
      `  outcome: c = ${fmt(result.diagnostics.c)}, x* = [${result.diagnostics.xStar.map(fmt).join(', ')}] (${result.diagnostics.xStarSource}), success SGD ${result.diagnostics.successSgd}/${result.config.trials}` +
        (result.gd ? `, GD ${result.diagnostics.successGd}/${result.config.trials}` : '') +
        `, diverged ${result.diverged}`,
    );
    if (result.diverged > 0) {
      void vscode.window.showWarningMessage(
        `SGD Landscape: ${result.diverged} of ${result.config.trials} SGD trials of ${request.exportName} diverged (NaN, ±Infinity or ran away); they are counted, not drawn.`,
      );
    }
  }

  private fail(problem: RunFailure): void {
    // Partial results of a failed or cancelled run are dropped: the last good run shows again.
    this._state = { ...this._state, live: undefined };
    if (isCancellation(problem)) {
      this.setStatusAndState({ kind: 'cancelled' });
      return;
    }
    const status: RunStatus = { kind: 'error', message: problem.message };
    if (problem.detail.file) status.file = problem.detail.file;
    if (problem.detail.line !== undefined) status.line = problem.detail.line;
    if (problem.detail.exportName) status.exportName = problem.detail.exportName;
    // The last good result stays in `current`.
    this.setStatusAndState(status);
    if (problem.kind === 'syntax') this.showSyntaxDiagnostics(problem);
    const actions = problem.detail.file && problem.detail.line !== undefined ? ['Go to Error', 'Show Log'] : ['Show Log'];
    void vscode.window.showErrorMessage(`SGD Landscape: ${problem.message}`, ...actions).then((a) => {
      if (a === 'Go to Error' && problem.detail.file && problem.detail.line !== undefined)
        void revealLine(problem.detail.file, problem.detail.line - 1);
      if (a === 'Show Log') this.output.show(true);
    });
  }

  private showSyntaxDiagnostics(problem: RunFailure): void {
    const byFile = new Map<string, vscode.Diagnostic[]>();
    for (const m of problem.bundleMessages) {
      if (!m.file || m.line === undefined) continue;
      const line = Math.max(0, m.line - 1);
      const col = m.column ?? 0;
      const d = new vscode.Diagnostic(new vscode.Range(line, col, line, col + 1), m.text, vscode.DiagnosticSeverity.Error);
      d.source = 'SGD Landscape (esbuild)';
      const list = byFile.get(m.file) ?? [];
      list.push(d);
      byFile.set(m.file, list);
    }
    for (const [file, list] of byFile) this.diagnostics.set(vscode.Uri.file(file), list);
  }

  private getRunner(settings: ExtensionSettings): ExperimentRunner {
    const limits = runnerLimits(settings);
    const key = JSON.stringify(limits);
    if (!this.runner || key !== this.runnerKey) {
      this.runner?.dispose();
      this.runner = new ExperimentRunner({ workerScript: this.context.asAbsolutePath('dist/worker.js'), ...limits });
      this.runnerKey = key;
    }
    return this.runner;
  }

  private onSave(doc: vscode.TextDocument): void {
    if (!vscode.workspace.getConfiguration(SECTION).get<boolean>('watch', false)) return;
    if (!vscode.workspace.isTrusted) return;
    const last = this.active?.request ?? this.store.lastRequest;
    if (!last || doc.uri.fsPath !== last.file) return;
    if (this.watchTimer) clearTimeout(this.watchTimer);
    // Debounced: a burst of saves (format-on-save, save-all) gives one run.
    this.watchTimer = setTimeout(() => {
      this.watchTimer = undefined;
      this.output.appendLine(`[${time()}] watch: ${vscode.workspace.asRelativePath(doc.uri)} saved, re-running ${last.exportName}`);
      void this.start(last);
    }, 300);
  }

  // ---------------------------------------------------------------------------------------
  // State

  private setCurrent(result: ExperimentResult, justFinished = false): void {
    this.currentResult = result;
    const current = toViewResult(result);
    if (justFinished) current.finishedAt = Date.now();
    this._state = { ...this._state, current };
  }

  private setStatus(status: RunStatus): void {
    this._state = { ...this._state, status };
    this.statusEmitter.fire(status);
  }

  private setStatusAndState(status: RunStatus): void {
    this._state = { ...this._state, status };
    this.statusEmitter.fire(status);
    this.fireState();
  }

  private fireState(): void {
    this.stateEmitter.fire(this._state);
  }

  private readSettings(): ExtensionSettings {
    const cfg = vscode.workspace.getConfiguration(SECTION);
    const raw: Record<string, unknown> = {};
    for (const key of SETTING_KEYS) {
      raw[key] = cfg.get(key);
    }
    return parseSettings(raw);
  }

  private refreshControlsSoon(): void {
    if (this.controlsTimer) clearTimeout(this.controlsTimer);
    this.controlsTimer = setTimeout(() => {
      this.controlsTimer = undefined;
      this.refreshControls();
      this.fireState();
    }, 150);
  }

  /** Mirrors the active TypeScript editor into the side panel's controls (no user code runs). */
  private refreshControls(): void {
    const editor = vscode.window.activeTextEditor;
    const prev = this._state.controls;
    let file = prev?.file;
    let losses: DiscoveredLoss[] | undefined;
    let text: string | undefined;
    if (editor && isLossDocument(editor.document)) {
      file = editor.document.uri.fsPath;
      text = editor.document.getText();
      losses = discoverLosses(text, file);
      const here = orderByCursor(losses, editor.selection.active.line)[0];
      const under = here && editor.selection.active.line >= here.line && editor.selection.active.line <= here.endLine ? here : undefined;
      if (under) this.selected.set(file, under.name);
    } else if (!prev) {
      file = undefined;
    }
    let settings: ExtensionSettings;
    try {
      settings = this.readSettings();
    } catch {
      settings = parseSettings({});
    }
    if (!losses) {
      // Another editor (or none) is active: keep showing the last TypeScript file's functions.
      if (prev) {
        this._state = { ...this._state, controls: { ...prev, trusted: vscode.workspace.isTrusted } };
      } else {
        this._state = {
          ...this._state,
          controls: {
            functions: [],
            settings: displaySettings(withoutFunction(buildRunInput({ exportName: '', argStyle: 'array', settings }))) as RunSettings,
            trusted: vscode.workspace.isTrusted,
          },
        };
      }
      return;
    }
    const selectedName = (file && this.selected.get(file)) ?? losses[0]?.name;
    const sel = losses.find((l) => l.name === selectedName) ?? losses[0];
    // Display only: `<name>Options` read statically (literal values), never by running the file.
    const staticOptions =
      sel && text !== undefined ? (readStaticExport(text, file!, `${sel.name}Options`) as LossOptions | undefined) : undefined;
    const input = buildRunInput({
      exportName: sel?.name ?? '',
      argStyle: sel?.argStyle ?? 'array',
      settings,
      options: staticOptions && typeof staticOptions === 'object' ? staticOptions : undefined,
    });
    if (sel?.argStyle === 'scalars' && sel.dim !== null) input.dim = sel.dim;
    // The side panel names the function separately (`exportName`); it is not a setting.
    delete (input as Record<string, unknown>).function;
    if (!input.domain && staticOptions?.domain) input.domain = staticOptions.domain;
    if (!input.xStar && staticOptions?.xStar) input.xStar = staticOptions.xStar;
    this._state = {
      ...this._state,
      controls: {
        file,
        functions: losses.map((l) => ({ name: l.name, dim: l.dim, line: l.line })),
        selected: sel?.name,
        settings: displaySettings(input) as RunSettings,
        trusted: vscode.workspace.isTrusted,
      },
    };
  }

  // ---------------------------------------------------------------------------------------
  // Pickers and trust

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

  private async pickFile(target?: vscode.Uri | string): Promise<string | undefined> {
    if (target) return typeof target === 'string' ? target : target.fsPath;
    const editor = vscode.window.activeTextEditor;
    if (editor && isLossDocument(editor.document)) return editor.document.uri.fsPath;
    void vscode.window.showWarningMessage(
      'SGD Landscape: open a TypeScript file that exports a loss function, e.g. via "SGD Landscape: Open examples".',
    );
    return undefined;
  }

  private async pickLoss(file: string): Promise<string | undefined> {
    const text = await readSource(file);
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

// -------------------------------------------------------------------------------------------

export function isLossDocument(doc: vscode.TextDocument): boolean {
  return doc.uri.scheme === 'file' && (doc.languageId === 'typescript' || doc.languageId === 'javascript');
}

/** The editor's text when the file is open (unsaved edits included), else the file on disk. */
async function readSource(file: string): Promise<string> {
  const doc = vscode.workspace.textDocuments.find((d) => d.uri.scheme === 'file' && d.uri.fsPath === file);
  if (doc) return doc.getText();
  return readFile(file, 'utf8');
}

async function revealLine(file: string, line0: number): Promise<void> {
  const doc = await vscode.workspace.openTextDocument(vscode.Uri.file(file));
  const pos = new vscode.Position(Math.max(0, Math.min(line0, doc.lineCount - 1)), 0);
  await vscode.window.showTextDocument(doc, { selection: new vscode.Range(pos, pos), preserveFocus: false });
}

function withoutFunction<T extends { function?: string }>(input: T): T {
  delete input.function;
  return input;
}

function time(): string {
  return new Date().toISOString().slice(11, 23);
}

function fmt(v: number): string {
  return Number.isFinite(v) ? String(+v.toPrecision(4)) : String(v);
}
