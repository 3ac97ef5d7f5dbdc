/**
 * The run service's ports (`ports.ts`) backed by `vscode`: the notifier (output channel, toasts,
 * syntax diagnostics), the saver (save dialog), the environment (settings, open documents, trust),
 * and the progress notification and `sgdLandscape.running` context key, which follow the status.
 */
import * as vscode from 'vscode';
import { readFile } from 'node:fs/promises';
import type { RunStatus } from '../protocol/webview';
import type { RunFailure } from '../runner/failure';
import type { EditorSnapshot, Event, HostEnvironment, Notifier, SaveRequest, Saver } from './ports';
import { SETTING_KEYS, parseSettings, unsetFields, type ExtensionSettings } from './settings';

export const SECTION = 'sgdLandscape';
const RUNNING_CONTEXT = 'sgdLandscape.running';

/** TypeScript or JavaScript files on disk: the ones whose exported losses can run. */
export function isLossDocument(doc: vscode.TextDocument): boolean {
  return doc.uri.scheme === 'file' && (doc.languageId === 'typescript' || doc.languageId === 'javascript');
}

/** The active editor as the controls see it, when it shows a loss file. */
export function activeEditorSnapshot(): EditorSnapshot | undefined {
  const editor = vscode.window.activeTextEditor;
  if (!editor || !isLossDocument(editor.document)) return undefined;
  return { file: editor.document.uri.fsPath, text: editor.document.getText(), cursorLine: editor.selection.active.line };
}

export async function revealLine(file: string, line0: number): Promise<void> {
  const doc = await vscode.workspace.openTextDocument(vscode.Uri.file(file));
  const pos = new vscode.Position(Math.max(0, Math.min(line0, doc.lineCount - 1)), 0);
  await vscode.window.showTextDocument(doc, { selection: new vscode.Range(pos, pos), preserveFocus: false });
}

export const vscodeEnvironment: HostEnvironment = {
  readSettings(): ExtensionSettings {
    const cfg = vscode.workspace.getConfiguration(SECTION);
    const raw: Record<string, unknown> = {};
    for (const key of SETTING_KEYS) {
      raw[key] = cfg.get(key);
    }
    return { ...parseSettings(raw), unset: unsetFields((k) => cfg.inspect(k) as Record<string, unknown> | undefined) };
  },
  async readSource(file) {
    const doc = vscode.workspace.textDocuments.find((d) => d.uri.scheme === 'file' && d.uri.fsPath === file);
    return doc ? doc.getText() : readFile(file, 'utf8');
  },
  relativePath: (file) => vscode.workspace.asRelativePath(file),
  isTrusted: () => vscode.workspace.isTrusted,
};

export class VsCodeNotifier implements Notifier, vscode.Disposable {
  private readonly diagnostics = vscode.languages.createDiagnosticCollection('sgdLandscape');
  private readonly listener: vscode.Disposable;

  constructor(
    private readonly output: vscode.OutputChannel,
    readonly showPanel: () => void,
  ) {
    // Edits invalidate syntax diagnostics from the last bundle of that file.
    this.listener = vscode.workspace.onDidChangeTextDocument((e) => {
      if (this.diagnostics.has(e.document.uri)) this.diagnostics.delete(e.document.uri);
    });
  }

  log(line: string): void {
    this.output.appendLine(line);
  }
  info(message: string): void {
    void vscode.window.showInformationMessage(message);
  }
  warn(message: string, opts?: { showPanel?: boolean }): void {
    if (!opts?.showPanel) {
      void vscode.window.showWarningMessage(message);
      return;
    }
    void vscode.window.showWarningMessage(message, 'Show Summary').then((a) => {
      if (a === 'Show Summary') this.showPanel();
    });
  }
  fileBuilt(file: string): void {
    this.diagnostics.delete(vscode.Uri.file(file));
  }

