/**
 * The side panel's run form: stage 1 (η, radius, noise, steps with their sliders), the schedule
 * of later stages, trials and seed, and why Run is disabled. Edits become new RunSettings
 * (settings.ts does the maths) kept in the store until the host's settings change under them.
 */
import type { NoiseKind, Sampling } from '../../src/engine/types';
import type { NumberSpec } from '../../src/engine/settingsSchema';
import type { RunSettings } from '../../src/protocol/webview';
import { h, fillSelect, setChildren } from '../shared/dom';
import { formatNumber } from '../shared/format';
import {
  FIELDS,
  NOISE_CHOICES,
  SAMPLING_CHOICES,
  SEED_MAX_LENGTH,
  addStage,
  derivedR,
  inputBounds,
  lrToSlider,
  methodRows,
  methodsProblem,
  minibatchProblem,
  withMethods,
  OPTIMIZER_KINDS,
  type MethodRow,
  parseSpecField,
  removeStage,
  setStageField,
  sliderToLr,
  stagesOf,
  type StageField,
} from './settings';
import { current, currentExamples, saveUi, store, ui } from './store';

type Select = HTMLElement & { value: string };

const NOISE = NOISE_CHOICES;

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
/** "suggested" tags beside η, radius and steps: set nowhere, derived from f when it runs. */
const SUGGESTABLE = ['lr', 'radius', 'steps'] as const;
type Suggestable = (typeof SUGGESTABLE)[number];
const suggestedTags: Record<Suggestable, HTMLElement> = {
  lr: h('span', { class: 'tag', 'data-testid': 'suggested-lr', hidden: true }, 'suggested'),
  radius: h('span', { class: 'tag', 'data-testid': 'suggested-radius', hidden: true }, 'suggested'),
  steps: h('span', { class: 'tag', 'data-testid': 'suggested-steps', hidden: true }, 'suggested'),
};
const suggestedText = h('span', {});
const acceptButton = h(
  'vscode-button',
  { secondary: true, 'data-testid': 'accept-suggested', title: 'Send these values with the run as your own (they stop following f)' },
  'Keep these values',
);
const suggestedNote = h(
  'div',
  { class: 'hint suggested-note', 'data-testid': 'suggested-note', hidden: true },
  suggestedText,
  acceptButton,
);
/** The schedule section (opened when a preset changes later stages). */
export const scheduleSection = h('vscode-collapsible', { title: 'Schedule (later stages)', 'data-testid': 'schedule' });
const addStageButton = h(
  'vscode-button',
  { secondary: true, 'data-testid': 'add-stage', title: 'Add a stage with half the radius' },
  'Add stage',
);
const methodList = h('ul', { class: 'methods', 'data-testid': 'methods' });
const fieldError = h('p', { class: 'field-error', 'data-testid': 'field-error', hidden: true });
export const runButton = h('vscode-button', { 'data-testid': 'run', title: 'Run SGD on the selected function' }, 'Run');
export const stopButton = h(
  'vscode-button',
  { secondary: true, 'data-testid': 'stop', title: 'Stop the running experiment', disabled: true },
  'Stop',
);

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

/**
 * The fields shown as "suggested": set by no setting, file default or stage, not edited here and
 * not kept with "Keep these values". Their values come from the function's last run (the host's
 * `controls.suggested`), or are derived when it runs.
 */
export function suggestedFields(): Suggestable[] {
  const c = store.state.controls;
  const sg = c?.suggested;
  if (!c || !sg) return [];
  const s = current();
  return SUGGESTABLE.filter((k) => sg.fields.includes(k) && s[k] === c.settings[k] && !ui.pinned?.includes(k));
}

/** The kept suggestions as run settings (sent with Run as the user's own values). */
export function pinnedValues(): Partial<RunSettings> {
  const s = current();
  const out: Partial<RunSettings> = {};
  for (const k of ui.pinned ?? []) if (SUGGESTABLE.includes(k as Suggestable)) out[k as Suggestable] = s[k as Suggestable];
  return out;
}

