/**
 * The landscape: f and the smoothed g. Curves over x (1-D), f beside g as maps (2-D), f and g
 * along each slice x* + t·u (d > 2). Drawn in the panel (`drawLandscape`) and, small, in the side
 * panel (`drawSmallLandscape`, over the `SideLandscapeView` the side panel receives).
 * data-points: the curve points or map cells drawn; 2-D maps also set data-color-scale, the scale
 * each map took ("log,log": f, g), and data-contour-segments the contour segments drawn on each ("812,640").
 */
import type { SideLandscapeView, ViewResult } from '../../src/protocol/webview';
import { drawChart, type Series } from '../shared/charts';
import { withAlpha } from '../shared/color';
import { finiteExtent, interpolate1D } from '../shared/shape';
import { formatNumber } from '../shared/format';
import { palette } from '../shared/palette';
import { drawPlot2D, drawPlots2D, type ContourLayer, type Plot2DSpec } from '../shared/plot2d';
import type { Theme } from '../shared/theme';
import {
  asGrid,
  asLine,
  byGeometry,
  curveOver,
  fitPlaneHeight,
  gridFrame,
  gridXRange,
  line,
  xStarDataset,
  xStarMark,
  type Grid,
  type Window2D,
} from './chart';
import { gridScale, landscapeScale, valueHeat } from './heat';
import { contourSegments, type Segment } from '../shared/contour';
import type { ScaleChoice } from '../shared/valueScale';

export interface LandscapeOptions {
  /** Which landscape.smoothed[i] is drawn beside f (2-D) or along the slices (d > 2); -1 = the first. */
  layer: number;
  /** 2-D: the maps' colour scale (default `auto`). */
  scale?: ScaleChoice;
  /** 2-D: the zoom window (f and g show the same one). */
  zoom?: Window2D;
}

/** The smoothed layer the options pick (undefined for a run without noise). */
function chosenLayer<S>(view: { landscape: { smoothed: S[] } }, o: LandscapeOptions): S | undefined {
  return view.landscape.smoothed[Math.max(0, o.layer)];
}

function resetHeight(canvas: HTMLCanvasElement): void {
  if (canvas.parentElement) canvas.parentElement.style.height = '';
}

/** 1-D: f and every g, x* on f. */
function landscapeLine(canvas: HTMLCanvasElement, view: ViewResult, t: Theme): number {
  const L = view.landscape;
  const p = palette(t);
  const f = asLine(L.f);
  const datasets: Series[] = [line('f', curveOver(L.x, f), p.f, { borderWidth: 1 })];
  L.smoothed.forEach((s, k) => {
    datasets.push(
      line(`g: f convolved with radius ${formatNumber(s.radius)}`, curveOver(L.x, asLine(s.values)), p.series(k), { borderWidth: 2 }),
    );
  });
  resetHeight(canvas);
  const fAtStar = interpolate1D(L.x, f, view.diagnostics.xStar[0]!);
  datasets.push(xStarDataset(view, Number.isFinite(fAtStar) ? fAtStar : (finiteExtent(f)?.[0] ?? 0), t));
  return drawChart(canvas, { datasets, xLabel: 'x', yLabel: 'loss', xRange: gridXRange(L) }, t);
}

/**
 * Contour lines of a map of f or g: CONTOUR.levels levels evenly spaced in colour on the map's
 * scale (valueScale.levels: on a log scale they crowd into the valley as its colours do). Light
 * lines on a dark halo, readable on every part of viridis.
 */
const CONTOUR = { levels: 8, color: 'rgba(255, 255, 255, 0.6)', halo: 'rgba(0, 0, 0, 0.35)', width: 0.8 };
const contourCache = new WeakMap<object, Map<string, Segment[]>>();

function contoursOf(grid: Grid, x: readonly number[], y: readonly number[], choice: ScaleChoice): ContourLayer {
  let byChoice = contourCache.get(grid);
  if (!byChoice) contourCache.set(grid, (byChoice = new Map()));
  let segments = byChoice.get(choice);
  if (!segments) {
    segments = gridScale(grid, choice)
      .levels(CONTOUR.levels)
      .flatMap((level) => contourSegments(grid, x, y, level));
    byChoice.set(choice, segments);
  }
  return { segments, color: CONTOUR.color, halo: CONTOUR.halo, width: CONTOUR.width };
}

