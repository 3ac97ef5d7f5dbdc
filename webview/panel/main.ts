/**
 * The landscape panel: renders the host's HostState (the shown run, the run status) and sends
 * back only protocol messages (exportPng, exportRun, reveal). Browser code: never imports
 * vscode or node. All data arrives by postMessage; the HTML holds only a script tag.
 *
 * Stable DOM hooks for the e2e tests (data-testid):
 *   panel-root      the root element; data-render-ms = ms from receiving a new result to all
 *                   charts drawn; data-finished-to-drawn-ms = ms from the host having the result
 *                   (run finished) to all charts drawn, for a run that just finished;
 *                   data-run = id of the run on screen; data-theme = theme kind
 *   status          status line                      progress   progress bar (data-value 0..1)
 *   error           error banner (hidden unless the last run failed; results stay visible)
 *   summary         the one-paragraph summary of the run on screen
 *   run-label       title line of the run            success    success counts SGD vs GD
 *   convexity-text  estimated c in words             theorem1   Theorem 1 prediction vs observed
 *   chart-landscape, chart-trajectories, chart-finals, chart-histogram, chart-convexity,
 *   chart-fig5-inner, chart-fig5-probe, chart-fig5-gradnorm
 *                   the canvases; after drawing: data-drawn="true", data-points="<n>" (points,
 *                   bars' total count, or grid cells drawn); data-drawn="false" when empty
 *   png-<chart>     "PNG" button of each chart (e.g. png-chart-landscape) → exportPng
 *   export-json, export-csv   export the run (→ exportRun)
 *   landscape-layer (2-D/d>2: which g radius beside f), convexity-radius, paths-shown, density-method,
 *   finals-stage (multi-stage runs, d ≤ 2: where trials are after stage i; -1 = end):
 *                   <vscode-single-select>s (set .value and dispatch 'change')
 *   time-slider     <input type=range> over the stored path points; play = play/pause button
 *
 * While a run goes (state.live with a view), the landscape, trajectories, finals and histogram
 * draw its partial results: panel-root has data-live="true" and data-live-renders / data-live-ms
 * (count and last duration of live draws), those canvases data-live="true", the diagnostics card
 * is hidden, and data-run still names the last complete run (set only for complete results).
 */
import type { HostState, LiveView, RunStatus, ToWebview, ViewResult } from '../../src/protocol/webview';
import { h, fillSelect, setChildren } from '../shared/dom';
import { formatNumber, formatDuration } from '../shared/format';
import { convexityText, liveText, runLabel, statusText, successText, summaryText, theoremText } from '../shared/summary';
import { receiveLive, receiveState } from '../shared/receive';
import { onThemeChange, readTheme, type Theme } from '../shared/theme';
import { connect } from '../shared/vscode';
import {
  DEFAULT_UI,
  drawConvexity,
  drawFig5GradNorm,
  drawFig5Inner,
  drawFig5Probe,
  drawFinals,
  drawHistogram,
  drawLandscape,
  drawTrajectories,
  sliderStep,
  type PanelUi,
} from './render';
import '@vscode-elements/elements/dist/vscode-button/index.js';
import '@vscode-elements/elements/dist/vscode-single-select/index.js';
import '@vscode-elements/elements/dist/vscode-option/index.js';

type Select = HTMLElement & { value: string };
type Drawer = (canvas: HTMLCanvasElement, view: ViewResult, theme: Theme, ui: PanelUi) => number;

const host = connect<PanelUi>();
const ui: PanelUi = { ...DEFAULT_UI, ...(host.getState() ?? {}) };
let state: HostState = { status: { kind: 'idle' }, runs: [] };
let shownKey = '';
let theme = readTheme();

// ---- layout ----

const root = h('main', { id: 'root', 'data-testid': 'panel-root' });
const runTitle = h('h1', { 'data-testid': 'run-label' }, 'SGD Landscape');
const statusLine = h('div', { class: 'status', 'data-testid': 'status', role: 'status' });
const progressBar = h('div', { class: 'progress-fill' });
const progress = h('div', { class: 'progress', 'data-testid': 'progress', hidden: true }, progressBar);
const errorText = h('span', { class: 'error-text' });
const errorLink = h('a', { href: '#', class: 'error-link', hidden: true });
const errorBanner = h('div', { class: 'error', 'data-testid': 'error', role: 'alert', hidden: true }, errorText, ' ', errorLink);
const summary = h('p', { class: 'summary', 'data-testid': 'summary' });
const empty = h('p', { class: 'empty' }, 'No run to show yet. Pick a function in the SGD Landscape side panel and press Run.');
const exportJson = h('vscode-button', { secondary: true, 'data-testid': 'export-json', title: 'Save this run as JSON' }, 'Export JSON');
const exportCsv = h(
  'vscode-button',
  { secondary: true, 'data-testid': 'export-csv', title: 'Save the final iterates as CSV' },
  'Export CSV',
);

