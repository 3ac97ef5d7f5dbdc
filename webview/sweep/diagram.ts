/**
 * The phase diagram of a 2-D sweep on one canvas (so it exports as one PNG): four maps over
 * radius (columns) × learning rate (rows, the smallest at the bottom) — SGD's success rate with
 * the cells where Theorem 1's conditions hold hatched, GD's success rate, the diverged fraction and
 * the median final distance — each with its colour bar, and under the SGD map the estimated c of
 * each radius. Cells not finished yet are drawn empty. `phaseLayout` and `cellAt` are the
 * geometry the drawing and the mouse share.
 */
import type { SweepCell } from '../../src/engine/sweep';
import { viridis, type Rgb } from '../shared/color';
import { formatNumber as num, formatPercent as pct } from '../shared/format';
import { palette } from '../shared/palette';
import type { Theme } from '../shared/theme';
import { cByRadius, cellIndex, type Grid } from './text';

export type MapKey = 'sgd' | 'gd' | 'diverged' | 'distance';

export interface MapSpec {
  key: MapKey;
  title: string;
  value(c: SweepCell): number | null;
  format(v: number): string;
}

export const MAPS: readonly MapSpec[] = [
  { key: 'sgd', title: 'SGD success rate', value: (c) => c.successRate, format: pct },
  { key: 'gd', title: 'GD success rate', value: (c) => finite(c.gdSuccessRate), format: pct },
  { key: 'diverged', title: 'Diverged fraction', value: (c) => c.diverged / c.trials, format: pct },
  { key: 'distance', title: 'Median final distance ‖y_T − x*‖', value: (c) => finite(c.medianDistance), format: (v) => num(v, 2) },
];

function finite(v: number | null | undefined): number | null {
  return typeof v === 'number' && Number.isFinite(v) ? v : null;
}

export interface Rect {
  x: number;
  y: number;
  w: number;
  h: number;
}

export interface PhaseLayout {
  width: number;
  height: number;
  cellW: number;
  cellH: number;
  /** Each map's plot area (the cells), in CSS pixels. */
  maps: Array<{ key: MapKey; plot: Rect }>;
}

const M = { left: 64, right: 64, top: 24, bottom: 68 };

/** Where each map and cell goes on a canvas `width` CSS pixels wide. */
export function phaseLayout(width: number, grid: Grid): PhaseLayout {
  const cols = width >= 720 ? 2 : 1;
  const panelW = Math.floor(width / cols);
  const plotW = Math.max(40, panelW - M.left - M.right);
  const cellW = plotW / grid.radius.length;
  const cellH = Math.min(48, Math.max(20, cellW * 0.6));
  const plotH = cellH * grid.lr.length;
  const panelH = M.top + plotH + M.bottom;
  const maps = MAPS.map((m, k) => ({
    key: m.key,
    plot: { x: (k % cols) * panelW + M.left, y: Math.floor(k / cols) * panelH + M.top, w: plotW, h: plotH },
  }));
  return { width, height: Math.ceil((MAPS.length / cols) * panelH), cellW, cellH, maps };
}

/** The map and cell under (x, y) CSS pixels, if any. */
export function cellAt(layout: PhaseLayout, grid: Grid, x: number, y: number): { key: MapKey; iLr: number; iRadius: number } | undefined {
  for (const m of layout.maps) {
    const { plot } = m;
    if (x < plot.x || x >= plot.x + plot.w || y < plot.y || y >= plot.y + plot.h) continue;
    const iRadius = Math.min(grid.radius.length - 1, Math.floor((x - plot.x) / layout.cellW));
    const rowFromTop = Math.min(grid.lr.length - 1, Math.floor((y - plot.y) / layout.cellH));
    return { key: m.key, iLr: grid.lr.length - 1 - rowFromTop, iRadius };
  }
  return undefined;
}

/** The rectangle of cell (iLr, iRadius) in a map's plot area. */
export function cellRect(layout: PhaseLayout, plot: Rect, grid: Grid, iLr: number, iRadius: number): Rect {
  const rowFromTop = grid.lr.length - 1 - iLr;
  return { x: plot.x + iRadius * layout.cellW, y: plot.y + rowFromTop * layout.cellH, w: layout.cellW, h: layout.cellH };
}

/** Black or white, whichever reads better on `c`. */
function inkOn(c: Rgb): string {
  const lum = (0.2126 * c[0] + 0.7152 * c[1] + 0.0722 * c[2]) / 255;
  return lum > 0.5 ? '#000000' : '#ffffff';
}

const css = (c: Rgb) => `rgb(${c[0]}, ${c[1]}, ${c[2]})`;

export interface DrawnDiagram {
  layout: PhaseLayout;
  /** Finished cells drawn in the layer (each counted once, not per map). */
  cells: number;
  pending: number;
  /** Finished cells of the layer where Theorem 1's conditions hold (hatched). */
  shaded: number;
}

