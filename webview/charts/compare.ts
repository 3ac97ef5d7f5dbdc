/**
 * "Compare runs": stored runs side by side (the paper's Figure 3 row 2 is GD and three noise
 * levels). Each run is shown by its primary method (the noisy SGD of the paper's pair, else its
 * first method): columns of final iterates on f and of histograms, every column on the same axes;
 * one chart with the runs' histograms overlaid (1-D, d > 2) or their final points in one plot
 * (2-D); the success rates of every method of every run in a table (panel/compare.ts). Each run
 * takes its colour by its place in the comparison. Bins are the engine's; nothing is binned here.
 * Each draw returns the data it drew (data-points): finals drawn, trials binned.
 */
import type { Histogram } from '../../src/engine/types';
import type { ViewMethodResult, ViewResult } from '../../src/protocol/webview';
import { drawChart, type Series } from '../shared/charts';
import { withAlpha } from '../shared/color';
import { formatNumber } from '../shared/format';
import { palette } from '../shared/palette';
import { drawPlots2D, type Plot2DSpec } from '../shared/plot2d';
import { distance, gridExtent } from '../shared/shape';
import { noiseText } from '../shared/summary';
import type { Theme } from '../shared/theme';
import { asGrid, asLine, type ChartUi } from './chart';
import { countHeat, valueHeat } from './heat';
import { inBox, ontoEdge } from './methods';

/** The method a run is compared by: the paper's noisy SGD (role sgd), else its first method. */
export function primaryMethod(view: ViewResult): { name: string; m: ViewMethodResult; k: number } {
  const k = view.methods?.findIndex((m) => m.role === 'sgd') ?? -1;
  if (view.methods && view.methods.length > 0) {
    const i = Math.max(0, k);
    return { name: view.methods[i]!.name, m: view.methods[i]!, k: i };
  }
  return { name: 'SGD', m: view.sgd, k: 0 };
}

/** The histogram counts of run `view`'s primary method (1-D or distance bins, and 2-D cells). */
function primaryCounts(view: ViewResult): { h: Histogram; counts: number[]; counts2d?: number[][] } {
  const h = view.diagnostics.histogram;
  const { k } = primaryMethod(view);
  const per = view.methods ? h.methods?.[k] : undefined;
  return { h, counts: per?.counts ?? h.sgd, ...((per?.counts2d ?? h.sgd2d) ? { counts2d: per?.counts2d ?? h.sgd2d } : {}) };
}

/** What one run's stages say about their noise: "noise uniform 0.3", "no noise (GD)", "noise 0.3 → 0.15". */
function noiseOf(view: ViewResult): string {
  const st = view.config.stages;
  const noise = (s: (typeof st)[number]) => {
    const override = view.methods?.[primaryMethod(view).k]?.noise;
    return override ?? s.noise;
  };
  if (st.length === 1) return noiseText(noise(st[0]!), st[0]!.radius);
  return `noise ${st.map((s) => (noise(s) === 'none' ? '0' : formatNumber(s.radius))).join(' → ')}`;
}

/**
 * A short label per run from what differs between them (function, noise, η, steps, trials, seed,
 * the method compared); the run's start time when nothing does.
 */
export function compareLabels(runs: readonly ViewResult[]): string[] {
  const parts: Array<(v: ViewResult) => string> = [
    (v) => v.source?.exportName ?? v.config.function,
    (v) => noiseOf(v),
    (v) => `η ${v.config.stages.map((s) => formatNumber(s.lr)).join(' → ')}`,
    (v) => `${v.config.stages.reduce((n, s) => n + s.steps, 0)} steps`,
    (v) => `${v.config.trials} trials`,
    (v) => `seed ${v.config.seed}`,
    (v) => primaryMethod(v).name,
  ];
  const differing = parts.filter((p) => new Set(runs.map(p)).size > 1);
  return runs.map((v) =>
    differing.length > 0 ? differing.map((p) => p(v)).join(' · ') : new Date(v.startedAt).toISOString().slice(11, 19) + ' UTC',
  );
}

/** Run i's colour in the comparison (the methods' colour-blind-safe set, by place). */
export function runColor(i: number, t: Theme): string {
  return palette(t).method(i);
}

function finalsOfRun(view: ViewResult): number[][] {
  const { m } = primaryMethod(view);
  return m.finals.filter((_, i) => !m.divergedMask[i]);
}

/** One box holding every run's domain (the shared axes). */
function unionBox(runs: readonly ViewResult[]): { low: number[]; high: number[] } {
  const low = [...runs[0]!.config.domain.low];
  const high = [...runs[0]!.config.domain.high];
  for (const v of runs)
    v.config.domain.low.forEach((l, j) => {
      low[j] = Math.min(low[j]!, l);
      high[j] = Math.max(high[j]!, v.config.domain.high[j]!);
    });
  return { low, high };
}