const layerSelect = h('vscode-single-select', { 'data-testid': 'landscape-layer', title: 'What the landscape shows' }) as Select;
const convexitySelect = h('vscode-single-select', { 'data-testid': 'convexity-radius', title: 'Smoothing radius of c(y)' }) as Select;
const pathsSelect = h('vscode-single-select', { 'data-testid': 'paths-shown', title: 'Sampled paths drawn' }) as Select;
const densitySelect = h('vscode-single-select', { 'data-testid': 'density-method', title: 'Whose final iterates' }) as Select;
const stageSelect = h('vscode-single-select', {
  'data-testid': 'finals-stage',
  title: 'Where the trials are: after which stage',
}) as Select;
const timeSlider = h('input', {
  type: 'range',
  min: 0,
  max: 0,
  value: 0,
  step: 1,
  'data-testid': 'time-slider',
  'aria-label': 'Time step',
});
const timeLabel = h('span', { class: 'time-label', 'data-testid': 'time-label' });
const playButton = h('vscode-button', { secondary: true, 'data-testid': 'play', title: 'Play the run' }, 'Play');
const successLine = h('p', { class: 'note', 'data-testid': 'success' });
const convexityLine = h('p', { class: 'note', 'data-testid': 'convexity-text' });
const theoremList = h('ul', { class: 'theorem', 'data-testid': 'theorem1' });

interface ChartSlot {
  id: string;
  title: string;
  canvas: HTMLCanvasElement;
  draw: Drawer;
  /** Redrawn when the time slider moves. */
  timed?: boolean;
  /** Drawn from partial results while a run goes (needs no diagnostics). */
  live?: boolean;
}

const slots: ChartSlot[] = [];

function chart(id: string, title: string, draw: Drawer, opts: { timed?: boolean; tall?: boolean; live?: boolean } = {}): HTMLElement {
  const canvas = h('canvas', { 'data-testid': id, 'data-drawn': 'false', role: 'img', 'aria-label': title });
  slots.push({ id, title, canvas, draw, ...(opts.timed ? { timed: true } : {}), ...(opts.live ? { live: true } : {}) });
  const png = h('vscode-button', { secondary: true, 'data-testid': `png-${id}`, title: `Save “${title}” as PNG`, class: 'png' }, 'PNG');
  png.addEventListener('click', () => exportPng(id, canvas));
  return h(
    'figure',
    { class: opts.tall ? 'chart tall' : 'chart' },
    h('figcaption', {}, h('span', {}, title), png),
    h('div', { class: 'canvas-box' }, canvas),
  );
}

function card(title: string, toolbar: Node[], ...body: Node[]): HTMLElement {
  return h('section', { class: 'card' }, h('header', {}, h('h2', {}, title), h('div', { class: 'toolbar' }, ...toolbar)), ...body);
}

const noUi =
  (f: (c: HTMLCanvasElement, v: ViewResult, t: Theme) => number): Drawer =>
  (c, v, t) =>
    f(c, v, t);

const diagnosticsCard = card(
  'Diagnostics',
  [convexitySelect],
  convexityLine,
  chart('chart-convexity', 'One-point convexity c(y) of the smoothed landscape', drawConvexity, { tall: true }),
  h('h3', {}, 'Theorem 1 against what happened'),
  theoremList,
  h('h3', {}, 'Along the SGD trajectories (the paper’s Figure 5)'),
  h(
    'div',
    { class: 'triple' },
    chart('chart-fig5-inner', '(a) ⟨−∇f(x_t), x_T − x_t⟩', noUi(drawFig5Inner)),
    chart('chart-fig5-probe', '(b) same at random w near x_t', noUi(drawFig5Probe)),
    chart('chart-fig5-gradnorm', '(c) stochastic gradient norm', noUi(drawFig5GradNorm)),
  ),
);

