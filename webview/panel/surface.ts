/**
 * The panel's "Landscape in 3-D" card (2-D functions): f or a smoothed g as a surface you can
 * turn (drag), zoom (wheel) and pan (right-drag), coloured and raised by the scale of the 2-D maps
 * (the Landscape card's colour choice: auto / linear / log / rank), with the sampled paths (up to
 * the time slider's step, as many as the Trajectories card shows) lifted onto it, x* and every
 * method's trials on it: before the end every trial at the latest snapshot at or before the
 * slider's step (as "Where trials end" shows them), at the end the finals; a run without
 * snapshots says why (`whyNoSnapshots`). Drawn by webview/charts/surface3d.ts (three.js) over the geometry of
 * surfaceMesh.ts, only once the card scrolls into view: then this file checks for WebGL2 on a
 * fresh canvas, loads the 3-D bundle (dist/webview/surface3d.js, three.js inside: a <script>
 * carrying this page's CSP nonce, from the folder panel.js came from) once, and draws into that
 * one context for every later run; the context is given back when the page is hidden or the run
 * is not 2-D. Without WebGL the card says so (nothing is loaded) and every other chart works as
 * before.
 *
 * d = 1: the card is hidden. d > 2: the landscape holds curves along slices, not a plane: the card
 * says so.
 *
 * Test hooks (data-testid):
 *   surface-card   the card; data-state = waiting (not scrolled into view yet, or loading) | drawn |
 *                  no-webgl | failed (the 3-D script did not load) | not-2d; data-gl = live |
 *                  released; data-gl-contexts = WebGL contexts this page has created
 *   chart-surface  the canvas: data-drawn, data-points (mesh vertices drawn), data-grid (the
 *                  landscape grid, "201x201"), data-mesh (vertices per axis after thinning),
 *                  data-triangles, data-lines / data-line-points (path pieces on the surface and
 *                  their points), data-marks (finals and x* drawn), data-surface ("f" or "g<i>"),
 *                  data-color-scale (linear | log | rank), data-vertex-sample (JSON rows [ix, iy,
 *                  u, v, height] read back from the vertex buffer at sampled grid points: the
 *                  harness checks them against the grid), data-step (the slider's global step),
 *                  data-snapshot (the snapshot step whose trials the markers show, or "end": the
 *                  finals), data-frame (full | overlay: the last frame drew everything, or only the
 *                  paths and markers over the cached surface)
 *   surface-where  what the markers show and, for a run without snapshots, why (data-snapshots =
 *                  how many the run keeps, or "none")
 *   surface-note   why nothing is drawn (no WebGL, d > 2)
 *   surface-layer  <vscode-single-select>: f, or g of each smoothing radius
 *   surface-reset  back to the starting view        png-chart-surface   save as PNG (exportPng)
 *
 * Over our ~350-line habit on purpose (issue 9): one card around one WebGL context, and loading
 * the 3-D bundle, creating, reusing and giving back that context, and drawing into it all read and
 * change the same module state (the canvas, the loaded module, the view, the card's data-state);
 * the parts that stand alone are already out (the geometry in charts/surfaceMesh.ts, the three.js
 * scene in charts/surface3d.ts).
 */
import type { ViewResult } from '../../src/protocol/webview';
import { asGrid, type ChartUi } from '../charts/chart';
import { gridScale } from '../charts/heat';
import { shownMethods } from '../charts/methods';
import type { SurfaceLine, SurfaceMarks, SurfaceSpec, SurfaceView } from '../charts/surface3d';
import { MAX_MESH_SIDE, surfaceMesh, type SurfaceMesh } from '../charts/surfaceMesh';
import { finalsOf, shownSnapshot, trialsAt, type Snapshot } from '../charts/trials';
import { sliderStep } from '../charts/trajectories';
import { SNAPSHOT_NUMBERS, SNAPSHOTS_MAX } from '../../src/engine/keptSteps';
import { fillSelect, h } from '../shared/dom';
import { formatNumber } from '../shared/format';
import { palette } from '../shared/palette';
import { evenIndices, niceTicks } from '../shared/shape';
import type { Theme } from '../shared/theme';
import type { ScaleChoice } from '../shared/valueScale';
import type { Surface3dModule } from '../surface3d/main';

