/**
 * The side panel's run form: stage 1 (η, radius, noise, steps with their sliders), the schedule
 * of later stages, the methods, trials and seed, and the Run/Stop buttons. Edits become new
 * RunSettings (settings.ts does the maths) through edits.ts, which also says why Run is disabled;
 * the schedule's and methods' rows are in rows.ts, the "suggested" tags and note in suggested.ts.
 */
import type { NoiseKind, Sampling } from '../../src/engine/types';
import { h, fillSelect, setChildren } from '../shared/dom';
import { formatNumber } from '../shared/format';
import {
  bindNumber,
  fieldError,
  forgetInvalid,
  markInvalid,
  numberInput,
  onUpdate,
  renderValidity,
  runButton,
  setValue,
  stopButton,
  update,
} from './edits';
import { methodRows } from './methods';
import { methodRow, stageRow } from './rows';
import {
  FIELDS,
  NOISE_CHOICES,
  SAMPLING_CHOICES,
  SEED_MAX_LENGTH,
  addStage,
  derivedR,
  inputBounds,
  lrToSlider,
  setStageField,
  sliderToLr,
  stagesOf,
} from './settings';
import { current, currentExamples } from './store';
import { renderSuggested, suggestedNote, suggestedTags } from './suggested';

type Select = HTMLElement & { value: string };

const NOISE = NOISE_CHOICES;

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
const batchInput = numberInput('batch-size', 'Batch size B (stage 1)', { step: 1, ...inputBounds(FIELDS.batchSize) });
const samplingSelect = h('vscode-single-select', { 'data-testid': 'sampling', 'aria-label': 'Batch sampling (stage 1)' }) as Select;
const trialsInput = numberInput('trials', 'Trials', { step: 1, ...inputBounds(FIELDS.trials) });
const seedInput = h('input', {
  type: 'text',
  'data-testid': 'seed',
  'aria-label': 'Seed',
  maxlength: SEED_MAX_LENGTH,
  spellcheck: 'false',
});
const stageList = h('ol', { class: 'stages', 'data-testid': 'stages', start: 2 });
/** The schedule section (opened when a preset changes later stages). */
export const scheduleSection = h('vscode-collapsible', { title: 'Schedule (later stages)', 'data-testid': 'schedule' });
const addStageButton = h(
  'vscode-button',
  { secondary: true, 'data-testid': 'add-stage', title: 'Add a stage with half the radius' },
  'Add stage',
);
const methodList = h('ul', { class: 'methods', 'data-testid': 'methods' });

/** A labelled row of the form. */
export function row(label: string, ...controls: Node[]): HTMLElement {
  return h('label', { class: 'row' }, h('span', { class: 'label' }, label), h('span', { class: 'control' }, ...controls));
}

const radiusRow = row('Noise radius a', radiusInput, suggestedTags.radius);
const radiusSliderRow = h('div', { class: 'slider' }, radiusSlider);
const batchRow = row('Batch size B', batchInput);
const samplingRow = row('Sampling', samplingSelect);
batchInput.title = FIELDS.batchSize.description;
samplingSelect.title =
  'uniform: B distinct examples drawn afresh each step; shuffle: a fresh permutation each epoch, walked in batches of B';

/** The form's sections, in page order: stage 1, the schedule, trials and seed, the field error, Run/Stop. */
export function formSections(): HTMLElement[] {
  return [
    h(
      'section',
      {},
      h('h2', {}, 'Stage 1'),
      row('Learning rate η', lrInput, suggestedTags.lr),
      h('div', { class: 'slider' }, lrSlider),
      radiusRow,
      radiusSliderRow,
      derived,
      row('Noise', noiseSelect),
      batchRow,
      samplingRow,
      row('Steps', stepsInput, suggestedTags.steps),
      suggestedNote,
    ),
    scheduleSection,
    h(
      'vscode-collapsible',
      { title: 'Methods (from the same starts)', 'data-testid': 'methods-section' },
      h(
        'div',
        { class: 'collapsible-body' },
        h('p', { class: 'hint' }, 'Each ticked method runs from the same starts, seed and stages; the panel draws them side by side.'),
        methodList,
      ),
    ),
    h('section', {}, row('Trials', trialsInput), row('Seed', seedInput)),
    fieldError,
    h('div', { class: 'buttons' }, runButton, stopButton),
  ];
}

