/**
 * One-point convexity c(y) of the smoothed landscape: the curve of every radius with the region
 * where the chosen one is positive shaded and the estimated c as a rule (1-D), a signed map with
 * its c = 0 contour and inf c marked (2-D), c along each slice (d > 2). data-points: the curve
 * points or map cells drawn; the 2-D map also sets data-contour-segments (segments of the c = 0
 * line drawn) and data-color-scale ("−a,b": c ≤ −a and c ≥ b take the full colours).
 */
import type { ConvexityMap } from '../../src/engine/types';
import type { ViewResult } from '../../src/protocol/webview';
import { drawChart, type Annotations, type Series, type XY } from '../shared/charts';
import { withAlpha } from '../shared/color';
import { formatNumber } from '../shared/format';
import { palette } from '../shared/palette';
import { contourSegments } from '../shared/contour';
import { drawPlot2D } from '../shared/plot2d';
import { clippedStretches, positiveIntervals, quantileExtent, roundedRange } from '../shared/shape';
import type { Theme } from '../shared/theme';
import { asGrid, asLine, byGeometry, curveOver, dots, gridFrame, gridXRange, line, xStarMark, type ChartUi, type Draw } from './chart';
import { signedHeat } from './heat';
import { unsmoothedNoiseText } from '../../src/view/gradientNoise';

/** The map the user picked (undefined when the run has none: no noisy stage, or a live view). */
function selected(view: ViewResult, ui: ChartUi): ConvexityMap | undefined {
  const maps = view.diagnostics.convexity;
  return maps[Math.min(Math.max(0, ui.convexityIndex), maps.length - 1)];
}

/** Empty axes when there is no c(y) to draw. */
function orEmpty(draw: (canvas: HTMLCanvasElement, view: ViewResult, t: Theme, sel: ConvexityMap) => number): Draw<ChartUi> {
  return (canvas, view, t, ui) => {
    delete canvas.dataset.contourSegments;
    delete canvas.dataset.colorScale;
    for (const k of ['yRange', 'clipped', 'estimate', 'estimateEdge', 'curve'] as const) delete canvas.dataset[k];
    const sel = selected(view, ui);
    return sel ? draw(canvas, view, t, sel) : drawChart(canvas, { datasets: [], xLabel: 'x', yLabel: 'c(y)' }, t);
  };
}

const finite = (data: { x: number; y: number }[]) => data.filter((q) => Number.isFinite(q.y));

/**
 * The stage a map belongs to (the first stage smoothed at its radius and noise; radius 0: a stage
 * without noise), with the c Theorem 1 judged that stage by and the region it was taken over.
 */
export function stageOf(view: ViewResult, sel: ConvexityMap): { stage: number; c: number; region: [number, number] } | undefined {
  const stages = view.config.stages;
  const k = stages.findIndex((s) =>
    sel.radius > 0 ? s.radius === sel.radius && s.noise === sel.noise : s.noise === 'none' || !(s.radius > 0),
  );
  if (k < 0) return undefined;
  const box = stages[k]!.init ?? view.config.init;
  const c = view.diagnostics.theorem1.find((t) => t.stage === k)?.c ?? sel.c;
  return { stage: k, c, region: [box.low[0]!, box.high[0]!] };
}

/**
 * c(y) curves with the y-axis fitted to the selected curve: its 2%–98% quantiles and 0, widened to
 * round ticks (1, 2 or 5 × 10^k). The curves of much smaller radii can be orders of magnitude
 * larger and the selected one spikes near x*: what the axis cuts off is marked at the axis's edge
 * (▲ / ▼, one per stretch, at its extreme; the tooltip gives the value). The estimated c is drawn
 * over the region it is the infimum of (the start region of its stage), its place marked ×; the
 * axis is not widened for it (the spike at x* it often comes from would squash the rest), so when
 * it lies beyond the axis a × on the axis's edge says its value instead.
 * data-estimate-edge: "above:c" / "below:c" when it does.
 */
