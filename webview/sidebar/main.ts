/**
 * The side panel: run controls for the active file, presets, a compact summary of the shown
 * run with a small landscape chart, and the recent runs. Browser code; all data by postMessage.
 * This file wires messages to rendering and holds the function picker, presets and status;
 * the run form is form.ts, the last and recent runs lastRun.ts, the state store.ts.
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
 *   preset-fig3-row2  runs GD and noise 0.15, 0.3, 0.6 one after the other and compares them (→ runSeries)
 *   open-panel      opens the landscape panel
 *   status          status line
 *   run-summary     summary of the shown run; chart-sidebar-landscape: its small landscape canvas
 *                   (data-live="true" while it shows a running experiment's landscape)
 *                   (data-drawn / data-points as in the panel)
 *   recent-runs     list; each entry a button with data-run-id (click → openRun) and a compare-pick
 *                   checkbox (data-compare-id); compare-runs: Compare the ticked runs (→ compareRuns, 2+ ticked)
 *   methods         the method list (RUN.json `methods`): method-<name> checkbox (method-sgd, method-gd,
 *                   method-momentum, method-nesterov, method-adam, method-sam, and the settings' other
 *                   names), method-<name>-<param> number inputs, method-<name>-noise select
 *   field-error     why Run is disabled (hidden when nothing is wrong)
 *   sweep-radius, sweep-lr   the sweep's axes (text: a list or start:stop:count); sweep: its button;
 *                   sweep-error: what is wrong with them
 *   recent-sweeps   list; each entry a button with data-sweep-id (click → openSweep)
 */
import type { RunSettings, SideHostState, SideLiveView, ToSideWebview } from '../../src/protocol/webview';
import { h, fillSelect } from '../shared/dom';
import { receiveLive, receiveState } from '../shared/receive';
import { statusText } from '../shared/summary';
import { onThemeChange, readTheme } from '../shared/theme';
import { dropStaleEdits, renderValidity, runButton, stopButton, update } from './edits';
import { formSections, renderSettings, row, scheduleSection } from './form';
import { renderRuns, renderSmallChart, renderSummary, runSections } from './lastRun';
import { PRESETS, applyPreset, figure3Row2, presetText } from './presets';
import { editedFields } from './settings';
import { current, currentDim, host, saveUi, selectedFunction, store, ui } from './store';
import { pinnedValues } from './suggested';
import { recentSweepsSection, renderSweepValidity, renderSweeps, sweepSection } from './sweep';
import '@vscode-elements/elements/dist/vscode-button/index.js';
import '@vscode-elements/elements/dist/vscode-single-select/index.js';
import '@vscode-elements/elements/dist/vscode-option/index.js';
import '@vscode-elements/elements/dist/vscode-collapsible/index.js';

type Select = HTMLElement & { value: string };

let theme = readTheme();
/** The running experiment's partial view (its landscape is drawn as soon as it exists). */
let live: SideLiveView | undefined;

// ---- layout ----

const fileLine = h('div', { class: 'file', 'data-testid': 'file' });
const fnPicker = h('vscode-single-select', { 'data-testid': 'fn-picker', 'aria-label': 'Loss function' }) as Select;
const trustNote = h(
  'p',
  { class: 'warn', 'data-testid': 'trust', hidden: true },
  'This workspace is not trusted: running its code is disabled.',
);
const statusLine = h('div', { class: 'status', 'data-testid': 'status', role: 'status' });
const presetButtons = PRESETS.map((p) => {
  const b = h('vscode-button', { secondary: true, 'data-testid': `preset-${p.id}`, title: p.title }, p.label);
  b.addEventListener('click', () => {
    const next = applyPreset(current(), p.id, currentDim());
    update(next);
    // What it changed shows: later stages open, and a line says it is staged, not run.
    const stages = next.stages ?? [];
    if (stages.length > 1) scheduleSection.setAttribute('open', '');
    presetNote.textContent = presetText(p.label, next);
    presetNote.hidden = false;
  });
  return b;
});
const presetNote = h('p', { class: 'hint', 'data-testid': 'preset-note', role: 'status', hidden: true });
/** The settings the user's edits were made against (what Run compares them with). */
function shownSettings(): Partial<RunSettings> {
  return ui.edited ? (JSON.parse(ui.base ?? 'null') ?? {}) : (store.state.controls?.settings ?? {});
}
const row2Button = h(
  'vscode-button',
  {
    secondary: true,
    'data-testid': 'preset-fig3-row2',
    title:
      'Four runs — GD, then uniform noise 0.15, 0.3 and 0.6, 100 trials from [-3, 3] — compared side by side (the paper’s Figure 3, row 2)',
  },
  'Figure 3 row 2: compare 4 runs',
);
row2Button.addEventListener('click', () => {
  if (runButton.hasAttribute('disabled')) return;
  const shown = shownSettings();
  const exportName = selectedFunction();
  host.post({
    type: 'runSeries',
    ...(exportName ? { exportName } : {}),
    settings: figure3Row2(current(), currentDim()).map((s) => editedFields(shown, s)),
  });
});
presetButtons.push(row2Button);

