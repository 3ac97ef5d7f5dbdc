/**
 * The panel's "Compare runs" card: stored runs side by side (state.compare, picked in the side
 * panel's recent runs): columns of final iterates and of histograms on shared axes (a grid when
 * the panel is narrow), the columns overlaid in one chart (2-D: each one's finals as a density with
 * the points on top), and the success counts of every method of every run, each cell with a tick
 * that draws that method of that run as a column (by default each run's primary method). Drawn by
 * webview/charts/compare.ts; this file holds the DOM and the test hooks:
 *
 *   compare-card    the card (hidden without a comparison); data-runs = the ids shown, comma-separated;
 *                   data-columns = the columns drawn as runId/method, comma-separated
 *   compare-close   closes the comparison (→ compareRuns with no ids)
 *   compare-missing runs asked for that are no longer stored
 *   chart-compare-finals, chart-compare-histogram, chart-compare-overlay
 *                   canvases with data-drawn / data-points (finals drawn, trials binned) as the panel's
 *                   charts; the first two also data-grid = "columns×rows"
 *   compare-success table: one row per run (data-run-id), one column per kind of method (what it is:
 *                   a run of plain SGD without noise is GD); a cell holds data-success (count),
 *                   data-method (the method's name in RUN.json), data-what (its column), and the tick
 *                   compare-draw (data-run-id, data-method) drawing it
 */
import type { CompareState } from '../../src/protocol/webview';
import type { ChartUi } from '../charts/chart';
import {
  COMPARE_COLUMNS_MAX,
  compareColumns,
  compareLabels,
  drawCompareFinals,
  drawCompareHistograms,
  drawCompareOverlay,
  gridFor,
  methodWhat,
  successOfMethod,
  type CompareColumn,
} from '../charts/compare';
import { shownMethods } from '../charts/methods';
import { h, setChildren } from '../shared/dom';
import { formatFraction } from '../shared/format';
import type { Theme } from '../shared/theme';

interface CompareSlot {
  id: string;
  title: string;
  canvas: HTMLCanvasElement;
  /** Height of one row of plots (the finals and histogram columns wrap into rows when narrow); 0: fixed by CSS. */
  rowHeight: number;
  draw: (canvas: HTMLCanvasElement, cols: CompareColumn[], t: Theme, ui: ChartUi, columns: number) => number;
}

function slot(id: string, title: string, rowHeight: number, draw: CompareSlot['draw']): CompareSlot {
  return {
    id,
    title,
    rowHeight,
    canvas: h('canvas', { 'data-testid': id, 'data-drawn': 'false', role: 'img', 'aria-label': title }),
    draw,
  };
}

const SLOTS: CompareSlot[] = [
  slot('chart-compare-finals', 'Final iterates, one column per run and method', 300, drawCompareFinals),
  slot('chart-compare-histogram', 'Histograms, one column per run and method', 300, (c, cols, t, _ui, n) =>
    drawCompareHistograms(c, cols, t, n),
  ),
  slot('chart-compare-overlay', 'Overlaid: histograms (2-D: each one’s finals as a density)', 0, (c, cols, t) =>
    drawCompareOverlay(c, cols, t),
  ),
];

const caption = h('p', { class: 'note', 'data-testid': 'compare-caption' });
const missing = h('p', { class: 'note warn', 'data-testid': 'compare-missing', hidden: true });
const successTable = h('table', { class: 'compare-success', 'data-testid': 'compare-success' });
export const compareClose = h('vscode-button', { secondary: true, 'data-testid': 'compare-close', title: 'Close the comparison' }, 'Close');

let savePng: (id: string, canvas: HTMLCanvasElement) => void = () => undefined;
let onPicked: () => void = () => undefined;

function figure(s: CompareSlot, wide: boolean): HTMLElement {
  const png = h('vscode-button', { secondary: true, 'data-testid': `png-${s.id}`, title: `Save “${s.title}” as PNG`, class: 'png' }, 'PNG');
  png.addEventListener('click', () => savePng(s.id, s.canvas));
  return h(
    'figure',
    { class: wide ? 'chart compare-wide' : 'chart compare-overlay' },
    h('figcaption', {}, h('span', {}, s.title), png),
    h('div', { class: 'canvas-box' }, s.canvas),
  );
}

