/**
 * The side panel: run controls for the active file, presets, a compact summary of the shown
 * run with a small landscape chart, and the recent runs. Browser code; all data by postMessage.
 *
 * Stable DOM hooks for the e2e tests (data-testid):
 *   fn-picker       <vscode-single-select> of the active file's exported losses (set .value, dispatch 'change')
 *   noise           <vscode-single-select> of stage 1's noise kind (uniform, gaussian, cube, none)
 *   lr, radius, steps, trials, seed   native <input> (type number/text): fill, then 'change'
 *   lr-slider, radius-slider          native range inputs bound to lr and radius
 *   derived-r       the derived gradient-noise bound r = radius/η
 *   stages          schedule editor list; stage-<i>-lr / -radius / -steps / -noise (i ≥ 2),
 *                   stage-<i>-remove; add-stage
 *   run, stop       <vscode-button>s; run is disabled while a field is invalid or the workspace is untrusted
 *   preset-fig3-single, preset-gd, preset-fig3-stages   preset buttons
 *   open-panel      opens the landscape panel
 *   status          status line
 *   run-summary     summary of the shown run; chart-sidebar-landscape: its small landscape canvas
 *                   (data-live="true" while it shows a running experiment's landscape)
 *                   (data-drawn / data-points as in the panel)
 *   recent-runs     list; each entry a button with data-run-id (click → openRun)
 *   field-error     why Run is disabled (hidden when nothing is wrong)
 */
import type { NumberSpec } from '../../src/engine/settingsSchema';
import type { NoiseKind } from '../../src/engine/types';
import type { HostState, LiveView, RunSettings, ToWebview } from '../../src/protocol/webview';
import { receiveLive, receiveState } from '../shared/receive';
import { drawChart } from '../shared/charts';
import { h, fillSelect, setChildren } from '../shared/dom';
import { formatNumber } from '../shared/format';
import { drawPlot2D } from '../shared/plot2d';
import { robustExtent, viridis } from '../shared/shape';
import { convexityText, recentRunText, runLabel, statusText, successText, theoremText } from '../shared/summary';
import { onThemeChange, readTheme } from '../shared/theme';
import { connect } from '../shared/vscode';
import {
  DEFAULT_RUN_SETTINGS,
  FIELDS,
  NOISE_CHOICES,
  PRESETS,
  SEED_MAX_LENGTH,
  addStage,
  applyPreset,
  derivedR,
  editedFields,
  inputBounds,
  lrToSlider,
  parseSpecField,
  removeStage,
  setStageField,
  sliderToLr,
  stagesOf,
  type StageField,
} from './settings';
import '@vscode-elements/elements/dist/vscode-button/index.js';
import '@vscode-elements/elements/dist/vscode-single-select/index.js';
import '@vscode-elements/elements/dist/vscode-option/index.js';
import '@vscode-elements/elements/dist/vscode-collapsible/index.js';

type Select = HTMLElement & { value: string };

/** Persisted with setState: the user's edits, and the host settings they were made against. */
interface SidebarUi {
  edited?: RunSettings;
  base?: string;
  exportName?: string;
}

const host = connect<SidebarUi>();
const ui: SidebarUi = host.getState() ?? {};
let state: HostState = { status: { kind: 'idle' }, runs: [] };
let theme = readTheme();
const NOISE = NOISE_CHOICES;

// ---- layout ----

const fileLine = h('div', { class: 'file', 'data-testid': 'file' });
const fnPicker = h('vscode-single-select', { 'data-testid': 'fn-picker', 'aria-label': 'Loss function' }) as Select;
const trustNote = h(
  'p',
  { class: 'warn', 'data-testid': 'trust', hidden: true },
  'This workspace is not trusted: running its code is disabled.',
);

function numberInput(testid: string, label: string, attrs: Record<string, string | number> = {}): HTMLInputElement {
  return h('input', { type: 'number', 'data-testid': testid, 'aria-label': label, ...attrs });
}

