/**
 * The sweep panel: the phase diagram of the shown sweep (a 2-D grid as four maps on one canvas,
 * a 1-D sweep as a line chart with the Wilson intervals as a band), a hover box per cell, a
 * table of every cell, stop / export / stored sweeps. Browser code; all data by postMessage
 * (src/protocol/sweep.ts); a click on a cell asks the host to open it as an ordinary run.
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
import { Chart } from 'chart.js';
import type { SweepCell } from '../../src/engine/sweep';
import type { FromSweepWebview, SweepHostState, ToSweepWebview } from '../../src/protocol/sweep';
import { destroyChart, drawChart, type Series } from '../shared/charts';
import { h, setChildren } from '../shared/dom';
import { formatNumber as num, formatPercent as pct } from '../shared/format';
import { withAlpha } from '../shared/color';
import { palette } from '../shared/palette';
import { onThemeChange, readTheme } from '../shared/theme';
import { cellAt, drawPhaseDiagram, type PhaseLayout } from './diagram';
import { cellIndex, cellLines, gridOf, intervalText, lineAxis, ruleText, statusLine, titleText, type Grid } from './text';

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

/** The 1-D chart: the value of the swept axis nearest the mouse. */
function lineCellIndex(e: MouseEvent): number | undefined {
  const view = state.current;
  const chart = lineChartScale;
  if (!view || !chart) return undefined;
  const box = lineCanvas.getBoundingClientRect();
  const x = e.clientX - box.left;
  let best = -1;
  let bestD = Infinity;
  chart.values.forEach((v, k) => {
    const d = Math.abs(chart.pixel(v) - x);
    if (d < bestD) {
      bestD = d;
      best = k;
    }
  });
  if (best < 0 || bestD > 40) return undefined;
  const g = gridOf(view);
  return chart.axis === 'radius' ? cellIndex(g, layer, 0, best) : cellIndex(g, layer, best, 0);
}
let lineChartScale: { axis: 'radius' | 'lr'; values: number[]; pixel(v: number): number } | undefined;
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
    lineChartScale = undefined;
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
    drawLine(axis, g);
  }
}