export const compareCard = h(
  'section',
  { class: 'card', 'data-testid': 'compare-card', hidden: true },
  h('header', {}, h('h2', {}, 'Compare runs'), h('div', { class: 'toolbar' }, compareClose)),
  caption,
  missing,
  figure(SLOTS[0]!, true),
  figure(SLOTS[1]!, true),
  h(
    'div',
    { class: 'pair' },
    figure(SLOTS[2]!, false),
    h(
      'div',
      {},
      h('h3', {}, 'Success, every method of every run'),
      h('p', { class: 'hint' }, 'Tick a method to draw it as a column.'),
      successTable,
    ),
  ),
);

/**
 * `onPng(id, canvas)` saves a chart when its PNG button is pressed; `onPick` is told when the
 * user ticks or unticks a method to draw (ui.compareDrawn changed: save it).
 */
export function bindCompare(
  onPng: (id: string, canvas: HTMLCanvasElement) => void,
  onClose: () => void,
  onPick: () => void = () => undefined,
): void {
  savePng = onPng;
  onPicked = onPick;
  compareClose.addEventListener('click', onClose);
}

let shown: CompareState | undefined;
let shownTheme: Theme | undefined;
let shownUi: ChartUi | undefined;

function swatch(color: string): HTMLElement {
  const el = h('span', { class: 'swatch' });
  el.style.background = color;
  return el;
}

/** Shows `compare` (hides the card when undefined); `force` redraws the same comparison (theme, resize, picks). */
export function renderCompare(compare: CompareState | undefined, t: Theme, ui: ChartUi, force = false): void {
  if (compare === shown && !force) return;
  shown = compare;
  shownTheme = t;
  shownUi = ui;
  compareCard.hidden = !compare;
  if (!compare) {
    delete compareCard.dataset.runs;
    delete compareCard.dataset.columns;
    for (const s of SLOTS) s.canvas.dataset.drawn = 'false';
    return;
  }
  const runs = compare.runs;
  compareCard.dataset.runs = runs.map((r) => r.runId).join(',');
  const dims = new Set(runs.map((r) => r.config.dim));
  const drawable = runs.filter((r) => r.config.dim === runs[0]!.config.dim);
  const cols = compareColumns(drawable, t, (r) => ui.compareDrawn?.[r.runId]);
  compareCard.dataset.columns = cols.map((c) => `${c.run.runId}/${c.s.name}`).join(',');
  const fns = new Set(runs.map((r) => r.source?.exportName ?? r.config.function));
  const several = new Set(cols.map((c) => c.run.runId)).size < cols.length;
  caption.textContent =
    `${runs.length} runs${fns.size === 1 ? ` of ${[...fns][0]}` : ''}, ${cols.length} column${cols.length === 1 ? '' : 's'}` +
    `${several ? '' : ', each run by its primary method'} (tick others in the table); columns share their axes.` +
    (dims.size > 1 ? ' The runs differ in dimension: only runs of the first one’s dimension are drawn.' : '');
  missing.hidden = compare.missing.length === 0;
  missing.textContent = compare.missing.length ? `${compare.missing.length} run(s) asked for are no longer stored.` : '';
  for (const s of SLOTS) {
    const box = s.canvas.parentElement as HTMLElement | null;
    const width = box?.clientWidth || compareCard.clientWidth || 800;
    const grid = gridFor(Math.max(1, cols.length), width);
    if (s.rowHeight > 0 && box) {
      // Through the CSSOM: the CSP allows no inline style attributes.
      box.style.height = `${grid.rows * s.rowHeight}px`;
      s.canvas.dataset.grid = `${grid.columns}×${grid.rows}`;
    }
    try {
      if (cols.length === 0) throw new Error('no column to draw: tick a method in the table');
      s.canvas.dataset.points = String(s.draw(s.canvas, cols, t, ui, grid.columns));
      s.canvas.dataset.drawn = 'true';
      s.canvas.removeAttribute('data-error');
    } catch (e) {
      s.canvas.dataset.drawn = 'false';
      s.canvas.dataset.error = e instanceof Error ? e.message : String(e);
      console.error(`chart ${s.id} failed`, e);
    }
  }
  renderTable(runs, cols, t);
}

