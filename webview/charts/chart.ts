/**
 * What every chart module shares: how a run's dimension picks its picture (`Geometry`), the
 * one place that dispatches on it (`byGeometry`), the choices the panel's charts read
 * (`ChartUi`), and small builders for datasets and markers.
 *
 * A chart is `(canvas, view, theme, options) => number`: it draws `view` into `canvas` and
 * returns how much data it drew (the canvas's `data-points`), counted from what it drew.
 */
import type { Landscape } from '../../src/engine/types';
import type { SideLandscapeView, ViewResult } from '../../src/protocol/webview';
import type { Annotations, Series, XY } from '../shared/charts';
import { withAlpha } from '../shared/color';
import { palette } from '../shared/palette';
import type { PointLayer } from '../shared/plot2d';
import type { ScaleChoice } from '../shared/valueScale';
import { stageStarts } from '../shared/summary';
import type { Theme } from '../shared/theme';

/**
 * How a run of dimension d is pictured: curves over x (d = 1), maps over the plane (d = 2),
 * curves along slices through x* (d > 2; the landscape holds one row per slice).
 */
export type Geometry = 'line' | 'plane' | 'slices';

export function geometryOf(view: Pick<ViewResult, 'config'> | Pick<SideLandscapeView, 'config'>): Geometry {
  const dim = view.config.dim;
  return dim === 1 ? 'line' : dim === 2 ? 'plane' : 'slices';
}

export type Draw<O, V extends Pick<SideLandscapeView, 'config'> = ViewResult> = (
  canvas: HTMLCanvasElement,
  view: V,
  theme: Theme,
  options: O,
) => number;

/** One chart from its picture per geometry (`V`: what the chart reads of a view, the panel's `ViewResult` by default). */
export function byGeometry<O, V extends Pick<SideLandscapeView, 'config'> = ViewResult>(draw: Record<Geometry, Draw<O, V>>): Draw<O, V> {
  return (canvas, view, theme, options) => draw[geometryOf(view)](canvas, view, theme, options);
}

/** Choices the user makes in the panel (persisted with setState). */
export interface ChartUi {
  /** Which landscape.smoothed[i] is drawn beside f (2-D) or along the slices (d > 2); -1 = the first. */
  landscapeLayer: number;
  /** Index into diagnostics.convexity. */
  convexityIndex: number;
  /** How many of the sampled paths to draw. */
  pathsShown: number;
  /** Index into pathSteps for the time slider; -1 means the end. */
  timeIndex: number;
  /** The run `timeIndex` was set on: any other run opens at its end. */
  timeRunId?: string;
  /** Which method's density the 2-D histogram shows when the methods are overlaid: SGD, GD, or method k (index in config.methods). */
  density: 'sgd' | 'gd' | number;
  /** "Where trials end": one column per method, one chart overlaid, or `auto` (columns from 3 methods on). */
  methodsLayout: 'auto' | 'columns' | 'overlay';
  /** Multi-stage runs: where trials are shown, at the end of stage i (0-based) or -1 = the end of the run. */
  finalsStage: number;
  /** 2-D maps of f and g: colour scale (`auto`: log when the map spans decades). */
  colorScale: ScaleChoice;
  /** "Compare runs": the methods drawn of each run (by run id; a run not listed: its primary method). */
  compareDrawn?: Record<string, string[]>;
  /**
   * 2-D: the window every plot over the plane shows (f, g, paths, finals, density zoom and pan
   * together); absent: the whole grid. Reset when another run opens (like the time slider).
   */
  zoom?: Window2D;
}

/** A window of the plane: x and y ranges. */
export interface Window2D {
  x: [number, number];
  y: [number, number];
}

export const DEFAULT_UI: ChartUi = {
  landscapeLayer: -1,
  convexityIndex: 0,
  pathsShown: 10,
  timeIndex: -1,
  density: 'sgd',
  methodsLayout: 'auto',
  finalsStage: -1,
  colorScale: 'auto',
};

export type Grid = number[][];
/** A landscape array as rows (2-D: rows along y; d > 2: one row per slice). */
export const asGrid = (v: number[] | number[][]): Grid => v as Grid;
/** A landscape array as one row (1-D). */
export const asLine = (v: number[] | number[][]): number[] => v as number[];

/** A curve over the landscape's x. */
export function curveOver(x: readonly number[], values: readonly number[]): XY[] {
  return x.map((xi, i) => ({ x: xi, y: values[i]! }));
}

export function line(label: string, data: XY[], color: string, extra: Partial<Series> = {}): Series {
  // pointStyle 'line': the legend shows a line (its points are not drawn: radius 0).
  return {
    type: 'line',
    label,
    data,
    borderColor: color,
    backgroundColor: color,
    borderWidth: 1.5,
    pointRadius: 0,
    pointStyle: 'line',
    ...extra,
  } as Series;
}