function curves(
  canvas: HTMLCanvasElement,
  view: ViewResult,
  t: Theme,
  sel: ConvexityMap,
  datasets: Series[],
  xLabel: string,
  bands: Annotations['bands'],
  oneCurve?: number[],
) {
  const p = palette(t);
  const values = (sel.values as Array<number | number[]>).flat();
  const ext = quantileExtent(values, 0.02, 0.98);
  const st = view.config.dim === 1 ? stageOf(view, sel) : undefined;
  const c = st?.c ?? sel.c;
  const yr = ext ? roundedRange(Math.min(ext[0], 0), Math.max(ext[1], 0)) : undefined;
  // Where the estimated c lies beyond the axis (undefined: on it, or no axis fitted).
  const beyond = yr && Number.isFinite(c) ? (c > yr[1] ? 'above' : c < yr[0] ? 'below' : undefined) : undefined;
  const edgeMarks: NonNullable<Annotations['edgeMarks']> = [];
  delete canvas.dataset.estimateEdge;
  const extra: Series[] = [];
  if (yr && oneCurve) {
    const clipped = clippedStretches(view.landscape.x, oneCurve, yr[0], yr[1]);
    // For tests: the stretches cut off, "above:x:value" each (';' between).
    canvas.dataset.clipped = clipped.map((q) => `${q.side}:${q.x}:${q.value}`).join(';');
    if (clipped.length > 0)
      extra.push(
        dots(
          'beyond the axis (▲ above, ▼ below)',
          clipped.map((q) => ({ x: q.x, y: q.side === 'above' ? yr[1] : yr[0], value: q.value }) as XY),
          p.cEstimate,
          {
            pointStyle: 'triangle',
            rotation: clipped.map((q) => (q.side === 'above' ? 0 : 180)),
            pointRadius: 5,
            clip: false,
            reference: true,
          } as Partial<Series>,
        ),
      );
  }
  if (st && Number.isFinite(c)) {
    const inRegion = view.landscape.x.flatMap((x, i) => (x >= st.region[0] && x <= st.region[1] && oneCurve ? [oneCurve[i]!] : []));
    const curveMin = Math.min(...inRegion.filter(Number.isFinite));
    // Below the curve: the mean-value bound (g lower somewhere in the region than at x*) capped it.
    const bound = Number.isFinite(curveMin) && c < curveMin - 1e-9 * Math.max(1, Math.abs(c));
    // For tests: the estimated c, the region it is drawn over, and which of the two it is.
    canvas.dataset.estimate = `${c},${st.region[0]},${st.region[1]},${bound ? 'bound' : 'inf'}`;
    extra.push(
      line(
        `estimated c = ${formatNumber(c)}: ${bound ? 'mean-value bound (g is lower in the region than at x*)' : 'inf of this curve'} on stage ${st.stage + 1}'s start region [${formatNumber(st.region[0])}, ${formatNumber(st.region[1])}]${beyond ? ` (${beyond} the axis: × on its edge)` : ''}`,
        [
          { x: st.region[0], y: c },
          { x: st.region[1], y: c },
        ],
        p.cEstimate,
        { borderDash: [5, 3], borderWidth: 1.5, reference: true } as Partial<Series>,
      ),
    );
    if (beyond) {
      // Beyond the axis: a × on its edge, at the curve's least point (else the region's middle), with the value.
      const at = !bound && sel.argInf.length > 0 ? sel.argInf[0]! : (st.region[0] + st.region[1]) / 2;
      edgeMarks.push({ x: at, side: beyond, color: p.cEstimate, label: `estimated c = ${formatNumber(c)} (${beyond} the axis)` });
      canvas.dataset.estimateEdge = `${beyond}:${c}`;
    } else if (!bound && sel.argInf.length > 0)
      extra.push(
        dots('', [{ x: sel.argInf[0]!, y: c }], p.cEstimate, {
          pointStyle: 'crossRot',
          pointRadius: 6,
          borderWidth: 2,
          reference: true,
        } as Partial<Series>),
      );
  }
  if (yr) canvas.dataset.yRange = `${yr[0]},${yr[1]}`;
  const hlines: NonNullable<Annotations['hlines']> = [{ y: 0, color: p.rule, dash: [] }];
  if (!st && Number.isFinite(c)) {
    if (beyond) {
      const xs = view.landscape.x;
      edgeMarks.push({
        x: (xs[0]! + xs[xs.length - 1]!) / 2,
        side: beyond,
        color: p.cEstimate,
        label: `estimated c = ${formatNumber(c)} (${beyond} the axis)`,
      });
      canvas.dataset.estimateEdge = `${beyond}:${c}`;
    } else hlines.push({ y: c, color: p.cEstimate, label: `estimated c = ${formatNumber(c)}` });
  }
  return drawChart(
    canvas,
    {
      datasets: [...extra, ...datasets],
      xLabel,
      xRange: gridXRange(view.landscape),
      yLabel: 'c(y) = ⟨−∇g(y), x* − y⟩ / ‖x* − y‖²',
      ...(yr ? { yRange: yr } : {}),
      annotations: { bands, hlines, edgeMarks },
    },
    t,
  );
}