/**
 * Success rates side by side: one row per run, one column per kind of method (what it is, in order
 * of first appearance), each cell with the tick that draws it.
 */
function renderTable(runs: CompareState['runs'], cols: readonly CompareColumn[], t: Theme): void {
  const labels = compareLabels(runs);
  const whats: string[] = [];
  const rows = runs.map((r) => shownMethods(r, t).map((s) => ({ s, what: methodWhat(r, s) })));
  for (const row of rows) for (const { what } of row) if (!whats.includes(what)) whats.push(what);
  const full = cols.length >= COMPARE_COLUMNS_MAX;
  const cell = (r: CompareState['runs'][number], row: (typeof rows)[number], what: string): HTMLElement => {
    const found = row.find((x) => x.what === what);
    if (!found) return h('td', { class: 'hint' }, '–');
    const count = successOfMethod(r, found.s);
    const col = cols.find((c) => c.run.runId === r.runId && c.s.name === found.s.name);
    const drawable = r.config.dim === runs[0]!.config.dim;
    const tick = h('input', {
      type: 'checkbox',
      'data-testid': 'compare-draw',
      'data-run-id': r.runId,
      'data-method': found.s.name,
      'aria-label': `Draw ${what} of this run`,
      title: !drawable
        ? 'Runs of another dimension are not drawn'
        : full && !col
          ? `At most ${COMPARE_COLUMNS_MAX} columns are drawn at once`
          : col
            ? 'Drawn: untick to leave it out'
            : 'Tick to draw it as a column',
    });
    tick.checked = !!col;
    tick.disabled = !drawable || (full && !col);
    tick.addEventListener('change', () => pick(r.runId, found.s.name, tick.checked, runs, cols));
    const bar = h('span', { class: 'bar' });
    // Through the CSSOM: the CSP allows no inline style attributes.
    bar.style.width = `${((count / r.config.trials) * 100).toFixed(1)}%`;
    return h(
      'td',
      { 'data-success': count, 'data-method': found.s.name, 'data-what': what },
      bar,
      h('label', {}, tick, col ? swatch(col.color) : '', h('span', {}, formatFraction(count, r.config.trials))),
    );
  };
  setChildren(
    successTable,
    h('thead', {}, h('tr', {}, h('th', {}, 'run'), ...whats.map((n) => h('th', {}, n)))),
    h(
      'tbody',
      {},
      ...runs.map((r, i) =>
        h('tr', { 'data-run-id': r.runId }, h('th', { scope: 'row' }, labels[i]!), ...whats.map((n) => cell(r, rows[i]!, n))),
      ),
    ),
  );
}

/** The user ticked (`on`) or unticked method `name` of run `runId`: keeps at least one column, then redraws. */
function pick(runId: string, name: string, on: boolean, runs: CompareState['runs'], cols: readonly CompareColumn[]): void {
  const ui = shownUi;
  if (!ui || !shown || !shownTheme) return;
  const drawnNow = (id: string) => cols.filter((c) => c.run.runId === id).map((c) => c.s.name);
  const next = on ? [...drawnNow(runId), name] : drawnNow(runId).filter((n) => n !== name);
  if (!on && cols.length <= 1) {
    // The last column stays: the charts need one.
    renderCompare(shown, shownTheme, ui, true);
    return;
  }
  const ids = new Set(runs.map((r) => r.runId));
  const kept = Object.fromEntries(Object.entries(ui.compareDrawn ?? {}).filter(([id]) => ids.has(id)));
  // Every run's columns as drawn now, so that a run left at its default keeps it.
  for (const r of runs) kept[r.runId] ??= drawnNow(r.runId);
  kept[runId] = next;
  ui.compareDrawn = kept;
  onPicked();
  renderCompare(shown, shownTheme, ui, true);
}
