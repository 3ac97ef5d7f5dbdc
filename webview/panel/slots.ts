/**
 * The panel's charts: the canvas of each, which chart module draws it, and when it is redrawn.
 * `drawSlot` sets the test hooks from what the chart says it drew, and says over a chart that
 * drew nothing why (empty.ts).
 */
import type { ViewResult } from '../../src/protocol/webview';
import type { ChartUi, Draw } from '../charts/chart';
import { drawConvexity } from '../charts/convexity';
import { WHY_EMPTY } from '../charts/empty';
import { drawFig5GradNorm, drawFig5Inner, drawFig5Probe } from '../charts/fig5';
import { drawFinals } from '../charts/finals';
import { drawHistogram } from '../charts/histogram';
import { drawLandscape } from '../charts/landscape';
import { drawNoiseConvexity, drawNoiseLandscapes, drawNoiseQq } from '../charts/minibatch';
import { drawPlaneConvexity, drawPlaneLandscapes } from '../charts/plane';
import { drawTrajectories } from '../charts/trajectories';
import { h } from '../shared/dom';
import type { Theme } from '../shared/theme';

export interface ChartSlot {
  /** data-testid of the canvas, e.g. chart-landscape. */
  id: string;
  title: string;
  canvas: HTMLCanvasElement;
  /** Over the canvas: why the chart shows nothing (hidden while it shows data). */
  note: HTMLElement;
  draw: Draw<ChartUi>;
  /**
   * Redrawn when the time slider moves (`true`), or when it moves to another of the run's
   * snapshots (`'where'`: where all trials are, which changes at a few steps only).
   */
  timed?: boolean | 'where';
  /** Drawn from partial results while a run goes (needs no diagnostics). */
  live?: boolean;
  /** Gets the taller canvas box. */
  tall?: boolean;
}

function slot(id: string, title: string, draw: Draw<ChartUi>, opts: Pick<ChartSlot, 'timed' | 'live' | 'tall'> = {}): ChartSlot {
  const canvas = h('canvas', { 'data-testid': id, 'data-drawn': 'false', role: 'img', 'aria-label': title });
  const note = h('p', { class: 'chart-empty', 'data-testid': `empty-${id}`, hidden: true });
  return { id, title, canvas, note, draw, ...opts };
}

export const SLOTS = {
  landscape: slot(
    'chart-landscape',
    'Landscape: f and the smoothed g',
    (c, v, t, ui) => drawLandscape(c, v, t, { layer: ui.landscapeLayer, scale: ui.colorScale, ...(ui.zoom ? { zoom: ui.zoom } : {}) }),
    { tall: true, live: true },
  ),
  trajectories: slot('chart-trajectories', 'Sampled SGD and GD paths', drawTrajectories, { timed: true, tall: true, live: true }),
  finals: slot('chart-finals', 'Final iterates y_T', drawFinals, { live: true, timed: 'where' }),
  histogram: slot('chart-histogram', 'Histogram of y_T', drawHistogram, { live: true, timed: 'where' }),
  convexity: slot('chart-convexity', 'One-point convexity c(y) of the smoothed landscape', drawConvexity, { tall: true }),
  fig5Inner: slot('chart-fig5-inner', '(a) ⟨−∇f(x_t), x_T − x_t⟩', drawFig5Inner),
  fig5Probe: slot('chart-fig5-probe', '(b) at random w near x_t: toward x_T from x_t, and from w', drawFig5Probe),
  fig5GradNorm: slot('chart-fig5-gradnorm', '(c) stochastic gradient norm', drawFig5GradNorm),
  noiseLandscapes: slot('chart-noise-g', 'g under the measured minibatch noise and under the isotropic model', drawNoiseLandscapes, {
    tall: true,
  }),
  noiseConvexity: slot('chart-noise-c', 'c(y) under each', drawNoiseConvexity, { tall: true }),
  noiseQq: slot('chart-noise-qq', 'QQ plot: the minibatch kicks at x* against the Gaussian model', drawNoiseQq),
  planeLandscapes: slot('chart-plane-g', 'f and g on the plane through x*, the paths and finals projected', drawPlaneLandscapes, {
    tall: true,
  }),
  planeConvexity: slot('chart-plane-c', 'c(y) on the plane', drawPlaneConvexity, { tall: true }),
};

export const ALL_SLOTS: ChartSlot[] = Object.values(SLOTS);

/**
 * Draws one chart: data-drawn="true" and data-points from what it drew, data-live while it shows
 * a running experiment. One chart failing must not take the others down: it says so on its canvas.
 */
export function drawSlot(s: ChartSlot, view: ViewResult, theme: Theme, ui: ChartUi, live: boolean): void {
  try {
    // The box's CSS height, unless the chart fits it to a 2-D map (fitPlaneHeight) again.
    if (s.canvas.parentElement) s.canvas.parentElement.style.height = '';
    const n = s.draw(s.canvas, view, theme, ui);
    s.canvas.dataset.points = String(n);
    s.canvas.dataset.drawn = 'true';
    if (live) s.canvas.dataset.live = 'true';
    else s.canvas.removeAttribute('data-live');
    s.canvas.removeAttribute('data-error');
    const why = n === 0 ? WHY_EMPTY[s.id]?.(view, ui) : undefined;
    s.note.textContent = why ?? '';
    s.note.hidden = !why;
    if (why) s.canvas.dataset.empty = why;
    else s.canvas.removeAttribute('data-empty');
  } catch (e) {
    s.canvas.dataset.drawn = 'false';
    s.canvas.dataset.error = e instanceof Error ? e.message : String(e);
    console.error(`chart ${s.id} failed`, e);
  }
}

/** Marks a chart as showing nothing. */
export function clearSlot(s: ChartSlot): void {
  s.canvas.dataset.drawn = 'false';
  s.canvas.dataset.points = '0';
  s.canvas.removeAttribute('data-empty');
  s.note.hidden = true;
}
