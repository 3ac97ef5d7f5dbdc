/**
 * The side panel's "Last run" and "Recent runs": the shown run in words with a small picture of
 * its landscape (`drawSmallLandscape`; the running experiment's while one goes),
 * and the stored runs to reopen.
 */
import { COMPARE_MAX, type SideLandscapeView, type SideLiveView } from '../../src/protocol/webview';
import { drawSmallLandscape } from '../charts/landscape';
import { h, setChildren } from '../shared/dom';
import { convexityText, divergenceSummary, recentRunText, runLabel, successText, theoremText } from '../shared/summary';
import type { Theme } from '../shared/theme';
import { host, saveUi, store, ui } from './store';

const summaryBox = h('div', { class: 'run-summary', 'data-testid': 'run-summary' });
const smallCanvas = h('canvas', {
  'data-testid': 'chart-sidebar-landscape',
  'data-drawn': 'false',
  role: 'img',
  'aria-label': 'Landscape of the shown run',
});
const smallChart = h('div', { class: 'small-chart', hidden: true }, smallCanvas);
const recentList = h('ul', { class: 'recent', 'data-testid': 'recent-runs' });
const compareButton = h(
  'vscode-button',
  { secondary: true, 'data-testid': 'compare-runs', title: 'Show the ticked runs side by side in the landscape panel', disabled: true },
  'Compare',
);
const compareHint = h('span', { class: 'hint', 'data-testid': 'compare-hint' });
compareButton.addEventListener('click', () => {
  const ids = picked();
  if (ids.length >= 2) host.post({ type: 'compareRuns', runIds: ids.slice(0, COMPARE_MAX) });
});

/** The ticked runs that are still listed, in the order ticked. */
function picked(): string[] {
  const listed = new Set(store.state.runs.map((r) => r.id));
  return (ui.comparePick ?? []).filter((id) => listed.has(id));
}

function renderCompareButton(): void {
  const n = picked().length;
  compareButton.toggleAttribute('disabled', n < 2);
  compareHint.textContent = n < 2 ? 'Tick two or more runs to compare them side by side.' : `${n} runs ticked.`;
}
const openPanel = h('vscode-button', { secondary: true, 'data-testid': 'open-panel' }, 'Open landscape panel');
openPanel.addEventListener('click', () => host.post({ type: 'showPanel' }));

/** The "Last run" and "Recent runs" sections, in page order. */
export function runSections(): HTMLElement[] {
  return [
    h('section', {}, h('h2', {}, 'Last run'), summaryBox, smallChart, h('div', { class: 'buttons' }, openPanel)),
    h('section', {}, h('h2', {}, 'Recent runs'), recentList, h('div', { class: 'buttons' }, compareButton, compareHint)),
  ];
}

/** The landscape object last drawn, so a live update with the same landscape is not redrawn. */
let drawnLandscape: unknown;

/**
 * The small landscape of the running experiment (`live`, once its landscape exists) or else of
 * the shown run; with `force` false it is redrawn only when that landscape changed.
 * data-live says which; data-drawn / data-points as in the panel.
 */
export function renderSmallChart(live: SideLiveView | undefined, theme: Theme, force = true): void {
  const view: SideLandscapeView | undefined = live?.view ?? store.state.current;
  if (!force && view?.landscape === drawnLandscape) return;
  drawnLandscape = view?.landscape;
  smallCanvas.dataset.live = String(!!live?.view);
  smallChart.hidden = !view;
  if (!view) {
    smallCanvas.dataset.drawn = 'false';
    return;
  }
  smallCanvas.dataset.points = String(drawSmallLandscape(smallCanvas, view, theme));
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
  const diverged = divergenceSummary(view);
  setChildren(
    summaryBox,
    h('p', { class: 'run-label' }, runLabel(view)),
    h('p', {}, successText(view)),
    ...(diverged ? [h('p', { class: 'warn', 'data-testid': 'divergence' }, diverged)] : []),
    h('p', {}, convexityText(view)),
    ...(t1 ? [h('p', {}, theoremText(t1, view.config.stages.length))] : []),
  );
}

/** The stored runs, newest first; a click reopens one in the panel. */
export function renderRuns(): void {
  const runs = store.state.runs;
  if (runs.length === 0) {
    setChildren(recentList, h('li', { class: 'hint' }, 'Runs you make appear here.'));
    renderCompareButton();
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
      const tick = h('input', {
        type: 'checkbox',
        'data-testid': 'compare-pick',
        'data-compare-id': r.id,
        'aria-label': `Compare ${recentRunText(r)}`,
      });
      tick.checked = (ui.comparePick ?? []).includes(r.id);
      tick.addEventListener('change', () => {
        const rest = (ui.comparePick ?? []).filter((id) => id !== r.id);
        ui.comparePick = tick.checked ? [...rest, r.id] : rest;
        saveUi();
        renderCompareButton();
      });
      return h(
        'li',
        {},
        h('div', { class: 'recent-row' }, tick, b),
        h('span', { class: 'hint when' }, new Date(r.startedAt).toLocaleString()),
      );
    }),
  );
  renderCompareButton();
}