/** A 1-D sweep: success rate with its Wilson band, GD's rate, the diverged fraction; Theorem 1's cells shaded. */
function drawLine(axis: 'radius' | 'lr', g: Grid): void {
  const view = state.current!;
  const values = g[axis];
  const cells = values.map((_, k) => view.cells[axis === 'radius' ? cellIndex(g, layer, 0, k) : cellIndex(g, layer, k, 0)] ?? null);
  const pts = (f: (c: SweepCell) => number | null | undefined) =>
    cells.flatMap((c, k) => {
      const y = c ? f(c) : null;
      return typeof y === 'number' && Number.isFinite(y) ? [{ x: values[k]!, y }] : [];
    });
  const datasets: Series[] = [
    {
      label: 'SGD success rate',
      data: pts((c) => c.successRate),
      borderColor: palette(theme).sgd,
      backgroundColor: palette(theme).sgd,
      pointRadius: 3,
      borderWidth: 2,
    },
    {
      label: '',
      data: pts((c) => c.interval[0]),
      borderColor: 'transparent',
      pointRadius: 0,
      reference: true,
    },
    {
      label: 'Wilson 95% interval',
      data: pts((c) => c.interval[1]),
      borderColor: 'transparent',
      backgroundColor: withAlpha(palette(theme).sgd, 0.25),
      pointRadius: 0,
      fill: '-1',
      reference: true,
    },
    ...(view.config.compareGd
      ? [
          {
            label: 'GD success rate',
            data: pts((c) => c.gdSuccessRate),
            borderColor: palette(theme).gd,
            backgroundColor: palette(theme).gd,
            borderDash: [6, 4],
            pointRadius: 3,
            borderWidth: 2,
          } as Series,
        ]
      : []),
    {
      label: 'diverged fraction',
      data: pts((c) => c.diverged / c.trials),
      borderColor: palette(theme).diverged,
      backgroundColor: palette(theme).diverged,
      borderDash: [2, 3],
      pointRadius: 2,
      borderWidth: 1.5,
      reference: true,
    },
  ];
  // Each value where Theorem 1's conditions hold shades halfway to its neighbours.
  const bands: Array<{ from: number; to: number; color: string }> = [];
  cells.forEach((c, k) => {
    if (!c?.conditionHolds) return;
    const x = values[k]!;
    const prev = k > 0 ? (values[k - 1]! + x) / 2 : x - (values.length > 1 ? (values[1]! - x) / 2 : 0.5);
    const next = k < values.length - 1 ? (values[k + 1]! + x) / 2 : x + (values.length > 1 ? (x - values[k - 1]!) / 2 : 0.5);
    bands.push({ from: Math.min(prev, next), to: Math.max(prev, next), color: withAlpha(palette(theme).cPositiveBand, 0.18) });
  });
  const lo = Math.min(...values);
  const hi = Math.max(...values);
  const pad = (hi - lo) * 0.04 || 0.5;
  drawChart(
    lineCanvas,
    {
      datasets,
      xLabel: axis === 'radius' ? 'noise radius' : 'learning rate η',
      yLabel: `rate (shaded: Theorem 1's conditions hold)`,
      yRange: [0, 1],
      xRange: [lo - pad, hi + pad],
      annotations: { bands },
    },
    theme,
  );
  // Our hover box (the interval and the cell's other numbers) stands in for Chart.js's tooltip.
  const chart = Chart.getChart(lineCanvas);
  if (chart?.options.plugins?.tooltip) {
    chart.options.plugins.tooltip.enabled = false;
    chart.update('none');
  }
  lineChartScale = { axis, values, pixel: (v) => linePixel(v) };
  Object.assign(lineCanvas.dataset, {
    drawn: 'true',
    cells: String(cells.filter((c) => c !== null).length),
    pending: String(cells.filter((c) => c === null).length),
    shaded: String(cells.filter((c) => c?.conditionHolds).length),
  });
}

/** The 1-D chart's x pixel of value v (CSS pixels, from the chart's own scale). */
function linePixel(v: number): number {
  const x = Chart.getChart(lineCanvas)?.scales.x;
  return x ? x.getPixelForValue(v) : NaN;
}

function renderTable(): void {
  const view = state.current!;
  const g = gridOf(view);
  const gd = view.config.compareGd;
  const head = h(
    'tr',
    {},
    ...['η', 'radius', 'success', 'rate', 'Wilson 95%', ...(gd ? ['GD'] : []), 'diverged', 'median dist.', 'c', 'Thm 1', ''].map((t) =>
      h('th', {}, t),
    ),
  );
  const rows: HTMLElement[] = [];
  for (let il = 0; il < g.lr.length; il++) {
    for (let ir = 0; ir < g.radius.length; ir++) {
      const index = cellIndex(g, layer, il, ir);
      const c = view.cells[index] ?? null;
      const open = h(
        'button',
        { type: 'button', class: 'link', 'data-testid': `open-cell-${index}`, disabled: !c, title: 'Open this cell as a run' },
        'Open',
      );
      open.addEventListener('click', () => openCell(index));
      rows.push(
        h(
          'tr',
          { 'data-index': index, class: c ? '' : 'pending' },
          h('td', {}, num(g.lr[il])),
          h('td', {}, num(g.radius[ir])),
          h('td', {}, c ? `${c.success} / ${c.trials}` : '…'),
          h('td', {}, c ? pct(c.successRate) : ''),
          h('td', {}, c ? intervalText(c.interval) : ''),
          ...(gd ? [h('td', {}, c ? pct(c.gdSuccessRate) : '')] : []),
          h('td', {}, c ? String(c.diverged) : ''),
          h('td', {}, c ? num(c.medianDistance) : ''),
          h('td', {}, c ? num(c.c) : ''),
          h('td', {}, c ? (c.conditionHolds ? 'holds' : '–') : ''),
          h('td', {}, open),
        ),
      );
    }
  }
  setChildren(table, h('thead', {}, head), h('tbody', {}, ...rows));
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
