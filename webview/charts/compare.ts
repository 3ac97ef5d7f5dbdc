/**
 * "Compare runs": stored runs side by side (the paper's Figure 3 row 2 is GD and three noise
 * levels). What is drawn is a list of columns, one per (run, method) the user ticks in the success
 * table (panel/compare.ts; by default each run's primary method: the noisy SGD of the paper's
 * pair, else its first method): columns of final iterates on f and of histograms, every column on
 * the same axes, laid out in a grid when the panel is narrow; one chart with the columns'
 * histograms overlaid (1-D, d > 2) or their final points in one plot over each one's density
 * (2-D: highest-density regions shaded and outlined, compareDensity.ts). Each column takes its
 * colour by its place and its marker by its method. Bins are the engine's; nothing is binned here.
 * Each draw returns the data it drew (data-points): finals drawn, trials binned.
 *
 * Over our ~350-line habit, said here (issue 9): the three drawings share the column model (which
 * (run, method) pairs, their names and colours) kept at the top, and the 2-D work on
 * this card (issues 12, 13) landed here just now; the seam for a later split is that model
 * (`primaryMethod` … `runColor`, pure) apart from the three drawings. The density estimate is
 * already out (compareDensity.ts).
 */
import type { Histogram, NoiseKind } from '../../src/engine/types';
import type { ViewMethodResult, ViewResult } from '../../src/protocol/webview';
import type { Shape } from '../shared/canvasMarks';
import { drawChart, type Series } from '../shared/charts';
import { withAlpha } from '../shared/color';
import { contourSegments } from '../shared/contour';
import { formatNumber } from '../shared/format';
import { palette } from '../shared/palette';
import { drawPlots2D, type ContourLayer, type Plot2DSpec } from '../shared/plot2d';
import { distance, gridExtent } from '../shared/shape';
import { noiseText } from '../shared/summary';
import type { Theme } from '../shared/theme';
import { asGrid, asLine, type ChartUi } from './chart';
import { compareBandwidth, densityOnBox, hdrLevels } from './compareDensity';
import { countHeat, landscapeScale, valueHeat } from './heat';
import { countsOf, inBox, ontoEdge, shownMethods, type ShownMethod } from './methods';

/** The method a run is compared by unless the user picks others: the paper's noisy SGD (role sgd), else its first method. */
export function primaryMethod(view: ViewResult): { name: string; m: ViewMethodResult; k: number } {
  const k = view.methods?.findIndex((m) => m.role === 'sgd') ?? -1;
  if (view.methods && view.methods.length > 0) {
    const i = Math.max(0, k);
    return { name: view.methods[i]!.name, m: view.methods[i]!, k: i };
  }
  return { name: 'SGD', m: view.sgd, k: 0 };
}

/** The noise of method `s` in each stage of `view`: its override, else the stage's. */
function methodNoise(view: ViewResult, s: ShownMethod): NoiseKind[] {
  return view.config.stages.map((st) => s.run?.noise ?? (s.name === 'GD' && !view.methods ? 'none' : st.noise));
}

/** Whether method `s` of `view` runs without noise in every stage (noise none, or a radius of 0). */
function noiseFree(view: ViewResult, s: ShownMethod): boolean {
  const noise = methodNoise(view, s);
  return view.config.stages.every((st, i) => noise[i] === 'none' || (noise[i] !== 'minibatch' && st.radius === 0));
}

/**
 * What a method is, for labels: its name, except that plain SGD run without noise is GD (the GD
 * column of Figure 3 row 2 is a run of method "SGD" with noise none); "(x_T)" when its finals are
 * x_T rather than the paper's y_T.
 */
export function methodWhat(view: ViewResult, s: ShownMethod): string {
  const plain = s.run ? s.run.optimizer.kind === 'sgd' : true;
  const name = plain && s.name === 'SGD' && noiseFree(view, s) ? 'GD' : s.name;
  return s.finalsAre === 'x_T' ? `${name} (x_T)` : name;
}

/** A method's noise in words: "no noise", "noise uniform 0.3", "noise 0.3 → 0.15", "minibatch noise, B = 8". */
function noiseWords(view: ViewResult, s: ShownMethod): string {
  const st = view.config.stages;
  const noise = methodNoise(view, s);
  if (noiseFree(view, s)) return 'no noise';
  if (st.length === 1) return noiseText(noise[0]!, st[0]!.radius, st[0]!.batchSize);
  return `noise ${st.map((x, i) => (noise[i] === 'none' ? '0' : formatNumber(x.radius))).join(' → ')}`;
}