/** The legend name of a map: its radius, or f itself for radius 0 (a stage without noise, or with minibatch noise). */
function radiusLabel(m: ConvexityMap, view: ViewResult): string {
  return m.radius > 0 ? `c(y), radius ${formatNumber(m.radius)}` : `c(y) of f (${unsmoothedNoiseText(view.config.stages)})`;
}

/**
 * 1-D: c(y) of the radius (stage) picked, bold and on top, the others faint behind it; where the
 * picked one is positive shaded.
 */
const convexityLine = orEmpty((canvas, view, t, sel) => {
  const p = palette(t);
  const x = view.landscape.x;
  const maps = view.diagnostics.convexity;
  const k0 = maps.indexOf(sel);
  canvas.dataset.curve = String(k0);
  // Chart.js draws the first dataset on top: the picked curve first.
  const order = [k0, ...maps.map((_, k) => k).filter((k) => k !== k0)];
  const datasets = order.map((k) => {
    const m = maps[k]!;
    const picked = m === sel;
    return line(radiusLabel(m, view), finite(curveOver(x, asLine(m.values))), picked ? p.series(k) : withAlpha(p.series(k), 0.3), {
      borderWidth: picked ? 2.5 : 1,
      spanGaps: true,
    } as Partial<Series>);
  });
  const bands = positiveIntervals(x, asLine(sel.values)).map(([from, to]) => ({ from, to, color: withAlpha(p.cPositiveBand, 0.14) }));
  return curves(canvas, view, t, sel, datasets, 'y', bands, asLine(sel.values));
});

/** d > 2: the chosen radius's c along each slice. */
const convexitySlices = orEmpty((canvas, view, t, sel) => {
  const p = palette(t);
  const datasets = asGrid(sel.values).map((row, s) =>
    line(`c along slice ${s + 1}`, finite(curveOver(view.landscape.x, row)), p.series(s), { spanGaps: true } as Partial<Series>),
  );
  return curves(canvas, view, t, sel, datasets, 't along slice', []);
});

/**
 * 2-D: c(y) as a signed map centred at 0 (c > 0 one colour, c ≤ 0 the other, each side on its own
 * scale), the c = 0 line drawn, inf c and x* marked.
 */
const convexityPlane = orEmpty((canvas, view, t, sel) => {
  const L = view.landscape;
  const p = palette(t);
  const label = radiusLabel(sel, view);
  const grid = asGrid(sel.values);
  const heat = signedHeat(grid, L.x, L.y!, label, { negative: p.cNegative, positive: p.cPositive }, t);
  const zero = contourSegments(grid, L.x, L.y!, 0);
  const drawn = drawPlot2D(
    canvas,
    {
      ...gridFrame(L),
      heat,
      contours: [{ segments: zero, color: p.cZero, width: 1.25 }],
      boxes: [{ ...view.config.init, color: p.box }],
      marks: [{ points: [sel.argInf], color: p.cInf, radius: 6, shape: 'cross' }, xStarMark(view, t)],
      legend: [
        { color: p.cPositive, label: `c(y) > 0: ${sel.radius > 0 ? 'g' : 'f'} points toward x*` },
        { color: p.cNegative, label: 'c(y) ≤ 0' },
        { color: p.cZero, label: 'c(y) = 0', shape: 'line' },
        { color: p.cInf, label: `inf c = ${formatNumber(sel.c)}`, shape: 'cross' },
      ],
    },
    t,
  );
  canvas.dataset.contourSegments = String(drawn.segments);
  canvas.dataset.colorScale = `${-heat.scale.negative},${heat.scale.positive}`;
  return drawn.cells;
});

export const drawConvexity = byGeometry<ChartUi>({ line: convexityLine, plane: convexityPlane, slices: convexitySlices });
