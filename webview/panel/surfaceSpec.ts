/**
 * What the "Landscape in 3-D" card (surface.ts) hands the three.js scene (charts/surface3d.ts) for a
 * run and the panel's choices, and the card's words: the mesh of f or g on the 2-D maps' value scale
 * (made once per grid and scale), the sampled paths with their steps (the same array while only the
 * time slider moves, so the scene lifts them once), where every trial is at the slider's step, the
 * axes' ticks; the caption and what the markers show (why a run cannot show its trials over time:
 * shared/snapshots.ts).
 * No WebGL and no card state here: the card keeps those.
 */
import type { ViewResult } from '../../src/protocol/webview';
import { asGrid, type ChartUi } from '../charts/chart';
import { gridScale, landscapeScale } from '../charts/heat';
import { shownMethods } from '../charts/methods';
import type { SurfaceLine, SurfaceMarks, SurfaceSpec } from '../charts/surface3d';
import { MAX_MESH_SIDE, surfaceMesh, type SurfaceMesh } from '../charts/surfaceMesh';
import { sliderStep } from '../charts/trajectories';
import { finalsOf, shownSnapshot, trialsAt, type Snapshot } from '../charts/trials';
import { formatNumber } from '../shared/format';
import { palette } from '../shared/palette';
import { whyNoSnapshots } from '../shared/snapshots';
import { evenIndices, niceTicks } from '../shared/shape';
import type { Theme } from '../shared/theme';
import type { ScaleChoice } from '../shared/valueScale';

/** Points drawn per path at most. */
const MAX_PATH_POINTS = 2000;

type GridScale = ReturnType<typeof gridScale>;
const meshes = new WeakMap<object, Map<string, { mesh: SurfaceMesh; scale: GridScale }>>();

/** The value scale of a grid and its mesh, made once per grid object and scale choice (time-slider frames and redraws reuse them). */
function meshOf(view: ViewResult, grid: number[][], choice: ScaleChoice): { mesh: SurfaceMesh; scale: GridScale } {
  let byChoice = meshes.get(grid);
  if (!byChoice) meshes.set(grid, (byChoice = new Map()));
  let m = byChoice.get(choice);
  if (!m) {
    const scale = gridScale(grid, choice);
    byChoice.set(choice, (m = { scale, mesh: surfaceMesh(view.landscape.x, view.landscape.y!, grid, scale.at, MAX_MESH_SIDE) }));
  }
  return m;
}

/** The paths last handed to the scene, and what they were made from: the same array while only the step changes, so the scene lifts them once. */
let pathsMade: { view: ViewResult; theme: Theme; shown: number; lines: SurfaceLine[] } | undefined;

/** The whole sampled paths (as many as the Trajectories card shows), each thinned to MAX_PATH_POINTS with its points' steps. */
function pathsOf(view: ViewResult, t: Theme, ui: ChartUi): SurfaceLine[] {
  if (pathsMade && pathsMade.view === view && pathsMade.theme === t && pathsMade.shown === ui.pathsShown) return pathsMade.lines;
  const lines: SurfaceLine[] = [];
  for (const s of shownMethods(view, t)) {
    const plain = s.run ? s.run.noise === 'none' : s.m === view.gd;
    for (const k of evenIndices(s.m.paths.length, Math.max(1, ui.pathsShown))) {
      const path = s.m.paths[k]!;
      const keep = evenIndices(Math.min(path.length, s.m.pathSteps.length), MAX_PATH_POINTS);
      if (keep.length > 1)
        lines.push({ points: keep.map((i) => path[i]!), steps: keep.map((i) => s.m.pathSteps[i]!), color: s.color, plain });
    }
  }
  pathsMade = { view, theme: t, shown: ui.pathsShown, lines };
  return lines;
}

/**
 * The scene's description of `view` for the choices in `ui`, with the surface `layer` (−1: f;
 * i ≥ 0: landscape.smoothed[i]); `name` is "f" or "g", `kind` the scale drawn, `snap` the snapshot
 * whose trials the markers show (undefined: the finals).
 */
