/**
 * The plane through x* for d > 2 (`diagnostics.plane`, issue 14): f and each smoothed g on the
 * plane x* + αu + βv, with the sampled SGD paths and the finals projected onto it, and for a
 * minibatch run the model trials' finals on the g map of their own law (`drawPlaneLandscapes`), and c(y) on it under each smoothing (`drawPlaneConvexity`). The g maps
 * share one colour scale, f has its own. data-points: map cells and finals drawn.
 */
import type { PlaneSmoothing, SlicePlane } from '../../src/engine/types';
import { planeSmoothingName } from '../../src/view/plane';
import { contourSegments } from '../shared/contour';
import { formatNumber } from '../shared/format';
import { palette } from '../shared/palette';
import { drawPlots2D, type LineLayer, type Plot2DSpec } from '../shared/plot2d';
import type { ChartUi, Draw } from './chart';
import { sharedScaleKind, signedHeat, valueHeat } from './heat';

/** Columns for k plots: side by side while each gets ≥ 300 px, else fewer; the box grows to hold the rows. */
function layoutFor(canvas: HTMLCanvasElement, k: number): number {
  const box = canvas.parentElement;
  const width = box?.clientWidth ?? canvas.clientWidth;
  const columns = Math.max(1, Math.min(k, Math.floor(width / 300)));
  const rows = Math.ceil(k / columns);
  if (box) box.style.height = rows > 1 ? `${Math.round(Math.min(360, width / columns)) * rows}px` : '';
  return columns;
}

function frame(p: SlicePlane): Pick<Plot2DSpec, 'xRange' | 'yRange' | 'xLabel' | 'yLabel'> {
  return {
    xRange: [p.alpha[0]!, p.alpha[p.alpha.length - 1]!],
    yRange: [p.beta[0]!, p.beta[p.beta.length - 1]!],
    xLabel: 'α (along u)',
    yLabel: 'β (along v)',
  };
}

/** The projected paths shown (as many as the Trajectories card shows) and the finite projected finals. */
function overlays(p: SlicePlane, ui: ChartUi, color: string): { lines: LineLayer[]; finals: number[][] } {
  const shown = Math.min(p.paths.length, Math.max(0, ui.pathsShown));
  const lines = p.paths
    .slice(0, shown)
    .map((path) => ({ points: path.filter((q) => q.every(Number.isFinite)), color, width: 1 }))
    .filter((l) => l.points.length > 1);
  return { lines, finals: p.finals.filter((q) => q.every(Number.isFinite)) };
}

/** The finite projected finals of the model trials under a law (`measured`: N(0, η²C(x*)); `isotropic`: N(0, σ²I)); none for other laws. */
export function planeModelFinals(p: SlicePlane, kind: PlaneSmoothing['kind']): number[][] {
  const mf = p.modelFinals;
  const finals = !mf ? [] : kind === 'measured' ? mf.anisotropic : kind === 'isotropic' ? mf.isotropic : [];
  return finals.filter((q) => q.every(Number.isFinite));
}

/** f beside each g on the plane, paths and finals over every map, x* at the centre; on g under N(0, η²C(x*)) and N(0, σ²I), the finals of those models' trials. */
export const drawPlaneLandscapes: Draw<ChartUi> = (canvas, view, t, ui) => {
  const plane = view.diagnostics.plane;
  if (!plane) return 0;
  const pal = palette(t);
  const { lines, finals } = overlays(plane, ui, pal.sgd);
  const xStar = { points: [[0, 0]], color: pal.xStar, radius: 8, shape: 'star' as const, stroke: t.background };
  const models = plane.smoothed.some((s) => planeModelFinals(plane, s.kind).length > 0);
  const legend = [
    { color: pal.sgd, label: `sampled SGD paths (${lines.length}) and finals, projected` },
    ...(models ? [{ color: pal.gd, label: 'model trials’ finals (kicks of this map’s law)', shape: 'square' as const }] : []),
    { color: pal.xStar, label: 'x*', shape: 'star' as const },
  ];
  // f and the g maps on one kind of scale (heat.ts sharedScaleKind).
  const kind = sharedScaleKind(plane, () => [plane.f, plane.smoothed.flatMap((s) => s.values)], ui.colorScale);
  const fHeat = valueHeat(plane.f, plane.alpha, plane.beta, 'f', 1, kind);
  const gHeat = plane.smoothed.length
    ? valueHeat(
        plane.smoothed.flatMap((s) => s.values),
        plane.alpha,
        plane.beta,
        'g',
        1,
        kind,
      )
    : undefined;
  canvas.dataset.colorScale = fHeat.scale;
  const spec = (title: string, heat: Plot2DSpec['heat'], last: boolean, modelFinals: number[][] = []): Plot2DSpec => ({
    ...frame(plane),
    title,
    heat,
    lines,
    points: [
      { points: finals, color: pal.sgd, radius: 2.5, shape: 'circle' },
      ...(modelFinals.length ? [{ points: modelFinals, color: pal.gd, radius: 2.5, shape: 'square' as const }] : []),
    ],
    marks: [xStar],
    ...(last ? { legend } : {}),
  });
  const specs = [
    spec('f on the plane', fHeat, plane.smoothed.length === 0),
    ...plane.smoothed.map((s, k) =>
      spec(
        `g under ${planeSmoothingName(s)}`,
        { ...gHeat!, grid: s.values, ...(k === plane.smoothed.length - 1 ? {} : { legend: undefined }) },
        k === plane.smoothed.length - 1,
        planeModelFinals(plane, s.kind),
      ),
    ),
  ];
  const drawn = drawPlots2D(canvas, specs, t, layoutFor(canvas, specs.length));
  return drawn.cells + drawn.points;
};

/** c(y) on the plane under each smoothing: signed maps centred at 0, the c = 0 line, inf c marked. */
export const drawPlaneConvexity: Draw<ChartUi> = (canvas, view, t) => {
  const plane = view.diagnostics.plane;
  if (!plane || plane.smoothed.length === 0) return 0;
  const pal = palette(t);
  const specs = plane.smoothed.map((s): Plot2DSpec => {
    const heat = signedHeat(s.convexity, plane.alpha, plane.beta, 'c(y)', { negative: pal.cNegative, positive: pal.cPositive }, t);
    return {
      ...frame(plane),
      title: `c(y) under ${planeSmoothingName(s)}`,
      heat,
      contours: [{ segments: contourSegments(s.convexity, plane.alpha, plane.beta, 0), color: pal.cZero, width: 1.25 }],
      marks: [
        ...(s.argInf.length === 2 ? [{ points: [s.argInf], color: pal.cInf, radius: 6, shape: 'cross' as const }] : []),
        { points: [[0, 0]], color: pal.xStar, radius: 8, shape: 'star' as const, stroke: t.background },
      ],
      legend: [
        { color: pal.cPositive, label: 'c(y) > 0: g points toward x*' },
        { color: pal.cNegative, label: 'c(y) ≤ 0' },
        {
          color: pal.cInf,
          label: `inf c over ${plane.region === 'grid' ? 'the plane (it misses the start box)' : 'the start box'} = ${formatNumber(s.c)} (${formatNumber(100 * s.positiveFraction)}% positive)`,
          shape: 'cross',
        },
      ],
    };
  });
  const drawn = drawPlots2D(canvas, specs, t, layoutFor(canvas, specs.length));
  return drawn.cells;
};
