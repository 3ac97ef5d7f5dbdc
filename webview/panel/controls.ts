/**
 * The panel's controls: which g beside f, the colour scale of the 2-D maps, which radius of c(y), how many paths, whose density,
 * after which stage, and the time slider with Play. `syncControls` fits them to the run on screen;
 * `bindControls` turns the user's changes into ChartUi changes and asks for the charts they affect.
 */
import type { ViewResult } from '../../src/protocol/webview';
import type { ChartUi } from '../charts/chart';
import { stageOf } from '../charts/convexity';
import { landscapeScale } from '../charts/heat';
import { methodsLayout } from '../charts/methods';
import { sliderStep } from '../charts/trajectories';
import { h, fillSelect } from '../shared/dom';
import { formatNumber } from '../shared/format';
import { unsmoothedNoiseText } from '../../src/view/gradientNoise';
import type { ScaleChoice } from '../shared/valueScale';

/** Play runs through a whole run in about this many milliseconds (see the play button). */
const PLAY_MS = 6000;

type Select = HTMLElement & { value: string };

const SCALES: readonly ScaleChoice[] = ['auto', 'linear', 'log', 'rank'];

const select = (testid: string, title: string) => h('vscode-single-select', { 'data-testid': testid, title }) as Select;

export const layerSelect = select('landscape-layer', 'What the landscape shows');
export const scaleSelect = select('color-scale', 'Colour scale of the maps of f and g');
export const convexitySelect = select('convexity-radius', 'Smoothing radius of c(y)');
export const pathsSelect = select('paths-shown', 'Sampled paths drawn');
export const densitySelect = select('density-method', 'Whose final iterates');
export const layoutSelect = select('methods-layout', 'Methods side by side (one column each, shared axes) or overlaid in one chart');
export const stageSelect = select('finals-stage', 'Where the trials are: after which stage');
export const timeSlider = h('input', {
  type: 'range',
  min: 0,
  max: 0,
  value: 0,
  step: 1,
  'data-testid': 'time-slider',
  'aria-label': 'Time step',
});
export const timeLabel = h('span', { class: 'time-label', 'data-testid': 'time-label' });
export const playButton = h('vscode-button', { secondary: true, 'data-testid': 'play', title: 'Play the run' }, 'Play');