type Select = HTMLElement & { value: string };

const CANVAS_ID = 'chart-surface';
const TITLE = 'Landscape in 3-D';
/** Points drawn per path at most. */
const MAX_PATH_POINTS = 2000;

export const surfaceSelect = h('vscode-single-select', {
  'data-testid': 'surface-layer',
  title: 'Which surface: f or a smoothed g',
}) as Select;
const resetButton = h(
  'vscode-button',
  { secondary: true, 'data-testid': 'surface-reset', title: 'Back to the starting view (drag turns, the wheel zooms, right-drag pans)' },
  'Reset view',
);
const pngButton = h(
  'vscode-button',
  { secondary: true, 'data-testid': `png-${CANVAS_ID}`, title: `Save “${TITLE}” as PNG`, class: 'png' },
  'PNG',
);
const note = h('p', { class: 'note surface-note', 'data-testid': 'surface-note', hidden: true });
const caption = h('p', { class: 'note', 'data-testid': 'surface-caption' });
/** What the markers show at the slider's step: where every trial is, or the finals and why not more. */
const where = h('p', { class: 'note', 'data-testid': 'surface-where' });
const legend = h('div', { class: 'surface-legend' });
const labelLayer = h('div', { class: 'surface-labels', 'aria-hidden': 'true' });
const box = h('div', { class: 'canvas-box surface-box' }, labelLayer);
const freshCanvas = () => h('canvas', { 'data-testid': CANVAS_ID, 'data-drawn': 'false', role: 'img', 'aria-label': TITLE });
/** The canvas on screen (replaced after its context is given back: a lost context cannot be made again). */
let canvas = freshCanvas();
box.prepend(canvas);
/** The scene, while a WebGL context is held. */
let view3d: SurfaceView | undefined;
/** WebGL contexts this page has created. */
let contexts = 0;

// panel.js's own <script>: the 3-D bundle comes from the same folder, under the same nonce.
const self = document.currentScript as HTMLScriptElement | null;
let loading: Promise<Surface3dModule | undefined> | undefined;

/** Loads dist/webview/surface3d.js once (undefined when it cannot be loaded). */
function loadModule(): Promise<Surface3dModule | undefined> {
  const w = window as unknown as { sgdSurface3d?: Surface3dModule };
  loading ??= new Promise((resolve) => {
    if (w.sgdSurface3d) return resolve(w.sgdSurface3d);
    const src = self?.src ?? '';
    const at = src.lastIndexOf('panel.js');
    if (at < 0) return resolve(undefined);
    const script = document.createElement('script');
    script.nonce = self?.nonce ?? '';
    script.src = `${src.slice(0, at)}surface3d.js${src.slice(at + 'panel.js'.length)}`;
    script.onload = () => resolve(w.sgdSurface3d);
    script.onerror = () => resolve(undefined);
    document.head.append(script);
  });
  return loading;
}

/** A WebGL2 context on `c`, or undefined when the machine has none. */
function webgl(c: HTMLCanvasElement): WebGL2RenderingContext | undefined {
  try {
    return c.getContext('webgl2', { antialias: true, alpha: true, preserveDrawingBuffer: true, powerPreference: 'low-power' }) ?? undefined;
  } catch {
    return undefined;
  }
}

/** Gives the WebGL context back (the scene disposed, a fresh canvas in place). */
function release(): void {
  if (!view3d) return;
  view3d.dispose();
  view3d = undefined;
  const c = freshCanvas();
  canvas.replaceWith(c);
  canvas = c;
}

export const surfaceCard = h(
  'section',
  { class: 'card', 'data-testid': 'surface-card', 'data-state': 'waiting', hidden: true },
  h('header', {}, h('h2', {}, TITLE), h('div', { class: 'toolbar' }, surfaceSelect, resetButton, pngButton)),
  caption,
  where,
  note,
  h('figure', { class: 'chart tall' }, box, legend),
);

/** What the card was last asked to show. */
let pending: { view: ViewResult; t: Theme; ui: ChartUi; live: boolean } | undefined;
/** -1: f; i ≥ 0: landscape.smoothed[i]. Kept across runs (as far as the run has that layer). */
let layer = -1;
let inView = false;

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
 * Why this run's trials cannot be shown over time (undefined when its snapshots are there): the
 * engine keeps every trial's x_t at a few steps only for d ≤ 2 and within a budget of numbers
 * (src/engine/keptSteps.ts snapshotSteps), a live view has none yet, results stored before snapshots
 * existed have none.
 */