/** One column of the comparison: method `s` of run `run` (the run's place `runIndex`), with its colour and marker. */
export interface CompareColumn {
  run: ViewResult;
  runIndex: number;
  s: ShownMethod;
  /** What the method is (methodWhat): GD for plain SGD without noise. */
  what: string;
  /** Successes of this method (against every target), of run.config.trials. */
  success: number;
  color: string;
  shape: Shape;
  /** Names the column by what differs between the columns (compareColumns). */
  label: string;
}

/** Successes of method `s` of `view`: its own count, or the pair's in views stored before methods existed. */
export function successOfMethod(view: ViewResult, s: ShownMethod): number {
  if (s.run) return s.run.success;
  return view.gd && s.m === view.gd ? view.diagnostics.successGd : view.diagnostics.successSgd;
}

/** Most columns drawn at once (the methods' colour set has 8 colours). */
export const COMPARE_COLUMNS_MAX = 8;

/**
 * The columns to draw: for each run in order, the methods `drawn(run)` names (method names as in
 * RUN.json), in the run's method order; none for an empty list; its primary method when
 * `drawn(run)` is undefined or names none of the run's methods.
 * Colours by the column's place, markers by the method's place in its run.
 */
export function compareColumns(
  runs: readonly ViewResult[],
  t: Theme,
  drawn: (run: ViewResult) => readonly string[] | undefined,
): CompareColumn[] {
  const p = palette(t);
  const out: Array<Omit<CompareColumn, 'label' | 'color'>> = [];
  runs.forEach((run, runIndex) => {
    const methods = shownMethods(run, t);
    const names = drawn(run);
    let pick = names ? methods.filter((s) => names.includes(s.name)) : [];
    if (!names || (names.length > 0 && pick.length === 0)) {
      const k = primaryMethod(run).k;
      pick = [methods.find((s) => s.k === k) ?? methods[0]!];
    }
    for (const s of pick)
      out.push({ run, runIndex, s, what: methodWhat(run, s), success: successOfMethod(run, s), shape: p.methodShape(s.k) });
  });
  const labels = columnLabels(out);
  return out.map((c, i) => ({ ...c, label: labels[i]!, color: p.method(i) }));
}

/**
 * A short label per column from what differs between them (function, noise, η, steps, trials,
 * seed, the method); the method's noise is left out when the method is GD (it says so). The run's
 * start time when nothing differs.
 */
function columnLabels(cols: ReadonlyArray<Pick<CompareColumn, 'run' | 's' | 'what'>>): string[] {
  type Part = (c: Pick<CompareColumn, 'run' | 's' | 'what'>) => string;
  const parts: Part[] = [
    (c) => c.run.source?.exportName ?? c.run.config.function,
    (c) => (c.what === 'GD' ? '' : noiseWords(c.run, c.s)),
    (c) => `η ${c.run.config.stages.map((s) => formatNumber(s.lr)).join(' → ')}`,
    (c) => `${c.run.config.stages.reduce((n, s) => n + s.steps, 0)} steps`,
    (c) => `${c.run.config.trials} trials`,
    (c) => `seed ${c.run.config.seed}`,
  ];
  const differing = parts.filter((part) => new Set(cols.map(part)).size > 1);
  const methodDiffers = new Set(cols.map((c) => c.what)).size > 1;
  return cols.map((c) => {
    const words = differing.map((part) => part(c)).filter((w) => w !== '');
    // The method is named whenever the columns differ in it, and always when it is what the column is (GD).
    if (methodDiffers || c.what === 'GD' || words.length === 0) words.push(c.what);
    return differing.length > 0 || methodDiffers
      ? words.join(' · ')
      : `${c.what} · ${new Date(c.run.startedAt).toISOString().slice(11, 19)} UTC`;
  });
}

/**
 * A short label per run (the success table's rows) from what differs between them (function,
 * stage noise, η, steps, trials, seed); the run's start time when nothing does.
 */
