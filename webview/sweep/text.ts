/**
 * The sweep panel's words: a cell's hover text, the status line, the success rule, and which
 * picture a sweep gets (a 1-D line chart when only one of radius and lr has several values).
 * Pure (no DOM); values read back from a stored sweep have null where the engine had NaN.
 */
import type { SweepCell } from '../../src/engine/sweep';
import type { SweepView } from '../../src/protocol/sweep';
import type { RunStatus } from '../../src/protocol/webview';
import { formatNumber as num, formatPercent as pct } from '../shared/format';

/** The grid's geometry: columns are radii, rows learning rates, layers the third axis's values. */
export interface Grid {
  radius: number[];
  lr: number[];
  /** The third axis, when swept. */
  third?: { name: 'steps' | 'trials'; values: number[] };
  /** Cells per layer (radius × lr). */
  perLayer: number;
}

export function gridOf(view: Pick<SweepView, 'axes'>): Grid {
  const { radius, lr, steps, trials } = view.axes;
  const third = steps ? { name: 'steps' as const, values: steps } : trials ? { name: 'trials' as const, values: trials } : undefined;
  return { radius, lr, ...(third ? { third } : {}), perLayer: radius.length * lr.length };
}

/** Index in the sweep's cells of (layer, lr row, radius column): the engine's order, radius fastest. */
export function cellIndex(grid: Grid, layer: number, iLr: number, iRadius: number): number {
  return layer * grid.perLayer + iLr * grid.radius.length + iRadius;
}

/**
 * The swept axis of a 1-D sweep (one of radius and lr has one value, the other several), or
 * undefined for a 2-D grid (and a single cell, drawn as a 1 × 1 map).
 */
export function lineAxis(grid: Grid): 'radius' | 'lr' | undefined {
  if (grid.radius.length > 1 && grid.lr.length === 1) return 'radius';
  if (grid.lr.length > 1 && grid.radius.length === 1) return 'lr';
  return undefined;
}

/** A Wilson interval as the panel prints it: percentages to one decimal. */
export function intervalText([lo, hi]: readonly [number, number]): string {
  return `${(lo * 100).toFixed(1)}% – ${(hi * 100).toFixed(1)}%`;
}

/** A cell's lines for the hover box. */
export function cellLines(cell: SweepCell, withGd: boolean): string[] {
  const lines = [
    `η = ${num(cell.lr)}, radius ${num(cell.radius)} (${cell.steps} steps, ${cell.trials} trials)`,
    `SGD success ${cell.success} / ${cell.trials} = ${pct(cell.successRate)}; Wilson 95% interval ${intervalText(cell.interval)}`,
  ];
  if (withGd) lines.push(`GD success ${pct(cell.gdSuccessRate)}`);
  lines.push(
    `diverged ${cell.diverged} / ${cell.trials} (${pct(cell.diverged / cell.trials)})`,
    `median ‖y_T − x*‖ ${num(cell.medianDistance)} (success within ${num(cell.successRadius)})`,
    `c = ${num(cell.c)}: Theorem 1's conditions ${cell.conditionHolds ? 'hold' : 'do not hold'}`,
  );
  return lines;
}

/** What "success" means in this sweep. */
export function ruleText(view: Pick<SweepView, 'successRule'>): string {
  return view.successRule.source === 'setting'
    ? `success: final y_T within ${num(view.successRule.radius)} of x* (successRadius)`
    : 'success: final y_T within the automatic success radius of x* (5% of the domain diameter, or the last stage’s Theorem 1 ball when smaller)';
}

/** The status line: progress of a running sweep, how one ended, or what is shown. */
export function statusLine(status: RunStatus, view: SweepView | undefined): string {
  const done = view ? view.cells.filter((c) => c !== null).length : 0;
  const total = view?.cells.length ?? 0;
  switch (status.kind) {
    case 'running':
      return status.phase === 'bundling'
        ? 'Preparing the sweep…'
        : `Sweeping: ${done} of ${total} cells done (${pct(status.total > 0 ? status.done / status.total : 0)})`;
    case 'cancelled':
      return view?.incomplete ? `Stopped: ${done} of ${total} cells done (a stopped sweep is not stored)` : 'Stopped.';
    case 'error':
      return `Error: ${status.message}`;
    default:
      if (!view) return '';
      return view.incomplete ? `${done} of ${total} cells (not finished)` : `${total} cells`;
  }
}

/** The title of a sweep: function, file, grid. */
export function titleText(view: SweepView): string {
  const g = gridOf(view);
  const fn = view.source?.exportName ?? view.config.function;
  const file = view.source?.file.split(/[\\/]/).pop();
  const shape = `${g.radius.length} radius × ${g.lr.length} lr${g.third ? ` × ${g.third.values.length} ${g.third.name}` : ''}`;
  return `Sweep of ${fn}${file ? ` (${file})` : ''}: ${shape}`;
}

/** Per radius column: its c (the first finished cell of that column in the layer; c depends on the radius, not η). */
export function cByRadius(cells: ReadonlyArray<SweepCell | null>, grid: Grid, layer: number): Array<number | null> {
  return grid.radius.map((_, ir) => {
    for (let il = 0; il < grid.lr.length; il++) {
      const c = cells[cellIndex(grid, layer, il, ir)];
      if (c) return typeof c.c === 'number' ? c.c : null;
    }
    return null;
  });
}