/** Columns of each run's final iterates: on f (1-D), over its f (2-D), against their loss by distance to x* (d > 2). */
export function drawCompareFinals(canvas: HTMLCanvasElement, runs: readonly ViewResult[], t: Theme, ui: ChartUi): number {
  const labels = compareLabels(runs);
  const p = palette(t);
  const dim = runs[0]!.config.dim;
  const box = unionBox(runs);
  const title = (v: ViewResult, i: number, outside: number) =>
    `${labels[i]} · ${primaryMethod(v).name} ${successOf(v)}/${v.config.trials}${outside ? ` · ${outside} outside` : ''}`;
  if (dim === 2) {
    const specs: Plot2DSpec[] = runs.map((v, i) => {
      const L = v.landscape;
      const finals = finalsOfRun(v);
      const inside = finals.filter((y) => inBox(y, v.config.domain));
      const outside = finals.filter((y) => !inBox(y, v.config.domain)).map((y) => ontoEdge(y, v.config.domain));
      const heat = valueHeat(asGrid(L.f), L.x, L.y!, 'f', 0.4, ui.colorScale);
      delete (heat as { legend?: unknown }).legend;
      return {
        xRange: [box.low[0]!, box.high[0]!],
        yRange: [box.low[1]!, box.high[1]!],
        xLabel: 'x₁',
        yLabel: i === 0 ? 'x₂' : '',
        title: title(v, i, outside.length),
        titleMark: { color: runColor(i, t), shape: 'circle' },
        heat,
        marksUnder: true,
        marks: [{ points: v.diagnostics.targets ?? [v.diagnostics.xStar], color: p.xStar, radius: 6, shape: 'star', stroke: t.background }],
        points: [
          { points: inside, color: runColor(i, t), radius: 3, shape: 'circle' },
          { points: outside, color: runColor(i, t), radius: 4.5, shape: 'circle', stroke: t.foreground },
        ],
      };
    });
    return drawPlots2D(canvas, specs, t).points;
  }
  // Curves: x (1-D) or ‖y − x*‖ (d > 2) against f, one range for every column.
  const xOf = (v: ViewResult, y: number[]) => (dim === 1 ? y[0]! : distance(y, v.diagnostics.xStar));
  const lossOf = (v: ViewResult) => {
    const { m } = primaryMethod(v);
    return m.finalLoss.filter((_, i) => !m.divergedMask[i]);
  };
  const ys = runs.flatMap((v) => [...lossOf(v), ...(dim === 1 ? asLine(v.landscape.f) : [])]).filter(Number.isFinite);
  const [y0, y1] = gridExtent([ys]) ?? [0, 1];
  const pad = (y1 - y0) * 0.04 || 1;
  const xs = runs.flatMap((v) => finalsOfRun(v).map((y) => xOf(v, y)));
  const xRange: [number, number] = dim === 1 ? [box.low[0]!, box.high[0]!] : [0, Math.max(1e-12, ...xs) * 1.05];
  const clamp = (x: number) => Math.min(xRange[1], Math.max(xRange[0], x));
  const specs: Plot2DSpec[] = runs.map((v, i) => {
    const finals = finalsOfRun(v);
    const losses = lossOf(v);
    const outside = dim === 1 ? finals.filter((y) => !inBox(y, v.config.domain)).length : 0;
    const f = dim === 1 ? asLine(v.landscape.f) : [];
    return {
      xRange,
      yRange: [y0 - pad, y1 + pad],
      aspect: 'free',
      xLabel: dim === 1 ? 'x' : '‖y_T − x*‖',
      yLabel: i === 0 ? 'f(y_T)' : '',
      title: title(v, i, outside),
      titleMark: { color: runColor(i, t), shape: 'circle' },
      lines:
        dim === 1
          ? [{ points: v.landscape.x.map((x, j) => [x, f[j]!]).filter((q) => Number.isFinite(q[1])), color: withAlpha(p.f, 0.6), width: 1 }]
          : [],
      rules: dim === 1 ? [{ x: v.diagnostics.xStar[0]!, color: p.xStar, label: 'x*' }] : [],
      points: [{ points: finals.map((y, j) => [clamp(xOf(v, y)), losses[j]!]), color: runColor(i, t), radius: 3, shape: 'circle' }],
    };
  });
  return drawPlots2D(canvas, specs, t).points;
}

/** Successes of the run's primary method. */
function successOf(v: ViewResult): number {
  const { k } = primaryMethod(v);
  return v.methods?.[k]?.success ?? v.diagnostics.successSgd;
}

