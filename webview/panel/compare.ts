/**
 * The panel's "Compare runs" card: stored runs side by side (state.compare, picked in the side
 * panel's recent runs): columns of final iterates and of histograms on shared axes, the runs'
 * histograms overlaid in one chart, and the success counts of every method of every run. Drawn
 * by webview/charts/compare.ts; this file holds the DOM and the test hooks:
 *
 *   compare-card    the card (hidden without a comparison); data-runs = the ids shown, comma-separated
 *   compare-close   closes the comparison (→ compareRuns with no ids)
 *   compare-missing runs asked for that are no longer stored
 *   chart-compare-finals, chart-compare-histogram, chart-compare-overlay
 *                   canvases with data-drawn / data-points (finals drawn, trials binned) as the panel's charts
 *   compare-success table: one row per run, one cell per method (data-success = count)
 */
import type { CompareState } from '../../src/protocol/webview';
import type { ChartUi } from '../charts/chart';
import { compareLabels, drawCompareFinals, drawCompareHistograms, drawCompareOverlay, primaryMethod, runColor } from '../charts/compare';
import { h, setChildren } from '../shared/dom';
import { formatFraction } from '../shared/format';
import type { Theme } from '../shared/theme';

interface CompareSlot {
  id: string;
  title: string;
  canvas: HTMLCanvasElement;
  draw: (canvas: HTMLCanvasElement, runs: CompareState['runs'], t: Theme, ui: ChartUi) => number;
}

function slot(id: string, title: string, draw: CompareSlot['draw']): CompareSlot {
  return { id, title, canvas: h('canvas', { 'data-testid': id, 'data-drawn': 'false', role: 'img', 'aria-label': title }), draw };
}

const SLOTS: CompareSlot[] = [
  slot('chart-compare-finals', 'Final iterates, one column per run', drawCompareFinals),
  slot('chart-compare-histogram', 'Histograms, one column per run', (c, r, t) => drawCompareHistograms(c, r, t)),
  slot('chart-compare-overlay', 'Histograms overlaid (2-D: final points of every run)', (c, r, t) => drawCompareOverlay(c, r, t)),
];

const caption = h('p', { class: 'note', 'data-testid': 'compare-caption' });
const missing = h('p', { class: 'note warn', 'data-testid': 'compare-missing', hidden: true });
const successTable = h('table', { class: 'compare-success', 'data-testid': 'compare-success' });
export const compareClose = h('vscode-button', { secondary: true, 'data-testid': 'compare-close', title: 'Close the comparison' }, 'Close');

let savePng: (id: string, canvas: HTMLCanvasElement) => void = () => undefined;

function figure(s: CompareSlot, wide: boolean): HTMLElement {
  const png = h('vscode-button', { secondary: true, 'data-testid': `png-${s.id}`, title: `Save “${s.title}” as PNG`, class: 'png' }, 'PNG');
  png.addEventListener('click', () => savePng(s.id, s.canvas));
  return h(
    'figure',
    { class: wide ? 'chart compare-wide' : 'chart' },
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
  h('div', { class: 'pair' }, figure(SLOTS[2]!, false), h('div', {}, h('h3', {}, 'Success, every method of every run'), successTable)),
);

/** `onPng(id, canvas)` saves a chart when its PNG button is pressed. */
export function bindCompare(onPng: (id: string, canvas: HTMLCanvasElement) => void, onClose: () => void): void {
  savePng = onPng;
  compareClose.addEventListener('click', onClose);
}

let shown: CompareState | undefined;

function swatch(color: string): HTMLElement {
  const el = h('span', { class: 'swatch' });
  el.style.background = color;
  return el;
}

/** Shows `compare` (hides the card when undefined); `force` redraws the same comparison (theme, resize). */
export function renderCompare(compare: CompareState | undefined, t: Theme, ui: ChartUi, force = false): void {
  if (compare === shown && !force) return;
  shown = compare;
  compareCard.hidden = !compare;
  if (!compare) {
    delete compareCard.dataset.runs;
    for (const s of SLOTS) s.canvas.dataset.drawn = 'false';
    return;
  }
  const runs = compare.runs;
  compareCard.dataset.runs = runs.map((r) => r.runId).join(',');
  const labels = compareLabels(runs);
  const fns = new Set(runs.map((r) => r.source?.exportName ?? r.config.function));
  const dims = new Set(runs.map((r) => r.config.dim));
  caption.textContent =
    `${runs.length} runs${fns.size === 1 ? ` of ${[...fns][0]}` : ''}, each by its ${runs.every((r) => primaryMethod(r).name === 'SGD') ? 'SGD' : 'first noisy method'} (the table lists every method); ` +
    'columns share their axes.' +
    (dims.size > 1 ? ' The runs differ in dimension: only runs of the first one’s dimension are drawn.' : '');
  missing.hidden = compare.missing.length === 0;
  missing.textContent = compare.missing.length ? `${compare.missing.length} run(s) asked for are no longer stored.` : '';
  const drawable = runs.filter((r) => r.config.dim === runs[0]!.config.dim);
  for (const s of SLOTS) {
    try {
      s.canvas.dataset.points = String(s.draw(s.canvas, drawable, t, ui));
      s.canvas.dataset.drawn = 'true';
      s.canvas.removeAttribute('data-error');
    } catch (e) {
      s.canvas.dataset.drawn = 'false';
      s.canvas.dataset.error = e instanceof Error ? e.message : String(e);
      console.error(`chart ${s.id} failed`, e);
    }
  }
  // Success rates side by side: one row per run, one column per method name (in order of first appearance).
  const names: string[] = [];
  for (const r of runs)
    for (const m of r.methods ?? [{ name: 'SGD' }, ...(r.gd ? [{ name: 'GD' }] : [])]) if (!names.includes(m.name)) names.push(m.name);
  const cell = (r: CompareState['runs'][number], name: string): HTMLElement => {
    const m = r.methods?.find((x) => x.name === name);
    const count = m ? m.success : name === 'SGD' ? r.diagnostics.successSgd : name === 'GD' && r.gd ? r.diagnostics.successGd : undefined;
    if (count === undefined) return h('td', { class: 'hint' }, '–');
    const bar = h('span', { class: 'bar' });
    // Through the CSSOM: the CSP allows no inline style attributes.
    bar.style.width = `${((count / r.config.trials) * 100).toFixed(1)}%`;
    return h('td', { 'data-success': count, 'data-method': name }, bar, h('span', {}, formatFraction(count, r.config.trials)));
  };
  setChildren(
    successTable,
    h('thead', {}, h('tr', {}, h('th', {}, 'run'), ...names.map((n) => h('th', {}, n)))),
    h(
      'tbody',
      {},
      ...runs.map((r, i) =>
        h('tr', { 'data-run-id': r.runId }, h('th', { scope: 'row' }, swatch(runColor(i, t)), labels[i]!), ...names.map((n) => cell(r, n))),
      ),
    ),
  );
}
