/**
 * The landscape panel: renders the host's HostState (the shown run, the run status) and sends
 * back only protocol messages (exportPng, exportRun, reveal). Browser code: never imports
 * vscode or node. All data arrives by postMessage; the HTML holds only a script tag.
 * This file wires messages to rendering; the DOM is built in layout.ts, the charts are listed in
 * slots.ts (one module each under webview/charts), the controls live in controls.ts.
 *
 * Stable DOM hooks for the e2e tests (data-testid):
 *   panel-root      the root element; data-render-ms = ms from receiving a new result to all
 *                   charts drawn; data-finished-to-drawn-ms = ms from the host having the result
 *                   (run finished) to all charts drawn, for a run that just finished;
 *                   data-started-to-drawn-ms = the same from the run's start (prepared, its
 *                   tasks queued on the pool) to all charts drawn; data-finished-to-received-ms =
 *                   from "run finished" to this page receiving the result (the rest is drawing),
 *                   in three parts: data-finished-to-posted-ms (the host: the view built, packed
 *                   and handed to postMessage), data-posted-to-arrived-ms (VS Code's delivery to
 *                   this page's message event), data-arrived-to-received-ms (unpacking);
 *                   data-live-renders, data-live-ms = live draws of the run shown and the last one's ms;
 *                   data-run = id of the run on screen; data-theme = theme kind
 *   status          status line                      progress   progress bar (data-value 0..1)
 *   error           error banner (hidden unless the last run failed; results stay visible)
 *   summary         the one-paragraph summary of the run on screen
 *   run-label       title line of the run            success    success counts of every method
 *   targets         the targets success counts against ("4 global minima found: …"), which one
 *                   c(y) refers to, and the finals outside the plot ("12 finals outside the plot")
 *   finals-pair     holds chart-finals and chart-histogram; data-layout = columns | overlay
 *   methods-layout  <vscode-single-select>: auto / columns (one per method, shared axes) / overlay
 *   convexity-text  estimated c in words             theorem1   Theorem 1 prediction vs observed
 *   theorem3        Theorem 3 (step too big) along the trajectories
 *   chart-landscape, chart-trajectories, chart-finals, chart-histogram, chart-convexity,
 *   chart-fig5-inner, chart-fig5-probe, chart-fig5-gradnorm
 *                   the canvases; after drawing: data-drawn="true", data-points="<n>", the data
 *                   the chart drew (see each chart module: curve points, map cells, path points,
 *                   trials); reference marks (x*, path ends, band edges) are not counted;
 *                   data-drawn="false" when empty; a chart drawn with no data (all trials
 *                   diverged, no noise, no checkpoints) has data-empty="<why>", and the same
 *                   words show over it in empty-<chart> (e.g. empty-chart-histogram)
 *   png-<chart>     "PNG" button of each chart (e.g. png-chart-landscape) → exportPng
 *   export-json, export-csv   export the run (→ exportRun)
 *   landscape-layer (2-D/d>2: which g radius beside f), color-scale (2-D: auto / linear / log / rank
 *                   colours of the f and g maps), convexity-radius, paths-shown, density-method,
 *   finals-stage (multi-stage runs, d ≤ 2: where trials are after stage i; -1 = end):
 *                   <vscode-single-select>s (set .value and dispatch 'change')
 *   time-slider     <input type=range> over the stored path points; play = play/pause button
 *   2-D: the landscape, paths, finals and density canvases zoom (wheel) and pan (drag) together,
 *                   double-click resets; each carries data-zoom = "x0,x1,y0,y1" or "" (zoom.ts)
 *
 * Compare runs (state.compare): see compare.ts for its hooks (compare-card, chart-compare-*).
 *
 * While a run goes (state.live with a view), the landscape, trajectories, finals and histogram
 * draw its partial results: panel-root has data-live="true" and data-live-renders / data-live-ms
 * (count and last duration of live draws), those canvases data-live="true", the diagnostics card
 * is hidden, and data-run still names the last complete run (set only for complete results).
 */
