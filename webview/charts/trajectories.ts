/**
 * The sampled paths of every method (SGD and GD by default) up to the time slider's step: x against step (1-D), the paths
 * over f (2-D), the distance to x* against step (d > 2). data-points: path points drawn.
 */
import type { ViewMethodResult, ViewResult } from '../../src/protocol/webview';
import { drawChart, type Series, type XY } from '../shared/charts';
import { withAlpha } from '../shared/color';
import { palette } from '../shared/palette';
import { drawPlot2D, type LineLayer } from '../shared/plot2d';
import { distance, evenIndices, pathUntil, thinPath } from '../shared/shape';
import type { Theme } from '../shared/theme';
import { asGrid, byGeometry, domainX, dots, fitPlaneHeight, gridFrame, line, stageRules, xStarMark, type ChartUi } from './chart';
import { landscapeScale, valueHeat } from './heat';
import { shownMethods } from './methods';
import { sliderStep } from './trials';

export { sliderStep } from './trials';

/** Points drawn per path at most (config.trajectoryPoints may keep up to 100 000). */
const MAX_PATH_POINTS = 2000;

/** Path points as [step, ...x] cut at the slider's step, thinned for drawing. */
function cut(path: number[][], steps: number[], step: number): number[][] {
  return thinPath(
    pathUntil(
      path.map((p, i) => [steps[i]!, ...p]),
      steps,
      step,
    ),
    MAX_PATH_POINTS,
  );
}

interface Method {
  name: string;
  m: ViewMethodResult;
  color: string;
  /** A deterministic method (GD, noise "none"): its paths dashed. */
  plain: boolean;
}

function methods(view: ViewResult, t: Theme): Method[] {
  return shownMethods(view, t).map((s) => ({
    name: s.name,
    m: s.m,
    color: s.color,
    plain: s.run ? s.run.noise === 'none' : s.m === view.gd,
  }));
}

/** The sampled paths of `m` the user asked to see, each cut at `step` as [step, ...x] (empty ones left out). */
function shownPaths(m: ViewMethodResult, ui: ChartUi, step: number): number[][][] {
  return evenIndices(m.paths.length, Math.max(1, ui.pathsShown))
    .map((k) => cut(m.paths[k]!, m.pathSteps, step))
    .filter((pts) => pts.length > 0);
}

/** What the y-axis of paths against step measures. */
interface Axis {
  label: string;
  value: (x: number[]) => number;
  range?: [number, number];
  /** x* as a rule across the chart (1-D). */
  xStarRule?: boolean;
}

/** Paths against step, on a y-axis that measures the coordinate (1-D) or the distance to x* (d > 2). */
function pathsOverSteps(axisOf: (view: ViewResult) => Axis) {
  return (canvas: HTMLCanvasElement, view: ViewResult, t: Theme, ui: ChartUi): number => {
    const axis = axisOf(view);
    const p = palette(t);
    const step = sliderStep(view, ui);
    const total = view.config.stages.reduce((s, st) => s + st.steps, 0);
    const datasets: Series[] = [];
    const starts: XY[] = [];
    for (const { name, m, color, plain } of methods(view, t)) {
      const ends: XY[] = [];
      shownPaths(m, ui, step).forEach((pts, j) => {
        const data = pts.map((q) => ({ x: q[0]!, y: axis.value(q.slice(1)) }));
        datasets.push(
          line(j === 0 ? `${name} paths` : '', data, withAlpha(color, plain ? 0.9 : 0.6), {
            borderWidth: 1,
            ...(plain ? { borderDash: [4, 2] } : {}),
          }),
        );
        starts.push(data[0]!);
        ends.push(data[data.length - 1]!);
      });
      datasets.push(
        dots(`${name} at step ${step}`, ends, color, { pointStyle: 'rect', pointRadius: 4, reference: true } as Partial<Series>),
      );
    }
    datasets.push(dots('start', starts, p.start, { pointRadius: 3, reference: true } as Partial<Series>));
    return drawChart(
      canvas,
      {
        datasets,
        xLabel: 'step',
        yLabel: axis.label,
        xRange: [0, total],
        ...(axis.range ? { yRange: axis.range } : {}),
        legend: true,
        annotations: {
          vlines: stageRules(view, t),
          hlines: axis.xStarRule ? [{ y: view.diagnostics.xStar[0]!, color: p.xStar, label: 'x*' }] : [],
        },
      },
      t,
    );
  };
}

/** 2-D: the paths over a faint map of f, starts as dots, where each path is at the slider's step as squares. */
function trajectoriesPlane(canvas: HTMLCanvasElement, view: ViewResult, t: Theme, ui: ChartUi): number {
  const L = view.landscape;
  const step = sliderStep(view, ui);
  const lines: LineLayer[] = [];
  const starts: number[][] = [];
  const ends = methods(view, t).map(({ name, m, color, plain }) => {
    const at: number[][] = [];
    for (const path of shownPaths(m, ui, step)) {
      const pts = path.map((p) => p.slice(1));
      lines.push({
        points: pts,
        color: withAlpha(color, 0.9),
        width: plain ? 1.6 : 1.2,
        // A halo in the background's colour keeps every path visible on the map, dark or bright.
        halo: withAlpha(t.background, 0.55),
        ...(plain ? { dash: [4, 2] } : {}),
      });
      starts.push(pts[0]!);
      at.push(pts[pts.length - 1]!);
    }
    return { name, color, at };
  });
  const frame = gridFrame(L, ui.zoom);
  // The plot takes the panel's width (one unit as long on both axes), up to a height that fits a screen.
  fitPlaneHeight(canvas, frame, { max: 760 });
  return drawPlot2D(
    canvas,
    {
      ...frame,
      heat: valueHeat(asGrid(L.f), L.x, L.y!, 'f', 0.55, landscapeScale(L, ui.colorScale)),
      lines,
      marks: [
        { points: starts, color: palette(t).start, radius: 3, shape: 'circle' },
        ...ends.map(({ at, color }) => ({ points: at, color, radius: 3.5, shape: 'square' as const, stroke: t.background })),
        xStarMark(view, t),
      ],
      legend: [
        ...ends.map(({ name, color }) => ({ color, label: `${name} path (■ at step ${step})` })),
        { color: palette(t).start, label: 'start', shape: 'circle' as const },
      ],
    },
    t,
  ).vertices;
}

export const drawTrajectories = byGeometry<ChartUi>({
  line: pathsOverSteps((view) => ({ label: 'x', value: (x) => x[0]!, range: domainX(view), xStarRule: true })),
  plane: trajectoriesPlane,
  slices: pathsOverSteps((view) => ({ label: '‖x − x*‖', value: (x) => distance(x, view.diagnostics.xStar) })),
});