scheduleSection.append(h('div', { class: 'collapsible-body' }, stageList, addStageButton));

bindNumber(lrInput, 'lr', FIELDS.lr, (s, v) => setStageField(s, 0, 'lr', v));
bindNumber(radiusInput, 'radius', FIELDS.radius, (s, v) => setStageField(s, 0, 'radius', v));
bindNumber(stepsInput, 'steps', FIELDS.steps, (s, v) => setStageField(s, 0, 'steps', v));
bindNumber(trialsInput, 'trials', FIELDS.trials, (s, v) => ({ ...s, trials: v }));
lrSlider.addEventListener('input', () => update(setStageField(current(), 0, 'lr', sliderToLr(Number(lrSlider.value)))));
radiusSlider.addEventListener('input', () =>
  update(setStageField(current(), 0, 'radius', Number(Number(radiusSlider.value).toPrecision(3)))),
);
noiseSelect.addEventListener('change', () => {
  if (NOISE.includes(noiseSelect.value as NoiseKind))
    update(setStageField(current(), 0, 'noise', noiseSelect.value as NoiseKind, currentExamples().n));
});
bindNumber(batchInput, 'batch-size', FIELDS.batchSize, (s, v) => setStageField(s, 0, 'batchSize', v));
samplingSelect.addEventListener('change', () => {
  if (SAMPLING_CHOICES.includes(samplingSelect.value as Sampling))
    update(setStageField(current(), 0, 'sampling', samplingSelect.value as Sampling));
});
seedInput.addEventListener('change', () => {
  const v = seedInput.value.trim();
  const bad = v.length === 0 || v.length > SEED_MAX_LENGTH;
  markInvalid('seed', seedInput, bad);
  if (bad) renderValidity();
  else update({ ...current(), seed: v });
});
addStageButton.addEventListener('click', () => update(addStage(current(), currentExamples().n)));
onUpdate(renderSettings);

let methodsKey = '';
let stagesKey = '';

/** Shows the current settings in the fields (a field being typed in is left alone). */
export function renderSettings(): void {
  const s = current();
  setValue(lrInput, String(s.lr));
  lrSlider.value = String(lrToSlider(s.lr));
  setValue(radiusInput, String(s.radius));
  radiusSlider.value = String(Math.min(1.5, s.radius));
  const r = derivedR(s.radius, s.lr);
  const first = stagesOf(s)[0] ?? {};
  const minibatch = s.noise === 'minibatch';
  const examples = currentExamples();
  derived.textContent =
    s.noise === 'none'
      ? 'No noise: plain gradient descent.'
      : minibatch
        ? `Minibatch noise: each step uses the mean gradient of B of ${examples.n ?? 'n'} examples (the radius does not apply).`
        : `Gradient-noise bound r = a/η = ${formatNumber(r)}`;
  radiusRow.hidden = minibatch;
  radiusSliderRow.hidden = minibatch;
  batchRow.hidden = !minibatch;
  samplingRow.hidden = !minibatch;
  batchInput.max = String(examples.n !== null ? Math.min(examples.n, FIELDS.batchSize.max) : FIELDS.batchSize.max);
  setValue(batchInput, String(first.batchSize ?? ''));
  fillSelect(
    samplingSelect,
    SAMPLING_CHOICES.map((k) => ({ value: k, label: k })),
    first.sampling ?? 'uniform',
  );
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
    forgetInvalid('stage-');
    setChildren(stageList, ...stages.slice(1).map((_, i) => stageRow(i + 1)));
    if (stages.length === 1)
      stageList.append(h('li', { class: 'hint none' }, 'One stage. “Add stage” continues with a smaller noise radius.'));
  }
  const rows = methodRows(s);
  const mKey = JSON.stringify(rows);
  if (mKey !== methodsKey) {
    methodsKey = mKey;
    forgetInvalid('method-');
    setChildren(methodList, ...rows.map((_, i) => methodRow(rows, i)));
  }
  renderSuggested();
  renderValidity();
}