document.body.append(
  h(
    'main',
    { id: 'root', 'data-testid': 'sidebar-root' },
    h('section', {}, fileLine, row('Function', fnPicker), trustNote),
    ...formSections(),
    statusLine,
    h('section', {}, h('h2', {}, 'Presets'), h('div', { class: 'presets' }, ...presetButtons), presetNote),
    sweepSection(),
    ...runSections(),
    recentSweepsSection(),
  ),
);

// ---- messages to the host ----

fnPicker.addEventListener('change', () => {
  ui.exportName = fnPicker.value;
  saveUi();
});

runButton.addEventListener('click', () => {
  if (runButton.hasAttribute('disabled')) return;
  presetNote.hidden = true;
  // Only what the user edited here (against the settings shown when editing began) is sent.
  const settings = { ...(ui.edited ? editedFields(JSON.parse(ui.base ?? 'null') ?? {}, ui.edited) : {}), ...pinnedValues() };
  const exportName = selectedFunction();
  host.post({ type: 'run', ...(exportName ? { exportName } : {}), settings });
});
stopButton.addEventListener('click', () => host.post({ type: 'stop' }));

// ---- rendering ----

let lastSelected = '';

/** The active file, its losses in the picker, trust; then the form. */
function renderControls(): void {
  const c = store.state.controls;
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
  dropStaleEdits();
  renderSettings();
}

function renderStatus(): void {
  const { status, current: shown } = store.state;
  statusLine.textContent = status.kind === 'idle' ? '' : statusText(status, shown);
  statusLine.classList.toggle('error', status.kind === 'error');
  if (status.kind === 'error') statusLine.textContent = `Error: ${status.message}`;
  renderValidity();
  // A sweep may start while a run goes (it queues on the same workers), not with bad fields or without trust.
  const c = store.state.controls;
  renderSweepValidity(!c?.trusted || !c.functions.length || !document.querySelector<HTMLElement>('[data-testid="field-error"]')!.hidden);
}

let lastCurrentKey = '';
function onState(next: SideHostState): void {
  store.state = next;
  renderControls();
  renderStatus();
  const key = next.current?.runId ?? '';
  if (key !== lastCurrentKey) {
    lastCurrentKey = key;
    renderSummary();
    renderSmallChart(live, theme);
  }
  renderRuns();
  renderSweeps();
}

onThemeChange(() => {
  theme = readTheme();
  renderSmallChart(live, theme);
});

let resizeTimer: number | undefined;
window.addEventListener('resize', () => {
  clearTimeout(resizeTimer);
  resizeTimer = window.setTimeout(() => {
    if (store.state.current?.config.dim === 2) renderSmallChart(live, theme);
  }, 150);
});

renderSettings();
renderSummary();
renderSmallChart(live, theme);
renderRuns();
renderSweeps();
host.listen((m: ToSideWebview) => {
  if (m.type === 'state') {
    const next = receiveState(m, store.state);
    // The state carries the live view too; when a run ends it is gone and the small chart goes
    // back to the shown run (the new one, or the last good one after a failure).
    live = next.live;
    onState(next);
    renderSmallChart(live, theme, false);
  } else if (m.type === 'live') {
    live = receiveLive(m, live);
    renderSmallChart(live, theme, false);
  } else if (m.type === 'status') {
    store.state = { ...store.state, status: m.status };
    renderStatus();
  }
});
