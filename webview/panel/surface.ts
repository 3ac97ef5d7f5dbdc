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
 * What the card hands the scene and its words (the mesh, the paths, the markers, the captions, why
 * a run has no snapshots) are made in surfaceSpec.ts; this file keeps what shares the card's
 * state: its DOM, loading the 3-D bundle, creating, reusing and giving back the one WebGL
 * context, and drawing into it when the card is on screen.
 */
import type { ViewResult } from '../../src/protocol/webview';
import type { ChartUi } from '../charts/chart';
import { shownMethods } from '../charts/methods';
import type { SurfaceView } from '../charts/surface3d';
import { fillSelect, h } from '../shared/dom';
import { formatNumber } from '../shared/format';
import { palette } from '../shared/palette';
import type { Theme } from '../shared/theme';
import type { Surface3dModule } from '../surface3d/main';
import { whyNoSnapshots } from '../shared/snapshots';
import { markersText, sampleCells, surfaceCaption, surfaceSpec } from './surfaceSpec';

type Select = HTMLElement & { value: string };

const CANVAS_ID = 'chart-surface';
const TITLE = 'Landscape in 3-D';

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

function swatch(color: string): HTMLElement {
  const el = h('span', { class: 'swatch' });
  // Through the CSSOM: the CSP allows no inline style attributes.
  el.style.background = color;
  return el;
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
    ({ spec, name, kind, snap } = surfaceSpec(view, t, ui, layer));
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
  setText(caption, surfaceCaption(view, layer, spec, name, kind));
  setText(where, markersText(view, live, spec.step, snap));
  const why = whyNoSnapshots(view, live);
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