export function compareLabels(runs: readonly ViewResult[]): string[] {
  const stageNoise = (v: ViewResult) => {
    const st = v.config.stages;
    if (st.every((s) => s.noise === 'none' || (s.noise !== 'minibatch' && s.radius === 0))) return 'no noise';
    if (st.length === 1) return noiseText(st[0]!.noise, st[0]!.radius, st[0]!.batchSize);
    return `noise ${st.map((s) => (s.noise === 'none' ? '0' : formatNumber(s.radius))).join(' → ')}`;
  };
  const parts: Array<(v: ViewResult) => string> = [
    (v) => v.source?.exportName ?? v.config.function,
    stageNoise,
    (v) => `η ${v.config.stages.map((s) => formatNumber(s.lr)).join(' → ')}`,
    (v) => `${v.config.stages.reduce((n, s) => n + s.steps, 0)} steps`,
    (v) => `${v.config.trials} trials`,
    (v) => `seed ${v.config.seed}`,
  ];
  const differing = parts.filter((p) => new Set(runs.map(p)).size > 1);
  return runs.map((v) =>
    differing.length > 0 ? differing.map((p) => p(v)).join(' · ') : new Date(v.startedAt).toISOString().slice(11, 19) + ' UTC',
  );
}

/** Run i's colour in the comparison when each run is drawn by one method (the columns' colours by place). */
export function runColor(i: number, t: Theme): string {
  return palette(t).method(i);
}

/** Column c's finals that did not diverge. */
function finalsOf(c: CompareColumn): number[][] {
  return c.s.m.finals.filter((_, i) => !c.s.m.divergedMask[i]);
}

/** One box holding every run's domain (the shared axes). */
function unionBox(cols: readonly CompareColumn[]): { low: number[]; high: number[] } {
  const low = [...cols[0]!.run.config.domain.low];
  const high = [...cols[0]!.run.config.domain.high];
  for (const { run: v } of cols)
    v.config.domain.low.forEach((l, j) => {
      low[j] = Math.min(low[j]!, l);
      high[j] = Math.max(high[j]!, v.config.domain.high[j]!);
    });
  return { low, high };
}

/** The columns' grid is the one every chart's columns use (chart.ts). */
export { COLUMN_MIN_WIDTH, gridFor } from './chart';

/** Column title: its label, its successes (and finals outside the plot). */
function title(c: CompareColumn, outside: number): string {
  return `${c.label} · ${c.success}/${c.run.config.trials}${outside ? ` · ${outside} outside` : ''}`;
}

/** Columns of final iterates: on f (1-D), over its f (2-D), against their loss by distance to x* (d > 2). */
export function drawCompareFinals(
  canvas: HTMLCanvasElement,
  cols: readonly CompareColumn[],
  t: Theme,
  ui: ChartUi,
  columns: number,
): number {
  const p = palette(t);
  const dim = cols[0]!.run.config.dim;
  const box = unionBox(cols);
  if (dim === 2) {
    const specs: Plot2DSpec[] = cols.map((c, i) => {
      const v = c.run;
      const L = v.landscape;
      const finals = finalsOf(c);
      const inside = finals.filter((y) => inBox(y, v.config.domain));
      const outside = finals.filter((y) => !inBox(y, v.config.domain)).map((y) => ontoEdge(y, v.config.domain));
      const heat = valueHeat(asGrid(L.f), L.x, L.y!, 'f', 0.4, landscapeScale(L, ui.colorScale));
      delete (heat as { legend?: unknown }).legend;
      return {
        xRange: [box.low[0]!, box.high[0]!],
        yRange: [box.low[1]!, box.high[1]!],
        xLabel: 'x₁',
        yLabel: i % columns === 0 ? 'x₂' : '',
        title: title(c, outside.length),
        titleMark: { color: c.color, shape: c.shape },
        heat,
        marksUnder: true,
        marks: [{ points: v.diagnostics.targets ?? [v.diagnostics.xStar], color: p.xStar, radius: 6, shape: 'star', stroke: t.background }],
        points: [
          { points: inside, color: c.color, radius: 3, shape: c.shape },
          { points: outside, color: c.color, radius: 4.5, shape: c.shape, stroke: t.foreground },
        ],
      };
    });
    return drawPlots2D(canvas, specs, t, columns).points;
  }
  // Curves: x (1-D) or ‖y − x*‖ (d > 2) against f, one range for every column.
  const xOf = (v: ViewResult, y: number[]) => (dim === 1 ? y[0]! : distance(y, v.diagnostics.xStar));
  const lossOf = (c: CompareColumn) => c.s.m.finalLoss.filter((_, i) => !c.s.m.divergedMask[i]);
  const ys = cols.flatMap((c) => [...lossOf(c), ...(dim === 1 ? asLine(c.run.landscape.f) : [])]).filter(Number.isFinite);
  const [y0, y1] = gridExtent([ys]) ?? [0, 1];
  const pad = (y1 - y0) * 0.04 || 1;
  const xs = cols.flatMap((c) => finalsOf(c).map((y) => xOf(c.run, y)));
  const xRange: [number, number] = dim === 1 ? [box.low[0]!, box.high[0]!] : [0, Math.max(1e-12, ...xs) * 1.05];
  const clamp = (x: number) => Math.min(xRange[1], Math.max(xRange[0], x));
  const specs: Plot2DSpec[] = cols.map((c, i) => {
    const v = c.run;
    const finals = finalsOf(c);
    const losses = lossOf(c);
    const outside = dim === 1 ? finals.filter((y) => !inBox(y, v.config.domain)).length : 0;
    const f = dim === 1 ? asLine(v.landscape.f) : [];
    return {
      xRange,
      yRange: [y0 - pad, y1 + pad],
      aspect: 'free',
      xLabel: dim === 1 ? 'x' : '‖y_T − x*‖',
      yLabel: i % columns === 0 ? 'f(y_T)' : '',
      title: title(c, outside),
      titleMark: { color: c.color, shape: c.shape },
      lines:
        dim === 1
          ? [{ points: v.landscape.x.map((x, j) => [x, f[j]!]).filter((q) => Number.isFinite(q[1])), color: withAlpha(p.f, 0.6), width: 1 }]
          : [],
      rules: dim === 1 ? [{ x: v.diagnostics.xStar[0]!, color: p.xStar, label: 'x*' }] : [],
      points: [{ points: finals.map((y, j) => [clamp(xOf(v, y)), losses[j]!]), color: c.color, radius: 3, shape: c.shape }],
    };
  });
  return drawPlots2D(canvas, specs, t, columns).points;
}

