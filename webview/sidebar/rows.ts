/**
 * The side panel's list rows: one per later stage of the schedule (η, radius or B, steps, noise,
 * where it restarts, Remove) and one per method (tick, the optimizer's parameters, a noise
 * override). form.ts rebuilds them when the schedule or the method list changes.
 */
import type { NoiseKind, Sampling } from '../../src/engine/types';
import { h, fillSelect } from '../shared/dom';
import { formatNumber } from '../shared/format';
import { bindNumber, numberInput, update } from './edits';
import { OPTIMIZER_KINDS, methodRows, withMethods, type MethodRow } from './methods';
import {
  FIELDS,
  NOISE_CHOICES as NOISE,
  SAMPLING_CHOICES,
  inputBounds,
  removeStage,
  setStageField,
  stagesOf,
  type StageField,
} from './settings';
import { current, currentExamples } from './store';

type Select = HTMLElement & { value: string };

/** One later stage of the schedule: η, radius, steps, noise, where it restarts, Remove. */
export function stageRow(index: number): HTMLElement {
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
export function methodRow(rows: MethodRow[], index: number): HTMLElement {
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
