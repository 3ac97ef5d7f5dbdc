/**
 * The sweep panel: the phase diagram of the shown sweep (a 2-D grid as four maps on one canvas,
 * a 1-D sweep as a line chart with the Wilson intervals as a band), a hover box per cell, a
 * table of every cell, stop / export / stored sweeps. Browser code; all data by postMessage
 * (src/protocol/sweep.ts); a click on a cell asks the host to open it as an ordinary run. This
 * file is the layout and the wiring; the pictures are diagram.ts (2-D) and line.ts (1-D), the
 * table table.ts, the words text.ts.
 *
 * Stable DOM hooks for the tests (data-testid):
 *   sweep-root     the page
 *   title, status, rule   the sweep's title, status line, success rule
 *   progress       the progress bar (hidden unless running)
 *   stop, export-json, export-csv, export-png   buttons
 *   stored-sweeps  <select> of the stored sweeps (change → openSweep)
 *   layer          <select> of the third axis's values (hidden without one)
 *   phase-diagram  the 2-D canvas: data-drawn, data-cells (finished cells of the layer),
 *                  data-pending, data-shaded (cells where Theorem 1's conditions hold),
 *                  data-plot (the SGD map's plot rect and cell size, JSON, CSS pixels)
 *   phase-line     the 1-D chart's canvas: data-drawn, data-cells, data-pending, data-shaded
 *   cell-tooltip   the hover box (data-index: the cell's index in the sweep)
 *   sweep-table    the table of cells; open-cell-<index> buttons open a cell as a run
 *   empty          shown when there is no sweep
 */
import type { SweepCell } from '../../src/engine/sweep';
import type { FromSweepWebview, SweepHostState, ToSweepWebview } from '../../src/protocol/sweep';
import { destroyChart } from '../shared/charts';
import { h, setChildren } from '../shared/dom';
import { onThemeChange, readTheme } from '../shared/theme';
import { cellAt, drawPhaseDiagram, type PhaseLayout } from './diagram';
import { drawSweepLine, lineCellAt, type LineScale } from './line';
import { renderCellTable } from './table';
import { cellIndex, cellLines, gridOf, lineAxis, ruleText, statusLine, titleText, type Grid } from './text';

interface VsCodeApi {
  postMessage(message: FromSweepWebview): void;
  getState(): { layer?: number } | undefined;
  setState(state: { layer?: number }): void;
}
declare function acquireVsCodeApi(): VsCodeApi;
const vscode = acquireVsCodeApi();

let theme = readTheme();
let state: SweepHostState = { status: { kind: 'idle' }, sweeps: [] };
let layer = vscode.getState()?.layer ?? 0;
let layout: PhaseLayout | undefined;

// ---- layout ----

const button = (id: string, label: string, title: string) => h('button', { type: 'button', 'data-testid': id, title }, label);
const titleEl = h('h1', { 'data-testid': 'title' }, 'Sweep');
const stopBtn = button('stop', 'Stop', 'Stop the sweep (the cells done so far stay on screen)');
const jsonBtn = button('export-json', 'JSON', 'Export SWEEP-RESULT.json');
const csvBtn = button('export-csv', 'CSV', 'Export one CSV row per cell');
const pngBtn = button('export-png', 'PNG', 'Save the phase diagram as PNG');
const storedSel = h('select', { 'data-testid': 'stored-sweeps', 'aria-label': 'Stored sweeps' });
const statusEl = h('div', { class: 'status', role: 'status', 'data-testid': 'status' });
const progressFill = h('div', { class: 'progress-fill' });
const progress = h('div', { class: 'progress', 'data-testid': 'progress', hidden: true }, progressFill);
const ruleEl = h('p', { class: 'rule', 'data-testid': 'rule' });
const layerSel = h('select', { 'data-testid': 'layer', 'aria-label': 'Third axis value' });
const layerRow = h('label', { class: 'layer', hidden: true }, h('span', { class: 'layer-name' }), layerSel);
const mapCanvas = h('canvas', { 'data-testid': 'phase-diagram', 'data-drawn': 'false', role: 'img', 'aria-label': 'Phase diagram' });
const lineCanvas = h('canvas', {
  'data-testid': 'phase-line',
  'data-drawn': 'false',
  role: 'img',
  'aria-label': 'Success rate along the sweep',
});
const mapBox = h('div', { class: 'diagram' }, mapCanvas);
const lineBox = h('div', { class: 'line-chart', hidden: true }, lineCanvas);
const tooltip = h('div', { class: 'tooltip', 'data-testid': 'cell-tooltip', role: 'tooltip', hidden: true });
const table = h('table', { class: 'cells', 'data-testid': 'sweep-table' });
const empty = h(
  'p',
  { class: 'empty', 'data-testid': 'empty' },
  'No sweep yet. Run "SGD Landscape: Sweep noise radius and learning rate" on a loss function, or use Sweep in the side panel.',
);