export function whyNoSnapshots(view: ViewResult, live: boolean): string | undefined {
  if ((view.sgd.snapshotSteps?.length ?? 0) > 0) return undefined;
  const c = view.config;
  if (live)
    return 'Where all trials are over time is shown once the run has finished (a running experiment sends its finished trials only).';
  if (c.dim > 2)
    return `Positions of all trials over time are kept for d ≤ 2 only; this run has d = ${c.dim}, so Play moves the sampled paths only.`;
  const methods = Math.max(1, c.methods.length);
  const per = c.trials * c.dim * methods;
  const n = (v: number) => v.toLocaleString('en-US');
  if (Math.floor(SNAPSHOT_NUMBERS / per) < 2) {
    const most = Math.floor(SNAPSHOT_NUMBERS / 2 / (c.dim * methods));
    return (
      `Positions of all trials over time are not stored for this run: one snapshot of every trial holds ${n(c.trials)} trials × d = ${c.dim}` +
      `${methods > 1 ? ` × ${methods} methods` : ''} = ${n(per)} numbers, and a run keeps at most ${n(SNAPSHOT_NUMBERS)} numbers of ` +
      `snapshots (${SNAPSHOTS_MAX} at most, none when fewer than 2 fit: up to ${n(most)} trials here). ` +
      'So Play moves the sampled paths only.'
    );
  }
  if ((view.sgd.pathSteps[view.sgd.pathSteps.length - 1] ?? 0) < 2) return 'The run has fewer than two steps: there is no time to show.';
  return 'This result holds no positions of all trials over time (it was stored before runs kept them; run it again to see them), so Play moves the sampled paths only.';
}

function state(s: 'waiting' | 'drawn' | 'no-webgl' | 'failed' | 'not-2d'): void {
  surfaceCard.dataset.state = s;
  surfaceCard.dataset.gl = view3d ? 'live' : 'released';
  surfaceCard.dataset.glContexts = String(contexts);
}

/** The toolbar, shown only over a drawn surface. */
function controls(shown: boolean): void {
  surfaceSelect.hidden = !shown;
  resetButton.hidden = !shown;
  pngButton.hidden = !shown;
}

/** Sets an element's text only when it changes (a time-slider frame leaves the layout alone). */
function setText(el: HTMLElement, text: string): void {
  if (el.textContent !== text) el.textContent = text;
}

function say(text: string): void {
  note.textContent = text;
  note.hidden = !text;
}