const lrInput = numberInput('lr', 'Learning rate η', { step: 'any', ...inputBounds(FIELDS.lr) });
const lrSlider = h('input', {
  type: 'range',
  min: 0,
  max: 1000,
  step: 1,
  'data-testid': 'lr-slider',
  'aria-label': 'Learning rate (log scale)',
});
const radiusInput = numberInput('radius', 'Noise radius a', { step: 'any', ...inputBounds(FIELDS.radius) });
const radiusSlider = h('input', {
  type: 'range',
  min: 0,
  max: 1.5,
  step: 0.005,
  'data-testid': 'radius-slider',
  'aria-label': 'Noise radius',
});
const derived = h('div', { class: 'hint', 'data-testid': 'derived-r' });
const noiseSelect = h('vscode-single-select', { 'data-testid': 'noise', 'aria-label': 'Noise kind' }) as Select;
const stepsInput = numberInput('steps', 'Steps (stage 1)', { step: 1, ...inputBounds(FIELDS.steps) });
const trialsInput = numberInput('trials', 'Trials', { step: 1, ...inputBounds(FIELDS.trials) });
const seedInput = h('input', {
  type: 'text',
  'data-testid': 'seed',
  'aria-label': 'Seed',
  maxlength: SEED_MAX_LENGTH,
  spellcheck: 'false',
});
const stageList = h('ol', { class: 'stages', 'data-testid': 'stages', start: 2 });
const addStageButton = h(
  'vscode-button',
  { secondary: true, 'data-testid': 'add-stage', title: 'Add a stage with half the radius' },
  'Add stage',
);
const fieldError = h('p', { class: 'field-error', 'data-testid': 'field-error', hidden: true });
const runButton = h('vscode-button', { 'data-testid': 'run', title: 'Run SGD on the selected function' }, 'Run');
const stopButton = h(
  'vscode-button',
  { secondary: true, 'data-testid': 'stop', title: 'Stop the running experiment', disabled: true },
  'Stop',
);
const statusLine = h('div', { class: 'status', 'data-testid': 'status', role: 'status' });
const presetButtons = PRESETS.map((p) => {
  const b = h('vscode-button', { secondary: true, 'data-testid': `preset-${p.id}`, title: p.title }, p.label);
  b.addEventListener('click', () => {
    const dim = currentDim();
    update(applyPreset(current(), p.id, dim));
  });
  return b;
});
const openPanel = h('vscode-button', { secondary: true, 'data-testid': 'open-panel' }, 'Open landscape panel');
const summaryBox = h('div', { class: 'run-summary', 'data-testid': 'run-summary' });
const smallCanvas = h('canvas', {
  'data-testid': 'chart-sidebar-landscape',
  'data-drawn': 'false',
  role: 'img',
  'aria-label': 'Landscape of the shown run',
});
const smallChart = h('div', { class: 'small-chart', hidden: true }, smallCanvas);
const recentList = h('ul', { class: 'recent', 'data-testid': 'recent-runs' });

function row(label: string, ...controls: Node[]): HTMLElement {
  return h('label', { class: 'row' }, h('span', { class: 'label' }, label), h('span', { class: 'control' }, ...controls));
}

document.body.append(
  h(
    'main',
    { id: 'root', 'data-testid': 'sidebar-root' },
    h('section', {}, fileLine, row('Function', fnPicker), trustNote),
    h(
      'section',
      {},
      h('h2', {}, 'Stage 1'),
      row('Learning rate η', lrInput),
      h('div', { class: 'slider' }, lrSlider),
      row('Noise radius a', radiusInput),
      h('div', { class: 'slider' }, radiusSlider),
      derived,
      row('Noise', noiseSelect),
      row('Steps', stepsInput),
    ),
    h(
      'vscode-collapsible',
      { title: 'Schedule (later stages)', 'data-testid': 'schedule' },
      h('div', { class: 'collapsible-body' }, stageList, addStageButton),
    ),
    h('section', {}, row('Trials', trialsInput), row('Seed', seedInput)),
    fieldError,
    h('div', { class: 'buttons' }, runButton, stopButton),
    statusLine,
    h('section', {}, h('h2', {}, 'Presets'), h('div', { class: 'presets' }, ...presetButtons)),
    h('section', {}, h('h2', {}, 'Last run'), summaryBox, smallChart, h('div', { class: 'buttons' }, openPanel)),
    h('section', {}, h('h2', {}, 'Recent runs'), recentList),
  ),
);

// ---- settings model ----

function current(): RunSettings {
  if (ui.edited) return ui.edited;
  return state.controls?.settings ?? { ...DEFAULT_RUN_SETTINGS };
}

function currentDim(): number {
  const sel = state.controls?.functions.find((f) => f.name === (ui.exportName ?? state.controls?.selected));
  return sel?.dim ?? current().dim ?? 1;
}

/** Invalid fields by test id (text the user typed that is not a usable number). */
const invalid = new Set<string>();

function update(next: RunSettings): void {
  ui.edited = next;
  ui.base = JSON.stringify(state.controls?.settings ?? null);
  host.setState(ui);
  renderSettings();
}

