/**
 * The measured minibatch noise against the paper's isotropic model (issue 14), from
 * `diagnostics.gradientNoise`: g under N(0, η²C(x*)) beside g under the isotropic N(0, σ²I) of the
 * same trace on one colour scale, where they differ most marked, each with the finals of its
 * Gaussian model's trials and the minibatch trials' finals (`drawNoiseLandscapes`); their c(y)
 * maps side by side (`drawNoiseConvexity`); the QQ plot of the actual kicks at x* along C's top
 * eigenvector against the Gaussian model (`drawNoiseQq`). data-points: map cells and finals drawn;
 * QQ points drawn.
 */
import type { NoiseLandscape } from '../../src/engine/types';
import { drawChart } from '../shared/charts';
import { contourSegments } from '../shared/contour';
import { formatNumber } from '../shared/format';
import { palette } from '../shared/palette';
import { drawPlots2D, type Plot2DSpec } from '../shared/plot2d';
import { dots, gridFrame, line, xStarMark, type ChartUi, type Draw } from './chart';
import { signedHeat, valueHeat } from './heat';

/** Side by side when each plot gets ≥ 340 px, else one above the other in a taller box. */
function pairDirection(canvas: HTMLCanvasElement): 'row' | 'column' {
  const box = canvas.parentElement;
  const width = box?.clientWidth ?? canvas.clientWidth;
  const direction = width < 680 ? 'column' : 'row';
  if (box) box.style.height = direction === 'column' ? `${Math.round(Math.min(340, width * 0.8)) * 2}px` : '';
  return direction;
}

const covarianceText = (m: NoiseLandscape) =>
  `[[${formatNumber(m.covariance[0][0])}, ${formatNumber(m.covariance[0][1])}], [${formatNumber(m.covariance[1][0])}, ${formatNumber(m.covariance[1][1])}]]`;

/** g under the measured noise beside g under the isotropic model (one colour scale), finals of each model's trials and of the minibatch trials. */
export const drawNoiseLandscapes: Draw<ChartUi> = (canvas, view, t, ui) => {
  const nl = view.diagnostics.gradientNoise?.landscapes;
  const L = view.landscape;
  delete canvas.dataset.colorScale;
  if (!nl || !L.y) return 0;
  const p = palette(t);
  // One scale for both: computed over the two grids together.
  const both = valueHeat([...nl.anisotropic.values, ...nl.isotropic.values], L.x, L.y, 'g', 1, ui.colorScale);
  canvas.dataset.colorScale = both.scale;
  const minibatch = view.sgd.finals.filter((_, i) => !view.sgd.divergedMask[i]);
  const gn = view.diagnostics.gradientNoise!;
  const mt = gn.modelTrials;
  const spec = (m: NoiseLandscape, title: string, modelFinals: number[][], withBar: boolean): Plot2DSpec => ({
    ...gridFrame(L),
    title,
    heat: { ...both, grid: m.values, ...(withBar ? {} : { legend: undefined }) },
    boxes: [{ ...view.config.init, color: p.box }],
    points: [
      { points: minibatch, color: p.sgd, radius: 2.5, shape: 'circle' },
      { points: modelFinals.filter((q) => q.every(Number.isFinite)), color: p.gd, radius: 2.5, shape: 'square' },
    ],
    marks: [xStarMark(view, t), { points: [nl.disagreement.at], color: t.foreground, radius: 7, shape: 'cross' }],
    legend: [
      { color: p.sgd, label: `minibatch SGD finals (B = ${gn.batchSize})`, shape: 'circle' },
      { color: p.gd, label: 'finals with the Gaussian model’s kicks', shape: 'square' },
      { color: t.foreground, label: `largest |g_C − g_iso| = ${formatNumber(nl.disagreement.maxAbs)}`, shape: 'cross' },
    ],
  });
  const drawn = drawPlots2D(
    canvas,
    [
      spec(
        nl.anisotropic,
        `g under the measured noise N(0, η²C(x*)), Σ = ${covarianceText(nl.anisotropic)}`,
        mt?.anisotropicFinals ?? [],
        false,
      ),
      spec(
        nl.isotropic,
        `g under isotropic N(0, σ²I) of the same trace, σ = ${formatNumber(gn.isotropicSigma)}`,
        mt?.isotropicFinals ?? [],
        true,
      ),
    ],
    t,
    pairDirection(canvas),
  );
  return drawn.cells + drawn.points;
};

/** c(y) under each noise, side by side: signed maps centred at 0, the c = 0 line, inf c marked. */
export const drawNoiseConvexity: Draw<ChartUi> = (canvas, view, t) => {
  const nl = view.diagnostics.gradientNoise?.landscapes;
  const L = view.landscape;
  if (!nl || !L.y) return 0;
  const p = palette(t);
  const spec = (m: NoiseLandscape, title: string): Plot2DSpec => {
    const heat = signedHeat(m.convexity, L.x, L.y!, 'c(y)', { negative: p.cNegative, positive: p.cPositive }, t);
    return {
      ...gridFrame(L),
      title,
      heat,
      contours: [{ segments: contourSegments(m.convexity, L.x, L.y!, 0), color: p.cZero, width: 1.25 }],
      boxes: [{ ...view.config.init, color: p.box }],
      marks: [
        ...(m.argInf.length === 2 ? [{ points: [m.argInf], color: p.cInf, radius: 6, shape: 'cross' as const }] : []),
        xStarMark(view, t),
      ],
      legend: [
        { color: p.cPositive, label: 'c(y) > 0: g points toward x*' },
        { color: p.cNegative, label: 'c(y) ≤ 0' },
        { color: p.cInf, label: `inf c = ${formatNumber(m.c)} (${formatNumber(100 * m.positiveFraction)}% positive)`, shape: 'cross' },
      ],
    };
  };
  const drawn = drawPlots2D(
    canvas,
    [spec(nl.anisotropic, 'c(y) under the measured noise'), spec(nl.isotropic, 'c(y) under the isotropic model')],
    t,
    pairDirection(canvas),
  );
  return drawn.cells;
};

/** QQ plot: the actual kicks' quantiles against the normal's, in units of the model's σ, and the line y = x. */
export const drawNoiseQq: Draw<ChartUi> = (canvas, view, t) => {
  const s = view.diagnostics.gradientNoise?.spectrum;
  const qq = s?.qq;
  if (!s || !qq || qq.normal.length === 0)
    return drawChart(canvas, { datasets: [], xLabel: 'normal quantile', yLabel: 'kick quantile' }, t);
  const p = palette(t);
  const pts = qq.normal.map((x, i) => ({ x, y: qq.kicks[i]! })).filter((q) => Number.isFinite(q.x) && Number.isFinite(q.y));
  const ext = Math.max(3, ...pts.map((q) => Math.abs(q.y)), ...pts.map((q) => Math.abs(q.x)));
  drawChart(
    canvas,
    {
      datasets: [
        dots(`kicks at x* along C's top eigenvector (${s.kickSamples}; KS ${formatNumber(s.ksDistance)})`, pts, p.sgd),
        line(
          'Gaussian model N(0, η²λ₁): y = x',
          [
            { x: -ext, y: -ext },
            { x: ext, y: ext },
          ],
          p.rule,
          { borderDash: [4, 3] } as never,
        ),
      ],
      xLabel: 'N(0, 1) quantile',
      yLabel: 'kick quantile / (η√λ₁)',
      xRange: [-ext, ext],
    },
    t,
  );
  return pts.length;
};