/** 2-D: f beside the chosen g, side by side or stacked. */
function landscapePlane(canvas: HTMLCanvasElement, view: ViewResult, t: Theme, o: LandscapeOptions): number {
  const L = view.landscape;
  const layer = chosenLayer(view, o);
  // One kind for f and every g of the run (heat.ts landscapeScale).
  const choice = landscapeScale(L, o.scale ?? 'auto');
  const frame = gridFrame(L, o.zoom);
  const common = { ...frame, marks: [xStarMark(view, t)], boxes: [{ ...view.config.init, color: palette(t).box }] };
  const fGrid = asGrid(L.f);
  const specs: Plot2DSpec[] = [
    {
      ...common,
      title: `f (${CONTOUR.levels} contour lines, evenly spaced in colour)`,
      heat: valueHeat(fGrid, L.x, L.y!, 'f', 1, choice),
      contours: [contoursOf(fGrid, L.x, L.y!, choice)],
      legend: [{ color: palette(t).xStar, label: 'x*', shape: 'star' }],
    },
  ];
  if (layer) {
    const gGrid = asGrid(layer.values);
    specs.push({
      ...common,
      title: `g = f smoothed by ${layer.noise} noise of radius ${formatNumber(layer.radius)}`,
      heat: valueHeat(gGrid, L.x, L.y!, 'g', 1, choice),
      contours: [contoursOf(gGrid, L.x, L.y!, choice)],
    });
  }
  // Side by side when each plot gets ≥ 340 px, else stacked in a taller box.
  const box = canvas.parentElement;
  const width = box?.clientWidth ?? canvas.clientWidth;
  const direction = specs.length > 1 && width < 680 ? 'column' : 'row';
  if (direction === 'column') {
    if (box) box.style.height = `${Math.round(Math.min(340, width * 0.8)) * specs.length}px`;
  } else fitPlaneHeight(canvas, frame, { columns: specs.length, title: true, max: 600 });
  canvas.dataset.colorScale = specs.map((s) => (s.heat as ReturnType<typeof valueHeat>).scale).join(',');
  canvas.dataset.contourSegments = specs.map((s) => s.contours![0]!.segments.length).join(',');
  return drawPlots2D(canvas, specs, t, direction).cells;
}

/**
 * d > 2: f (solid) and the chosen g (dashed) along each slice. g there is a seeded Monte Carlo
 * estimate: a band of ±2 standard errors is shaded under each g slice (band edges are reference
 * lines, not counted in data-points).
 */
function landscapeSlices(canvas: HTMLCanvasElement, view: ViewResult, t: Theme, o: LandscapeOptions): number {
  const L = view.landscape;
  const p = palette(t);
  const layer = chosenLayer(view, o);
  resetHeight(canvas);
  const datasets = asGrid(L.f).map((row, s) => line(`f, slice ${s + 1}`, curveOver(L.x, row), p.series(s), { borderWidth: 1 }));
  if (layer) {
    const errors = layer.stdError ? asGrid(layer.stdError) : undefined;
    asGrid(layer.values).forEach((row, s) => {
      const se = errors?.[s];
      if (se) {
        const shifted = (k: number) =>
          curveOver(
            L.x,
            row.map((v, i) => v + k * se[i]!),
          );
        datasets.push(
          line('', shifted(-2), 'transparent', { borderWidth: 0, reference: true } as Partial<Series>),
          line(`g ± 2 standard errors, slice ${s + 1}`, shifted(2), 'transparent', {
            borderWidth: 0,
            fill: '-1',
            backgroundColor: withAlpha(p.series(s), 0.2),
            reference: true,
          } as Partial<Series>),
        );
      }
      datasets.push(
        line(`g (radius ${formatNumber(layer.radius)}), slice ${s + 1}`, curveOver(L.x, row), p.series(s), {
          borderDash: [5, 3],
          borderWidth: 2,
        }),
      );
    });
  }
  // The slices pass through x* once the run is done; while it goes (x* not yet found from the
  // finals) they pass through the domain's centre or the declared x*: t = 0 is named for what it is.
  const atXStar = slicesThroughXStar(view);
  return drawChart(
    canvas,
    {
      datasets,
      xLabel: atXStar ? 't along slice (x = x* + t·u)' : 't along slice (x = o + t·u, o the centre of the domain)',
      yLabel: 'loss',
      xRange: gridXRange(L),
      annotations: { vlines: [{ x: 0, color: p.xStar, label: atXStar ? 'x*' : 'o' }] },
    },
    t,
  );
}

