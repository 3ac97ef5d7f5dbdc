/**
 * The side panel's "Last run" and "Recent runs": the shown run in words with a small picture of
 * its landscape (the panel's landscape chart, compact; the running experiment's while one goes),
 * and the stored runs to reopen.
 */
import type { LiveView, ViewResult } from '../../src/protocol/webview';
import { drawLandscape } from '../charts/landscape';
import { h, setChildren } from '../shared/dom';
import { convexityText, recentRunText, runLabel, successText, theoremText } from '../shared/summary';
import type { Theme } from '../shared/theme';
import { host, store } from './store';

const summaryBox = h('div', { class: 'run-summary', 'data-testid': 'run-summary' });
const smallCanvas = h('canvas', {
  'data-testid': 'chart-sidebar-landscape',
  'data-drawn': 'false',
  role: 'img',
  'aria-label': 'Landscape of the shown run',
});
const smallChart = h('div', { class: 'small-chart', hidden: true }, smallCanvas);
const recentList = h('ul', { class: 'recent', 'data-testid': 'recent-runs' });
const openPanel = h('vscode-button', { secondary: true, 'data-testid': 'open-panel' }, 'Open landscape panel');
openPanel.addEventListener('click', () => host.post({ type: 'showPanel' }));

/** The "Last run" and "Recent runs" sections, in page order. */
export function runSections(): HTMLElement[] {
  return [
    h('section', {}, h('h2', {}, 'Last run'), summaryBox, smallChart, h('div', { class: 'buttons' }, openPanel)),
    h('section', {}, h('h2', {}, 'Recent runs'), recentList),
  ];
}

/** The landscape object last drawn, so a live update with the same landscape is not redrawn. */
let drawnLandscape: unknown;

/**
 * The small landscape of the running experiment (`live`, once its landscape exists) or else of
 * the shown run; with `force` false it is redrawn only when that landscape changed.
 * data-live says which; data-drawn / data-points as in the panel.
 */
export function renderSmallChart(live: LiveView | undefined, theme: Theme, force = true): void {
  const view: ViewResult | undefined = live?.view ?? store.state.current;
  if (!force && view?.landscape === drawnLandscape) return;
  drawnLandscape = view?.landscape;
  smallCanvas.dataset.live = String(!!live?.view);
  smallChart.hidden = !view;
  if (!view) {
    smallCanvas.dataset.drawn = 'false';
    return;
  }
  smallCanvas.dataset.points = String(drawLandscape(smallCanvas, view, theme, { layer: 0, compact: true }));
  smallCanvas.dataset.drawn = 'true';
}

/** The shown run in words: title, successes, c, the last stage's Theorem 1 reading. */
export function renderSummary(): void {
  const view = store.state.current;
  if (!view) {
    setChildren(summaryBox, h('p', { class: 'hint' }, 'No run yet.'));
    return;
  }
  const t1 = view.diagnostics.theorem1[view.diagnostics.theorem1.length - 1];
  setChildren(
    summaryBox,
    h('p', { class: 'run-label' }, runLabel(view)),
    h('p', {}, successText(view)),
    h('p', {}, convexityText(view)),
    ...(t1 ? [h('p', {}, theoremText(t1, view.config.stages.length))] : []),
  );
}

/** The stored runs, newest first; a click reopens one in the panel. */
export function renderRuns(): void {
  const runs = store.state.runs;
  if (runs.length === 0) {
    setChildren(recentList, h('li', { class: 'hint' }, 'Runs you make appear here.'));
    return;
  }
  setChildren(
    recentList,
    ...runs.map((r) => {
      const b = h(
        'button',
        { type: 'button', class: 'run-link', 'data-run-id': r.id, title: `${r.file}\n${r.startedAt}` },
        recentRunText(r),
      );
      b.addEventListener('click', () => host.post({ type: 'openRun', runId: r.id }));
      return h('li', {}, b, h('span', { class: 'hint when' }, new Date(r.startedAt).toLocaleString()));
    }),
  );
}
