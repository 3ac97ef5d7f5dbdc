/**
 * The canvas layer for 2-D pictures Chart.js has no type for: a heatmap of a grid (f, g, c(y) or
 * trial counts) with axes and a colour bar, and overlays (paths, points, markers, boxes), one unit
 * as long on both axes. Draws synchronously into a canvas sized to its CSS box × devicePixelRatio
 * and says how much data it drew, so test hooks count what is on screen.
 *
 * Over our ~350-line habit, said here (issue 9): the plots of one canvas (a row, a column or a
 * grid) reserve the same room for titles, colour bars and legends, measured over every plot before
 * any is drawn, so the layout and the drawing it feeds stay in one file; the marks, legends and
 * colour bar are already out (canvasMarks.ts), contour lines too (contour.ts). This file was
 * reworked by the 2-D views (issues 12, 13) just before this note; a later split would put the
 * layers' drawing (heat, contours, lines, points) apart from the shared layout.
 */
import { destroyChart } from './charts';
import {
  COLOR_BAR,
  drawColorBar,
  drawLegendAt,
  legendLayout,
  marker,
  type ColorBarSpec,
  type LegendEntry,
  type Shape,
} from './canvasMarks';
import type { Rgb } from './color';
import { formatNumber } from './format';
import type { Segment } from './contour';
import { heatImage } from './heatImage';
import { niceTicks } from './shape';
import type { Theme } from './theme';

export type { Shape } from './canvasMarks';

export interface Heat {
  /** values[iy][ix] on grid x (columns) × y (rows), row 0 at the bottom. */
  grid: readonly (readonly number[])[];
  x: readonly number[];
  y: readonly number[];
  color: (v: number) => Rgb;
  /** Colour bar: value range and the colour at t ∈ [0, 1]. */
  legend?: ColorBarSpec;
  /** 0..1; lower values let overlays stand out. */
  opacity?: number;
  /**
   * Identifies `color` (e.g. "viridis:0:15"): with it the grid's image is computed once and
   * reused while the grid object and the key stay the same (time-slider frames, theme-neutral maps).
   */
  cacheKey?: string;
}

export interface PointLayer {
  points: readonly (readonly number[])[];
  color: string;
  radius: number;
  shape: Shape;
  /** Outline colour (markers that must stand out on any background). */
  stroke?: string;
}

export interface LineLayer {
  points: readonly (readonly number[])[];
  color: string;
  width: number;
  dash?: number[];
  /** Drawn first, wider, under the line (the background's colour): keeps it visible on any heatmap. */
  halo?: string;
}

/** Contour segments (see contour.ts) drawn over the heatmap, under the paths and points. */
export interface ContourLayer {
  segments: readonly Segment[];
  color: string;
  width: number;
  dash?: number[];
  /** Drawn first, wider, under the lines (see LineLayer.halo). */
  halo?: string;
}

export interface Plot2DSpec {
  xRange: [number, number];
  yRange: [number, number];
  xLabel?: string;
  yLabel?: string;
  /** Drawn above the plot (used when plots stand side by side). */
  title?: string;
  /** A marker before the title: the colour and shape of what the plot shows (its legend entry). */
  titleMark?: { color: string; shape: Shape };
  /** Draw `marks` under the data points (targets under the finals near them). */
  marksUnder?: boolean;
  /**
   * `equal` (default): one unit as long on both axes (maps over the plane); `free`: the plot fills
   * its box (a curve of f over x, bars of a histogram).
   */
  aspect?: 'equal' | 'free';
  heat?: Heat;
  /** Filled rectangles in data coordinates (histogram bars), drawn under the lines. */
  rects?: Array<{ x0: number; x1: number; y0: number; y1: number; color: string }>;
  /** Vertical rules across the plot at x (x* on a 1-D axis). */
  rules?: Array<{ x: number; color: string; label?: string }>;
  contours?: ContourLayer[];
  lines?: LineLayer[];
  /** Data points (finals): counted in `Drawn2D.points`. */
  points?: PointLayer[];
  /** Reference markers drawn over the points (x*, path starts and ends, inf c): not counted. */
  marks?: PointLayer[];
  boxes?: Array<{ low: number[]; high: number[]; color: string; dash?: number[] }>;
  /**
   * Legend entries (colour + text), drawn outside the plot area so they never cover data: to the
   * right of the plot when it leaves that much width spare, else in lines below the x-axis label.
   */
  legend?: LegendEntry[];
}