import type { HostState, LiveView, RunStatus, ToWebview, ViewResult } from '../../src/protocol/webview';
import { DEFAULT_UI, type ChartUi } from '../charts/chart';
import { methodsLayout } from '../charts/methods';
import { formatDuration } from '../shared/format';
import { receiveLive, receiveState } from '../shared/receive';
import { liveText, summaryText } from '../shared/summary';
import { noiseCardText } from '../../src/view/gradientNoise';
import { planeText } from '../../src/view/plane';
import { onThemeChange, readTheme } from '../shared/theme';
import { connect, messageArrivedAt } from '../shared/vscode';
import { bindCompare, renderCompare } from './compare';
import { bindControls, stopPlaying, syncControls } from './controls';
import {
  content,
  diagnosticsCard,
  empty,
  errorLink,
  exportCsv,
  exportJson,
  finalsPair,
  mount,
  noiseCard,
  noiseLine,
  planeCard,
  planeLine,
  root,
  successLine,
  summary,
  targetsLine,
} from './layout';
import { ALL_SLOTS, SLOTS, clearSlot, drawSlot, type ChartSlot } from './slots';
import { renderStatus, renderText, renderTitle, renderWhereSnapshots } from './text';
import { bindSurface, renderSurface, resizeSurface } from './surface';
import { bindZoom } from './zoom';
import { whereKey } from '../charts/trials';
import '@vscode-elements/elements/dist/vscode-button/index.js';
import '@vscode-elements/elements/dist/vscode-single-select/index.js';
import '@vscode-elements/elements/dist/vscode-option/index.js';

const host = connect<ChartUi>();
const ui: ChartUi = { ...DEFAULT_UI, ...(host.getState() ?? {}) };
let state: HostState = { status: { kind: 'idle' }, runs: [] };
let shownKey = '';
let theme = readTheme();

/** The partial result on screen while a run goes (undefined when a complete run is shown). */
let liveShown: ViewResult | undefined;
let liveRuns = '';
let liveRenders = 0;
/** What "Where trials end" showed when the time slider last moved (trials.ts whereKey). */
let whereShown = '';

/** The run the charts show: the live one while a run goes, else the last complete one. */
function shownView(): ViewResult | undefined {
  return liveShown ?? state.current;
}

function draw(s: ChartSlot, view: ViewResult): void {
  drawSlot(s, view, theme, ui, !!liveShown);
}

/** Finals and histogram one above the other when they hold a column per method (before drawing: the canvases take their size from it). */
function fitLayout(view: ViewResult | undefined): void {
  const columns = !!view && methodsLayout(view, ui) === 'columns';
  finalsPair.classList.toggle('stacked', columns);
  finalsPair.dataset.layout = columns ? 'columns' : 'overlay';
}

/**
 * A run other than the one the time slider was moved on opens at its end (the slider's place is
 * kept across reloads of the same run, and from a run's live view to its result).
 */
function timeFor(runId: string): void {
  if (ui.timeRunId !== runId) {
    ui.timeRunId = runId;
    ui.timeIndex = -1;
    // The zoom window too: another run opens on its whole grid.
    delete ui.zoom;
    host.setState(ui);
  }
  zoom.sync();
}

/** Draws everything for a complete `view`. */
function renderAll(view: ViewResult): void {
  timeFor(view.runId);
  // data-live-renders and data-live-ms speak of the run shown: none for a run drawn without a live view.
  if (view.runId !== liveRuns) {
    liveRuns = '';
    liveRenders = 0;
    delete root.dataset.liveRenders;
    delete root.dataset.liveMs;
  }
  liveShown = undefined;
  delete root.dataset.live;
  diagnosticsCard.hidden = false;
  syncControls(view, ui);
  fitLayout(view);
  renderText(view);
  renderWhereSnapshots(view, false);
  const noise = view.diagnostics.gradientNoise;
  noiseCard.hidden = !noise;
  // g and c(y) under the two noises are 2-D maps (d > 2: on the plane card): for other runs their
  // figures are hidden rather than left holding the previous run's drawing.
  for (const s of [SLOTS.noiseLandscapes, SLOTS.noiseConvexity]) {
    const fig = s.canvas.closest('figure');
    if (fig) fig.hidden = !noise?.landscapes;
  }
  noiseLine.textContent = noise ? noiseCardText(noise) : '';
  const plane = view.diagnostics.plane;
  planeCard.hidden = !plane;
  planeLine.textContent = plane ? planeText(plane) : '';
  for (const s of ALL_SLOTS) draw(s, view);
  renderSurface(view, theme, ui);
}