/** Column c's histogram counts (1-D or distance bins, and 2-D cells), the engine's. */
function countsOfColumn(c: CompareColumn): { h: Histogram; counts: number[]; counts2d?: number[][] } {
  const h = c.run.diagnostics.histogram;
  return { h, ...countsOf(h, c.s, c.run) };
}

/** Columns of histograms on shared axes (one count axis; 2-D: one colour scale). */
export function drawCompareHistograms(canvas: HTMLCanvasElement, cols: readonly CompareColumn[], t: Theme, columns: number): number {
  const p = palette(t);
  const dim = cols[0]!.run.config.dim;
  const all = cols.map(countsOfColumn);
  let n = 0;
  if (dim === 2) {
    const top = Math.max(1, ...all.flatMap((c) => (c.counts2d ?? []).flat()));
    const box = unionBox(cols);
    const centres = (e: number[]) => e.slice(1).map((v, i) => (v + e[i]!) / 2);
    const specs: Plot2DSpec[] = cols.map((c, i) => {
      const { h, counts2d } = all[i]!;
      n += (counts2d ?? []).flat().reduce((a, b) => a + b, 0);
      const heat = countHeat(counts2d ?? [], centres(h.edges), centres(h.edgesY ?? []), 'trials per cell', t, top);
      // One colour bar, at the end of each row.
      if (i % columns !== columns - 1 && i !== cols.length - 1) delete heat.legend;
      return {
        xRange: [box.low[0]!, box.high[0]!],
        yRange: [box.low[1]!, box.high[1]!],
        xLabel: 'x₁',
        yLabel: i % columns === 0 ? 'x₂' : '',
        title: c.label,
        titleMark: { color: c.color, shape: c.shape },
        heat,
        marks: [
          {
            points: c.run.diagnostics.targets ?? [c.run.diagnostics.xStar],
            color: p.xStar,
            radius: 6,
            shape: 'star',
            stroke: t.background,
          },
        ],
      };
    });
    drawPlots2D(canvas, specs, t, columns);
    return n;
  }
  const { lo, hi } = binRange(all, dim);
  const top = Math.max(1, ...all.flatMap((c) => c.counts));
  const specs: Plot2DSpec[] = cols.map((c, i) => {
    const { h, counts } = all[i]!;
    n += counts.reduce((a, b) => a + b, 0);
    return {
      xRange: [lo, hi],
      yRange: [0, top * 1.05],
      aspect: 'free',
      xLabel: dim === 1 ? `x (bins of ${formatNumber(h.edges[1]! - h.edges[0]!)})` : '‖y_T − x*‖',
      yLabel: i % columns === 0 ? 'trials' : '',
      title: `${c.label} · ${counts.reduce((a, b) => a + b, 0)} binned`,
      titleMark: { color: c.color, shape: c.shape },
      rects: counts.flatMap((k, b) =>
        k > 0 ? [{ x0: h.edges[b]!, x1: h.edges[b + 1]!, y0: 0, y1: k, color: withAlpha(c.color, 0.85) }] : [],
      ),
      rules: dim === 1 ? [{ x: c.run.diagnostics.xStar[0]!, color: p.xStar, label: 'x*' }] : [],
    };
  });
  drawPlots2D(canvas, specs, t, columns);
  return n;
}