  runFailed(failure: RunFailure): void {
    const { file, line } = failure.detail;
    if (failure.kind === 'syntax') this.showSyntaxDiagnostics(failure);
    const actions = file && line !== undefined ? ['Go to Error', 'Show Log'] : ['Show Log'];
    void vscode.window.showErrorMessage(`SGD Landscape: ${failure.message}`, ...actions).then((a) => {
      if (a === 'Go to Error' && file && line !== undefined) void revealLine(file, line - 1);
      if (a === 'Show Log') this.output.show(true);
    });
  }

  private showSyntaxDiagnostics(failure: RunFailure): void {
    const byFile = new Map<string, vscode.Diagnostic[]>();
    for (const m of failure.bundleMessages) {
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

  dispose(): void {
    this.listener.dispose();
    this.diagnostics.dispose();
  }
}

const FILTERS: Record<SaveRequest['format'], Record<string, string[]>> = {
  json: { JSON: ['json'] },
  csv: { CSV: ['csv'] },
  png: { PNG: ['png'] },
};

/** Saves through the save dialog (a given `target` path skips it: tests and scripts). */
export const vscodeSaver: Saver = {
  async save(request, target) {
    let uri = target ? vscode.Uri.file(target) : undefined;
    if (!uri) {
      const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
      uri = await vscode.window.showSaveDialog({
        ...(folder ? { defaultUri: vscode.Uri.joinPath(folder, request.name) } : {}),
        filters: FILTERS[request.format],
        title: request.format === 'png' ? 'Save chart as PNG' : 'Export SGD Landscape results',
      });
    }
    if (!uri) return undefined;
    await vscode.workspace.fs.writeFile(uri, request.data);
    return uri.fsPath;
  },
};

/**
 * A progress notification (with Cancel) while a run goes, and the `sgdLandscape.running` context
 * key for the Stop command, both driven by the status.
 */
export function followRunStatus(
  onStatus: Event<RunStatus>,
  onState: Event<{ status: RunStatus }>,
  stop: () => void,
  /** The context key set while running (the sweep service's is `sgdLandscape.sweeping`). */
  context = RUNNING_CONTEXT,
): vscode.Disposable {
  let shown: { runId: string; report(s: Extract<RunStatus, { kind: 'running' }>): void; end(): void } | undefined;
  let running = false;
  const update = (status: RunStatus) => {
    if ((status.kind === 'running') !== running) {
      running = status.kind === 'running';
      void vscode.commands.executeCommand('setContext', context, running);
    }
    if (shown && (status.kind !== 'running' || status.runId !== shown.runId)) {
      shown.end();
      shown = undefined;
    }
    if (status.kind !== 'running') return;
    if (!shown) shown = openProgress(status, stop);
    shown.report(status);
  };
  const subs = [onStatus(update), onState((s) => update(s.status))];
  return new vscode.Disposable(() => {
    for (const s of subs) s.dispose();
    shown?.end();
  });
}

function openProgress(first: Extract<RunStatus, { kind: 'running' }>, stop: () => void) {
  let end!: () => void;
  const ended = new Promise<void>((r) => (end = r));
  let report: (s: Extract<RunStatus, { kind: 'running' }>) => void = () => undefined;
  const title = `SGD Landscape: ${first.label.split(' — ')[0]}`;
  void vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title, cancellable: true }, (progress, token) => {
    token.onCancellationRequested(stop);
    let reported = 0;
    report = (s) => {
      if (s.phase === 'bundling') {
        progress.report({ message: 'bundling…' });
        return;
      }
      const pct = Math.floor((s.total > 0 ? Math.min(1, s.done / s.total) : 0) * 100);
      if (pct > reported || reported === 0) {
        progress.report({ increment: pct - reported, message: `${s.phase} ${pct}%` });
        reported = pct;
      }
    };
    report(first);
    return ended;
  });
  return { runId: first.runId, report: (s: Extract<RunStatus, { kind: 'running' }>) => report(s), end };
}