/** Draws a running experiment's partial results (the charts that need no diagnostics). */
function renderLive(live: LiveView & { view: ViewResult }): void {
  const t0 = performance.now();
  const view = live.view;
  if (live.runId !== liveRuns) {
    liveRuns = live.runId;
    liveRenders = 0;
  }
  liveShown = view;
  timeFor(live.runId);
  // The complete run drawn before is redrawn when the live one goes away (failure, cancel).
  shownKey = '';
  root.dataset.live = 'true';
  empty.hidden = true;
  content.hidden = false;
  diagnosticsCard.hidden = true;
  noiseCard.hidden = true;
  planeCard.hidden = true;
  exportJson.toggleAttribute('disabled', true);
  exportCsv.toggleAttribute('disabled', true);
  syncControls(view, ui);
  fitLayout(view);
  renderTitle(view);
  summary.textContent = liveText(live);
  successLine.textContent = '';
  targetsLine.textContent = '';
  renderWhereSnapshots(view, true);
  for (const s of ALL_SLOTS) {
    if (s.live) draw(s, view);
    else clearSlot(s);
  }
  renderSurface(view, theme, ui, true);
  const ms = performance.now() - t0;
  liveRenders++;
  root.dataset.liveRenders = String(liveRenders);
  root.dataset.liveMs = ms.toFixed(1);
  console.log(`[sgd-landscape] live draw ${liveRenders} (${live.trialsDone}/${live.trials} trials) in ${formatDuration(ms)}`);
}

/**
 * The live view waiting for the next frame. Partial results can arrive faster than they draw (a
 * draw of a large run under load takes longer than the host's update interval), so a draw per
 * message would queue: each is drawn at the next frame instead, only the latest, and the
 * complete result, when it comes, is not kept waiting behind older partial ones.
 */
let pendingLive: (LiveView & { view: ViewResult }) | undefined;
let liveFrame = 0;

function scheduleLive(live: LiveView & { view: ViewResult }): void {
  pendingLive = live;
  if (liveFrame) return;
  liveFrame = requestAnimationFrame(() => {
    liveFrame = 0;
    const next = pendingLive;
    pendingLive = undefined;
    if (next) renderLive(next);
  });
}

/** Drops a live view not drawn yet (the run's state came first). */
function cancelLive(): void {
  if (liveFrame) cancelAnimationFrame(liveFrame);
  liveFrame = 0;
  pendingLive = undefined;
}

function onLive(live: LiveView): void {
  // A landscape left out (keepLandscape) that this page does not have: wait for the next state.
  if (live.view && !live.view.landscape) return;
  state = { ...state, live };
  if (live.view) scheduleLive(live as LiveView & { view: ViewResult });
  else if (!liveShown) summary.textContent = state.current ? summaryText(state.current) : '';
}

function renderEmpty(): void {
  renderTitle(undefined);
  summary.textContent = '';
  for (const s of ALL_SLOTS) clearSlot(s);
  renderSurface(undefined, theme, ui);
}

function onStatus(status: RunStatus): void {
  state = { ...state, status };
  renderStatus(status, state.current);
}

function onState(next: HostState, postedAt?: number): void {
  const t0 = performance.now();
  const receivedAt = Date.now();
  const arrivedAt = messageArrivedAt();
  cancelLive();
  state = next;
  renderCompare(next.compare, theme, ui);
  const view = next.current;
  renderStatus(next.status, view);
  if (next.live?.view) {
    renderLive(next.live as LiveView & { view: ViewResult });
    return;
  }
  if (liveShown) {
    // The run ended: its result (success) or the last good run (failure, cancel) is drawn below.
    liveShown = undefined;
    shownKey = '';
    delete root.dataset.live;
    diagnosticsCard.hidden = false;
  }
  empty.hidden = !!view;
  content.hidden = !view;
  exportJson.toggleAttribute('disabled', !view);
  exportCsv.toggleAttribute('disabled', !view);
  if (!view) {
    shownKey = '';
    renderEmpty();
    return;
  }
  const key = view.runId;
  if (key === shownKey) return;
  shownKey = key;
  if (!next.status || next.status.kind !== 'running') stopPlaying();
  renderAll(view);
  const ms = performance.now() - t0;
  root.dataset.renderMs = ms.toFixed(1);
  // A run that just finished in this window: host clock at "finished" → now (same machine).
  const now = Date.now();
  const { finishedAt, runStartedAt } = view;
  const posted = finishedAt === undefined ? undefined : postedAt;
  timing('finishedToDrawnMs', finishedAt, now);
  timing('finishedToReceivedMs', finishedAt, receivedAt);
  // Its parts: the host's (finished → posted), the delivery's (posted → the message event), unpacking's.
  timing('finishedToPostedMs', finishedAt, posted);
  timing('postedToArrivedMs', posted, arrivedAt);
  timing('arrivedToReceivedMs', posted === undefined ? undefined : arrivedAt, receivedAt);
  timing('startedToDrawnMs', runStartedAt, now);
  root.dataset.run = key;
  console.log(`[sgd-landscape] drew ${ALL_SLOTS.length} charts in ${formatDuration(ms)}`);
}