const byDim = byGeometry<LandscapeOptions>({ line: landscapeLine, plane: landscapePlane, slices: landscapeSlices });

export function drawLandscape(canvas: HTMLCanvasElement, view: ViewResult, t: Theme, o: LandscapeOptions): number {
  delete canvas.dataset.colorScale;
  delete canvas.dataset.contourSegments;
  return byDim(canvas, view, t, o);
}

// ---- the side panel's small picture ----
// Typed against `SideLandscapeView`, what the host posts the side panel: the compiler proves it
// reads nothing else. It draws the first g (`landscape.smoothed[0]`), with no titles, legends or colour bar.

/** 1-D: f and the first g. */
function smallLine(canvas: HTMLCanvasElement, view: SideLandscapeView, t: Theme): number {
  const L = view.landscape;
  const p = palette(t);
  const datasets: Series[] = [line('f', curveOver(L.x, asLine(L.f!)), p.f, { borderWidth: 1 })];
  const layer = L.smoothed[0];
  if (layer)
    datasets.push(line(`g (${formatNumber(layer.radius)})`, curveOver(L.x, asLine(layer.values)), p.series(0), { borderWidth: 2 }));
  return drawChart(canvas, { datasets, xLabel: 'x', yLabel: '', legend: false }, t);
}

/**
 * 2-D: the first g alone (f without noise), on the scale kind the panel's maps take (sent by the
 * host as `scale` when f's grid is not: SideLandscape), x* on it.
 */
function smallPlane(canvas: HTMLCanvasElement, view: SideLandscapeView, t: Theme): number {
  const L = view.landscape;
  // Without `scale`, f is here (a full view's landscape, or a 2-D one without g): the kind from the grids, once per landscape.
  const choice = L.scale ?? landscapeScale(L as { f: unknown; smoothed: SideLandscapeView['landscape']['smoothed'] }, 'auto');
  const { legend: _colorBar, ...heat } = valueHeat(asGrid(L.smoothed[0]?.values ?? L.f!), L.x, L.y!, 'g', 1, choice);
  canvas.dataset.colorScale = heat.scale;
  const { xRange, yRange } = gridFrame(L);
  return drawPlot2D(canvas, { xRange, yRange, heat, marks: [xStarMark(view, t, 6)] }, t).cells;
}

/** d > 2: f and the first g along the first slice. */
function smallSlices(canvas: HTMLCanvasElement, view: SideLandscapeView, t: Theme): number {
  const L = view.landscape;
  const p = palette(t);
  const datasets = [line('f', curveOver(L.x, asGrid(L.f!)[0]!), p.f, { borderWidth: 1 })];
  const layer = L.smoothed[0];
  if (layer)
    datasets.push(line(`g (${formatNumber(layer.radius)})`, curveOver(L.x, asGrid(layer.values)[0]!), p.series(0), { borderWidth: 2 }));
  return drawChart(canvas, { datasets, xLabel: 't (slice 1)', yLabel: '', legend: false }, t);
}

const smallByDim = byGeometry<undefined, SideLandscapeView>({
  line: (c, v, t) => smallLine(c, v, t),
  plane: (c, v, t) => smallPlane(c, v, t),
  slices: (c, v, t) => smallSlices(c, v, t),
});

/** The side panel's small landscape (f and the first g; 2-D: the g map alone); data-points as `drawLandscape`. */
export function drawSmallLandscape(canvas: HTMLCanvasElement, view: SideLandscapeView, t: Theme): number {
  delete canvas.dataset.colorScale;
  delete canvas.dataset.contourSegments;
  return smallByDim(canvas, view, t, undefined);
}

/** Whether the d > 2 slices pass through the view's x* (their origin is x*). */
export function slicesThroughXStar(view: ViewResult): boolean {
  const o = view.landscape.origin;
  const x = view.diagnostics.xStar;
  return !!o && o.length === x.length && o.every((v, j) => v === x[j]);
}