/** The x-range every column's bins share: their union (d > 2: up to the last bin holding a trial). */
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

/** Shares of each column's finals its two density regions hold (the inner one shaded). */
export const DENSITY_MASSES = [0.5, 0.9] as const;

/**
 * Every column in one chart: the histograms as step lines over shared x (1-D, d > 2), or (2-D)
 * each column's finals as a density in its colour (the region holding half its finals shaded and
 * outlined, the one holding 90% outlined dashed) with its points on top, finals outside the plot
 * on its edge. The legend sits outside the plot.
 */
export function drawCompareOverlay(canvas: HTMLCanvasElement, cols: readonly CompareColumn[], t: Theme): number {
  const dim = cols[0]!.run.config.dim;
  if (dim === 2) {
    const box = unionBox(cols);
    const h = compareBandwidth(box.low, box.high);
    const rects: NonNullable<Plot2DSpec['rects']> = [];
    const contours: ContourLayer[] = [];
    const layers = cols.map((c) => {
      const finals = finalsOf(c);
      const inside = finals.filter((y) => inBox(y, box));
      const d = densityOnBox(inside, box.low, box.high, h);
      const [inner, outer] = hdrLevels(d, DENSITY_MASSES);
      if (inside.length >= 3 && inner! > 0) {
        d.grid.forEach((row, iy) =>
          row.forEach((v, ix) => {
            if (v >= inner!)
              rects.push({
                x0: d.x[ix]! - d.dx / 2,
                x1: d.x[ix]! + d.dx / 2,
                y0: d.y[iy]! - d.dy / 2,
                y1: d.y[iy]! + d.dy / 2,
                color: withAlpha(c.color, 0.22),
              });
          }),
        );
        contours.push({ segments: contourSegments(d.grid, d.x, d.y, inner!), color: c.color, width: 1.5 });
        contours.push({ segments: contourSegments(d.grid, d.x, d.y, outer!), color: c.color, width: 1, dash: [4, 3] });
      }
      return {
        points: finals.map((y) => ontoEdge(y, box)),
        color: withAlpha(c.color, 0.85),
        radius: 2.5,
        shape: c.shape,
      };
    });
    return drawPlots2D(
      canvas,
      [
        {
          xRange: [box.low[0]!, box.high[0]!],
          yRange: [box.low[1]!, box.high[1]!],
          xLabel: 'x₁',
          yLabel: 'x₂',
          rects,
          contours,
          points: layers,
          marks: [
            {
              points: cols[0]!.run.diagnostics.targets ?? [cols[0]!.run.diagnostics.xStar],
              color: palette(t).xStar,
              radius: 7,
              shape: 'star',
              stroke: t.background,
            },
          ],
          legend: [
            ...cols.map((c, i) => ({ color: c.color, label: `${c.label} (${layers[i]!.points.length})`, shape: c.shape })),
            { color: t.muted, label: 'half of the finals (shaded), 90% (dashed)', shape: 'line' as const },
          ],
        },
      ],
      t,
    ).points;
  }
  const all = cols.map(countsOfColumn);
  const { lo, hi } = binRange(all, dim);
  const datasets: Series[] = all.map(({ h, counts }, i) => {
    // A step line: each bin's count held across the bin.
    const data = counts.flatMap((c, b) => [
      { x: h.edges[b]!, y: c },
      { x: h.edges[b + 1]!, y: c },
    ]);
    return {
      type: 'line',
      label: `${cols[i]!.label} (${counts.reduce((a, b) => a + b, 0)})`,
      data,
      borderColor: cols[i]!.color,
      backgroundColor: withAlpha(cols[i]!.color, 0.12),
      fill: true,
      borderWidth: 1.5,
      pointRadius: 0,
    } as Series;
  });
  drawChart(canvas, { datasets, xLabel: dim === 1 ? 'x' : '‖y_T − x*‖', yLabel: 'trials', xRange: [lo, hi], legend: true }, t);
  return all.reduce((n, { counts }) => n + counts.reduce((a, b) => a + b, 0), 0);
}