function bindNumber(input: HTMLInputElement, id: string, spec: NumberSpec, apply: (s: RunSettings, v: number) => RunSettings): void {
  input.addEventListener('change', () => {
    const v = parseSpecField(input.value, spec);
    if (v === undefined) {
      invalid.add(id);
      input.classList.add('invalid');
      renderValidity();
      return;
    }
    invalid.delete(id);
    input.classList.remove('invalid');
    update(apply(current(), v));
  });
}

bindNumber(lrInput, 'lr', FIELDS.lr, (s, v) => setStageField(s, 0, 'lr', v));
bindNumber(radiusInput, 'radius', FIELDS.radius, (s, v) => setStageField(s, 0, 'radius', v));
bindNumber(stepsInput, 'steps', FIELDS.steps, (s, v) => setStageField(s, 0, 'steps', v));
bindNumber(trialsInput, 'trials', FIELDS.trials, (s, v) => ({ ...s, trials: v }));
lrSlider.addEventListener('input', () => update(setStageField(current(), 0, 'lr', sliderToLr(Number(lrSlider.value)))));
radiusSlider.addEventListener('input', () =>
  update(setStageField(current(), 0, 'radius', Number(Number(radiusSlider.value).toPrecision(3)))),
);
noiseSelect.addEventListener('change', () => {
  if (NOISE.includes(noiseSelect.value as NoiseKind)) update(setStageField(current(), 0, 'noise', noiseSelect.value as NoiseKind));
});
seedInput.addEventListener('change', () => {
  const v = seedInput.value.trim();
  if (v.length === 0 || v.length > SEED_MAX_LENGTH) {
    invalid.add('seed');
    seedInput.classList.add('invalid');
    renderValidity();
    return;
  }
  invalid.delete('seed');
  seedInput.classList.remove('invalid');
  update({ ...current(), seed: v });
});
fnPicker.addEventListener('change', () => {
  ui.exportName = fnPicker.value;
  host.setState(ui);
});
addStageButton.addEventListener('click', () => update(addStage(current())));

runButton.addEventListener('click', () => {
  if (runButton.hasAttribute('disabled')) return;
  // Only what the user edited here (against the settings shown when editing began) is sent.
  const settings = ui.edited ? editedFields(JSON.parse(ui.base ?? 'null') ?? {}, ui.edited) : {};
  const exportName = ui.exportName ?? state.controls?.selected;
  host.post({ type: 'run', ...(exportName ? { exportName } : {}), settings });
});
stopButton.addEventListener('click', () => host.post({ type: 'stop' }));
openPanel.addEventListener('click', () => host.post({ type: 'showPanel' }));

// ---- rendering ----

function setValue(input: HTMLInputElement, v: string): void {
  // Leave a field the user is typing in alone.
  if (document.activeElement !== input && input.value !== v) input.value = v;
}

function stageRow(index: number): HTMLElement {
  const s = stagesOf(current())[index]!;
  const n = index + 1;
  const field = (f: Exclude<StageField, 'noise'>, label: string) => {
    const spec = FIELDS[f];
    const input = numberInput(`stage-${n}-${f}`, `Stage ${n} ${label}`, {
      step: spec.kind === 'integer' ? 1 : 'any',
      ...inputBounds(spec),
    });
    input.value = String(s[f] ?? '');
    bindNumber(input, `stage-${n}-${f}`, spec, (st, v) => setStageField(st, index, f, v));
    return h('label', { class: 'stage-field' }, h('span', {}, label), input);
  };
  const noise = h('vscode-single-select', { 'data-testid': `stage-${n}-noise`, 'aria-label': `Stage ${n} noise` }) as Select;
  fillSelect(
    noise,
    NOISE.map((k) => ({ value: k, label: k })),
    s.noise ?? 'uniform',
  );
  noise.addEventListener('change', () => {
    if (NOISE.includes(noise.value as NoiseKind)) update(setStageField(current(), index, 'noise', noise.value as NoiseKind));
  });
  const remove = h('vscode-button', { secondary: true, 'data-testid': `stage-${n}-remove`, title: `Remove stage ${n}` }, 'Remove');
  remove.addEventListener('click', () => update(removeStage(current(), index)));
  const init = s.init
    ? h(
        'span',
        { class: 'hint' },
        `restarts in [${s.init.low.map((v) => formatNumber(v)).join(', ')}] … [${s.init.high.map((v) => formatNumber(v)).join(', ')}]`,
      )
    : undefined;
  return h(
    'li',
    { 'data-stage': n },
    h(
      'div',
      { class: 'stage-grid' },
      field('lr', 'η'),
      field('radius', 'radius'),
      field('steps', 'steps'),
      h('label', { class: 'stage-field' }, h('span', {}, 'noise'), noise),
    ),
    h('div', { class: 'stage-actions' }, init, remove),
  );
}