/**
 * Where a plot of a canvas was drawn (CSS pixels from the canvas's top-left) and the data window
 * it shows: what pointer handlers need to turn a position into data coordinates (zoom and pan).
 */
export interface PlotFrame {
  left: number;
  top: number;
  width: number;
  height: number;
  x: [number, number];
  y: [number, number];
}

const frames = new WeakMap<HTMLCanvasElement, PlotFrame[]>();

/** The plots the last draw put on `canvas` (none before the first, or after a Chart.js chart took it over). */
export function plotFrames(canvas: HTMLCanvasElement): readonly PlotFrame[] {
  return frames.get(canvas) ?? [];
}

/** The plot of `canvas` under (x, y) (CSS pixels from the canvas's top-left), if any. */
export function frameAt(canvas: HTMLCanvasElement, x: number, y: number): PlotFrame | undefined {
  return plotFrames(canvas).find((f) => x >= f.left && x <= f.left + f.width && y >= f.top && y <= f.top + f.height);
}

/** What a draw put on screen: heat cells coloured, contour segments, line vertices, data points (marks left out). */
export interface Drawn2D {
  cells: number;
  segments: number;
  vertices: number;
  points: number;
}

const BASE_PAD = { left: 52, right: 16, top: 10, bottom: 36 };

/** Draws `spec`; returns what it drew. */
export function drawPlot2D(canvas: HTMLCanvasElement, spec: Plot2DSpec, theme: Theme): Drawn2D {
  return drawPlots2D(canvas, [spec], theme);
}

/**
 * Draws several plots in one canvas, side by side (`row`), one above the other (`column`, for
 * narrow panels) or in a grid of that many columns, filled row by row (a number); returns what
 * they drew together.
 */
export function drawPlots2D(
  canvas: HTMLCanvasElement,
  specs: Plot2DSpec[],
  theme: Theme,
  direction: 'row' | 'column' | number = 'row',
): Drawn2D {
  // The canvas may have held a Chart.js chart (a 1-D run before this 2-D one): it must let go,
  // or its resize observer would draw over this picture.
  destroyChart(canvas);
  frames.delete(canvas);
  delete canvas.dataset.plotArea;
  const drawn: Drawn2D = { cells: 0, segments: 0, vertices: 0, points: 0 };
  const dpr = window.devicePixelRatio || 1;
  const cssW = Math.max(120, canvas.clientWidth || canvas.parentElement?.clientWidth || 400);
  const cssH = Math.max(120, canvas.clientHeight || 300);
  canvas.width = Math.round(cssW * dpr);
  canvas.height = Math.round(cssH * dpr);
  const ctx = canvas.getContext('2d');
  if (!ctx) return drawn;
  ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
  ctx.fillStyle = theme.background;
  ctx.fillRect(0, 0, cssW, cssH);
  const n = Math.max(1, specs.length);
  const cols = direction === 'row' ? n : direction === 'column' ? 1 : Math.max(1, Math.min(n, Math.floor(direction)));
  const rows = Math.ceil(n / cols);
  const w = cssW / cols;
  const h = cssH / rows;
  // The plots of one canvas (a row, a column or a grid, on shared axes) reserve the same room for
  // titles, colour bars and legends, the most any of them needs, so their plot areas are the same
  // size (f beside g: one with a legend, one without, still match, and zoom keeps them matched; a
  // grid's last cell with the colour bar is not narrower). A plot without its own legend or bar
  // leaves the reserved room empty.
  const space = specs
    .map((spec) => legendPlace(ctx, spec, theme, w, h).space)
    .reduce((a, b) => ({ top: Math.max(a.top, b.top), right: Math.max(a.right, b.right), below: Math.max(a.below, b.below) }), {
      top: 0,
      right: 0,
      below: 0,
    });
  const placed: PlotFrame[] = [];
  const titles: number[][] = [];
  specs.forEach((spec, i) => {
    ctx.save();
    const ox = (i % cols) * w;
    const oy = Math.floor(i / cols) * h;
    ctx.translate(ox, oy);
    const { frame, titleBox, ...d } = drawInto(ctx, spec, theme, w, h, space);
    placed.push({ ...frame, left: frame.left + ox, top: frame.top + oy });
    if (titleBox) titles.push([titleBox[0]! + ox, titleBox[1]! + oy, titleBox[2]!, titleBox[3]!]);
    drawn.cells += d.cells;
    drawn.segments += d.segments;
    drawn.vertices += d.vertices;
    drawn.points += d.points;
    ctx.restore();
  });
  frames.set(canvas, placed);
  // Where each title was written ("left,top,width,height" in CSS pixels, ";" between): the harness
  // checks that side-by-side titles stay apart.
  canvas.dataset.titleBoxes = titles.map((b) => b.map((v) => Math.round(v)).join(',')).join(';');
  canvas.dataset.plotArea = placed.map((f) => [f.left, f.top, f.width, f.height].map((v) => Math.round(v)).join(',')).join(';');
  return drawn;
}