const content = h(
  'div',
  { class: 'content' },
  card('Landscape', [layerSelect], chart('chart-landscape', 'Landscape: f and the smoothed g', drawLandscape, { tall: true, live: true })),
  card(
    'Trajectories',
    [pathsSelect, playButton, timeSlider, timeLabel],
    chart('chart-trajectories', 'Sampled SGD and GD paths', drawTrajectories, { timed: true, tall: true, live: true }),
  ),
  card(
    'Where trials end',
    [stageSelect, densitySelect],
    successLine,
    h(
      'div',
      { class: 'pair' },
      chart('chart-finals', 'Final iterates y_T', drawFinals, { live: true }),
      chart('chart-histogram', 'Histogram of y_T', drawHistogram, { live: true }),
    ),
  ),
  diagnosticsCard,
);

root.append(
  h('header', { class: 'top' }, runTitle, h('div', { class: 'actions' }, exportJson, exportCsv)),
  statusLine,
  progress,
  errorBanner,
  summary,
  empty,
  content,
);
document.body.append(root);

// ---- rendering ----

function drawSlot(s: ChartSlot, view: ViewResult): void {
  try {
    const n = s.draw(s.canvas, view, theme, ui);
    s.canvas.dataset.points = String(n);
    s.canvas.dataset.drawn = 'true';
    if (liveShown) s.canvas.dataset.live = 'true';
    else s.canvas.removeAttribute('data-live');
    s.canvas.removeAttribute('data-error');
  } catch (e) {
    // One chart failing must not take the others down; say so on the canvas for tests.
    s.canvas.dataset.drawn = 'false';
    s.canvas.dataset.error = e instanceof Error ? e.message : String(e);
    console.error(`chart ${s.id} failed`, e);
  }
}

function syncControls(view: ViewResult): void {
  const dim = view.config.dim;
  const layers = view.landscape.smoothed.map((s, i) => ({ value: String(i), label: `g: radius ${formatNumber(s.radius)} (${s.noise})` }));
  if (!layers.some((l) => l.value === String(ui.landscapeLayer))) ui.landscapeLayer = 0;
  layerSelect.hidden = dim === 1 || layers.length < 2;
  fillSelect(layerSelect, layers, String(ui.landscapeLayer));

  const maps = view.diagnostics.convexity;
  if (ui.convexityIndex >= maps.length) ui.convexityIndex = 0;
  convexitySelect.hidden = maps.length < 2;
  fillSelect(
    convexitySelect,
    maps.map((m, i) => ({ value: String(i), label: `c(y) for radius ${formatNumber(m.radius)}` })),
    String(ui.convexityIndex),
  );

  const available = view.sgd.paths.length;
  const counts = [1, 5, 10, 20, 50, 100, 200].filter((c) => c < available);
  const options = [
    ...counts.map((c) => ({ value: String(c), label: `${c} paths` })),
    { value: String(available), label: `all ${available} paths` },
  ];
  if (!options.some((o) => o.value === String(ui.pathsShown))) ui.pathsShown = Math.min(available, 10) || available;
  if (!options.some((o) => o.value === String(ui.pathsShown))) ui.pathsShown = available;
  fillSelect(pathsSelect, options, String(ui.pathsShown));

  const stages = view.config.stages.length;
  stageSelect.hidden = stages < 2 || dim > 2;
  if (ui.finalsStage >= stages - 1) ui.finalsStage = -1;
  fillSelect(
    stageSelect,
    [
      ...view.config.stages.slice(0, -1).map((_, i) => ({ value: String(i), label: `after stage ${i + 1}` })),
      { value: '-1', label: `after stage ${stages} (end)` },
    ],
    String(ui.finalsStage),
  );

  densitySelect.hidden = dim !== 2 || !view.gd;
  fillSelect(
    densitySelect,
    [
      { value: 'sgd', label: 'SGD density' },
      { value: 'gd', label: 'GD density' },
    ],
    ui.density,
  );

  const n = view.sgd.pathSteps.length;
  timeSlider.max = String(Math.max(0, n - 1));
  if (ui.timeIndex >= n) ui.timeIndex = -1;
  timeSlider.value = String(ui.timeIndex < 0 ? n - 1 : ui.timeIndex);
  timeSlider.disabled = n < 2;
  playButton.toggleAttribute('disabled', n < 2);
  updateTimeLabel(view);
}

function updateTimeLabel(view: ViewResult): void {
  const total = view.config.stages.reduce((s, st) => s + st.steps, 0);
  timeLabel.textContent = `step ${sliderStep(view, ui)} / ${total}`;
}