let stagesKey = '';

function renderSettings(): void {
  const s = current();
  setValue(lrInput, String(s.lr));
  lrSlider.value = String(lrToSlider(s.lr));
  setValue(radiusInput, String(s.radius));
  radiusSlider.value = String(Math.min(1.5, s.radius));
  const r = derivedR(s.radius, s.lr);
  derived.textContent = s.noise === 'none' ? 'No noise: plain gradient descent.' : `Gradient-noise bound r = a/η = ${formatNumber(r)}`;
  fillSelect(
    noiseSelect,
    NOISE.map((k) => ({ value: k, label: k === 'none' ? 'none (GD)' : k })),
    s.noise,
  );
  setValue(stepsInput, String(s.steps));
  setValue(trialsInput, String(s.trials ?? ''));
  setValue(seedInput, String(s.seed ?? ''));
  const stages = stagesOf(s);
  // Rebuild the schedule rows only when the schedule changed (keeps focus in a field being edited).
  const key = JSON.stringify(stages.slice(1));
  if (key !== stagesKey) {
    stagesKey = key;
    // Fresh rows show the stored values, so earlier typing mistakes in them are gone.
    for (const id of [...invalid]) if (id.startsWith('stage-')) invalid.delete(id);
    setChildren(stageList, ...stages.slice(1).map((_, i) => stageRow(i + 1)));
    if (stages.length === 1)
      stageList.append(h('li', { class: 'hint none' }, 'One stage. “Add stage” continues with a smaller noise radius.'));
  }
  renderValidity();
}

function renderValidity(): void {
  const controls = state.controls;
  const running = state.status.kind === 'running';
  const problems: string[] = [];
  if (invalid.size > 0) problems.push(`Fix: ${[...invalid].join(', ')}`);
  if (controls && !controls.trusted) problems.push('Workspace not trusted.');
  if (!controls?.functions.length) problems.push('Open a TypeScript file that exports a loss function.');
  fieldError.hidden = problems.length === 0;
  fieldError.textContent = problems.join(' ');
  runButton.toggleAttribute('disabled', problems.length > 0 || running);
  stopButton.toggleAttribute('disabled', !running);
}

let lastSelected = '';

function renderControls(): void {
  const c = state.controls;
  fileLine.textContent = c?.file ? c.file.split(/[\\/]/).pop()! : 'No TypeScript file active';
  fileLine.title = c?.file ?? '';
  trustNote.hidden = !c || c.trusted;
  const fns = c?.functions ?? [];
  // A pick in the picker holds until the editor's selection moves to another function.
  const selectedKey = `${c?.file ?? ''}#${c?.selected ?? ''}`;
  if (selectedKey !== lastSelected) {
    if (lastSelected !== '') ui.exportName = undefined;
    lastSelected = selectedKey;
  }
  if (ui.exportName && !fns.some((f) => f.name === ui.exportName)) ui.exportName = undefined;
  fillSelect(
    fnPicker,
    fns.map((f) => ({ value: f.name, label: `${f.name}${f.dim ? ` (${f.dim}-D)` : ''}` })),
    ui.exportName ?? c?.selected ?? fns[0]?.name ?? '',
  );
  fnPicker.toggleAttribute('disabled', fns.length === 0);
  // The host's settings changed under the user's edits (other function, settings.json): start over.
  if (ui.edited && ui.base !== JSON.stringify(c?.settings ?? null)) {
    ui.edited = undefined;
    ui.base = undefined;
    invalid.clear();
    host.setState(ui);
  }
  renderSettings();
}

/** The running experiment's partial view (its landscape is drawn as soon as it exists). */
let live: LiveView | undefined;
/** The landscape object last drawn, so a live update with the same landscape is not redrawn. */
let drawnLandscape: unknown;

