/**
 * Chart.js with only the pieces these webviews use registered (tree-shaken), theme-derived
 * defaults, and two small plug-ins: an opaque background (so exported PNGs read on any
 * viewer) and vertical/horizontal bands and rules (stage boundaries, c > 0 regions, zero lines).
 */
import {
  Chart,
  BarController,
  BarElement,
  Filler,
  Legend,
  LinearScale,
  LogarithmicScale,
  LineController,
  LineElement,
  PointElement,
  ScatterController,
  Tooltip,
  type ChartConfiguration,
  type ChartDataset,
  type Plugin,
} from 'chart.js';
import type { ChartType } from 'chart.js';
import { formatNumber } from './format';
import type { Theme } from './theme';

Chart.register(
  BarController,
  BarElement,
  Filler,
  Legend,
  LinearScale,
  LogarithmicScale,
  LineController,
  LineElement,
  PointElement,
  ScatterController,
  Tooltip,
);

/** Shaded x-intervals, vertical rules and horizontal rules drawn behind/over the datasets. */
export interface Annotations {
  bands?: Array<{ from: number; to: number; color: string }>;
  vlines?: Array<{ x: number; color: string; dash?: number[]; label?: string }>;
  hlines?: Array<{ y: number; color: string; dash?: number[]; label?: string }>;
  /**
   * A value beyond the y-axis (above or below it): a × on the axis's edge at x, with its label
   * beside it (e.g. the estimated c when the axis, fitted to the curve's quantiles, leaves it out).
   */
  edgeMarks?: Array<{ x: number; side: 'above' | 'below'; color: string; label: string }>;
}

declare module 'chart.js' {
  // eslint-disable-next-line @typescript-eslint/no-unused-vars -- the augmentation must repeat Chart.js's type parameter
  interface PluginOptionsByType<TType extends ChartType> {
    sgdBackground?: { color: string };
    sgdAnnotations?: Annotations & { labelColor?: string; font?: string };
  }
}

const background: Plugin = {
  id: 'sgdBackground',
  beforeDraw(chart, _args, opts: { color?: string }) {
    if (!opts?.color) return;
    const { ctx } = chart;
    ctx.save();
    ctx.fillStyle = opts.color;
    ctx.fillRect(0, 0, chart.width, chart.height);
    ctx.restore();
  },
};

const annotations: Plugin = {
  id: 'sgdAnnotations',
  beforeDatasetsDraw(chart, _args, opts: Annotations) {
    const { ctx, chartArea: a, scales } = chart;
    const x = scales.x;
    if (!x || !opts?.bands?.length) return;
    ctx.save();
    for (const b of opts.bands) {
      const l = Math.max(a.left, x.getPixelForValue(b.from));
      const r = Math.min(a.right, x.getPixelForValue(b.to));
      if (r <= l) continue;
      ctx.fillStyle = b.color;
      ctx.fillRect(l, a.top, r - l, a.bottom - a.top);
    }
    ctx.restore();
  },
  afterDatasetsDraw(chart, _args, opts: Annotations & { labelColor?: string; font?: string }) {
    const { ctx, chartArea: a, scales } = chart;
    ctx.save();
    if (opts?.font) ctx.font = opts.font;
    ctx.lineWidth = 1;
    for (const v of opts?.vlines ?? []) {
      const X = scales.x?.getPixelForValue(v.x);
      if (X === undefined || X < a.left || X > a.right) continue;
      ctx.strokeStyle = v.color;
      ctx.setLineDash(v.dash ?? [4, 3]);
      ctx.beginPath();
      ctx.moveTo(X, a.top);
      ctx.lineTo(X, a.bottom);
      ctx.stroke();
      if (v.label) {
        ctx.fillStyle = opts.labelColor ?? v.color;
        ctx.textAlign = 'left';
        ctx.textBaseline = 'top';
        ctx.fillText(v.label, X + 3, a.top + 2);
      }
    }
    for (const h of opts?.hlines ?? []) {
      const Y = scales.y?.getPixelForValue(h.y);
      if (Y === undefined || Y < a.top || Y > a.bottom) continue;
      ctx.strokeStyle = h.color;
      ctx.setLineDash(h.dash ?? [4, 3]);
      ctx.beginPath();
      ctx.moveTo(a.left, Y);
      ctx.lineTo(a.right, Y);
      ctx.stroke();
      if (h.label) {
        ctx.fillStyle = opts.labelColor ?? h.color;
        ctx.textAlign = 'right';
        ctx.textBaseline = 'bottom';
        ctx.fillText(h.label, a.right - 4, Y - 2);
      }
    }
    ctx.setLineDash([]);
    for (const m of opts?.edgeMarks ?? []) {
      const X = scales.x?.getPixelForValue(m.x);
      if (X === undefined || !Number.isFinite(X)) continue;
      const x = Math.min(a.right - 6, Math.max(a.left + 6, X));
      const y = m.side === 'above' ? a.top : a.bottom;
      ctx.strokeStyle = m.color;
      ctx.lineWidth = 2.5;
      ctx.beginPath();
      ctx.moveTo(x - 6, y - 6);
      ctx.lineTo(x + 6, y + 6);
      ctx.moveTo(x + 6, y - 6);
      ctx.lineTo(x - 6, y + 6);
      ctx.stroke();
      // The label inside the plot, beside the ×, on the side with more room.
      ctx.fillStyle = m.color;
      const right = x < (a.left + a.right) / 2;
      ctx.textAlign = right ? 'left' : 'right';
      ctx.textBaseline = m.side === 'above' ? 'top' : 'bottom';
      ctx.fillText(m.label, x + (right ? 10 : -10), m.side === 'above' ? y + 3 : y - 3);
    }
    ctx.restore();
  },
};