acceptButton.addEventListener('click', () => {
  ui.pinned = [...new Set([...(ui.pinned ?? []), ...suggestedFields()])];
  update(current());
});

const FIELD_WORDS: Record<Suggestable, string> = { lr: 'η', radius: 'radius', steps: 'steps' };

function renderSuggested(): void {
  const sg = store.state.controls?.suggested;
  const fields = suggestedFields();
  for (const k of SUGGESTABLE) {
    const tag = suggestedTags[k];
    tag.hidden = !fields.includes(k);
    tag.title = sg?.why[k] ?? 'Set by no setting or file default: derived from the function when it runs.';
  }
  suggestedNote.hidden = fields.length === 0;
  if (fields.length === 0) return;
  const known = fields.filter((k) => sg?.values[k] !== undefined);
  const names = fields.map((k) => FIELD_WORDS[k]).join(', ');
  suggestedText.textContent =
    known.length === fields.length
      ? `Suggested from ${store.state.controls?.selected ?? 'the function'} (no setting or file default sets ${names}): ` +
        `${known.map((k) => `${FIELD_WORDS[k]} ${formatNumber(sg!.values[k]!, 4)} — ${sg!.why[k] ?? ''}`).join('; ')}. ` +
        'Edit a field to override, or keep them as your values. '
      : `No setting or file default sets ${names}: the run derives ${fields.length === 1 ? 'it' : 'them'} from the function ` +
        '(η from its curvature, the radius from the domain, steps so that GD converges) and shows them here. ';
  acceptButton.hidden = known.length !== fields.length;
}

/** Invalid fields by test id (text the user typed that is not a usable number). */
const invalid = new Set<string>();

/** Takes `next` as the user's settings and shows them. */
export function update(next: RunSettings): void {
  ui.edited = next;
  ui.base = JSON.stringify(store.state.controls?.settings ?? null);
  saveUi();
  renderSettings();
}

/** The host's settings changed under the user's edits (other function, settings.json): start over. */
export function dropStaleEdits(): void {
  if (ui.edited && ui.base !== JSON.stringify(store.state.controls?.settings ?? null)) {
    ui.edited = undefined;
    ui.base = undefined;
    ui.pinned = undefined;
    invalid.clear();
    saveUi();
  }
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
addStageButton.addEventListener('click', () => update(addStage(current(), currentExamples().n)));

function setValue(input: HTMLInputElement, v: string): void {
  // Leave a field the user is typing in alone.
  if (document.activeElement !== input && input.value !== v) input.value = v;
}

/** One later stage of the schedule: η, radius, steps, noise, where it restarts, Remove. */
function stageRow(index: number): HTMLElement {
  const s = stagesOf(current())[index]!;
  const n = index + 1;
  const field = (f: Exclude<StageField, 'noise' | 'sampling'>, label: string) => {
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
    if (NOISE.includes(noise.value as NoiseKind))
      update(setStageField(current(), index, 'noise', noise.value as NoiseKind, currentExamples().n));
  });
  const minibatch = s.noise === 'minibatch';
  const sampling = h('vscode-single-select', { 'data-testid': `stage-${n}-sampling`, 'aria-label': `Stage ${n} sampling` }) as Select;
  fillSelect(
    sampling,
    SAMPLING_CHOICES.map((k) => ({ value: k, label: k })),
    s.sampling ?? 'uniform',
  );
  sampling.addEventListener('change', () => {
    if (SAMPLING_CHOICES.includes(sampling.value as Sampling))
      update(setStageField(current(), index, 'sampling', sampling.value as Sampling));
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
      // Minibatch noise has no radius: B and the sampling instead.
      ...(minibatch
        ? [field('batchSize', 'B'), h('label', { class: 'stage-field' }, h('span', {}, 'sampling'), sampling)]
        : [field('radius', 'radius')]),
      field('steps', 'steps'),
      h('label', { class: 'stage-field' }, h('span', {}, 'noise'), noise),
    ),
    h('div', { class: 'stage-actions' }, init, remove),
  );
}

/** A method's test id: method-<name in lower case, other characters as ->. */
export function methodId(name: string): string {
  return `method-${name.toLowerCase().replace(/[^a-z0-9]+/g, '-')}`;
}