document.body.append(
  h(
    'main',
    { 'data-testid': 'sweep-root' },
    h('header', { class: 'top' }, titleEl, h('div', { class: 'actions' }, stopBtn, jsonBtn, csvBtn, pngBtn, storedSel)),
    statusEl,
    progress,
    ruleEl,
    layerRow,
    empty,
    mapBox,
    lineBox,
    h('details', { class: 'table-box', open: true }, h('summary', {}, 'Cells'), table),
    tooltip,
  ),
);

// ---- messages to the host ----

stopBtn.addEventListener('click', () => vscode.postMessage({ type: 'stop' }));
jsonBtn.addEventListener('click', () => vscode.postMessage({ type: 'exportSweep', format: 'json' }));
csvBtn.addEventListener('click', () => vscode.postMessage({ type: 'exportSweep', format: 'csv' }));
pngBtn.addEventListener('click', () => {
  const view = state.current;
  if (!view) return;
  const canvas = lineBox.hidden ? mapCanvas : lineCanvas;
  const name = `${view.source?.exportName ?? view.config.function}-sweep-${view.startedAt.replace(/[:.]/g, '-')}`;
  vscode.postMessage({ type: 'exportPng', name, dataUrl: canvas.toDataURL('image/png') });
});
storedSel.addEventListener('change', () => {
  if (storedSel.value && storedSel.value !== state.current?.sweepId) vscode.postMessage({ type: 'openSweep', sweepId: storedSel.value });
});
layerSel.addEventListener('change', () => {
  layer = Number(layerSel.value) || 0;
  vscode.setState({ layer });
  render();
});

function openCell(index: number): void {
  const view = state.current;
  if (view && view.cells[index]) vscode.postMessage({ type: 'openCell', sweepId: view.sweepId, index });
}

// ---- hover and click on the 2-D map ----

function mapCellIndex(e: MouseEvent): number | undefined {
  const view = state.current;
  if (!view || !layout) return undefined;
  const box = mapCanvas.getBoundingClientRect();
  const hit = cellAt(layout, gridOf(view), e.clientX - box.left, e.clientY - box.top);
  return hit ? cellIndex(gridOf(view), layer, hit.iLr, hit.iRadius) : undefined;
}

function showTooltip(index: number | undefined, x: number, y: number): void {
  const cell = index === undefined ? null : (state.current?.cells[index] ?? null);
  if (index === undefined || !cell || !state.current) {
    tooltip.hidden = true;
    return;
  }
  setChildren(
    tooltip,
    ...cellLines(cell, state.current.config.compareGd).map((l) => h('div', {}, l)),
    h('div', { class: 'hint' }, 'Click to open this cell as a run'),
  );
  tooltip.dataset.index = String(index);
  tooltip.hidden = false;
  const pad = 14;
  const w = tooltip.offsetWidth;
  tooltip.style.left = `${Math.min(x + pad, window.innerWidth - w - 4) + window.scrollX}px`;
  tooltip.style.top = `${y + pad + window.scrollY}px`;
}

mapCanvas.addEventListener('mousemove', (e) => {
  const i = mapCellIndex(e);
  mapCanvas.style.cursor = i !== undefined && state.current?.cells[i] ? 'pointer' : 'default';
  showTooltip(i, e.clientX, e.clientY);
});
mapCanvas.addEventListener('mouseleave', () => (tooltip.hidden = true));
mapCanvas.addEventListener('click', (e) => {
  const i = mapCellIndex(e);
  if (i !== undefined) openCell(i);
});

/** The 1-D chart: the cell of the swept value nearest the mouse. */
function lineCellIndex(e: MouseEvent): number | undefined {
  const view = state.current;
  if (!view || !lineScale) return undefined;
  return lineCellAt(lineScale, gridOf(view), layer, e.clientX - lineCanvas.getBoundingClientRect().left);
}
let lineScale: LineScale | undefined;
lineCanvas.addEventListener('mousemove', (e) => showTooltip(lineCellIndex(e), e.clientX, e.clientY));
lineCanvas.addEventListener('mouseleave', () => (tooltip.hidden = true));
lineCanvas.addEventListener('click', (e) => {
  const i = lineCellIndex(e);
  if (i !== undefined) openCell(i);
});

// ---- rendering ----

function renderHeader(): void {
  const view = state.current;
  titleEl.textContent = view ? titleText(view) : 'Sweep';
  titleEl.title = view?.source?.file ?? '';
  const status = state.status;
  const running = status.kind === 'running';
  stopBtn.hidden = !running;
  // Only a finished sweep exports (a running one has holes).
  const unfinished = !view || !!view.incomplete || (status.kind === 'running' && view.sweepId === status.runId);
  for (const b of [jsonBtn, csvBtn]) b.toggleAttribute('disabled', unfinished);
  pngBtn.toggleAttribute('disabled', !view);
  const sweeps = state.sweeps;
  setChildren(
    storedSel,
    h(
      'option',
      { value: '', disabled: true, selected: !sweeps.some((s) => s.id === view?.sweepId) },
      sweeps.length ? 'Stored sweeps…' : 'No stored sweeps',
    ),
    ...sweeps.map((s) =>
      h('option', { value: s.id, selected: s.id === view?.sweepId }, `${s.label} (${new Date(s.startedAt).toLocaleString()})`),
    ),
  );
  storedSel.toggleAttribute('disabled', sweeps.length === 0);
}