Chart.register(background, annotations);

export type XY = { x: number; y: number };

/** A Chart.js dataset; `reference` ones (x*, f under the finals, path ends) are drawn but not counted as data. */
export type Series = ChartDataset<'line' | 'scatter' | 'bar', XY[]> & { reference?: boolean };

export interface ChartSpec {
  /** In drawing order from the top (Chart.js draws the first dataset last, over the others) and legend order. */
  datasets: Series[];
  xLabel: string;
  yLabel: string;
  annotations?: Annotations;
  yLog?: boolean;
  xRange?: [number, number];
  yRange?: [number, number];
  legend?: boolean;
  /** Bar charts: stack nothing, bars fill their bin. */
  bars?: boolean;
}

/** Label for a log-axis tick: only mantissas 1, 2 and 5 get one. */
export function logTick(v: number): string {
  if (!(v > 0)) return '';
  const m = Math.round(v / Math.pow(10, Math.floor(Math.log10(v) + 1e-9)));
  return m === 1 || m === 2 || m === 5 ? formatNumber(v) : '';
}

/** A Chart.js configuration for the current theme; no animation so drawing is synchronous. */
export function chartConfig(spec: ChartSpec, theme: Theme): ChartConfiguration<'line' | 'scatter' | 'bar', XY[]> {
  const font = { family: theme.fontFamily, size: Math.round(theme.fontSize * 0.85) };
  const axis = (label: string, range?: [number, number]) => ({
    type: 'linear' as const,
    title: { display: true, text: label, color: theme.foreground, font },
    ticks: { color: theme.muted, font, callback: (v: number | string) => formatNumber(Number(v)) },
    grid: { color: theme.grid, lineWidth: 0.5 },
    border: { color: theme.grid },
    ...(range ? { min: range[0], max: range[1] } : {}),
  });
  return {
    type: spec.bars ? 'bar' : 'line',
    data: { datasets: spec.datasets.map(({ reference: _reference, ...d }) => d) as ChartDataset<'line' | 'scatter' | 'bar', XY[]>[] },
    options: {
      animation: false,
      responsive: true,
      maintainAspectRatio: false,
      parsing: false,
      normalized: true,
      interaction: { mode: 'nearest', intersect: false },
      scales: {
        x: { ...axis(spec.xLabel, spec.xRange), offset: false },
        y: spec.yLog
          ? {
              ...axis(spec.yLabel, spec.yRange),
              type: 'logarithmic',
              // Only 1, 2 and 5 × 10^k: Chart.js labels every minor tick otherwise.
              ticks: { color: theme.muted, font, autoSkip: true, callback: (v: number | string) => logTick(Number(v)) },
            }
          : axis(spec.yLabel, spec.yRange),
      },
      plugins: {
        // Datasets without a label (the 2nd… path of a bundle, band edges) stay out of the legend.
        legend: {
          display: spec.legend ?? true,
          // Each entry drawn as its dataset is (a line, or the marker of its points), not a box.
          labels: {
            color: theme.foreground,
            font,
            usePointStyle: true,
            boxHeight: 8,
            filter: (item: { text?: string }) => !!item.text,
          },
        },
        tooltip: {
          // A point drawn at the axis's edge for a value beyond it carries the value (`value`).
          callbacks: {
            label: (c) => {
              const q = c.raw as XY & { value?: number };
              return `${c.dataset.label ?? ''}: (${formatNumber(q.x)}, ${formatNumber(q.value ?? q.y)})`;
            },
          },
        },
        sgdBackground: { color: theme.background },
        sgdAnnotations: { ...(spec.annotations ?? {}), labelColor: theme.muted, font: `${font.size}px ${font.family}` },
      },
    } as ChartConfiguration<'line' | 'scatter' | 'bar', XY[]>['options'],
  };
}

/**
 * The data a spec puts on screen: points with a finite y of its datasets that are not
 * `reference`; a bar stands for as many observations as its height.
 */
export function dataCount(spec: ChartSpec): number {
  let n = 0;
  for (const d of spec.datasets) {
    if (d.reference) continue;
    for (const p of d.data) if (Number.isFinite(p.y)) n += d.type === 'bar' ? p.y : 1;
  }
  return n;
}

/**
 * Draws `spec` on `canvas`: updates the chart already there in place when it has the same type
 * (time-slider frames, theme changes), else replaces it. Synchronous (no animation). Returns
 * the data drawn (`dataCount`).
 */
export function drawChart(canvas: HTMLCanvasElement, spec: ChartSpec, theme: Theme): number {
  const config = chartConfig(spec, theme) as ChartConfiguration;
  const existing = Chart.getChart(canvas);
  let chart: Chart;
  if (existing && (existing.config as { type?: string }).type === config.type) {
    existing.data.datasets = config.data.datasets;
    existing.options = config.options ?? {};
    existing.update('none');
    chart = existing;
  } else {
    existing?.destroy();
    chart = new Chart(canvas, config);
  }
  // For tests: the value-axis ticks as drawn ("," between).
  canvas.dataset.yTicks = (chart.scales['y']?.ticks ?? []).map((t) => t.value).join(',');
  return dataCount(spec);
}

export function destroyChart(canvas: HTMLCanvasElement): void {
  Chart.getChart(canvas)?.destroy();
}