/** Columns of each run's histogram on shared axes (one count axis; 2-D: one colour scale). */
export function drawCompareHistograms(canvas: HTMLCanvasElement, runs: readonly ViewResult[], t: Theme): number {
  const labels = compareLabels(runs);
  const p = palette(t);
  const dim = runs[0]!.config.dim;
  const all = runs.map(primaryCounts);
  let n = 0;
  if (dim === 2) {
    const top = Math.max(1, ...all.flatMap((c) => (c.counts2d ?? []).flat()));
    const box = unionBox(runs);
    const centres = (e: number[]) => e.slice(1).map((v, i) => (v + e[i]!) / 2);
    const specs: Plot2DSpec[] = runs.map((v, i) => {
      const { h, counts2d } = all[i]!;
      n += (counts2d ?? []).flat().reduce((a, b) => a + b, 0);
      const heat = countHeat(counts2d ?? [], centres(h.edges), centres(h.edgesY ?? []), 'trials per cell', t, top);
      if (i < runs.length - 1) delete heat.legend;
      return {
        xRange: [box.low[0]!, box.high[0]!],
        yRange: [box.low[1]!, box.high[1]!],
        xLabel: 'x₁',
        yLabel: i === 0 ? 'x₂' : '',
        title: labels[i]!,
        titleMark: { color: runColor(i, t), shape: 'circle' },
        heat,
        marks: [{ points: [v.diagnostics.xStar], color: p.xStar, radius: 6, shape: 'star', stroke: t.background }],
      };
    });
    drawPlots2D(canvas, specs, t);
    return n;
  }
  const { lo, hi } = binRange(all, dim);
  const top = Math.max(1, ...all.flatMap((c) => c.counts));
  const specs: Plot2DSpec[] = runs.map((v, i) => {
    const { h, counts } = all[i]!;
    n += counts.reduce((a, b) => a + b, 0);
    return {
      xRange: [lo, hi],
      yRange: [0, top * 1.05],
      aspect: 'free',
      xLabel: dim === 1 ? `x (bins of ${formatNumber(h.edges[1]! - h.edges[0]!)})` : '‖y_T − x*‖',
      yLabel: i === 0 ? 'trials' : '',
      title: `${labels[i]} · ${counts.reduce((a, b) => a + b, 0)} binned`,
      titleMark: { color: runColor(i, t), shape: 'circle' },
      rects: counts.flatMap((c, b) =>
        c > 0 ? [{ x0: h.edges[b]!, x1: h.edges[b + 1]!, y0: 0, y1: c, color: withAlpha(runColor(i, t), 0.85) }] : [],
      ),
      rules: dim === 1 ? [{ x: v.diagnostics.xStar[0]!, color: p.xStar, label: 'x*' }] : [],
    };
  });
  drawPlots2D(canvas, specs, t);
  return n;
}

/** The x-range every run's bins share: their union (d > 2: up to the last bin holding a trial). */
function binRange(all: ReadonlyArray<{ h: Histogram; counts: number[] }>, dim: number): { lo: number; hi: number } {
  let lo = Infinity;
  let hi = -Infinity;
  for (const { h, counts } of all) {
    if (h.edges.length < 2) continue;
    lo = Math.min(lo, h.edges[0]!);
    if (dim === 1) hi = Math.max(hi, h.edges[h.edges.length - 1]!);
    else {
      let last = 0;
      counts.forEach((c, b) => c > 0 && (last = b + 1));
      hi = Math.max(hi, h.edges[Math.max(1, last)]!);
    }
  }
  return Number.isFinite(lo) && hi > lo ? { lo, hi } : { lo: 0, hi: 1 };
}

/**
 * Every run in one chart: the histograms as step lines over shared x (1-D, d > 2), or the final
 * points of every run in one plot (2-D), each run in its colour.
 */
export function drawCompareOverlay(canvas: HTMLCanvasElement, runs: readonly ViewResult[], t: Theme): number {
  const labels = compareLabels(runs);
  const dim = runs[0]!.config.dim;
  if (dim === 2) {
    const box = unionBox(runs);
    const layers = runs.map((v, i) => ({
      points: finalsOfRun(v).map((y) => ontoEdge(y, box)),
      color: withAlpha(runColor(i, t), 0.75),
      radius: 3,
      shape: 'circle' as const,
    }));
    return drawPlots2D(
      canvas,
      [
        {
          xRange: [box.low[0]!, box.high[0]!],
          yRange: [box.low[1]!, box.high[1]!],
          xLabel: 'x₁',
          yLabel: 'x₂',
          points: layers,
          marks: [
            {
              points: runs[0]!.diagnostics.targets ?? [runs[0]!.diagnostics.xStar],
              color: palette(t).xStar,
              radius: 7,
              shape: 'star',
              stroke: t.background,
            },
          ],
          legend: runs.map((_, i) => ({
            color: runColor(i, t),
            label: `${labels[i]} (${layers[i]!.points.length})`,
            shape: 'circle' as const,
          })),
        },
      ],
      t,
    ).points;
  }
  const all = runs.map(primaryCounts);
  const { lo, hi } = binRange(all, dim);
  const datasets: Series[] = all.map(({ h, counts }, i) => {
    // A step line: each bin's count held across the bin.
    const data = counts.flatMap((c, b) => [
      { x: h.edges[b]!, y: c },
      { x: h.edges[b + 1]!, y: c },
    ]);
    return {
      type: 'line',
      label: `${labels[i]} (${counts.reduce((a, b) => a + b, 0)})`,
      data,
      borderColor: runColor(i, t),
      backgroundColor: withAlpha(runColor(i, t), 0.12),
      fill: true,
      borderWidth: 1.5,
      pointRadius: 0,
    } as Series;
  });
  drawChart(canvas, { datasets, xLabel: dim === 1 ? 'x' : '‖y_T − x*‖', yLabel: 'trials', xRange: [lo, hi], legend: true }, t);
  return all.reduce((n, { counts }) => n + counts.reduce((a, b) => a + b, 0), 0);
}