function renderStatus(): void {
  const { status, current: view } = state;
  statusEl.textContent = statusLine(status, view);
  statusEl.classList.toggle('error', status.kind === 'error');
  progress.hidden = status.kind !== 'running';
  if (status.kind === 'running')
    progressFill.style.width = `${Math.round(100 * (status.total > 0 ? Math.min(1, status.done / status.total) : 0))}%`;
}

function renderLayerPicker(g: Grid): void {
  layerRow.hidden = !g.third;
  if (!g.third) {
    layer = 0;
    return;
  }
  if (layer >= g.third.values.length) layer = 0;
  (layerRow.firstChild as HTMLElement).textContent = `${g.third.name}: `;
  setChildren(layerSel, ...g.third.values.map((v, k) => h('option', { value: String(k), selected: k === layer }, String(v))));
}

function render(): void {
  renderHeader();
  renderStatus();
  const view = state.current;
  empty.hidden = !!view;
  tooltip.hidden = true;
  if (!view) {
    mapBox.hidden = true;
    lineBox.hidden = true;
    ruleEl.textContent = '';
    setChildren(table);
    mapCanvas.dataset.drawn = 'false';
    lineCanvas.dataset.drawn = 'false';
    return;
  }
  ruleEl.textContent = ruleText(view);
  const g = gridOf(view);
  renderLayerPicker(g);
  drawDiagram();
  renderTable();
}

function drawDiagram(): void {
  const view = state.current;
  if (!view) return;
  const g = gridOf(view);
  const axis = lineAxis(g);
  mapBox.hidden = axis !== undefined;
  lineBox.hidden = axis === undefined;
  if (axis === undefined) {
    destroyChart(lineCanvas);
    lineScale = undefined;
    lineCanvas.dataset.drawn = 'false';
    const drawn = drawPhaseDiagram(mapCanvas, view.cells, g, layer, view.config.compareGd, theme);
    layout = drawn.layout;
    const sgd = drawn.layout.maps[0]!.plot;
    Object.assign(mapCanvas.dataset, {
      drawn: 'true',
      cells: String(drawn.cells),
      pending: String(drawn.pending),
      shaded: String(drawn.shaded),
      plot: JSON.stringify({ ...sgd, cellW: drawn.layout.cellW, cellH: drawn.layout.cellH, rows: g.lr.length, cols: g.radius.length }),
    });
  } else {
    layout = undefined;
    mapCanvas.dataset.drawn = 'false';
    const drawn = drawSweepLine(lineCanvas, view, g, layer, axis, theme);
    lineScale = drawn.scale;
    Object.assign(lineCanvas.dataset, {
      drawn: 'true',
      cells: String(drawn.cells),
      pending: String(drawn.pending),
      shaded: String(drawn.shaded),
    });
  }
}

function renderTable(): void {
  if (state.current) renderCellTable(table, state.current, layer, openCell);
}

/** One cell arrived: redraw the picture and its table row (a full table for simplicity: at most 4096 rows). */
function onCell(sweepId: string, index: number, cell: SweepCell): void {
  const view = state.current;
  if (!view || view.sweepId !== sweepId || index >= view.cells.length) return;
  const cells = [...view.cells];
  cells[index] = cell;
  state = { ...state, current: { ...view, cells } };
  scheduleDraw();
}

let drawPending = false;
/** Cells can arrive many per frame: draw once per frame. */
function scheduleDraw(): void {
  if (drawPending) return;
  drawPending = true;
  requestAnimationFrame(() => {
    drawPending = false;
    renderStatus();
    drawDiagram();
    renderTable();
  });
}

onThemeChange(() => {
  theme = readTheme();
  if (state.current) drawDiagram();
});
let resizeTimer: number | undefined;
window.addEventListener('resize', () => {
  clearTimeout(resizeTimer);
  resizeTimer = window.setTimeout(() => state.current && drawDiagram(), 150);
});

window.addEventListener('message', (e: MessageEvent) => {
  const m = e.data as ToSweepWebview | undefined;
  if (!m || typeof m !== 'object') return;
  if (m.type === 'sweepState') {
    state = m.state;
    render();
  } else if (m.type === 'sweepCell') {
    onCell(m.sweepId, m.index, m.cell);
  } else if (m.type === 'sweepStatus') {
    state = { ...state, status: m.status };
    renderStatus();
  }
});
render();
vscode.postMessage({ type: 'ready' });