export function dots(label: string, data: XY[], color: string, extra: Partial<Series> = {}): Series {
  return {
    type: 'scatter',
    label,
    data,
    borderColor: color,
    backgroundColor: withAlpha(color, 0.7),
    pointRadius: 2.5,
    showLine: false,
    ...extra,
  } as Series;
}

/** x* as a star at height y (curves over x). */
export function xStarDataset(view: ViewResult, y: number, t: Theme): Series {
  const c = palette(t).xStar;
  return dots('x*', [{ x: view.diagnostics.xStar[0]!, y }], c, {
    pointStyle: 'star',
    pointRadius: 8,
    borderWidth: 2,
    backgroundColor: c,
    reference: true,
  } as Partial<Series>);
}

/** x* as a star marker on a 2-D plot. */
export function xStarMark(view: Pick<SideLandscapeView, 'diagnostics'>, t: Theme, radius = 8): PointLayer {
  return { points: [view.diagnostics.xStar], color: palette(t).xStar, radius, shape: 'star', stroke: t.background };
}

/** Rules at the global steps where stages 2, 3, … start (charts over steps). */
export function stageRules(view: ViewResult, t: Theme): Annotations['vlines'] {
  return stageStarts(view).map((s, i) => ({ x: s, color: palette(t).rule, label: `stage ${i + 2}` }));
}

/** The domain's extent along x (and along y: the second coordinate, else the first). */
export function domainX(view: ViewResult): [number, number] {
  const d = view.config.domain;
  return [d.low[0]!, d.high[0]!];
}

export function domainY(view: ViewResult): [number, number] {
  const d = view.config.domain;
  return [d.low[1] ?? d.low[0]!, d.high[1] ?? d.high[0]!];
}

/** The extent of the landscape's x grid. */
export function gridXRange(L: Pick<Landscape, 'x'>): [number, number] {
  return [L.x[0]!, L.x[L.x.length - 1]!];
}

/**
 * The axes of a 2-D plot over the landscape grid: its x/y ranges (the zoom window when there is
 * one) and the coordinate labels.
 */
export function gridFrame(
  L: Pick<Landscape, 'x' | 'y'>,
  zoom?: Window2D,
): { xRange: [number, number]; yRange: [number, number]; xLabel: string; yLabel: string } {
  if (zoom) return { xRange: [...zoom.x], yRange: [...zoom.y], xLabel: 'x₁', yLabel: 'x₂' };
  return { xRange: gridXRange(L), yRange: [L.y![0]!, L.y![L.y!.length - 1]!], xLabel: 'x₁', yLabel: 'x₂' };
}

/** Narrowest a column is drawn: narrower panels lay the columns out in a grid (2 × 2 for four): Compare and the methods' columns alike. */
export const COLUMN_MIN_WIDTH = 240;

/**
 * How `n` columns are laid out in `width` CSS pixels: as many per row as fit at COLUMN_MIN_WIDTH
 * (at least one), the rows then filled evenly (four in two rows: 2 × 2, not 3 + 1).
 */
export function gridFor(n: number, width: number): { columns: number; rows: number } {
  const fit = Math.max(1, Math.min(n, Math.floor(width / COLUMN_MIN_WIDTH)));
  const rows = Math.ceil(n / fit);
  return { columns: Math.ceil(n / rows), rows };
}

/**
 * Makes the box of a 2-D plot tall enough that a map of `frame`'s aspect takes the whole width
 * of one of `columns` plots (with a colour bar beside it, axes, a title and a legend row), up to
 * `max` pixels; never lower than its CSS height. Call before drawing (the canvas takes its size
 * from the box).
 */
export function fitPlaneHeight(
  canvas: HTMLCanvasElement,
  frame: { xRange: [number, number]; yRange: [number, number] },
  o: { columns?: number; rows?: number; max?: number; legendRows?: number; title?: boolean } = {},
): void {
  const box = canvas.parentElement;
  if (!box) return;
  box.style.height = '';
  const cssHeight = box.clientHeight;
  const width = box.clientWidth / Math.max(1, o.columns ?? 1);
  const aspect = (frame.yRange[1] - frame.yRange[0]) / (frame.xRange[1] - frame.xRange[0]);
  // Padding of plot2d: 52 + 16 beside, 70 for the colour bar; 46 above and below, 18 a title, 20 a legend row.
  const plotW = width - 52 - 16 - 70;
  const rows = Math.max(1, o.rows ?? 1);
  const want = rows * (plotW * aspect + 46 + (o.title ? 18 : 0) + 20 * (o.legendRows ?? 1));
  const h = Math.min(rows * (o.max ?? 720), Math.round(want));
  if (Number.isFinite(h) && h > cssHeight) box.style.height = `${h}px`;
}

/** The grid of `n` plane columns in the canvas's box (gridFor at the box's width). */
export function planeGrid(canvas: HTMLCanvasElement, n: number): { columns: number; rows: number } {
  return gridFor(Math.max(1, n), canvas.parentElement?.clientWidth || canvas.clientWidth || 400);
}