/**
 * Draws the layer `layer` of the sweep on `canvas` (its CSS width is kept; its height set).
 * `withGd`: the sweep compared GD (otherwise the GD map says so).
 */
export function drawPhaseDiagram(
  canvas: HTMLCanvasElement,
  cells: ReadonlyArray<SweepCell | null>,
  grid: Grid,
  layer: number,
  withGd: boolean,
  theme: Theme,
): DrawnDiagram {
  const width = Math.max(320, Math.floor(canvas.parentElement?.clientWidth ?? canvas.clientWidth ?? 640));
  const layout = phaseLayout(width, grid);
  const dpr = window.devicePixelRatio || 1;
  canvas.width = Math.round(layout.width * dpr);
  canvas.height = Math.round(layout.height * dpr);
  canvas.style.width = `${layout.width}px`;
  canvas.style.height = `${layout.height}px`;
  const ctx = canvas.getContext('2d')!;
  ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
  ctx.fillStyle = theme.background;
  ctx.fillRect(0, 0, layout.width, layout.height);
  const font = (scale = 0.85, weight = '') => `${weight} ${Math.round(theme.fontSize * scale)}px ${theme.fontFamily}`.trim();

  const layerCells: Array<SweepCell | null> = [];
  for (let il = 0; il < grid.lr.length; il++)
    for (let ir = 0; ir < grid.radius.length; ir++) layerCells.push(cells[cellIndex(grid, layer, il, ir)] ?? null);
  const finished = layerCells.filter((c): c is SweepCell => c !== null);
  const maxDistance = Math.max(0, ...finished.map((c) => finite(c.medianDistance) ?? 0));
  const pendingFill = theme.border;
  let shaded = 0;

  for (const [k, spec] of MAPS.entries()) {
    const { plot } = layout.maps[k]!;
    const range: [number, number] = spec.key === 'distance' ? [0, maxDistance > 0 ? maxDistance : 1] : [0, 1];
    // Title.
    ctx.fillStyle = theme.foreground;
    ctx.font = font(0.95, '600');
    ctx.textAlign = 'left';
    ctx.textBaseline = 'bottom';
    ctx.fillText(spec.title, plot.x, plot.y - 6);
    if (spec.key === 'gd' && !withGd) {
      ctx.fillStyle = theme.muted;
      ctx.font = font();
      ctx.textBaseline = 'middle';
      ctx.fillText('GD was not compared (compareGd is off)', plot.x, plot.y + plot.h / 2);
      continue;
    }
    for (let il = 0; il < grid.lr.length; il++) {
      for (let ir = 0; ir < grid.radius.length; ir++) {
        const cell = layerCells[il * grid.radius.length + ir] ?? null;
        const r = cellRect(layout, plot, grid, il, ir);
        const v = cell ? spec.value(cell) : null;
        let ink = theme.muted;
        if (!cell) {
          ctx.fillStyle = pendingFill;
          ctx.globalAlpha = 0.35;
          ctx.fillRect(r.x, r.y, r.w, r.h);
          ctx.globalAlpha = 1;
        } else if (v === null) {
          ctx.fillStyle = theme.background;
          ctx.fillRect(r.x, r.y, r.w, r.h);
        } else {
          const c = viridis((v - range[0]) / (range[1] - range[0]));
          ctx.fillStyle = css(c);
          ctx.fillRect(r.x, r.y, r.w, r.h);
          ink = inkOn(c);
        }
        if (cell && spec.key === 'sgd' && cell.conditionHolds) {
          shaded++;
          hatch(ctx, r, ink);
        }
        if (r.w >= 34 && r.h >= 16) {
          ctx.fillStyle = ink;
          ctx.font = font(0.8);
          ctx.textAlign = 'center';
          ctx.textBaseline = 'middle';
          ctx.fillText(!cell ? '…' : v === null ? '–' : spec.format(v), r.x + r.w / 2, r.y + r.h / 2);
        }
      }
    }
    // Cell borders, the frame and the axes.
    ctx.strokeStyle = theme.background;
    ctx.lineWidth = 1;
    for (let ir = 1; ir < grid.radius.length; ir++)
      line(ctx, plot.x + ir * layout.cellW, plot.y, plot.x + ir * layout.cellW, plot.y + plot.h);
    for (let il = 1; il < grid.lr.length; il++) line(ctx, plot.x, plot.y + il * layout.cellH, plot.x + plot.w, plot.y + il * layout.cellH);
    ctx.strokeStyle = theme.grid;
    ctx.strokeRect(plot.x + 0.5, plot.y + 0.5, plot.w - 1, plot.h - 1);
    ctx.fillStyle = theme.muted;
    ctx.font = font(0.8);
    ctx.textAlign = 'right';
    ctx.textBaseline = 'middle';
    grid.lr.forEach((eta, il) => {
      const r = cellRect(layout, plot, grid, il, 0);
      ctx.fillText(num(eta), plot.x - 6, r.y + r.h / 2);
    });
    ctx.textAlign = 'center';
    ctx.textBaseline = 'top';
    const step = Math.max(1, Math.ceil(36 / layout.cellW));
    grid.radius.forEach((a, ir) => {
      if (ir % step === 0) ctx.fillText(num(a), plot.x + (ir + 0.5) * layout.cellW, plot.y + plot.h + 4);
    });
    ctx.fillStyle = theme.foreground;
    ctx.fillText('noise radius', plot.x + plot.w / 2, plot.y + plot.h + 20);
    ctx.save();
    ctx.translate(plot.x - 48, plot.y + plot.h / 2);
    ctx.rotate(-Math.PI / 2);
    ctx.textBaseline = 'bottom';
    ctx.fillText('η', 0, 0);
    ctx.restore();
    colorBar(ctx, plot, range, spec, theme, font(0.75));
    if (spec.key === 'sgd') cRow(ctx, layout, plot, grid, cByRadius(cells, grid, layer), step, theme, font(0.75));
  }
  return { layout, cells: finished.length, pending: layerCells.length - finished.length, shaded };
}

