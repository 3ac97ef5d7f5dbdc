/**
 * A sweep in words and tables: the CLI's printed phase diagram and the CSV export. Pure (no DOM,
 * no Node). Values read back from SWEEP-RESULT.json have null where the engine had NaN.
 */
import type { SweepCell, SweepResult } from '../engine/sweep';
import { thirdAxis } from '../engine/sweep';
import { formatNumber as num, formatPercent } from './format';

/** The cells of one value of the third axis (all cells when there is none), by lr then radius. */
export function sweepLayers(result: SweepResult): Array<{ label: string; cells: SweepCell[] }> {
  const third = thirdAxis(result.axes);
  const per = result.axes.lr.length * result.axes.radius.length;
  if (!third) return [{ label: '', cells: result.cells }];
  return result.axes[third]!.map((v, k) => ({ label: `${third} ${v}`, cells: result.cells.slice(k * per, (k + 1) * per) }));
}

/**
 * The phase diagram as text: one row per learning rate, one column per radius, each cell the SGD
 * success rate (GD's beside it when compared); `*` marks cells where Theorem 1's conditions hold.
 */
export function sweepTable(result: SweepResult): string {
  const { radius, lr } = result.axes;
  const gd = result.config.compareGd;
  const rule =
    result.successRule.source === 'setting'
      ? `within ${num(result.successRule.radius)} of x* (successRadius)`
      : 'within the automatic success radius of x* (5% of the domain diameter, or the last stage’s Theorem 1 ball when smaller)';
  const lines = [
    `sweep of ${result.config.function}: ${radius.length} radius × ${lr.length} lr${thirdAxis(result.axes) ? ` × ${result.axes[thirdAxis(result.axes)!]!.length} ${thirdAxis(result.axes)}` : ''}, ${result.cells.length} cells; success = ${rule}`,
    `cells: SGD success rate${gd ? ' / GD' : ''}; * = Theorem 1's conditions hold`,
  ];
  const width = gd ? 12 : 7;
  for (const layer of sweepLayers(result)) {
    if (layer.label) lines.push('', layer.label);
    lines.push(['lr \\ radius'.padEnd(12), ...radius.map((r) => num(r).padStart(width))].join(' '));
    lr.forEach((eta, i) => {
      const row = layer.cells.slice(i * radius.length, (i + 1) * radius.length);
      const text = row.map((c) => {
        const s = formatPercent(c.successRate) + (gd ? ` / ${formatPercent(c.gdSuccessRate)}` : '') + (c.conditionHolds ? '*' : ' ');
        return s.padStart(width);
      });
      lines.push([num(eta).padEnd(12), ...text].join(' '));
    });
  }
  lines.push('', `c by radius: ${radius.map((r, k) => `${num(r)} → ${num(result.cells[k]?.c)}`).join(', ')}`);
  return lines.join('\n');
}

const CSV_COLUMNS = [
  'lr',
  'radius',
  'steps',
  'trials',
  'success',
  'successRate',
  'intervalLow',
  'intervalHigh',
  'gdSuccessRate',
  'diverged',
  'medianDistance',
  'c',
  'conditionHolds',
  'successRadius',
  'xStar',
  'seed',
] as const;

function csvField(v: unknown): string {
  const s = typeof v === 'number' ? (Number.isFinite(v) ? String(v) : '') : v === null || v === undefined ? '' : String(v);
  return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** One row per cell, in SWEEP-RESULT.json's order; empty fields where a value is NaN or absent. */
export function sweepCsv(result: SweepResult): string {
  const rows = result.cells.map((c) => {
    const values: Record<(typeof CSV_COLUMNS)[number], unknown> = {
      lr: c.lr,
      radius: c.radius,
      steps: c.steps,
      trials: c.trials,
      success: c.success,
      successRate: c.successRate,
      intervalLow: c.interval[0],
      intervalHigh: c.interval[1],
      gdSuccessRate: c.gdSuccessRate,
      diverged: c.diverged,
      medianDistance: c.medianDistance,
      c: c.c,
      conditionHolds: c.conditionHolds,
      successRadius: c.successRadius,
      xStar: c.xStar.join(' '),
      seed: c.seed,
    };
    return CSV_COLUMNS.map((k) => csvField(values[k])).join(',');
  });
  return [CSV_COLUMNS.join(','), ...rows].join('\n') + '\n';
}

/**
 * An axis's values as a person types them: a list (`0, 0.15, 0.3` or with spaces) or
 * `start:stop:count` (count values evenly spaced from start to stop, both included). The list,
 * or a message saying what is wrong; the ranges are the settings table's business.
 */
export function parseAxisValues(text: string): number[] | string {
  const t = text.trim();
  if (t === '') return 'give at least one value';
  const range = /^([^:]+):([^:]+):([^:]+)$/.exec(t);
  if (range) {
    const [a, b, n] = [Number(range[1]), Number(range[2]), Number(range[3])];
    if (!Number.isFinite(a) || !Number.isFinite(b)) return `start:stop:count needs two numbers and a count, got "${t}"`;
    if (!Number.isInteger(n) || n < 1 || n > 64)
      return `the count of start:stop:count must be an integer in [1, 64], got ${range[3]!.trim()}`;
    if (n === 1) return [a];
    // Each value from its own product, so 0:1.2:7 gives 0.2 exactly, not 0.19999…
    return Array.from({ length: n }, (_, i) => Number((a + ((b - a) * i) / (n - 1)).toPrecision(12)));
  }
  const parts = t.split(/[\s,;]+/).filter((s) => s !== '');
  const values: number[] = [];
  for (const p of parts) {
    const v = Number(p);
    if (!Number.isFinite(v)) return `"${p}" is not a number`;
    values.push(v);
  }
  return values;
}