function renderText(view: ViewResult): void {
  runTitle.textContent = runLabel(view);
  runTitle.title = view.source?.file ?? '';
  summary.textContent = summaryText(view);
  successLine.textContent = successText(view);
  convexityLine.textContent = convexityText(view);
  const stages = view.config.stages.length;
  setChildren(theoremList, ...view.diagnostics.theorem1.map((p) => h('li', {}, theoremText(p, stages))));
  if (view.diagnostics.theorem1.length === 0) setChildren(theoremList, h('li', {}, 'No prediction (no noisy stage).'));
}

/** Draws everything for `view`; returns the milliseconds it took. */
function renderAll(view: ViewResult): number {
  const t0 = performance.now();
  liveShown = undefined;
  delete root.dataset.live;
  diagnosticsCard.hidden = false;
  syncControls(view);
  renderText(view);
  for (const s of slots) drawSlot(s, view);
  return performance.now() - t0;
}

/** The partial result on screen while a run goes (undefined when a complete run is shown). */
let liveShown: ViewResult | undefined;
let liveRuns = '';
let liveRenders = 0;

/** The run the charts show: the live one while a run goes, else the last complete one. */
function shownView(): ViewResult | undefined {
  return liveShown ?? state.current;
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
  // The complete run drawn before is redrawn when the live one goes away (failure, cancel).
  shownKey = '';
  root.dataset.live = 'true';
  empty.hidden = true;
  content.hidden = false;
  diagnosticsCard.hidden = true;
  exportJson.toggleAttribute('disabled', true);
  exportCsv.toggleAttribute('disabled', true);
  syncControls(view);
  runTitle.textContent = runLabel(view);
  runTitle.title = view.source?.file ?? '';
  summary.textContent = liveText(live);
  successLine.textContent = '';
  for (const s of slots) {
    if (s.live) drawSlot(s, view);
    else {
      s.canvas.dataset.drawn = 'false';
      s.canvas.dataset.points = '0';
    }
  }
  const ms = performance.now() - t0;
  liveRenders++;
  root.dataset.liveRenders = String(liveRenders);
  root.dataset.liveMs = ms.toFixed(1);
  console.log(`[sgd-landscape] live draw ${liveRenders} (${live.trialsDone}/${live.trials} trials) in ${formatDuration(ms)}`);
}

function onLive(live: LiveView): void {
  // A landscape left out (keepLandscape) that this page does not have: wait for the next state.
  if (live.view && !live.view.landscape) return;
  state = { ...state, live };
  if (live.view) renderLive(live as LiveView & { view: ViewResult });
  else if (!liveShown) summary.textContent = state.current ? summaryText(state.current) : '';
}

function renderEmpty(): void {
  runTitle.textContent = 'SGD Landscape';
  summary.textContent = '';
  for (const s of slots) {
    s.canvas.dataset.drawn = 'false';
    s.canvas.dataset.points = '0';
  }
}

function renderStatus(status: RunStatus): void {
  statusLine.textContent = statusText(status, state.current);
  root.dataset.status = status.kind;
  if (status.kind === 'running') {
    const f = status.total > 0 ? Math.min(1, Math.max(0, status.done / status.total)) : 0;
    progress.hidden = false;
    progress.dataset.value = f.toFixed(3);
    progressBar.style.width = `${(f * 100).toFixed(1)}%`;
  } else {
    progress.hidden = true;
  }
  if (status.kind === 'error') {
    errorBanner.hidden = false;
    errorText.textContent = status.message;
    const where =
      status.file !== undefined ? `${status.file.split(/[\\/]/).pop()}${status.line !== undefined ? `:${status.line}` : ''}` : '';
    errorLink.hidden = status.file === undefined;
    errorLink.textContent = where ? `Open ${where}` : '';
  } else {
    errorBanner.hidden = true;
  }
}

errorLink.addEventListener('click', (e) => {
  e.preventDefault();
  const s = state.status;
  if (s.kind === 'error' && s.file !== undefined) host.post({ type: 'reveal', file: s.file, line: s.line ?? 0 });
});