/** Room a plot takes outside its plot area, beyond BASE_PAD: title above, colour bar and legend right, legend below. */
interface Space {
  top: number;
  right: number;
  below: number;
}

const LEGEND_GAP = 12;

/**
 * Where `spec`'s legend goes when the plot has a box of cssW × cssH to itself: to the plot's right
 * when the plot (one unit as long on both axes) leaves that width spare, or a free-aspect plot
 * keeps 70% of its width; else in lines below the x-axis label. With the room it takes.
 */
function legendPlace(
  ctx: CanvasRenderingContext2D,
  spec: Plot2DSpec,
  theme: Theme,
  cssW: number,
  cssH: number,
): { space: Space; column?: ReturnType<typeof legendLayout>; below?: ReturnType<typeof legendLayout> } {
  ctx.font = `${Math.round(theme.fontSize * 0.85)}px ${theme.fontFamily}`;
  const top = spec.title ? 18 : 0;
  const bar = spec.heat?.legend ? COLOR_BAR.width + COLOR_BAR.gap + COLOR_BAR.labels : 0;
  const space: Space = { top, right: bar, below: 0 };
  const entries = spec.legend ?? [];
  if (!entries.length) return { space };
  const column = legendLayout(ctx, entries, 0);
  const availW = Math.max(20, cssW - BASE_PAD.left - BASE_PAD.right - bar);
  const plotH = Math.max(20, cssH - BASE_PAD.top - top - BASE_PAD.bottom);
  const [x0, x1] = spec.xRange[1] > spec.xRange[0] ? spec.xRange : [spec.xRange[0] - 1, spec.xRange[0] + 1];
  const [y0, y1] = spec.yRange[1] > spec.yRange[0] ? spec.yRange : [spec.yRange[0] - 1, spec.yRange[0] + 1];
  const equalW = (plotH * (x1 - x0)) / (y1 - y0);
  const spare = availW - column.w - LEGEND_GAP;
  const right = spec.aspect === 'free' ? spare >= 0.7 * availW : spare >= Math.min(availW, equalW);
  if (right) return { space: { ...space, right: bar + column.w + LEGEND_GAP }, column };
  const below = legendLayout(ctx, entries, cssW - 16);
  return { space: { ...space, below: below.h + 4 }, below };
}

/** `text`, cut at the end with … to fit `maxW` pixels in the context's font. */
function fitText(ctx: CanvasRenderingContext2D, text: string, maxW: number): string {
  if (ctx.measureText(text).width <= maxW) return text;
  let lo = 0;
  let hi = text.length;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (ctx.measureText(`${text.slice(0, mid).trimEnd()}…`).width <= maxW) lo = mid;
    else hi = mid - 1;
  }
  return `${text.slice(0, lo).trimEnd()}…`;
}

