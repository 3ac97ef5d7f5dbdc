/**
 * The `vscode` layer of sweeps over the sweep service (`sweepService.ts`): the "Sweep noise radius
 * and learning rate" command with its grid input boxes, "Export sweep", the side panel's Sweep,
 * and the sweep panel's messages (a cell opened as a run goes to the run service).
 */
import * as vscode from 'vscode';
import { SWEEP_FIELD } from '../engine/settingsSchema';
import { Problems, checkSweep, problemText } from '../engine/settingsValidate';
import type { SweepGrid } from '../engine/sweep';
import type { FromSweepWebview } from '../protocol/sweep';
import { parseAxisValues } from '../view/sweep';
import type { HostMessage } from './hostState';
import { checkTrust, pickFile, pickLoss } from './pickers';
import type { RunService } from './runService';
import type { RunInputLayer } from './settings';
import type { SweepStateSource } from './sweepPanel';
import type { SweepService } from './sweepService';

export class SweepCommands {
  constructor(
    private readonly sweeps: SweepService,
    private readonly runs: RunService,
  ) {}

  /**
   * "Sweep noise radius and learning rate": the function (CodeLens, argument, or picked), the grid
   * (argument, or two input boxes: radius values, learning rates), over the settings and the
   * file's defaults (and `overrides`, for scripts and tests).
   */
  async sweepCommand(target?: vscode.Uri | string, exportName?: string, grid?: SweepGrid, overrides?: RunInputLayer): Promise<void> {
    if (!checkTrust()) return;
    const file = pickFile(target);
    if (!file) return;
    const name = exportName ?? (await pickLoss(file, 'Sweep which function?'));
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

  /** The side panel's Sweep: its chosen function and edited settings, over the grid it gives. */
  async fromPanel(message: Extract<HostMessage, { type: 'sweep' }>): Promise<void> {
    const controls = this.runs.state.controls;
    const file = controls?.file;
    const exportName = message.exportName ?? controls?.selected;
    if (!file || !exportName) {
      void vscode.window.showWarningMessage('SGD Landscape: open a TypeScript file with an exported loss function first.');
      return;
    }
    const { function: _ignored, ...overrides } = message.settings;
    await this.sweeps.start({ file, exportName, grid: message.grid, overrides });
  }

  /** What the sweep panel renders (the sweep service's state) and where its messages go. */
  get source(): SweepStateSource {
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
        if (checkTrust()) await this.runs.start(request);
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
}
