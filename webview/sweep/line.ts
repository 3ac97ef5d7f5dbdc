/**
 * A 1-D sweep's picture (one of radius and lr swept): the SGD success rate with its Wilson band,
 * GD's rate, the diverged fraction, the values where Theorem 1's conditions hold shaded; and the
 * hit test that finds the swept value nearest the mouse. Browser code over Chart.js.
 */
import { Chart } from 'chart.js';
import type { SweepCell } from '../../src/engine/sweep';
import type { SweepView } from '../../src/protocol/sweep';
import { drawChart, type Series } from '../shared/charts';
import { withAlpha } from '../shared/color';
import { palette } from '../shared/palette';
import type { Theme } from '../shared/theme';
import { cellIndex, type Grid } from './text';

/** What the hit test needs of a drawn line chart: the swept axis, its values and their pixels. */
export interface LineScale {
  axis: 'radius' | 'lr';
  values: number[];
  pixel(v: number): number;
}

export interface DrawnLine {
  scale: LineScale;
  cells: number;
  pending: number;
  shaded: number;
}

/** Draws a 1-D sweep of layer `layer` along `axis` on `canvas`. */
export function drawSweepLine(
  canvas: HTMLCanvasElement,
  view: SweepView,
  g: Grid,
  layer: number,
  axis: 'radius' | 'lr',
  theme: Theme,
): DrawnLine {
  const values = g[axis];
  const cells = values.map((_, k) => view.cells[axis === 'radius' ? cellIndex(g, layer, 0, k) : cellIndex(g, layer, k, 0)] ?? null);
  const pts = (f: (c: SweepCell) => number | null | undefined) =>
    cells.flatMap((c, k) => {
      const y = c ? f(c) : null;
      return typeof y === 'number' && Number.isFinite(y) ? [{ x: values[k]!, y }] : [];
    });
  const datasets: Series[] = [
    {
      label: 'SGD success rate',
      data: pts((c) => c.successRate),
      borderColor: palette(theme).sgd,
      backgroundColor: palette(theme).sgd,
      pointRadius: 3,
      borderWidth: 2,
    },
    {
      label: '',
      data: pts((c) => c.interval[0]),
      borderColor: 'transparent',
      pointRadius: 0,
      reference: true,
    },
    {
      label: 'Wilson 95% interval',
      data: pts((c) => c.interval[1]),
      borderColor: 'transparent',
      backgroundColor: withAlpha(palette(theme).sgd, 0.25),
      pointRadius: 0,
      fill: '-1',
      reference: true,
    },
    ...(view.config.compareGd
      ? [
          {
            label: 'GD success rate',
            data: pts((c) => c.gdSuccessRate),
            borderColor: palette(theme).gd,
            backgroundColor: palette(theme).gd,
            borderDash: [6, 4],
            pointRadius: 3,
            borderWidth: 2,
          } as Series,
        ]
      : []),
    {
      label: 'diverged fraction',
      data: pts((c) => c.diverged / c.trials),
      borderColor: palette(theme).diverged,
      backgroundColor: palette(theme).diverged,
      borderDash: [2, 3],
      pointRadius: 2,
      borderWidth: 1.5,
      reference: true,
    },
  ];
  // Each value where Theorem 1's conditions hold shades halfway to its neighbours.
  const bands: Array<{ from: number; to: number; color: string }> = [];
  cells.forEach((c, k) => {
    if (!c?.conditionHolds) return;
    const x = values[k]!;
    const prev = k > 0 ? (values[k - 1]! + x) / 2 : x - (values.length > 1 ? (values[1]! - x) / 2 : 0.5);
    const next = k < values.length - 1 ? (values[k + 1]! + x) / 2 : x + (values.length > 1 ? (x - values[k - 1]!) / 2 : 0.5);
    bands.push({ from: Math.min(prev, next), to: Math.max(prev, next), color: withAlpha(palette(theme).cPositiveBand, 0.18) });
  });
  const lo = Math.min(...values);
  const hi = Math.max(...values);
  const pad = (hi - lo) * 0.04 || 0.5;
  drawChart(
    canvas,
    {
      datasets,
      xLabel: axis === 'radius' ? 'noise radius' : 'learning rate η',
      yLabel: `rate (shaded: Theorem 1's conditions hold)`,
      yRange: [0, 1],
      xRange: [lo - pad, hi + pad],
      annotations: { bands },
    },
    theme,
  );
  // The panel's hover box (the interval and the cell's other numbers) stands in for Chart.js's tooltip.
  const chart = Chart.getChart(canvas);
  if (chart?.options.plugins?.tooltip) {
    chart.options.plugins.tooltip.enabled = false;
    chart.update('none');
  }
  return {
    scale: { axis, values, pixel: (v) => linePixel(canvas, v) },
    cells: cells.filter((c) => c !== null).length,
    pending: cells.filter((c) => c === null).length,
    shaded: cells.filter((c) => c?.conditionHolds).length,
  };
}

/** The 1-D chart's x pixel of value v (CSS pixels, from the chart's own scale). */
function linePixel(canvas: HTMLCanvasElement, v: number): number {
  const x = Chart.getChart(canvas)?.scales.x;
  return x ? x.getPixelForValue(v) : NaN;
}

/** The index in the sweep's cells of the swept value nearest x (CSS pixels from the canvas's left), within 40 px. */
export function lineCellAt(scale: LineScale, g: Grid, layer: number, x: number): number | undefined {
  let best = -1;
  let bestD = Infinity;
  scale.values.forEach((v, k) => {
    const d = Math.abs(scale.pixel(v) - x);
    if (d < bestD) {
      bestD = d;
      best = k;
    }
  });
  if (best < 0 || bestD > 40) return undefined;
  return scale.axis === 'radius' ? cellIndex(g, layer, 0, best) : cellIndex(g, layer, best, 0);
}