/** data-<name> on the root: ms from `from` to `to` (clocks of the same machine), or none when either is unknown. */
function timing(name: string, from: number | undefined, to: number | undefined): void {
  if (from === undefined || to === undefined) delete root.dataset[name];
  else root.dataset[name] = String(Math.max(0, to - from));
}

/** Redraws the charts that pass `filter` (all of them by default); while a run goes, only the live ones. */
function redraw(filter: (s: ChartSlot) => boolean = () => true): void {
  const view = shownView();
  if (!view) return;
  for (const s of ALL_SLOTS) if (filter(s) && (!liveShown || s.live)) draw(s, view);
  // The 3-D view follows the landscape's colour scale, the paths shown and the time slider.
  if (filter(SLOTS.landscape) || filter(SLOTS.trajectories)) renderSurface(view, theme, ui, !!liveShown);
}

// ---- interaction ----

function exportPng(s: ChartSlot): void {
  if (s.canvas.dataset.drawn !== 'true') return;
  const view = shownView();
  const base = (view?.source?.exportName ?? view?.config.function ?? 'sgd').replace(/[^\w.-]/g, '_');
  host.post({ type: 'exportPng', name: `${base}-${s.id.replace(/^chart-/, '')}`, dataUrl: s.canvas.toDataURL('image/png') });
}

mount(exportPng);
bindSurface((id, canvas) => {
  if (canvas.dataset.drawn !== 'true') return;
  const view = shownView();
  const base = (view?.source?.exportName ?? view?.config.function ?? 'sgd').replace(/[^\w.-]/g, '_');
  host.post({ type: 'exportPng', name: `${base}-${id.replace(/^chart-/, '')}`, dataUrl: canvas.toDataURL('image/png') });
});
bindCompare(
  (id, canvas) => {
    if (canvas.dataset.drawn !== 'true') return;
    host.post({ type: 'exportPng', name: `compare-${id.replace(/^chart-compare-/, '')}`, dataUrl: canvas.toDataURL('image/png') });
  },
  () => host.post({ type: 'compareRuns', runIds: [] }),
  () => host.setState({ ...ui }),
);
exportJson.addEventListener('click', () => state.current && host.post({ type: 'exportRun', format: 'json' }));
exportCsv.addEventListener('click', () => state.current && host.post({ type: 'exportRun', format: 'csv' }));
errorLink.addEventListener('click', (e) => {
  e.preventDefault();
  const s = state.status;
  if (s.kind === 'error' && s.file !== undefined) host.post({ type: 'reveal', file: s.file, line: s.line ?? 0 });
});

/** The plots over the plane (2-D): they zoom and pan together. */
const PLANE_CHARTS = [SLOTS.landscape, SLOTS.trajectories, SLOTS.finals, SLOTS.histogram];
const zoom = bindZoom(
  PLANE_CHARTS.map((s) => s.canvas),
  {
    ui,
    shownView,
    redraw: () => redraw((s) => PLANE_CHARTS.includes(s)),
    save: () => host.setState({ ...ui }),
  },
);

bindControls({
  ui,
  shownView,
  redraw: (charts) => {
    if (charts !== 'timed') return redraw((s) => charts.includes(s.id));
    // Where all trials are changes only when the slider reaches another snapshot.
    const view = shownView();
    const where = view ? whereKey(view, ui) : '';
    const moved = where !== whereShown;
    whereShown = where;
    redraw((s) => s.timed === true || (moved && s.timed === 'where'));
  },
  save: () => host.setState({ ...ui }),
  layout: () => fitLayout(shownView()),
});

onThemeChange(() => {
  theme = readTheme();
  root.dataset.theme = theme.kind;
  redraw();
  renderCompare(state.compare, theme, ui, true);
});

let resizeTimer: number | undefined;
window.addEventListener('resize', () => {
  // The canvas layer draws at a fixed pixel size: redraw once the size settles.
  clearTimeout(resizeTimer);
  resizeTimer = window.setTimeout(() => {
    redraw();
    renderCompare(state.compare, theme, ui, true);
    resizeSurface();
  }, 150);
});

root.dataset.theme = theme.kind;
host.listen((m: ToWebview) => {
  if (m.type === 'state') onState(receiveState(m, state), m.postedAt);
  else if (m.type === 'live') onLive(receiveLive(m, state.live));
  else onStatus(m.status);
});