function drawInto(
  ctx: CanvasRenderingContext2D,
  spec: Plot2DSpec,
  theme: Theme,
  cssW: number,
  cssH: number,
  reserve: Space,
): Drawn2D & { frame: PlotFrame; titleBox?: number[] } {
  const drawn: Drawn2D = { cells: 0, segments: 0, vertices: 0, points: 0 };
  const PAD = { ...BASE_PAD, top: BASE_PAD.top + reserve.top };
  const bar = spec.heat?.legend ? COLOR_BAR.width + COLOR_BAR.gap + COLOR_BAR.labels : 0;
  const availW = Math.max(20, cssW - PAD.left - PAD.right - reserve.right);
  const plotH = Math.max(20, cssH - PAD.top - PAD.bottom - reserve.below);
  let [x0, x1] = spec.xRange;
  let [y0, y1] = spec.yRange;
  if (!(x1 > x0)) [x0, x1] = [x0 - 1, x0 + 1];
  if (!(y1 > y0)) [y0, y1] = [y0 - 1, y0 + 1];
  // The legend sits where it would on a plot alone (legendPlace), in the room the row reserved.
  const { column, below } = legendPlace(ctx, spec, theme, cssW, cssH);
  const entries = spec.legend ?? [];
  const font = `${Math.round(theme.fontSize * 0.85)}px ${theme.fontFamily}`;
  ctx.font = font;
  // One unit is as long on both axes (directions and distances read true); the plot is
  // centred in the width it does not need.
  const plotW = spec.aspect === 'free' ? availW : Math.max(20, Math.min(availW, (plotH * (x1 - x0)) / (y1 - y0)));
  const sx = plotW / (x1 - x0);
  const sy = plotH / (y1 - y0);
  const left = PAD.left + (availW - plotW) / 2;
  const top = PAD.top;
  const px = (x: number): number => left + (x - x0) * sx;
  const py = (y: number): number => top + plotH - (y - y0) * sy;

  let titleBox: number[] | undefined;
  if (spec.title) {
    // Centred over the plot, kept inside the plot's cell (cut with … when wider than the cell), so
    // titles of plots side by side never run into each other or off the canvas.
    ctx.fillStyle = theme.foreground;
    ctx.textAlign = 'center';
    ctx.textBaseline = 'top';
    const mark = spec.titleMark ? 14 : 0;
    const text = fitText(ctx, spec.title, cssW - 8 - mark);
    const w = ctx.measureText(text).width;
    const cx = Math.min(cssW - 4 - w / 2, Math.max(4 + mark + w / 2, left + plotW / 2));
    ctx.fillText(text, cx, 4);
    titleBox = [cx - w / 2 - mark, 4, w + mark, theme.fontSize];
    if (spec.titleMark) {
      ctx.fillStyle = spec.titleMark.color;
      ctx.strokeStyle = spec.titleMark.color;
      marker(ctx, spec.titleMark.shape, cx - w / 2 - 10, 4 + theme.fontSize * 0.45, 4.5, false);
    }
  }

  if (spec.heat && spec.heat.grid.length > 0 && spec.heat.grid[0]!.length > 0) {
    const h = spec.heat;
    const rows = h.grid.length;
    const cols = h.grid[0]!.length;
    const { image, cells } = heatImage(h.grid, h.color, h.cacheKey);
    // Cell centres sit on the grid points; the image spans half a cell beyond them.
    const dx = cols > 1 ? (h.x[cols - 1]! - h.x[0]!) / (cols - 1) : 1;
    const dy = rows > 1 ? (h.y[rows - 1]! - h.y[0]!) / (rows - 1) : 1;
    ctx.save();
    ctx.beginPath();
    ctx.rect(left, top, plotW, plotH);
    ctx.clip();
    ctx.globalAlpha = h.opacity ?? 1;
    ctx.imageSmoothingEnabled = true;
    const ix0 = px(h.x[0]! - dx / 2);
    const iy0 = py(h.y[rows - 1]! + dy / 2);
    ctx.drawImage(image, ix0, iy0, px(h.x[cols - 1]! + dx / 2) - ix0, py(h.y[0]! - dy / 2) - iy0);
    ctx.restore();
    drawn.cells = cells;
    if (h.legend) drawColorBar(ctx, h.legend, left + plotW + COLOR_BAR.gap, top, plotH, theme);
  }

  // Axes, ticks, grid.
  ctx.strokeStyle = theme.grid;
  ctx.fillStyle = theme.muted;
  ctx.lineWidth = 1;
  ctx.strokeRect(left + 0.5, top + 0.5, plotW, plotH);
  ctx.textAlign = 'center';
  ctx.textBaseline = 'top';
  for (const t of niceTicks(x0, x1, Math.max(2, Math.floor(plotW / 70)))) {
    const X = Math.round(px(t)) + 0.5;
    ctx.beginPath();
    ctx.moveTo(X, top + plotH);
    ctx.lineTo(X, top + plotH + 4);
    ctx.stroke();
    ctx.fillText(formatNumber(t), X, top + plotH + 6);
  }
  ctx.textAlign = 'right';
  ctx.textBaseline = 'middle';
  for (const t of niceTicks(y0, y1, Math.max(2, Math.floor(plotH / 50)))) {
    const Y = Math.round(py(t)) + 0.5;
    ctx.beginPath();
    ctx.moveTo(left - 4, Y);
    ctx.lineTo(left, Y);
    ctx.stroke();
    ctx.fillText(formatNumber(t), left - 6, Y);
  }
  ctx.fillStyle = theme.foreground;
  if (spec.xLabel) {
    ctx.textAlign = 'center';
    ctx.textBaseline = 'bottom';
    ctx.fillText(spec.xLabel, left + plotW / 2, top + plotH + PAD.bottom - 2);
  }
  if (spec.yLabel) {
    ctx.save();
    ctx.translate(left - PAD.left + 12, top + plotH / 2);
    ctx.rotate(-Math.PI / 2);
    ctx.textAlign = 'center';
    ctx.textBaseline = 'middle';
    ctx.fillText(spec.yLabel, 0, 0);
    ctx.restore();
  }

  ctx.save();
  ctx.beginPath();
  ctx.rect(left, top, plotW, plotH);
  ctx.clip();
  for (const b of spec.boxes ?? []) {
    ctx.strokeStyle = b.color;
    ctx.setLineDash(b.dash ?? [4, 3]);
    ctx.lineWidth = 1.5;
    ctx.strokeRect(px(b.low[0]!), py(b.high[1]!), (b.high[0]! - b.low[0]!) * sx, (b.high[1]! - b.low[1]!) * sy);
  }
  for (const r of spec.rects ?? []) {
    ctx.fillStyle = r.color;
    const X0 = px(r.x0);
    const Y0 = py(r.y1);
    ctx.fillRect(X0, Y0, Math.max(1, px(r.x1) - X0), py(r.y0) - Y0);
  }
  for (const r of spec.rules ?? []) {
    ctx.strokeStyle = r.color;
    ctx.lineWidth = 1.5;
    ctx.setLineDash([4, 3]);
    ctx.beginPath();
    ctx.moveTo(px(r.x), top);
    ctx.lineTo(px(r.x), top + plotH);
    ctx.stroke();
    if (r.label) {
      ctx.fillStyle = r.color;
      ctx.textAlign = 'left';
      ctx.textBaseline = 'top';
      ctx.fillText(r.label, px(r.x) + 3, top + 2);
    }
  }
  ctx.setLineDash([]);
  for (const c of spec.contours ?? []) {
    ctx.beginPath();
    for (const [xa, ya, xb, yb] of c.segments) {
      ctx.moveTo(px(xa), py(ya));
      ctx.lineTo(px(xb), py(yb));
    }
    ctx.setLineDash(c.dash ?? []);
    if (c.halo) {
      ctx.strokeStyle = c.halo;
      ctx.lineWidth = c.width + 1.5;
      ctx.stroke();
    }
    ctx.strokeStyle = c.color;
    ctx.lineWidth = c.width;
    ctx.stroke();
    drawn.segments += c.segments.length;
  }
  ctx.setLineDash([]);
  const lines = (spec.lines ?? []).filter((l) => l.points.length >= 2);
  const trace = (l: LineLayer) => {
    ctx.beginPath();
    l.points.forEach((p, i) => (i === 0 ? ctx.moveTo(px(p[0]!), py(p[1]!)) : ctx.lineTo(px(p[0]!), py(p[1]!))));
  };
  // Halos first, under every line, so one path's halo does not cut another path.
  for (const l of lines) {
    if (!l.halo) continue;
    ctx.strokeStyle = l.halo;
    ctx.lineWidth = l.width + 2;
    ctx.setLineDash([]);
    trace(l);
    ctx.stroke();
  }
  for (const l of lines) {
    ctx.strokeStyle = l.color;
    ctx.lineWidth = l.width;
    ctx.setLineDash(l.dash ?? []);
    trace(l);
    ctx.stroke();
    drawn.vertices += l.points.length;
  }
  ctx.setLineDash([]);
  const drawPoints = (layers: readonly PointLayer[]): number => {
    let n = 0;
    for (const layer of layers) {
      ctx.fillStyle = layer.color;
      ctx.strokeStyle = layer.stroke ?? layer.color;
      ctx.lineWidth = layer.stroke ? 1.5 : 1;
      for (const p of layer.points) {
        if (!Number.isFinite(p[0]) || !Number.isFinite(p[1])) continue;
        marker(ctx, layer.shape, px(p[0]!), py(p[1]!), layer.radius, !!layer.stroke);
        n++;
      }
    }
    return n;
  };
  if (spec.marksUnder) drawPoints(spec.marks ?? []);
  drawn.points = drawPoints(spec.points ?? []);
  if (!spec.marksUnder) drawPoints(spec.marks ?? []);
  ctx.restore();

  ctx.font = font;
  if (column) drawLegendAt(ctx, entries, column.at, left + plotW + bar + LEGEND_GAP, top, theme);
  if (below) drawLegendAt(ctx, entries, below.at, Math.max(8, (cssW - below.w) / 2), top + plotH + PAD.bottom + 2, theme);
  return { ...drawn, frame: { left, top, width: plotW, height: plotH, x: [x0, x1], y: [y0, y1] }, titleBox };
}