function renderSmallChart(force = true): void {
  const view = live?.view ?? state.current;
  if (!force && view?.landscape === drawnLandscape) return;
  drawnLandscape = view?.landscape;
  smallCanvas.dataset.live = String(!!live?.view);
  smallChart.hidden = !view;
  if (!view) {
    smallCanvas.dataset.drawn = 'false';
    return;
  }
  const L = view.landscape;
  let n = 0;
  if (view.config.dim === 2 && L.y) {
    const g = (L.smoothed[0]?.values ?? L.f) as number[][];
    const [lo, hi] = robustExtent(g.flat(), 0.02) ?? [0, 1];
    n = drawPlot2D(
      smallCanvas,
      {
        xRange: [L.x[0]!, L.x[L.x.length - 1]!],
        yRange: [L.y[0]!, L.y[L.y.length - 1]!],
        heat: { grid: g, x: L.x, y: L.y, color: (v) => viridis((v - lo) / (hi - lo || 1)) },
        points: [{ points: [view.diagnostics.xStar], color: theme.red, radius: 6, shape: 'star', stroke: theme.background }],
      },
      theme,
    );
    n += g.length * (g[0]?.length ?? 0) - 1;
  } else {
    const fRow = (view.config.dim === 1 ? L.f : (L.f as number[][])[0]!) as number[];
    const gRow = L.smoothed[0]
      ? ((view.config.dim === 1 ? L.smoothed[0].values : (L.smoothed[0].values as number[][])[0]!) as number[])
      : undefined;
    const datasets = [
      {
        type: 'line' as const,
        label: 'f',
        data: L.x.map((x, i) => ({ x, y: fRow[i]! })),
        borderColor: theme.foreground,
        borderWidth: 1,
        pointRadius: 0,
      },
    ];
    if (gRow)
      datasets.push({
        type: 'line' as const,
        label: `g (${formatNumber(L.smoothed[0]!.radius)})`,
        data: L.x.map((x, i) => ({ x, y: gRow[i]! })),
        borderColor: theme.blue,
        borderWidth: 2,
        pointRadius: 0,
      });
    drawChart(smallCanvas, { datasets, xLabel: view.config.dim === 1 ? 'x' : 't (slice 1)', yLabel: '', legend: false }, theme);
    n = datasets.reduce((a, d) => a + d.data.length, 0);
  }
  smallCanvas.dataset.points = String(n);
  smallCanvas.dataset.drawn = 'true';
}

function renderSummary(): void {
  const view = state.current;
  if (!view) {
    setChildren(summaryBox, h('p', { class: 'hint' }, 'No run yet.'));
  } else {
    const t1 = view.diagnostics.theorem1[view.diagnostics.theorem1.length - 1];
    setChildren(
      summaryBox,
      h('p', { class: 'run-label' }, runLabel(view)),
      h('p', {}, successText(view)),
      h('p', {}, convexityText(view)),
      ...(t1 ? [h('p', {}, theoremText(t1, view.config.stages.length))] : []),
    );
  }
  renderSmallChart();
}

function renderRuns(): void {
  if (state.runs.length === 0) {
    setChildren(recentList, h('li', { class: 'hint' }, 'Runs you make appear here.'));
    return;
  }
  setChildren(
    recentList,
    ...state.runs.map((r) => {
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

function renderStatus(): void {
  statusLine.textContent = state.status.kind === 'idle' ? '' : statusText(state.status, state.current);
  statusLine.classList.toggle('error', state.status.kind === 'error');
  if (state.status.kind === 'error') statusLine.textContent = `Error: ${state.status.message}`;
  renderValidity();
}

let lastCurrentKey = '';
function onState(next: HostState): void {
  state = next;
  renderControls();
  renderStatus();
  const key = next.current?.runId ?? '';
  if (key !== lastCurrentKey) {
    lastCurrentKey = key;
    renderSummary();
  }
  renderRuns();
}

onThemeChange(() => {
  theme = readTheme();
  renderSmallChart();
});

let resizeTimer: number | undefined;
window.addEventListener('resize', () => {
  clearTimeout(resizeTimer);
  resizeTimer = window.setTimeout(() => {
    if (state.current?.config.dim === 2) renderSmallChart();
  }, 150);
});

renderSettings();
renderSummary();
renderRuns();
host.listen((m: ToWebview) => {
  if (m.type === 'state') {
    const next = receiveState(m, state);
    // The state carries the live view too; when a run ends it is gone and the small chart goes
    // back to the shown run (the new one, or the last good one after a failure).
    live = next.live;
    onState(next);
    renderSmallChart(false);
  } else if (m.type === 'live') {
    live = receiveLive(m, live);
    renderSmallChart(false);
  } else if (m.type === 'status') {
    state = { ...state, status: m.status };
    renderStatus();
  }
});
