/**
 * What the 2-D plots draw besides data: marker shapes, the legend and the colour bar.
 * Plain canvas drawing in CSS pixels (the caller has set the device-pixel transform).
 */
import { formatNumber } from './format';
import { niceTicks } from './shape';
import type { Rgb } from './color';
import type { Theme } from './theme';

/** Marker shapes; `line` is a short horizontal stroke (legend key of a line such as a contour). */
export type Shape = 'circle' | 'square' | 'cross' | 'star' | 'diamond' | 'triangle' | 'line';

/** A marker of radius `r` centred on (x, y), filled with the current fill (and outlined when asked). */
export function marker(ctx: CanvasRenderingContext2D, shape: Shape, x: number, y: number, r: number, outline: boolean): void {
  ctx.beginPath();
  switch (shape) {
    case 'circle':
      ctx.arc(x, y, r, 0, Math.PI * 2);
      break;
    case 'square':
      ctx.rect(x - r, y - r, 2 * r, 2 * r);
      break;
    case 'diamond':
      ctx.moveTo(x, y - r);
      ctx.lineTo(x + r, y);
      ctx.lineTo(x, y + r);
      ctx.lineTo(x - r, y);
      ctx.closePath();
      break;
    case 'triangle':
      ctx.moveTo(x, y - r * 1.15);
      ctx.lineTo(x + r, y + r * 0.75);
      ctx.lineTo(x - r, y + r * 0.75);
      ctx.closePath();
      break;
    case 'cross':
      ctx.moveTo(x - r, y - r);
      ctx.lineTo(x + r, y + r);
      ctx.moveTo(x + r, y - r);
      ctx.lineTo(x - r, y + r);
      ctx.lineWidth = 2;
      ctx.stroke();
      return;
    case 'line':
      ctx.moveTo(x - r - 2, y);
      ctx.lineTo(x + r + 2, y);
      ctx.lineWidth = 2;
      ctx.stroke();
      return;
    case 'star':
      for (let k = 0; k < 10; k++) {
        const a = -Math.PI / 2 + (k * Math.PI) / 5;
        const rr = k % 2 === 0 ? r : r * 0.45;
        if (k === 0) ctx.moveTo(x + rr * Math.cos(a), y + rr * Math.sin(a));
        else ctx.lineTo(x + rr * Math.cos(a), y + rr * Math.sin(a));
      }
      ctx.closePath();
      break;
  }
  ctx.fill();
  if (outline) ctx.stroke();
}

export interface LegendEntry {
  color: string;
  label: string;
  shape?: Shape;
}

/** Height of one legend line. */
export const LEGEND_LINE = 16;

/**
 * Where each legend entry goes when the entries flow in lines at most `maxW` wide (0: one entry
 * per line): offsets from the legend's top-left corner, and the legend's size.
 */
export function legendLayout(
  ctx: CanvasRenderingContext2D,
  entries: readonly LegendEntry[],
  maxW: number,
): { w: number; h: number; at: Array<[number, number]> } {
  let x = 0;
  let y = 0;
  let w = 0;
  const at: Array<[number, number]> = [];
  for (const e of entries) {
    const ew = 20 + ctx.measureText(e.label).width;
    if (x > 0 && x + ew > maxW) {
      x = 0;
      y += LEGEND_LINE;
    }
    at.push([x, y]);
    w = Math.max(w, x + ew);
    x += ew + 14;
  }
  return { w, h: entries.length ? y + LEGEND_LINE : 0, at };
}

/** Legend entries laid out by `legendLayout`, from (left, top): outside a plot, so no box behind them. */
export function drawLegendAt(
  ctx: CanvasRenderingContext2D,
  entries: readonly LegendEntry[],
  at: ReadonlyArray<readonly [number, number]>,
  left: number,
  top: number,
  theme: Theme,
): void {
  ctx.textAlign = 'left';
  ctx.textBaseline = 'middle';
  entries.forEach((e, i) => {
    const [dx, dy] = at[i]!;
    const y = top + dy + LEGEND_LINE / 2;
    ctx.fillStyle = e.color;
    ctx.strokeStyle = e.color;
    marker(ctx, e.shape ?? 'square', left + dx + 6, y, 4, false);
    ctx.fillStyle = theme.foreground;
    ctx.fillText(e.label, left + dx + 16, y);
  });
}

export interface ColorBarSpec {
  min: number;
  max: number;
  label: string;
  /** The colour at t ∈ [0, 1] (0 at min). */
  at: (t: number) => Rgb;
  /**
   * Tick labels at t ∈ [0, 1] along the bar, for a bar that is not linear from min to max (a
   * signed map with each side on its own scale); nice ticks over [min, max] otherwise.
   */
  ticks?: Array<{ t: number; label: string }>;
}

/** Width the colour bar takes to the right of a plot: gap, bar, tick labels. */
export const COLOR_BAR = { width: 12, gap: 10, labels: 48 };

/** A vertical colour bar at x, from top over height, with ticks and its label turned along it. */
export function drawColorBar(ctx: CanvasRenderingContext2D, bar: ColorBarSpec, x: number, top: number, height: number, theme: Theme): void {
  for (let i = 0; i < height; i++) {
    const [r, g, b] = bar.at(1 - i / Math.max(1, height - 1));
    ctx.fillStyle = `rgb(${r},${g},${b})`;
    ctx.fillRect(x, top + i, COLOR_BAR.width, 1);
  }
  ctx.strokeStyle = theme.grid;
  ctx.strokeRect(x + 0.5, top + 0.5, COLOR_BAR.width, height);
  ctx.fillStyle = theme.muted;
  ctx.textAlign = 'left';
  ctx.textBaseline = 'middle';
  const span = bar.max - bar.min;
  const ticks =
    bar.ticks ?? niceTicks(bar.min, bar.max, 4).map((v) => ({ t: span > 0 ? (v - bar.min) / span : 0.5, label: formatNumber(v) }));
  for (const { t, label } of ticks) ctx.fillText(label, x + COLOR_BAR.width + 4, top + height * (1 - t));
  ctx.save();
  ctx.translate(x + COLOR_BAR.width + COLOR_BAR.labels - 4, top + height / 2);
  ctx.rotate(Math.PI / 2);
  ctx.textAlign = 'center';
  ctx.fillStyle = theme.foreground;
  ctx.fillText(bar.label, 0, 0);
  ctx.restore();
}