export function surfaceSpec(
  view: ViewResult,
  t: Theme,
  ui: ChartUi,
  layer: number,
): { spec: SurfaceSpec; name: string; kind: string; snap: Snapshot | undefined } {
  const L = view.landscape;
  const g = layer >= 0 ? L.smoothed[layer] : undefined;
  const grid = asGrid(g ? g.values : L.f);
  const { mesh, scale } = meshOf(view, grid, landscapeScale(L, ui.colorScale));
  const name = g ? 'g' : 'f';
  const step = sliderStep(view, ui);
  // Where every trial is: at the latest snapshot at or before the slider's step, at the end the finals.
  const snap = shownSnapshot(view, ui);
  const marks: SurfaceMarks[] = shownMethods(view, t).map((s) => ({
    points: (snap ? trialsAt(view, s.m, snap) : finalsOf(view, s.m, undefined)).map((q) => q.y),
    color: s.color,
    shape: s.shape,
    size: 8,
    capacity: s.m.finals.length,
  }));
  marks.push({ points: [view.diagnostics.xStar], color: palette(t).xStar, shape: 'star', size: 16 });
  const axisTicks = (a: readonly number[]) => {
    const lo = a[0]!;
    const hi = a[a.length - 1]!;
    return hi > lo ? niceTicks(lo, hi, 4).map((v) => ({ t: (v - lo) / (hi - lo), label: formatNumber(v) })) : [];
  };
  const scaleWord = scale.kind === 'linear' ? '' : ` (${scale.kind})`;
  return {
    name,
    kind: scale.kind,
    spec: {
      x: L.x,
      y: L.y!,
      mesh,
      xLabel: 'x₁',
      yLabel: 'x₂',
      zLabel: `${name}${scaleWord}`,
      xTicks: axisTicks(L.x),
      yTicks: axisTicks(L.y!),
      zTicks: scale.ticks,
      lines: pathsOf(view, t, ui),
      step,
      marks,
    },
    snap,
  };
}

/** Sampled grid vertices for the test hook: the corners, the centre and a spread of others. */
export function sampleCells(nx: number, ny: number): Array<[number, number]> {
  const cells: Array<[number, number]> = [
    [0, 0],
    [nx - 1, 0],
    [0, ny - 1],
    [nx - 1, ny - 1],
    [nx >> 1, ny >> 1],
  ];
  for (let k = 1; k <= 7; k++) cells.push([(k * 37) % nx, (k * 53) % ny]);
  return cells;
}

/** The caption under the card's title: what the surface is, on which scale, and how to turn it. */
export function surfaceCaption(view: ViewResult, layer: number, spec: SurfaceSpec, name: string, kind: string): string {
  const L = view.landscape;
  const m = spec.mesh;
  const g = layer >= 0 ? L.smoothed[layer] : undefined;
  const thinned = m.ix.length < L.x.length || m.iy.length < L.y!.length;
  return (
    `${g ? `g = f smoothed by ${g.noise} noise of radius ${formatNumber(g.radius)}` : 'f'}: height and colour on the ${kind} scale of the 2-D maps` +
    `${kind === 'linear' ? ' (values above the 98% quantile cut flat)' : ''}; the sampled paths up to step ${spec.step} and the trials' markers lie on the surface. ` +
    'Drag to turn, wheel to zoom, right-drag to pan.' +
    (thinned ? ` The ${L.x.length}×${L.y!.length} grid is drawn on ${m.ix.length}×${m.iy.length} of its lines.` : '') +
    (m.gaps > 0 ? ` ${m.gaps} grid points where ${name} is not finite are holes.` : '')
  );
}

/** What the markers show at the slider's step `step`: every trial at snapshot `snap`, or the finals (and, when the slider is not at the end, why). */
export function markersText(view: ViewResult, live: boolean, step: number, snap: Snapshot | undefined): string {
  const atEnd = step >= (view.sgd.pathSteps[view.sgd.pathSteps.length - 1] ?? 0);
  const why = whyNoSnapshots(view, live);
  return snap
    ? `Markers: every trial not diverged by then at step ${snap.step}, the latest of the run's ${view.sgd.snapshotSteps.length} stored snapshots ` +
        `(steps ${view.sgd.snapshotSteps.join(', ')}) at or before the slider's step ${step}; the finals y_T at the end.`
    : atEnd || !why
      ? `Markers: the finals y_T (step ${step}, diverged trials left out).${why ? ` ${why}` : ''}`
      : `Markers: the finals y_T, although the slider stands at step ${step}. ${why}`;
}
