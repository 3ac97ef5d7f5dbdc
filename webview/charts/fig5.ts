/**
 * The paper's Figure 5 along the SGD trajectories, one chart per panel over step t:
 * (a) ⟨−∇f(x_t), x_T − x_t⟩, (b) the same at random points w near x_t, in both readings of the
 * paper's caption (toward x_T from x_t, and from w), (c) the stochastic gradient's norm. The same
 * for every dimension. data-points: the points of the means drawn (and of the minimum in (a)).
 */
import type { ViewResult } from '../../src/protocol/webview';
import { drawChart, type Series, type XY } from '../shared/charts';
import { withAlpha } from '../shared/color';
import { formatNumber } from '../shared/format';
import { palette } from '../shared/palette';
import { finiteExtent } from '../shared/shape';
import type { Theme } from '../shared/theme';
import { line, stageRules } from './chart';

function series(steps: number[], values: number[]): XY[] {
  return steps.map((x, i) => ({ x, y: values[i]! })).filter((p) => Number.isFinite(p.y));
}

/**
 * A mean with its min–max band (the band's edges are drawn, not counted): the band filled at 30%
 * and its edges as thin lines, so it reads on a dark background too.
 */
function band(label: string, steps: number[], mean: number[], lo: number[], hi: number[], color: string): Series[] {
  return [
    line('', series(steps, lo), withAlpha(color, 0.55), { borderWidth: 0.75, reference: true } as Partial<Series>),
    line(`${label} min–max`, series(steps, hi), withAlpha(color, 0.55), {
      borderWidth: 0.75,
      fill: '-1',
      backgroundColor: withAlpha(color, 0.3),
      pointStyle: 'rect',
      reference: true,
    } as Partial<Series>),
    line(`${label} mean`, series(steps, mean), color, { borderWidth: 2 }),
  ];
}

/** (a) ⟨−∇f(x_t), x_T − x_t⟩: minimum and mean over trials. */
export function drawFig5Inner(canvas: HTMLCanvasElement, view: ViewResult, t: Theme): number {
  const tr = view.diagnostics.trajectory;
  const p = palette(t);
  return drawChart(
    canvas,
    {
      datasets: [
        line('min over trials', series(tr.steps, tr.innerMin), p.innerMin, { borderWidth: 2 }),
        line('mean', series(tr.steps, tr.innerMean), p.innerMean),
      ],
      xLabel: 'step t',
      yLabel: '⟨−∇f(x_t), x_T − x_t⟩',
      annotations: { hlines: [{ y: 0, color: p.rule, dash: [] }], vlines: stageRules(view, t) },
    },
    t,
  );
}

/**
 * (b) the inner product at random points w near x_t (mean with min/max band), in both readings of
 * the paper's caption: ⟨−∇f(w), x_T − x_t⟩ and ⟨−∇f(w), x_T − w⟩ at the same w. Late in a run
 * x_T − x_t is tiny next to the probe ball, so the first can go negative where the second does not.
 */
export function drawFig5Probe(canvas: HTMLCanvasElement, view: ViewResult, t: Theme): number {
  const tr = view.diagnostics.trajectory;
  const p = palette(t);
  const datasets = band('⟨−∇f(w), x_T − x_t⟩', tr.steps, tr.probeMean, tr.probeMin, tr.probeMax, p.probe);
  if (tr.probeAtWMean && tr.probeAtWMin && tr.probeAtWMax)
    datasets.push(...band('⟨−∇f(w), x_T − w⟩', tr.steps, tr.probeAtWMean, tr.probeAtWMin, tr.probeAtWMax, p.probeAtW));
  return drawChart(
    canvas,
    {
      datasets,
      xLabel: 'step t',
      yLabel: `inner product at w, ‖w − x_t‖ ≤ ${formatNumber(view.config.probeRadius)}`,
      annotations: { hlines: [{ y: 0, color: p.rule, dash: [] }], vlines: stageRules(view, t) },
    },
    t,
  );
}

/** (c) the stochastic gradient's norm along the trajectories (log axis when it spans over 100×). */
export function drawFig5GradNorm(canvas: HTMLCanvasElement, view: ViewResult, t: Theme): number {
  const tr = view.diagnostics.trajectory;
  const ext = finiteExtent([...tr.gradNormMin, ...tr.gradNormMax]);
  const yLog = !!ext && ext[0] > 0 && ext[1] / ext[0] > 100;
  return drawChart(
    canvas,
    {
      datasets: band('‖∇f + ω‖', tr.steps, tr.gradNormMean, tr.gradNormMin, tr.gradNormMax, palette(t).gradNorm),
      xLabel: 'step t',
      yLabel: 'stochastic gradient norm',
      yLog,
      annotations: { vlines: stageRules(view, t) },
    },
    t,
  );
}