/** Fits the controls to `view` (options, hidden when pointless) and `ui` to what `view` offers. */
export function syncControls(view: ViewResult, ui: ChartUi): void {
  const dim = view.config.dim;
  const layers = view.landscape.smoothed.map((s, i) => ({ value: String(i), label: `g: radius ${formatNumber(s.radius)} (${s.noise})` }));
  if (!layers.some((l) => l.value === String(ui.landscapeLayer))) ui.landscapeLayer = 0;
  layerSelect.hidden = dim === 1 || layers.length < 2;
  fillSelect(layerSelect, layers, String(ui.landscapeLayer));

  // 2-D: auto says which scale it picks for f and every g (one kind for the run's maps).
  scaleSelect.hidden = dim !== 2;
  if (!SCALES.includes(ui.colorScale)) ui.colorScale = 'auto';
  const autoKind = dim === 2 ? landscapeScale(view.landscape, 'auto') : 'linear';
  fillSelect(
    scaleSelect,
    SCALES.map((s) => ({ value: s, label: s === 'auto' ? `colours: auto (${autoKind})` : `colours: ${s}` })),
    ui.colorScale,
  );

  const maps = view.diagnostics.convexity;
  if (ui.convexityIndex >= maps.length) ui.convexityIndex = 0;
  convexitySelect.hidden = maps.length < 2;
  fillSelect(
    convexitySelect,
    maps.map((m, i) => {
      const what = m.radius > 0 ? `c(y) for radius ${formatNumber(m.radius)}` : `c(y) of f (${unsmoothedNoiseText(view.config.stages)})`;
      // A multi-stage run: the maps are its stages' (the others drawn faint behind the one picked).
      const st = view.config.stages.length > 1 ? stageOf(view, m) : undefined;
      return { value: String(i), label: st ? `stage ${st.stage + 1}: ${what}` : what };
    }),
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

  const methods = view.methods && view.methods.length > 0 ? view.methods.map((m) => m.name) : view.gd ? ['SGD', 'GD'] : ['SGD'];
  layoutSelect.hidden = methods.length < 2;
  if (!['auto', 'columns', 'overlay'].includes(ui.methodsLayout)) ui.methodsLayout = 'auto';
  fillSelect(
    layoutSelect,
    [
      { value: 'auto', label: `methods: auto (${methodsLayout(view, { ...ui, methodsLayout: 'auto' })})` },
      { value: 'columns', label: 'methods: side by side' },
      { value: 'overlay', label: 'methods: overlaid' },
    ],
    ui.methodsLayout,
  );

  // The 2-D density of one method, when the methods are overlaid (columns show every one).
  densitySelect.hidden = dim !== 2 || methods.length < 2 || methodsLayout(view, ui) === 'columns';
  const densityOptions = view.methods?.length
    ? view.methods.map((m, k) => ({ value: String(k), label: `${m.name} density` }))
    : [
        { value: 'sgd', label: 'SGD density' },
        { value: 'gd', label: 'GD density' },
      ];
  if (!densityOptions.some((o) => o.value === String(ui.density))) {
    // A run with methods: SGD's place among them; a run without: 'sgd' / 'gd'.
    const sgd = view.methods?.findIndex((m) => m.role === 'sgd') ?? -1;
    const gd = view.methods?.findIndex((m) => m.role === 'gd') ?? -1;
    ui.density = view.methods?.length ? Math.max(0, ui.density === 'gd' ? gd : sgd) : 'sgd';
  }
  fillSelect(densitySelect, densityOptions, String(ui.density));

  const n = view.sgd.pathSteps.length;
  timeSlider.max = String(Math.max(0, n - 1));
  if (ui.timeIndex >= n) ui.timeIndex = -1;
  timeSlider.value = String(ui.timeIndex < 0 ? n - 1 : ui.timeIndex);
  timeSlider.disabled = n < 2;
  playButton.toggleAttribute('disabled', n < 2);
  updateTimeLabel(view, ui);
}

function updateTimeLabel(view: ViewResult, ui: ChartUi): void {
  const total = view.config.stages.reduce((s, st) => s + st.steps, 0);
  timeLabel.textContent = `step ${sliderStep(view, ui)} / ${total}`;
}

/** What the controls need from the panel. */
export interface ControlHost {
  ui: ChartUi;
  /** The run the charts show (live or complete), if any. */
  shownView(): ViewResult | undefined;
  /** Redraws the charts with these ids, or those redrawn with time (`'timed'`). */
  redraw(charts: readonly string[] | 'timed'): void;
  /** Persists `ui`. */
  save(): void;
  /** Fits the page to a change of layout (methods side by side or overlaid). */
  layout?(): void;
}

let playing: number | undefined;

export function stopPlaying(): void {
  if (playing !== undefined) cancelAnimationFrame(playing);
  playing = undefined;
  playButton.textContent = 'Play';
}

export function bindControls(host: ControlHost): void {
  const { ui } = host;
  const onSelect = (sel: Select, apply: (v: string) => boolean, charts: string[]) =>
    sel.addEventListener('change', () => {
      if (!apply(sel.value)) return;
      host.save();
      host.redraw(charts);
    });
  onSelect(layerSelect, (v) => ((ui.landscapeLayer = Number(v)), Number.isInteger(ui.landscapeLayer)), ['chart-landscape']);
  onSelect(
    scaleSelect,
    (v) => {
      const s = SCALES.find((c) => c === v);
      if (s) ui.colorScale = s;
      return !!s;
    },
    ['chart-landscape', 'chart-trajectories', 'chart-finals'],
  );
  onSelect(convexitySelect, (v) => ((ui.convexityIndex = Number(v)), Number.isInteger(ui.convexityIndex)), ['chart-convexity']);
  onSelect(pathsSelect, (v) => ((ui.pathsShown = Number(v)), ui.pathsShown > 0), ['chart-trajectories']);
  onSelect(
    densitySelect,
    (v) => ((ui.density = v === 'gd' || v === 'sgd' ? v : Number(v)), v === 'gd' || v === 'sgd' || Number.isInteger(Number(v))),
    ['chart-histogram'],
  );
  onSelect(
    layoutSelect,
    (v) => {
      if (v !== 'auto' && v !== 'columns' && v !== 'overlay') return false;
      ui.methodsLayout = v;
      const view = host.shownView();
      if (view) syncControls(view, ui);
      host.layout?.();
      return true;
    },
    ['chart-finals', 'chart-histogram'],
  );
  onSelect(stageSelect, (v) => ((ui.finalsStage = Number(v)), Number.isInteger(ui.finalsStage)), ['chart-finals', 'chart-histogram']);

  const setTime = (index: number): void => {
    const view = host.shownView();
    if (!view) return;
    const last = view.sgd.pathSteps.length - 1;
    ui.timeIndex = index >= last ? -1 : Math.max(0, index);
    timeSlider.value = String(ui.timeIndex < 0 ? last : ui.timeIndex);
    updateTimeLabel(view, ui);
    host.redraw('timed');
  };

  timeSlider.addEventListener('input', () => {
    stopPlaying();
    setTime(Number(timeSlider.value));
    host.save();
  });

  playButton.addEventListener('click', () => {
    const view = host.shownView();
    if (!view) return;
    if (playing !== undefined) {
      stopPlaying();
      host.save();
      return;
    }
    const n = view.sgd.pathSteps.length;
    if (n < 2) return;
    // About 6 s for a whole run, whatever the number of stored points and whatever a frame costs to
    // draw: the position follows the clock (a slow frame skips stored path points), but it stops on
    // every snapshot of all trials on its way (one frame each at least), so Play shows every stored
    // position of the trials, then the finals.
    const steps = view.sgd.pathSteps;
    const snaps = view.sgd.snapshotSteps ?? [];
    const from = ui.timeIndex < 0 ? 0 : ui.timeIndex;
    let pos = from;
    let t0: number | undefined;
    playButton.textContent = 'Pause';
    const tick = (now: number) => {
      t0 ??= now;
      let next = Math.min(n - 1, Math.max(pos + 1, Math.floor(from + ((now - t0) / PLAY_MS) * (n - 1))));
      const snap = snaps.find((s) => s > steps[pos]!);
      if (snap !== undefined) {
        const k = steps.findIndex((s) => s >= snap);
        if (k > pos && k < next) next = k;
      }
      pos = next;
      setTime(pos);
      if (pos >= n - 1) {
        stopPlaying();
        host.save();
        return;
      }
      playing = requestAnimationFrame(tick);
    };
    playing = requestAnimationFrame(tick);
  });
}