function onState(next: HostState): void {
  const t0 = performance.now();
  state = next;
  const view = next.current;
  renderStatus(next.status);
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
  if (view.finishedAt !== undefined) root.dataset.finishedToDrawnMs = String(Math.max(0, Date.now() - view.finishedAt));
  else delete root.dataset.finishedToDrawnMs;
  root.dataset.run = key;
  console.log(`[sgd-landscape] drew ${slots.length} charts in ${formatDuration(ms)}`);
}

function redraw(filter?: (s: ChartSlot) => boolean): void {
  const view = shownView();
  if (!view) return;
  for (const s of slots) if ((!filter || filter(s)) && (!liveShown || s.live)) drawSlot(s, view);
}

function saveUi(): void {
  host.setState({ ...ui });
}

// ---- interaction ----

function exportPng(id: string, canvas: HTMLCanvasElement): void {
  if (canvas.dataset.drawn !== 'true') return;
  const view = shownView();
  const base = (view?.source?.exportName ?? view?.config.function ?? 'sgd').replace(/[^\w.-]/g, '_');
  host.post({ type: 'exportPng', name: `${base}-${id.replace(/^chart-/, '')}`, dataUrl: canvas.toDataURL('image/png') });
}

exportJson.addEventListener('click', () => state.current && host.post({ type: 'exportRun', format: 'json' }));
exportCsv.addEventListener('click', () => state.current && host.post({ type: 'exportRun', format: 'csv' }));

function onSelect(sel: Select, apply: (v: string) => boolean, charts: string[]): void {
  sel.addEventListener('change', () => {
    if (!apply(sel.value)) return;
    saveUi();
    redraw((s) => charts.includes(s.id));
  });
}

onSelect(layerSelect, (v) => ((ui.landscapeLayer = Number(v)), Number.isInteger(ui.landscapeLayer)), ['chart-landscape']);
onSelect(convexitySelect, (v) => ((ui.convexityIndex = Number(v)), Number.isInteger(ui.convexityIndex)), ['chart-convexity']);
onSelect(pathsSelect, (v) => ((ui.pathsShown = Number(v)), ui.pathsShown > 0), ['chart-trajectories']);
onSelect(densitySelect, (v) => ((ui.density = v === 'gd' ? 'gd' : 'sgd'), true), ['chart-histogram']);
onSelect(stageSelect, (v) => ((ui.finalsStage = Number(v)), Number.isInteger(ui.finalsStage)), ['chart-finals', 'chart-histogram']);

function setTime(index: number): void {
  const view = shownView();
  if (!view) return;
  const last = view.sgd.pathSteps.length - 1;
  ui.timeIndex = index >= last ? -1 : Math.max(0, index);
  timeSlider.value = String(ui.timeIndex < 0 ? last : ui.timeIndex);
  updateTimeLabel(view);
  redraw((s) => !!s.timed);
}

timeSlider.addEventListener('input', () => {
  stopPlaying();
  setTime(Number(timeSlider.value));
  saveUi();
});

let playing: number | undefined;
function stopPlaying(): void {
  if (playing !== undefined) cancelAnimationFrame(playing);
  playing = undefined;
  playButton.textContent = 'Play';
}

playButton.addEventListener('click', () => {
  const view = shownView();
  if (!view) return;
  if (playing !== undefined) {
    stopPlaying();
    saveUi();
    return;
  }
  const n = view.sgd.pathSteps.length;
  if (n < 2) return;
  // About 6 s for a whole run, whatever the number of stored points.
  const perFrame = Math.max(1, n / 360);
  let pos = ui.timeIndex < 0 ? 0 : ui.timeIndex;
  playButton.textContent = 'Pause';
  const tick = () => {
    pos += perFrame;
    setTime(Math.floor(pos));
    if (pos >= n - 1) {
      stopPlaying();
      saveUi();
      return;
    }
    playing = requestAnimationFrame(tick);
  };
  playing = requestAnimationFrame(tick);
});

onThemeChange(() => {
  theme = readTheme();
  root.dataset.theme = theme.kind;
  redraw();
});

let resizeTimer: number | undefined;
window.addEventListener('resize', () => {
  // The canvas layer draws at a fixed pixel size: redraw once the size settles.
  clearTimeout(resizeTimer);
  resizeTimer = window.setTimeout(() => redraw(), 150);
});

root.dataset.theme = theme.kind;
host.listen((m: ToWebview) => {
  if (m.type === 'state') onState(receiveState(m, state));
  else if (m.type === 'live') onLive(receiveLive(m, state.live));
  else {
    state = { ...state, status: m.status };
    renderStatus(m.status);
  }
});