/** Sampled grid vertices for the test hook: the corners, the centre and a spread of others. */
function sampleCells(nx: number, ny: number): Array<[number, number]> {
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

function swatch(color: string): HTMLElement {
  const el = h('span', { class: 'swatch' });
  // Through the CSSOM: the CSP allows no inline style attributes.
  el.style.background = color;
  return el;
}

/** Builds the scene's description of `view` for the choices in `ui`. */
function specOf(view: ViewResult, t: Theme, ui: ChartUi): { spec: SurfaceSpec; name: string; kind: string; snap: Snapshot | undefined } {
  const L = view.landscape;
  const g = layer >= 0 ? L.smoothed[layer] : undefined;
  const grid = asGrid(g ? g.values : L.f);
  const { mesh, scale } = meshOf(view, grid, ui.colorScale);
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

/** Why the card draws nothing (and nothing else: the 2-D charts are unaffected). */
function cannotDraw(s: 'no-webgl' | 'failed', text: string): void {
  canvas.dataset.drawn = 'false';
  box.hidden = true;
  controls(false);
  caption.textContent = '';
  where.textContent = '';
  legend.replaceChildren();
  delete legend.dataset.key;
  say(text);
  state(s);
}

let making: Promise<SurfaceView | 'no-webgl' | 'failed'> | undefined;

/** The scene, made when first needed (one at a time). */
function ensureView(): Promise<SurfaceView | 'no-webgl' | 'failed'> {
  if (view3d) return Promise.resolve(view3d);
  making ??= makeView().finally(() => (making = undefined));
  return making;
}

/** A WebGL2 context on the canvas, then the 3-D bundle, then the scene. */
async function makeView(): Promise<SurfaceView | 'no-webgl' | 'failed'> {
  const gl = webgl(canvas);
  if (!gl) return 'no-webgl';
  contexts++;
  const mod = await loadModule();
  if (!mod) {
    gl.getExtension('WEBGL_lose_context')?.loseContext();
    const c = freshCanvas();
    canvas.replaceWith(c);
    canvas = c;
    return 'failed';
  }
  view3d = new mod.SurfaceView(canvas, gl, box, labelLayer);
  return view3d;
}

/** Each call to drawPending; a draw that finds a newer one started leaves the card to it. */
let generation = 0;

/** Draws what `pending` holds, when the card is on screen. */
async function drawPending(): Promise<void> {
  if (!pending || !inView || document.visibilityState === 'hidden') return;
  const mine = ++generation;
  const v = await ensureView();
  if (mine !== generation || !pending) return;
  if (v === 'no-webgl')
    return cannotDraw(
      'no-webgl',
      'No WebGL here, so the 3-D view cannot be drawn; the 2-D maps above show the same landscape. ' +
        '(VS Code gives webviews WebGL unless hardware acceleration is off, e.g. "disable-hardware-acceleration" in argv.json, or the graphics driver is blocked.)',
    );
  if (v === 'failed')
    return cannotDraw('failed', 'The 3-D view’s script (surface3d.js) could not be loaded; the 2-D maps above show the same landscape.');
  const { view, t, ui, live } = pending;
  const L = view.landscape;
  box.hidden = false;
  let spec, name, kind, snap, stats;
  try {
    ({ spec, name, kind, snap } = specOf(view, t, ui));
    stats = v.draw(spec, t);
  } catch (e) {
    canvas.dataset.drawn = 'false';
    canvas.dataset.error = e instanceof Error ? e.message : String(e);
    console.error('chart chart-surface failed', e);
    return;
  }
  say('');
  controls(true);
  const c = canvas;
  const m = spec.mesh;
  c.dataset.drawn = 'true';
  c.dataset.points = String(m.heights.length - m.gaps);
  c.dataset.grid = `${L.x.length}x${L.y!.length}`;
  c.dataset.mesh = `${m.ix.length}x${m.iy.length}`;
  c.dataset.triangles = String(stats.triangles);
  c.dataset.lines = String(stats.lines);
  c.dataset.linePoints = String(stats.linePoints);
  c.dataset.marks = String(stats.marks);
  c.dataset.frame = stats.frame;
  c.dataset.step = String(spec.step);
  c.dataset.snapshot = snap ? String(snap.step) : 'end';
  c.dataset.surface = layer >= 0 ? `g${layer}` : 'f';
  c.dataset.colorScale = kind;
  c.dataset.vertexSample = JSON.stringify(v.sample(m, sampleCells(m.ix.length, m.iy.length)));
  c.removeAttribute('data-error');
  const g = layer >= 0 ? L.smoothed[layer] : undefined;
  const thinned = m.ix.length < L.x.length || m.iy.length < L.y!.length;
  setText(
    caption,
    `${g ? `g = f smoothed by ${g.noise} noise of radius ${formatNumber(g.radius)}` : 'f'}: height and colour on the ${kind} scale of the 2-D maps` +
      `${kind === 'linear' ? ' (values above the 98% quantile cut flat)' : ''}; the sampled paths up to step ${spec.step} and the trials' markers lie on the surface. ` +
      'Drag to turn, wheel to zoom, right-drag to pan.' +
      (thinned ? ` The ${L.x.length}×${L.y!.length} grid is drawn on ${m.ix.length}×${m.iy.length} of its lines.` : '') +
      (m.gaps > 0 ? ` ${m.gaps} grid points where ${name} is not finite are holes.` : ''),
  );
  const atEnd = spec.step >= (view.sgd.pathSteps[view.sgd.pathSteps.length - 1] ?? 0);
  const why = whyNoSnapshots(view, live);
  setText(
    where,
    snap
      ? `Markers: every trial not diverged by then at step ${snap.step}, the latest of the run's ${view.sgd.snapshotSteps.length} stored snapshots ` +
          `(steps ${view.sgd.snapshotSteps.join(', ')}) at or before the slider's step ${spec.step}; the finals y_T at the end.`
      : atEnd || !why
        ? `Markers: the finals y_T (step ${spec.step}, diverged trials left out).${why ? ` ${why}` : ''}`
        : `Markers: the finals y_T, although the slider stands at step ${spec.step}. ${why}`,
  );
  where.dataset.snapshots = why ? 'none' : String(view.sgd.snapshotSteps.length);
  // The legend, made again only when its words change (not on every time-slider frame).
  const keys = shownMethods(view, t).map((s) => ({
    color: s.color,
    text: `${s.name}: paths and ${snap ? `trials at step ${snap.step}` : 'finals'}`,
  }));
  const legendKey = JSON.stringify([keys, palette(t).xStar]);
  if (legend.dataset.key === legendKey) {
    state('drawn');
    return;
  }
  legend.dataset.key = legendKey;
  legend.replaceChildren(
    ...keys.map((s) => h('span', { class: 'key' }, swatch(s.color), s.text)),
    h('span', { class: 'key' }, swatch(palette(t).xStar), 'x*'),
  );
  state('drawn');
}

/**
 * Shows `view` (undefined: no run). The card is hidden for d = 1, says why not for d > 2, and
 * draws a 2-D run once it is on screen.
 */
export function renderSurface(view: ViewResult | undefined, t: Theme, ui: ChartUi, live = false): void {
  // One chart failing must not take the others down.
  try {
    show(view, t, ui, live);
  } catch (e) {
    canvas.dataset.drawn = 'false';
    canvas.dataset.error = e instanceof Error ? e.message : String(e);
    console.error('chart chart-surface failed', e);
  }
}

function show(view: ViewResult | undefined, t: Theme, ui: ChartUi, live: boolean): void {
  if (!view || view.config.dim === 1) {
    pending = undefined;
    surfaceCard.hidden = true;
    release();
    state('not-2d');
    return;
  }
  surfaceCard.hidden = false;
  if (view.config.dim > 2 || !view.landscape.y) {
    pending = undefined;
    release();
    box.hidden = true;
    controls(false);
    caption.textContent = '';
    where.textContent = '';
    legend.replaceChildren();
    delete legend.dataset.key;
    say(
      `A surface needs a function of two variables; this one has d = ${view.config.dim}. Its landscape holds f and g along ` +
        'lines through x* (the Landscape card), which are curves, not a surface, so there is nothing to raise in 3-D. ' +
        (whyNoSnapshots(view, live) ?? ''),
    );
    state('not-2d');
    return;
  }
  box.hidden = false;
  const layers = view.landscape.smoothed;
  if (layer >= layers.length) layer = -1;
  fillSelect(
    surfaceSelect,
    [
      { value: '-1', label: 'surface: f' },
      ...layers.map((s, i) => ({ value: String(i), label: `surface: g, radius ${formatNumber(s.radius)} (${s.noise})` })),
    ],
    String(layer),
  );
  pending = { view, t, ui, live };
  if (!view3d || !inView) state('waiting');
  void drawPending();
}

/** Redraws after a resize of the panel (the drawing buffer follows the box). */
export function resizeSurface(): void {
  view3d?.resize();
}

/** `onPng(id, canvas)` saves the view when its PNG button is pressed. */
export function bindSurface(onPng: (id: string, canvas: HTMLCanvasElement) => void): void {
  pngButton.addEventListener('click', () => onPng(CANVAS_ID, canvas));
  resetButton.addEventListener('click', () => view3d?.reset());
  surfaceSelect.addEventListener('change', () => {
    const v = Number(surfaceSelect.value);
    if (!Number.isInteger(v) || v === layer) return;
    layer = v;
    void drawPending();
  });
  // Drawn when the card comes near the screen; the context is given back while the page is hidden.
  new IntersectionObserver(
    (entries) => {
      inView = entries.some((e) => e.isIntersecting);
      void drawPending();
    },
    { rootMargin: '200px' },
  ).observe(surfaceCard);
  document.addEventListener('visibilitychange', () => {
    if (document.visibilityState === 'hidden') {
      release();
      if (pending) state('waiting');
    } else void drawPending();
  });
}