/** One method of the list: tick, name, the optimizer's parameters, the noise override. */
function methodRow(rows: MethodRow[], index: number): HTMLElement {
  const r = rows[index]!;
  const id = methodId(r.name);
  const set = (change: (row: MethodRow) => void) => {
    const next = rows.map((x) => ({ ...x, params: { ...x.params } }));
    change(next[index]!);
    update(withMethods(current(), next));
  };
  const tick = h('input', { type: 'checkbox', 'data-testid': id, 'aria-label': `Run ${r.name}` });
  tick.checked = r.on;
  tick.addEventListener('change', () => set((x) => (x.on = tick.checked)));
  const kind = OPTIMIZER_KINDS[r.kind];
  const params = Object.entries(kind.params).map(([p, spec]) => {
    const input = numberInput(`${id}-${p}`, `${r.name} ${p}`, { step: 'any', ...inputBounds(spec) });
    input.value = String(r.params[p] ?? spec.default);
    input.title = spec.description;
    bindNumber(input, `${id}-${p}`, spec, (st, v) => {
      const next = methodRows(st).map((x) => (x.name === r.name ? { ...x, params: { ...x.params, [p]: v } } : x));
      return withMethods(st, next);
    });
    return h('label', { class: 'stage-field' }, h('span', {}, p), input);
  });
  const noise = h('vscode-single-select', { 'data-testid': `${id}-noise`, 'aria-label': `${r.name} noise` }) as Select;
  fillSelect(
    noise,
    [{ value: '', label: 'stages’ noise' }, ...NOISE.map((k) => ({ value: k, label: k === 'none' ? 'none (deterministic)' : k }))],
    r.noise ?? '',
  );
  noise.addEventListener('change', () =>
    set((x) => {
      if (noise.value === '') delete x.noise;
      else if (NOISE.includes(noise.value as NoiseKind)) x.noise = noise.value as NoiseKind;
    }),
  );
  return h(
    'li',
    { 'data-method': r.name, title: kind.description },
    h('label', { class: 'method-name' }, tick, h('span', {}, `${r.name}`), h('span', { class: 'hint' }, ` ${kind.label}`)),
    h('div', { class: 'stage-grid' }, ...params, h('label', { class: 'stage-field' }, h('span', {}, 'noise'), noise)),
  );
}

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
    for (const id of [...invalid]) if (id.startsWith('stage-')) invalid.delete(id);
    setChildren(stageList, ...stages.slice(1).map((_, i) => stageRow(i + 1)));
    if (stages.length === 1)
      stageList.append(h('li', { class: 'hint none' }, 'One stage. “Add stage” continues with a smaller noise radius.'));
  }
  const rows = methodRows(s);
  const mKey = JSON.stringify(rows);
  if (mKey !== methodsKey) {
    methodsKey = mKey;
    for (const id of [...invalid]) if (id.startsWith('method-')) invalid.delete(id);
    setChildren(methodList, ...rows.map((_, i) => methodRow(rows, i)));
  }
  renderSuggested();
  renderValidity();
}

/** Says why Run is disabled (invalid fields, untrusted workspace, no loss) and sets Run/Stop. */
export function renderValidity(): void {
  const controls = store.state.controls;
  const running = store.state.status.kind === 'running';
  const problems: string[] = [];
  if (invalid.size > 0) problems.push(`Fix: ${[...invalid].join(', ')}`);
  const methods = methodsProblem(methodRows(current()));
  if (methods) problems.push(methods);
  const examples = currentExamples();
  stagesOf(current()).forEach((st, i) => {
    const why = minibatchProblem(st, i + 1, examples);
    if (why) problems.push(why);
  });
  if (controls && !controls.trusted) problems.push('Workspace not trusted.');
  if (!controls?.functions.length) problems.push('Open a TypeScript file that exports a loss function.');
  fieldError.hidden = problems.length === 0;
  fieldError.textContent = problems.join(' ');
  runButton.toggleAttribute('disabled', problems.length > 0 || running);
  stopButton.toggleAttribute('disabled', !running);
}
