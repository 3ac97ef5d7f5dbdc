/**
 * The methods a chart draws, each with its fixed colour and marker (palette.ts): every method of
 * the run in the order of config.methods (RUN.json `methods`), or the paper's pair SGD and GD for
 * views without `methods` (a run while it goes, runs stored before methods existed). Also which
 * layout "Where trials end" takes (columns side by side, as the paper's Figure 3 row 2, or one
 * chart overlaid) and where a final outside the drawn domain is put (on its edge).
 */
import type { ViewMethodResult, ViewMethodRun, ViewResult } from '../../src/protocol/webview';
import type { Box, FinalsPoint, Histogram } from '../../src/engine/types';
import type { Shape } from '../shared/canvasMarks';
import { palette } from '../shared/palette';
import type { Theme } from '../shared/theme';
import type { ChartUi } from './chart';

export interface ShownMethod {
  /** Index in config.methods (the colour's index too). */
  k: number;
  name: string;
  m: ViewMethodResult;
  /** The method's spec and success counts (absent in a live view or an old stored run). */
  run?: ViewMethodRun;
  color: string;
  shape: Shape;
  finalsAre: FinalsPoint;
}

/** Index of the method named `name` in config.methods, else `fallback`. */
function indexOf(view: ViewResult, name: string, fallback: number): number {
  const k = view.config.methods?.findIndex((m) => m.name === name) ?? -1;
  return k >= 0 ? k : fallback;
}

/** The methods of `view` in their order, each with its colour and marker. */
export function shownMethods(view: ViewResult, t: Theme): ShownMethod[] {
  const p = palette(t);
  const one = (k: number, name: string, m: ViewMethodResult, finalsAre: FinalsPoint, run?: ViewMethodRun): ShownMethod => ({
    k,
    name,
    m,
    color: p.method(k),
    shape: p.methodShape(k),
    finalsAre,
    ...(run ? { run } : {}),
  });
  if (view.methods && view.methods.length > 0) return view.methods.map((m, k) => one(k, m.name, m, m.finalsAre, m));
  // The pair: their names and places in config.methods when the config has them (a live run).
  const roles = view.config.methods ?? [];
  const sgdName = roles.find((m) => m.optimizer.kind === 'sgd' && m.noise !== 'none')?.name ?? 'SGD';
  const gdName = roles.find((m) => m.optimizer.kind === 'sgd' && m.noise === 'none')?.name ?? 'GD';
  const out = [one(indexOf(view, sgdName, 0), sgdName, view.sgd, 'y_T')];
  if (view.gd) out.push(one(indexOf(view, gdName, 1), gdName, view.gd, 'y_T'));
  return out;
}

/** Columns (one small chart per method, shared axes) or one chart with the methods overlaid. */
export function methodsLayout(view: ViewResult, ui: ChartUi): 'columns' | 'overlay' {
  if (ui.methodsLayout === 'columns' || ui.methodsLayout === 'overlay') return ui.methodsLayout;
  return (view.methods?.length ?? 0) >= 3 ? 'columns' : 'overlay';
}

/** The counts of method k in histogram `h` (the engine's bins; `sgd`/`gd` for views without methods). */
export function countsOf(h: Histogram | undefined, s: ShownMethod, view: ViewResult): { counts: number[]; counts2d?: number[][] } {
  if (!h) return { counts: [] };
  const per = h.methods?.[s.k];
  if (per && view.methods) return per;
  const isGd = !!view.gd && s.m === view.gd;
  const counts = isGd ? h.gd : h.sgd;
  const counts2d = isGd ? h.gd2d : h.sgd2d;
  return counts2d ? { counts, counts2d } : { counts };
}

/** Whether p lies in the box (coordinates beyond the box's length are not checked). */
export function inBox(p: readonly number[], box: Box): boolean {
  for (let j = 0; j < box.low.length && j < p.length; j++) if (!(p[j]! >= box.low[j]! && p[j]! <= box.high[j]!)) return false;
  return true;
}

/** p moved onto the box's edge where it lies outside (each coordinate clamped). */
export function ontoEdge(p: readonly number[], box: Box): number[] {
  return p.map((v, j) => (j < box.low.length ? Math.min(box.high[j]!, Math.max(box.low[j]!, v)) : v));
}

/** "SGD", "Adam (x_T)": a method's name, saying when its finals are x_T rather than the paper's y_T. */
export function methodLabel(s: ShownMethod): string {
  return s.finalsAre === 'x_T' ? `${s.name} (x_T)` : s.name;
}

/**
 * Whether a method adds no noise (GD, or any method with noise "none"): its finals sit on a few
 * exact points, which a noisy method's cloud around the same minima would hide, so charts draw
 * them on top and outlined.
 */
export function isNoiseless(view: ViewResult, s: ShownMethod): boolean {
  return s.run ? s.run.role === 'gd' || s.run.noise === 'none' : !!view.gd && s.m === view.gd;
}

/**
 * The order overlaid finals are drawn in (first at the bottom): the noisy methods with the first
 * of the run's methods on top of them, then the noiseless ones (isNoiseless) over all.
 */
export function drawingOrder<T extends { s: ShownMethod }>(view: ViewResult, methods: readonly T[]): T[] {
  const reversed = [...methods].reverse();
  return [...reversed.filter((m) => !isNoiseless(view, m.s)), ...reversed.filter((m) => isNoiseless(view, m.s))];
}
