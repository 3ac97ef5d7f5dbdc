/**
 * Zoom and pan on the 2-D plots: the wheel zooms about the pointer, a drag pans, a double-click
 * goes back to the whole grid. Every plot over the plane (f and g, the paths, the finals, the
 * density) shows one window, ChartUi.zoom, so their axes stay in sync; the window keeps the
 * grid's aspect (the plots draw one unit as long on both axes) and stays inside the grid.
 * The pure window arithmetic (`zoomAbout`, `panBy`) is unit-tested in test/unit/webview-zoom.test.ts.
 *
 * Test hook: each canvas it binds carries data-zoom, "x0,x1,y0,y1" of the window, or "" for the
 * whole grid.
 */
import type { ViewResult } from '../../src/protocol/webview';
import { gridFrame, type ChartUi, type Window2D } from '../charts/chart';
import { frameAt } from '../shared/plot2d';

/** The smallest window: this fraction of the grid's width. */
const MIN_FRACTION = 1e-3;

/** The whole grid of a 2-D view. */
export function fullWindow(view: ViewResult): Window2D {
  const f = gridFrame(view.landscape);
  return { x: f.xRange, y: f.yRange };
}

/** `w` shifted, as little as needed, to lie inside `full` (it is never larger than `full`). */
function inside(w: Window2D, full: Window2D): Window2D {
  const fit = (r: [number, number], f: [number, number]): [number, number] => {
    const span = r[1] - r[0];
    const lo = Math.min(Math.max(r[0], f[0]), f[1] - span);
    return [lo, lo + span];
  };
  return { x: fit(w.x, full.x), y: fit(w.y, full.y) };
}

/**
 * The window after zooming `w` by `factor` (< 1 in, > 1 out) about the data point (px, py),
 * which stays where it is on screen; undefined when that reaches the whole grid (zoom reset).
 */
export function zoomAbout(w: Window2D, full: Window2D, px: number, py: number, factor: number): Window2D | undefined {
  const fullW = full.x[1] - full.x[0];
  const width = w.x[1] - w.x[0];
  const k = Math.max((MIN_FRACTION * fullW) / width, factor);
  if (width * k >= fullW * (1 - 1e-9)) return undefined;
  const scale = (r: [number, number], p: number): [number, number] => [p - (p - r[0]) * k, p + (r[1] - p) * k];
  return inside({ x: scale(w.x, px), y: scale(w.y, py) }, full);
}

/** The window dragged by (dx, dy) in data units (the content follows the pointer), kept inside the grid. */
export function panBy(w: Window2D, full: Window2D, dx: number, dy: number): Window2D {
  return inside({ x: [w.x[0] - dx, w.x[1] - dx], y: [w.y[0] - dy, w.y[1] - dy] }, full);
}

export interface ZoomHost {
  ui: ChartUi;
  shownView(): ViewResult | undefined;
  /** Redraws the plots over the plane (with ui.zoom as it now is). */
  redraw(): void;
  save(): void;
}

/** Binds zoom and pan to the canvases of the plots over the plane. */
export function bindZoom(canvases: readonly HTMLCanvasElement[], host: ZoomHost): { sync(): void } {
  let pending = false;
  const sync = () => {
    const z = host.ui.zoom;
    const text = z ? [...z.x, ...z.y].map((v) => String(Number(v.toPrecision(6)))).join(',') : '';
    const plane = host.shownView()?.config.dim === 2;
    for (const c of canvases) {
      c.dataset.zoom = text;
      c.classList.toggle('zoomable', plane);
      if (plane) c.title = 'Wheel: zoom · drag: pan · double-click: whole grid (all maps follow)';
      else c.removeAttribute('title');
    }
  };
  const apply = (w: Window2D | undefined) => {
    if (w) host.ui.zoom = w;
    else delete host.ui.zoom;
    sync();
    if (pending) return;
    pending = true;
    requestAnimationFrame(() => {
      pending = false;
      host.redraw();
    });
  };
  let saveTimer: number | undefined;
  const saveSoon = () => {
    clearTimeout(saveTimer);
    saveTimer = window.setTimeout(() => host.save(), 300);
  };
  const plane = () => {
    const view = host.shownView();
    return view && view.config.dim === 2 ? view : undefined;
  };
  for (const canvas of canvases) {
    canvas.addEventListener(
      'wheel',
      (e) => {
        const view = plane();
        const f = view && frameAt(canvas, e.offsetX, e.offsetY);
        if (!view || !f) return;
        e.preventDefault();
        const px = f.x[0] + ((e.offsetX - f.left) / f.width) * (f.x[1] - f.x[0]);
        const py = f.y[1] - ((e.offsetY - f.top) / f.height) * (f.y[1] - f.y[0]);
        const full = fullWindow(view);
        const delta = e.deltaMode === 1 ? e.deltaY * 16 : e.deltaY;
        apply(zoomAbout(host.ui.zoom ?? full, full, px, py, Math.exp(delta * 0.002)));
        saveSoon();
      },
      { passive: false },
    );
    let drag: { x: number; y: number; w: Window2D; perX: number; perY: number } | undefined;
    canvas.addEventListener('pointerdown', (e) => {
      const view = plane();
      const f = view && frameAt(canvas, e.offsetX, e.offsetY);
      if (!view || !f || e.button !== 0 || !host.ui.zoom) return;
      drag = {
        x: e.offsetX,
        y: e.offsetY,
        w: host.ui.zoom,
        perX: (f.x[1] - f.x[0]) / f.width,
        perY: (f.y[1] - f.y[0]) / f.height,
      };
      canvas.setPointerCapture(e.pointerId);
      canvas.classList.add('panning');
    });
    canvas.addEventListener('pointermove', (e) => {
      const view = plane();
      if (!drag || !view) return;
      apply(panBy(drag.w, fullWindow(view), (e.offsetX - drag.x) * drag.perX, -(e.offsetY - drag.y) * drag.perY));
    });
    const end = () => {
      if (!drag) return;
      drag = undefined;
      canvas.classList.remove('panning');
      saveSoon();
    };
    canvas.addEventListener('pointerup', end);
    canvas.addEventListener('pointercancel', end);
    canvas.addEventListener('dblclick', () => {
      if (!plane() || !host.ui.zoom) return;
      apply(undefined);
      saveSoon();
    });
  }
  return { sync };
}