function line(ctx: CanvasRenderingContext2D, x0: number, y0: number, x1: number, y1: number): void {
  ctx.beginPath();
  ctx.moveTo(x0, y0);
  ctx.lineTo(x1, y1);
  ctx.stroke();
}

/** Diagonal hatching over a cell: the region where Theorem 1's conditions hold. */
function hatch(ctx: CanvasRenderingContext2D, r: Rect, color: string): void {
  ctx.save();
  ctx.beginPath();
  ctx.rect(r.x, r.y, r.w, r.h);
  ctx.clip();
  ctx.strokeStyle = color;
  ctx.globalAlpha = 0.55;
  ctx.lineWidth = 1;
  for (let d = -r.h; d < r.w; d += 7) line(ctx, r.x + d, r.y + r.h, r.x + d + r.h, r.y);
  ctx.restore();
}

/** A vertical colour bar right of the map, its ends labelled. */
function colorBar(ctx: CanvasRenderingContext2D, plot: Rect, range: [number, number], spec: MapSpec, theme: Theme, font: string): void {
  const x = plot.x + plot.w + 10;
  const h = plot.h;
  const steps = Math.max(2, Math.round(h));
  for (let i = 0; i < steps; i++) {
    ctx.fillStyle = css(viridis(1 - i / (steps - 1)));
    ctx.fillRect(x, plot.y + (i * h) / steps, 10, h / steps + 1);
  }
  ctx.strokeStyle = theme.grid;
  ctx.strokeRect(x + 0.5, plot.y + 0.5, 9, h - 1);
  ctx.fillStyle = theme.muted;
  ctx.font = font;
  ctx.textAlign = 'left';
  ctx.textBaseline = 'top';
  ctx.fillText(spec.format(range[1]), x + 14, plot.y);
  ctx.textBaseline = 'bottom';
  ctx.fillText(spec.format(range[0]), x + 14, plot.y + h);
}

/** Under the SGD map: each radius's estimated c (blue when c > 0, red otherwise) and the hatching's legend. */
function cRow(
  ctx: CanvasRenderingContext2D,
  layout: PhaseLayout,
  plot: Rect,
  grid: Grid,
  cs: Array<number | null>,
  step: number,
  theme: Theme,
  font: string,
): void {
  const y = plot.y + plot.h + 36;
  ctx.font = font;
  ctx.textBaseline = 'top';
  ctx.textAlign = 'right';
  ctx.fillStyle = theme.foreground;
  ctx.fillText('c', plot.x - 6, y);
  ctx.textAlign = 'center';
  cs.forEach((c, ir) => {
    if (ir % step !== 0) return;
    ctx.fillStyle = c === null ? theme.muted : c > 0 ? palette(theme).cPositive : palette(theme).cNegative;
    ctx.fillText(num(c, 2), plot.x + (ir + 0.5) * layout.cellW, y);
  });
  ctx.textAlign = 'left';
  ctx.fillStyle = theme.muted;
  const legend = { x: plot.x, y: y + 14, w: 12, h: 10 };
  ctx.strokeStyle = theme.grid;
  ctx.strokeRect(legend.x + 0.5, legend.y + 0.5, legend.w, legend.h);
  hatch(ctx, legend, theme.foreground);
  ctx.fillText("Theorem 1's conditions hold (c > 0, η < min{1/(2L), c/L², 1/(2c)})", legend.x + legend.w + 6, legend.y - 1);
}
